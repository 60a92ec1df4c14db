#include "dqprep/util/random.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dqprep {

TEST(Rng, SameSeedSameStream) {
  Rng a(42, 7), b(42, 7), c(42, 8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differs |= x != c.next_u64();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, UniformIsUnbiasedOverSmallRange) {
  Rng rng(1);
  std::vector<int> counts(6, 0);
  const int n = 60000;
  for (int i = 0; i < n; ++i) ++counts[rng.uniform(6)];
  for (int c : counts) EXPECT_NEAR(c, n / 6, 400);  // > 5 standard deviations
}

TEST(Rng, NormalAndBetaMoments) {
  Rng rng(3);
  const int n = 200000;
  double sum = 0, sq = 0, beta_sum = 0;
  for (int i = 0; i < n; ++i) {
    double x = rng.normal();
    sum += x;
    sq += x * x;
    beta_sum += rng.beta(2.0, 6.0);
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sq / n, 1.0, 0.01);
  EXPECT_NEAR(beta_sum / n, 0.25, 0.005);  // mean of Beta(a, b) = a / (a + b)
}

}  // namespace dqprep
