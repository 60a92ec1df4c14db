#include "dqprep/io/progress_line.hpp"

#include <cmath>
#include <cstdio>

namespace dqprep::progress_line {

std::string duration(double seconds) {
  auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%llds", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s / 60 % 60);
  return buf;
}

std::string text(const stream::Progress& p, bool with_records) {
  std::string t = "\r";
  char buf[96];
  if (p.pass > 0) {
    if (p.passes > 0) std::snprintf(buf, sizeof buf, "pass %d of %d: ", p.pass, p.passes);
    else std::snprintf(buf, sizeof buf, "pass %d: ", p.pass);
    t += buf;
  }
  if (with_records) t += std::to_string(p.records) + " records, ";
  if (p.total > 0) {
    double done = static_cast<double>(p.position) / static_cast<double>(p.total);
    std::snprintf(buf, sizeof buf, "%.0f%% of %.1f MB", std::floor(100 * done), static_cast<double>(p.total) / 1e6);
    t += buf;
    if (done >= 0.01 && done < 1) t += ", ETA " + duration(p.seconds * (1 - done) / done);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB read", static_cast<double>(p.bytes) / 1e6);
    t += buf;
  }
  return t + "\033[K";
}

}  // namespace dqprep::progress_line
