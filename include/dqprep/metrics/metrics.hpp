#pragma once
// The `metrics` report. A run (or the merge of the partial states of many shards) ends with a
// stats::PartialState and, with --near, the LSH band keys of each record; this turns them into
// the figures of the JSON report (schema version kReportVersion, docs/metrics.md), the table on
// stderr and the Markdown for pull requests, and reads and writes the partial-state files.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dqprep/dedup/lsh.hpp"
#include "dqprep/dedup/shingle_sets.hpp"
#include "dqprep/io/report.hpp"
#include "dqprep/metrics/stats.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::metrics {

inline constexpr int kReportVersion = 1;
inline constexpr int kPartialVersion = 3;  // version 2 (no shingle sets) is read too
inline constexpr std::string_view kPartialFormat = "dqprep-metrics-partial";

// Names of the sketches and counters in the partial state.
inline constexpr std::string_view kCharsSketch = "chars";
inline constexpr std::string_view kWordsSketch = "words";
inline constexpr std::string_view kTurnsSketch = "turns";
// With --tokenizer, each a sketch (per record, per turn) and a counter of the same name (the total):
// "tokens", "tokens:LABEL", "split_tokens:SPLIT", "part:turn_tokens" (a value a turn).
inline constexpr std::string_view kTokens = "tokens";
inline constexpr std::string_view kSplitTokens = "split_tokens";
inline constexpr std::string_view kTurnTokens = "part:turn_tokens";
std::string class_sketch(std::string_view base, std::string_view label);  // "chars:LABEL"
inline constexpr std::string_view kParsed = "parsed";          // records that parsed (n - malformed)
inline constexpr std::string_view kEmptyLines = "empty_lines";
inline constexpr std::string_view kAnnotated = "annotated_items";  // items with two ratings or more
inline constexpr std::string_view kAgreeing = "agreeing_items";    // of those, all ratings equal
// --pii: records whose text holds personal data of a kind (redact.hpp), "pii:email", ...; and of
// any kind, "pii:any".
std::string pii_counter(std::string_view kind);
inline constexpr std::string_view kPiiAny = "pii:any";

// What the state of a run depends on besides the records. Partial files carry it; the partials of
// one merge must agree on all of it (then the merge is the state of one run over all shards).
struct Config {
  std::string format = "text";
  std::vector<std::string> text_fields;  // paths
  std::string label_field = "label";     // "" with --unlabeled
  std::string id_field = "id";
  std::vector<std::string> labels;       // --labels: the declared classes, the label domain
  std::string coverage_field;            // "" when none
  std::vector<std::string> domain;       // --domain values, in file order
  std::string noise_field;
  std::string annotations_field;
  bool turns = false;                    // a text path with [*]: count turns per conversation
  bool lang = false;
  double lang_threshold = 0;
  bool near = false;
  uint32_t ngram = 5;
  uint32_t num_perm = 112;
  uint32_t bands = 14;
  uint64_t seed = 0;
  bool near_verify = false;     // --near without --no-verify: candidates checked on their shingle sets
  double near_threshold = 0.8;  // --near-threshold: the Jaccard from which a checked pair is a near duplicate
  std::string tokenizer;        // --tokenizer: the model's digest (text::Tokenizer::digest), "" when none
  uint64_t tokenizer_vocab = 0;
  std::string split_field;      // --split-field: token figures per split
  bool pii = false;                      // --pii

  // The fields whose absence is counted (missing_fields): the text paths, the label, the id, the
  // coverage and annotations fields; each once, in that order.
  std::vector<std::string> tracked_fields() const;

  nlohmann::json to_json() const;
  static Result<Config> from_json(const nlohmann::json& j);
  friend bool operator==(const Config&, const Config&) = default;
};

// Everything a run or a merge ends with.
struct RunState {
  Config config;
  stats::PartialState state;
  lsh::Index near{0};  // one row of band keys a record with text, in input order (with --near)
  // With near_verify: the shingle set of each record with text (shingle_sets.hpp's stored form), in
  // input order, in a temporary file; record r's starts at set_at[r]. 8 bytes a record in memory.
  std::shared_ptr<shingle_sets::Spill> sets;
  std::vector<uint64_t> set_at;
  double seconds = 0;
};

// Report-time options: they change the report, not the state.
struct ReportOptions {
  uint64_t min_per_class = 0;  // 0: no warning
};

// The summary of the report: the counts (in = n, quarantined = malformed, out = n - malformed) and
// the figures, flat keys in the order of docs/metrics.md, each undefined figure null with its note
// under "notes". Clustering the --near band keys happens here, and with near_verify the check of
// the candidate pairs on their shingle sets.
Result<report::Summary> summarize(const RunState& run, const ReportOptions& options);

// The other names a check may give a first key: class_count -> classes.
const std::map<std::string, std::string, std::less<>>& check_aliases();

// The readable table (stderr) and the Markdown page of a report (report::to_json of summarize,
// with "checks" when there are any).
std::string table(const report::Json& report);
std::string markdown(const report::Json& report);

// Warnings of a report (classes below --min-per-class, declared classes with no record).
std::vector<std::string> warnings(const report::Json& report);

// Partial-state files (docs/metrics.md, "Partial states"): one JSON header line, then the exact-
// duplicate keys (16 bytes each), the band keys (8 bytes each) and the shingle sets (u32 n + n x
// u32 each), little-endian, then the XXH3-64 of all those bytes (8 bytes, little-endian). A damaged
// file is a bad_input Status "FILE: damaged partial-state file (...)". Version 2 (before the sets)
// is read as well.
Status write_partial(const std::string& path, const RunState& run);
Result<RunState> read_partial(const std::string& path);
// The same from the file's bytes (decompressed); `path` names it in messages.
Result<RunState> parse_partial(std::string_view bytes, const std::string& path);

// Adds `later` (the shard after those already in `into`); a usage error when its config differs, a
// bad_input one when the counts would overflow (a crafted state).
Status merge(RunState& into, const RunState& later, std::string_view later_name);

}  // namespace dqprep::metrics
