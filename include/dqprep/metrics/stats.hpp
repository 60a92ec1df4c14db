#pragma once
// Dataset statistics: class distribution figures, coverage, a mergeable quantile sketch, and the
// partial state of `metrics`, which merges shard by shard into exactly the state of one run.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "dqprep/util/hash.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::stats {

// A figure that may be undefined for the data (an empty class, one class, no records): then no
// value and a note saying why. Never NaN, never infinite.
struct Figure {
  std::optional<double> value;
  std::string note;

  static Figure of(double v) { return {v, {}}; }
  static Figure undefined(std::string why) { return {std::nullopt, std::move(why)}; }
  bool defined() const { return value.has_value(); }
  friend bool operator==(const Figure&, const Figure&) = default;
};

// num / den; undefined with the note `why_undefined` when den is 0.
Figure ratio(uint64_t num, uint64_t den, std::string_view why_undefined);

// The value alone, as the flat keys of the summaries want it: a number, or null.
nlohmann::json value_json(const Figure& f);
// {"value": number|null, "note": "..."} (no "note" when it is empty).
void to_json(nlohmann::json& j, const Figure& f);
Result<Figure> figure_from_json(const nlohmann::json& j);

// Counts by name; std::less<> lets a std::string_view look up without building a std::string.
using Counts = std::map<std::string, uint64_t, std::less<>>;

// counts[key] += k, allocating only the first time a key is seen.
void add(Counts& counts, std::string_view key, uint64_t k = 1);

// ---- class distribution ----------------------------------------------------------------------

struct ClassShare {
  std::string label;
  uint64_t count = 0;
  Figure share;  // count / n
};

struct ClassDistribution {
  uint64_t n = 0;                   // records in the C classes below
  std::vector<ClassShare> classes;  // the C classes: declared order, else observed labels by byte order
  Counts undeclared;                // observed labels outside the declared list; not part of n
  Figure class_balance;             // 1 - sum_c (n_c/n - 1/C)^2, in [1/C, 1]
  Figure normalized_entropy;        // H / ln C, with 0 ln 0 = 0; undefined for C = 1 (0/0)
  Figure imbalance_ratio;           // largest / smallest class; undefined when one is empty
};

// Figures over the declared classes (duplicates in `declared` count once; a declared class with no
// record has n_c = 0), or over the observed labels of `counts` when `declared` is empty. Labels
// with a count of 0 in `counts` are not observed.
ClassDistribution class_distribution(const Counts& counts, std::span<const std::string> declared = {});

// ---- coverage ---------------------------------------------------------------------------------

struct Coverage {
  uint64_t present = 0;              // distinct domain values seen at least once
  uint64_t domain = 0;               // distinct values of the domain
  Figure coverage;                   // present / domain; undefined for an empty domain
  std::vector<std::string> missing;  // domain values never seen, in domain order
  uint64_t outside = 0;              // distinct values seen that are not in the domain
};

Coverage coverage(const Counts& seen, std::span<const std::string> domain);

// ---- quantiles ---------------------------------------------------------------------------------

struct Quantiles {
  Figure min, p10, p50, p90, max;
};
// {"min": …, "p10": …, "p50": …, "p90": …, "max": …}, each a number or null.
void to_json(nlohmann::json& j, const Quantiles& q);

// Quantiles of non-negative integers (lengths in characters or words, turns) in bounded memory.
// A log-linear histogram, the DDSketch idea with an index taken from the bits of the value instead
// of a logarithm: values below 256 have a bucket each (exact); above, each power of two is cut into
// 128 equal buckets, so a quantile is off by less than 1/256 (0.39%) of its true value. Memory is
// at most 7424 counters (values up to 2^64 - 1), whatever the number of values. Bucket counts add,
// so merging sketches gives exactly the state of one sketch over all their values, in any order.
class QuantileSketch {
 public:
  static constexpr int kPrecisionBits = 7;
  static constexpr uint64_t kExactBelow = uint64_t{2} << kPrecisionBits;  // 256
  static constexpr double kRelativeError = 1.0 / kExactBelow;
  static constexpr size_t kMaxBuckets = (64 - kPrecisionBits + 1) << kPrecisionBits;  // 7424

  void add(uint64_t value, uint64_t times = 1);
  void merge(const QuantileSketch& other);

  uint64_t count() const { return count_; }
  // The value of 0-based rank floor(q (count - 1)) in sorted order (numpy's method="lower"), within
  // kRelativeError; q = 0 and q = 1 give the exact minimum and maximum. Undefined when empty.
  Figure quantile(double q) const;
  Quantiles summary() const;
  size_t bucket_count() const { return buckets_.size(); }

  // {"precision_bits": 7, "count": n, "min": v, "max": v, "buckets": [[index, count], …]}
  nlohmann::json to_json() const;
  static Result<QuantileSketch> from_json(const nlohmann::json& j);

  friend bool operator==(const QuantileSketch& a, const QuantileSketch& b);

 private:
  std::vector<uint64_t> buckets_;  // by index, up to the largest index used
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

// ---- exact-duplicate keys ---------------------------------------------------------------------

// A set of 128-bit text keys with one flag bit each, for exact duplicates over any number of shards.
// Open addressing with linear probing over 16-byte slots, at most 3/4 full: 21 to 43 bytes a
// distinct key. The flag lives in the top bit of the key, so keys are compared on 127 bits (a false
// duplicate needs a 2^-127 collision), and the all-zero key stands for the empty slot (a key that is
// zero on those 127 bits is stored as 1).
class KeySet {
 public:
  // Adds `key`; true when it was not there. `flag` is kept from the first insertion only.
  bool insert(hash::Key128 key, bool flag = false);
  bool contains(hash::Key128 key) const;
  // The flag of `key`, or nullopt when absent.
  std::optional<bool> flag(hash::Key128 key) const;

  size_t size() const { return size_; }
  uint64_t flagged() const { return flagged_; }  // keys whose flag is set
  size_t memory_bytes() const { return slots_.size() * sizeof(hash::Key128); }
  void reserve(size_t n);

  // Adds the keys of `later`; a key already here keeps its own flag (it was seen first).
  void merge(const KeySet& later);

  // Every key as 32 hex digits (high word first, the flag in its top bit), in ascending order of
  // the keys without their flags: one canonical string for one set, whatever the insertion order.
  std::string to_hex() const;
  static Result<KeySet> from_hex(std::string_view hex);
  // The same keys in binary, 16 bytes each in the order of to_hex: the high word, then the low word,
  // both little-endian, the flag in the top bit of the high word (the form of `metrics --partial`
  // files: half the size of hex, and read without a JSON parse).
  std::string to_bytes() const;
  static Result<KeySet> from_bytes(std::string_view bytes);

  template <class F>  // f(hash::Key128 key, bool flag), in table order
  void for_each(F&& f) const {
    for (const hash::Key128& s : slots_)
      if (s.low | s.high) f(hash::Key128{s.low, s.high & ~kFlagBit}, (s.high & kFlagBit) != 0);
  }

  friend bool operator==(const KeySet& a, const KeySet& b);

 private:
  static constexpr uint64_t kFlagBit = uint64_t{1} << 63;
  void grow();
  size_t find_slot(const hash::Key128& stored) const;  // the slot of `stored`, or the empty slot it would take

  std::vector<hash::Key128> slots_;
  size_t size_ = 0;
  uint64_t flagged_ = 0;
};

// ---- metrics partial state --------------------------------------------------------------------

// Why a record is noisy (docs/metrics.md, `noise_ratio`); an exact repeat of an earlier text is
// the eighth source, decided by PartialState from the text keys.
enum class NoiseSource : uint8_t {
  malformed,      // a bad line, counted under --on-error skip or quarantine
  rejected,       // carries a `_reject` mark from an earlier stage
  label_issue,    // carries a `_label_issue` mark
  empty_text,
  missing_label,
  unknown_label,  // a label outside --labels
  user_flag,      // --noise-field is true
};
inline constexpr size_t kNoiseSources = 7;
using NoiseMask = uint32_t;
constexpr NoiseMask noise_bit(NoiseSource s) { return NoiseMask{1} << static_cast<unsigned>(s); }
std::string_view noise_source_name(NoiseSource s);  // "malformed", "rejected", …

inline constexpr std::string_view kPartSketchPrefix = "part:";

// What `metrics` counts over one shard. Every field merges exactly: counts add, sketches add, and
// the key set is a union, so merge(shard 1, shard 2, …) in input order is the state of one run over
// all shards. Memory is independent of the record count except `keys` (one key a distinct text).
struct PartialState {
  static constexpr int kVersion = 1;

  uint64_t n = 0;          // records, malformed ones included
  Counts classes;          // records per label
  Counts missing_fields;   // records missing each field of the format
  Counts values;           // records per value of --coverage-field
  Counts languages;        // records per detected language
  Counts counters;         // any other sums (annotated items, items all annotators agree on, …)
  // "chars", "words", per class, …: a value a record, so at most n each; a sketch whose name starts
  // with kPartSketchPrefix holds a value per part of a record (a turn) and any number of them.
  std::map<std::string, QuantileSketch, std::less<>> sketches;

  std::array<uint64_t, kNoiseSources> noise_by_source{};
  uint64_t noisy_besides_duplicates = 0;  // records with at least one NoiseSource
  uint64_t keyed = 0;                     // records whose text was checked for repeats
  uint64_t clean_keyed = 0;               // of those, the ones with no NoiseSource
  // Distinct texts; the flag says the first occurrence had no NoiseSource. That one bit a key makes
  // the noisy count exact under merge: a repeat is noisy, the first occurrence is not, and whether
  // a repeat was already noisy for another reason decides if it adds to the count.
  KeySet keys;

  // Counts one record (n += 1) with the noise sources found on it and, when it has a text, the
  // XXH3-128 key of that text. Returns true when the text repeats an earlier one.
  bool add_record(NoiseMask noise, std::optional<hash::Key128> text_key);
  QuantileSketch& sketch(std::string_view name);  // created empty on first use

  uint64_t duplicates() const { return keyed - keys.size(); }  // exact repeats
  uint64_t noisy() const;  // records noisy for any reason, repeats included, each once
  uint64_t noise_count(NoiseSource s) const { return noise_by_source[static_cast<size_t>(s)]; }
  Figure noise_ratio() const;      // noisy / n
  Figure duplicate_ratio() const;  // duplicates / n

  // Adds `later`, the state of the records that follow these in the input.
  void merge(const PartialState& later);

  nlohmann::json to_json() const;
  // A bad_input Status for a state that is not valid JSON of this version.
  static Result<PartialState> from_json(const nlohmann::json& j);
  // The checks from_json makes on the counts against the keys (the derived figures subtract), for
  // a state whose keys were read apart from its JSON.
  Status validate() const;

  friend bool operator==(const PartialState&, const PartialState&) = default;
};

PartialState merge(PartialState earlier, const PartialState& later);

}  // namespace dqprep::stats
