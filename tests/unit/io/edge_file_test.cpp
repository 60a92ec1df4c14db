#include "dqprep/io/edge_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "dqprep/dedup/band_partition.hpp"

namespace dqprep::edge_file {
namespace {

namespace fs = std::filesystem;

struct EdgeFile : ::testing::Test {
  void SetUp() override {
    std::string t = (fs::temp_directory_path() / "dqprep-edges-XXXXXX").string();
    dir = mkdtemp(t.data());
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string file(const std::string& name) { return (fs::path(dir) / name).string(); }
  std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void write(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

  // Partition 1 of 2 (keys from 2^63 up), 3 bands, 100 records.
  Header header() {
    Header h;
    h.partition = 1;
    h.partitions = 2;
    h.bands = 3;
    h.records = 100;
    h.inputs = 0x1234;
    h.params = "near ngram=5";
    return h;
  }
  std::string make(const std::string& name) {
    auto w = Writer::open(file(name), header());
    EXPECT_TRUE(w.ok());
    const uint64_t high = uint64_t{1} << 63;
    EXPECT_TRUE((*w)->add(0, high + 5, std::vector<uint32_t>{1, 7}).ok());
    EXPECT_TRUE((*w)->add(0, high + 9, std::vector<uint32_t>{0, 2, 99}).ok());
    EXPECT_TRUE((*w)->add(2, high + 1, std::vector<uint32_t>{3, 4}).ok());
    EXPECT_EQ((*w)->buckets(), 3u);
    EXPECT_TRUE((*w)->commit().ok());
    return file(name);
  }
  // Every bucket of the file, or the first error.
  Status read_all(const std::string& path, std::vector<Bucket>* out = nullptr) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<Reader> r, Reader::open(path));
    Bucket b;
    while (true) {
      DQPREP_ASSIGN_OR_RETURN(bool more, r->next(b));
      if (!more) return {};
      if (out) out->push_back(b);
    }
  }
  std::string dir;
};

TEST_F(EdgeFile, RoundTrip) {
  const std::string path = make("a.edges");
  auto r = Reader::open(path);
  ASSERT_TRUE(r.ok());
  const Header& h = (*r)->header();
  EXPECT_EQ(h.partition, 1u);
  EXPECT_EQ(h.partitions, 2u);
  EXPECT_EQ(h.bands, 3u);
  EXPECT_EQ(h.records, 100u);
  EXPECT_EQ(h.inputs, 0x1234u);
  EXPECT_EQ(h.params, "near ngram=5");
  std::vector<Bucket> buckets;
  ASSERT_TRUE(read_all(path, &buckets).ok());
  ASSERT_EQ(buckets.size(), 3u);
  EXPECT_EQ(buckets[1].band, 0u);
  EXPECT_EQ(buckets[1].members, (std::vector<uint32_t>{0, 2, 99}));
  EXPECT_EQ(buckets[2].band, 2u);
}

TEST_F(EdgeFile, DamageIsBadInput) {
  const std::string good = read(make("a.edges"));
  auto expect_damaged = [&](std::string bytes, const std::string& what) {
    write(file("bad.edges"), bytes);
    Status s = read_all(file("bad.edges"));
    EXPECT_EQ(s.code(), StatusCode::bad_input) << what << ": " << s.message();
    EXPECT_NE(s.message().find("damaged edge file"), std::string::npos) << what << ": " << s.message();
  };
  expect_damaged(good.substr(0, good.size() - 1), "cut short");
  expect_damaged(good.substr(0, 30), "cut in the header");
  for (size_t at = 8; at < good.size(); ++at) {
    std::string bytes = good;
    bytes[at] ^= 0x10;
    Status s = read_all((write(file("flip.edges"), bytes), file("flip.edges")));
    // Every flipped byte is found: in the header by a field check or the checksum, in the buckets
    // by the checks of order and range or the checksum, in the footer by the count or the checksum.
    EXPECT_EQ(s.code(), StatusCode::bad_input) << "byte " << at << ": " << s.message();
  }
  std::string other = good;
  other[3] = 'X';
  write(file("other.edges"), other);
  EXPECT_EQ(read_all(file("other.edges")).code(), StatusCode::usage);
}

TEST_F(EdgeFile, BucketsOutOfOrderOrRangeAreRefused) {
  auto refused = [&](uint32_t band, uint64_t key, std::vector<uint32_t> members, const std::string& what) {
    auto w = Writer::open(file("x.edges"), header());
    ASSERT_TRUE(w.ok());
    const uint64_t high = uint64_t{1} << 63;
    ASSERT_TRUE((*w)->add(1, high + 10, std::vector<uint32_t>{1, 2}).ok());
    ASSERT_TRUE((*w)->add(band, key, members).ok());
    ASSERT_TRUE((*w)->commit().ok());
    Status s = read_all(file("x.edges"));
    EXPECT_EQ(s.code(), StatusCode::bad_input) << what;
  };
  const uint64_t high = uint64_t{1} << 63;
  refused(0, high + 20, {1, 2}, "an earlier band");
  refused(1, high + 10, {1, 2}, "the same key again");
  refused(1, 5, {1, 2}, "a key of partition 0");
  refused(3, high + 20, {1, 2}, "band 3 of 3");
  refused(1, high + 20, {2, 1}, "members out of order");
  refused(1, high + 20, {1, 100}, "record 100 of 100");
  refused(1, high + 20, {1}, "a bucket of one");
}

}  // namespace
}  // namespace dqprep::edge_file
