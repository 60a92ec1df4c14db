#include "dqprep/io/cpus.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

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

namespace fs = std::filesystem;

struct CgroupTree : ::testing::Test {
  void SetUp() override {
    std::string t = (fs::temp_directory_path() / "dqprep-cgroup-XXXXXX").string();
    root = mkdtemp(t.data());
  }
  void TearDown() override { fs::remove_all(root); }
  void write(const std::string& dir, const std::string& file, const std::string& text) {
    fs::create_directories(root + dir);
    std::ofstream(root + dir + "/" + file) << text;
  }
  std::string root;
};

TEST_F(CgroupTree, V2QuotaOnTheCgroupOrAbove) {
  write("/a/b", "cpu.max", "max 100000\n");
  EXPECT_EQ(cgroup_cpu_quota("0::/a/b\n", root), std::nullopt);
  write("/a", "cpu.max", "300000 100000\n");
  EXPECT_EQ(cgroup_cpu_quota("0::/a/b\n", root), 3u);
  write("/a/b", "cpu.max", "150000 100000\n");
  EXPECT_EQ(cgroup_cpu_quota("0::/a/b\n", root), 2u);  // the smallest on the way up
  write("", "cpu.max", "100000 100000\n");  // a container's own root
  EXPECT_EQ(cgroup_cpu_quota("0::/\n", root), 1u);
}

TEST_F(CgroupTree, V1CpuController) {
  write("/cpu,cpuacct/job", "cpu.cfs_quota_us", "-1\n");
  write("/cpu,cpuacct/job", "cpu.cfs_period_us", "100000\n");
  const std::string v1 = "4:memory:/job\n3:cpu,cpuacct:/job\n0::/job\n";
  EXPECT_EQ(cgroup_cpu_quota(v1, root), std::nullopt);
  write("/cpu,cpuacct/job", "cpu.cfs_quota_us", "400000\n");
  EXPECT_EQ(cgroup_cpu_quota(v1, root), 4u);
  // A memory limit alone is no CPU quota; odd lines are skipped.
  EXPECT_EQ(cgroup_cpu_quota("4:memory:/job\nnonsense\n7:cpu\n", root), std::nullopt);
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
