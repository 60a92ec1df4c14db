#include "dqprep/select/weighted_sampling.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

namespace dqprep::weighted_sampling {
namespace {

// Exact probabilities of successive sampling (each draw proportional to the weights left), by
// enumerating every ordered sequence of k draws: inclusion[i] and first[i] (drawn first).
void exact(const std::vector<double>& w, size_t k, std::vector<double>& inclusion, std::vector<double>& first) {
  const size_t n = w.size();
  inclusion.assign(n, 0);
  first.assign(n, 0);
  std::vector<bool> taken(n, false);
  std::vector<size_t> drawn;
  std::function<void(double, double)> walk = [&](double p, double left) {
    if (drawn.size() == k) {
      for (size_t i : drawn) inclusion[i] += p;
      first[drawn[0]] += p;
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      if (taken[i]) continue;
      taken[i] = true;
      drawn.push_back(i);
      walk(p * w[i] / left, left - w[i]);
      drawn.pop_back();
      taken[i] = false;
    }
  };
  double total = 0;
  for (double x : w) total += x;
  walk(1.0, total);
}

TEST(WeightedSampling, InclusionAndOrderMatchSuccessiveSampling) {
  // Weights far apart, so that inclusion is far from proportional to weight (the heaviest item is
  // almost always in, the lightest rarely): a key of another form (u * w, u^w) fails this.
  const std::vector<double> w = {0.5, 1, 1, 2, 4, 9};
  const size_t k = 3;
  std::vector<double> inclusion, first;
  exact(w, k, inclusion, first);
  const int trials = 40000;
  std::vector<int> in(w.size(), 0), head(w.size(), 0);
  for (int t = 0; t < trials; ++t) {
    std::vector<size_t> s = sample(w, k, static_cast<uint64_t>(t) * 7919 + 1);
    ASSERT_EQ(s.size(), k);
    for (size_t i : s) ++in[i];
    ++head[s[0]];
  }
  for (size_t i = 0; i < w.size(); ++i) {
    // 4.5 standard errors of a binomial share: a false failure about once in 10^5 checks.
    double tol_in = 4.5 * std::sqrt(inclusion[i] * (1 - inclusion[i]) / trials);
    double tol_first = 4.5 * std::sqrt(first[i] * (1 - first[i]) / trials);
    EXPECT_NEAR(static_cast<double>(in[i]) / trials, inclusion[i], tol_in) << "item " << i;
    EXPECT_NEAR(static_cast<double>(head[i]) / trials, first[i], tol_first) << "item " << i;
  }
  // The inclusion probabilities are not the weights' shares scaled to k (what a careless check
  // would compare with): the test distinguishes them.
  EXPECT_GT(std::fabs(inclusion[0] - k * w[0] / 17.5), 0.02);
}

TEST(WeightedSampling, ZeroWeightsAreNeverDrawnAndKeysAreStable) {
  const std::vector<double> w = {0, 1, 0, 2};
  std::vector<size_t> s = sample(w, 4, 5);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE((s[0] == 1 && s[1] == 3) || (s[0] == 3 && s[1] == 1));
  EXPECT_EQ(sample(w, 4, 5), s);
  EXPECT_EQ(uniform_of(5, 3), uniform_of(5, 3));
  EXPECT_NE(uniform_of(5, 3), uniform_of(6, 3));
  EXPECT_GT(uniform_of(0, 0), 0.0);
  EXPECT_LE(uniform_of(0, 0), 1.0);
  EXPECT_TRUE(std::isinf(log_key(0.5, 0)));
  EXPECT_DOUBLE_EQ(log_key(0.25, 2), std::log(0.25) / 2);
}

}  // namespace
}  // namespace dqprep::weighted_sampling
