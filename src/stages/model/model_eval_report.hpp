#pragma once
// The evaluation report of `model eval` and `model crossval`: flags, figures, table, files, gates.

#include "dqprep/model/evaluation.hpp"
#include "stages/common.hpp"

namespace dqprep::stages::model_stage {

struct ReportFlags {
  std::string slice_field;  // a field path, or "length" for length buckets
  std::string classes;      // the class order of the report
  std::string json, markdown;
  checks::GateFlags gates;
};

// --slice-field, --classes, --json, --markdown and the gate flags.
void add_report_flags(CLI::App& app, ReportFlags& flags);

// Adds the evaluation's figures to the summary, puts them in the fixed schema (`before`: the
// stage's own figures, then the evaluation's; `rules` as fix_schema takes them), prints the table
// on stderr (unless -q), writes --json and --markdown, evaluates the gates, finishes (summary line,
// --stats) and returns the gates' verdict.
Status report_evaluation(const CommonOptions& common, const ReportFlags& flags,
                         const std::vector<checks::Check>& gates, const model::Evaluation& evaluation,
                         report::Summary& summary, std::vector<SchemaField> before,
                         const std::vector<std::string>& rules);

}  // namespace dqprep::stages::model_stage
