#include "dqprep/io/cpus.hpp"

#include <gtest/gtest.h>
#include <sched.h>

namespace dqprep::io {
namespace {

TEST(Cpus, QuotaRoundsUp) {
  EXPECT_EQ(cpus_of_quota(200000, 100000), 2u);
  EXPECT_EQ(cpus_of_quota(150000, 100000), 2u);
  EXPECT_EQ(cpus_of_quota(50000, 100000), 1u);
  EXPECT_EQ(cpus_of_quota(-1, 100000), std::nullopt);  // cgroup v1: no quota
  EXPECT_EQ(cpus_of_quota(100000, 0), std::nullopt);
}

TEST(Cpus, CgroupV2CpuMax) {
  EXPECT_EQ(cpus_of_cpu_max("max 100000"), std::nullopt);
  EXPECT_EQ(cpus_of_cpu_max("max 100000\n"), std::nullopt);
  EXPECT_EQ(cpus_of_cpu_max("400000 100000\n"), 4u);
  EXPECT_EQ(cpus_of_cpu_max("250000 100000"), 3u);
  EXPECT_EQ(cpus_of_cpu_max(""), std::nullopt);
  EXPECT_EQ(cpus_of_cpu_max("100000"), std::nullopt);
  EXPECT_EQ(cpus_of_cpu_max("x y"), std::nullopt);
}

TEST(Cpus, AtMostTheAffinityMask) {
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  const unsigned cpus = available_cpus();
  EXPECT_GE(cpus, 1u);
  EXPECT_LE(cpus, static_cast<unsigned>(CPU_COUNT(&set)));
  // One CPU in the mask: one CPU available.
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) {
      CPU_SET(c, &one);
      break;
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  EXPECT_EQ(available_cpus(), 1u);
  ASSERT_EQ(sched_setaffinity(0, sizeof set, &set), 0);
}

}  // namespace
}  // namespace dqprep::io
