#include "dqprep/io/report.hpp"

#include <cstdio>

#include "dqprep/io/io.hpp"

namespace dqprep::report {

Json to_json(const Summary& summary) {
  Json j;
  j["stage"] = summary.stage;
  j["in"] = summary.in;
  j["out"] = summary.out;
  j["rejected"] = summary.rejected;
  j["quarantined"] = summary.quarantined;
  j["seconds"] = summary.seconds;
  j["empty_lines"] = summary.empty_lines;
  for (const auto& [key, value] : summary.figures.items()) j[key] = value;
  if (!j.contains("notes")) j["notes"] = Json::object();  // figure -> why it is null, in every stage
  Json rules = Json::object();
  for (const auto& [rule, count] : summary.rules) rules[rule] = count;
  j["rules"] = rules;
  return j;
}

std::string to_line(const Summary& summary) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", summary.seconds);
  std::string line = summary.stage + ": " + std::to_string(summary.in) + " in, " + std::to_string(summary.out) +
                     " out, " + std::to_string(summary.rejected) + " rejected, " +
                     std::to_string(summary.quarantined) + " quarantined in " + seconds + " s";
  for (const auto& [rule, count] : summary.rules) {
    if (count > 0) line += "; " + rule + ": " + std::to_string(count);
  }
  return line;
}

Status write_json(const std::string& path, const Json& json) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(path));
  // Invalid UTF-8 from a record's field becomes U+FFFD: a report must never fail on its input.
  DQPREP_RETURN_IF_ERROR(out->write(json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"));
  return out->commit();
}

}  // namespace dqprep::report
