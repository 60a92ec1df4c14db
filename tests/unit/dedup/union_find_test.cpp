#include "dqprep/dedup/union_find.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "dqprep/util/random.hpp"

namespace dqprep {
namespace {

TEST(UnionFind, UniteFindSame) {
  UnionFind uf(6);
  EXPECT_EQ(uf.size(), 6u);
  EXPECT_TRUE(uf.unite(4, 2));
  EXPECT_TRUE(uf.unite(2, 5));
  EXPECT_FALSE(uf.unite(5, 4));
  EXPECT_TRUE(uf.unite(3, 1));
  EXPECT_TRUE(uf.same(4, 5));
  EXPECT_FALSE(uf.same(0, 2));
  EXPECT_EQ(uf.find(5), uf.find(2));
  EXPECT_EQ(uf.smallest_members(), (std::vector<uint32_t>{0, 1, 2, 1, 2, 2}));
}

TEST(UnionFind, LongChainsStayShallow) {
  const uint32_t n = 100000;
  UnionFind uf(n);
  for (uint32_t i = n - 1; i > 0; --i) uf.unite(i, i - 1);
  auto smallest = uf.smallest_members();
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(smallest[i], 0u);
}

// Components by an independent method: label propagation to a fixed point.
std::vector<uint32_t> components_by_relaxation(uint32_t n,
                                               const std::vector<std::pair<uint32_t, uint32_t>>& e) {
  std::vector<uint32_t> label(n);
  for (uint32_t i = 0; i < n; ++i) label[i] = i;
  for (bool changed = true; changed;) {
    changed = false;
    for (auto [a, b] : e) {
      uint32_t m = std::min(label[a], label[b]);
      if (label[a] != m || label[b] != m) changed = true;
      label[a] = label[b] = m;
    }
  }
  return label;
}

TEST(UnionFind, ComponentsIndependentOfUnionOrder) {
  const uint32_t n = 3000;
  Rng rng(11);
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  for (int k = 0; k < 2000; ++k) {
    edges.emplace_back(static_cast<uint32_t>(rng.uniform(n)), static_cast<uint32_t>(rng.uniform(n)));
  }
  const auto expected = components_by_relaxation(n, edges);
  for (int trial = 0; trial < 5; ++trial) {
    auto order = edges;
    for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.uniform(i + 1)]);
    if (trial % 2) for (auto& [a, b] : order) std::swap(a, b);
    UnionFind uf(n);
    for (auto [a, b] : order) uf.unite(a, b);
    EXPECT_EQ(uf.smallest_members(), expected);
  }
}

}  // namespace
}  // namespace dqprep
