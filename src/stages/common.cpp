#include "stages/common.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "dqprep/io/cpus.hpp"
#include "dqprep/io/progress_line.hpp"
#include "dqprep/text/normalize_text.hpp"

namespace dqprep::stages {

// More threads than this is a typo, not a machine: each one holds a batch of up to 1 MiB.
constexpr unsigned kMaxThreads = 1024;

void add_common_options(CLI::App& app, CommonOptions& o, bool with_output) {
  app.add_option("inputs", o.inputs, "Input files (.jsonl, gzip or zstd by magic bytes) or - for stdin")
      ->type_name("INPUT ...");
  if (with_output) {
    app.add_option("-o,--output", o.output, "Where records go (- = stdout); .gz/.zst compresses (on the -j threads); atomic")
        ->default_str("-");
  }
  app.add_option("--format", o.format,
                 "Which fields form the text: text, alpaca, chat, sharegpt, pair, prompt-completion")
      ->capture_default_str();
  app.add_option("--text-field", o.text_fields, "Text field path, overrides the format (repeatable)")
      ->allow_extra_args(false)  // one path an occurrence: a following INPUT is not a field
      ->type_name("PATH");
  app.add_option("--label-field", o.label_field, "The class label")->type_name("PATH")->capture_default_str();
  app.add_option("--id-field", o.id_field, "The record id (FILE:LINE when missing)")
      ->type_name("PATH")
      ->capture_default_str();
  app.add_option("--on-error", o.on_error, "What a malformed line gets: fail (exit 3), skip, quarantine")
      ->check(CLI::IsMember({"fail", "skip", "quarantine"}))
      ->capture_default_str();
  app.add_option("--quarantine", o.quarantine, "With --on-error quarantine: each bad line, with _error")
      ->type_name("FILE");
  add_stats_option(app, o.stats);
  add_threads_option(app, o.threads);
  app.add_option("--max-line-bytes", o.max_line_bytes, "A longer input line is bad input (exit 3)")
      ->check(whole_number())
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of every random choice")->check(whole_number())->capture_default_str();
  add_log_flags(app, o);
}

void add_stats_option(CLI::App& app, std::string& stats, const std::string& description) {
  app.add_option("--stats", stats, description)->type_name("FILE");
}

void add_threads_option(CLI::App& app, unsigned& threads, const std::string& description) {
  app.add_option("-j,--threads", threads, description)
      ->check(whole_number())->check(CLI::Range(0u, kMaxThreads))->capture_default_str();
}

void add_log_flags(CLI::App& app, CommonOptions& o) {
  app.add_flag("-q,--quiet", o.quiet, "Only errors on stderr");
  app.add_flag("-v,--verbose", o.verbose, "More log on stderr");
  app.parse_complete_callback([&o] { set_log_level(o.quiet, o.verbose); });
}

void set_log_level(bool quiet, bool verbose) {
  spdlog::set_level(quiet ? spdlog::level::err : verbose ? spdlog::level::debug : spdlog::level::info);
}

const CLI::Validator& whole_number() {
  static const CLI::Validator validator(
      [](std::string& value) -> std::string {
        if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
          return "'" + value + "' is not a whole number >= 0";
        uint64_t parsed = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
        if (ec != std::errc()) return value + " is too large (at most 18446744073709551615)";
        return {};
      },
      "", "whole number");
  return validator;
}

const CLI::Validator& utf8_text() {
  static const CLI::Validator validator(
      [](std::string& value) { return text::is_valid_utf8(value) ? std::string() : std::string("not valid UTF-8"); },
      "", "UTF-8");
  return validator;
}

void add_gate_flags(CLI::App& app, checks::GateFlags& flags) {
  app.add_option("--check", flags.checks, "Gate 'METRIC OP VALUE' (OP: < <= > >= == !=); a failure exits 1 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("EXPR");
  app.add_option("--warn", flags.warns, "As --check, at the warn level: reported, never exits 1 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("EXPR");
  app.add_option("--checks", flags.checks_file, "Checks file: one check a line, 'fail:' or 'warn:' before it")
      ->type_name("FILE");
}

Result<std::vector<checks::Outcome>> evaluate_gates(const std::vector<checks::Check>& gates, report::Summary& summary) {
  Result<std::vector<checks::Outcome>> outcomes = checks::evaluate_all(gates, report::to_json(summary));
  if (outcomes.ok() && !gates.empty()) summary.figures["checks"] = checks::to_json(*outcomes);
  return outcomes;
}

Result<Fields> resolve_fields(const CommonOptions& o) {
  DQPREP_ASSIGN_OR_RETURN(format::Format fmt, format::preset(o.format));
  Fields fields;
  fields.format = fmt;
  const std::vector<std::string>& text_paths = o.text_fields.empty() ? fmt.text_paths : o.text_fields;
  for (const std::string& p : text_paths) {
    DQPREP_ASSIGN_OR_RETURN(record::Path path, record::parse_path(p));
    fields.text.push_back(path);
  }
  DQPREP_ASSIGN_OR_RETURN(record::Path label, record::parse_path(o.label_field));
  fields.label = label;
  DQPREP_ASSIGN_OR_RETURN(record::Path id, record::parse_path(o.id_field));
  fields.id = id;
  return fields;
}

Result<stream::ErrorPolicy> error_policy(const CommonOptions& o) {
  if (o.on_error == "skip") return stream::ErrorPolicy::skip;
  if (o.on_error == "quarantine") {
    if (o.quarantine.empty()) return Status::usage("--on-error quarantine needs --quarantine FILE");
    return stream::ErrorPolicy::quarantine;
  }
  if (!o.quarantine.empty()) return Status::usage("--quarantine FILE needs --on-error quarantine");
  return stream::ErrorPolicy::fail;
}

unsigned thread_count(const CommonOptions& o) {
  if (o.threads > 0) return o.threads;
  return std::min(io::available_cpus(), kMaxThreads);
}

Result<stream::Options> stream_options(const CommonOptions& o) {
  DQPREP_ASSIGN_OR_RETURN(stream::ErrorPolicy policy, error_policy(o));
  stream::Options so;
  so.inputs = o.inputs;
  so.output = o.output;
  so.quarantine = o.quarantine;
  so.on_error = policy;
  so.threads = thread_count(o);
  so.max_line_bytes = o.max_line_bytes;
  if (!o.quiet && ::isatty(2)) {
    so.progress = [](const stream::Progress& p) { std::fputs(progress_line::text(p).c_str(), stderr); };
  }
  return so;
}

Result<std::unique_ptr<stream::Passes>> open_passes(const CommonOptions& o, const std::string& stage,
                                                    const std::string& rejects) {
  DQPREP_ASSIGN_OR_RETURN(stream::Options writing, stream_options(o));
  writing.rejects = rejects;
  return stream::Passes::open(std::move(writing), stage);
}

Status run_streaming(const CommonOptions& o, const stream::Options& driver, const stream::ProcessorFactory& processor,
                     const std::string& stage, const std::function<Status(report::Summary&)>& add_figures) {
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary, stream::run(driver, processor, stage));
  if (add_figures) DQPREP_RETURN_IF_ERROR(add_figures(summary));
  return finish(o, summary);
}

void set_null(report::Json& figures, const std::string& key, const std::string& why) {
  figures[key] = nullptr;
  if (!figures.contains("notes") || !figures["notes"].is_object()) figures["notes"] = report::Json::object();
  figures["notes"][key] = why;
}

void fix_schema(report::Summary& summary, const std::vector<SchemaField>& schema, const std::vector<std::string>& rules) {
  report::Json& f = summary.figures;
  report::Json notes = f.contains("notes") && f["notes"].is_object() ? f["notes"] : report::Json::object();
  report::Json ordered = report::Json::object();
  for (const SchemaField& figure : schema) {
    if (f.contains(figure.key)) {
      ordered[figure.key] = f[figure.key];
    } else {
      ordered[figure.key] = figure.fallback;
      if (figure.fallback.is_null() && !figure.why.empty() && !notes.contains(figure.key)) notes[figure.key] = figure.why;
    }
  }
  for (const auto& [key, value] : f.items()) {
    if (key != "notes" && !ordered.contains(key)) ordered[key] = value;
  }
  ordered["notes"] = std::move(notes);
  f = std::move(ordered);
  for (const std::string& rule : rules) summary.rules.try_emplace(rule, 0);
}

Status finish(const CommonOptions& o, const report::Summary& summary) {
  if (!o.quiet && ::isatty(2)) std::fprintf(stderr, "\r\033[K");
  if (!o.quiet) spdlog::info("{}", report::to_line(summary));
  if (!o.stats.empty()) return report::write_json(o.stats, report::to_json(summary));
  return {};
}

Status joined_text(record::Parser& parser, const std::vector<record::Path>& paths,
                   std::vector<record::StringValue>& scratch, std::string& joined) {
  joined.clear();
  bool first = true;
  for (const record::Path& path : paths) {
    scratch.clear();
    bool found = false;
    DQPREP_RETURN_IF_ERROR(parser.strings(path, scratch, found));
    if (!found) return Status::bad_input("missing text field '" + path.text + "'");
    for (const record::StringValue& v : scratch) {
      if (!first) joined.push_back('\n');
      joined.append(v.text);
      first = false;
    }
  }
  return {};
}

std::string record_name(record::Parser& parser, const record::Path& id_path, const stream::Line& line) {
  std::optional<std::string_view> id;
  if (parser.scalar_text(id_path, id).ok() && id) return std::string(*id);
  return std::string(line.source) + ":" + std::to_string(line.number);
}

std::vector<std::string> split_list(std::string_view text, EmptyItems empty) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (empty == EmptyItems::keep || !item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<std::vector<std::string>> split_list_trimmed(std::string_view flag, std::string_view text) {
  std::vector<std::string> items = split_list(text);
  for (std::string& item : items) {
    size_t b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    if (item.empty()) return Status::usage(std::string(flag) + " '" + std::string(text) + "': an empty item in the list");
  }
  return items;
}

}  // namespace dqprep::stages
