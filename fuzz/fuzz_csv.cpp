// Fuzzes the table path of `dqprep convert`: the bytes are a CSV (or, when the first byte is odd, a
// TSV) file, split into lines as LineReader splits them, read by csv::Reader; the first good row
// is the header (RowConverter), and every later row becomes a JSON record. Properties: a record
// parses as JSON and holds the row's fields in order; a row written back by csv::append_row reads
// back to the same fields (a "\r\n" in a field as "\n"); the rows account for every line that is not empty.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/csv.hpp"
#include "dqprep/io/io.hpp"
#include "dqprep/io/record.hpp"
#include "stages/convert_columns.hpp"

using namespace dqprep;

namespace {

// The lines of `text` without their terminators ("\n" or "\r\n"), as LineReader gives them.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r' && nl != std::string_view::npos) line.remove_suffix(1);
    lines.push_back(line);
  }
  return lines;
}

// What reading gives back of written fields: a "\r\n" inside quotes is read as "\n" (the line
// reader takes "\r\n" for a line end), left to right.
std::vector<std::string> without_crlf(const std::vector<std::string>& fields) {
  std::vector<std::string> out;
  for (const std::string& f : fields) {
    std::string g;
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i] == '\r' && i + 1 < f.size() && f[i + 1] == '\n') continue;
      g.push_back(f[i]);
    }
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<csv::Row> read_all(std::string_view text, char delimiter, uint64_t& empty) {
  csv::Reader reader(delimiter, 1 << 16);
  std::vector<csv::Row> rows;
  uint64_t number = 0;
  for (std::string_view line : lines_of(text)) reader.feed(line, ++number, rows);
  reader.finish(rows);
  empty = reader.empty_lines();
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const char delimiter = (data[0] & 1) ? '\t' : ',';
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  uint64_t empty = 0;
  std::vector<csv::Row> rows = read_all(text, delimiter, empty);

  uint64_t covered = empty;
  uint64_t previous_end = 0;
  for (const csv::Row& row : rows) {
    if (row.line == 0 || row.last_line < row.line || row.line <= previous_end) __builtin_trap();
    previous_end = row.last_line;
    covered += row.last_line - row.line + 1;
  }
  if (covered != lines_of(text).size()) __builtin_trap();  // every line is in a row or empty

  std::optional<stages::RowConverter> converter;
  Result<stages::ColumnMap> map = stages::ColumnMap::from_flags("", "", {});
  record::Parser parser;
  std::string json, padded, written;
  std::vector<record::Member> members;
  for (const csv::Row& row : rows) {
    if (!row.error.empty()) continue;
    // A good row written back reads back to the same fields.
    written.clear();
    csv::append_row(written, row.fields, delimiter);
    written.push_back('\n');
    uint64_t ignored = 0;
    std::vector<csv::Row> again = read_all(written, delimiter, ignored);
    if (again.size() != 1 || !again[0].error.empty() || again[0].fields != without_crlf(row.fields)) __builtin_trap();

    if (!converter) {
      Result<stages::RowConverter> c = stages::RowConverter::create(row.fields, *map, "");
      if (!c.ok()) return 0;
      converter.emplace(std::move(*c));
      continue;
    }
    if (!converter->convert(row, json).ok()) continue;
    padded = json;
    padded.append(io::kPadding, '\0');
    if (!parser.parse(std::string_view(padded.data(), json.size())).ok()) __builtin_trap();
    members.clear();
    if (!parser.members(members).ok() || members.size() != row.fields.size()) __builtin_trap();
    for (size_t i = 0; i < members.size(); ++i) {
      if (!members[i].is_string || members[i].text != row.fields[i] || members[i].key != converter->columns()[i])
        __builtin_trap();
    }
  }
  return 0;
}
