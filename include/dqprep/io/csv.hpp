#pragma once
// CSV and TSV (RFC 4180 quoting: fields in double quotes may hold delimiters, quotes doubled and
// line breaks) read with libcsv in strict mode, line by line, so that each record knows the
// physical line where it starts; and fields written back with the same quoting.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dqprep::csv {

// One record of the file, or the malformed text where one should have been.
struct Row {
  std::vector<std::string> fields;
  uint64_t line = 0;       // the 1-based physical line where the record starts
  uint64_t last_line = 0;  // the line where it ends (a quoted field with line breaks spans several)
  std::string raw;         // its physical lines joined with '\n', as read
  std::string error;       // not empty: the record is malformed, and this says why
};

// Parses the lines of one file. Spaces are part of a field (RFC 4180, unlike libcsv's default);
// a line break inside quotes is one '\n' in the field (a "\r\n" there is read as "\n"); an empty
// line between records is no record. Malformed text (a quote inside an unquoted field, text
// after a closing quote, a quote left open at the end of the file, a record longer than
// max_record_bytes) becomes a Row with an error, and reading goes on at the next line.
class Reader {
 public:
  Reader(char delimiter, uint64_t max_record_bytes);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Feeds one physical line (without its terminator), numbered `number`; the records it completes
  // are appended to `rows`.
  void feed(std::string_view line, uint64_t number, std::vector<Row>& rows);
  // The end of the file: a record still open (a quote never closed) is appended as malformed.
  void finish(std::vector<Row>& rows);

  uint64_t empty_lines() const { return empty_lines_; }

 private:
  struct Parser;
  void restart();
  void fail(std::string why, std::vector<Row>& rows);

  std::unique_ptr<Parser> parser_;
  char delimiter_;
  uint64_t max_record_bytes_;
  bool in_record_ = false;
  Row current_;
  uint64_t empty_lines_ = 0;
};

// Appends `field` as one CSV/TSV field: as it is when it needs no quotes, else in double quotes
// with its quotes doubled. A field needs quotes when it holds the delimiter, a quote, a line break
// or starts or ends with white space (readers that trim unquoted fields keep it then).
void append_field(std::string& out, std::string_view field, char delimiter);

// Appends the fields as one record, separated by `delimiter`, without a line terminator (a record
// of one empty field is written "", as an empty line would be no record).
void append_row(std::string& out, const std::vector<std::string>& fields, char delimiter);

}  // namespace dqprep::csv
