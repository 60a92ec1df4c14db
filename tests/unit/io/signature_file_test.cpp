#include "dqprep/io/signature_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace dqprep::signature_file {
namespace {

namespace fs = std::filesystem;

struct SignatureFile : ::testing::Test {
  void SetUp() override {
    std::string t = (fs::temp_directory_path() / "dqprep-sig-XXXXXX").string();
    dir = mkdtemp(t.data());
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string file(const std::string& name) { return (fs::path(dir) / name).string(); }
  void write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  std::string dir;
};

TEST_F(SignatureFile, EntriesRoundTrip) {
  Layout layout{3, true, true};
  std::string buf;
  std::vector<uint64_t> keys = {1, 2, 0xffffffffffffffffULL};
  std::vector<uint32_t> set = {5, 9, 400};
  append_record(buf, layout, 77, 1234, 99, keys, "\"doc-1\"", set);
  append_malformed(buf, 78, "bad JSON");
  append_record(buf, layout, 79, 0, 0, keys, "", {});

  Entry e;
  Result<size_t> n = decode(buf, 0, layout, e);
  ASSERT_TRUE(n.ok());
  ASSERT_GT(*n, 0u);
  EXPECT_FALSE(e.malformed);
  EXPECT_EQ(e.line_hash, 77u);
  EXPECT_EQ(e.length, 1234u);
  EXPECT_EQ(e.label, 99u);
  for (size_t k = 0; k < 3; ++k) EXPECT_EQ(e.key(k), keys[k]);
  EXPECT_EQ(e.name, "\"doc-1\"");
  uint32_t count;
  std::memcpy(&count, buf.data() + e.set_at, 4);
  EXPECT_EQ(count, 3u);
  size_t pos = *n;
  n = decode(buf, pos, layout, e);
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(e.malformed);
  EXPECT_EQ(e.line_hash, 78u);
  EXPECT_EQ(e.message, "bad JSON");
  pos += *n;
  n = decode(buf, pos, layout, e);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(pos + *n, buf.size());
  EXPECT_EQ(e.name, "");

  // Every proper prefix of an entry is "need more bytes", never a wrong entry.
  for (size_t cut = 0; cut < pos; ++cut) {
    Result<size_t> part = decode(std::string_view(buf).substr(0, cut), 0, layout, e);
    ASSERT_TRUE(part.ok());
    if (cut < *decode(buf, 0, layout, e)) EXPECT_EQ(*part, 0u) << cut;
  }
  EXPECT_EQ(decode("X", 0, layout, e).status().code(), StatusCode::bad_input);
}

TEST_F(SignatureFile, ReaderReadsWhatWasWritten) {
  Header h;
  h.near = true;
  h.layout = {2, true, true};
  h.params = "mode=near ngram=5";
  h.shard = "shard-1.jsonl";
  std::string bytes = encode_header(h);
  const size_t header_size = bytes.size();
  Footer f;
  std::vector<uint64_t> keys = {10, 20};
  // Large sets make entries straddle the reader's 1 MiB buffer.
  std::vector<uint32_t> set(300000);
  for (uint32_t i = 0; i < set.size(); ++i) set[i] = i * 3;
  for (uint32_t r = 0; r < 10; ++r) {
    if (r == 4) {
      append_malformed(bytes, r, "missing text field 'text'");
    } else {
      keys[0] = r;
      append_record(bytes, h.layout, r, r * 100, 0, keys, "\"id" + std::to_string(r) + "\"",
                    std::span<const uint32_t>(set).subspan(0, r * 30000));
      ++f.records;
    }
    ++f.positions;
    f.fingerprint = fold_fingerprint(f.fingerprint, r);
  }
  bytes += encode_footer(f);
  write(file("s.sig"), bytes);

  Result<std::unique_ptr<Reader>> r = Reader::open(file("s.sig"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*r)->header().near);
  EXPECT_EQ((*r)->header().layout.keys, 2u);
  EXPECT_TRUE((*r)->header().layout.sets);
  EXPECT_EQ((*r)->header().params, h.params);
  EXPECT_EQ((*r)->header().shard, h.shard);
  EXPECT_EQ((*r)->footer().positions, 10u);
  EXPECT_EQ((*r)->footer().records, 9u);
  EXPECT_EQ((*r)->footer().fingerprint, f.fingerprint);
  Entry e;
  uint64_t set_offset = 0;
  std::vector<uint64_t> got;
  for (uint32_t i = 0; i < 10; ++i) {
    Result<bool> more = (*r)->next(e, set_offset);
    ASSERT_TRUE(more.ok()) << more.status().message();
    ASSERT_TRUE(*more);
    EXPECT_EQ(e.line_hash, i);
    EXPECT_EQ(e.malformed, i == 4);
    if (i == 4) continue;
    EXPECT_EQ(e.key(0), i);
    EXPECT_EQ(e.name, "\"id" + std::to_string(i) + "\"");
    ASSERT_TRUE(read_set((*r)->fd(), set_offset, got).ok());
    ASSERT_EQ(got.size(), i * 30000u);
    if (!got.empty()) EXPECT_EQ(got.back(), (i * 30000u - 1) * 3);
  }
  Result<bool> end = (*r)->next(e, set_offset);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
  EXPECT_GT(bytes.size(), header_size);
}

TEST_F(SignatureFile, ForeignTruncatedAndNewerFilesAreRefused) {
  write(file("text.jsonl"), "{\"text\":\"not a signature file\"}\n");
  Result<std::unique_ptr<Reader>> r = Reader::open(file("text.jsonl"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::usage);
  EXPECT_NE(r.status().message().find("not a dqprep signature file"), std::string::npos);

  Header h;
  h.layout = {2, false, false};
  std::string bytes = encode_header(h);
  append_record(bytes, h.layout, 1, 1, 0, std::vector<uint64_t>{1, 2}, "", {});
  write(file("cut.sig"), bytes);  // no footer: the signing was interrupted
  r = Reader::open(file("cut.sig"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos);

  std::string newer = encode_header(h) + encode_footer({});
  newer[8] = 2;  // version 2
  write(file("v2.sig"), newer);
  r = Reader::open(file("v2.sig"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("version 2"), std::string::npos);

  EXPECT_EQ(Reader::open(file("missing.sig")).status().code(), StatusCode::io);
}

TEST_F(SignatureFile, ClusterFileRoundTripAndDamage) {
  ClusterFile c;
  c.params = "mode=near keep=first";
  ShardPlan a;
  a.name = "a.jsonl";
  a.footer = {5, 4, 0xabcdef};
  a.malformed = {{2, "bad JSON"}};
  a.members = {{0, 0, 1}, {3, 0, 0}};
  ShardPlan b;
  b.name = "b.jsonl";
  b.footer = {2, 2, 7};
  b.members = {{1, 0, 0}};
  c.shards = {a, b};
  c.names = {"\"doc-0\""};
  write(file("c.bin"), encode_cluster_file(c));
  Result<ClusterFile> got = read_cluster_file(file("c.bin"));
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->params, c.params);
  ASSERT_EQ(got->shards.size(), 2u);
  EXPECT_EQ(got->shards[0].name, "a.jsonl");
  EXPECT_EQ(got->shards[0].footer.fingerprint, 0xabcdefu);
  EXPECT_EQ(got->shards[0].malformed, a.malformed);
  EXPECT_EQ(got->shards[0].members, a.members);
  EXPECT_EQ(got->shards[1].members, b.members);
  EXPECT_EQ(got->names, c.names);

  std::string bytes = encode_cluster_file(c);
  write(file("cut.bin"), bytes.substr(0, bytes.size() - 3));
  EXPECT_EQ(read_cluster_file(file("cut.bin")).status().code(), StatusCode::usage);
  c.names.clear();  // a member of group 0, but no group 0
  write(file("bad.bin"), encode_cluster_file(c));
  EXPECT_NE(read_cluster_file(file("bad.bin")).status().message().find("damaged"), std::string::npos);
  write(file("x.bin"), "DQPSIGN\n");
  EXPECT_NE(read_cluster_file(file("x.bin")).status().message().find("not a dqprep cluster file"), std::string::npos);
}

TEST(Fingerprint, DependsOnOrder) {
  EXPECT_NE(fold_fingerprint(fold_fingerprint(0, 1), 2), fold_fingerprint(fold_fingerprint(0, 2), 1));
  EXPECT_NE(fold_fingerprint(0, 1), fold_fingerprint(fold_fingerprint(0, 1), 1));
}

}  // namespace
}  // namespace dqprep::signature_file
