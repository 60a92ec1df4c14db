// dqprep report: one self-contained HTML page from the JSON reports of a pipeline's stages and its
// files of rejected records (docs/report.md).
#include <chrono>
#include <cstdio>

#include "dqprep/report/json_report.hpp"
#include "dqprep/report/quality_page.hpp"
#include "dqprep/report/rejects.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

// Duplicate clusters listed per file of dedup's removed records.
constexpr size_t kMaxClusters = 20;

struct ReportOptions {
  std::vector<std::string> reports;
  std::vector<std::string> rejects;
  std::string output = "-";
  std::string title = "Dataset quality report";
  uint64_t examples = 3;
  bool quiet = false;
};

Status run_report(const ReportOptions& o) {
  auto start = std::chrono::steady_clock::now();
  if (o.examples > 100) return Status::usage("--examples must be at most 100");
  std::vector<report::ReportInput> inputs;
  for (const std::string& path : o.reports) {
    DQPREP_ASSIGN_OR_RETURN(report::Json json, report::read_json_report(path));
    inputs.push_back({path, std::move(json)});
  }
  std::vector<report::RejectsSummary> rejects;
  for (const std::string& path : o.rejects) {
    DQPREP_ASSIGN_OR_RETURN(report::RejectsSummary summary, report::read_rejects(path, o.examples, kMaxClusters));
    rejects.push_back(std::move(summary));
  }
  report::PageOptions options;
  options.title = o.title;
  options.examples = o.examples;
  DQPREP_ASSIGN_OR_RETURN(std::string page, report::render_quality_page(inputs, rejects, options));
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(o.output));
  DQPREP_RETURN_IF_ERROR(out->write(page));
  DQPREP_RETURN_IF_ERROR(out->commit());
  if (!o.quiet) {
    std::fprintf(stderr, "report: %zu reports, %zu files of rejected records -> %s (%zu bytes) in %.2f s\n",
                 inputs.size(), rejects.size(), o.output == "-" ? "stdout" : o.output.c_str(), page.size(),
                 report::seconds_since(start));
  }
  return {};
}

}  // namespace

StageRunner setup_report(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand("report", "One HTML page of the quality of a dataset, from the stages' JSON reports");
  sub->footer(
      "Each REPORT is a JSON report of a stage (--stats of any stage, metrics --json, model eval --json);\n"
      "its kind is read from its \"stage\". Give them in pipeline order: the funnel follows that order.\n"
      "Sections appear for what is given. The page is one file (inline CSS and SVG, no script, nothing\n"
      "fetched), the same bytes for the same inputs, at most 2 MB.\n"
      "Exit codes: 0 ok, 2 usage error, 3 a report that is not JSON (FILE:LINE: message) or a\n"
      "malformed line of a --rejects file, 4 I/O error. See docs/report.md.\n"
      "Example:\n"
      "  dqprep report -o out/report.html out/normalize.stats.json out/filter.stats.json \\\n"
      "    out/split.stats.json out/metrics.json --rejects out/filter.rejects.jsonl");
  sub->add_option("reports", o->reports, "JSON reports of the stages, in pipeline order")
      ->required()
      ->type_name("REPORT.json ...");
  sub->add_option("-o,--output", o->output, "The HTML page (default: stdout)")->type_name("FILE");
  sub->add_option("--rejects", o->rejects,
                  "Rejected records (--rejects, dedup --removed, --quarantine): examples per reason (repeatable)")
      ->allow_extra_args(false)
      ->type_name("FILE");
  sub->add_option("--examples", o->examples, "Rejected records shown per reason (at most 100)")
      ->check(whole_number())
      ->capture_default_str();
  sub->add_option("--title", o->title, "The page's title")->check(utf8_text())->capture_default_str();
  sub->add_flag("-q,--quiet", o->quiet, "Only errors on stderr");
  return [o] { return run_report(*o); };
}

}  // namespace dqprep::stages
