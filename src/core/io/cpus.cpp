#include "dqprep/io/cpus.hpp"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string>
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

}  // namespace

std::optional<unsigned> cpus_of_quota(int64_t quota, int64_t period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  return static_cast<unsigned>(std::max<int64_t>(1, (quota + period - 1) / period));
}

std::optional<unsigned> cpus_of_cpu_max(std::string_view text) {
  const size_t space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::optional<int64_t> quota = parse_integer(text.substr(0, space));
  std::optional<int64_t> period = parse_integer(text.substr(space + 1));
  if (!quota || !period) return std::nullopt;  // "max": no quota
  return cpus_of_quota(*quota, *period);
}

unsigned available_cpus() {
  unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) cpus = static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  // /proc/self/cgroup: "0::/path" (v2) or "N:cpu,cpuacct:/path" (v1). A quota may sit on the
  // process's cgroup or on any above it.
  std::ifstream groups("/proc/self/cgroup");
  for (std::string line; std::getline(groups, line);) {
    const size_t a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1);
    std::vector<std::string> roots;
    if (controllers.empty()) {
      roots = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
    } else if (("," + controllers + ",").find(",cpu,") != std::string::npos) {
      roots = {"/sys/fs/cgroup/" + controllers, "/sys/fs/cgroup/cpu"};
    } else {
      continue;
    }
    for (const std::string& root : roots) {
      for (std::string path = line.substr(b + 1);; path = path.substr(0, path.rfind('/'))) {
        if (std::optional<unsigned> limit = cpus_of_cgroup(root + path)) cpus = std::min(cpus, *limit);
        if (path.empty() || path == "/") break;
      }
    }
  }
  return cpus;
}

}  // namespace dqprep::io
