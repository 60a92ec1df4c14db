#include "dqprep/report/json_report.hpp"

#include <algorithm>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"

namespace dqprep::report {

namespace {

// The byte at which nesting first goes deeper than `limit`, or npos.
size_t too_deep_at(std::string_view json, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// nlohmann's message without its "[json.exception...] parse error at line L, column C: " prefix.
std::string parse_message(const char* what) {
  std::string_view m = what;
  size_t column = m.find("column ");
  if (column != std::string_view::npos) {
    size_t colon = m.find(": ", column);
    if (colon != std::string_view::npos) return std::string(m.substr(colon + 2));
  }
  size_t bracket = m.find("] ");
  return std::string(bracket == std::string_view::npos ? m : m.substr(bracket + 2));
}

}  // namespace

size_t line_of(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(offset), '\n'));
}

Result<Json> parse_json_report(std::string_view text, const std::string& name) {
  auto at_line = [&](size_t line, const std::string& message) {
    return Status::bad_input(name + ":" + std::to_string(line) + ": " + message);
  };
  if (size_t deep = too_deep_at(text, json_text::kMaxConfigDepth); deep != std::string_view::npos)
    return at_line(line_of(text, deep),
                   "bad JSON: nested deeper than " + std::to_string(json_text::kMaxConfigDepth) + " levels");
  Json report;
  try {
    report = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is the 1-based position of the byte the parser stopped at.
    return at_line(line_of(text, e.byte == 0 ? 0 : e.byte - 1), "bad JSON: " + parse_message(e.what()));
  } catch (const Json::exception& e) {
    return at_line(1, "bad JSON: " + parse_message(e.what()));
  }
  if (!report.is_object()) return at_line(1, "not a dqprep report (a JSON object with \"stage\" is expected)");
  auto stage = report.find("stage");
  if (stage == report.end() || !stage->is_string())
    return at_line(1, "not a dqprep report (no \"stage\": write it with a stage's --stats or --json)");
  return report;
}

Result<Json> read_json_report(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_bytes(path));
  return parse_json_report(text, path == "-" ? "<stdin>" : path);
}

}  // namespace dqprep::report
