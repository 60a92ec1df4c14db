// Fuzzes the quality gates (include/dqprep/metrics/checks.hpp): checks files, single expressions
// and metric paths, evaluated against a JSON report. The input is a checks file; after a line
// "%%" the rest is the report (a fixed small report when there is none, or it is not JSON).
// Properties: a parsed check's text() parses back to the same check, in a file as on its own; a
// check's metric_path is ok; evaluate, to_json, junit and gate end with a value or a Status. The
// checks are also evaluated as change gates (metrics/diff.hpp) from the fixed report to the input
// one: a change is null exactly when a side is, and then says why.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/metrics/checks.hpp"
#include "dqprep/metrics/diff.hpp"
#include "dqprep/metrics/metrics.hpp"

using namespace dqprep;

namespace {

const char* kReport = R"({
  "n": 12, "noise_ratio": 0.25, "label_coverage": 1, "duplicate_ratio": null, "classes": 3,
  "class_share": {"pos": 0.5, "neg": 0.25, "neu": 0.25, "a]b": 1},
  "lengths": {"chars": {"p10": 5, "p50": 40, "p90": 120}, "words": {"p10": 1, "p50": 8}},
  "lengths_by_class": {"pos": {"words": {"p50": 9}}},
  "languages": ["en", "fr"], "format": "text", "near": false,
  "notes": {"duplicate_ratio": "no text was keyed", "min_class_count": 3}
})";

void check_same(const checks::Check& a, const checks::Check& b) {
  if (a.metric != b.metric || a.op != b.op || a.value_text != b.value_text || a.level != b.level ||
      a.relative != b.relative)
    __builtin_trap();
  if (std::memcmp(&a.value, &b.value, sizeof a.value) != 0) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view file = input;
  report::Json report;
  size_t split = input.find("\n%%\n");
  if (split != std::string_view::npos) {
    file = input.substr(0, split);
    report = report::Json::parse(input.substr(split + 4), nullptr, false);
  }
  if (report.is_discarded() || report.is_null()) report = report::Json::parse(kReport);

  // The whole input as one expression, and as one metric.
  Result<checks::Check> one = checks::parse(file, checks::Level::warn);
  if (one.ok()) {
    Result<checks::Check> again = checks::parse(one->text(), checks::Level::warn);
    if (!again.ok()) __builtin_trap();
    check_same(*one, *again);
  }
  (void)checks::metric_path(file);

  Result<std::vector<checks::Check>> list = checks::parse_file(file, "fuzz.checks");
  if (!list.ok()) return 0;
  std::string rewritten;
  bool one_line_each = true;
  for (const checks::Check& c : *list) {
    if (!checks::metric_path(c.metric).ok() || !std::isfinite(c.value)) __builtin_trap();
    Result<checks::Check> again = checks::parse(c.text(), c.level);
    if (!again.ok()) __builtin_trap();
    check_same(c, *again);
    std::string text = c.text();
    if (text.find('\n') != std::string::npos) one_line_each = false;  // a key in [] may hold one
    rewritten += std::string(checks::level_name(c.level)) + ": " + text + "\n";
  }
  if (one_line_each) {
    Result<std::vector<checks::Check>> back = checks::parse_file(rewritten, "rewritten");
    if (!back.ok() || back->size() != list->size()) __builtin_trap();
    for (size_t i = 0; i < list->size(); ++i) check_same((*list)[i], (*back)[i]);
  }

  std::vector<checks::Outcome> outcomes;
  for (const checks::Check& c : *list) {
    Result<checks::Outcome> o = checks::evaluate(c, report, metrics::check_aliases());
    if (!o.ok()) continue;
    if (o->actual && (!o->note.empty() || o->passed != checks::compare(*o->actual, c.op, c.value))) __builtin_trap();
    if (!o->actual && o->passed) __builtin_trap();  // a null metric never passes
    (void)checks::describe(*o);
    outcomes.push_back(std::move(*o));
  }
  (void)checks::evaluate_all(*list, report);

  // The same checks as change gates (metrics diff) from the fixed report to the input's.
  report::Json base = report::Json::parse(kReport);
  if (report.is_object()) {
    report["stage"] = "fuzz";
    base["stage"] = "fuzz";
    Result<metrics::ReportDiff> diff = metrics::diff_reports(base, report, "old.json", "new.json");
    if (!diff.ok()) __builtin_trap();  // reports of one stage always compare
    for (const metrics::FigureChange& f : diff->figures) {
      if (f.change.has_value() != (f.old_value && f.new_value)) __builtin_trap();
      if (!f.change && f.note.empty()) __builtin_trap();  // a null change says why
    }
    Result<std::vector<checks::Outcome>> changes = metrics::evaluate_changes(*list, *diff);
    if (changes.ok()) {
      (void)metrics::diff_table(*diff, *changes, "old.json", "new.json");
      (void)metrics::diff_markdown(*diff, *changes, "old.json", "new.json");
      (void)metrics::diff_json(*diff, *changes, "old.json", "new.json").dump();
    }
  }
  (void)checks::to_json(outcomes).dump();
  (void)checks::junit(outcomes, "fuzz suite");
  (void)checks::gate(outcomes);
  return 0;
}
