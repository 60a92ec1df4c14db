#pragma once
// The summary every stage gives: counts that balance (in = out + rejected + quarantined), per-rule
// counts, and the stage's own figures; as JSON (--stats) and as a line on stderr.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "dqprep/io/status.hpp"

namespace dqprep::report {

using Json = nlohmann::ordered_json;

struct Summary {
  std::string stage;
  uint64_t in = 0;           // records read (empty lines are not records)
  uint64_t out = 0;          // records written to the output
  uint64_t rejected = 0;     // records dropped by a rule (to --rejects when given)
  uint64_t quarantined = 0;  // malformed lines (skipped, or written to --quarantine)
  uint64_t empty_lines = 0;
  // Non-empty lines the driver read, malformed or not, whatever the stage did with them (a pass
  // that only collects state keeps and rejects nothing); not part of the report.
  uint64_t lines_read = 0;
  double seconds = 0;
  std::map<std::string, uint64_t> rules;  // rejections per rule
  Json figures = Json::object();          // the stage's own figures, flat keys

  bool balances() const { return in == out + rejected + quarantined; }
};

// Seconds from `start` to now: a summary's `seconds`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// {"stage","in","out","rejected","quarantined","seconds", figures..., "rules": {...}}
Json to_json(const Summary& summary);

// One line for stderr: "normalize: 1000 in, 990 out, 0 rejected, 10 quarantined in 0.52 s".
std::string to_line(const Summary& summary);

// Writes JSON (pretty, newline-terminated) atomically to `path`.
Status write_json(const std::string& path, const Json& json);

}  // namespace dqprep::report
