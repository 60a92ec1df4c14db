#include "dqprep/select/greedy_cover.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "dqprep/util/random.hpp"

namespace dqprep::greedy_cover {
namespace {

struct Point {
  int x, y;
};

// Manhattan distance on a 10 x 10 grid scaled to [0, 1]: many ties, which must go to the lowest
// position.
double dist(const Point& a, const Point& b) { return (std::abs(a.x - b.x) + std::abs(a.y - b.y)) / 18.0; }

double score(double w, double d, double beta) { return beta == 1 ? w * d : w * std::pow(d, beta); }

// The definition, step by step: the distance of every candidate to L ∪ S from scratch.
std::vector<size_t> brute_force(const std::vector<Point>& pool, const std::vector<Point>& labelled,
                                const std::vector<double>& w, double beta, size_t k) {
  std::vector<size_t> chosen;
  while (chosen.size() < std::min(k, pool.size())) {
    size_t best = pool.size();
    double best_score = 0;
    for (size_t i = 0; i < pool.size(); ++i) {
      if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) continue;
      double d = 1;
      for (const Point& l : labelled) d = std::min(d, dist(pool[i], l));
      for (size_t c : chosen) d = std::min(d, dist(pool[i], pool[c]));
      double s = score(w[i], d, beta);
      if (best == pool.size() || s > best_score) {
        best = i;
        best_score = s;
      }
    }
    chosen.push_back(best);
  }
  return chosen;
}

std::vector<size_t> greedy(const std::vector<Point>& pool, const std::vector<Point>& labelled,
                           const std::vector<double>& w, double beta, size_t k) {
  std::vector<double> d(pool.size(), 1.0);
  for (size_t i = 0; i < pool.size(); ++i)
    for (const Point& l : labelled) d[i] = std::min(d[i], dist(pool[i], l));
  GreedyCover cover(w, d, beta);
  std::vector<size_t> out;
  while (out.size() < k) {
    std::optional<Pick> p = cover.pick();
    if (!p) break;
    out.push_back(p->position);
    for (size_t i = 0; i < pool.size(); ++i)
      if (!cover.chosen(i)) cover.lower(i, dist(pool[i], pool[p->position]));
  }
  return out;
}

TEST(GreedyCover, SamePicksAsBruteForce) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    Rng rng(seed);
    std::vector<Point> pool(40 + rng.uniform(40)), labelled(rng.uniform(12));
    for (Point& p : pool) p = {static_cast<int>(rng.uniform(10)), static_cast<int>(rng.uniform(10))};
    for (Point& p : labelled) p = {static_cast<int>(rng.uniform(10)), static_cast<int>(rng.uniform(10))};
    std::vector<double> ones(pool.size(), 1.0), u(pool.size());
    for (double& x : u) x = static_cast<double>(rng.uniform(5)) / 4.0;  // ties in the weights too
    for (size_t k : {size_t{1}, size_t{7}, pool.size() + 3}) {
      EXPECT_EQ(greedy(pool, labelled, ones, 1, k), brute_force(pool, labelled, ones, 1, k)) << "coreset, seed " << seed;
      EXPECT_EQ(greedy(pool, labelled, u, 1, k), brute_force(pool, labelled, u, 1, k)) << "weighted, seed " << seed;
      EXPECT_EQ(greedy(pool, labelled, u, 2.5, k), brute_force(pool, labelled, u, 2.5, k)) << "beta 2.5, seed " << seed;
    }
  }
}

TEST(GreedyCover, KCenterPicksTheFarthestPoint) {
  // One labelled point at the origin; the pool on a line. k-center picks the far end, then the
  // point halfway, then the record first in input order among the next farthest.
  std::vector<Point> pool = {{1, 0}, {2, 0}, {3, 0}, {4, 0}, {8, 0}, {6, 0}};
  std::vector<Point> labelled = {{0, 0}};
  std::vector<double> ones(pool.size(), 1.0);
  EXPECT_EQ(greedy(pool, labelled, ones, 1, 3), (std::vector<size_t>{4, 3, 1}));
  // Without a labelled set every distance is 1: the first pick is the first record.
  EXPECT_EQ(greedy(pool, {}, ones, 1, 2), (std::vector<size_t>{0, 4}));
}

}  // namespace
}  // namespace dqprep::greedy_cover
