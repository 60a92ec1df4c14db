#pragma once
// What every subcommand shares: the common flags (docs/usage.md), the record fields they name,
// and the end of a run (summary line, --stats file).

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/format.hpp"
#include "dqprep/io/io.hpp"
#include "dqprep/io/passes.hpp"
#include "dqprep/io/record.hpp"
#include "dqprep/io/report.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/io/stream.hpp"
#include "dqprep/metrics/checks.hpp"

namespace dqprep::stages {

// What main() runs once CLI11 has parsed the command line.
using StageRunner = std::function<Status()>;

struct CommonOptions {
  std::vector<std::string> inputs;
  std::string output;
  std::string format = "text";
  std::vector<std::string> text_fields;
  std::string label_field = "label";
  std::string id_field = "id";
  std::string on_error = "fail";
  std::string quarantine;
  std::string stats;
  unsigned threads = 0;  // 0: one per CPU the process may use (io::available_cpus)
  uint64_t max_line_bytes = io::kDefaultMaxLineBytes;
  uint64_t seed = 0;
  bool quiet = false;
  bool verbose = false;
};

// The fields the common options name, parsed.
struct Fields {
  format::Format format;
  std::vector<record::Path> text;
  record::Path label;
  record::Path id;
};

// Adds the flags of docs/usage.md's "Common flags" to `app`. `with_output` is false for
// stages that write no record stream (metrics).
void add_common_options(CLI::App& app, CommonOptions& options, bool with_output = true);

// A CLI11 check for counts, sizes and seeds: decimal digits only, at most 2^64 - 1. CLI11 itself
// reads "-1" into an unsigned option as 2^64 - 1 and a value past 2^64 as 2^64 - 1, silently.
const CLI::Validator& whole_number();

// A CLI11 check that a flag's value is valid UTF-8: labels and names end up in JSON reports.
const CLI::Validator& utf8_text();

// The common flags one by one, for the subcommands that take only some of them (dedup cluster,
// dedup apply, metrics merge). add_log_flags adds -q and -v and sets the log level from them once
// the subcommand is parsed; set_log_level sets it for flags bound elsewhere.
void add_stats_option(CLI::App& app, std::string& stats, const std::string& description = "The stage summary as JSON");
void add_threads_option(CLI::App& app, unsigned& threads,
                        const std::string& description =
                            "Worker threads, and as many compressing a .gz/.zst output (0 = one per CPU the process may use); output is the same for any N");
void add_log_flags(CLI::App& app, CommonOptions& options);
void set_log_level(bool quiet, bool verbose);

// --check, --warn and --checks: the gates of every stage that has any (checks::load reads them).
void add_gate_flags(CLI::App& app, checks::GateFlags& flags);

// Evaluates the gates on the stage's summary (its figures by their --stats keys) and records the
// outcomes as the summary's "checks"; checks::gate(outcomes) is the verdict, after finish().
Result<std::vector<checks::Outcome>> evaluate_gates(const std::vector<checks::Check>& gates, report::Summary& summary);

Result<Fields> resolve_fields(const CommonOptions& options);
Result<stream::ErrorPolicy> error_policy(const CommonOptions& options);
unsigned thread_count(const CommonOptions& options);

// The driver options of a streaming stage, from the common options.
Result<stream::Options> stream_options(const CommonOptions& options);

// The passes of a multi-pass stage over the inputs of the common options; `rejects` is where the
// writing pass sends dropped records.
Result<std::unique_ptr<stream::Passes>> open_passes(const CommonOptions& options, const std::string& stage,
                                                    const std::string& rejects = "");

// The tail of a single-pass stage: runs the driver, lets the stage add its figures, finishes.
Status run_streaming(const CommonOptions& options, const stream::Options& driver,
                     const stream::ProcessorFactory& processor, const std::string& stage,
                     const std::function<Status(report::Summary&)>& add_figures = {});

// One figure of a stage's fixed --stats schema, and what a run that did not set it gets: 0 for a
// count nothing incremented, null for a figure that does not apply (`why` goes to "notes").
struct SchemaField {
  SchemaField(std::string key_, report::Json fallback_ = 0, std::string why_ = {})  // NOLINT: {"key"} reads best
      : key(std::move(key_)), fallback(std::move(fallback_)), why(std::move(why_)) {}
  SchemaField(const char* key_) : SchemaField(std::string(key_)) {}  // NOLINT
  std::string key;
  report::Json fallback;
  std::string why;
};
inline SchemaField not_applicable(std::string key, std::string why) { return {std::move(key), nullptr, std::move(why)}; }

// Sets figures[key] to null and notes why ("notes": {key: why}).
void set_null(report::Json& figures, const std::string& key, const std::string& why);

// Puts the summary's figures in the stage's fixed schema (docs/usage.md, "Summaries"): `schema` in
// its order, each present, then any figure the schema does not name; "notes" (figure -> why it is
// null) after them, an object in every stage; every rule of `rules` in "rules", 0 when it dropped
// nothing.
void fix_schema(report::Summary& summary, const std::vector<SchemaField>& schema, const std::vector<std::string>& rules = {});

// Prints the summary line (unless -q) and writes --stats.
Status finish(const CommonOptions& options, const report::Summary& summary);

// The texts of the record at the text paths, joined with '\n' into `joined` (cleared first).
// A text path that matches nothing is a bad_input error.
Status joined_text(record::Parser& parser, const std::vector<record::Path>& paths,
                   std::vector<record::StringValue>& scratch, std::string& joined);

// The record's name for messages and provenance: its id, or FILE:LINE when it has none.
std::string record_name(record::Parser& parser, const record::Path& id_path, const stream::Line& line);

// A comma-separated flag value, split at every ','. EmptyItems::keep: every item as written, so ""
// is {""} and "a,,b" is {"a", "", "b"}; EmptyItems::drop: empty items left out ("" is {}). Spaces
// are kept.
enum class EmptyItems { keep, drop };
std::vector<std::string> split_list(std::string_view text, EmptyItems empty = EmptyItems::keep);

// The same, each item trimmed of spaces; an empty item is a usage error naming `flag`.
Result<std::vector<std::string>> split_list_trimmed(std::string_view flag, std::string_view text);

}  // namespace dqprep::stages
