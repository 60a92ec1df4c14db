#include "dqprep/augment/balance.hpp"

#include <gtest/gtest.h>

namespace dqprep::balance {
namespace {

TEST(BalancePlan, MajorityTargetByDefault) {
  Plan p = plan({70, 20, 10}, std::nullopt, std::nullopt);
  EXPECT_EQ(p.target, 70u);
  EXPECT_EQ(p.add, (std::vector<uint64_t>{0, 50, 60}));
}

TEST(BalancePlan, GivenTargetNeverRemoves) {
  Plan p = plan({70, 20, 10}, 50, std::nullopt);
  EXPECT_EQ(p.target, 50u);
  EXPECT_EQ(p.add, (std::vector<uint64_t>{0, 30, 40}));
}

TEST(BalancePlan, MaxRatioCapsPerClass) {
  Plan p = plan({70, 20, 10}, std::nullopt, 2.0);
  EXPECT_EQ(p.add, (std::vector<uint64_t>{0, 40, 20}));
  p = plan({10, 3}, std::nullopt, 0.3);  // floor(0.3 * 3) = 0; 0.3 * 10 would be 3
  EXPECT_EQ(p.add, (std::vector<uint64_t>{0, 0}));
  p = plan({100, 10}, std::nullopt, 0.3);
  EXPECT_EQ(p.add, (std::vector<uint64_t>{0, 3}));
  EXPECT_TRUE(plan({}, std::nullopt, std::nullopt).add.empty());
}

TEST(BalanceShare, RoundRobinSumsToAddAndDiffersByAtMostOne) {
  for (uint64_t n : {1u, 3u, 7u, 10u}) {
    for (uint64_t add : {0u, 1u, 5u, 6u, 23u, 70u}) {
      uint64_t sum = 0, lo = ~0ull, hi = 0;
      for (uint64_t r = 0; r < n; ++r) {
        uint64_t k = share(add, n, r);
        sum += k;
        lo = std::min(lo, k);
        hi = std::max(hi, k);
        if (r > 0) EXPECT_LE(k, share(add, n, r - 1));  // earlier records first
      }
      EXPECT_EQ(sum, add) << n << " " << add;
      EXPECT_LE(hi - lo, 1u);
    }
  }
  EXPECT_EQ(share(5, 0, 0), 0u);
}

}  // namespace
}  // namespace dqprep::balance
