#pragma once
// What label-check found, as a few lines for stderr (after the summary line), read from its
// --stats summary: label validity, conflicts, agreement, consensus, likely label errors, and the
// total of issues found. Sections whose figures the summary lacks are left out.

#include <string>

#include "dqprep/io/report.hpp"

namespace dqprep::label_findings {

// Lines each ending in '\n', indented by two spaces. Ratios with 4 decimals, as `metrics`
// prints them; a null figure as "-" followed by its reason from "notes".
std::string text(const report::Json& summary);

}  // namespace dqprep::label_findings
