#include "dqprep/metrics/stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace dqprep::stats {

using nlohmann::json;

// ---- Figure -----------------------------------------------------------------------------------

Figure ratio(uint64_t num, uint64_t den, std::string_view why_undefined) {
  if (den == 0) return Figure::undefined(std::string(why_undefined));
  return Figure::of(static_cast<double>(num) / static_cast<double>(den));
}

json value_json(const Figure& f) { return f.value ? json(*f.value) : json(nullptr); }

void to_json(json& j, const Figure& f) {
  j = json::object();
  j["value"] = value_json(f);
  if (!f.note.empty()) j["note"] = f.note;
}

Result<Figure> figure_from_json(const json& j) {
  if (!j.is_object() || !j.contains("value")) return Status::bad_input("figure: expected {\"value\": …}");
  Figure f;
  const json& v = j["value"];
  if (v.is_number()) {
    f.value = v.get<double>();
  } else if (!v.is_null()) {
    return Status::bad_input("figure: \"value\" must be a number or null");
  }
  if (j.contains("note")) {
    if (!j["note"].is_string()) return Status::bad_input("figure: \"note\" must be a string");
    f.note = j["note"].get<std::string>();
  }
  return f;
}

void add(Counts& counts, std::string_view key, uint64_t k) {
  auto it = counts.find(key);
  if (it == counts.end()) {
    counts.emplace(std::string(key), k);
  } else {
    it->second += k;
  }
}

// ---- class distribution ----------------------------------------------------------------------

ClassDistribution class_distribution(const Counts& counts, std::span<const std::string> declared) {
  ClassDistribution d;
  if (declared.empty()) {
    for (const auto& [label, c] : counts)
      if (c > 0) d.classes.push_back({label, c, {}});
  } else {
    std::unordered_set<std::string_view> seen;
    for (const std::string& label : declared) {
      if (!seen.insert(label).second) continue;
      auto it = counts.find(label);
      d.classes.push_back({label, it == counts.end() ? 0 : it->second, {}});
    }
    for (const auto& [label, c] : counts)
      if (c > 0 && !seen.count(label)) d.undeclared.emplace(label, c);
  }
  for (const ClassShare& c : d.classes) d.n += c.count;

  const size_t num = d.classes.size();
  for (ClassShare& c : d.classes) c.share = ratio(c.count, d.n, "no records in the classes");
  if (num == 0) {
    d.class_balance = d.normalized_entropy = d.imbalance_ratio = Figure::undefined("no classes");
    return d;
  }
  if (d.n == 0) {
    d.class_balance = d.normalized_entropy = d.imbalance_ratio =
        Figure::undefined("no records in the classes");
    return d;
  }

  const double n = static_cast<double>(d.n), uniform = 1.0 / static_cast<double>(num);
  double squares = 0, entropy = 0;
  const ClassShare* largest = &d.classes[0];
  const ClassShare* smallest = &d.classes[0];
  for (const ClassShare& c : d.classes) {
    double p = static_cast<double>(c.count) / n;
    squares += (p - uniform) * (p - uniform);
    if (c.count > 0) entropy -= p * std::log(p);
    if (c.count > largest->count) largest = &c;
    if (c.count < smallest->count) smallest = &c;
  }
  d.class_balance = Figure::of(1.0 - squares);
  // One class: H = 0 and ln C = 0. Like kappa with one category, the figure is undefined rather
  // than arbitrarily 0 or 1.
  d.normalized_entropy = num == 1 ? Figure::undefined("one class: H / ln C is 0/0")
                                  : Figure::of(entropy / std::log(static_cast<double>(num)));
  d.imbalance_ratio =
      smallest->count == 0
          ? Figure::undefined("class '" + smallest->label + "' has no records")
          : Figure::of(static_cast<double>(largest->count) / static_cast<double>(smallest->count));
  return d;
}

// ---- coverage ---------------------------------------------------------------------------------

Coverage coverage(const Counts& seen, std::span<const std::string> domain) {
  Coverage c;
  std::unordered_set<std::string_view> in_domain;
  for (const std::string& v : domain) {
    if (!in_domain.insert(v).second) continue;
    ++c.domain;
    auto it = seen.find(v);
    if (it != seen.end() && it->second > 0) {
      ++c.present;
    } else {
      c.missing.push_back(v);
    }
  }
  for (const auto& [v, count] : seen)
    if (count > 0 && !in_domain.count(v)) ++c.outside;
  c.coverage = ratio(c.present, c.domain, "empty domain");
  return c;
}

// ---- QuantileSketch ---------------------------------------------------------------------------

namespace {

constexpr uint64_t kSub = uint64_t{1} << QuantileSketch::kPrecisionBits;  // buckets per octave

// Values below 2 * kSub are their own index; above, index = shift * kSub + (v >> shift), where
// shift drops all but the top kPrecisionBits + 1 bits: contiguous, increasing, and integer-only, so
// every machine buckets a value alike.
inline size_t bucket_index(uint64_t v) {
  int width = std::bit_width(v);
  int shift = std::max(0, width - (QuantileSketch::kPrecisionBits + 1));
  return static_cast<size_t>(shift) * kSub + static_cast<size_t>(v >> shift);
}

// The smallest and largest value of bucket `i`.
inline std::pair<uint64_t, uint64_t> bucket_bounds(size_t i) {
  if (i < 2 * kSub) return {i, i};
  uint64_t shift = i / kSub - 1;
  uint64_t mantissa = i - shift * kSub;  // in [kSub, 2 kSub)
  uint64_t lo = mantissa << shift;
  return {lo, lo + ((uint64_t{1} << shift) - 1)};
}

}  // namespace

void QuantileSketch::add(uint64_t value, uint64_t times) {
  if (times == 0) return;
  size_t i = bucket_index(value);
  if (i >= buckets_.size()) buckets_.resize(i + 1, 0);
  buckets_[i] += times;
  count_ += times;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.count_ == 0) return;
  if (other.buckets_.size() > buckets_.size()) buckets_.resize(other.buckets_.size(), 0);
  for (size_t i = 0; i < other.buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

Figure QuantileSketch::quantile(double q) const {
  if (count_ == 0) return Figure::undefined("no values");
  if (!(q >= 0.0 && q <= 1.0)) return Figure::undefined("quantile outside [0, 1]");
  if (q == 0.0) return Figure::of(static_cast<double>(min_));
  if (q == 1.0) return Figure::of(static_cast<double>(max_));
  uint64_t rank = static_cast<uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen > rank) {
      auto [lo, hi] = bucket_bounds(i);
      // The middle of the bucket halves the worst error; clamping to the exact extremes only moves
      // it closer to the true value, which lies in both ranges.
      double mid = static_cast<double>(lo) + static_cast<double>(hi - lo) / 2.0;
      return Figure::of(std::clamp(mid, static_cast<double>(min_), static_cast<double>(max_)));
    }
  }
  return Figure::of(static_cast<double>(max_));  // unreachable while count_ is the bucket total
}

Quantiles QuantileSketch::summary() const {
  return {quantile(0.0), quantile(0.1), quantile(0.5), quantile(0.9), quantile(1.0)};
}

void to_json(json& j, const Quantiles& q) {
  j = json{{"min", value_json(q.min)},
           {"p10", value_json(q.p10)},
           {"p50", value_json(q.p50)},
           {"p90", value_json(q.p90)},
           {"max", value_json(q.max)}};
}

json QuantileSketch::to_json() const {
  json buckets = json::array();
  for (size_t i = 0; i < buckets_.size(); ++i)
    if (buckets_[i]) buckets.push_back(json::array({i, buckets_[i]}));
  json j = {{"precision_bits", kPrecisionBits}, {"count", count_}, {"buckets", std::move(buckets)}};
  if (count_) {
    j["min"] = min_;
    j["max"] = max_;
  }
  return j;
}

Result<QuantileSketch> QuantileSketch::from_json(const json& j) {
  auto bad = [](std::string what) { return Status::bad_input("quantile sketch: " + what); };
  if (!j.is_object()) return bad("expected an object");
  if (!j.contains("precision_bits") || j["precision_bits"] != kPrecisionBits)
    return bad("precision_bits must be " + std::to_string(kPrecisionBits));
  if (!j.contains("count") || !j["count"].is_number_unsigned()) return bad("\"count\" must be a count");
  if (!j.contains("buckets") || !j["buckets"].is_array()) return bad("\"buckets\" must be an array");
  QuantileSketch s;
  uint64_t total = 0;
  size_t previous = 0;
  bool first = true;
  for (const json& b : j["buckets"]) {
    if (!b.is_array() || b.size() != 2 || !b[0].is_number_unsigned() || !b[1].is_number_unsigned())
      return bad("a bucket must be [index, count]");
    uint64_t index = b[0].get<uint64_t>(), c = b[1].get<uint64_t>();
    if (index >= kMaxBuckets || c == 0 || (!first && index <= previous))
      return bad("bucket indexes must increase below " + std::to_string(kMaxBuckets) +
                 " with counts above 0");
    s.buckets_.resize(index + 1, 0);
    s.buckets_[index] = c;
    total += c;
    previous = index;
    first = false;
  }
  s.count_ = j["count"].get<uint64_t>();
  if (total != s.count_) return bad("\"count\" is not the sum of the buckets");
  if (s.count_ > 0) {
    if (!j.contains("min") || !j.contains("max") || !j["min"].is_number_unsigned() ||
        !j["max"].is_number_unsigned())
      return bad("\"min\" and \"max\" are required with values");
    s.min_ = j["min"].get<uint64_t>();
    s.max_ = j["max"].get<uint64_t>();
    size_t lowest = 0;
    while (s.buckets_[lowest] == 0) ++lowest;
    if (bucket_index(s.min_) != lowest || bucket_index(s.max_) != s.buckets_.size() - 1)
      return bad("\"min\" and \"max\" do not fall in the first and last buckets");
  }
  return s;
}

bool operator==(const QuantileSketch& a, const QuantileSketch& b) {
  if (a.count_ != b.count_ || a.min_ != b.min_ || a.max_ != b.max_) return false;
  size_t common = std::min(a.buckets_.size(), b.buckets_.size());
  if (!std::equal(a.buckets_.begin(), a.buckets_.begin() + common, b.buckets_.begin())) return false;
  auto zero = [](uint64_t c) { return c == 0; };
  return std::all_of(a.buckets_.begin() + common, a.buckets_.end(), zero) &&
         std::all_of(b.buckets_.begin() + common, b.buckets_.end(), zero);
}

// ---- KeySet ----------------------------------------------------------------------------------

namespace {

inline hash::Key128 identity(hash::Key128 k) {
  k.high &= ~(uint64_t{1} << 63);
  if ((k.low | k.high) == 0) k.low = 1;
  return k;
}

// The home slot: the top bits below the flag. Keys that arrive sorted (from_hex, a rehash) then
// fill the table front to back instead of missing the cache on every insertion.
inline size_t home_slot(const hash::Key128& k, size_t capacity) {
  return static_cast<size_t>((k.high << 1) >> (64 - std::countr_zero(capacity)));
}

inline bool same_key(const hash::Key128& stored, const hash::Key128& id) {
  return stored.low == id.low && (stored.high & ~(uint64_t{1} << 63)) == id.high;
}

}  // namespace

size_t KeySet::find_slot(const hash::Key128& id) const {
  const size_t mask = slots_.size() - 1;
  size_t i = home_slot(id, slots_.size());
  while (true) {
    const hash::Key128& s = slots_[i];
    if ((s.low | s.high) == 0 || same_key(s, id)) return i;
    i = (i + 1) & mask;
  }
}

void KeySet::grow() {
  std::vector<hash::Key128> old = std::move(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, hash::Key128{});
  const size_t mask = slots_.size() - 1;
  for (const hash::Key128& s : old) {
    if ((s.low | s.high) == 0) continue;
    size_t i = home_slot(s, slots_.size());
    while (slots_[i].low | slots_[i].high) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void KeySet::reserve(size_t n) {
  while (slots_.size() / 4 * 3 < n) grow();
}

bool KeySet::insert(hash::Key128 key, bool flag) {
  if (size_ + 1 > slots_.size() / 4 * 3) grow();
  const hash::Key128 id = identity(key);
  size_t i = find_slot(id);
  hash::Key128& s = slots_[i];
  if (s.low | s.high) return false;
  s = id;
  if (flag) {
    s.high |= kFlagBit;
    ++flagged_;
  }
  ++size_;
  return true;
}

bool KeySet::contains(hash::Key128 key) const { return flag(key).has_value(); }

std::optional<bool> KeySet::flag(hash::Key128 key) const {
  if (slots_.empty()) return std::nullopt;
  const hash::Key128& s = slots_[find_slot(identity(key))];
  if ((s.low | s.high) == 0) return std::nullopt;
  return (s.high & kFlagBit) != 0;
}

void KeySet::merge(const KeySet& later) {
  reserve(size_ + later.size_);
  later.for_each([&](hash::Key128 k, bool f) { insert(k, f); });
}

namespace {
std::vector<hash::Key128> sorted_slots(const std::vector<hash::Key128>& slots, size_t size) {
  std::vector<hash::Key128> keys;
  keys.reserve(size);
  for (const hash::Key128& s : slots)
    if (s.low | s.high) keys.push_back(s);
  std::sort(keys.begin(), keys.end(), [](const hash::Key128& a, const hash::Key128& b) {
    uint64_t ha = a.high << 1, hb = b.high << 1;
    return ha != hb ? ha < hb : a.low < b.low;
  });
  return keys;
}

void put_le(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

uint64_t get_le(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
}  // namespace

std::string KeySet::to_hex() const {
  // By key without the flag: the order of the home slots, for a fast from_hex.
  std::vector<hash::Key128> keys = sorted_slots(slots_, size_);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(keys.size() * 32, '0');
  char* p = out.data();
  for (const hash::Key128& k : keys) {
    for (uint64_t word : {k.high, k.low})
      for (int shift = 60; shift >= 0; shift -= 4) *p++ = kDigits[(word >> shift) & 15];
  }
  return out;
}

namespace {
constexpr std::array<int8_t, 256> kHexValue = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<int8_t>(c);
  for (int c = 0; c < 6; ++c) t['a' + c] = static_cast<int8_t>(10 + c);
  return t;
}();
}  // namespace

Result<KeySet> KeySet::from_hex(std::string_view hex) {
  if (hex.size() % 32) return Status::bad_input("key set: length is not a multiple of 32 hex digits");
  KeySet set;
  set.reserve(hex.size() / 32);
  for (size_t pos = 0; pos < hex.size(); pos += 32) {
    uint64_t words[2] = {0, 0};
    for (size_t d = 0; d < 32; ++d) {
      int v = kHexValue[static_cast<unsigned char>(hex[pos + d])];
      if (v < 0)
        return Status::bad_input("key set: '" + std::string(1, hex[pos + d]) + "' is not a lower-case hex digit");
      words[d / 16] = (words[d / 16] << 4) | static_cast<uint64_t>(v);
    }
    hash::Key128 k{words[1], words[0]};
    if (!set.insert(k, (k.high & kFlagBit) != 0))
      return Status::bad_input("key set: a key appears twice");
  }
  return set;
}


std::string KeySet::to_bytes() const {
  std::vector<hash::Key128> keys = sorted_slots(slots_, size_);
  std::string out(keys.size() * 16, '\0');
  char* p = out.data();
  for (const hash::Key128& k : keys) {
    put_le(p, k.high);
    put_le(p + 8, k.low);
    p += 16;
  }
  return out;
}

Result<KeySet> KeySet::from_bytes(std::string_view bytes) {
  if (bytes.size() % 16) return Status::bad_input("key set: length is not a multiple of 16 bytes");
  KeySet set;
  set.reserve(bytes.size() / 16);
  for (size_t pos = 0; pos < bytes.size(); pos += 16) {
    hash::Key128 k{get_le(bytes.data() + pos + 8), get_le(bytes.data() + pos)};
    if (!set.insert(k, (k.high & kFlagBit) != 0)) return Status::bad_input("key set: a key appears twice");
  }
  return set;
}

bool operator==(const KeySet& a, const KeySet& b) {
  if (a.size_ != b.size_ || a.flagged_ != b.flagged_) return false;
  bool equal = true;
  a.for_each([&](hash::Key128 k, bool f) {
    if (equal) equal = b.flag(k) == std::optional<bool>(f);
  });
  return equal;
}

// ---- PartialState -----------------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, kNoiseSources> kNoiseNames = {
    "malformed", "rejected", "label_issue", "empty_text", "missing_label", "unknown_label", "user_flag"};

json counts_json(const Counts& c) {
  json j = json::object();
  for (const auto& [k, v] : c) j[k] = v;
  return j;
}

Status read_count(const json& j, const char* key, uint64_t& out) {
  if (!j.contains(key) || !j[key].is_number_unsigned())
    return Status::bad_input(std::string("partial state: \"") + key + "\" must be a count");
  out = j[key].get<uint64_t>();
  return {};
}

Status read_counts(const json& j, const char* key, Counts& out) {
  if (!j.contains(key) || !j[key].is_object())
    return Status::bad_input(std::string("partial state: \"") + key + "\" must be an object of counts");
  for (const auto& [k, v] : j[key].items()) {
    if (!v.is_number_unsigned())
      return Status::bad_input(std::string("partial state: \"") + key + "\"." + k + " must be a count");
    out.emplace(k, v.get<uint64_t>());
  }
  return {};
}

}  // namespace

std::string_view noise_source_name(NoiseSource s) { return kNoiseNames[static_cast<size_t>(s)]; }

bool PartialState::add_record(NoiseMask noise, std::optional<hash::Key128> text_key) {
  ++n;
  noise &= (NoiseMask{1} << kNoiseSources) - 1;
  const bool other = noise != 0;
  if (other) {
    ++noisy_besides_duplicates;
    for (size_t s = 0; s < kNoiseSources; ++s)
      if (noise & (NoiseMask{1} << s)) ++noise_by_source[s];
  }
  if (!text_key) return false;
  ++keyed;
  if (!other) ++clean_keyed;
  return !keys.insert(*text_key, !other);
}

QuantileSketch& PartialState::sketch(std::string_view name) {
  auto it = sketches.find(name);
  if (it == sketches.end()) it = sketches.emplace(std::string(name), QuantileSketch{}).first;
  return it->second;
}

uint64_t PartialState::noisy() const {
  // Repeats that are not noisy otherwise: every clean keyed record but the first occurrence of each
  // text that was clean when first seen.
  return noisy_besides_duplicates + (clean_keyed - keys.flagged());
}

Figure PartialState::noise_ratio() const { return ratio(noisy(), n, "no records"); }
Figure PartialState::duplicate_ratio() const { return ratio(duplicates(), n, "no records"); }

void PartialState::merge(const PartialState& later) {
  n += later.n;
  for (auto [mine, theirs] : {std::pair{&classes, &later.classes},
                              std::pair{&missing_fields, &later.missing_fields},
                              std::pair{&values, &later.values},
                              std::pair{&languages, &later.languages},
                              std::pair{&counters, &later.counters}})
    for (const auto& [k, v] : *theirs) add(*mine, k, v);
  for (const auto& [name, s] : later.sketches) sketch(name).merge(s);
  for (size_t s = 0; s < kNoiseSources; ++s) noise_by_source[s] += later.noise_by_source[s];
  noisy_besides_duplicates += later.noisy_besides_duplicates;
  keyed += later.keyed;
  clean_keyed += later.clean_keyed;
  keys.merge(later.keys);
}

PartialState merge(PartialState earlier, const PartialState& later) {
  earlier.merge(later);
  return earlier;
}

json PartialState::to_json() const {
  json noise_sources = json::object();
  for (size_t s = 0; s < kNoiseSources; ++s) noise_sources[std::string(kNoiseNames[s])] = noise_by_source[s];
  json sketch_json = json::object();
  for (const auto& [name, s] : sketches) sketch_json[name] = s.to_json();
  return json{{"version", kVersion},
              {"n", n},
              {"classes", counts_json(classes)},
              {"missing_fields", counts_json(missing_fields)},
              {"values", counts_json(values)},
              {"languages", counts_json(languages)},
              {"counters", counts_json(counters)},
              {"sketches", std::move(sketch_json)},
              {"noise",
               {{"by_source", std::move(noise_sources)},
                {"noisy_besides_duplicates", noisy_besides_duplicates},
                {"keyed", keyed},
                {"clean_keyed", clean_keyed}}},
              {"keys", {{"count", keys.size()}, {"hex", keys.to_hex()}}}};
}

Result<PartialState> PartialState::from_json(const json& j) {
  if (!j.is_object()) return Status::bad_input("partial state: expected a JSON object");
  if (!j.contains("version") || j["version"] != kVersion)
    return Status::bad_input("partial state: unsupported version (expected " + std::to_string(kVersion) + ")");
  PartialState s;
  DQPREP_RETURN_IF_ERROR(read_count(j, "n", s.n));
  DQPREP_RETURN_IF_ERROR(read_counts(j, "classes", s.classes));
  DQPREP_RETURN_IF_ERROR(read_counts(j, "missing_fields", s.missing_fields));
  DQPREP_RETURN_IF_ERROR(read_counts(j, "values", s.values));
  DQPREP_RETURN_IF_ERROR(read_counts(j, "languages", s.languages));
  DQPREP_RETURN_IF_ERROR(read_counts(j, "counters", s.counters));

  if (!j.contains("sketches") || !j["sketches"].is_object())
    return Status::bad_input("partial state: \"sketches\" must be an object");
  for (const auto& [name, sj] : j["sketches"].items()) {
    Result<QuantileSketch> sk = QuantileSketch::from_json(sj);
    if (!sk.ok()) return Status::bad_input("partial state: sketch '" + name + "': " + sk.status().message());
    s.sketches.emplace(name, std::move(*sk));
  }

  if (!j.contains("noise") || !j["noise"].is_object())
    return Status::bad_input("partial state: \"noise\" must be an object");
  const json& noise = j["noise"];
  if (!noise.contains("by_source") || !noise["by_source"].is_object())
    return Status::bad_input("partial state: \"noise\".by_source must be an object");
  for (size_t i = 0; i < kNoiseSources; ++i)
    DQPREP_RETURN_IF_ERROR(read_count(noise["by_source"], std::string(kNoiseNames[i]).c_str(),
                                      s.noise_by_source[i]));
  DQPREP_RETURN_IF_ERROR(read_count(noise, "noisy_besides_duplicates", s.noisy_besides_duplicates));
  DQPREP_RETURN_IF_ERROR(read_count(noise, "keyed", s.keyed));
  DQPREP_RETURN_IF_ERROR(read_count(noise, "clean_keyed", s.clean_keyed));

  if (!j.contains("keys") || !j["keys"].is_object() || !j["keys"].contains("hex") ||
      !j["keys"]["hex"].is_string())
    return Status::bad_input("partial state: \"keys\".hex must be a string");
  Result<KeySet> keys = KeySet::from_hex(j["keys"]["hex"].get_ref<const std::string&>());
  if (!keys.ok()) return Status::bad_input("partial state: " + keys.status().message());
  s.keys = std::move(*keys);

  DQPREP_RETURN_IF_ERROR(s.validate());
  return s;
}

Status PartialState::validate() const {
  // The derived figures subtract; inconsistent counts would wrap around instead of failing.
  if (keys.size() > keyed || clean_keyed > keyed || keys.flagged() > clean_keyed || keyed > n ||
      noisy_besides_duplicates > n)
    return Status::bad_input("partial state: inconsistent noise and key counts");
  // A record has one label and one language, and is counted at most once under each other name:
  // larger counts (a crafted state) would make shares above 1 and a negative class balance.
  auto sum_at_most_n = [&](const Counts& counts) {
    uint64_t sum = 0;
    for (const auto& [name, c] : counts) {
      if (c > n - sum) return false;
      sum += c;
    }
    return true;
  };
  auto each_at_most_n = [&](const Counts& counts) {
    return std::all_of(counts.begin(), counts.end(), [&](const auto& kv) { return kv.second <= n; });
  };
  if (!sum_at_most_n(classes) || !sum_at_most_n(languages) || !each_at_most_n(missing_fields) ||
      !each_at_most_n(values))
    return Status::bad_input("partial state: more records in the classes, languages or fields than records");
  for (uint64_t c : noise_by_source)
    if (c > n) return Status::bad_input("partial state: more noisy records than records");
  for (const auto& [name, sketch] : sketches)
    if (sketch.count() > n && name.compare(0, kPartSketchPrefix.size(), kPartSketchPrefix) != 0) return Status::bad_input("partial state: sketch '" + name + "' holds more values than records");
  return {};
}

}  // namespace dqprep::stats
