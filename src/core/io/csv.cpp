#include "dqprep/io/csv.hpp"

#include <csv.h>

#include <new>

namespace dqprep::csv {

namespace {

// RFC 4180: every space is data. libcsv would trim spaces and tabs around unquoted fields.
int no_space(unsigned char) { return 0; }
// Only '\n' ends a record: the caller feeds lines without their terminator and a '\n' after each,
// so a lone '\r' inside a line stays in its field.
int line_feed(unsigned char c) { return c == '\n'; }

constexpr unsigned char kOptions = CSV_STRICT | CSV_STRICT_FINI;

}  // namespace

struct Reader::Parser {
  csv_parser p;
  std::vector<std::string> fields;
  bool row_ended = false;

  explicit Parser(char delimiter) {
    if (csv_init(&p, kOptions) != 0) throw std::bad_alloc();
    csv_set_delim(&p, static_cast<unsigned char>(delimiter));
    csv_set_space_func(&p, no_space);
    csv_set_term_func(&p, line_feed);
  }
  ~Parser() { csv_free(&p); }

  static void on_field(void* data, size_t length, void* self) {
    static_cast<Parser*>(self)->fields.emplace_back(static_cast<const char*>(data), length);
  }
  static void on_row(int, void* self) { static_cast<Parser*>(self)->row_ended = true; }

  // Parses `bytes`; false when libcsv stops on malformed text (or cannot grow its buffer).
  bool parse(std::string_view bytes) {
    return csv_parse(&p, bytes.data(), bytes.size(), on_field, on_row, this) == bytes.size();
  }
  int error() { return csv_error(&p); }
};

Reader::Reader(char delimiter, uint64_t max_record_bytes)
    : parser_(std::make_unique<Parser>(delimiter)), delimiter_(delimiter), max_record_bytes_(max_record_bytes) {}

Reader::~Reader() = default;

void Reader::restart() {
  parser_ = std::make_unique<Parser>(delimiter_);
  in_record_ = false;
}

void Reader::fail(std::string why, std::vector<Row>& rows) {
  current_.fields.clear();
  current_.error = std::move(why);
  rows.push_back(std::move(current_));
  current_ = Row{};
  restart();
}

void Reader::feed(std::string_view line, uint64_t number, std::vector<Row>& rows) {
  if (!in_record_) {
    if (line.empty()) {
      ++empty_lines_;
      return;
    }
    in_record_ = true;
    current_ = Row{};
    current_.line = number;
  } else {
    current_.raw.push_back('\n');
  }
  current_.raw.append(line);
  current_.last_line = number;
  if (current_.raw.size() > max_record_bytes_) {
    fail("record longer than " + std::to_string(max_record_bytes_) + " bytes (a quote left open?)", rows);
    return;
  }
  if (!parser_->parse(line) || !parser_->parse("\n")) {
    if (parser_->error() == CSV_EPARSE) {
      std::string where = number == current_.line ? "" : " on line " + std::to_string(number);
      fail("malformed quoting" + where +
               ": a quote inside an unquoted field, or text after a closing quote (a field that holds quotes, the "
               "delimiter or a line break is quoted whole, its quotes doubled)",
           rows);
    } else {
      throw std::bad_alloc();  // libcsv could not grow its field buffer
    }
    return;
  }
  if (!parser_->row_ended) return;  // a quoted field goes on on the next line
  parser_->row_ended = false;
  current_.fields = std::move(parser_->fields);
  parser_->fields.clear();
  rows.push_back(std::move(current_));
  current_ = Row{};
  in_record_ = false;
}

void Reader::finish(std::vector<Row>& rows) {
  if (!in_record_) return;
  fail("a quoted field is not closed before the end of the file (lines " + std::to_string(current_.line) + "-" +
           std::to_string(current_.last_line) + ")",
       rows);
}

void append_field(std::string& out, std::string_view field, char delimiter) {
  bool quote = !field.empty() && (field.front() == ' ' || field.front() == '\t' || field.back() == ' ' || field.back() == '\t');
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out.append(field);
    return;
  }
  size_t start = out.size();
  size_t needed = csv_write(nullptr, 0, field.data(), field.size());
  out.resize(start + needed);
  csv_write(out.data() + start, needed, field.data(), field.size());
}

void append_row(std::string& out, const std::vector<std::string>& fields, char delimiter) {
  // One empty field would be an empty line, which is no record: quoted, it is one.
  if (fields.size() == 1 && fields[0].empty()) {
    out.append("\"\"");
    return;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(delimiter);
    append_field(out, fields[i], delimiter);
  }
}

}  // namespace dqprep::csv
