#include "dqprep/metrics/checks.hpp"

#include <charconv>
#include <cmath>

#include "dqprep/io/io.hpp"

namespace dqprep::checks {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_op_char(char c) { return c == '<' || c == '>' || c == '=' || c == '!'; }

// The position of the first character outside brackets for which pred holds, or npos.
template <class Pred>
size_t find_outside_brackets(std::string_view s, Pred pred) {
  bool in_bracket = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (in_bracket) {
      if (s[i] == ']') in_bracket = false;
    } else if (s[i] == '[') {
      in_bracket = true;
    } else if (pred(s[i])) {
      return i;
    }
  }
  return std::string_view::npos;
}

void append_xml(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 has no way to write most C0 controls, even as references.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "?";
        } else {
          out.push_back(c);
        }
    }
  }
}

std::string list_keys(const report::Json& object) {
  std::string keys;
  size_t shown = 0;
  for (const auto& [k, v] : object.items()) {
    if (shown == 12) {
      keys += ", ...";
      break;
    }
    if (shown++) keys += ", ";
    keys += k;
  }
  return keys.empty() ? "none" : keys;
}

}  // namespace

std::string_view op_text(Op op) {
  switch (op) {
    case Op::lt: return "<";
    case Op::le: return "<=";
    case Op::gt: return ">";
    case Op::ge: return ">=";
    case Op::eq: return "==";
    case Op::ne: return "!=";
  }
  return "?";
}

std::string_view level_name(Level level) { return level == Level::warn ? "warn" : "fail"; }

bool compare(double a, Op op, double b) {
  switch (op) {
    case Op::lt: return a < b;
    case Op::le: return a <= b;
    case Op::gt: return a > b;
    case Op::ge: return a >= b;
    case Op::eq: return a == b;
    case Op::ne: return a != b;
  }
  return false;
}

std::string Check::text() const { return metric + " " + std::string(op_text(op)) + " " + value_text; }

Result<std::vector<std::string>> metric_path(std::string_view metric) {
  auto bad = [&](const std::string& why) {
    return Status::usage("bad metric '" + std::string(metric) + "': " + why);
  };
  std::vector<std::string> steps;
  size_t i = 0;
  bool need_key = true;  // at the start or after '.'
  while (i < metric.size()) {
    char c = metric[i];
    if (c == '[') {
      if (steps.empty()) return bad("it starts with '['");
      size_t close = metric.find(']', i);
      if (close == std::string_view::npos) return bad("'[' without ']'");
      if (close == i + 1) return bad("empty key in []");
      steps.emplace_back(metric.substr(i + 1, close - i - 1));
      i = close + 1;
      need_key = false;
      continue;
    }
    if (c == '.') {
      if (need_key) return bad("empty key before '.'");
      need_key = true;
      ++i;
      continue;
    }
    if (!need_key) return bad("expected '.' or '[' after ']'");
    size_t end = i;
    while (end < metric.size() && metric[end] != '.' && metric[end] != '[') {
      if (metric[end] == ']' || is_space(metric[end]) || is_op_char(metric[end]))
        return bad(std::string("unexpected '") + metric[end] + "'");
      ++end;
    }
    steps.emplace_back(metric.substr(i, end - i));
    i = end;
    need_key = false;
  }
  if (steps.empty()) return bad("empty");
  if (need_key) return bad("it ends with '.'");
  return steps;
}

Result<Check> parse(std::string_view expression, Level level) {
  std::string_view s = trim(expression);
  auto bad = [&](const std::string& why) {
    return Status::usage("bad check '" + std::string(s) + "': " + why +
                         " (expected METRIC OP VALUE, OP one of < <= > >= == !=, e.g. 'noise_ratio <= 0.02')");
  };
  size_t at = find_outside_brackets(s, is_op_char);
  if (at == std::string_view::npos) {
    size_t open = s.rfind('[');
    if (open != std::string_view::npos && s.find(']', open) == std::string_view::npos) return bad("'[' without ']'");
    return bad("no comparison operator");
  }
  Check check;
  check.level = level;
  check.metric = std::string(trim(s.substr(0, at)));
  if (check.metric.empty()) return bad("no metric before the operator");
  std::string_view rest = s.substr(at);
  size_t op_length = 0;
  while (op_length < rest.size() && is_op_char(rest[op_length])) ++op_length;
  std::string_view op = rest.substr(0, op_length);
  if (op == "<") check.op = Op::lt;
  else if (op == "<=") check.op = Op::le;
  else if (op == ">") check.op = Op::gt;
  else if (op == ">=") check.op = Op::ge;
  else if (op == "==") check.op = Op::eq;
  else if (op == "!=") check.op = Op::ne;
  else if (op == "=") return bad("'=' is not an operator; use ==");
  else return bad("'" + std::string(op) + "' is not an operator");
  std::string_view value = trim(rest.substr(op.size()));
  if (value.empty()) return bad("no value after the operator");
  std::string_view digits = value.front() == '+' ? value.substr(1) : value;
  if (!digits.empty() && digits.back() == 'x') {
    check.relative = true;
    digits.remove_suffix(1);
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || !std::isfinite(v))
    return bad("'" + std::string(value) + "' is not a number");
  check.value = v;
  check.value_text = std::string(value);
  Result<std::vector<std::string>> path = metric_path(check.metric);
  if (!path.ok()) return Status::usage("bad check '" + std::string(s) + "': " + path.status().message());
  return check;
}

Result<std::vector<Check>> parse_file(std::string_view contents, std::string_view name) {
  std::vector<Check> checks;
  size_t line_number = 0;
  while (!contents.empty()) {
    size_t nl = contents.find('\n');
    std::string_view line = contents.substr(0, nl);
    contents = nl == std::string_view::npos ? std::string_view() : contents.substr(nl + 1);
    ++line_number;
    size_t hash = find_outside_brackets(line, [](char c) { return c == '#'; });
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    Level level = Level::fail;
    for (auto [word, l] : {std::pair{std::string_view("fail"), Level::fail}, std::pair{std::string_view("warn"), Level::warn}}) {
      if (line.size() > word.size() && line.substr(0, word.size()) == word &&
          (line[word.size()] == ':' || is_space(line[word.size()]))) {
        level = l;
        line = trim(line.substr(word.size() + (line[word.size()] == ':' ? 1 : 0)));
        break;
      }
    }
    Result<Check> check = parse(line, level);
    if (!check.ok()) {
      return Status::usage(std::string(name) + ":" + std::to_string(line_number) + ": " + check.status().message());
    }
    checks.push_back(std::move(*check));
  }
  return checks;
}

Result<Outcome> evaluate(const Check& check, const report::Json& report,
                         const std::map<std::string, std::string, std::less<>>& aliases) {
  DQPREP_ASSIGN_OR_RETURN(std::vector<std::string> path, metric_path(check.metric));
  std::vector<std::string> steps = std::move(path);
  if (auto alias = aliases.find(steps[0]); alias != aliases.end()) steps[0] = alias->second;

  const report::Json* at = &report;
  std::string where;  // the steps walked so far, for messages
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!at->is_object()) {
      return Status::usage("unknown metric '" + check.metric + "': '" + where + "' holds a number, not named values");
    }
    auto it = at->find(steps[i]);
    if (it == at->end()) {
      if (i == 0) return Status::usage("unknown metric '" + check.metric + "' (see docs/metrics.md for the metrics)");
      return Status::usage("unknown metric '" + check.metric + "': '" + where + "' has no '" + steps[i] +
                           "' (it has: " + list_keys(*at) + ")");
    }
    where += i == 0 ? steps[i] : "[" + steps[i] + "]";
    at = &*it;
  }
  Outcome o;
  o.check = check;
  if (at->is_null()) {
    o.passed = false;
    const report::Json& notes = report.contains("notes") ? report["notes"] : report::Json::object();
    if (notes.contains(check.metric) && notes[check.metric].is_string()) {
      o.note = notes[check.metric].get<std::string>();
    } else if (notes.contains(steps[0]) && notes[steps[0]].is_string()) {
      o.note = notes[steps[0]].get<std::string>();
    } else {
      o.note = "undefined for this data";
    }
    return o;
  }
  if (!at->is_number()) {
    std::string what = at->is_object() ? "named values (name one of: " + list_keys(*at) + ")"
                       : at->is_array()  ? "a list"
                       : at->is_string() ? "a string"
                                         : "a boolean";
    return Status::usage("metric '" + check.metric + "' is " + what + ", not a number");
  }
  o.actual = at->get<double>();
  o.passed = compare(*o.actual, check.op, check.value);
  return o;
}

Result<std::vector<Check>> load(const GateFlags& flags, Relative relative) {
  std::vector<Check> list;
  for (auto [exprs, level] : {std::pair{&flags.checks, Level::fail}, std::pair{&flags.warns, Level::warn}}) {
    for (const std::string& e : *exprs) {
      DQPREP_ASSIGN_OR_RETURN(Check c, parse(e, level));
      list.push_back(std::move(c));
    }
  }
  if (!flags.checks_file.empty()) {
    DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_file(flags.checks_file));
    DQPREP_ASSIGN_OR_RETURN(std::vector<Check> more, parse_file(text, flags.checks_file));
    for (Check& c : more) list.push_back(std::move(c));
  }
  if (relative == Relative::refused) {
    for (const Check& c : list) {
      if (c.relative)
        return Status::usage("bad check '" + c.text() + "': a relative value (" + c.value_text +
                             ") compares NEW with OLD; it is a gate of 'dqprep metrics diff'");
    }
  }
  return list;
}

Result<std::vector<Outcome>> evaluate_all(const std::vector<Check>& checks, const report::Json& report,
                                          const std::map<std::string, std::string, std::less<>>& aliases) {
  std::vector<Outcome> outcomes;
  for (const Check& c : checks) {
    DQPREP_ASSIGN_OR_RETURN(Outcome o, evaluate(c, report, aliases));
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

Status gate(const std::vector<Outcome>& outcomes) {
  std::string failed;
  size_t n_failed = 0;
  for (const Outcome& o : outcomes) {
    if (o.passed || o.check.level != Level::fail) continue;
    failed += "\n  " + describe(o);
    ++n_failed;
  }
  if (n_failed == 0) return {};
  return Status::check_failed(std::to_string(n_failed) + (n_failed == 1 ? " check" : " checks") + " failed:" + failed);
}

std::string describe(const Outcome& o) {
  std::string required = "required " + std::string(op_text(o.check.op)) + " " + o.check.value_text;
  if (!o.actual) return o.check.metric + " is null (" + o.note + "), " + required;
  return o.check.metric + " = " + number_text(*o.actual) + (o.check.relative ? "x" : "") + ", " + required;
}

report::Json to_json(const std::vector<Outcome>& outcomes) {
  report::Json list = report::Json::array();
  for (const Outcome& o : outcomes) {
    report::Json j;
    j["check"] = o.check.text();
    j["level"] = level_name(o.check.level);
    j["metric"] = o.check.metric;
    j["op"] = op_text(o.check.op);
    j["value"] = o.check.value;
    if (o.check.relative) j["relative"] = true;
    j["actual"] = o.actual ? report::Json(*o.actual) : report::Json(nullptr);
    j["passed"] = o.passed;
    if (!o.note.empty()) j["note"] = o.note;
    list.push_back(std::move(j));
  }
  return list;
}

std::string junit(const std::vector<Outcome>& outcomes, std::string_view suite) {
  size_t failures = 0;
  for (const Outcome& o : outcomes) failures += !o.passed && o.check.level == Level::fail;
  std::string classname(suite);
  for (char& c : classname)
    if (c == ' ') c = '.';
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::string counts = " tests=\"" + std::to_string(outcomes.size()) + "\" failures=\"" + std::to_string(failures) + "\"";
  x += "<testsuites name=\"";
  append_xml(x, suite);
  x += "\"" + counts + ">\n  <testsuite name=\"";
  append_xml(x, suite);
  x += "\"" + counts + " errors=\"0\" skipped=\"0\">\n";
  for (const Outcome& o : outcomes) {
    x += "    <testcase classname=\"";
    append_xml(x, classname);
    x += "\" name=\"";
    append_xml(x, o.check.text());
    if (o.check.level == Level::warn) x += " (warn)";
    x += "\"";
    if (o.passed) {
      x += "/>\n";
      continue;
    }
    x += ">\n";
    std::string message = describe(o);
    if (o.check.level == Level::fail) {
      x += "      <failure type=\"check_failed\" message=\"";
      append_xml(x, message);
      x += "\">";
      append_xml(x, message);
      x += "</failure>\n";
    } else {
      x += "      <system-out>warning: ";
      append_xml(x, message);
      x += "</system-out>\n";
    }
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace dqprep::checks
