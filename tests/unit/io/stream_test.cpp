#include "dqprep/io/stream.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <cstring>
#include <set>
#include <sstream>

#include "dqprep/io/record.hpp"

namespace dqprep::stream {

namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Keeps records whose "n" is even, rejects odd ones, fails on malformed JSON.
class EvenProcessor : public RecordProcessor {
 public:
  Status process(const Line& line, Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    std::optional<std::string_view> n;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(path_, n));
    if (!n) return Status::bad_input("missing n");
    out.count("seen");
    if ((std::stoll(std::string(*n)) + static_cast<long long>(line.index)) % 2 == 0) {
      out.keep(line.text);
    } else {
      out.reject(line.text, "odd");
    }
    return {};
  }

 private:
  record::Parser parser_;
  record::Path path_ = *record::parse_path("n");
};

struct Fixture : ::testing::Test {
  void SetUp() override {
    std::string t = (fs::temp_directory_path() / "dqprep-stream-XXXXXX").string();
    dir = mkdtemp(t.data());
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string file(const std::string& name) { return (fs::path(dir) / name).string(); }
  std::string dir;
};

using StreamRun = Fixture;

}  // namespace

TEST_F(StreamRun, OutputIdenticalForAnyThreadCount) {
  std::ofstream in(file("in.jsonl"));
  for (int i = 0; i < 100000; ++i) in << "{\"n\":" << i * 7 << ",\"pad\":\"" << std::string(i % 50, 'x') << "\"}\n";
  in.close();
  std::string first;
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    Options o;
    o.inputs = {file("in.jsonl")};
    o.output = file("out.jsonl");
    o.rejects = file("rej.jsonl");
    o.threads = threads;
    Result<report::Summary> s = run(o, [] { return std::make_unique<EvenProcessor>(); }, "test");
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(s->in, 100000u);
    EXPECT_TRUE(s->balances());
    EXPECT_EQ(s->figures["seen"].get<uint64_t>(), 100000u);
    std::string out = slurp(file("out.jsonl")) + "|" + slurp(file("rej.jsonl"));
    if (first.empty()) first = out;
    EXPECT_EQ(out, first) << "threads=" << threads;
  }
}

TEST_F(StreamRun, ErrorPolicies) {
  std::ofstream(file("in.jsonl")) << "{\"n\":0}\n\n   \n{\"n\":\n{\"n\":2}\n{\"x\":1}\n";
  Options o;
  o.inputs = {file("in.jsonl")};
  o.output = file("out.jsonl");
  auto factory = [] { return std::make_unique<EvenProcessor>(); };

  Result<report::Summary> failed = run(o, factory, "test");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::bad_input);
  EXPECT_EQ(failed.status().message().substr(0, file("in.jsonl").size() + 4), file("in.jsonl") + ":4: ");
  EXPECT_FALSE(fs::exists(file("out.jsonl")));  // atomic: no partial output

  o.on_error = ErrorPolicy::skip;
  Result<report::Summary> skipped = run(o, factory, "test");
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->in, 4u);
  EXPECT_EQ(skipped->quarantined, 2u);
  EXPECT_EQ(skipped->empty_lines, 2u);
  EXPECT_TRUE(skipped->balances());

  o.on_error = ErrorPolicy::quarantine;
  o.quarantine = file("bad.jsonl");
  ASSERT_TRUE(run(o, factory, "test").ok());
  std::string q = slurp(file("bad.jsonl"));
  EXPECT_NE(q.find("\"line\":4,"), std::string::npos);
  EXPECT_NE(q.find("\"raw\":\"{\\\"n\\\":\"}"), std::string::npos);
  EXPECT_NE(q.find("\"line\":6,\"message\":\"missing n\""), std::string::npos);
}

TEST_F(StreamRun, SeveralInputsInOrderAndMissingInput) {
  std::ofstream(file("a.jsonl")) << "{\"n\":0}\n";
  std::ofstream(file("b.jsonl")) << "{\"n\":1}\n";  // index 1: 1 + 1 is even, kept
  Options o;
  o.inputs = {file("a.jsonl"), file("b.jsonl")};
  o.output = file("out.jsonl");
  ASSERT_TRUE(run(o, [] { return std::make_unique<EvenProcessor>(); }, "t").ok());
  EXPECT_EQ(slurp(file("out.jsonl")), "{\"n\":0}\n{\"n\":1}\n");
  o.inputs.push_back(file("missing.jsonl"));
  Result<report::Summary> s = run(o, [] { return std::make_unique<EvenProcessor>(); }, "t");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::io);
}

// Hands each record's value of "k" to the writing thread, which keeps the first record of each k.
class KeyStateProcessor : public RecordProcessor {
 public:
  Status process(const Line& line, Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    std::optional<std::string_view> k;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(path_, k));
    if (!k) return Status::bad_input("missing k");
    std::string& state = out.state();
    uint32_t sizes[2] = {static_cast<uint32_t>(k->size()), static_cast<uint32_t>(line.text.size())};
    state.append(reinterpret_cast<const char*>(sizes), sizeof sizes);
    state.append(*k);
    state.append(line.text);
    return {};
  }

 private:
  record::Parser parser_;
  record::Path path_ = *record::parse_path("k");
};

TEST_F(StreamRun, InOrderHookDecidesOnTheWritingThreadInInputOrder) {
  std::ofstream in(file("in.jsonl"));
  for (int i = 0; i < 50000; ++i) in << "{\"k\":" << (i * 7919) % 1000 << ",\"i\":" << i << "}\n";
  in << "{\"bad\n";
  in.close();
  std::string first;
  for (unsigned threads : {1u, 2u, 5u}) {
    std::set<std::string> seen;
    std::vector<int> order;
    Options o;
    o.inputs = {file("in.jsonl")};
    o.output = file("out.jsonl");
    o.on_error = ErrorPolicy::skip;
    o.threads = threads;
    o.in_order = [&](Emitter& batch) -> Status {
      std::string_view s = batch.state();
      for (size_t pos = 0; pos < s.size();) {
        uint32_t sizes[2];
        std::memcpy(sizes, s.data() + pos, sizeof sizes);
        pos += sizeof sizes;
        std::string k(s.substr(pos, sizes[0]));
        std::string_view line = s.substr(pos + sizes[0], sizes[1]);
        pos += sizes[0] + sizes[1];
        if (seen.insert(k).second) {
          batch.keep(line);
        } else {
          batch.reject(line, "repeat");
        }
      }
      return {};
    };
    Result<report::Summary> r = run(o, [] { return std::make_unique<KeyStateProcessor>(); }, "t");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->in, 50001u);
    EXPECT_EQ(r->out, 1000u);
    EXPECT_EQ(r->rejected, 49000u);
    EXPECT_EQ(r->quarantined, 1u);
    EXPECT_TRUE(r->balances());
    std::string out = slurp(file("out.jsonl"));
    // The first occurrence of each k: records 0..999 (7919 is prime to 1000, so they cover every k).
    EXPECT_EQ(out.substr(0, out.find('\n')), "{\"k\":0,\"i\":0}");
    EXPECT_EQ(out.substr(out.size() - 17), "{\"k\":81,\"i\":999}\n");  // 999 * 7919 % 1000 = 81
    EXPECT_EQ(out.find("\"i\":1000}"), std::string::npos);
    if (first.empty()) first = out;
    EXPECT_EQ(out, first) << "threads=" << threads;
  }
}

}  // namespace dqprep::stream
