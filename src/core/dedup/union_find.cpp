#include "dqprep/dedup/union_find.hpp"

#include <numeric>
#include <utility>

namespace dqprep {

UnionFind::UnionFind(uint32_t n) : parent_(n), rank_(n, 0) {
  std::iota(parent_.begin(), parent_.end(), 0u);
}

bool UnionFind::unite(uint32_t a, uint32_t b) {
  a = find(a);
  b = find(b);
  if (a == b) return false;
  if (rank_[a] < rank_[b]) std::swap(a, b);
  parent_[b] = a;
  if (rank_[a] == rank_[b]) ++rank_[a];
  return true;
}

std::vector<uint32_t> UnionFind::smallest_members() {
  const uint32_t n = size();
  // Visiting in increasing order, the first element seen of a set is its smallest.
  std::vector<uint32_t> smallest_of_root(n, UINT32_MAX);
  std::vector<uint32_t> out(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = find(i);
    if (smallest_of_root[r] == UINT32_MAX) smallest_of_root[r] = i;
    out[i] = smallest_of_root[r];
  }
  return out;
}

}  // namespace dqprep
