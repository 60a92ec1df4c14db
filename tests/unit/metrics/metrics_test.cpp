#include "dqprep/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>
#include <utility>

#include "dqprep/util/hash.hpp"
#include "dqprep/io/io.hpp"

namespace dqprep::metrics {
namespace {

using report::Json;
using stats::NoiseSource;
using stats::noise_bit;

// A state of `counts` labelled, clean, distinct records.
RunState labelled_run(const std::vector<std::pair<std::string, uint64_t>>& counts) {
  RunState run;
  uint64_t i = 0;
  for (const auto& [label, n] : counts) {
    for (uint64_t k = 0; k < n; ++k) {
      run.state.add_record(0, hash::xxh3_128("text " + std::to_string(i++)));
      stats::add(run.state.classes, label);
    }
  }
  run.state.counters[std::string(kParsed)] = i;
  return run;
}

Json report_of(const RunState& run, ReportOptions options = {}) {
  Result<report::Summary> s = summarize(run, options);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return report::to_json(*s);
}

TEST(MetricsSummary, ThreeClassBalanceByHand) {
  // 6/3/1 records: 1 - ((0.6 - 1/3)^2 + (0.3 - 1/3)^2 + (0.1 - 1/3)^2) = 1 - 0.126667 = 0.873333.
  Json r = report_of(labelled_run({{"a", 6}, {"b", 3}, {"c", 1}}));
  EXPECT_NEAR(r["class_balance"].get<double>(), 0.873333333, 1e-9);
  // -(0.6 ln 0.6 + 0.3 ln 0.3 + 0.1 ln 0.1) / ln 3 = 0.897946 / 1.098612
  EXPECT_NEAR(r["normalized_entropy"].get<double>(), 0.8979457 / 1.0986123, 1e-6);
  EXPECT_DOUBLE_EQ(r["imbalance_ratio"].get<double>(), 6.0);
  EXPECT_EQ(r["classes"].dump(), R"({"a":6,"b":3,"c":1})");
  EXPECT_EQ(r["class_share"].dump(), R"({"a":0.6,"b":0.3,"c":0.1})");
  EXPECT_EQ(r["num_classes"], 3);
  EXPECT_EQ(r["labelled"], 10);
  EXPECT_EQ(r["min_class_count"], 1);
  EXPECT_EQ(r["max_class_count"], 6);
  // No declared domain: coverage is undefined, with the reason.
  EXPECT_TRUE(r["coverage"].is_null());
  EXPECT_EQ(r["notes"]["coverage"], "no declared label domain: give --labels A,B,...");
  EXPECT_EQ(r["noise_ratio"], 0.0);
  EXPECT_EQ(r["duplicate_ratio"], 0.0);
}

TEST(MetricsSummary, DeclaredClassWithoutRecordsLowersCoverageAndBalance) {
  RunState run = labelled_run({{"a", 6}, {"b", 3}, {"c", 1}});
  run.config.labels = {"a", "b", "c", "d"};
  Json r = report_of(run, {2});
  // Four classes, d empty: 1 - (0.35^2 + 0.05^2 + 0.15^2 + 0.25^2) = 1 - 0.21 = 0.79.
  EXPECT_NEAR(r["class_balance"].get<double>(), 0.79, 1e-12);
  EXPECT_DOUBLE_EQ(r["coverage"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(r["label_coverage"].get<double>(), 0.75);
  EXPECT_EQ(r["label_coverage_missing"].dump(), R"(["d"])");
  EXPECT_TRUE(r["imbalance_ratio"].is_null());
  EXPECT_EQ(r["notes"]["imbalance_ratio"], "class 'd' has no records");
  EXPECT_EQ(r["classes"].dump(), R"({"a":6,"b":3,"c":1,"d":0})");
  EXPECT_EQ(r["small_classes"].dump(), R"(["c","d"])");  // --min-per-class 2
  std::vector<std::string> w = warnings(r);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[1], "class 'd' has 0 records, fewer than --min-per-class 2");
}

TEST(MetricsSummary, FieldCoverageListsMissingAndCountsOutside) {
  RunState run = labelled_run({{"a", 2}});
  run.config.coverage_field = "source";
  run.config.domain = {"web", "app", "email", "app"};
  run.state.values = {{"web", 3}, {"app", 1}, {"fax", 2}};
  Json r = report_of(run);
  EXPECT_DOUBLE_EQ(r["field_coverage"].get<double>(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r["coverage"].get<double>(), 2.0 / 3.0);  // the field's, when there is one
  EXPECT_EQ(r["field_coverage_missing"].dump(), R"(["email"])");
  EXPECT_EQ(r["field_values_outside_domain"], 1);
}

TEST(MetricsSummary, NoiseFromEachSourceAndRepeats) {
  RunState run;
  stats::PartialState& s = run.state;
  run.config.labels = {"a"};
  s.add_record(noise_bit(NoiseSource::malformed), std::nullopt);
  s.add_record(noise_bit(NoiseSource::rejected), hash::xxh3_128("r"));
  s.add_record(noise_bit(NoiseSource::label_issue) | noise_bit(NoiseSource::unknown_label), hash::xxh3_128("l"));
  s.add_record(noise_bit(NoiseSource::empty_text), std::nullopt);
  s.add_record(noise_bit(NoiseSource::missing_label), hash::xxh3_128("m"));
  s.add_record(noise_bit(NoiseSource::user_flag), hash::xxh3_128("u"));
  s.add_record(0, hash::xxh3_128("clean"));
  s.add_record(0, hash::xxh3_128("clean"));  // a repeat: noisy
  s.add_record(noise_bit(NoiseSource::user_flag), hash::xxh3_128("clean"));  // a repeat, noisy once
  s.add_record(0, hash::xxh3_128("other"));
  s.counters[std::string(kParsed)] = 9;
  Json r = report_of(run);
  EXPECT_EQ(r["n"], 10);
  EXPECT_EQ(r["in"], 10);
  EXPECT_EQ(r["quarantined"], 1);
  EXPECT_EQ(r["out"], 9);
  EXPECT_EQ(r["noisy"], 8);
  EXPECT_DOUBLE_EQ(r["noise_ratio"].get<double>(), 0.8);
  EXPECT_EQ(r["duplicates"], 2);
  EXPECT_DOUBLE_EQ(r["duplicate_ratio"].get<double>(), 0.2);
  EXPECT_EQ(r["noise"].dump(),
            R"({"malformed":1,"rejected":1,"label_issue":1,"empty_text":1,"missing_label":1,"unknown_label":1,"user_flag":2,"duplicate":2})");
}

TEST(MetricsSummary, AnnotationConsistencyAndUndefinedFigures) {
  RunState run = labelled_run({{"a", 4}});
  Json r = report_of(run);
  EXPECT_TRUE(r["annotation_consistency"].is_null());
  EXPECT_EQ(r["notes"]["annotation_consistency"], "no --annotations-field");
  run.config.annotations_field = "annotations";
  r = report_of(run);
  EXPECT_EQ(r["notes"]["annotation_consistency"], "no item has two or more annotations");
  run.state.counters[std::string(kAnnotated)] = 4;
  run.state.counters[std::string(kAgreeing)] = 3;
  r = report_of(run);
  EXPECT_DOUBLE_EQ(r["annotation_consistency"].get<double>(), 0.75);
  // One class: balance is 1 - (1 - 1)^2 = 1, entropy 0/0 is undefined.
  EXPECT_DOUBLE_EQ(r["class_balance"].get<double>(), 1.0);
  EXPECT_TRUE(r["normalized_entropy"].is_null());

  RunState unlabeled;
  unlabeled.config.label_field = "";
  r = report_of(unlabeled);
  EXPECT_TRUE(r["class_balance"].is_null());
  EXPECT_EQ(r["notes"]["class_balance"], "--unlabeled: labels are not read");
  EXPECT_TRUE(r["noise_ratio"].is_null());
  EXPECT_EQ(r["notes"]["noise_ratio"], "no records");
  EXPECT_TRUE(r["lengths"]["chars"]["p50"].is_null());
}

TEST(MetricsSummary, LengthQuantilesExactBelow256) {
  RunState run = labelled_run({{"a", 10}});
  for (uint64_t v = 1; v <= 10; ++v) run.state.sketch(kCharsSketch).add(v * 10);
  Json r = report_of(run);
  // Rank floor(q (n - 1)): p10 -> rank 0, p50 -> rank 4, p90 -> rank 8.
  EXPECT_EQ(r["lengths"]["chars"].dump(), R"({"min":10.0,"p10":10.0,"p50":50.0,"p90":90.0,"max":100.0})");
}

TEST(MetricsSummary, NearDuplicatesAreLaterMembersOfLshClusters) {
  RunState run;
  run.config.near = true;
  run.config.bands = 2;
  run.config.num_perm = 4;
  run.near = lsh::Index(2);
  const std::vector<std::vector<uint64_t>> rows = {{1, 2}, {1, 9}, {5, 6}, {7, 9}, {8, 8}};
  for (size_t i = 0; i < rows.size(); ++i) {
    run.state.add_record(0, hash::xxh3_128("t" + std::to_string(i)));
    ASSERT_TRUE(run.near.add(rows[i]).ok());
  }
  Json r = report_of(run);
  // {0, 1, 3} share band keys (0-1 in band 0, 1-3 in band 1); 2 and 4 stand alone.
  EXPECT_EQ(r["near_duplicates"], 2);
  EXPECT_DOUBLE_EQ(r["near_duplicate_ratio"].get<double>(), 0.4);
  // The band keys must match the records with text.
  run.state.add_record(0, hash::xxh3_128("more"));
  EXPECT_FALSE(summarize(run, {}).ok());
}

// Verified: a candidate pair is a near duplicate when the Jaccard of the shingle sets reaches
// near_threshold; the report says which threshold, or why none.
TEST(MetricsSummary, NearDuplicatesVerifiedOnShingleSets) {
  RunState run;
  run.config.near = run.config.near_verify = true;
  run.config.bands = 2;
  run.config.num_perm = 4;
  run.near = lsh::Index(2);
  run.sets = std::make_shared<shingle_sets::Spill>();
  ASSERT_TRUE(run.sets->open().ok());
  // All four share band 0. Against record 0: J(1) = 4/5, J(2) = 3/5, J(3) = 1/7.
  const std::vector<std::vector<uint32_t>> sets = {{1, 2, 3, 4}, {1, 2, 3, 4, 5}, {1, 2, 3, 5}, {1, 7, 8, 9}};
  for (size_t i = 0; i < sets.size(); ++i) {
    run.state.add_record(0, hash::xxh3_128("t" + std::to_string(i)));
    ASSERT_TRUE(run.near.add(std::vector<uint64_t>{1, 10 + i}).ok());
    std::string stored;
    shingle_sets::append_stored(stored, sets[i]);
    run.set_at.push_back(run.sets->append(stored));
  }
  for (auto [threshold, want] : {std::pair{0.8, 1}, std::pair{0.6, 2}, std::pair{0.1, 3}, std::pair{0.81, 0}}) {
    run.config.near_threshold = threshold;
    Json r = report_of(run);
    EXPECT_EQ(r["near_duplicates"], want) << threshold;
    EXPECT_EQ(r["near_threshold"], threshold);
  }
  run.config.near_verify = false;
  Json r = report_of(run);
  EXPECT_EQ(r["near_duplicates"], 3);
  EXPECT_TRUE(r["near_threshold"].is_null());
  EXPECT_EQ(r["notes"]["near_threshold"], "--no-verify: LSH candidates are counted unchecked");
  // Sets missing for a record: refused, not counted unchecked.
  run.config.near_verify = true;
  run.set_at.pop_back();
  EXPECT_FALSE(summarize(run, {}).ok());
}

TEST(MetricsSummary, KeysInDocumentedOrder) {
  Json r = report_of(labelled_run({{"a", 1}}));
  std::vector<std::string> keys;
  for (const auto& [k, v] : r.items()) keys.push_back(k);
  const std::vector<std::string> want = {
      "stage", "in", "out", "rejected", "quarantined", "seconds", "empty_lines", "version", "n",
      "class_balance", "coverage", "noise_ratio", "annotation_consistency", "duplicate_ratio",
      "near_duplicate_ratio", "normalized_entropy", "imbalance_ratio", "label_coverage", "field_coverage",
      "num_classes", "labelled", "min_class_count", "max_class_count", "noisy", "duplicates", "near_duplicates",
      "near_threshold", "annotated_items", "agreeing_items", "noise", "classes", "class_share", "undeclared_classes",
      "label_coverage_missing", "field_coverage_missing", "field_values_outside_domain", "small_classes",
      "min_per_class", "missing_fields", "lengths", "lengths_by_class", "turns", "languages", "tokenizer", "tokens", "tokens_by_class",
      "tokens_by_split", "tokens_per_turn", "pii", "notes", "rules"};
  EXPECT_EQ(keys, want);
  EXPECT_EQ(r["version"], kReportVersion);
  // Every null figure has a note.
  for (const auto& [k, v] : r.items())
    if (v.is_null()) EXPECT_TRUE(r["notes"].contains(k)) << k;
}

struct TempDir {
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "dqprep-metrics-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

// Records i of text "t(i % 7)"; with near, band keys (i % 7, 100 + i % 4), so band 1 joins records of
// different texts; with verify, shingle sets of three values a text: the same for the same text,
// disjoint otherwise.
RunState shard(int first, int count, bool near, bool verify = false) {
  RunState run;
  run.config.near = near;
  run.config.near_verify = verify;
  run.config.bands = 2;
  run.config.num_perm = 4;
  run.near = lsh::Index(near ? 2 : 0);
  if (verify) {
    run.sets = std::make_shared<shingle_sets::Spill>();
    EXPECT_TRUE(run.sets->open().ok());
  }
  for (int i = first; i < first + count; ++i) {
    std::string text = "t" + std::to_string(i % 7);  // repeats within and across shards
    run.state.add_record(i % 5 == 0 ? noise_bit(NoiseSource::rejected) : 0, hash::xxh3_128(text));
    stats::add(run.state.classes, i % 3 ? "a" : "b");
    run.state.sketch(kCharsSketch).add(static_cast<uint64_t>(i * 37));
    if (near) {
      std::vector<uint64_t> keys = {static_cast<uint64_t>(i % 7), static_cast<uint64_t>(100 + i % 4)};
      EXPECT_TRUE(run.near.add(keys).ok());
    }
    if (verify) {
      const auto t = static_cast<uint32_t>(i % 7);
      std::string stored;
      shingle_sets::append_stored(stored, std::vector<uint32_t>{10 * t, 10 * t + 1, 10 * t + 2});
      run.set_at.push_back(run.sets->append(stored));
    }
  }
  run.state.counters[std::string(kParsed)] = static_cast<uint64_t>(count);
  return run;
}

TEST(MetricsPartial, FileRoundTripAndMergeEqualsOneRun) {
  TempDir dir;
  for (auto [near, verify] : {std::pair{false, false}, std::pair{true, false}, std::pair{true, true}}) {
    RunState whole = shard(0, 60, near, verify);
    RunState a = shard(0, 25, near, verify), b = shard(25, 35, near, verify);
    for (std::string name : {"a.state", "b.state.zst"}) {
      const RunState& part = name[0] == 'a' ? a : b;
      ASSERT_TRUE(write_partial(dir.file(name), part).ok());
      Result<RunState> back = read_partial(dir.file(name));
      ASSERT_TRUE(back.ok()) << back.status().message();
      EXPECT_EQ(back->config, part.config);
      EXPECT_TRUE(back->state == part.state);
      ASSERT_EQ(back->near.size(), part.near.size());
      ASSERT_EQ(back->set_at.size(), part.set_at.size());
    }
    RunState merged = *read_partial(dir.file("a.state"));
    ASSERT_TRUE(merge(merged, *read_partial(dir.file("b.state.zst")), "b.state.zst").ok());
    EXPECT_TRUE(merged.state == whole.state);
    Json m = report_of(merged), w = report_of(whole);
    EXPECT_EQ(m.dump(), w.dump());
    // Unverified, band 1 joins records of different texts; verified, only the repeats of a text join.
    if (near && !verify) EXPECT_GT(w["near_duplicates"].get<uint64_t>(), w["duplicates"].get<uint64_t>());
    if (verify) EXPECT_EQ(w["near_duplicates"].get<uint64_t>(), w["duplicates"].get<uint64_t>());
    // A state merged with itself (a copy of a RunState shares its file of sets) reports what two
    // independent states of the same records do.
    RunState twice = merged;
    ASSERT_TRUE(merge(twice, merged, "again").ok());
    RunState apart = shard(0, 60, near, verify);
    ASSERT_TRUE(merge(apart, shard(0, 60, near, verify), "apart").ok());
    EXPECT_EQ(report_of(twice).dump(), report_of(apart).dump());
  }
}

// `bytes` with the checksum of a partial-state file recomputed: a crafted file, not a damaged one.
std::string with_checksum(std::string bytes) {
  bytes.resize(bytes.size() - 8);
  uint64_t sum = hash::xxh3_64(bytes);
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((sum >> (8 * i)) & 0xFF));
  return bytes;
}

TEST(MetricsPartial, DamagedOrForeignFilesAreBadInput) {
  TempDir dir;
  RunState run = shard(0, 20, true);
  ASSERT_TRUE(write_partial(dir.file("s.state"), run).ok());
  Result<std::string> bytes = io::read_bytes(dir.file("s.state"));
  ASSERT_TRUE(bytes.ok());
  auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir.file(name), std::ios::binary) << content;
    return dir.file(name);
  };
  auto message = [&](const std::string& path) {
    Result<RunState> r = read_partial(path);
    EXPECT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.status().code(), StatusCode::bad_input) << path;
    return r.status().message();
  };
  EXPECT_EQ(message(write("cut", bytes->substr(0, bytes->size() - 5))),
            dir.file("cut") + ": damaged partial-state file (its checksum does not match)");
  EXPECT_EQ(message(write("cut-header", bytes->substr(0, 100))),
            dir.file("cut-header") + ": damaged partial-state file (truncated: its header line does not end)");
  EXPECT_NE(message(write("jsonl", "{\"text\": \"a record\"}\n")).find("not a metrics partial state"), std::string::npos);
  EXPECT_EQ(bytes->rfind("{\"format\":\"dqprep-metrics-partial\",\"version\":3,", 0), 0u);  // says what it is first
  std::string v9 = *bytes;
  v9.replace(v9.find("\"version\":3"), 11, "\"version\":9");  // the header's, before the state's own
  EXPECT_NE(message(write("v9", v9)).find("damaged partial-state file (format version 9"), std::string::npos);
  std::string v1 = *bytes;
  v1.replace(v1.find("\"version\":3"), 11, "\"version\":1");
  EXPECT_EQ(message(write("v1", v1)), dir.file("v1") + ": written by an older dqprep (format version 1); re-create "
                                                      "it with `dqprep metrics --partial`");
  // A key block with a key twice, under a valid checksum.
  size_t header_end = bytes->find('\n') + 1;
  std::string twice = *bytes;
  twice.replace(header_end + 16, 16, bytes->substr(header_end, 16));
  EXPECT_NE(message(write("twice", with_checksum(twice))).find("a key appears twice"), std::string::npos);
}

// Every byte of a partial state changed (three ways), and every truncation, is refused as bad
// input (as damaged, or as not a partial state when the format name is hit). Compressed, a change
// is refused, by the checksum or the decompressor, or leaves the content as it was: a few bytes
// of a zstd frame header (the window size) do not change what it decompresses to.
TEST(MetricsPartial, EveryChangedByteIsDetected) {
  TempDir dir;
  const RunState run = shard(0, 12, true);
  for (std::string name : {"s.state", "s.state.zst"}) {
    ASSERT_TRUE(write_partial(dir.file(name), run).ok());
    std::ifstream in(dir.file(name), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const std::string path = dir.file("x");
    for (size_t at = 0; at < bytes.size(); ++at) {
      for (unsigned char flip : {0x01, 0x80, 0xFF}) {
        std::string changed = bytes;
        changed[at] = static_cast<char>(changed[at] ^ flip);
        std::ofstream(path, std::ios::binary) << changed;
        Result<RunState> r = read_partial(path);
        if (r.ok() && name == "s.state.zst") {
          EXPECT_TRUE(r->state == run.state && r->config == run.config && r->near.size() == run.near.size())
              << name << ": byte " << at << " ^ " << int(flip) << " changed the state unnoticed";
          continue;
        }
        ASSERT_FALSE(r.ok()) << name << ": byte " << at << " ^ " << int(flip) << " went unnoticed";
        EXPECT_EQ(r.status().code(), StatusCode::bad_input) << r.status().message();
        if (name == "s.state" && r.status().message().find("not a metrics partial state") == std::string::npos)
          EXPECT_EQ(r.status().message().rfind(path + ": damaged partial-state file (", 0), 0u) << r.status().message();
      }
    }
    for (size_t size = 0; size < bytes.size(); ++size) {
      std::ofstream(path, std::ios::binary) << bytes.substr(0, size);
      EXPECT_FALSE(read_partial(path).ok()) << name << ": cut at " << size;
    }
  }
}

// States crafted with a valid checksum but counts no run makes: a class of more records than the
// state has gave shares above 1 and a hugely negative class_balance.
TEST(MetricsPartial, CraftedCountsAreRefused) {
  TempDir dir;
  RunState run = labelled_run({{"a", 3}, {"b", 2}});
  run.state.classes["a"] = UINT64_MAX - 1;  // with b's 2, the sum of the classes wraps around to 0
  ASSERT_TRUE(write_partial(dir.file("huge.state"), run).ok());
  Result<RunState> r = read_partial(dir.file("huge.state"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::bad_input);
  EXPECT_EQ(r.status().message().rfind(dir.file("huge.state") + ": damaged partial-state file (", 0), 0u)
      << r.status().message();

  run = labelled_run({{"a", 3}});
  run.state.counters[std::string(kAnnotated)] = 1000;
  ASSERT_TRUE(write_partial(dir.file("annotated.state"), run).ok());
  EXPECT_EQ(read_partial(dir.file("annotated.state")).status().code(), StatusCode::bad_input);

  // Two states whose record counts add past 2^64.
  RunState big = labelled_run({{"a", 1}}), bigger = labelled_run({{"a", 1}});
  big.state.n = bigger.state.n = uint64_t{1} << 63;
  Status s = merge(big, bigger, "bigger.state");
  EXPECT_EQ(s.code(), StatusCode::bad_input);
  EXPECT_EQ(s.message(), "bigger.state: damaged partial-state file (its counts overflow the merge)");
}

// The key count of the header under a valid checksum, as any JSON value: it threw (an uncaught
// nlohmann::json::type_error, abort) when it was not a number. Found by fuzz/fuzz_binary_files.
TEST(MetricsPartial, KeyCountOfAnyJsonTypeIsBadInput) {
  TempDir dir;
  ASSERT_TRUE(write_partial(dir.file("s.state"), labelled_run({{"a", 3}, {"b", 2}})).ok());
  Result<std::string> bytes = io::read_bytes(dir.file("s.state"));
  ASSERT_TRUE(bytes.ok());
  const size_t at = bytes->find("\"keys\":{\"count\":");
  ASSERT_NE(at, std::string::npos);
  const size_t value = at + 16, end = bytes->find(',', value);
  for (std::string count : {"null", "\"5\"", "true", "[5]", "{}", "-5", "5.5", "99"}) {
    std::string crafted = *bytes;
    crafted.replace(value, end - value, count);
    std::ofstream(dir.file("x.state"), std::ios::binary) << with_checksum(crafted);
    Result<RunState> r = read_partial(dir.file("x.state"));
    ASSERT_FALSE(r.ok()) << count;
    EXPECT_EQ(r.status().message(),
              dir.file("x.state") + ": damaged partial-state file (the key block does not hold the number of keys of "
                                    "the header)")
        << count;
  }
}

// Block sizes whose sum wraps around 2^64 to the size of the blocks: they passed the size check and
// threw std::out_of_range (abort) cutting the band block. Found by fuzz/fuzz_binary_files.
TEST(MetricsPartial, BlockSizesThatWrapAroundAreBadInput) {
  TempDir dir;
  ASSERT_TRUE(write_partial(dir.file("s.state"), labelled_run({{"a", 3}, {"b", 2}})).ok());
  Result<std::string> bytes = io::read_bytes(dir.file("s.state"));
  ASSERT_TRUE(bytes.ok());
  const size_t blocks = bytes->find("\"blocks\":{"), end = bytes->find('}', blocks);
  ASSERT_NE(blocks, std::string::npos);
  const uint64_t size = bytes->size() - (bytes->find('\n') + 1) - 8;  // the key, band and set blocks
  const std::string big = "18446744073709551615", more = std::to_string(size + 1);
  for (auto [keys, bands, sets] : {std::tuple{big, more, std::string("0")}, std::tuple{std::string("0"), big, more},
                                   std::tuple{more, std::string("0"), big}}) {
    std::string crafted = *bytes;
    crafted.replace(blocks, end + 1 - blocks,
                    "\"blocks\":{\"keys\":" + keys + ",\"bands\":" + bands + ",\"sets\":" + sets + "}");
    std::ofstream(dir.file("x.state"), std::ios::binary) << with_checksum(crafted);
    Result<RunState> r = read_partial(dir.file("x.state"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), dir.file("x.state") + ": damaged partial-state file (the blocks hold " +
                                        std::to_string(size) + " bytes, the header says otherwise (keys " + keys +
                                        ", bands " + bands + ", sets " + sets + "))");
  }
}

// A state of version 2 (before the shingle sets: no "sets" block) reads as the same state.
TEST(MetricsPartial, VersionTwoStatesAreRead) {
  TempDir dir;
  const RunState run = shard(0, 20, true);
  ASSERT_TRUE(write_partial(dir.file("s.state"), run).ok());
  std::string v2 = *io::read_bytes(dir.file("s.state"));
  v2.replace(v2.find("\"version\":3"), 11, "\"version\":2");
  const size_t sets = v2.find(",\"sets\":0}");
  ASSERT_NE(sets, std::string::npos);
  v2.erase(sets, 9);
  std::ofstream(dir.file("v2.state"), std::ios::binary) << with_checksum(v2);
  Result<RunState> back = read_partial(dir.file("v2.state"));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->state == run.state);
  EXPECT_EQ(report_of(*back).dump(), report_of(run).dump());
}

// Shingle sets that no run writes, under a valid checksum: a set out of order, a set too many or
// too few, sets without verification.
TEST(MetricsPartial, CraftedShingleSetsAreRefused) {
  TempDir dir;
  RunState run = shard(0, 3, true, true);
  ASSERT_TRUE(write_partial(dir.file("s.state"), run).ok());
  const std::string bytes = *io::read_bytes(dir.file("s.state"));
  // The set block: 3 sets of 16 bytes, before the checksum.
  const size_t at = bytes.size() - 8 - 48;
  auto refused = [&](std::string crafted, const std::string& why) {
    std::ofstream(dir.file("x.state"), std::ios::binary) << with_checksum(crafted);
    Result<RunState> r = read_partial(dir.file("x.state"));
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.status().message(), dir.file("x.state") + ": damaged partial-state file (" + why + ")");
  };
  std::string unsorted = bytes;
  std::swap(unsorted[at + 4], unsorted[at + 8]);  // the first two values of the first set
  refused(unsorted, "a shingle set is not sorted and unique");
  std::string two = bytes;
  two.replace(at + 4, 4, two.substr(at + 8, 4));  // the first value twice
  refused(two, "a shingle set is not sorted and unique");
  std::string longer = bytes;
  longer[at] = 4;  // a count of 4: the set runs into the next, and the last one past the block
  refused(longer, "a shingle set is cut short");
  const std::string size_text = "\"sets\":48";
  std::string more = bytes;
  more.insert(at + 48, bytes.substr(at, 16));
  more.replace(more.find(size_text), size_text.size(), "\"sets\":64");
  refused(more, "more shingle sets than records with text");
  std::string fewer = bytes;
  fewer.erase(at + 32, 16);
  fewer.replace(fewer.find(size_text), size_text.size(), "\"sets\":32");
  refused(fewer, "fewer shingle sets than records with text");
  std::string unverified = bytes;
  const std::string flag = "\"near_verify\":true";
  unverified.replace(unverified.find(flag), flag.size(), "\"near_verify\":false");
  refused(unverified, "shingle sets without near_verify");
}

TEST(MetricsPartial, MergeRefusesOtherOptions) {
  RunState a = shard(0, 5, false), b = shard(5, 5, false);
  b.config.labels = {"a", "b"};
  b.config.seed = 3;
  Status s = merge(a, b, "b.state");
  EXPECT_EQ(s.code(), StatusCode::usage);
  EXPECT_EQ(s.message(), "b.state: made with other options than the first partial state (labels, seed differ); "
                         "merge only the partials of one configuration");
}

TEST(MetricsPartial, MergeNamesAnOptionOnlyTheLaterStateHas) {
  // An unverified (or older) state leaves near_verify out of its configuration.
  RunState a = shard(0, 5, false), b = shard(5, 5, false);
  b.config.near_verify = true;
  Status s = merge(a, b, "b.state");
  EXPECT_EQ(s.code(), StatusCode::usage);
  EXPECT_EQ(s.message(), "b.state: made with other options than the first partial state (near_threshold, near_verify "
                         "differ); merge only the partials of one configuration");
}

TEST(MetricsRender, TableAndMarkdownShowTheFiguresAndChecks) {
  RunState run = labelled_run({{"a", 6}, {"b", 3}, {"c", 1}});
  run.config.labels = {"a", "b", "c"};
  Json r = report_of(run, {2});
  r["checks"] = Json::parse(
      R"([{"check":"class_balance >= 0.9","level":"fail","metric":"class_balance","op":">=","value":0.9,"actual":0.8733333333333333,"passed":false}])");
  std::string t = table(r);
  EXPECT_NE(t.find("  class_balance             0.8733   3 classes, 10 labelled records\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  coverage                  1.0000   declared labels, none missing\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  FAIL  class_balance >= 0.9                     actual 0.873333\n"), std::string::npos) << t;
  EXPECT_NE(t.find("warning: class 'c' has 1 record, fewer than --min-per-class 2\n"), std::string::npos) << t;
  std::string m = markdown(r);
  EXPECT_NE(m.find("### Checks: ❌ 1 failed\n"), std::string::npos) << m;
  EXPECT_NE(m.find("| ❌ | `class_balance >= 0.9` | 0.873333 | fail |\n"), std::string::npos) << m;
  EXPECT_NE(m.find("| a | 6 | 0.6000 |"), std::string::npos) << m;
}

}  // namespace
}  // namespace dqprep::metrics
