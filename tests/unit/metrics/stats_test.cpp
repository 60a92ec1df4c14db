#include "dqprep/metrics/stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dqprep/util/random.hpp"

namespace dqprep::stats {
namespace {

using nlohmann::json;

// ---- Figure -----------------------------------------------------------------------------------

TEST(StatsFigure, UndefinedIsNullWithNoteNeverNaN) {
  Figure f = ratio(3, 0, "no records");
  EXPECT_FALSE(f.defined());
  EXPECT_EQ(f.note, "no records");
  EXPECT_TRUE(value_json(f).is_null());
  json j = f;
  EXPECT_EQ(j.dump(), R"({"note":"no records","value":null})");

  Figure g = ratio(1, 4, "unused");
  ASSERT_TRUE(g.defined());
  EXPECT_DOUBLE_EQ(*g.value, 0.25);
  json k = g;
  EXPECT_EQ(k.dump(), R"({"value":0.25})");
}

TEST(StatsFigure, JsonRoundTripAndErrors) {
  for (const Figure& f : {Figure::of(0.953), Figure::undefined("one class")}) {
    json j = f;
    Result<Figure> back = figure_from_json(j);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, f);
  }
  EXPECT_EQ(figure_from_json(json::parse(R"({"value":"x"})")).status().code(), StatusCode::bad_input);
  EXPECT_EQ(figure_from_json(json::parse(R"([1])")).status().code(), StatusCode::bad_input);
}

// ---- class distribution ----------------------------------------------------------------------

TEST(StatsClassDistribution, ThreeClassesByHand) {
  Counts counts{{"a", 50}, {"b", 30}, {"c", 20}};
  ClassDistribution d = class_distribution(counts);
  EXPECT_EQ(d.n, 100u);
  ASSERT_EQ(d.classes.size(), 3u);
  EXPECT_EQ(d.classes[0].label, "a");
  EXPECT_DOUBLE_EQ(*d.classes[1].share.value, 0.3);
  // 1 - [(1/2-1/3)^2 + (3/10-1/3)^2 + (1/5-1/3)^2] = 1 - 42/900 = 143/150
  EXPECT_NEAR(*d.class_balance.value, 143.0 / 150.0, 1e-12);
  // H = 1.0296530 nats; ln 3 = 1.0986123
  EXPECT_NEAR(*d.normalized_entropy.value, 0.9372306, 1e-7);
  EXPECT_DOUBLE_EQ(*d.imbalance_ratio.value, 2.5);
}

TEST(StatsClassDistribution, DeclaredClassWithNoRecordsCounts) {
  Counts counts{{"a", 50}, {"b", 30}, {"c", 20}, {"spam", 7}};
  std::vector<std::string> declared{"d", "c", "b", "a", "b"};
  ClassDistribution d = class_distribution(counts, declared);
  EXPECT_EQ(d.n, 100u);  // "spam" is outside the declared classes
  ASSERT_EQ(d.classes.size(), 4u);
  EXPECT_EQ(d.classes[0].label, "d");
  EXPECT_EQ(d.classes[0].count, 0u);
  EXPECT_EQ(d.undeclared, (Counts{{"spam", 7}}));
  // 1 - [(1/2-1/4)^2 + (3/10-1/4)^2 + (1/5-1/4)^2 + (0-1/4)^2] = 1 - 0.13
  EXPECT_NEAR(*d.class_balance.value, 0.87, 1e-12);
  EXPECT_NEAR(*d.normalized_entropy.value, 1.0296530 / std::log(4.0), 1e-7);
  EXPECT_FALSE(d.imbalance_ratio.defined());
  EXPECT_NE(d.imbalance_ratio.note.find("'d'"), std::string::npos);
}

TEST(StatsClassDistribution, PerfectBalanceAndWorstCase) {
  ClassDistribution even = class_distribution(Counts{{"x", 5}, {"y", 5}});
  EXPECT_DOUBLE_EQ(*even.class_balance.value, 1.0);
  EXPECT_DOUBLE_EQ(*even.normalized_entropy.value, 1.0);
  EXPECT_DOUBLE_EQ(*even.imbalance_ratio.value, 1.0);
  // All records in one of C declared classes: balance 1 - (C-1)/C = 1/C, entropy 0.
  std::vector<std::string> declared{"x", "y", "z", "w"};
  ClassDistribution worst = class_distribution(Counts{{"x", 9}}, declared);
  EXPECT_NEAR(*worst.class_balance.value, 0.25, 1e-12);
  EXPECT_DOUBLE_EQ(*worst.normalized_entropy.value, 0.0);
}

TEST(StatsClassDistribution, OneClassAndNoRecords) {
  ClassDistribution one = class_distribution(Counts{{"only", 12}, {"ghost", 0}});
  ASSERT_EQ(one.classes.size(), 1u);  // a zero count is not an observed label
  EXPECT_DOUBLE_EQ(*one.class_balance.value, 1.0);
  EXPECT_FALSE(one.normalized_entropy.defined());
  EXPECT_FALSE(one.normalized_entropy.note.empty());
  EXPECT_DOUBLE_EQ(*one.imbalance_ratio.value, 1.0);

  std::vector<std::string> declared{"a", "b"};
  ClassDistribution none = class_distribution(Counts{}, declared);
  EXPECT_EQ(none.n, 0u);
  EXPECT_FALSE(none.class_balance.defined());
  EXPECT_FALSE(none.normalized_entropy.defined());
  EXPECT_FALSE(none.imbalance_ratio.defined());
  EXPECT_FALSE(none.classes[0].share.defined());
  EXPECT_FALSE(class_distribution(Counts{}).class_balance.defined());
}

// ---- coverage ---------------------------------------------------------------------------------

TEST(StatsCoverage, MissingClassAndOutsideValues) {
  Counts seen{{"a", 3}, {"b", 1}, {"c", 0}, {"x", 2}};
  std::vector<std::string> domain{"a", "b", "c", "d", "a"};
  Coverage c = coverage(seen, domain);
  EXPECT_EQ(c.domain, 4u);
  EXPECT_EQ(c.present, 2u);
  EXPECT_DOUBLE_EQ(*c.coverage.value, 0.5);
  EXPECT_EQ(c.missing, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(c.outside, 1u);
  EXPECT_FALSE(coverage(seen, {}).coverage.defined());
}

// ---- QuantileSketch ---------------------------------------------------------------------------

TEST(StatsQuantileSketch, ExactBelow256) {
  QuantileSketch s;
  for (uint64_t v = 0; v < 256; ++v) s.add(255 - v);
  EXPECT_EQ(s.count(), 256u);
  EXPECT_DOUBLE_EQ(*s.quantile(0.0).value, 0.0);
  EXPECT_DOUBLE_EQ(*s.quantile(0.1).value, 25.0);  // rank floor(0.1 * 255) = 25
  EXPECT_DOUBLE_EQ(*s.quantile(0.5).value, 127.0);
  EXPECT_DOUBLE_EQ(*s.quantile(0.9).value, 229.0);
  EXPECT_DOUBLE_EQ(*s.quantile(1.0).value, 255.0);
  Quantiles q = s.summary();
  json j = q;
  EXPECT_EQ(j.dump(), R"({"max":255.0,"min":0.0,"p10":25.0,"p50":127.0,"p90":229.0})");
}

TEST(StatsQuantileSketch, EmptyIsUndefined) {
  QuantileSketch s;
  EXPECT_FALSE(s.quantile(0.5).defined());
  json j = s.summary();
  EXPECT_TRUE(j["p50"].is_null());
  s.add(7);
  EXPECT_FALSE(s.quantile(1.5).defined());
}

TEST(StatsQuantileSketch, RelativeErrorBoundOnWideRange) {
  Rng rng(11);
  std::vector<uint64_t> values;
  QuantileSketch s;
  for (int i = 0; i < 200000; ++i) {
    // Log-uniform from 1 to 2^40: every octave and bucket width is exercised.
    uint64_t v = static_cast<uint64_t>(std::exp2(rng.uniform01() * 40.0));
    values.push_back(v);
    s.add(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0}) {
    double truth = static_cast<double>(values[static_cast<size_t>(std::floor(q * (values.size() - 1)))]);
    double est = *s.quantile(q).value;
    EXPECT_LE(std::fabs(est - truth), QuantileSketch::kRelativeError * truth) << "q=" << q;
  }
  EXPECT_LE(s.bucket_count(), QuantileSketch::kMaxBuckets);
  s.add(UINT64_MAX);
  EXPECT_EQ(s.bucket_count(), QuantileSketch::kMaxBuckets);
  EXPECT_EQ(*s.quantile(1.0).value, static_cast<double>(UINT64_MAX));
}

TEST(StatsQuantileSketch, MergeEqualsSinglePass) {
  Rng rng(5);
  QuantileSketch whole, a, b, c;
  for (int i = 0; i < 30000; ++i) {
    uint64_t v = rng.uniform(1'000'000);
    whole.add(v);
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(v);
  }
  QuantileSketch merged = c;
  merged.merge(a);
  merged.merge(b);
  EXPECT_EQ(merged, whole);
  EXPECT_EQ(merged.to_json().dump(), whole.to_json().dump());
  for (double q : {0.1, 0.5, 0.9}) EXPECT_EQ(*merged.quantile(q).value, *whole.quantile(q).value);
}

TEST(StatsQuantileSketch, JsonRoundTripAndValidation) {
  QuantileSketch s;
  for (uint64_t v : {3u, 3u, 900u, 70000u, 12u}) s.add(v);
  Result<QuantileSketch> back = QuantileSketch::from_json(s.to_json());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, s);
  EXPECT_TRUE(QuantileSketch::from_json(QuantileSketch{}.to_json()).ok());

  json bad = s.to_json();
  bad["count"] = 4;
  EXPECT_EQ(QuantileSketch::from_json(bad).status().code(), StatusCode::bad_input);
  bad = s.to_json();
  bad["precision_bits"] = 6;
  EXPECT_FALSE(QuantileSketch::from_json(bad).ok());
  bad = s.to_json();
  bad["min"] = 1000;
  EXPECT_FALSE(QuantileSketch::from_json(bad).ok());
}

// ---- KeySet ----------------------------------------------------------------------------------

TEST(StatsKeySet, InsertContainsGrowAndFlags) {
  KeySet set;
  std::vector<hash::Key128> keys;
  for (int i = 0; i < 50000; ++i) keys.push_back(hash::xxh3_128(std::to_string(i)));
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_TRUE(set.insert(keys[i], i % 2 == 0));
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_FALSE(set.insert(keys[i], false));
  EXPECT_EQ(set.size(), 50000u);
  EXPECT_EQ(set.flagged(), 25000u);
  EXPECT_EQ(set.flag(keys[2]), std::optional<bool>(true));  // the first insertion's flag stays
  EXPECT_EQ(set.flag(keys[3]), std::optional<bool>(false));
  EXPECT_FALSE(set.contains(hash::xxh3_128("not there")));
  // 16-byte slots at most 3/4 full and at least 3/8 full.
  EXPECT_LE(set.memory_bytes(), 50000u * 16 * 8 / 3);
  EXPECT_GE(set.memory_bytes(), 50000u * 16 * 4 / 3);
}

TEST(StatsKeySet, ZeroKeyAndTopBitAreKeys) {
  KeySet set;
  EXPECT_TRUE(set.insert({0, 0}));
  EXPECT_TRUE(set.contains({0, 0}));
  EXPECT_FALSE(set.contains({2, 0}));
  EXPECT_TRUE(set.insert({5, 9}, true));
  EXPECT_TRUE(set.contains({5, 9 | (uint64_t{1} << 63)}));  // compared on 127 bits
  EXPECT_EQ(set.size(), 2u);
}

TEST(StatsKeySet, MergeKeepsEarlierFlagAndHexIsCanonical) {
  KeySet a, b, whole;
  hash::Key128 k1 = hash::xxh3_128("one"), k2 = hash::xxh3_128("two"), k3 = hash::xxh3_128("three");
  a.insert(k1, true);
  a.insert(k2, false);
  b.insert(k2, true);
  b.insert(k3, true);
  whole.insert(k3, true);  // another order, same first flags as a then b
  whole.insert(k1, true);
  whole.insert(k2, false);
  a.merge(b);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a.flag(k2), std::optional<bool>(false));
  EXPECT_EQ(a, whole);
  EXPECT_EQ(a.to_hex(), whole.to_hex());
  EXPECT_EQ(a.to_hex().size(), 96u);

  Result<KeySet> back = KeySet::from_hex(a.to_hex());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, a);
  EXPECT_FALSE(KeySet::from_hex("abc").ok());
  EXPECT_FALSE(KeySet::from_hex(std::string(31, '0') + "g").ok());
  EXPECT_FALSE(KeySet::from_hex(a.to_hex().substr(0, 32) + a.to_hex().substr(0, 32)).ok());

  // The binary form: the same keys and flags in the same order, 16 bytes each, little-endian.
  std::string bytes = a.to_bytes();
  ASSERT_EQ(bytes.size(), 48u);
  EXPECT_EQ(whole.to_bytes(), bytes);
  std::string hex = a.to_hex();
  for (size_t k = 0; k < 3; ++k) {
    for (int b = 0; b < 16; ++b) {
      // Byte b of the high word (b < 8) or low word is hex digit pair 14 - 2b (high) / 30 - 2(b-8) (low).
      size_t digit = b < 8 ? 14 - 2 * b : 30 - 2 * (b - 8);
      unsigned value = std::stoul(hex.substr(k * 32 + digit, 2), nullptr, 16);
      ASSERT_EQ(static_cast<unsigned char>(bytes[k * 16 + b]), value) << "key " << k << " byte " << b;
    }
  }
  Result<KeySet> from_bytes = KeySet::from_bytes(bytes);
  ASSERT_TRUE(from_bytes.ok());
  EXPECT_EQ(*from_bytes, a);
  EXPECT_EQ(from_bytes->flagged(), a.flagged());
  EXPECT_FALSE(KeySet::from_bytes(bytes.substr(0, 20)).ok());
  EXPECT_FALSE(KeySet::from_bytes(bytes.substr(0, 16) + bytes.substr(0, 16)).ok());
  EXPECT_TRUE(KeySet::from_bytes("")->size() == 0);
}

// ---- PartialState -----------------------------------------------------------------------------

hash::Key128 key(std::string_view text) { return hash::xxh3_128(text); }

TEST(StatsPartialState, NoiseFromEachSourceCountedOnce) {
  PartialState s;
  const NoiseMask rejected = noise_bit(NoiseSource::rejected);
  EXPECT_FALSE(s.add_record(0, key("A")));                 // clean
  EXPECT_TRUE(s.add_record(0, key("A")));                  // repeat: noisy
  EXPECT_FALSE(s.add_record(rejected, key("B")));          // rejected
  EXPECT_TRUE(s.add_record(0, key("B")));                  // repeat of a noisy first: noisy
  EXPECT_FALSE(s.add_record(rejected | noise_bit(NoiseSource::unknown_label), key("C")));
  EXPECT_TRUE(s.add_record(rejected, key("C")));           // rejected and a repeat: once
  s.add_record(noise_bit(NoiseSource::malformed), std::nullopt);
  s.add_record(noise_bit(NoiseSource::empty_text), key(""));
  s.add_record(noise_bit(NoiseSource::missing_label), key("D"));
  s.add_record(noise_bit(NoiseSource::label_issue), key("E"));
  s.add_record(noise_bit(NoiseSource::user_flag), key("F"));
  s.add_record(0, key("G"));  // clean
  EXPECT_EQ(s.n, 12u);
  EXPECT_EQ(s.duplicates(), 3u);
  EXPECT_EQ(s.noisy(), 10u);
  EXPECT_NEAR(*s.noise_ratio().value, 10.0 / 12.0, 1e-15);
  EXPECT_NEAR(*s.duplicate_ratio().value, 3.0 / 12.0, 1e-15);
  EXPECT_EQ(s.noise_count(NoiseSource::rejected), 3u);
  EXPECT_EQ(s.noise_count(NoiseSource::unknown_label), 1u);
  for (NoiseSource src : {NoiseSource::malformed, NoiseSource::label_issue, NoiseSource::empty_text,
                          NoiseSource::missing_label, NoiseSource::user_flag})
    EXPECT_EQ(s.noise_count(src), 1u) << noise_source_name(src);
  EXPECT_FALSE(PartialState{}.noise_ratio().defined());
}

// Records with labels, lengths, noise and texts drawn so that repeats cross shard boundaries.
PartialState run(size_t begin, size_t end) {
  PartialState s;
  Rng rng(99);
  for (size_t i = 0; i < end; ++i) {
    uint64_t text = rng.uniform(300), label = rng.uniform(4), noise = rng.uniform(8), len = rng.uniform(5000);
    if (i < begin) continue;
    NoiseMask mask = noise < 5 ? 0 : noise_bit(static_cast<NoiseSource>(noise - 4));
    s.add_record(mask, noise == 7 ? std::nullopt : std::optional(key("t" + std::to_string(text))));
    add(s.classes, "c" + std::to_string(label));
    if (label == 3) add(s.missing_fields, "input");
    add(s.values, "v" + std::to_string(text % 7));
    add(s.languages, label == 0 ? "de" : "en");
    add(s.counters, "annotated", 2);
    s.sketch("chars").add(len);
    s.sketch("chars/c" + std::to_string(label)).add(len);
  }
  return s;
}

TEST(StatsPartialState, MergeOfShardsEqualsSinglePass) {
  const PartialState whole = run(0, 3000);
  PartialState merged = merge(merge(run(0, 700), run(700, 1800)), run(1800, 3000));
  EXPECT_EQ(merged, whole);
  EXPECT_EQ(merged.to_json().dump(), whole.to_json().dump());
  EXPECT_EQ(merged.noisy(), whole.noisy());
  EXPECT_EQ(merged.duplicates(), whole.duplicates());
  EXPECT_GT(whole.duplicates(), 2000u);  // 300 distinct texts
  // Whether a repeat is noisy depends on which occurrence came first: shard order matters.
  PartialState reversed = merge(run(700, 3000), run(0, 700));
  EXPECT_EQ(reversed.duplicates(), whole.duplicates());
  EXPECT_EQ(reversed.n, whole.n);
}

TEST(StatsPartialState, JsonRoundTripAndValidation) {
  const PartialState s = run(0, 500);
  json j = s.to_json();
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["keys"]["count"], s.keys.size());
  Result<PartialState> back = PartialState::from_json(json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, s);

  json bad = j;
  bad["version"] = 2;
  EXPECT_EQ(PartialState::from_json(bad).status().code(), StatusCode::bad_input);
  bad = j;
  bad["n"] = -1;
  EXPECT_FALSE(PartialState::from_json(bad).ok());
  bad = j;
  bad["classes"]["c0"] = "many";
  EXPECT_FALSE(PartialState::from_json(bad).ok());
  bad = j;
  bad["noise"]["keyed"] = 0;  // fewer keyed records than distinct keys
  EXPECT_FALSE(PartialState::from_json(bad).ok());
  bad = j;
  bad["sketches"]["chars"]["count"] = 1;
  EXPECT_FALSE(PartialState::from_json(bad).ok());
  EXPECT_FALSE(PartialState::from_json(json::array()).ok());
}

}  // namespace
}  // namespace dqprep::stats
