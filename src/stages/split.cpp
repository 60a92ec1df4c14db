// dqprep split: random, stratified, group, time and k-fold splits, with a leakage check.
//
// Two passes over the inputs (standard input is spilled to a file first). Pass 1 reads each
// record's compact keys (class, group hash, time; text keys and LSH band keys with
// --check-leakage) on the worker threads and hands them, in input order, to the writing thread.
// The plan (split_plan) then decides every record's part from those keys alone. Pass 2 reads the
// records again and routes each to its part's output without parsing it, unless it must be
// annotated with a field it already has or named in the leakage report. --hash-mode is one
// streaming pass: each record's part is a seeded hash of its id (or text, or group key).
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "dqprep/io/external_sort.hpp"
#include "dqprep/util/hash.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/split/leakage.hpp"
#include "dqprep/dedup/lsh.hpp"
#include "dqprep/dedup/minhash.hpp"
#include "dqprep/util/random.hpp"
#include "dqprep/dedup/shingle.hpp"
#include "dqprep/io/state_bytes.hpp"
#include "dqprep/split/split_plan.hpp"
#include "dqprep/split/timestamp.hpp"
#include "stages/parsers.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

using split_plan::PartId;
using Json = report::Json;

// Route values beyond any part: at most kMaxSplitParts parts, so part ids stay below them.
constexpr uint16_t kPending = 0xFFFD;    // pass 1: a record waiting for the plan
constexpr uint16_t kRejected = 0xFFFE;   // no usable time
constexpr uint16_t kMalformed = 0xFFFF;  // skipped or quarantined in pass 1
constexpr size_t kMaxSplitParts = 0xFFFD;
constexpr uint64_t kShuffleSalt = 0x73687566666c6521ULL;  // the output order's draws, apart from the plan's
constexpr uint64_t kOwnGroupSalt = 0x6f776e2067726f75ULL;  // group keys of records without a group field
constexpr size_t kStatsPairs = 1000;    // leak pairs listed in --stats (all of them go to --leakage)
constexpr size_t kTableClasses = 40;    // class rows of the stderr table
const char* const kNoLabel = "(no label)";

enum class Mode { random, stratified, group, time };

struct SplitOptions {
  CommonOptions common;
  std::string ratios = "0.8,0.1,0.1";
  std::string names;
  std::string out_dir;
  std::string compress = "none";
  std::string assign_field;
  std::string by = "random";
  std::string group_field;
  bool stratify = false;
  std::string time_field;
  size_t kfold = 0;
  bool hash_mode = false;
  std::string order = "auto";
  std::string rejects;
  bool check_leakage = false;
  bool fail_on_leakage = false;
  checks::GateFlags gates;
  std::string leakage_file;
  double near_threshold = 0.8;
  uint32_t ngram = 5;
  uint32_t num_perm = minhash::kDefaultNumPerm;
  // 16 bands of 7 rows rather than dedup's 14 of 8: a leak missed costs more than a candidate
  // verified, so pairs at the 0.8 threshold are found with probability 0.977 instead of 0.924.
  uint32_t bands = 16;
  CLI::Option* ratios_option = nullptr;
};

// ---- setup ---------------------------------------------------------------------------------------

struct Setup {
  Fields fields;
  std::vector<checks::Check> gates;  // --check/--warn/--checks, and --fail-on-leakage's two
  Mode mode = Mode::random;
  bool stratify = false;       // classes drive the plan: a label that is not a scalar is malformed
  bool group_stratify = false;  // --by group --stratify (or --by stratified --group-field)
  std::optional<record::Path> group, time;
  split_plan::Parts parts = *split_plan::Parts::folds(2);
  std::vector<std::string> names;  // per part
  bool kfold = false;
  bool hash_mode = false;
  bool shuffle = false;  // output order
  std::string out_extension = ".jsonl";  // --out-dir: of each split's file, from --compress
  uint64_t seed = 0;

  // Annotation: the top-level key, its value per part, and what is inserted before the closing
  // brace of a record that does not have the key yet.
  std::string assign_key;
  std::vector<std::string> assign_value, insert_after_field, insert_into_empty;

  bool leakage = false;
  uint32_t ngram = 5, rows = 8, bands = 14;
  std::unique_ptr<minhash::MinHasher> hasher;
};

std::vector<std::string> default_names(size_t parts) {
  if (parts == 1) return {"train"};
  if (parts == 2) return {"train", "test"};
  if (parts == 3) return {"train", "val", "test"};
  std::vector<std::string> names;
  for (size_t i = 0; i < parts; ++i) names.push_back("part-" + std::to_string(i));
  return names;
}

Status check_names(const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (n.empty()) return Status::usage("--names: name " + std::to_string(i + 1) + " is empty");
    if (n == "." || n == ".." || n.find('/') != std::string::npos || n.find('\\') != std::string::npos ||
        n.find('\0') != std::string::npos)
      return Status::usage("--names: '" + n + "' cannot be a file name");
    for (size_t j = 0; j < i; ++j)
      if (names[j] == n) return Status::usage("--names: '" + n + "' is given twice");
  }
  return {};
}

Result<std::optional<record::Path>> single_path(const std::string& flag, const std::string& text) {
  if (text.empty()) return std::optional<record::Path>();
  DQPREP_ASSIGN_OR_RETURN(record::Path p, record::parse_path(text));
  if (p.has_wildcard()) return Status::usage(flag + " " + text + ": a path with [*] names several values; name one");
  return std::optional<record::Path>(p);
}

Result<Setup> make_setup(const SplitOptions& o) {
  Setup s;
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  s.fields = fields;
  s.seed = o.common.seed;
  s.hash_mode = o.hash_mode;

  if (o.by == "random") s.mode = Mode::random;
  else if (o.by == "stratified") s.mode = Mode::stratified;
  else if (o.by == "group") s.mode = Mode::group;
  else s.mode = Mode::time;

  // Parts: K folds or the ratios.
  if (o.kfold) {
    if (o.ratios_option && o.ratios_option->count())
      return Status::usage("--kfold K makes K equal folds; it cannot be combined with --ratios");
    if (!o.names.empty()) return Status::usage("--kfold names its folds fold-0 ... fold-K-1; drop --names");
    DQPREP_ASSIGN_OR_RETURN(split_plan::Parts parts, split_plan::Parts::folds(o.kfold));
    s.parts = parts;
    s.kfold = true;
    for (size_t k = 0; k < o.kfold; ++k) s.names.push_back("fold-" + std::to_string(k));
  } else {
    DQPREP_ASSIGN_OR_RETURN(std::vector<double> ratios, parse_ratios(o.ratios));
    DQPREP_ASSIGN_OR_RETURN(split_plan::Parts parts, split_plan::Parts::from_ratios(ratios));
    s.parts = parts;
    if (o.names.empty()) {
      s.names = default_names(ratios.size());
    } else {
      s.names = split_list(o.names);
      if (s.names.size() != ratios.size())
        return Status::usage("--names gives " + std::to_string(s.names.size()) + " names for " +
                             std::to_string(ratios.size()) + " ratios; give one name per ratio");
    }
  }
  if (s.parts.size() > kMaxSplitParts)
    return Status::usage("at most " + std::to_string(kMaxSplitParts) + " splits or folds");
  DQPREP_RETURN_IF_ERROR(check_names(s.names));

  // Keys.
  DQPREP_ASSIGN_OR_RETURN(std::optional<record::Path> group, single_path("--group-field", o.group_field));
  DQPREP_ASSIGN_OR_RETURN(std::optional<record::Path> time, single_path("--time-field", o.time_field));
  s.group = group;
  s.time = time;
  if (s.mode == Mode::group && !s.group) return Status::usage("--by group needs --group-field PATH");
  if (s.mode == Mode::time && !s.time) return Status::usage("--by time needs --time-field PATH");
  if (s.time && s.mode != Mode::time) return Status::usage("--time-field is for --by time");
  if (s.group && s.mode != Mode::group && s.mode != Mode::stratified)
    return Status::usage("--group-field is for --by group (or --by stratified, which then keeps groups whole)");
  if (o.stratify && s.mode != Mode::group)
    return Status::usage("--stratify is for --by group (--by stratified stratifies already)");
  s.group_stratify = s.group && (o.stratify || s.mode == Mode::stratified);
  if (s.group) s.mode = Mode::group;
  s.stratify = s.mode == Mode::stratified || s.group_stratify;

  if (s.hash_mode) {
    if (s.stratify)
      return Status::usage("--hash-mode cannot stratify: it decides each record alone, with no count of the classes "
                           "(use --by random --hash-mode: every class gets its ratio in expectation)");
    if (s.mode == Mode::time)
      return Status::usage("--hash-mode cannot cut by time: a cut needs every record's time");
    if (o.check_leakage || o.fail_on_leakage || !o.leakage_file.empty())
      return Status::usage("--check-leakage needs the global pass that --hash-mode avoids; check the shards' "
                           "outputs without --hash-mode (or with dedup --against)");
  }

  // Outputs.
  if (!o.out_dir.empty() && !o.common.output.empty() && o.common.output != "-")
    return Status::usage("-o writes one stream and --out-dir a file per split; give one of them");
  if (o.compress != "none" && o.out_dir.empty())
    return Status::usage("--compress is for --out-dir (name the -o file .gz or .zst to compress it)");
  s.out_extension = o.compress == "gz" ? ".jsonl.gz" : o.compress == "zst" ? ".jsonl.zst" : ".jsonl";
  if (!o.assign_field.empty()) {
    if (o.assign_field.find_first_of(".[]") != std::string::npos)
      return Status::usage("--assign-field " + o.assign_field + ": give a top-level field name (no '.' or '[')");
    s.assign_key = o.assign_field;
  } else if (s.kfold) {
    s.assign_key = "fold";
  }
  if (o.out_dir.empty() && s.assign_key.empty())
    return Status::usage("say where the splits go: --out-dir DIR (a file per split) or --assign-field NAME "
                         "(one stream, each record annotated)");
  if (!s.assign_key.empty()) {
    for (size_t p = 0; p < s.parts.size(); ++p) {
      std::string value;
      if (s.kfold) json_text::append_number(value, static_cast<uint64_t>(p));
      else json_text::append_string(value, s.names[p]);
      std::string member;
      json_text::append_string(member, s.assign_key);
      member += ':';
      member += value;
      s.assign_value.push_back(value);
      s.insert_after_field.push_back("," + member);
      s.insert_into_empty.push_back(member);
    }
  }
  s.shuffle = o.order == "shuffled" || (o.order == "auto" && s.mode == Mode::random && !s.hash_mode);

  // Gates and leakage.
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> gates, checks::load(o.gates));
  s.gates = std::move(gates);
  if (o.fail_on_leakage) {
    for (const char* check : {"leakage.exact_pairs == 0", "leakage.near_pairs == 0"}) s.gates.push_back(*checks::parse(check));
  }
  const bool gated_on_leakage = std::any_of(s.gates.begin(), s.gates.end(), [](const checks::Check& c) {
    return (*checks::metric_path(c.metric))[0] == "leakage";
  });
  s.leakage = o.check_leakage || gated_on_leakage || !o.leakage_file.empty();
  if (s.leakage) {
    if (!(o.near_threshold > 0 && o.near_threshold <= 1))
      return Status::usage("--near-threshold must be in (0, 1]");
    DQPREP_ASSIGN_OR_RETURN(uint32_t rows, lsh::rows_per_band(o.num_perm, o.bands));
    s.rows = rows;
    s.bands = o.bands;
    s.ngram = o.ngram;
    // A fixed MinHash seed: the leakage found does not depend on the split's --seed.
    s.hasher = std::make_unique<minhash::MinHasher>(o.num_perm, 0);
  }
  return s;
}

// ---- per-record keys -------------------------------------------------------------------------

using state_bytes::put;
using state_bytes::put_bytes;

enum Flags : uint8_t { kHasLabel = 1, kNoTime = 2, kHasField = 4, kNoGroup = 8 };

// What one record tells the plan. The views are valid until the next read.
struct Keys {
  uint8_t flags = 0;
  std::string_view label;
  uint64_t group = 0;
  double time = 0;
  std::optional<std::string_view> bad_time;  // a time value that is there but not a time
  hash::Key128 text_key;
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Reads a record's keys: shared by pass 1, the hash mode, and pass 2 (to give a record that was
// malformed in pass 1 the same message again).
class KeyReader {
 public:
  explicit KeyReader(const Setup& setup) : setup_(setup) {
    if (setup.leakage) {
      signature_.resize(setup.hasher->num_perm());
      band_keys_.resize(setup.bands);
    }
  }

  Status read(const stream::Line& line, Keys& k) {
    k = Keys{};
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    std::optional<std::string_view> label;
    Status ls = parser_.scalar_text(setup_.fields.label, label);
    if (!ls.ok() && setup_.stratify) return ls;
    if (ls.ok() && label) {
      k.flags |= kHasLabel;
      label_.assign(*label);  // the parser's views last only until its next look-up
      k.label = label_;
    }
    if (setup_.group) {
      std::optional<std::string_view> g;
      if (!parser_.scalar_text(*setup_.group, g).ok())
        return Status::bad_input("field '" + setup_.group->text +
                                 "' is an object or an array; a group key is a string, number or boolean");
      if (g) {
        k.group = hash::xxh3_64(*g);
      } else {
        // Grouped by its own id: with the records whose group key names it (an original and its
        // augmented copies, which carry aug.source_id), or alone.
        k.flags |= kNoGroup;
        std::optional<std::string_view> id;
        if (parser_.scalar_text(setup_.fields.id, id).ok() && id) k.group = hash::xxh3_64(*id);
        else k.group = Rng(kOwnGroupSalt, line.index).next_u64();
      }
    }
    if (setup_.time) DQPREP_RETURN_IF_ERROR(read_time(k));
    if (!setup_.assign_key.empty() && has_field(line.text)) k.flags |= kHasField;
    if (setup_.leakage) {
      DQPREP_RETURN_IF_ERROR(joined_text(parser_, setup_.fields.text, values_, joined_));
      k.text_key = hash::xxh3_128(joined_);
      shingle::shingle_hashes(joined_, setup_.ngram, scratch_, shingles_);
      setup_.hasher->signature(shingles_, signature_);
      lsh::band_keys(signature_, setup_.rows, band_keys_);
    }
    return {};
  }

  // The hash mode's key: the id, or the joined text; the group key with --by group.
  Status hash_key(const stream::Line& line, std::string_view& key) {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    std::optional<std::string_view> v;
    if (setup_.group) {
      if (!parser_.scalar_text(*setup_.group, v).ok())
        return Status::bad_input("field '" + setup_.group->text +
                                 "' is an object or an array; a group key is a string, number or boolean");
      if (v) {
        key = *v;
        return {};
      }
    }
    if (parser_.scalar_text(setup_.fields.id, v).ok() && v) {
      key = *v;
      return {};
    }
    DQPREP_RETURN_IF_ERROR(joined_text(parser_, setup_.fields.text, values_, joined_));
    key = joined_;
    return {};
  }

  // Whether the record has the top-level key already. A key without '"', '\\', '/' or control
  // characters can only be written as its bytes or with \\u escapes, so a line holding neither
  // cannot have it, and the exact look-up runs only on the few lines that do.
  bool has_field(std::string_view line) {
    if (quoted_key_.empty()) {
      json_text::append_string(quoted_key_, setup_.assign_key);
      for (unsigned char c : setup_.assign_key) always_look_ |= c == '"' || c == '\\' || c == '/' || c < 0x20;
    }
    std::string_view q(quoted_key_.data() + 1, quoted_key_.size() - 2);
    if (!always_look_ && line.find(q) == std::string_view::npos && line.find("\\u") == std::string_view::npos)
      return false;
    std::optional<std::pair<size_t, size_t>> span;
    return parser_.top_level_span(setup_.assign_key, span).ok() && span.has_value();
  }

  std::span<const uint64_t> band_keys() const { return band_keys_; }
  record::Parser& parser() { return parser_; }
  // The shingles of the parsed record's text.
  Status shingles_of_text(std::vector<uint64_t>& out) {
    DQPREP_RETURN_IF_ERROR(joined_text(parser_, setup_.fields.text, values_, joined_));
    shingle::shingle_hashes(joined_, setup_.ngram, scratch_, out);
    return {};
  }

 private:
  Status read_time(Keys& k) {
    std::optional<std::string_view> raw;
    DQPREP_RETURN_IF_ERROR(parser_.raw_value(*setup_.time, raw));
    if (!raw || *raw == "null") {
      k.flags |= kNoTime;
      return {};
    }
    std::optional<double> t;
    const char c = raw->front();
    if (c == '"') {
      std::optional<std::string_view> text;
      DQPREP_RETURN_IF_ERROR(parser_.scalar_text(*setup_.time, text));
      if (text) t = timestamp::parse_iso8601(*text);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      double v = 0;
      auto r = std::from_chars(raw->data(), raw->data() + raw->size(), v);
      if (r.ec == std::errc() && r.ptr == raw->data() + raw->size() && std::isfinite(v)) t = v;
    }
    if (!t) {
      k.flags |= kNoTime;
      k.bad_time = *raw;
      return {};
    }
    k.time = *t;
    return {};
  }

  const Setup& setup_;
  record::Parser parser_;
  std::vector<record::StringValue> values_;
  std::string joined_, quoted_key_, label_;
  bool always_look_ = false;
  shingle::Scratch scratch_;
  std::vector<uint64_t> shingles_, band_keys_;
  std::vector<uint32_t> signature_;
};

// Dense class ids, in order of first appearance; the records without a label form a class too.
class Classes {
 public:
  uint32_t id(std::string_view label) {
    auto it = ids_.find(label);
    if (it != ids_.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(names_.size());
    names_.emplace_back(label);
    labelled_.push_back(true);
    ids_.emplace(std::string(label), id);
    return id;
  }
  uint32_t none() {
    if (!none_) {
      none_ = static_cast<uint32_t>(names_.size());
      names_.emplace_back(kNoLabel);
      labelled_.push_back(false);
    }
    return *none_;
  }
  uint32_t size() const { return static_cast<uint32_t>(names_.size()); }
  const std::string& name(uint32_t id) const { return names_[id]; }
  // Class ids by label bytes, the unlabelled class last.
  std::vector<uint32_t> display_order() const {
    std::vector<uint32_t> order(names_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      if (labelled_[a] != labelled_[b]) return labelled_[a] > labelled_[b];
      return names_[a] < names_[b];
    });
    return order;
  }
  bool only_unlabelled() const { return names_.size() == 1 && none_.has_value(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return static_cast<size_t>(hash::xxh3_64(s)); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;
  std::vector<bool> labelled_;
  std::optional<uint32_t> none_;
};

// ---- pass 1: keys --------------------------------------------------------------------------------

class KeyProcessor : public stream::RecordProcessor {
 public:
  explicit KeyProcessor(const Setup& setup) : setup_(setup), reader_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(reader_.read(line, keys_));
    std::string& st = out.state();
    put(st, line.index);
    put(st, static_cast<uint32_t>(line.text.size()));
    put(st, keys_.flags);
    if (keys_.flags & kHasLabel) put_bytes(st, keys_.label);
    if (setup_.group) put(st, keys_.group);
    if (setup_.time && !(keys_.flags & kNoTime)) put(st, keys_.time);
    if (setup_.leakage && !(keys_.flags & kNoTime)) {
      put(st, keys_.text_key);
      for (uint64_t b : reader_.band_keys()) put(st, b);
    }
    return {};
  }

 private:
  const Setup& setup_;
  KeyReader reader_;
  Keys keys_;
};

// The keys of all records, in input order, as compact as the plan allows.
struct Collected {
  std::vector<uint16_t> route;  // by run index: kPending, kRejected or kMalformed; then the part
  std::vector<uint64_t> has_field;  // bit per run index: the record has the annotation key already
  Classes classes;
  std::vector<uint32_t> class_ids;  // by planned record
  std::vector<uint64_t> group_ids;
  std::vector<split_plan::TimeKey> times;
  std::vector<hash::Key128> text_keys;
  std::unique_ptr<lsh::Index> index;
  uint64_t planned_bytes = 0;  // bytes of the planned records, for the shuffle's buckets
  uint64_t missing_label = 0, missing_group = 0, missing_time = 0;

};

Status consume_keys(const Setup& setup, Collected& c, std::string_view state) {
  state_bytes::Reader p(state);
  while (!p.done()) {
    const uint64_t index = p.get<uint64_t>();
    const uint32_t length = p.get<uint32_t>();
    const uint8_t flags = p.get<uint8_t>();
    while (c.route.size() < index) c.route.push_back(kMalformed);  // skipped in pass 1
    if (!setup.assign_key.empty()) {
      if (c.has_field.size() * 64 <= index) c.has_field.resize(index / 64 + 1024, 0);
      if (flags & kHasField) c.has_field[index / 64] |= uint64_t{1} << (index % 64);
    }
    std::string_view label;
    if (flags & kHasLabel) label = p.get_bytes();
    uint64_t group = 0;
    if (setup.group) group = p.get<uint64_t>();
    if (setup.time && (flags & kNoTime)) {
      c.route.push_back(kRejected);
      ++c.missing_time;
      continue;
    }
    c.route.push_back(kPending);
    c.planned_bytes += length + 1;
    c.class_ids.push_back((flags & kHasLabel) ? c.classes.id(label) : c.classes.none());
    if (!(flags & kHasLabel)) ++c.missing_label;
    if (setup.group) {
      c.group_ids.push_back(group);
      if (flags & kNoGroup) ++c.missing_group;
    }
    if (setup.time) c.times.push_back({p.get<double>(), index});
    if (setup.leakage) {
      c.text_keys.push_back(p.get<hash::Key128>());
      uint64_t keys[256];
      std::vector<uint64_t> many;
      uint64_t* k = keys;
      if (setup.bands > 256) {
        many.resize(setup.bands);
        k = many.data();
      }
      for (uint32_t b = 0; b < setup.bands; ++b) k[b] = p.get<uint64_t>();
      DQPREP_RETURN_IF_ERROR(c.index->add(std::span<const uint64_t>(k, setup.bands)));
    }
  }
  return {};
}

// ---- the plan ------------------------------------------------------------------------------------

Result<split_plan::Plan> make_plan(const Setup& s, Collected& c) {
  const uint32_t C = std::max<uint32_t>(1, c.classes.size());
  switch (s.mode) {
    case Mode::random: return split_plan::random_split(c.class_ids.size(), s.parts, s.seed);
    case Mode::stratified: return split_plan::stratified_split(c.class_ids, C, s.parts, s.seed);
    case Mode::group:
      if (s.group_stratify) return split_plan::stratified_group_split(c.group_ids, c.class_ids, C, s.parts, s.seed);
      return split_plan::group_split(c.group_ids, s.parts, s.seed);
    case Mode::time: return split_plan::time_split(c.times, s.parts);
  }
  return Status::usage("unknown --by");
}

// Records per (class, part), the table of the report.
struct Table {
  std::vector<uint64_t> totals;  // per part
  std::vector<std::vector<uint64_t>> cells;  // [class][part]
  void add(uint32_t cls, PartId part, size_t parts) {
    if (cells.size() <= cls) cells.resize(cls + 1, std::vector<uint64_t>(parts, 0));
    ++cells[cls][part];
    ++totals[part];
  }
};

// ---- pass 2: routing -----------------------------------------------------------------------------

enum Entry : uint8_t { kRecord = 1, kShuffled = 2, kInfo = 3, kLabel = 4 };

// What pass 2 needs to know about the records named in the leakage report.
struct Involved {
  std::vector<uint64_t> name_bits;     // by run index
  std::vector<uint64_t> shingle_bits;  // by run index
  bool any = false;
  std::vector<uint32_t> positions;  // planned positions, ascending
  std::vector<uint64_t> runs;       // their run indices
  uint64_t run_of(uint32_t pos) const {
    return runs[std::lower_bound(positions.begin(), positions.end(), pos) - positions.begin()];
  }
  static bool test(const std::vector<uint64_t>& bits, uint64_t i) {
    return i / 64 < bits.size() && (bits[i / 64] >> (i % 64) & 1);
  }
  static void set(std::vector<uint64_t>& bits, uint64_t i) {
    if (bits.size() <= i / 64) bits.resize(i / 64 + 1, 0);
    bits[i / 64] |= uint64_t{1} << (i % 64);
  }
};

// Writes a record, annotated when asked, into the state as a routing entry.
class RecordWriter {
 public:
  explicit RecordWriter(const Setup& setup) : setup_(setup) {}

  // `parser` is parsed on the line when `parsed`; otherwise it is parsed here if needed.
  Status write(const stream::Line& line, PartId part, bool has_field, record::Parser& parser, bool parsed,
               std::string& st) {
    std::string_view bytes = line.text;
    std::string_view insert, tail;
    if (!setup_.assign_key.empty()) {
      if (has_field) {
        if (!parsed) DQPREP_RETURN_IF_ERROR(parser.parse(line.text));
        edits_.clear();
        DQPREP_RETURN_IF_ERROR(record::set_top_level(parser, setup_.assign_key, setup_.assign_value[part], edits_));
        record::apply_edits(line.text, edits_, edited_);
        bytes = edited_;
      } else {
        // The line is one valid object (pass 1 parsed it): the new member goes before its last '}'.
        size_t close = line.text.size();
        while (close > 0 && is_json_space(line.text[close - 1])) --close;
        --close;
        size_t before = close;
        while (before > 0 && is_json_space(line.text[before - 1])) --before;
        const bool empty = before > 0 && line.text[before - 1] == '{';
        insert = empty ? setup_.insert_into_empty[part] : setup_.insert_after_field[part];
        bytes = line.text.substr(0, close);
        tail = line.text.substr(close);
      }
    }
    const uint32_t length = static_cast<uint32_t>(bytes.size() + insert.size() + tail.size() + 1);
    if (setup_.shuffle) {
      put(st, static_cast<uint8_t>(kShuffled));
      put(st, Rng(setup_.seed ^ kShuffleSalt, line.index).next_u64());
    } else {
      put(st, static_cast<uint8_t>(kRecord));
    }
    put(st, part);
    put(st, length);
    state_bytes::put_raw(st, bytes);
    state_bytes::put_raw(st, insert);
    state_bytes::put_raw(st, tail);
    st.push_back('\n');
    return {};
  }

 private:
  const Setup& setup_;
  std::vector<record::Edit> edits_;
  std::string edited_;
};

class RouteProcessor : public stream::RecordProcessor {
 public:
  RouteProcessor(const Setup& setup, const Collected& c, const Involved& involved)
      : setup_(setup), c_(c), involved_(involved), reader_(setup), writer_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    if (line.index >= c_.route.size())
      return Status::io("the input changed between the two passes (more records in the second)");
    const uint16_t route = c_.route[line.index];
    if (route == kMalformed) {
      Keys k;
      DQPREP_RETURN_IF_ERROR(reader_.read(line, k));
      return Status::io("the input changed between the two passes (" + std::string(line.source) + ":" +
                        std::to_string(line.number) + " was malformed in the first)");
    }
    record::Parser& parser = reader_.parser();
    if (route == kRejected) {
      Keys k;
      DQPREP_RETURN_IF_ERROR(reader_.read(line, k));
      std::string reason = "{\"rule\":\"missing_time\"";
      if (k.bad_time) {
        reason += ",\"value\":";
        reason += *k.bad_time;
      }
      reason += '}';
      edits_.clear();
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser, "_reject", reason, edits_));
      record::apply_edits(line.text, edits_, edited_);
      out.reject(edited_, "missing_time");
      return {};
    }
    bool parsed = false;
    std::string& st = out.state();
    if (involved_.any && Involved::test(involved_.name_bits, line.index)) {
      DQPREP_RETURN_IF_ERROR(parser.parse(line.text));
      parsed = true;
      put(st, static_cast<uint8_t>(kInfo));
      put(st, line.index);
      put_bytes(st, record_name(parser, setup_.fields.id, line));
      shingles_.clear();
      if (Involved::test(involved_.shingle_bits, line.index)) DQPREP_RETURN_IF_ERROR(reader_.shingles_of_text(shingles_));
      put(st, static_cast<uint32_t>(shingles_.size()));
      if (!shingles_.empty())
        state_bytes::put_array<uint64_t>(st, shingles_);
    }
    const bool has_field = Involved::test(c_.has_field, line.index);
    return writer_.write(line, route, has_field, parser, parsed, st);
  }

 private:
  const Setup& setup_;
  const Collected& c_;
  const Involved& involved_;
  KeyReader reader_;
  RecordWriter writer_;
  std::vector<uint64_t> shingles_;
  std::vector<record::Edit> edits_;
  std::string edited_;
};

// --hash-mode: one streaming pass.
class HashProcessor : public stream::RecordProcessor {
 public:
  explicit HashProcessor(const Setup& setup) : setup_(setup), reader_(setup), writer_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    std::string_view key;
    DQPREP_RETURN_IF_ERROR(reader_.hash_key(line, key));
    const PartId part = split_plan::hash_split(key, setup_.parts, setup_.seed);
    record::Parser& parser = reader_.parser();
    std::optional<std::string_view> label;
    const bool labelled = parser.scalar_text(setup_.fields.label, label).ok() && label;
    std::string& st = out.state();
    put(st, static_cast<uint8_t>(kLabel));
    put(st, part);
    put(st, static_cast<uint8_t>(labelled));
    if (labelled) put_bytes(st, *label);
    const bool has_field = !setup_.assign_key.empty() && reader_.has_field(line.text);
    return writer_.write(line, part, has_field, parser, true, st);
  }

 private:
  const Setup& setup_;
  KeyReader reader_;
  RecordWriter writer_;
};

// The outputs: one stream, or a file per part; the shuffle's spill when the order is shuffled.
struct Router {
  std::vector<std::unique_ptr<io::OutputFile>> outputs;  // one, or one per part
  std::unique_ptr<external_sort::Sorter> sorter;
  std::vector<uint64_t> routed;  // per part
  struct Info {
    std::string name;
    std::vector<uint64_t> shingles;
  };
  std::unordered_map<uint64_t, Info> info;  // by run index
  // --hash-mode: the table, built as records go.
  Classes* classes = nullptr;
  Table* table = nullptr;

  io::OutputFile& output(PartId part) { return *outputs[outputs.size() == 1 ? 0 : part]; }

  Status consume(std::string_view state) {
    state_bytes::Reader p(state);
    while (!p.done()) {
      const uint8_t type = p.get<uint8_t>();
      if (type == kInfo) {
        const uint64_t index = p.get<uint64_t>();
        Info& i = info[index];
        i.name = std::string(p.get_bytes());
        const uint32_t n = p.get<uint32_t>();
        i.shingles.resize(n);
        p.get_array(i.shingles.data(), n);
        continue;
      }
      if (type == kLabel) {
        const PartId part = p.get<PartId>();
        const bool labelled = p.get<uint8_t>();
        const uint32_t cls = labelled ? classes->id(p.get_bytes()) : classes->none();
        table->add(cls, part, routed.size());
        continue;
      }
      const uint64_t key = type == kShuffled ? p.get<uint64_t>() : 0;
      const PartId part = p.get<PartId>();
      const uint32_t length = p.get<uint32_t>();
      std::string_view bytes = p.get_raw(length);
      ++routed[part];
      if (type == kShuffled) {
        DQPREP_RETURN_IF_ERROR(sorter->add(key, part, bytes));
      } else {
        DQPREP_RETURN_IF_ERROR(output(part).write(bytes));
      }
    }
    return {};
  }

  Status finish() {
    if (sorter) {
      DQPREP_RETURN_IF_ERROR(sorter->drain([&](uint32_t part, std::string_view bytes) {
        return output(static_cast<PartId>(part)).write(bytes);
      }));
    }
    for (auto& o : outputs) DQPREP_RETURN_IF_ERROR(o->commit());
    return {};
  }
};

Result<Router> open_outputs(const SplitOptions& o, const Setup& s, uint64_t expected_bytes) {
  Router r;
  r.routed.assign(s.parts.size(), 0);
  if (o.out_dir.empty()) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> f, io::OutputFile::open(o.common.output, thread_count(o.common)));
    r.outputs.push_back(std::move(f));
  } else {
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    if (ec) return Status::io("cannot create --out-dir " + o.out_dir + ": " + ec.message());
    for (const std::string& name : s.names) {
      DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> f,
                              io::OutputFile::open((std::filesystem::path(o.out_dir) / (name + s.out_extension)).string(),
                                                   thread_count(o.common)));
      r.outputs.push_back(std::move(f));
    }
  }
  if (s.shuffle) r.sorter = std::make_unique<external_sort::Sorter>(expected_bytes);
  return r;
}

// ---- the report ----------------------------------------------------------------------------------

std::string percent(uint64_t part, uint64_t whole) {
  char buf[32];
  if (whole == 0) return "-";
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

Json share(uint64_t part, uint64_t whole) {
  if (whole == 0) return nullptr;
  return static_cast<double>(part) / static_cast<double>(whole);
}

// The per-split table: on stderr and as `splits`, `classes` and `unreached` in the summary.
void report_table(const Setup& s, const Classes& classes, const Table& t, bool quiet, report::Summary& summary) {
  const size_t S = s.parts.size();
  uint64_t all = 0;
  for (uint64_t n : t.totals) all += n;
  const bool per_class = classes.size() > 0 && !classes.only_unlabelled();
  const std::vector<uint32_t> order = classes.display_order();

  Json splits = Json::object();
  for (size_t p = 0; p < S; ++p) {
    Json j;
    j["count"] = t.totals[p];
    j["share"] = share(t.totals[p], all);
    Json cls = Json::object();
    if (per_class)
      for (uint32_t c : order) {
        uint64_t n = c < t.cells.size() ? t.cells[c][p] : 0;
        cls[classes.name(c)] = Json{{"count", n}, {"share", share(n, t.totals[p])}};
      }
    j["classes"] = cls;
    splits[s.names[p]] = j;
  }
  Json class_totals = Json::object();
  Json unreached = Json::array();
  std::vector<std::string> warnings;
  if (per_class)
    for (uint32_t c : order) {
      uint64_t n = 0;
      std::vector<std::string> missing;
      for (size_t p = 0; p < S; ++p) {
        uint64_t k = c < t.cells.size() ? t.cells[c][p] : 0;
        n += k;
        if (k == 0) missing.push_back(s.names[p]);
      }
      class_totals[classes.name(c)] = n;
      if (n == 0) continue;
      for (const std::string& m : missing) unreached.push_back(Json{{"class", classes.name(c)}, {"split", m}});
      if (!missing.empty()) {
        std::string list;
        for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
        warnings.push_back("split: class '" + classes.name(c) + "' (" + std::to_string(n) + " record" +
                           (n == 1 ? "" : "s") + ") has no record in " + list);
      }
    }
  if (all > 0)
    for (size_t p = 0; p < S; ++p)
      if (t.totals[p] == 0)
        warnings.push_back("split: '" + s.names[p] + "' received no record" +
                           (s.mode == Mode::group ? " (its share is smaller than the groups)" : ""));
  summary.figures["splits"] = splits;
  summary.figures["classes"] = class_totals;
  summary.figures["unreached"] = unreached;
  if (quiet) return;

  // Columns: the class (or "all"), then "count (share)" per split.
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{""};
  for (const std::string& n : s.names) head.push_back(n);
  rows.push_back(head);
  std::vector<std::string> total{"all"};
  for (size_t p = 0; p < S; ++p) total.push_back(std::to_string(t.totals[p]) + " (" + percent(t.totals[p], all) + ")");
  rows.push_back(total);
  size_t shown = 0;
  if (per_class)
    for (uint32_t c : order) {
      if (shown++ == kTableClasses) break;
      std::vector<std::string> row{classes.name(c)};
      for (size_t p = 0; p < S; ++p) {
        uint64_t k = c < t.cells.size() ? t.cells[c][p] : 0;
        row.push_back(std::to_string(k) + " (" + percent(k, t.totals[p]) + ")");
      }
      rows.push_back(row);
    }
  std::vector<size_t> width(head.size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); ++i) {
      line += ' ';
      if (i == 0) line += row[i] + std::string(width[i] - row[i].size(), ' ');
      else line += std::string(width[i] - row[i].size(), ' ') + row[i];
    }
    spdlog::info("{}", line);
  }
  if (per_class && order.size() > kTableClasses)
    spdlog::info("  ... and {} more classes (all of them in --stats)", order.size() - kTableClasses);
  if (per_class) spdlog::info("  (class rows: share of the split; 'all': share of all records)");
  for (const std::string& w : warnings) spdlog::warn("{}", w);
}

// ---- leakage -------------------------------------------------------------------------------------

// The leak pairs, named by the records' ids (FILE:LINE without one) and splits.
Status report_leakage(const SplitOptions& o, const Setup& s, const split_plan::Plan& plan,
                                  const leakage::ExactLeaks& exact, const std::vector<leakage::Pair>& candidates,
                                  const Involved& involved, const Router& router,
                                  report::Summary& summary) {
  auto info = [&](uint32_t pos) -> const Router::Info& { return router.info.at(involved.run_of(pos)); };
  struct Found {
    leakage::Pair pair;
    bool exact;
    double jaccard;
  };
  std::vector<Found> found;
  for (const leakage::Pair& p : exact.pairs) found.push_back({p, true, 1.0});
  std::vector<uint32_t> near_records;
  for (const leakage::Pair& p : candidates) {
    double j = shingle::jaccard(info(p.a).shingles, info(p.b).shingles);
    if (j >= o.near_threshold) {
      found.push_back({p, false, j});
      near_records.push_back(p.a);
      near_records.push_back(p.b);
    }
  }
  std::sort(near_records.begin(), near_records.end());
  near_records.erase(std::unique(near_records.begin(), near_records.end()), near_records.end());

  const uint64_t exact_pairs = exact.pairs.size(), near_pairs = found.size() - exact.pairs.size();

  std::unique_ptr<io::OutputFile> file;
  if (!o.leakage_file.empty()) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> f, io::OutputFile::open(o.leakage_file));
    file = std::move(f);
  }
  Json listed = Json::array();
  std::map<std::string, std::pair<uint64_t, uint64_t>> by_splits;  // "a/b" -> exact, near
  std::string line;
  std::vector<std::string> shown;  // the first pairs, for stderr
  // Each pair as (earlier split, later split): "train X ~ test Y".
  for (Found& f : found)
    if (plan.part[f.pair.a] > plan.part[f.pair.b]) std::swap(f.pair.a, f.pair.b);
  std::stable_sort(found.begin(), found.end(), [&](const Found& x, const Found& y) {
    if (x.exact != y.exact) return x.exact;
    return std::pair(plan.part[x.pair.a], plan.part[x.pair.b]) < std::pair(plan.part[y.pair.a], plan.part[y.pair.b]);
  });
  for (const Found& f : found) {
    const std::string& sa = s.names[plan.part[f.pair.a]];
    const std::string& sb = s.names[plan.part[f.pair.b]];
    std::string key = sa + "/" + sb;
    (f.exact ? by_splits[key].first : by_splits[key].second) += 1;
    Json j;
    j["kind"] = f.exact ? "exact" : "near";
    if (!f.exact) j["jaccard"] = std::round(f.jaccard * 1e4) / 1e4;
    j["a"] = Json{{"id", info(f.pair.a).name}, {"split", sa}};
    j["b"] = Json{{"id", info(f.pair.b).name}, {"split", sb}};
    if (listed.size() < kStatsPairs) listed.push_back(j);
    if (file) {
      line = j.dump();
      line += '\n';
      DQPREP_RETURN_IF_ERROR(file->write(line));
    }
    if (shown.size() < 10)
      shown.push_back(fmt::format("  {} {} ({}) ~ {} ({}){}", f.exact ? "exact" : "near ", info(f.pair.a).name, sa,
                                  info(f.pair.b).name, sb, f.exact ? "" : fmt::format("  jaccard {:.3f}", f.jaccard)));
  }
  if (file) DQPREP_RETURN_IF_ERROR(file->commit());

  Json leak;
  leak["exact_pairs"] = exact_pairs;
  leak["exact_groups"] = exact.groups;
  leak["exact_records"] = exact.records;
  leak["near_candidates"] = candidates.size();
  leak["near_pairs"] = near_pairs;
  leak["near_records"] = near_records.size();
  leak["near_threshold"] = o.near_threshold;
  Json split_pairs = Json::object();
  for (const auto& [k, v] : by_splits) split_pairs[k] = Json{{"exact", v.first}, {"near", v.second}};
  leak["by_splits"] = split_pairs;
  leak["pairs_listed"] = listed.size();
  leak["pairs"] = listed;
  summary.figures["leakage"] = leak;
  if (!o.common.quiet) {
    if (found.empty()) {
      spdlog::info("split: no leakage: no exact or near duplicate across splits");
    } else {
      spdlog::warn("split: leakage: {} exact-duplicate pair{} across splits ({} records), {} near-duplicate pair{} "
                   "(Jaccard >= {})",
                   exact_pairs, exact_pairs == 1 ? "" : "s", exact.records, near_pairs,
                   near_pairs == 1 ? "" : "s", o.near_threshold);
      for (const std::string& l : shown) spdlog::warn("{}", l);
      if (found.size() > shown.size())
        spdlog::warn("  ... {} more pairs{}", found.size() - shown.size(),
                     o.leakage_file.empty() ? " (--leakage FILE lists them all)" : "");
    }
  }
  return {};
}

// ---- runs ----------------------------------------------------------------------------------------

void add_mode_figures(const SplitOptions& o, const Setup& s, report::Summary& summary) {
  summary.figures["by"] = s.mode == Mode::random       ? "random"
                          : s.mode == Mode::stratified ? "stratified"
                          : s.mode == Mode::group      ? (s.group_stratify ? "group+stratify" : "group")
                                                       : "time";
  if (s.kfold) summary.figures["kfold"] = o.kfold;
  summary.figures["hash_mode"] = s.hash_mode;
  summary.figures["order"] = s.shuffle ? "shuffled" : "input";
}

// The fixed --stats schema: a figure another mode or flag measures is null, with why in "notes".
void split_schema(const Setup& s, bool one_pass, report::Summary& summary) {
  std::vector<SchemaField> schema{{"by"}};
  schema.push_back(s.kfold ? SchemaField{"kfold"} : not_applicable("kfold", "no --kfold"));
  schema.insert(schema.end(), {{"hash_mode"}, {"order"}});
  const char* hashed = "--hash-mode: one pass, records routed by their hash alone";
  schema.push_back(one_pass ? not_applicable("missing_label", hashed) : SchemaField{"missing_label"});
  schema.push_back(one_pass ? not_applicable("missing_group", hashed)
                   : s.group ? SchemaField{"missing_group"}
                             : not_applicable("missing_group", "no --group-field"));
  schema.insert(schema.end(), {{"splits"}, {"classes"}, {"unreached"}});
  schema.push_back(s.leakage ? SchemaField{"leakage"}
                             : not_applicable("leakage", "not checked: give --check-leakage (or --leakage FILE)"));
  std::vector<std::string> rules;
  if (s.mode == Mode::time) rules.emplace_back("missing_time");
  fix_schema(summary, schema, rules);
}

Status run_hash_mode(const SplitOptions& o, const Setup& s) {
  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.write_records = false;
  so.rejects = o.rejects;
  uint64_t expected = 0;
  for (const std::string& in : o.common.inputs) {
    std::error_code ec;
    uint64_t size = in == "-" ? 0 : std::filesystem::file_size(in, ec);
    expected += ec ? 0 : size * 4;  // compressed inputs grow; only the shuffle's bucket count depends on it
  }
  DQPREP_ASSIGN_OR_RETURN(Router router, open_outputs(o, s, expected));
  Classes classes;
  Table table;
  table.totals.assign(s.parts.size(), 0);
  router.classes = &classes;
  router.table = &table;
  so.consume_state = [&](std::string_view st) { return router.consume(st); };
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<HashProcessor>(s); }, "split"));
  DQPREP_RETURN_IF_ERROR(router.finish());
  uint64_t routed = 0;
  for (uint64_t n : router.routed) routed += n;
  summary.in += routed;
  summary.out += routed;
  add_mode_figures(o, s, summary);
  report_table(s, classes, table, o.common.quiet, summary);
  split_schema(s, true, summary);
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Outcome> outcomes, evaluate_gates(s.gates, summary));
  DQPREP_RETURN_IF_ERROR(finish(o.common, summary));
  return checks::gate(outcomes);
}

Status run_split(const SplitOptions& o) {
  DQPREP_ASSIGN_OR_RETURN(Setup setup, make_setup(o));
  const Setup& s = setup;
  if (s.hash_mode) return run_hash_mode(o, s);

  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> passes, open_passes(o.common, "split", o.rejects));

  // Pass 1: the keys.
  Collected c;
  if (s.leakage) c.index = std::make_unique<lsh::Index>(s.bands);
  DQPREP_ASSIGN_OR_RETURN(report::Summary first, passes->collect(
      {[&] { return std::make_unique<KeyProcessor>(s); }, [&](std::string_view st) { return consume_keys(s, c, st); }}));
  while (c.route.size() < first.lines_read) c.route.push_back(kMalformed);  // malformed lines at the end

  // The plan.
  DQPREP_ASSIGN_OR_RETURN(split_plan::Plan plan, make_plan(s, c));
  std::vector<uint64_t>().swap(c.group_ids);
  std::vector<split_plan::TimeKey>().swap(c.times);
  {
    size_t j = 0;
    for (uint16_t& r : c.route)
      if (r == kPending) r = plan.part[j++];
  }
  Table table;
  table.totals.assign(s.parts.size(), 0);
  for (size_t j = 0; j < c.class_ids.size(); ++j) table.add(c.class_ids[j], plan.part[j], s.parts.size());
  std::vector<uint32_t>().swap(c.class_ids);

  // Leakage candidates, and the records pass 2 must name (and shingle, to verify near pairs).
  leakage::ExactLeaks exact;
  std::vector<leakage::Pair> candidates;
  Involved involved;
  if (s.leakage) {
    exact = leakage::exact(c.text_keys, plan.part);
    candidates = leakage::near_candidates(*c.index, plan.part, c.text_keys);
    c.index.reset();
    std::vector<hash::Key128>().swap(c.text_keys);
    std::vector<uint32_t>& positions = involved.positions;
    for (const auto& p : exact.pairs) positions.insert(positions.end(), {p.a, p.b});
    std::vector<uint32_t> near_positions;
    for (const auto& p : candidates) near_positions.insert(near_positions.end(), {p.a, p.b});
    std::sort(near_positions.begin(), near_positions.end());
    near_positions.erase(std::unique(near_positions.begin(), near_positions.end()), near_positions.end());
    positions.insert(positions.end(), near_positions.begin(), near_positions.end());
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    // Planned position -> run index: a walk over the route, skipping the records not planned.
    involved.runs.resize(positions.size());
    {
      size_t next = 0;
      uint64_t pos = 0;
      for (uint64_t i = 0; i < c.route.size() && next < positions.size(); ++i) {
        if (c.route[i] >= kPending) continue;
        if (pos == positions[next]) {
          involved.runs[next] = i;
          Involved::set(involved.name_bits, i);
          if (std::binary_search(near_positions.begin(), near_positions.end(), static_cast<uint32_t>(pos)))
            Involved::set(involved.shingle_bits, i);
          ++next;
        }
        ++pos;
      }
    }
    involved.any = !positions.empty();
  }

  // Pass 2: the records to their splits.
  DQPREP_ASSIGN_OR_RETURN(Router router, open_outputs(o, s, c.planned_bytes));
  stream::Options pass2 = passes->writing();
  pass2.write_records = false;  // the router writes each record to its split
  pass2.consume_state = [&](std::string_view st) { return router.consume(st); };
  DQPREP_ASSIGN_OR_RETURN(report::Summary second,
                          passes->run(pass2, [&] { return std::make_unique<RouteProcessor>(s, c, involved); }));
  uint64_t routed = 0;
  for (uint64_t n : router.routed) routed += n;
  if (second.in + routed != c.route.size())
    return Status::io("the input changed between the two passes (fewer records in the second)");
  DQPREP_RETURN_IF_ERROR(router.finish());

  report::Summary summary = second;
  summary.in += routed;
  summary.out += routed;
  add_mode_figures(o, s, summary);
  summary.figures["missing_label"] = c.missing_label;
  if (s.group) summary.figures["missing_group"] = c.missing_group;
  if (s.mode == Mode::stratified && c.missing_label && !o.common.quiet)
    spdlog::warn("split: {} without a label {} a class of {} own",
                 c.missing_label == 1 ? "1 record" : std::to_string(c.missing_label) + " records",
                 c.missing_label == 1 ? "forms" : "form", c.missing_label == 1 ? "its" : "their");
  report_table(s, c.classes, table, o.common.quiet, summary);

  if (s.leakage) DQPREP_RETURN_IF_ERROR(report_leakage(o, s, plan, exact, candidates, involved, router, summary));
  split_schema(s, false, summary);
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Outcome> outcomes, evaluate_gates(s.gates, summary));
  DQPREP_RETURN_IF_ERROR(finish(o.common, summary));
  return checks::gate(outcomes);
}

}  // namespace

Result<std::vector<double>> parse_ratios(const std::string& text) {
  std::vector<double> out;
  for (std::string& item : split_list(text)) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    double v = 0;
    auto r = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || r.ec != std::errc() || r.ptr != item.data() + item.size())
      return Status::usage("--ratios: '" + item + "' is not a number (expected e.g. 0.8,0.1,0.1)");
    out.push_back(v);
  }
  return out;
}

StageRunner setup_split(CLI::App& app) {
  auto o = std::make_shared<SplitOptions>();
  CLI::App* sub = app.add_subcommand("split", "Random, stratified, group, time and k-fold splits with a leakage check");
  sub->footer(
      "Where the splits go: --out-dir (a file per split) or --assign-field (one annotated stream); --kfold\n"
      "always adds 'fold' and writes one stream unless --out-dir is given.\n"
      "Reads the input twice (standard input is spilled to a temporary file); --hash-mode streams it once.\n"
      "Names by default: train (1 ratio), train,test (2), train,val,test (3), part-0,part-1,... (more).\n"
      "--by random writes each split in an order shuffled by --seed; the other modes keep the input order.\n"
      "Example:\n"
      "  dqprep split --by stratified --ratios 0.8,0.1,0.1 --check-leakage --out-dir splits/ data.jsonl");
  add_common_options(*sub, o->common);
  o->ratios_option = sub->add_option("--ratios", o->ratios, "Share of each split, comma-separated, summing to 1")
                         ->type_name("R,R,...")
                         ->capture_default_str();
  sub->add_option("--names", o->names, "Names of the splits, one per ratio (default: see below)")
      ->check(utf8_text())->type_name("A,B,...");
  sub->add_option("--out-dir", o->out_dir, "Write DIR/<name>.jsonl per split (DIR/fold-<k>.jsonl with --kfold)")
      ->type_name("DIR");
  sub->add_option("--compress", o->compress, "With --out-dir: none, gz or zst")
      ->check(CLI::IsMember({"none", "gz", "zst"}))
      ->capture_default_str();
  sub->add_option("--assign-field", o->assign_field,
                  "Add this top-level field (the split's name; the fold number with --kfold) to each record")
      ->type_name("NAME");
  sub->add_option("--by", o->by, "random, stratified (on --label-field), group or time")
      ->check(CLI::IsMember({"random", "stratified", "group", "time"}))
      ->capture_default_str();
  sub->add_option("--group-field", o->group_field,
                  "With --by group: records with equal values stay in one split (with --by stratified: as --stratify)")
      ->type_name("PATH");
  sub->add_flag("--stratify", o->stratify, "With --by group: keep class shares as even as possible");
  sub->add_option("--time-field", o->time_field, "With --by time: ISO-8601 text or epoch seconds; oldest first")
      ->type_name("PATH");
  sub->add_option("--kfold", o->kfold, "K folds instead of --ratios: field 'fold' (0..K-1) on each record")
      ->check(whole_number())
      ->type_name("K");
  sub->add_flag("--hash-mode", o->hash_mode,
                "One streaming pass: each record's split from a seeded hash of its id (its text without one; the "
                "group key with --by group); shards agree; shares only approximate");
  sub->add_option("--order", o->order, "Order within a split: auto (shuffled for --by random), input, shuffled")
      ->check(CLI::IsMember({"auto", "input", "shuffled"}))
      ->capture_default_str();
  sub->add_option("--rejects", o->rejects, "With --by time: records without a usable time, with _reject")
      ->type_name("FILE");
  sub->add_flag("--check-leakage", o->check_leakage, "Report exact and near duplicates across splits");
  sub->add_flag("--fail-on-leakage", o->fail_on_leakage,
                "Exit 1 when there is leakage: the checks 'leakage.exact_pairs == 0' and 'leakage.near_pairs == 0'");
  add_gate_flags(*sub, o->gates);
  sub->add_option("--leakage", o->leakage_file, "Write every leak pair as JSONL (implies --check-leakage)")
      ->type_name("FILE");
  sub->add_option("--near-threshold", o->near_threshold, "Jaccard similarity from which a pair is a near duplicate")
      ->capture_default_str();
  sub->add_option("--ngram", o->ngram, "Words per shingle for near duplicates")
      ->check(whole_number())->capture_default_str();
  sub->add_option("--num-perm", o->num_perm, "MinHash permutations")->check(whole_number())->capture_default_str();
  sub->add_option("--bands", o->bands, "LSH bands (must divide --num-perm)")
      ->check(whole_number())->capture_default_str();
  return [o] { return run_split(*o); };
}

}  // namespace dqprep::stages
