#pragma once
// Reading the JSON reports the stages write (`--stats`, `metrics --json`, `model eval --json`) back
// in, for `dqprep report` and `metrics diff`: a malformed file is bad input that names its line.

#include <string>
#include <string_view>

#include "dqprep/io/report.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::report {

// The report in `text`, read from the file `name`: one JSON object with a string "stage". Errors are
// bad_input: "NAME:LINE: bad JSON: what" for text that is not JSON (or nests deeper than
// json_text::kMaxConfigDepth), "NAME:1: not a dqprep report (...)" for JSON of another shape.
Result<Json> parse_json_report(std::string_view text, const std::string& name);

// The same from a file (or "-"), decompressed as every input is.
Result<Json> read_json_report(const std::string& path);

// The 1-based line of byte `offset` in `text`.
size_t line_of(std::string_view text, size_t offset);

}  // namespace dqprep::report
