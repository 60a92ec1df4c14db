#pragma once
// A record is one JSON Lines line: its raw bytes, with lazy access to fields by path, and edits
// spliced back into the raw bytes so that untouched fields keep their exact bytes.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::record {

// A field path: `a.b`, `a[0]`, `a[-1]` (from the end), `a[*]` (every element).
struct PathStep {
  enum class Kind { key, index, all };
  Kind kind = Kind::key;
  std::string key;
  int64_t index = 0;
};

struct Path {
  std::string text;  // as the user wrote it, for messages
  std::vector<PathStep> steps;
  bool has_wildcard() const;
  // Exactly one key step ("label", not "meta.label" or "labels[0]"): a field that can be added.
  bool is_top_level_key() const { return steps.size() == 1 && steps[0].kind == PathStep::Kind::key; }

  // The text of a path from its steps: "messages[2].content", "turns[*].text".
  static std::string text_of(const std::vector<PathStep>& steps);
  // A path made from steps, its text written by text_of.
  static Path from_steps(std::vector<PathStep> steps);
};

Result<Path> parse_path(std::string_view text);

// A string found at a path: where its JSON token (quotes included) sits in the line, and its
// unescaped text (valid until the next parse).
struct StringValue {
  size_t offset = 0;
  size_t length = 0;
  std::string_view text;
};

// A top-level member of a record: its key, unescaped, and its value as JSON text; for a string
// also its text, unescaped. The views are valid until the next parse().
struct Member {
  std::string_view key;
  std::string_view raw;
  bool is_string = false;
  std::string_view text;  // with is_string
};

// Parses one line at a time; one Parser per thread.
class Parser {
 public:
  Parser();
  ~Parser();
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // Parses `line` and checks that all of it is one valid JSON object. The bytes after `line` must
  // be readable for io::kPadding bytes (LineReader guarantees it). The message of a bad_input
  // Status says what is wrong, without the FILE:LINE prefix.
  Status parse(std::string_view line);
  std::string_view line() const { return line_; }

  // Appends every string at `path` (several with `[*]`). A missing path or a null value adds
  // nothing; a value of another type is a bad_input error. `found` tells whether the path
  // matched anything at all (null included).
  Status strings(const Path& path, std::vector<StringValue>& out, bool& found);

  // The value at `path` as label text: a string's text, or the JSON text of a number or boolean;
  // nullopt when missing or null. Objects and arrays are a bad_input error.
  Status scalar_text(const Path& path, std::optional<std::string_view>& out);

  // Every value at `path` (several with `[*]`) as scalar_text gives it, in order: nullopt for a
  // null. Objects and arrays are a bad_input error. Appends to `out`; the views stay valid until
  // the next parse() or field access.
  Status scalar_texts(const Path& path, std::vector<std::optional<std::string_view>>& out);

  // The JSON text of the value at `path`, whatever its type; nullopt when missing.
  Status raw_value(const Path& path, std::optional<std::string_view>& out);

  // Appends the JSON text of every value at `path` (several with `[*]`; a null is "null").
  // The views point into the line, so they stay valid across later calls.
  Status raw_values(const Path& path, std::vector<std::string_view>& out);

  // The numbers of an array at `path` (or a single number); `found` false when missing or null.
  Status numbers(const Path& path, std::vector<double>& out, bool& found);

  // The top-level members of the record, in the order of the line (appended to `out`).
  Status members(std::vector<Member>& out);

  // Where the value of the top-level `key` sits in the line (offset, length), or nullopt.
  Status top_level_span(std::string_view key, std::optional<std::pair<size_t, size_t>>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string_view line_;
};

// A replacement of line[offset, offset + length) by `text`.
struct Edit {
  size_t offset = 0;
  size_t length = 0;
  std::string text;
};

// Writes `line` with `edits` applied into `out` (cleared first). Edits must not overlap; edits at
// the same offset apply in the order given.
void apply_edits(std::string_view line, std::vector<Edit>& edits, std::string& out);

// Adds the edit that sets top-level `key` to `json_value`: it replaces the current value when the
// key exists, else appends `"key":value` before the closing brace.
Status set_top_level(Parser& parser, std::string_view key, std::string_view json_value,
                     std::vector<Edit>& edits);

}  // namespace dqprep::record
