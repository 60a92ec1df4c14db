#include "dqprep/dedup/key_table.hpp"

namespace dqprep {

namespace {

constexpr size_t kInitialSlots = 1024;

// Past 3/4 full, linear probing's expected probes per miss grow fast (8.5 at 3/4, 50 at 9/10).
bool too_full(size_t size, size_t slots) { return (size + 1) * 4 > slots * 3; }

}  // namespace

uint32_t KeyTable::find_or_insert(const hash::Key128& key, uint32_t value, bool& inserted) {
  if (slots_.empty() || too_full(size_, slots_.size())) grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = key.low & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (!s.used) {
      s = {key.low, key.high, value, 1};
      ++size_;
      inserted = true;
      return value;
    }
    if (s.low == key.low && s.high == key.high) {
      inserted = false;
      return s.value;
    }
  }
}

const uint32_t* KeyTable::find(const hash::Key128& key) const {
  if (slots_.empty()) return nullptr;
  const size_t mask = slots_.size() - 1;
  for (size_t i = key.low & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.used) return nullptr;
    if (s.low == key.low && s.high == key.high) return &s.value;
  }
}

void KeyTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kInitialSlots : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.used) continue;
    size_t i = s.low & mask;
    while (slots_[i].used) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

uint32_t HashTable64::find_or_insert(uint64_t key, uint32_t value, bool& inserted) {
  if (slots_.empty() || too_full(size_, slots_.size())) grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (!s.used) {
      s = {key, value, 1};
      ++size_;
      inserted = true;
      return value;
    }
    if (s.key == key) {
      inserted = false;
      return s.value;
    }
  }
}

const uint32_t* HashTable64::find(uint64_t key) const {
  if (slots_.empty()) return nullptr;
  const size_t mask = slots_.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.used) return nullptr;
    if (s.key == key) return &s.value;
  }
}

void HashTable64::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kInitialSlots : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.used) continue;
    size_t i = s.key & mask;
    while (slots_[i].used) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace dqprep
