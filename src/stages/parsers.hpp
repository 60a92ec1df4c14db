#pragma once
// Parsers of user input that belong to one stage but sit outside its anonymous namespace, so that
// the fuzz targets (fuzz/) can link them. Each is defined in its stage's file. (The rules file of
// weak-label has its own header: stages/weak_label_rules.hpp.)

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dqprep/io/record.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::stages {

// normalize --label-map FILE: a JSON object {"raw label": "canonical label", ...}; `path` names the
// file in messages. normalize.cpp.
using LabelMap = std::unordered_map<std::string, std::string>;
Result<LabelMap> parse_label_map(std::string_view text, const std::string& path);

// split --ratios: comma-separated numbers, each trimmed of spaces (the checks of the values are
// split_plan::validate_ratios'). split.cpp.
Result<std::vector<double>> parse_ratios(const std::string& text);

// filter --drop-words FILE: the lines of a word-list file, '\n' or "\r\n" terminated, appended to
// `lines` (WordMatcher::create skips the blank ones). filter.cpp.
void append_word_list_lines(std::string_view text, std::vector<std::string>& lines);

// augment --exec: one answer line of the helper, a JSON object whose "text" is a string (the new
// text) or null (the helper declines). One per thread: it keeps the parser and scratch buffers.
// augment.cpp.
class ExecAnswerReader {
 public:
  ExecAnswerReader();
  // Answer `number` (0-based, for the message): ok with `declined` or `text` set, or an io Status
  // "wrote answer N that is not a JSON object with a string "text" (why): ANSWER".
  Status read(size_t number, const std::string& answer, bool& declined, std::string& text);

 private:
  record::Parser parser_;
  record::Path text_path_;
  std::string padded_;
  std::vector<record::StringValue> values_;
};

}  // namespace dqprep::stages
