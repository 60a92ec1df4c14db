#pragma once
// The page of `dqprep report`: one self-contained HTML file from the JSON reports of a pipeline's
// stages and its files of rejected records. Sections appear for what is given (docs/report.md):
// the gates, the funnel of the pipeline, the quality metrics, classes, lengths, languages,
// duplicates, labels and annotators, the split, the model, and every figure of each report. Each
// chart has a table of its numbers beside it.

#include <string>
#include <vector>

#include "dqprep/io/report.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/report/rejects.hpp"

namespace dqprep::report {

struct ReportInput {
  std::string name;  // the file, as given
  Json json;         // parse_json_report's object
};

struct PageOptions {
  std::string title = "Dataset quality report";
  size_t max_bytes = 2'000'000;  // the page never passes it: a section that would is left out
  size_t examples = 3;           // rejected records shown per reason
};

// The stages that measure rather than pass records on; they are not steps of the funnel.
bool is_measurement(const std::string& stage);

// The page, the same bytes for the same inputs. A report of a funnel stage whose in, out, rejected
// or quarantined is not a whole number is bad input ("NAME: ...").
Result<std::string> render_quality_page(const std::vector<ReportInput>& reports,
                                        const std::vector<RejectsSummary>& rejects, const PageOptions& options);

}  // namespace dqprep::report
