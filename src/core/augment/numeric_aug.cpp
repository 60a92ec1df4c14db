#include "dqprep/augment/numeric_aug.hpp"

namespace dqprep::numeric_aug {

void gaussian(std::span<const double> x, double sigma, Rng& rng, std::vector<double>& out) {
  out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = x[i] + sigma * rng.normal();
}

void mix(std::span<const double> x1, std::span<const float> x2, double lambda, std::vector<double>& out) {
  out.resize(x1.size());
  for (size_t i = 0; i < x1.size(); ++i) out[i] = lambda * x1[i] + (1.0 - lambda) * static_cast<double>(x2[i]);
}

void PartnerPool::offer(uint32_t group_class, uint32_t class_id, uint64_t index, std::span<const double> values,
                        std::string_view name) {
  if (capacity_ == 0) return;
  auto key = std::make_pair(group_class, values.size());
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    it = groups_.emplace(key, Group{}).first;
    it->second.rng = Rng(seed_ ^ 0x6d69787570ULL, groups_.size());  // "mixup": apart from the records' streams
    it->second.length = values.size();
  }
  Group& g = it->second;
  size_t slot;
  if (g.seen < capacity_) {
    slot = g.index.size();
    g.index.push_back(0);
    g.class_id.push_back(0);
    g.name.emplace_back();
    g.values.resize(g.values.size() + g.length);
  } else {
    uint64_t j = g.rng.uniform(g.seen + 1);
    if (j >= capacity_) {
      ++g.seen;
      return;
    }
    slot = j;
  }
  ++g.seen;
  g.index[slot] = index;
  g.class_id[slot] = class_id;
  g.name[slot].assign(name);
  for (size_t i = 0; i < g.length; ++i) g.values[slot * g.length + i] = static_cast<float>(values[i]);
}

bool PartnerPool::draw(uint32_t group_class, size_t length, uint64_t self, Rng& rng, Partner& out) const {
  auto it = groups_.find(std::make_pair(group_class, length));
  if (it == groups_.end()) return false;
  const Group& g = it->second;
  size_t n = g.index.size();
  if (n == 0 || (n == 1 && g.index[0] == self)) return false;
  // Rejection of self: uniform over the other entries, about one draw on average.
  size_t k;
  do {
    k = rng.uniform(n);
  } while (g.index[k] == self);
  out.index = g.index[k];
  out.class_id = g.class_id[k];
  out.name = g.name[k];
  out.values = std::span<const float>(g.values.data() + k * g.length, g.length);
  return true;
}

size_t PartnerPool::held() const {
  size_t n = 0;
  for (const auto& [key, g] : groups_) n += g.index.size();
  return n;
}

}  // namespace dqprep::numeric_aug
