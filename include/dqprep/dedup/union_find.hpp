#pragma once
// Disjoint sets over record indices 0..n-1: union by rank, path halving. 5 bytes per element.

#include <cstdint>
#include <vector>

namespace dqprep {

class UnionFind {
 public:
  explicit UnionFind(uint32_t n);

  uint32_t size() const { return static_cast<uint32_t>(parent_.size()); }

  // The root of x's set. Roots depend on the order of unions; smallest_members() does not.
  uint32_t find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }

  // Merges the sets of a and b; false when they were already one set.
  bool unite(uint32_t a, uint32_t b);

  bool same(uint32_t a, uint32_t b) { return find(a) == find(b); }

  // For each element, the smallest element of its set: a labelling of the sets that depends only
  // on the partition, not on the order in which it was built.
  std::vector<uint32_t> smallest_members();

 private:
  std::vector<uint32_t> parent_;
  std::vector<uint8_t> rank_;  // <= log2(n) < 32
};

}  // namespace dqprep
