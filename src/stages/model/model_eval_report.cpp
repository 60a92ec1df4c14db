#include "stages/model/model_eval_report.hpp"

#include <cstdio>

namespace dqprep::stages::model_stage {

void add_report_flags(CLI::App& app, ReportFlags& f) {
  app.add_option("--slice-field", f.slice_field,
                 "Accuracy per value of this field (worst first); 'length': per text length bucket (chars)")
      ->type_name("PATH");
  app.add_option("--classes", f.classes, "The class order of the report (default: the labels sorted)")
      ->type_name("A,B,...");
  app.add_option("--json", f.json, "The report as JSON (the --stats summary)")->type_name("FILE");
  app.add_option("--markdown", f.markdown, "The report as Markdown")->type_name("FILE");
  add_gate_flags(app, f.gates);
}

Status report_evaluation(const CommonOptions& common, const ReportFlags& flags,
                         const std::vector<checks::Check>& gates, const model::Evaluation& evaluation,
                         report::Summary& summary, std::vector<SchemaField> schema,
                         const std::vector<std::string>& rules) {
  std::string slice_name = flags.slice_field == "length" ? "length (chars)" : flags.slice_field;
  evaluation.add_figures(summary.figures, slice_name);
  for (const char* key : {"records_scored", "correct", "accuracy", "macro_f1", "classes", "per_class", "confusion",
                          "confused_pairs"}) {
    schema.push_back({key});
  }
  for (const char* key : {"slice_field", "slices"}) {
    schema.push_back(slice_name.empty() ? not_applicable(key, "no --slice-field") : SchemaField{key});
  }
  fix_schema(summary, schema, rules);
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Outcome> outcomes, evaluate_gates(gates, summary));
  if (!common.quiet) std::fprintf(stderr, "%s", evaluation.table(slice_name).c_str());
  if (!flags.json.empty()) DQPREP_RETURN_IF_ERROR(report::write_json(flags.json, report::to_json(summary)));
  if (!flags.markdown.empty()) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(flags.markdown));
    DQPREP_RETURN_IF_ERROR(out->write(evaluation.markdown(slice_name)));
    DQPREP_RETURN_IF_ERROR(out->commit());
  }
  DQPREP_RETURN_IF_ERROR(finish(common, summary));
  return checks::gate(outcomes);
}

}  // namespace dqprep::stages::model_stage
