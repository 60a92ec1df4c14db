#include "dqprep/io/cpus.hpp"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

namespace dqprep::io {

namespace {

std::optional<int64_t> parse_integer(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> first_line(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  if (!file || !std::getline(file, line)) return std::nullopt;
  return line;
}

// The quota in the directory of one cgroup: v2's cpu.max, else v1's cfs files.
std::optional<unsigned> cpus_of_cgroup(const std::string& dir) {
  if (std::optional<std::string> cpu_max = first_line(dir + "/cpu.max")) return cpus_of_cpu_max(*cpu_max);
  std::optional<std::string> quota = first_line(dir + "/cpu.cfs_quota_us");
  std::optional<std::string> period = first_line(dir + "/cpu.cfs_period_us");
  if (!quota || !period) return std::nullopt;
  std::optional<int64_t> q = parse_integer(*quota), p = parse_integer(*period);
  if (!q || !p) return std::nullopt;
  return cpus_of_quota(*q, *p);
}

// The CPUs of the affinity mask, in a set as large as the kernel's (more than 1024 CPUs).
std::optional<unsigned> affinity_cpus() {
  for (int cpus = 1024; cpus <= (1 << 20); cpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(cpus);
    if (!set) return std::nullopt;
    const size_t size = CPU_ALLOC_SIZE(cpus);
    CPU_ZERO_S(size, set);
    const bool ok = ::sched_getaffinity(0, size, set) == 0;
    const int count = ok ? CPU_COUNT_S(size, set) : 0;
    const int error = errno;
    CPU_FREE(set);
    if (ok) return static_cast<unsigned>(std::max(1, count));
    if (error != EINVAL) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<unsigned> cpus_of_quota(int64_t quota, int64_t period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  const int64_t cpus = quota / period + (quota % period != 0);
  return static_cast<unsigned>(std::min<int64_t>(cpus, std::numeric_limits<unsigned>::max()));
}

std::optional<unsigned> cpus_of_cpu_max(std::string_view text) {
  const size_t space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::optional<int64_t> quota = parse_integer(text.substr(0, space));
  std::optional<int64_t> period = parse_integer(text.substr(space + 1));
  if (!quota || !period) return std::nullopt;  // "max": no quota
  return cpus_of_quota(*quota, *period);
}

std::optional<unsigned> cgroup_cpu_quota(std::string_view proc_self_cgroup, const std::string& root) {
  std::optional<unsigned> cpus;
  std::istringstream lines{std::string(proc_self_cgroup)};
  for (std::string line; std::getline(lines, line);) {
    const size_t a = line.find(':');
    const size_t b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1);
    std::vector<std::string> dirs;
    if (controllers.empty()) {
      dirs = {root, root + "/unified"};
    } else if (("," + controllers + ",").find(",cpu,") != std::string::npos) {
      dirs = {root + "/" + controllers, root + "/cpu"};
    } else {
      continue;
    }
    for (const std::string& dir : dirs) {
      // The cgroup, then each one above it up to the root of the hierarchy.
      std::string path = line.substr(b + 1);
      while (true) {
        if (std::optional<unsigned> limit = cpus_of_cgroup(dir + path)) cpus = std::min(cpus.value_or(*limit), *limit);
        const size_t slash = path.rfind('/');
        if (slash == std::string::npos || path.empty()) break;
        path.resize(slash);
      }
    }
  }
  return cpus;
}

unsigned available_cpus() {
  unsigned cpus = affinity_cpus().value_or(std::max(1u, std::thread::hardware_concurrency()));
  std::ifstream file("/proc/self/cgroup");
  std::stringstream text;
  text << file.rdbuf();
  if (std::optional<unsigned> quota = cgroup_cpu_quota(text.str(), "/sys/fs/cgroup")) cpus = std::min(cpus, *quota);
  return std::max(1u, cpus);
}

}  // namespace dqprep::io
