// dqprep metrics: the dataset quality report and CI gate, and its sharded form (`metrics merge`).
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstring>
#include <type_traits>

#include "dqprep/labels/agreement.hpp"
#include "dqprep/metrics/checks.hpp"
#include "dqprep/metrics/diff.hpp"
#include "dqprep/report/json_report.hpp"
#include "dqprep/text/normalize_text.hpp"
#include "dqprep/util/hash.hpp"
#include "dqprep/quality/langid.hpp"
#include "dqprep/dedup/lsh.hpp"
#include "dqprep/metrics/metrics.hpp"
#include "dqprep/dedup/minhash.hpp"
#include "dqprep/dedup/shingle.hpp"
#include "dqprep/dedup/shingle_sets.hpp"
#include "dqprep/text/redact.hpp"
#include "dqprep/text/text.hpp"
#include "dqprep/text/tokenizer.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

using stats::NoiseSource;
using stats::noise_bit;

struct ReportFlags {
  std::string json, markdown, junit, stats;
  checks::GateFlags gates;
  uint64_t min_per_class = 0;
  bool quiet = false;
};

struct MetricsOptions {
  CommonOptions common;
  std::string output;  // with --partial: the state file
  bool partial = false;
  std::vector<std::string> labels;
  bool unlabeled = false;
  std::string coverage_field, domain;
  std::string noise_field, annotations_field;
  bool lang = false;
  double lang_threshold = 0;
  bool near = false;
  bool no_verify = false;
  double near_threshold = 0.8;
  bool pii = false;
  uint32_t ngram = shingle::kDefaultNgram;
  uint32_t num_perm = minhash::kDefaultNumPerm;
  uint32_t bands = lsh::kDefaultBands;
  std::string tokenizer, split_field;
  ReportFlags report;
};

struct DiffOptions {
  std::string old_report, new_report;
  std::string json, markdown, junit;
  checks::GateFlags gates;
  bool quiet = false;
};

struct MergeOptions {
  std::vector<std::string> states;
  std::string output;
  unsigned threads = 0;  // taken as every stage takes -j; merging runs on one thread
  bool verbose = false;
  ReportFlags report;
};

// ---- per-record facts --------------------------------------------------------------------------

// What a worker hands the writing thread about one record, followed by the label bytes, the
// coverage values (each a uint32 length and its bytes), the language code, the band keys and the
// shingle set (stored form: uint32 n, n x uint32), the split name and, with --tokenizer on a
// conversation, the tokens of each turn (uint64 each).
struct Fact {
  static constexpr uint8_t kMalformed = 1, kHasKey = 2, kHasLabel = 4, kAnnotated = 8, kAgree = 16;
  uint64_t chars = 0, words = 0, turns = 0;
  uint64_t tokens = 0;
  hash::Key128 key;
  uint32_t noise = 0;
  uint32_t missing = 0;  // bit i: tracked field i is missing
  uint32_t label_len = 0;
  uint32_t values = 0;
  uint32_t split_len = 0;
  uint8_t lang_len = 0;
  uint8_t flags = 0;
  uint8_t pii = 0;           // bit k: personal data of redact::Kind k in the text
  uint8_t reserved[1] = {};  // no padding: every byte handed over is initialized
};
static_assert(sizeof(Fact) == 72 && std::has_unique_object_representations_v<Fact>);

// Everything the workers share, read-only.
struct Setup {
  metrics::Config config;
  Fields fields;
  std::vector<bool> text_wildcard;
  std::vector<std::string> sorted_labels;  // for the unknown_label test
  std::optional<record::Path> coverage, noise, annotations_plain, annotations_objects;
  bool coverage_multi = false;
  int label_bit = -1, id_bit = -1, coverage_bit = -1, annotations_bit = -1;
  std::unique_ptr<minhash::MinHasher> hasher;
  uint32_t rows = 0;
  std::unique_ptr<text::Tokenizer> tokenizer;  // one for every worker: its count() is thread-safe
  std::optional<record::Path> split;
  std::unique_ptr<redact::Detector> pii;
};

bool is_absent(const std::optional<std::string_view>& raw) { return !raw || *raw == "null"; }

class MetricsProcessor : public stream::RecordProcessor {
 public:
  explicit MetricsProcessor(const Setup& setup) : setup_(setup) {
    if (setup.config.near) {
      signature_.resize(setup.config.num_perm);
      bands_.resize(setup.config.bands);
    }
  }

  Status process(const stream::Line& line, stream::Emitter& out) override {
    Status s = measure(line.text);
    std::string& state = out.state();
    if (!s.ok()) {
      if (s.code() == StatusCode::bad_input) {
        Fact f;
        f.flags = Fact::kMalformed;
        f.noise = noise_bit(NoiseSource::malformed);
        state.append(reinterpret_cast<const char*>(&f), sizeof f);
      }
      return s;
    }
    state.append(fact_);
    out.keep({});
    return {};
  }

 private:
  Status measure(std::string_view line) {
    const metrics::Config& c = setup_.config;
    DQPREP_RETURN_IF_ERROR(parser_.parse(line));
    Fact f;
    fact_.assign(sizeof f, '\0');
    turn_tokens_.clear();

    // The text first: later field reads may reuse the parser's buffer its views point into.
    std::string_view text;
    bool direct = false;
    joined_.clear();
    size_t joined_values = 0;
    for (size_t i = 0; i < setup_.fields.text.size(); ++i) {
      values_.clear();
      bool found = false;
      DQPREP_RETURN_IF_ERROR(parser_.strings(setup_.fields.text[i], values_, found));
      if (values_.empty()) f.missing |= 1u << i;
      if (setup_.text_wildcard[i]) {
        f.turns += values_.size();
        if (setup_.tokenizer) DQPREP_RETURN_IF_ERROR(count_turn_tokens());
      }
      if (setup_.fields.text.size() == 1 && values_.size() == 1) {
        text = values_[0].text;
        direct = true;
        break;
      }
      for (const record::StringValue& v : values_) {
        if (joined_values++) joined_.push_back('\n');
        joined_.append(v.text);
      }
    }
    if (!direct) text = joined_;
    if (setup_.tokenizer) DQPREP_RETURN_IF_ERROR(setup_.tokenizer->count(text, ids_, f.tokens));
    text::Lengths lengths = text::lengths(text);
    f.chars = lengths.code_points;
    f.words = lengths.words;
    if (setup_.pii) {
      setup_.pii->find(text, pii_hits_);
      for (const redact::Hit& h : pii_hits_) f.pii |= static_cast<uint8_t>(1u << static_cast<unsigned>(h.kind));
    }
    const bool has_text = f.words > 0;
    std::string_view lang;
    if (!has_text) {
      f.noise |= noise_bit(NoiseSource::empty_text);
    } else {
      f.key = hash::xxh3_128(text);
      f.flags |= Fact::kHasKey;
      if (c.near) {
        shingle::shingle_hashes(text, c.ngram, scratch_, shingles_);
        setup_.hasher->signature(shingles_, signature_);
        lsh::band_keys(signature_, setup_.rows, bands_);
        if (c.near_verify) shingle_sets::narrow(shingles_, set_);
      }
      if (c.lang) {
        langid::Detection d = langid::detect(text);
        lang = d.score >= c.lang_threshold ? d.code : std::string_view("un");
      }
    }

    if (setup_.label_bit >= 0) {
      std::optional<std::string_view> label;
      DQPREP_RETURN_IF_ERROR(parser_.scalar_text(setup_.fields.label, label));
      if (!label) f.missing |= 1u << setup_.label_bit;
      if (!label || label->empty()) {
        f.noise |= noise_bit(NoiseSource::missing_label);
      } else {
        f.flags |= Fact::kHasLabel;
        f.label_len = static_cast<uint32_t>(label->size());
        fact_.append(*label);
        if (!c.labels.empty() &&
            !std::binary_search(setup_.sorted_labels.begin(), setup_.sorted_labels.end(), *label))
          f.noise |= noise_bit(NoiseSource::unknown_label);
      }
    }

    std::optional<std::string_view> raw;
    DQPREP_RETURN_IF_ERROR(parser_.raw_value(setup_.fields.id, raw));
    if (is_absent(raw)) f.missing |= 1u << setup_.id_bit;

    if (has_mark("_reject")) f.noise |= noise_bit(NoiseSource::rejected);
    if (has_mark("_label_issue")) {
      // label-check --explain marks every record; an object that says "flagged": false is no mark.
      DQPREP_RETURN_IF_ERROR(parser_.raw_value(label_issue_flagged_, raw));
      if (!raw || *raw != "false") f.noise |= noise_bit(NoiseSource::label_issue);
    }

    if (setup_.noise) {
      DQPREP_RETURN_IF_ERROR(parser_.raw_value(*setup_.noise, raw));
      if (raw && *raw == "true") {
        f.noise |= noise_bit(NoiseSource::user_flag);
      } else if (raw && *raw != "false" && *raw != "null") {
        return Status::bad_input("field '" + setup_.noise->text + "' is not a boolean (true or false)");
      }
    }

    if (setup_.coverage) {
      scalars_.clear();
      if (setup_.coverage_multi) {
        DQPREP_RETURN_IF_ERROR(parser_.scalar_texts(*setup_.coverage, scalars_));
      } else {
        std::optional<std::string_view> v;
        DQPREP_RETURN_IF_ERROR(parser_.scalar_text(*setup_.coverage, v));
        scalars_.push_back(v);
      }
      seen_.clear();
      for (const std::optional<std::string_view>& v : scalars_) {
        if (!v || std::find(seen_.begin(), seen_.end(), *v) != seen_.end()) continue;
        seen_.push_back(*v);
        uint32_t len = static_cast<uint32_t>(v->size());
        fact_.append(reinterpret_cast<const char*>(&len), sizeof len);
        fact_.append(*v);
      }
      f.values = static_cast<uint32_t>(seen_.size());
      if (seen_.empty()) f.missing |= 1u << setup_.coverage_bit;
    }

    if (setup_.annotations_objects) {
      scalars_.clear();
      DQPREP_RETURN_IF_ERROR(parser_.scalar_texts(*setup_.annotations_objects, scalars_));
      bool any = std::any_of(scalars_.begin(), scalars_.end(), [](const auto& v) { return v.has_value(); });
      if (!any) {
        scalars_.clear();
        DQPREP_RETURN_IF_ERROR(parser_.scalar_texts(*setup_.annotations_plain, scalars_));
      }
      rate(f);
    }

    if (setup_.split) {
      std::optional<std::string_view> split;
      DQPREP_RETURN_IF_ERROR(parser_.scalar_text(*setup_.split, split));
      split_.assign(split ? *split : std::string_view());
    }

    f.lang_len = static_cast<uint8_t>(std::min<size_t>(lang.size(), 255));
    fact_.append(lang.substr(0, f.lang_len));
    if (c.near && has_text) {
      fact_.append(reinterpret_cast<const char*>(bands_.data()), bands_.size() * sizeof(uint64_t));
      if (c.near_verify) shingle_sets::append_stored(fact_, set_);
    }
    if (setup_.split) {
      f.split_len = static_cast<uint32_t>(split_.size());
      fact_.append(split_);
    }
    fact_.append(reinterpret_cast<const char*>(turn_tokens_.data()), turn_tokens_.size() * sizeof(uint64_t));
    std::memcpy(fact_.data(), &f, sizeof f);
    return {};
  }

  // The tokens of each string at a text path with [*] (values_), one turn each.
  Status count_turn_tokens() {
    for (const record::StringValue& v : values_) {
      uint64_t n = 0;
      DQPREP_RETURN_IF_ERROR(setup_.tokenizer->count(v.text, ids_, n));
      turn_tokens_.push_back(n);
    }
    return {};
  }

  // Annotation consistency of one item: percent agreement (agreement.hpp) of its ratings.
  void rate(Fact& f) {
    categories_.clear();
    ratings_.ratings.clear();
    for (const std::optional<std::string_view>& v : scalars_) {
      if (!v) continue;
      auto it = std::find(categories_.begin(), categories_.end(), *v);
      if (it == categories_.end()) it = categories_.insert(categories_.end(), *v);
      ratings_.ratings.push_back(static_cast<int32_t>(it - categories_.begin()));
    }
    if (ratings_.ratings.empty()) {
      f.missing |= 1u << setup_.annotations_bit;
      return;
    }
    ratings_.num_items = 1;
    ratings_.num_annotators = ratings_.ratings.size();
    ratings_.num_categories = static_cast<int32_t>(categories_.size());
    agreement::PercentAgreement pa = agreement::percent_agreement(ratings_);
    if (pa.items_counted) f.flags |= Fact::kAnnotated;
    if (pa.items_agreeing) f.flags |= Fact::kAgree;
  }

  // A top-level mark of an earlier stage: present, and neither null nor false.
  bool has_mark(std::string_view key) {
    std::optional<std::pair<size_t, size_t>> span;
    if (!parser_.top_level_span(key, span).ok() || !span) return false;
    std::string_view v = parser_.line().substr(span->first, span->second);
    return v != "null" && v != "false";
  }

  const Setup& setup_;
  record::Parser parser_;
  record::Path label_issue_flagged_ = *record::parse_path("_label_issue.flagged");
  std::string fact_, joined_, split_;
  std::vector<int> ids_;
  std::vector<uint64_t> turn_tokens_;
  std::vector<record::StringValue> values_;
  std::vector<std::optional<std::string_view>> scalars_;
  std::vector<std::string_view> seen_, categories_;
  agreement::Ratings ratings_;
  shingle::Scratch scratch_;
  std::vector<uint64_t> shingles_;
  std::vector<uint32_t> signature_;
  std::vector<uint64_t> bands_;
  std::vector<uint32_t> set_;
  std::vector<redact::Hit> pii_hits_;
};

// The writing thread's side: facts in input order into the partial state.
class Collector {
 public:
  explicit Collector(const metrics::Config& config)
      : config_(config), tracked_(config.tracked_fields()), missing_(tracked_.size(), 0),
        near_(config.near ? config.bands : 0) {}

  Status consume(std::string_view batch) {
    size_t pos = 0;
    while (pos < batch.size()) {
      Fact f;
      std::memcpy(&f, batch.data() + pos, sizeof f);
      pos += sizeof f;
      if (f.flags & Fact::kMalformed) {
        state_.add_record(f.noise, std::nullopt);
        continue;
      }
      ++parsed_;
      state_.add_record(f.noise, (f.flags & Fact::kHasKey) ? std::optional<hash::Key128>(f.key) : std::nullopt);
      chars_.add(f.chars);
      words_.add(f.words);
      if (config_.turns) turns_.add(f.turns);
      for (uint32_t m = f.missing; m; m &= m - 1) ++missing_[std::countr_zero(m)];
      if (f.flags & Fact::kHasLabel) {
        std::string_view label = batch.substr(pos, f.label_len);
        pos += f.label_len;
        auto it = classes_.find(label);
        if (it == classes_.end()) it = classes_.emplace(std::string(label), ClassFacts{}).first;
        ++it->second.count;
        it->second.chars.add(f.chars);
        it->second.words.add(f.words);
        if (tokens_on_) it->second.tokens.add(f.tokens);
      }
      for (uint32_t v = 0; v < f.values; ++v) {
        uint32_t len;
        std::memcpy(&len, batch.data() + pos, sizeof len);
        stats::add(state_.values, batch.substr(pos + sizeof len, len));
        pos += sizeof len + len;
      }
      for (size_t k = 0; k < redact::kKinds; ++k) pii_[k] += (f.pii >> k) & 1u;
      pii_any_ += f.pii != 0;
      annotated_ += (f.flags & Fact::kAnnotated) != 0;
      agreeing_ += (f.flags & Fact::kAgree) != 0;
      if (f.lang_len) {
        stats::add(state_.languages, batch.substr(pos, f.lang_len));
        pos += f.lang_len;
      }
      if (config_.near && (f.flags & Fact::kHasKey)) {
        keys_.resize(config_.bands);
        std::memcpy(keys_.data(), batch.data() + pos, config_.bands * sizeof(uint64_t));
        pos += config_.bands * sizeof(uint64_t);
        DQPREP_RETURN_IF_ERROR(near_.add(keys_));
        if (config_.near_verify) {
          uint32_t n;
          std::memcpy(&n, batch.data() + pos, sizeof n);
          const size_t stored = sizeof n + size_t{n} * sizeof(uint32_t);
          set_at_.push_back(sets_->append(batch.substr(pos, stored)));
          DQPREP_RETURN_IF_ERROR(sets_->flush_if_full());
          pos += stored;
        }
      }
      if (!tokens_on_) continue;
      tokens_.add(f.tokens);
      if (f.split_len) {
        std::string_view split = batch.substr(pos, f.split_len);
        pos += f.split_len;
        auto it = splits_.find(split);
        if (it == splits_.end()) it = splits_.emplace(std::string(split), TokenFacts{}).first;
        it->second.add(f.tokens);
      }
      for (uint64_t t = 0; t < f.turns; ++t) {
        uint64_t n;
        std::memcpy(&n, batch.data() + pos, sizeof n);
        pos += sizeof n;
        turn_tokens_.add(n);
      }
    }
    return {};
  }

  // The state of the run; counts and sketches that stayed zero are left out, as merge would.
  metrics::RunState finish(uint64_t empty_lines) {
    metrics::RunState run;
    run.config = config_;
    stats::PartialState& s = state_;
    // A sketch and a counter (the total) of the same name: the token figures.
    auto put_tokens = [&](const std::string& name, TokenFacts& t) {
      if (!t.sketch.count()) return;
      s.sketches[name] = std::move(t.sketch);
      if (t.total) s.counters[name] = t.total;
    };
    for (auto& [label, facts] : classes_) {
      s.classes[label] = facts.count;
      s.sketches[metrics::class_sketch(metrics::kCharsSketch, label)] = std::move(facts.chars);
      s.sketches[metrics::class_sketch(metrics::kWordsSketch, label)] = std::move(facts.words);
      put_tokens(metrics::class_sketch(metrics::kTokens, label), facts.tokens);
    }
    put_tokens(std::string(metrics::kTokens), tokens_);
    put_tokens(std::string(metrics::kTurnTokens), turn_tokens_);
    for (auto& [split, facts] : splits_) put_tokens(metrics::class_sketch(metrics::kSplitTokens, split), facts);
    auto put_sketch = [&](std::string_view name, stats::QuantileSketch& q) {
      if (q.count()) s.sketches[std::string(name)] = std::move(q);
    };
    put_sketch(metrics::kCharsSketch, chars_);
    put_sketch(metrics::kWordsSketch, words_);
    put_sketch(metrics::kTurnsSketch, turns_);
    for (size_t i = 0; i < tracked_.size(); ++i)
      if (missing_[i]) s.missing_fields[tracked_[i]] = missing_[i];
    for (auto [name, n] : {std::pair{metrics::kParsed, parsed_}, std::pair{metrics::kEmptyLines, empty_lines},
                           std::pair{metrics::kAnnotated, annotated_}, std::pair{metrics::kAgreeing, agreeing_}})
      if (n) s.counters[std::string(name)] = n;
    if (pii_any_) s.counters[std::string(metrics::kPiiAny)] = pii_any_;
    for (size_t k = 0; k < redact::kKinds; ++k)
      if (pii_[k]) s.counters[metrics::pii_counter(redact::kind_name(static_cast<redact::Kind>(k)))] = pii_[k];
    run.state = std::move(state_);
    run.near = std::move(near_);
    run.sets = std::move(sets_);
    run.set_at = std::move(set_at_);
    return run;
  }

  // With near_verify: the temporary file for the shingle sets.
  Status open_sets() {
    if (!config_.near_verify) return {};
    sets_ = std::make_shared<shingle_sets::Spill>();
    return sets_->open();
  }

 private:
  struct TokenFacts {
    stats::QuantileSketch sketch;
    uint64_t total = 0;
    void add(uint64_t tokens) {
      sketch.add(tokens);
      total += tokens;
    }
  };
  struct ClassFacts {
    uint64_t count = 0;
    stats::QuantileSketch chars, words;
    TokenFacts tokens;
  };

  const metrics::Config& config_;
  const bool tokens_on_ = !config_.tokenizer.empty();
  TokenFacts tokens_, turn_tokens_;
  std::map<std::string, TokenFacts, std::less<>> splits_;
  std::vector<std::string> tracked_;
  std::vector<uint64_t> missing_;
  stats::PartialState state_;
  std::map<std::string, ClassFacts, std::less<>> classes_;
  stats::QuantileSketch chars_, words_, turns_;
  uint64_t parsed_ = 0, annotated_ = 0, agreeing_ = 0, pii_any_ = 0;
  std::array<uint64_t, redact::kKinds> pii_{};
  lsh::Index near_;
  std::vector<uint64_t> keys_;
  std::shared_ptr<shingle_sets::Spill> sets_;
  std::vector<uint64_t> set_at_;
};

// ---- setup ------------------------------------------------------------------------------------

Result<std::optional<record::Path>> optional_path(const std::string& text) {
  if (text.empty()) return std::optional<record::Path>();
  DQPREP_ASSIGN_OR_RETURN(record::Path p, record::parse_path(text));
  return std::optional<record::Path>(std::move(p));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<std::unique_ptr<Setup>> make_setup(const MetricsOptions& o) {
  auto setup = std::make_unique<Setup>();
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  setup->fields = std::move(fields);
  metrics::Config& c = setup->config;
  c.format = o.common.format;
  for (const record::Path& p : setup->fields.text) {
    c.text_fields.push_back(p.text);
    setup->text_wildcard.push_back(p.has_wildcard());
    c.turns = c.turns || p.has_wildcard();
  }
  if (o.unlabeled && !o.labels.empty()) return Status::usage("--unlabeled and --labels exclude each other");
  c.label_field = o.unlabeled ? "" : setup->fields.label.text;
  c.id_field = setup->fields.id.text;
  for (const std::string& l : o.labels) {
    std::string_view t = trim(l);
    if (t.empty()) return Status::usage("--labels: an empty label (write --labels A,B,C)");
    c.labels.emplace_back(t);
  }
  setup->sorted_labels = c.labels;
  std::sort(setup->sorted_labels.begin(), setup->sorted_labels.end());

  if (o.coverage_field.empty() != o.domain.empty())
    return Status::usage("--coverage-field PATH and --domain FILE go together");
  if (!o.coverage_field.empty()) {
    DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_file(o.domain));
    std::string_view rest = text;
    for (uint64_t line = 1; !rest.empty(); ++line) {
      size_t nl = rest.find('\n');
      std::string_view value = trim(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (!text::is_valid_utf8(value)) return Status::usage(o.domain + ":" + std::to_string(line) + ": not valid UTF-8");
      if (!value.empty()) c.domain.emplace_back(value);
    }
    if (c.domain.empty()) return Status::usage("--domain " + o.domain + ": no values (one value a line)");
  }
  c.coverage_field = o.coverage_field;
  c.noise_field = o.noise_field;
  c.annotations_field = o.annotations_field;
  // Parameters of what is not measured keep their defaults, so that they cannot make two partial
  // states of the same measurements refuse to merge.
  c.lang = o.lang;
  if (c.lang) c.lang_threshold = o.lang_threshold;
  c.pii = o.pii;
  if (c.pii) setup->pii = std::make_unique<redact::Detector>(redact::kAllKinds);
  c.near = o.near;
  if (c.near) {
    c.ngram = o.ngram;
    c.num_perm = o.num_perm;
    c.bands = o.bands;
    c.seed = o.common.seed;
    c.near_verify = !o.no_verify;
    if (!(o.near_threshold > 0 && o.near_threshold <= 1))
      return Status::usage("--near-threshold must be in (0, 1], not " + util::number_text(o.near_threshold, 6));
    if (c.near_verify) c.near_threshold = o.near_threshold;
  }

  if (!o.tokenizer.empty()) {
    DQPREP_ASSIGN_OR_RETURN(setup->tokenizer, text::Tokenizer::load(o.tokenizer));
    c.tokenizer = setup->tokenizer->digest();
    c.tokenizer_vocab = setup->tokenizer->vocab_size();
  }
  if (!o.split_field.empty()) {
    if (o.tokenizer.empty()) return Status::usage("--split-field needs --tokenizer MODEL (it splits the token figures)");
    c.split_field = o.split_field;
    DQPREP_ASSIGN_OR_RETURN(setup->split, optional_path(c.split_field));
  }

  DQPREP_ASSIGN_OR_RETURN(auto cov, optional_path(c.coverage_field));
  setup->coverage = std::move(cov);
  setup->coverage_multi = setup->coverage && setup->coverage->has_wildcard();
  DQPREP_ASSIGN_OR_RETURN(auto noise, optional_path(c.noise_field));
  setup->noise = std::move(noise);
  if (!c.annotations_field.empty()) {
    DQPREP_ASSIGN_OR_RETURN(setup->annotations_plain, optional_path(c.annotations_field + "[*]"));
    DQPREP_ASSIGN_OR_RETURN(setup->annotations_objects, optional_path(c.annotations_field + "[*].label"));
  }

  std::vector<std::string> tracked = c.tracked_fields();
  if (tracked.size() > 32) return Status::usage("at most 32 fields can be tracked (text fields, label, id, ...)");
  auto bit = [&](const std::string& field) {
    if (field.empty()) return -1;
    return static_cast<int>(std::find(tracked.begin(), tracked.end(), field) - tracked.begin());
  };
  setup->label_bit = bit(c.label_field);
  setup->id_bit = bit(c.id_field);
  setup->coverage_bit = bit(c.coverage_field);
  setup->annotations_bit = bit(c.annotations_field);
  // A text path named again as label or id shares its bit; the text loop sets bits by position.
  for (size_t i = 0; i < setup->fields.text.size(); ++i)
    if (bit(c.text_fields[i]) != static_cast<int>(i))
      return Status::usage("--text-field " + c.text_fields[i] + " is given twice");

  if (!(o.lang_threshold >= 0 && o.lang_threshold <= 1)) return Status::usage("--lang-threshold must be in [0, 1]");
  if (c.near) {
    if (c.ngram == 0) return Status::usage("--ngram must be at least 1");
    DQPREP_ASSIGN_OR_RETURN(uint32_t rows, lsh::rows_per_band(c.num_perm, c.bands));
    setup->rows = rows;
    setup->hasher = std::make_unique<minhash::MinHasher>(c.num_perm, c.seed);
  }
  return setup;
}

// ---- report and gates ------------------------------------------------------------------------

// Every check's first key must be a key of the report; known before reading any record.
Status validate_metric_names(const std::vector<checks::Check>& list, const metrics::Config& config) {
  metrics::RunState empty;
  empty.config = config;
  empty.near = lsh::Index(config.near ? config.bands : 0);
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary, metrics::summarize(empty, {}));
  report::Json report = report::to_json(summary);
  report["checks"] = report::Json::array();
  for (const checks::Check& c : list) {
    std::string first = (*checks::metric_path(c.metric))[0];
    auto alias = metrics::check_aliases().find(first);
    if (alias != metrics::check_aliases().end()) first = alias->second;
    if (!report.contains(first) || first == "notes" || first == "checks" || first == "stage")
      return Status::usage("unknown metric '" + c.metric + "' in check '" + c.text() +
                           "' (the metrics are the keys of the --json report: docs/metrics.md)");
  }
  return {};
}

Status write_text(const std::string& path, const std::string& text) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(path));
  DQPREP_RETURN_IF_ERROR(out->write(text));
  return out->commit();
}

Status report_and_gate(const metrics::RunState& run, const ReportFlags& flags, const std::vector<checks::Check>& list,
                       const std::string& partial_path) {
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary, metrics::summarize(run, {flags.min_per_class}));
  report::Json report = report::to_json(summary);
  std::vector<checks::Outcome> outcomes;
  for (const checks::Check& c : list) {
    Result<checks::Outcome> o = checks::evaluate(c, report, metrics::check_aliases());
    if (!o.ok()) {
      std::string first = (*checks::metric_path(c.metric))[0];
      bool per_class = first == "classes" || first == "class_count" || first == "class_share" || first == "lengths_by_class";
      if (per_class && run.config.labels.empty())
        return Status::usage(o.status().message() + "; a class without records is known only when declared with --labels");
      return o.status();
    }
    outcomes.push_back(std::move(*o));
  }
  summary.figures["checks"] = checks::to_json(outcomes);
  report = report::to_json(summary);

  if (!partial_path.empty()) DQPREP_RETURN_IF_ERROR(metrics::write_partial(partial_path, run));
  if (!flags.json.empty()) DQPREP_RETURN_IF_ERROR(report::write_json(flags.json, report));
  if (!flags.stats.empty()) DQPREP_RETURN_IF_ERROR(report::write_json(flags.stats, report));
  if (!flags.markdown.empty()) DQPREP_RETURN_IF_ERROR(write_text(flags.markdown, metrics::markdown(report)));
  if (!flags.junit.empty()) DQPREP_RETURN_IF_ERROR(write_text(flags.junit, checks::junit(outcomes, "dqprep metrics")));
  if (!flags.quiet) std::fputs(metrics::table(report).c_str(), stderr);

  return checks::gate(outcomes);
}

Status run_merge(const MergeOptions& m) {
  auto start = std::chrono::steady_clock::now();
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> list, checks::load(m.report.gates));
  DQPREP_ASSIGN_OR_RETURN(metrics::RunState run, metrics::read_partial(m.states[0]));
  DQPREP_RETURN_IF_ERROR(validate_metric_names(list, run.config));
  for (size_t i = 1; i < m.states.size(); ++i) {
    DQPREP_ASSIGN_OR_RETURN(metrics::RunState later, metrics::read_partial(m.states[i]));
    DQPREP_RETURN_IF_ERROR(metrics::merge(run, later, m.states[i]));
  }
  run.seconds = report::seconds_since(start);
  return report_and_gate(run, m.report, list, m.output);
}

Status run_metrics(const MetricsOptions& o) {
  if (o.partial && o.output.empty()) return Status::usage("--partial needs -o FILE, where the state goes");
  if (!o.partial && !o.output.empty())
    return Status::usage("-o FILE takes the state of --partial; the report goes to --json, --markdown, --junit");
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<Setup> setup, make_setup(o));
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> list, checks::load(o.report.gates));
  DQPREP_RETURN_IF_ERROR(validate_metric_names(list, setup->config));

  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.write_records = false;
  Collector collector(setup->config);
  DQPREP_RETURN_IF_ERROR(collector.open_sets());
  so.consume_state = [&](std::string_view state) { return collector.consume(state); };
  const Setup& shared = *setup;
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<MetricsProcessor>(shared); }, "metrics"));
  if (!o.common.quiet && ::isatty(2)) std::fprintf(stderr, "\r\033[K");
  metrics::RunState run = collector.finish(summary.empty_lines);
  if (run.sets) DQPREP_RETURN_IF_ERROR(run.sets->finish());
  run.seconds = summary.seconds;
  return report_and_gate(run, o.report, list, o.partial ? o.output : "");
}

Status run_diff(const DiffOptions& d) {
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> list, checks::load(d.gates, checks::Relative::accepted));
  DQPREP_ASSIGN_OR_RETURN(report::Json old_report, report::read_json_report(d.old_report));
  DQPREP_ASSIGN_OR_RETURN(report::Json new_report, report::read_json_report(d.new_report));
  DQPREP_ASSIGN_OR_RETURN(metrics::ReportDiff diff, metrics::diff_reports(old_report, new_report, d.old_report, d.new_report));
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Outcome> outcomes, metrics::evaluate_changes(list, diff));
  if (!d.json.empty())
    DQPREP_RETURN_IF_ERROR(report::write_json(d.json, metrics::diff_json(diff, outcomes, d.old_report, d.new_report)));
  if (!d.markdown.empty())
    DQPREP_RETURN_IF_ERROR(write_text(d.markdown, metrics::diff_markdown(diff, outcomes, d.old_report, d.new_report)));
  if (!d.junit.empty()) DQPREP_RETURN_IF_ERROR(write_text(d.junit, checks::junit(outcomes, "dqprep metrics diff")));
  if (!d.quiet) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open("-"));
    DQPREP_RETURN_IF_ERROR(out->write(metrics::diff_table(diff, outcomes, d.old_report, d.new_report)));
    DQPREP_RETURN_IF_ERROR(out->commit());
  }
  return checks::gate(outcomes);
}

void add_report_flags(CLI::App& app, ReportFlags& r) {
  app.add_option("--json", r.json, "The report as JSON (schema: docs/metrics.md)")->type_name("FILE");
  app.add_option("--markdown", r.markdown, "The report as Markdown, for pull-request comments")->type_name("FILE");
  app.add_option("--junit", r.junit, "The checks as JUnit XML (a testcase each) for CI dashboards")->type_name("FILE");
  add_gate_flags(app, r.gates);
  app.add_option("--min-per-class", r.min_per_class, "Warn about classes with fewer records (0 = off)")
      ->capture_default_str();
}

}  // namespace

StageRunner setup_metrics(CLI::App& app) {
  auto o = std::make_shared<MetricsOptions>();
  auto m = std::make_shared<MergeOptions>();
  CLI::App* sub = app.add_subcommand("metrics", "The dataset quality report and CI gate");
  sub->footer(
      "One streaming pass. Malformed lines stop the run (exit 3) unless --on-error skip|quarantine:\n"
      "then they are counted as noise (use that for reports over raw data).\n"
      "Exit codes: 0 ok, 1 a fail-level check failed (after writing the reports), 2 usage error or\n"
      "unknown metric, 3 malformed input, 4 I/O error. Metrics and their definitions: docs/metrics.md.\n"
      "Example:\n"
      "  dqprep metrics --labels positive,negative,neutral --annotations-field annotations \\\n"
      "    --check 'noise_ratio <= 0.02' --check 'class_balance >= 0.8' --json report.json train.jsonl\n"
      "Sharded: dqprep metrics --partial -o shard-1.state shard-1.jsonl   (one per shard), then\n"
      "         dqprep metrics merge shard-*.state --json report.json --check 'duplicate_ratio < 0.05'");
  add_common_options(*sub, o->common, false);
  sub->add_option("-o,--output", o->output, "With --partial: the state file (.gz/.zst compresses)")->type_name("FILE");
  sub->add_flag("--partial", o->partial, "Write this shard's mergeable state to -o (see 'metrics merge')");
  sub->add_option("--labels", o->labels, "The declared classes A,B,...: class figures, coverage, unknown labels")
      ->check(utf8_text())
      ->delimiter(',')
      ->allow_extra_args(false)  // one value an occurrence: a following INPUT is not a label
      ->type_name("A,B,...");
  sub->add_flag("--unlabeled", o->unlabeled, "The data has no class labels: a missing label is not noise");
  sub->add_option("--coverage-field", o->coverage_field, "Coverage of this field's values over --domain")
      ->type_name("PATH");
  sub->add_option("--domain", o->domain, "The possible values of --coverage-field, one a line")->type_name("FILE");
  sub->add_option("--noise-field", o->noise_field, "A boolean field: true marks the record noisy")->type_name("PATH");
  sub->add_option("--annotations-field", o->annotations_field,
                  "Annotators' labels: an array of labels or of {annotator, label}")
      ->type_name("PATH");
  sub->add_flag("--lang", o->lang, "Language shares (CLD2)");
  sub->add_option("--lang-threshold", o->lang_threshold, "With --lang: a detection scoring lower counts as 'un'")
      ->capture_default_str();
  sub->add_flag("--near", o->near,
                "Near-duplicate ratio (MinHash LSH over word n-grams, candidates checked by their true Jaccard)");
  sub->add_flag("--pii", o->pii, "Share of records whose text holds personal data, by kind (as normalize --redact finds it)");
  sub->add_option("--ngram", o->ngram, "With --near: words per shingle")->check(whole_number())->capture_default_str();
  sub->add_option("--num-perm", o->num_perm, "With --near: MinHash permutations")
      ->check(whole_number())->capture_default_str();
  sub->add_option("--bands", o->bands, "With --near: LSH bands (must divide --num-perm)")
      ->check(whole_number())->capture_default_str();
  sub->add_option("--near-threshold", o->near_threshold,
                  "With --near: the Jaccard of the shingle sets from which a candidate is a near duplicate")
      ->capture_default_str();
  sub->add_flag("--no-verify", o->no_verify,
                "With --near: count LSH candidates unchecked (an estimate; no shingle sets kept)");
  sub->add_option("--tokenizer", o->tokenizer, "A SentencePiece model: tokens per record, class, split and turn")
      ->type_name("MODEL");
  sub->add_option("--split-field", o->split_field, "With --tokenizer: the field naming each record's split")
      ->type_name("PATH");
  add_report_flags(*sub, o->report);
  sub->require_subcommand(0, 1);

  CLI::App* merge = sub->add_subcommand("merge", "Merge partial states (metrics --partial) into one report");
  merge->footer(
      "The report equals that of one run over all the shards, in the order the states are given.\n"
      "Example:\n"
      "  dqprep metrics merge shard-*.state --json report.json --check 'noise_ratio <= 0.02'");
  merge->add_option("states", m->states, "Partial-state files, in input order")->required()->type_name("STATE ...");
  merge->add_option("-o,--output", m->output, "Also write the merged state (to merge again later)")->type_name("FILE");
  add_report_flags(*merge, m->report);
  add_stats_option(*merge, m->report.stats, "The report as JSON, as --json");
  add_threads_option(*merge, m->threads, "Worker threads (accepted as by every stage; merging runs on one)");
  merge->add_flag("-q,--quiet", m->report.quiet, "Only errors on stderr");
  merge->add_flag("-v,--verbose", m->verbose, "More log on stderr");

  auto d = std::make_shared<DiffOptions>();
  CLI::App* diff = sub->add_subcommand("diff", "The change of every figure between two reports, and gates on it");
  diff->footer(
      "OLD and NEW are JSON reports of one stage (metrics --json, model eval --json, any --stats).\n"
      "A gate compares the change NEW - OLD ('class_balance >= -0.02': dropped by at most 0.02), or\n"
      "the ratio NEW / OLD when its value ends in x ('n >= 0.95x': at most 5% fewer records).\n"
      "The table of changed figures goes to stdout (not with -q).\n"
      "Exit codes: 0 ok, 1 a fail-level check failed (after writing the outputs), 2 usage error or\n"
      "unknown metric, 3 a report that is not JSON (FILE:LINE: message), 4 I/O error.\n"
      "Example (fail when the dataset got worse than main's):\n"
      "  dqprep metrics diff main-metrics.json metrics.json --check 'class_balance >= -0.02' \\\n"
      "    --check 'noise_ratio <= 0.01' --check 'n >= 0.95x' --markdown diff.md");
  diff->add_option("old", d->old_report, "The report to compare with (e.g. main's)")->required()->type_name("OLD.json");
  diff->add_option("new", d->new_report, "The report of this build")->required()->type_name("NEW.json");
  diff->add_option("--json", d->json, "The changes and checks as JSON")->type_name("FILE");
  diff->add_option("--markdown", d->markdown, "Checks and changed figures as Markdown, for pull-request comments")
      ->type_name("FILE");
  diff->add_option("--junit", d->junit, "The checks as JUnit XML (a testcase each)")->type_name("FILE");
  add_gate_flags(*diff, d->gates);
  diff->add_flag("-q,--quiet", d->quiet, "No table on stdout");

  return [o, m, merge, d, diff] {
    if (diff->parsed()) {
      if (!o->common.inputs.empty()) return Status::usage("'metrics diff' takes two JSON reports, not record inputs");
      d->quiet = d->quiet || o->common.quiet;
      return run_diff(*d);
    }
    if (merge->parsed()) {
      if (!o->common.inputs.empty()) return Status::usage("'metrics merge' takes partial states, not record inputs");
      m->report.quiet = m->report.quiet || o->common.quiet;
      // After metrics' own flags set the log level (its parse ends after merge's).
      set_log_level(m->report.quiet, m->verbose || o->common.verbose);
      return run_merge(*m);
    }
    o->report.stats = o->common.stats;
    o->report.quiet = o->common.quiet;
    return run_metrics(*o);
  };
}

}  // namespace dqprep::stages
