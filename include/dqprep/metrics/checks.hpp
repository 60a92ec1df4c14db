#pragma once
// Quality gates: `METRIC OP VALUE` expressions checked against a stage's JSON report, at a fail or
// a warn level, and their results as JUnit XML for CI dashboards.
//
// METRIC names a number of the report: a top-level key (`noise_ratio`), then any number of
// `.KEY` or `[KEY]` steps into objects (`class_share[spam]`, `lengths.chars.p90`,
// `lengths_by_class[spam].words.p50`); inside brackets a key may hold any character but `]`.
// OP is one of < <= > >= == !=; VALUE a decimal number (`0.8`, `-1`, `2e-3`), or a relative one
// with an `x` suffix (`0.95x`): a gate of `metrics diff` on NEW / OLD, refused by every other gate.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/report.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/util/number_text.hpp"

namespace dqprep::checks {

enum class Op { lt, le, gt, ge, eq, ne };
enum class Level { fail, warn };

std::string_view op_text(Op op);        // "<", "<=", ...
std::string_view level_name(Level level);  // "fail", "warn"
bool compare(double actual, Op op, double value);

struct Check {
  std::string metric;      // as written, trimmed
  Op op = Op::ge;
  double value = 0;
  std::string value_text;  // VALUE as written, for messages (with its `x` when relative)
  Level level = Level::fail;
  bool relative = false;   // VALUE ended in `x`: compared with NEW / OLD of `metrics diff`

  std::string text() const;  // "METRIC OP VALUE" with single spaces
};

// The steps of a metric: its first key, then one key a `.KEY` or `[KEY]`. A usage error when the
// syntax is wrong (empty key, unclosed bracket, ...).
Result<std::vector<std::string>> metric_path(std::string_view metric);

// Parses "METRIC OP VALUE" (spaces around OP optional). A usage error says what is wrong.
Result<Check> parse(std::string_view expression, Level level = Level::fail);

// A checks file: one check a line, optionally after its level (`fail` or `warn`, followed by ':'
// or a space; no level means fail). '#' outside brackets starts a comment; blank lines are
// ignored. A usage error names the line: "NAME:LINE: ...".
Result<std::vector<Check>> parse_file(std::string_view contents, std::string_view name);

// The checks of the gate flags every gating stage takes: --check EXPR (fail level), --warn EXPR
// (warn level), --checks FILE; in that order.
struct GateFlags {
  std::vector<std::string> checks;
  std::vector<std::string> warns;
  std::string checks_file;
};
// Whether relative values (`0.95x`) are accepted: only a gate on a change (`metrics diff`) has a
// ratio to compare them with; elsewhere such a check is a usage error.
enum class Relative { refused, accepted };
Result<std::vector<Check>> load(const GateFlags& flags, Relative relative = Relative::refused);

struct Outcome {
  Check check;
  std::optional<double> actual;  // nullopt: the metric is null (undefined) for this data
  bool passed = false;           // a null metric never passes
  std::string note;              // why the metric is null
};

// Looks the metric up in `report` and compares. `aliases` maps another name of a first key to the
// key of the report (class_count -> classes). A metric that does not lead to a number or null is a
// usage error (unknown metric; the message lists the keys there are). A null metric fails, with
// the note of report["notes"] under the metric's text or its first key.
Result<Outcome> evaluate(const Check& check, const report::Json& report,
                         const std::map<std::string, std::string, std::less<>>& aliases = {});

// Shortest text that reads back as the same double ("0.1", "257", "1e-05").
using util::number_text;

// Every check evaluated in order; the first error (an unknown metric) stops.
Result<std::vector<Outcome>> evaluate_all(const std::vector<Check>& checks, const report::Json& report,
                                          const std::map<std::string, std::string, std::less<>>& aliases = {});

// check_failed listing every failed fail-level check ("2 checks failed:\n  ..."), or ok.
Status gate(const std::vector<Outcome>& outcomes);

// "noise_ratio = 0.035, required <= 0.02", or "... is null (why), required ..."; a relative check
// shows its actual ratio with an `x`: "n = 0.9x, required >= 0.95x".
std::string describe(const Outcome& outcome);

// [{"check", "level", "metric", "op", "value", "relative"?, "actual", "passed", "note"?}, ...]
// ("relative": true only for a relative check)
report::Json to_json(const std::vector<Outcome>& outcomes);

// JUnit XML: one testsuite named `suite`, one testcase a check (named by its text). A failed
// fail-level check is a <failure>; a failed warn-level check passes, with the warning in
// <system-out>. No timestamps, so the same outcomes give the same bytes.
std::string junit(const std::vector<Outcome>& outcomes, std::string_view suite);

}  // namespace dqprep::checks
