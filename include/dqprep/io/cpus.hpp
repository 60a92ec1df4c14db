#pragma once
// How many CPUs this process may use, for the default of -j: the CPUs of its affinity mask (taskset,
// a Slurm allocation's cpuset), fewer when a cgroup CPU quota (docker --cpus, systemd's CPUQuota,
// Slurm's cgroup plugin) allows less. std::thread::hardware_concurrency counts every CPU online,
// so a 2-CPU container on a 64-CPU host would start 64 workers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dqprep::io {

unsigned available_cpus();

// The smallest CPU quota over the cgroups that `proc_self_cgroup` (the text of /proc/self/cgroup:
// "0::/path" for v2, "N:cpu,cpuacct:/path" for v1) names, and every cgroup above them, read under
// `root` (/sys/fs/cgroup): v2's cpu.max, v1's cpu.cfs_quota_us and cpu.cfs_period_us.
std::optional<unsigned> cgroup_cpu_quota(std::string_view proc_self_cgroup, const std::string& root);

// The CPUs a quota of `quota` microseconds every `period` allows, rounded up; none for no quota
// (cgroup v1 writes -1).
std::optional<unsigned> cpus_of_quota(int64_t quota, int64_t period);

// The same from cgroup v2's cpu.max: "150000 100000" (2), "max 100000" (none).
std::optional<unsigned> cpus_of_cpu_max(std::string_view text);

}  // namespace dqprep::io
