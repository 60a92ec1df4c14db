#pragma once
// `metrics diff OLD NEW`: the change of every figure of two JSON reports of one stage, and the
// reports a change gate is evaluated on (checks.hpp): the absolute change NEW - OLD for
// `class_balance >= -0.02`, the ratio NEW / OLD for `n >= 0.95x`.

#include <optional>
#include <string>
#include <vector>

#include "dqprep/io/report.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/metrics/checks.hpp"

namespace dqprep::metrics {

// One number of the reports, by the name a check gives it.
struct FigureChange {
  std::string metric;  // "class_balance", "class_share.positive", "lengths_by_class[a b].words.p50"
  std::optional<double> old_value, new_value;  // nullopt: null, or not in that report
  std::optional<double> change;                // NEW - OLD, when both are numbers
  std::optional<double> ratio;                 // NEW / OLD; 1 when both are 0; nullopt when only OLD is 0
  std::string note;                            // why change (or ratio) is null

  bool changed() const { return old_value != new_value; }
};

struct ReportDiff {
  std::string stage;                    // the "stage" of both reports
  std::vector<FigureChange> figures;    // in NEW's order, then those only OLD has
  // The shape of the reports with every number replaced by its change (ratio), and "notes" saying
  // why a null one is null: what checks::evaluate reads for an absolute (relative) check.
  report::Json changes = report::Json::object();
  report::Json ratios = report::Json::object();
};

// Every number reachable through objects (arrays and texts are left out, and so is "seconds", the
// wall time). `old_name` and `new_name` name the files in notes. Reports of different stages are a
// usage error.
Result<ReportDiff> diff_reports(const report::Json& old_report, const report::Json& new_report,
                                const std::string& old_name, const std::string& new_name);

// Evaluates each check on the changes, or on the ratios when it is relative (`0.95x`); an unknown
// metric is a usage error, as for checks::evaluate_all.
Result<std::vector<checks::Outcome>> evaluate_changes(const std::vector<checks::Check>& list, const ReportDiff& diff);

// The outputs of `metrics diff`: a table for the terminal, Markdown for a pull-request comment
// (checks first) and JSON ({"stage": "metrics diff", "old", "new", "report_stage", "figures",
// "checks"}). The table and Markdown list the figures that changed and count the others.
std::string diff_table(const ReportDiff& diff, const std::vector<checks::Outcome>& outcomes,
                       const std::string& old_name, const std::string& new_name);
std::string diff_markdown(const ReportDiff& diff, const std::vector<checks::Outcome>& outcomes,
                          const std::string& old_name, const std::string& new_name);
report::Json diff_json(const ReportDiff& diff, const std::vector<checks::Outcome>& outcomes,
                       const std::string& old_name, const std::string& new_name);

}  // namespace dqprep::metrics
