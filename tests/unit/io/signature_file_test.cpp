#include "dqprep/io/signature_file.hpp"
#include "dqprep/dedup/shingle_sets.hpp"
#include "dqprep/util/hash.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

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
  Result<std::unique_ptr<Writer>> w = Writer::open(file("s.sig"), h);
  ASSERT_TRUE(w.ok()) << w.status().message();
  Footer f;
  std::vector<uint64_t> keys = {10, 20};
  // Large sets make entries straddle the reader's 1 MiB buffer.
  std::vector<uint32_t> set(300000);
  for (uint32_t i = 0; i < set.size(); ++i) set[i] = i * 3;
  for (uint32_t r = 0; r < 10; ++r) {
    std::string entry;
    if (r == 4) {
      append_malformed(entry, r, "missing text field 'text'");
    } else {
      keys[0] = r;
      append_record(entry, h.layout, r, r * 100, 0, keys, "\"id" + std::to_string(r) + "\"",
                    std::span<const uint32_t>(set).subspan(0, r * 30000));
      ++f.records;
    }
    ASSERT_TRUE((*w)->add(entry).ok());
    ++f.positions;
    f.fingerprint = fold_fingerprint(f.fingerprint, r);
  }
  ASSERT_TRUE((*w)->commit().ok());
  EXPECT_EQ((*w)->footer().positions, f.positions);
  EXPECT_EQ((*w)->footer().fingerprint, f.fingerprint);

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
  std::vector<uint32_t> got;
  for (uint32_t i = 0; i < 10; ++i) {
    Result<bool> more = (*r)->next(e, set_offset);
    ASSERT_TRUE(more.ok()) << more.status().message();
    ASSERT_TRUE(*more);
    EXPECT_EQ(e.line_hash, i);
    EXPECT_EQ(e.malformed, i == 4);
    if (i == 4) continue;
    EXPECT_EQ(e.key(0), i);
    EXPECT_EQ(e.name, "\"id" + std::to_string(i) + "\"");
    ASSERT_TRUE(shingle_sets::read((*r)->fd(), set_offset, got).ok());
    ASSERT_EQ(got.size(), i * 30000u);
    if (!got.empty()) EXPECT_EQ(got.back(), (i * 30000u - 1) * 3);
  }
  Result<bool> end = (*r)->next(e, set_offset);
  ASSERT_TRUE(end.ok()) << end.status().message();
  EXPECT_FALSE(*end);
}

// A small signature file of every kind of entry, with names and sets.
std::string small_signature_file(const std::string& path) {
  Header h;
  h.near = true;
  h.layout = {2, true, true};
  h.params = "mode=near ngram=5";
  h.shard = "s.jsonl";
  std::unique_ptr<Writer> w = std::move(*Writer::open(path, h));
  std::string entries;
  append_record(entries, h.layout, 0x0A0D, 12, 7, std::vector<uint64_t>{1, 2}, "\"a\"", std::vector<uint32_t>{3, 9});
  append_malformed(entries, 5, "bad JSON");
  append_record(entries, h.layout, 6, 0, 0, std::vector<uint64_t>{3, 4}, "\"s.jsonl:3\"", {});
  EXPECT_TRUE(w->add(entries).ok());
  EXPECT_TRUE(w->commit().ok());
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Opens a signature file and reads every entry: the first error, or ok.
Status read_all(const std::string& path) {
  Result<std::unique_ptr<Reader>> r = Reader::open(path);
  if (!r.ok()) return r.status();
  Entry e;
  uint64_t set_offset = 0;
  while (true) {
    Result<bool> more = (*r)->next(e, set_offset);
    if (!more.ok()) return more.status();
    if (!*more) return {};
  }
}

TEST_F(SignatureFile, ForeignTruncatedOlderAndNewerFilesAreRefused) {
  write(file("text.jsonl"), "{\"text\":\"not a signature file\"}\n");
  Status s = read_all(file("text.jsonl"));
  EXPECT_EQ(s.code(), StatusCode::usage);
  EXPECT_NE(s.message().find("not a dqprep signature file"), std::string::npos);

  const std::string bytes = small_signature_file(file("s.sig"));
  ASSERT_TRUE(read_all(file("s.sig")).ok());
  write(file("cut.sig"), bytes.substr(0, bytes.size() - 48));  // no footer: the signing was interrupted
  s = read_all(file("cut.sig"));
  EXPECT_EQ(s.code(), StatusCode::bad_input);
  EXPECT_EQ(s.message(), file("cut.sig") + ": damaged signature file (truncated: no footer)");

  std::string older = bytes;
  older[8] = 1;
  write(file("v1.sig"), older);
  s = read_all(file("v1.sig"));
  EXPECT_EQ(s.code(), StatusCode::bad_input);
  EXPECT_EQ(s.message(), file("v1.sig") + ": written by an older dqprep (format version 1); re-create it with "
                                          "`dqprep dedup sign`");
  std::string newer = bytes;
  newer[8] = 3;
  write(file("v3.sig"), newer);
  s = read_all(file("v3.sig"));
  EXPECT_EQ(s.code(), StatusCode::bad_input);
  EXPECT_NE(s.message().find("damaged signature file (format version 3, this dqprep reads version 2"),
            std::string::npos);

  EXPECT_EQ(Reader::open(file("missing.sig")).status().code(), StatusCode::io);
}

// Sets are stored as the high halves of the shingle hashes (flag 8); a file with sets but without
// the flag holds the low halves (dqprep before that form): the reader says so, and dedup cluster
// refuses to compare its sets.
TEST_F(SignatureFile, SetsOfAnOlderFormAreMarked) {
  const std::string bytes = small_signature_file(file("s.sig"));
  Result<std::unique_ptr<Reader>> r = Reader::open(file("s.sig"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*r)->header().layout.sets);
  EXPECT_FALSE((*r)->header().low_sets);

  uint32_t flags;
  std::memcpy(&flags, bytes.data() + 12, sizeof flags);
  EXPECT_EQ(flags, 2u | 4u | 8u | 1u);
  std::string older = bytes;
  flags &= ~8u;
  std::memcpy(older.data() + 12, &flags, sizeof flags);
  // The header's checksum (the footer's last 8 bytes) covers the header and the footer before it.
  const size_t header_size = 20 + 4 + 17 + 4 + 7;  // magic, version, flags, keys; params; shard
  hash::Xxh3Stream checksum;
  checksum.update(std::string_view(older).substr(0, header_size));
  checksum.update(std::string_view(older).substr(older.size() - 48, 40));
  const uint64_t sum = checksum.digest();
  std::memcpy(older.data() + older.size() - 8, &sum, sizeof sum);
  write(file("low.sig"), older);
  r = Reader::open(file("low.sig"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*r)->header().layout.sets);
  EXPECT_TRUE((*r)->header().low_sets);
  EXPECT_TRUE(read_all(file("low.sig")).ok());
}

// Every byte of a signature file changed (three ways), and every truncation, is refused: as
// damaged (bad input), or as not a signature file when the magic number is hit.
TEST_F(SignatureFile, EveryChangedByteIsDetected) {
  const std::string bytes = small_signature_file(file("s.sig"));
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (unsigned char flip : {0x01, 0x80, 0xFF}) {
      std::string changed = bytes;
      changed[at] = static_cast<char>(changed[at] ^ flip);
      write(file("x.sig"), changed);
      Status s = read_all(file("x.sig"));
      ASSERT_FALSE(s.ok()) << "byte " << at << " ^ " << int(flip) << " went unnoticed";
      if (at < 8) {
        EXPECT_EQ(s.code(), StatusCode::usage) << at;
      } else {
        EXPECT_EQ(s.code(), StatusCode::bad_input) << at << ": " << s.message();
        EXPECT_EQ(s.message().rfind(file("x.sig") + ": damaged signature file (", 0), 0u) << s.message();
      }
    }
  }
  for (size_t size = 0; size < bytes.size(); ++size) {
    write(file("x.sig"), bytes.substr(0, size));
    EXPECT_FALSE(read_all(file("x.sig")).ok()) << "cut at " << size;
  }
}

ClusterFile small_cluster_file() {
  ClusterFile c;
  c.params = "mode=near keep=first";
  ShardPlan a;
  a.name = "a.jsonl";
  a.footer = {3000, 2999, 0xabcdef};
  a.malformed = {{2, "bad JSON\r\n"}};
  // Position 2573 is 0x0A0D: the bytes "\r\n", which a line reader would turn into "\n".
  a.members = {{0, 0, 1}, {3, 0, 0}, {2573, 0, 0}};
  ShardPlan b;
  b.name = "b.jsonl";
  b.footer = {2, 2, 7};
  b.members = {{1, 0, 0}};
  c.shards = {a, b};
  c.names = {"\"doc-0\""};
  return c;
}

TEST_F(SignatureFile, ClusterFileRoundTripAndDamage) {
  ClusterFile c = small_cluster_file();
  write(file("c.bin"), encode_cluster_file(c));
  Result<ClusterFile> got = read_cluster_file(file("c.bin"));
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->params, c.params);
  ASSERT_EQ(got->shards.size(), 2u);
  EXPECT_EQ(got->shards[0].name, "a.jsonl");
  EXPECT_EQ(got->shards[0].footer.fingerprint, 0xabcdefu);
  EXPECT_EQ(got->shards[0].malformed, c.shards[0].malformed);
  EXPECT_EQ(got->shards[0].members, c.shards[0].members);
  EXPECT_EQ(got->shards[1].members, c.shards[1].members);
  EXPECT_EQ(got->names, c.names);

  std::string bytes = encode_cluster_file(c);
  write(file("cut.bin"), bytes.substr(0, bytes.size() - 3));
  Result<ClusterFile> cut = read_cluster_file(file("cut.bin"));
  EXPECT_EQ(cut.status().code(), StatusCode::bad_input);
  EXPECT_EQ(cut.status().message(), file("cut.bin") + ": damaged cluster file (its checksum does not match)");
  c.names.clear();  // a member of group 0, but no group 0
  write(file("bad.bin"), encode_cluster_file(c));
  EXPECT_EQ(read_cluster_file(file("bad.bin")).status().message(),
            file("bad.bin") + ": damaged cluster file (a member of an unknown group)");
  write(file("x.bin"), "DQPSIGN\n");
  EXPECT_NE(read_cluster_file(file("x.bin")).status().message().find("not a dqprep cluster file"), std::string::npos);
  std::string older = bytes;
  older[8] = 1;
  write(file("v1.bin"), older);
  EXPECT_EQ(read_cluster_file(file("v1.bin")).status().message(),
            file("v1.bin") + ": written by an older dqprep (format version 1); re-create it with `dqprep dedup cluster`");
}

TEST_F(SignatureFile, EveryChangedByteOfAClusterFileIsDetected) {
  const std::string bytes = encode_cluster_file(small_cluster_file());
  for (size_t at = 0; at < bytes.size(); ++at) {
    for (unsigned char flip : {0x01, 0x80, 0xFF}) {
      std::string changed = bytes;
      changed[at] = static_cast<char>(changed[at] ^ flip);
      write(file("x.bin"), changed);
      Result<ClusterFile> r = read_cluster_file(file("x.bin"));
      ASSERT_FALSE(r.ok()) << "byte " << at << " ^ " << int(flip) << " went unnoticed";
      if (at < 8) {
        EXPECT_EQ(r.status().code(), StatusCode::usage) << at;
      } else {
        EXPECT_EQ(r.status().code(), StatusCode::bad_input) << at << ": " << r.status().message();
        EXPECT_EQ(r.status().message().rfind(file("x.bin") + ": damaged cluster file (", 0), 0u) << r.status().message();
      }
    }
  }
  for (size_t size = 0; size < bytes.size(); ++size) {
    write(file("x.bin"), bytes.substr(0, size));
    EXPECT_FALSE(read_cluster_file(file("x.bin")).ok()) << "cut at " << size;
  }
}

TEST(Fingerprint, DependsOnOrder) {
  EXPECT_NE(fold_fingerprint(fold_fingerprint(0, 1), 2), fold_fingerprint(fold_fingerprint(0, 2), 1));
  EXPECT_NE(fold_fingerprint(0, 1), fold_fingerprint(fold_fingerprint(0, 1), 1));
}

}  // namespace
}  // namespace dqprep::signature_file
