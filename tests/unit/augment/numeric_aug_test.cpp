#include "dqprep/augment/numeric_aug.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace dqprep::numeric_aug {
namespace {

TEST(Gaussian, NoiseHasMeanZeroAndSigma) {
  const std::vector<double> x = {1.0, -2.0, 0.5, 100.0};
  std::vector<double> out;
  Rng rng(5);
  const int n = 50000;
  std::vector<double> sum(x.size()), sq(x.size());
  for (int k = 0; k < n; ++k) {
    gaussian(x, 0.3, rng, out);
    ASSERT_EQ(out.size(), x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      double e = out[i] - x[i];
      sum[i] += e;
      sq[i] += e * e;
    }
  }
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(sum[i] / n, 0.0, 0.3 * 5 / std::sqrt(n));  // 5 standard errors
    EXPECT_NEAR(std::sqrt(sq[i] / n), 0.3, 0.005);
  }
}

TEST(Mix, ConvexCombination) {
  const std::vector<double> a = {1.0, 2.0, -4.0};
  const std::vector<float> b = {3.0f, 0.0f, 4.0f};
  std::vector<double> out;
  mix(a, b, 0.25, out);
  EXPECT_DOUBLE_EQ(out[0], 0.25 * 1 + 0.75 * 3);
  EXPECT_DOUBLE_EQ(out[1], 0.5);
  EXPECT_DOUBLE_EQ(out[2], -1.0 + 3.0);
  mix(a, b, 1.0, out);
  EXPECT_EQ(out, a);
}

TEST(PartnerPool, KeepsEveryVectorUnderCapacityAndNeverDrawsSelf) {
  PartnerPool pool(100, 1);
  for (uint64_t i = 0; i < 10; ++i) {
    double v[2] = {static_cast<double>(i), -static_cast<double>(i)};
    pool.offer(static_cast<uint32_t>(i % 2), static_cast<uint32_t>(i % 2), i, v, std::to_string(i));
  }
  EXPECT_EQ(pool.groups(), 2u);
  EXPECT_EQ(pool.held(), 10u);
  Rng rng(2);
  std::map<uint64_t, int> seen;
  PartnerPool::Partner p;
  for (int k = 0; k < 5000; ++k) {
    ASSERT_TRUE(pool.draw(0, 2, 4, rng, p));
    EXPECT_NE(p.index, 4u);
    EXPECT_EQ(p.index % 2, 0u);  // same class
    EXPECT_EQ(p.values[0], static_cast<float>(p.index));
    EXPECT_EQ(p.name, std::to_string(p.index));
    ++seen[p.index];
  }
  EXPECT_EQ(seen.size(), 4u);  // 0, 2, 6, 8: uniform over the others
  for (auto& [index, n] : seen) EXPECT_NEAR(n, 1250, 150);
  EXPECT_FALSE(pool.draw(0, 3, 4, rng, p));  // no vector of that length
  EXPECT_FALSE(pool.draw(7, 2, 4, rng, p));  // no such class
  PartnerPool lone(10, 1);
  double v[1] = {1.0};
  lone.offer(0, 0, 3, v, "3");
  EXPECT_FALSE(lone.draw(0, 1, 3, rng, p));  // only itself
  EXPECT_TRUE(lone.draw(0, 1, 4, rng, p));
}

TEST(PartnerPool, ReservoirIsBoundedUniformAndSeeded) {
  // Algorithm R keeps each of N offered vectors with probability capacity / N.
  const uint64_t n = 1000, cap = 50;
  std::vector<int> kept(n);
  for (uint64_t seed = 0; seed < 400; ++seed) {
    PartnerPool pool(cap, seed);
    for (uint64_t i = 0; i < n; ++i) {
      double v[1] = {static_cast<double>(i)};
      pool.offer(0, 0, i, v, "x");
    }
    ASSERT_EQ(pool.held(), cap);
    Rng rng(seed);
    PartnerPool::Partner p;
    std::map<uint64_t, bool> in_sample;
    for (int k = 0; k < 2000; ++k) {
      ASSERT_TRUE(pool.draw(0, 1, n + 1, rng, p));
      in_sample[p.index] = true;
    }
    for (auto& [index, yes] : in_sample) ++kept[index];
  }
  // Each index is kept in 400 * 0.05 = 20 runs on average; compare the first and last tenth.
  double first = 0, last = 0;
  for (uint64_t i = 0; i < 100; ++i) first += kept[i], last += kept[n - 1 - i];
  EXPECT_NEAR(first / 100, 20, 2);
  EXPECT_NEAR(last / 100, 20, 2);
  // The same seed keeps the same sample.
  PartnerPool a(cap, 9), b(cap, 9);
  for (uint64_t i = 0; i < n; ++i) {
    double v[1] = {static_cast<double>(i)};
    a.offer(0, 0, i, v, "x");
    b.offer(0, 0, i, v, "x");
  }
  Rng ra(1), rb(1);
  PartnerPool::Partner pa, pb;
  for (int k = 0; k < 100; ++k) {
    ASSERT_TRUE(a.draw(0, 1, 0, ra, pa));
    ASSERT_TRUE(b.draw(0, 1, 0, rb, pb));
    EXPECT_EQ(pa.index, pb.index);
  }
}

}  // namespace
}  // namespace dqprep::numeric_aug
