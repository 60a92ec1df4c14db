// Fuzzes field paths and the record parser: the first line of the input is a field path, the rest
// a JSON line. Every access must return a Status (never crash), and an edit spliced into a valid
// record must give a valid record.
#include <cstdint>
#include <string>
#include <vector>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/io/record.hpp"

using namespace dqprep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string path_text = nl == std::string::npos ? "text" : input.substr(0, nl);
  std::string line = nl == std::string::npos ? input : input.substr(nl + 1);
  Result<record::Path> path = record::parse_path(path_text);
  if (!path.ok()) path = record::parse_path("text");

  std::string padded = line + std::string(io::kPadding, '\0');
  std::string_view view(padded.data(), line.size());
  record::Parser parser;
  if (!parser.parse(view).ok()) return 0;

  std::vector<record::StringValue> values;
  bool found = false;
  Status s = parser.strings(*path, values, found);
  std::optional<std::string_view> scalar, raw;
  (void)parser.scalar_text(*path, scalar);
  (void)parser.raw_value(*path, raw);
  std::vector<double> numbers;
  (void)parser.numbers(*path, numbers, found);

  std::vector<record::Edit> edits;
  if (s.ok()) {
    for (const record::StringValue& v : values) {
      record::Edit e{v.offset, v.length, {}};
      json_text::append_string(e.text, std::string(v.text) + "\xff edited");
      edits.push_back(std::move(e));
    }
  }
  if (!record::set_top_level(parser, "dup_of", "\"x\"", edits).ok()) return 0;
  std::string edited;
  record::apply_edits(view, edits, edited);
  std::string edited_padded = edited + std::string(io::kPadding, '\0');
  record::Parser again;
  if (!again.parse(std::string_view(edited_padded.data(), edited.size())).ok()) __builtin_trap();
  return 0;
}
