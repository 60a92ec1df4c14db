#pragma once
// Open-addressing hash maps for the record path, keyed by values that are already uniform hashes
// (XXH3 outputs), so the key's own bits pick the slot: 128-bit keys (exact duplicate keys) and
// 64-bit keys (n-gram hashes) to a 32-bit value. Linear probing; the table doubles past 3/4 full.
// Slots: 24 bytes (KeyTable), 16 bytes (HashTable64); with the load between 3/8 and 3/4, 32-64 and
// 21-43 bytes per key. One allocation per doubling, none per insert.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dqprep/util/hash.hpp"

namespace dqprep {

class KeyTable {
 public:
  // The value stored for `key`; when the key is new, `value` is stored first and `inserted` is true.
  uint32_t find_or_insert(const hash::Key128& key, uint32_t value, bool& inserted);
  // The value of `key`, or nullptr.
  const uint32_t* find(const hash::Key128& key) const;
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t low = 0;
    uint64_t high = 0;
    uint32_t value = 0;
    uint32_t used = 0;
  };
  void grow();

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

class HashTable64 {
 public:
  uint32_t find_or_insert(uint64_t key, uint32_t value, bool& inserted);
  const uint32_t* find(uint64_t key) const;
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t value = 0;
    uint32_t used = 0;
  };
  void grow();

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace dqprep
