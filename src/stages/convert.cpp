// dqprep convert: CSV, TSV, a JSON array file or plain text into JSON Lines, and JSON Lines into
// CSV or TSV.
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <unordered_set>

#include "dqprep/io/csv.hpp"
#include "dqprep/io/io.hpp"
#include "dqprep/io/json_array.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/text/normalize_text.hpp"
#include "stages/convert_columns.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

enum class Kind { csv, tsv, json, lines, paragraphs, jsonl };

const std::vector<std::string> kFromNames = {"csv", "tsv", "json", "lines", "paragraphs", "jsonl"};

Kind kind_named(const std::string& name) {
  for (size_t i = 0; i < kFromNames.size(); ++i)
    if (kFromNames[i] == name) return static_cast<Kind>(i);
  return Kind::jsonl;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The kind a file name says, after a .gz or .zst: .csv, .tsv/.tab, .json, .jsonl/.ndjson, .txt.
std::optional<Kind> kind_of_name(std::string_view path) {
  for (std::string_view z : {".gz", ".zst"})
    if (ends_with(path, z)) path.remove_suffix(z.size());
  if (ends_with(path, ".csv")) return Kind::csv;
  if (ends_with(path, ".tsv") || ends_with(path, ".tab")) return Kind::tsv;
  if (ends_with(path, ".json")) return Kind::json;
  if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) return Kind::jsonl;
  if (ends_with(path, ".txt")) return Kind::lines;
  return std::nullopt;
}

struct ConvertOptions {
  CommonOptions common;
  std::string from, to;
  std::string text_column, label_column;
  std::vector<std::string> maps;
  std::string columns;
};

// ---- into JSON Lines: one thread reads the inputs in order ------------------------------------

// Where the records and the bad rows go, and the counts that balance: in = out + quarantined.
class JsonlSink {
 public:
  static Result<std::unique_ptr<JsonlSink>> open(const CommonOptions& o, stream::ErrorPolicy policy) {
    std::unique_ptr<JsonlSink> s(new JsonlSink());
    s->policy_ = policy;
    s->to_stdout_ = o.output.empty() || o.output == "-";
    DQPREP_ASSIGN_OR_RETURN(s->out_, io::OutputFile::open(o.output, thread_count(o)));
    if (policy == stream::ErrorPolicy::quarantine) {
      DQPREP_ASSIGN_OR_RETURN(s->quarantine_, io::OutputFile::open(o.quarantine, thread_count(o)));
    }
    s->summary_.stage = "convert";
    return s;
  }

  Status keep(std::string_view json) {
    buffer_.append(json);
    buffer_.push_back('\n');
    ++summary_.in;
    ++summary_.out;
    if (buffer_.size() >= kFlushBytes) return flush();
    return {};
  }

  // A record that cannot be converted, under --on-error.
  Status bad(std::string_view source, uint64_t line, std::string_view message, std::string_view raw) {
    if (policy_ == stream::ErrorPolicy::fail) {
      return Status::bad_input(std::string(source) + ":" + std::to_string(line) + ": " + std::string(message));
    }
    ++summary_.in;
    ++summary_.quarantined;
    if (quarantine_) DQPREP_RETURN_IF_ERROR(quarantine_->write(stream::quarantine_record(source, line, message, raw)));
    return {};
  }

  void count(const std::string& figure, uint64_t n = 1) {
    if (n == 0) return;
    uint64_t before = summary_.figures.contains(figure) ? summary_.figures[figure].get<uint64_t>() : 0;
    summary_.figures[figure] = before + n;
  }
  report::Summary& summary() { return summary_; }

  // Commits the outputs when the run succeeded; standard output keeps the records before a failure.
  Status close(Status status) {
    Status flushed = flush();
    if (status.ok()) status = flushed;
    if (status.ok() || to_stdout_) {
      Status committed = out_->commit();
      if (status.ok()) status = committed;
    }
    if (status.ok() && quarantine_) status = quarantine_->commit();
    return status;
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  JsonlSink() = default;
  Status flush() {
    Status s = out_->write(buffer_);
    buffer_.clear();
    return s;
  }

  stream::ErrorPolicy policy_ = stream::ErrorPolicy::fail;
  bool to_stdout_ = true;
  std::unique_ptr<io::OutputFile> out_, quarantine_;
  std::string buffer_;
  report::Summary summary_;
};

struct Setup {
  ColumnMap map;
  std::vector<std::string> columns;  // --columns: the table has no header row
  uint64_t max_record_bytes = io::kDefaultMaxLineBytes;
};

// The name of an input in messages, as every stage gives it.
std::string source_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

Result<std::unique_ptr<io::LineReader>> open_lines(const std::string& path, uint64_t max_line_bytes) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, io::LineReader::open(path));
  reader->set_max_line_bytes(max_line_bytes);
  return reader;
}

// The next line, or false at the end; a read error names FILE:LINE.
Result<bool> next_line(io::LineReader& reader, std::string_view& line) {
  Result<bool> more = reader.next(line);
  if (!more.ok() && more.status().code() == StatusCode::bad_input) {
    return Status::bad_input(reader.name() + ":" + std::to_string(reader.line_number() + 1) + ": " +
                             more.status().message());
  }
  return more;
}

Status table_to_jsonl(const std::string& path, char delimiter, const Setup& setup, JsonlSink& sink) {
  const std::string source = source_name(path);
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, open_lines(path, setup.max_record_bytes));
  csv::Reader table(delimiter, setup.max_record_bytes);
  std::optional<RowConverter> converter;
  if (!setup.columns.empty()) {
    DQPREP_ASSIGN_OR_RETURN(RowConverter c, RowConverter::create(setup.columns, setup.map, "--columns: "));
    converter.emplace(std::move(c));
  }
  std::vector<csv::Row> rows;
  std::string json;
  auto take = [&]() -> Status {
    for (csv::Row& row : rows) {
      if (!converter) {
        // The header row names the columns; a malformed one leaves nothing to name them.
        if (!row.error.empty()) return Status::bad_input(source + ":" + std::to_string(row.line) + ": the header row: " + row.error);
        DQPREP_ASSIGN_OR_RETURN(RowConverter c, RowConverter::create(std::move(row.fields), setup.map,
                                                                     source + ":" + std::to_string(row.line) + ": the header: "));
        converter.emplace(std::move(c));
        continue;
      }
      if (!row.error.empty()) {
        DQPREP_RETURN_IF_ERROR(sink.bad(source, row.line, row.error, row.raw));
        continue;
      }
      Status s = converter->convert(row, json);
      if (!s.ok()) {
        DQPREP_RETURN_IF_ERROR(sink.bad(source, row.line, s.message(), row.raw));
        continue;
      }
      DQPREP_RETURN_IF_ERROR(sink.keep(json));
    }
    rows.clear();
    return {};
  };
  std::string_view line;
  while (true) {
    DQPREP_ASSIGN_OR_RETURN(bool more, next_line(*reader, line));
    if (!more) break;
    table.feed(line, reader->line_number(), rows);
    DQPREP_RETURN_IF_ERROR(take());
  }
  table.finish(rows);
  DQPREP_RETURN_IF_ERROR(take());
  sink.summary().empty_lines += table.empty_lines();
  if (!converter) spdlog::warn("convert: {} has no header row (an empty file)", source);
  return {};
}

// Plain text: a record a line, or a paragraph (lines up to a blank line) with its lines joined by '\n'.
Status text_to_jsonl(const std::string& path, bool paragraphs, const Setup& setup, JsonlSink& sink) {
  const std::string source = source_name(path);
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, open_lines(path, setup.max_record_bytes));
  std::string key;
  json_text::append_string(key, setup.map.field_of("text"));
  std::string text, json;
  uint64_t first_line = 0;
  auto emit = [&]() -> Status {
    if (first_line == 0) return {};
    uint64_t at = first_line;
    first_line = 0;
    if (!text::is_valid_utf8(text)) {
      return sink.bad(source, at, "not valid UTF-8 (convert the file first, e.g. iconv -f WINDOWS-1252 -t UTF-8)", text);
    }
    json = "{" + key + ":";
    json_text::append_string(json, text);
    json.push_back('}');
    return sink.keep(json);
  };
  std::string_view line;
  while (true) {
    DQPREP_ASSIGN_OR_RETURN(bool more, next_line(*reader, line));
    if (!more) break;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      ++sink.summary().empty_lines;
      DQPREP_RETURN_IF_ERROR(emit());
      continue;
    }
    if (paragraphs && first_line != 0) {
      if (text.size() + 1 + line.size() > setup.max_record_bytes) {
        std::string message = "paragraph longer than " + std::to_string(setup.max_record_bytes) + " bytes";
        DQPREP_RETURN_IF_ERROR(sink.bad(source, first_line, message, text));
        first_line = 0;
      } else {
        text.push_back('\n');
        text.append(line);
        continue;
      }
    }
    first_line = reader->line_number();
    text.assign(line);
    if (!paragraphs) DQPREP_RETURN_IF_ERROR(emit());
  }
  return emit();
}

Status json_array_to_jsonl(const std::string& path, const Setup& setup, JsonlSink& sink) {
  const std::string source = source_name(path);
  DQPREP_ASSIGN_OR_RETURN(std::string bytes, io::read_bytes(path));
  if (bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) bytes.erase(0, 3);
  const size_t size = bytes.size();
  bytes.append(simdjson::SIMDJSON_PADDING, '\0');
  record::Parser parser;
  std::string minified, json;
  std::vector<record::Member> members;
  return json_array::each_element(std::string_view(bytes.data(), size), [&](const json_array::Element& e) -> Status {
    if (!e.error.empty()) return sink.bad(source, e.line, e.error, e.raw);
    minified.resize(e.raw.size() + io::kPadding);
    size_t length = 0;
    if (simdjson::minify(e.raw.data(), e.raw.size(), minified.data(), length) != simdjson::SUCCESS) {
      return sink.bad(source, e.line, "bad JSON in the element", e.raw);
    }
    std::memset(minified.data() + length, 0, io::kPadding);
    std::string_view record(minified.data(), length);
    if (Status s = parser.parse(record); !s.ok()) return sink.bad(source, e.line, s.message(), e.raw);
    if (setup.map.empty()) return sink.keep(record);
    members.clear();
    if (Status s = parser.members(members); !s.ok()) return sink.bad(source, e.line, s.message(), e.raw);
    if (Status s = rename_keys(members, setup.map, json); !s.ok()) return sink.bad(source, e.line, s.message(), e.raw);
    return sink.keep(json);
  });
}

Status to_jsonl(const ConvertOptions& o, const std::vector<Kind>& kinds, const Setup& setup) {
  auto start = std::chrono::steady_clock::now();
  DQPREP_ASSIGN_OR_RETURN(stream::ErrorPolicy policy, error_policy(o.common));
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<JsonlSink> sink, JsonlSink::open(o.common, policy));
  const std::vector<std::string> inputs = o.common.inputs.empty() ? std::vector<std::string>{"-"} : o.common.inputs;
  Status status;
  for (size_t i = 0; i < inputs.size() && status.ok(); ++i) {
    switch (kinds[i]) {
      case Kind::csv: status = table_to_jsonl(inputs[i], ',', setup, *sink); break;
      case Kind::tsv: status = table_to_jsonl(inputs[i], '\t', setup, *sink); break;
      case Kind::json: status = json_array_to_jsonl(inputs[i], setup, *sink); break;
      case Kind::lines: status = text_to_jsonl(inputs[i], false, setup, *sink); break;
      case Kind::paragraphs: status = text_to_jsonl(inputs[i], true, setup, *sink); break;
      case Kind::jsonl: break;
    }
  }
  DQPREP_RETURN_IF_ERROR(sink->close(status));
  sink->summary().seconds = report::seconds_since(start);
  return finish(o.common, sink->summary());
}

// ---- JSON Lines into a table: the streaming driver, on -j threads ----------------------------

// The first pass: the top-level keys of each record, as (uint32 length, bytes) pairs.
class KeyCollector : public stream::RecordProcessor {
 public:
  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    members_.clear();
    DQPREP_RETURN_IF_ERROR(parser_.members(members_));
    std::string& state = out.state();
    for (const record::Member& m : members_) {
      uint32_t n = static_cast<uint32_t>(m.key.size());
      state.append(reinterpret_cast<const char*>(&n), sizeof n);
      state.append(m.key);
    }
    return {};
  }

 private:
  record::Parser parser_;
  std::vector<record::Member> members_;
};

class RowWriter : public stream::RecordProcessor {
 public:
  RowWriter(const std::vector<std::string>& fields, char delimiter) : fields_(fields), delimiter_(delimiter) {}
  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    members_.clear();
    DQPREP_RETURN_IF_ERROR(parser_.members(members_));
    uint64_t kept = 0;
    for (const record::Member& m : members_)
      kept += std::find(fields_.begin(), fields_.end(), m.key) != fields_.end();
    out.count("fields_dropped", members_.size() - kept);
    record_to_row(members_, fields_, row_);
    text_.clear();
    csv::append_row(text_, row_, delimiter_);
    out.keep(text_);
    return {};
  }

 private:
  const std::vector<std::string>& fields_;
  char delimiter_;
  record::Parser parser_;
  std::vector<record::Member> members_;
  std::vector<std::string> row_;
  std::string text_;
};

Status to_table(const ConvertOptions& o, char delimiter, const Setup& setup) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> passes, open_passes(o.common, "convert"));
  std::vector<std::string> fields;
  std::vector<std::string> columns = setup.columns;
  if (columns.empty()) {
    // Every field of any record is a column, in the order the fields first appear.
    std::unordered_set<std::string> seen;
    auto consume = [&](std::string_view state) -> Status {
      size_t pos = 0;
      while (pos < state.size()) {
        uint32_t n;
        std::memcpy(&n, state.data() + pos, sizeof n);
        std::string key(state.substr(pos + sizeof n, n));
        pos += sizeof n + n;
        if (seen.insert(key).second) fields.push_back(std::move(key));
      }
      return {};
    };
    DQPREP_RETURN_IF_ERROR(passes->collect({[] { return std::make_unique<KeyCollector>(); }, consume}).status());
    for (const std::string& f : fields) columns.emplace_back(setup.map.column_of(f));
    for (const auto& [column, field] : setup.map.pairs()) {
      if (std::find(fields.begin(), fields.end(), field) == fields.end() && !fields.empty())
        return Status::usage("no record has the field '" + field + "' of column '" + column + "'");
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (columns[i] == columns[j]) {
          return Status::usage("the fields '" + fields[j] + "' and '" + fields[i] + "' would both be the column '" +
                               columns[i] + "' (rename one with --map COLUMN=" + fields[i] + ")");
        }
      }
    }
  } else {
    for (const std::string& c : columns) fields.emplace_back(setup.map.field_of(c));
  }
  stream::Options so = passes->writing();
  if (!columns.empty()) {
    csv::append_row(so.preamble, columns, delimiter);
    so.preamble.push_back('\n');
  }
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          passes->run(so, [&] { return std::make_unique<RowWriter>(fields, delimiter); }));
  summary.figures["columns"] = columns.size();
  return finish(o.common, summary);
}

// ---- setup ------------------------------------------------------------------------------------

Status run_convert(const ConvertOptions& o) {
  const std::vector<std::string> inputs = o.common.inputs.empty() ? std::vector<std::string>{"-"} : o.common.inputs;
  std::vector<Kind> kinds;
  for (const std::string& in : inputs) {
    if (!o.from.empty()) {
      kinds.push_back(kind_named(o.from));
      continue;
    }
    std::optional<Kind> k = kind_of_name(in);
    if (!k) {
      return Status::usage("cannot tell the format of " + source_name(in) +
                           " from its name: give --from csv|tsv|json|lines|paragraphs|jsonl");
    }
    kinds.push_back(*k);
  }
  bool from_jsonl = kinds[0] == Kind::jsonl;
  for (Kind k : kinds)
    if ((k == Kind::jsonl) != from_jsonl) return Status::usage("JSON Lines inputs and inputs of other formats cannot be mixed");

  std::string to = o.to;
  if (to.empty()) {
    std::optional<Kind> k = kind_of_name(o.common.output);
    to = k == Kind::csv ? "csv" : k == Kind::tsv ? "tsv" : "jsonl";
  }
  if (from_jsonl == (to == "jsonl")) {
    return Status::usage(from_jsonl ? "JSON Lines in, JSON Lines out: give --to csv or --to tsv (or -o FILE.csv)"
                                    : "convert writes JSON Lines from " + kFromNames[static_cast<size_t>(kinds[0])] +
                                          " (--to csv|tsv takes JSON Lines in)");
  }

  Setup setup;
  DQPREP_ASSIGN_OR_RETURN(ColumnMap map, ColumnMap::from_flags(o.text_column, o.label_column, o.maps));
  setup.map = std::move(map);
  if (!o.columns.empty()) {
    DQPREP_ASSIGN_OR_RETURN(std::vector<std::string> columns, split_list_trimmed("--columns", o.columns));
    setup.columns = std::move(columns);
    for (Kind k : kinds)
      if (k != Kind::csv && k != Kind::tsv && k != Kind::jsonl)
        return Status::usage("--columns names the columns of a table (CSV or TSV input, or --to csv|tsv)");
  }
  setup.max_record_bytes = o.common.max_line_bytes;
  for (Kind k : kinds) {
    if ((k == Kind::lines || k == Kind::paragraphs) && !setup.map.empty()) {
      for (const auto& [column, field] : setup.map.pairs())
        if (column != "text") return Status::usage("plain text has one column, 'text' (--map text=FIELD renames it)");
    }
  }
  if (from_jsonl) return to_table(o, to == "tsv" ? '\t' : ',', setup);
  return to_jsonl(o, kinds, setup);
}

}  // namespace

StageRunner setup_convert(CLI::App& app) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* sub = app.add_subcommand("convert", "CSV, TSV, a JSON array or plain text into JSON Lines, and back to CSV/TSV");
  sub->footer(
      "The format comes from each input's name (.csv, .tsv, .json, .jsonl, .txt; before .gz/.zst) or --from;\n"
      "the output's from -o's name or --to (default jsonl). A table's first row names its columns\n"
      "(or --columns); each column becomes a string field of that name unless mapped. A bad row\n"
      "is FILE:LINE (the line where the record starts) under --on-error. Formats: docs/convert.md.\n"
      "Examples:\n"
      "  dqprep convert --text-column review --label-column stars reviews.csv -o reviews.jsonl\n"
      "  dqprep convert --from paragraphs notes.txt.gz -o notes.jsonl\n"
      "  dqprep convert --text-column review --label-column stars reviews.jsonl -o reviews.csv");
  sub->add_option("inputs", o->common.inputs, "Input files (gzip or zstd by magic bytes) or - for stdin")
      ->type_name("INPUT ...");
  sub->add_option("-o,--output", o->common.output, "Where records go (- = stdout); .gz/.zst compresses; atomic")
      ->default_str("-");
  sub->add_option("--from", o->from, "Input format: csv, tsv, json (an array of objects), lines, paragraphs, jsonl")
      ->check(CLI::IsMember(kFromNames));
  sub->add_option("--to", o->to, "Output format: jsonl, csv or tsv")->check(CLI::IsMember({"jsonl", "csv", "tsv"}));
  sub->add_option("--text-column", o->text_column, "The column of the field \"text\"")->type_name("COLUMN");
  sub->add_option("--label-column", o->label_column, "The column of the field \"label\"")->type_name("COLUMN");
  sub->add_option("--map", o->maps, "Column COLUMN is the field FIELD (repeatable)")
      ->type_name("COLUMN=FIELD")
      ->allow_extra_args(false);
  sub->add_option("--columns", o->columns,
                  "The column names A,B,...: of a table without a header row, or the columns to write")
      ->type_name("A,B,...");
  sub->add_option("--on-error", o->common.on_error, "What a bad row gets: fail (exit 3), skip, quarantine")
      ->check(CLI::IsMember({"fail", "skip", "quarantine"}))
      ->capture_default_str();
  sub->add_option("--quarantine", o->common.quarantine, "With --on-error quarantine: each bad row, with _error")
      ->type_name("FILE");
  add_stats_option(*sub, o->common.stats);
  add_threads_option(*sub, o->common.threads,
                     "Worker threads for JSON Lines to CSV/TSV, and compressing a .gz/.zst output (0 = one per CPU the process may use); reading a table runs on one");
  sub->add_option("--max-line-bytes", o->common.max_line_bytes,
                  "A longer line, record, paragraph or table row is bad input")
      ->check(whole_number())
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40))
      ->capture_default_str();
  add_log_flags(*sub, o->common);
  return [o] { return run_convert(*o); };
}

}  // namespace dqprep::stages
