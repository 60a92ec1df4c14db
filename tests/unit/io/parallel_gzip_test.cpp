#include "dqprep/io/parallel_gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

namespace dqprep::io {

namespace {

// Text that compresses as JSON Lines do (about 3:1), from a fixed seed.
std::string sample_text(size_t bytes) {
  static const char* const words[] = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
                                      "données", "数据", "{\"text\":", "\"label\":", "\n"};
  std::mt19937 rng(7);
  std::string text;
  while (text.size() < bytes) {
    text += words[rng() % 13];
    text += ' ';
    text += std::to_string(rng() % 1000);
  }
  text.resize(bytes);
  return text;
}

// The uncompressed size of each gzip member of `gz`, read by zlib member by member; an empty
// vector when zlib finds the stream corrupt or truncated.
std::vector<size_t> member_sizes(const std::string& gz, std::string* text = nullptr) {
  std::vector<size_t> sizes;
  z_stream z{};
  inflateInit2(&z, 15 + 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string block(1 << 16, '\0');
  size_t member = 0;
  while (z.avail_in > 0) {
    z.next_out = reinterpret_cast<Bytef*>(block.data());
    z.avail_out = static_cast<uInt>(block.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    size_t produced = block.size() - z.avail_out;
    member += produced;
    if (text) text->append(block.data(), produced);
    if (rc == Z_STREAM_END) {
      sizes.push_back(member);
      member = 0;
      inflateReset(&z);
    } else if (rc != Z_OK) {
      sizes.clear();
      break;
    }
  }
  if (member != 0) sizes.clear();  // a member without its end
  inflateEnd(&z);
  return sizes;
}

// Compresses `text` written in pieces of `piece` bytes.
std::string compress(const std::string& text, unsigned threads, size_t piece, size_t member_bytes) {
  ParallelGzip gzip(threads, member_bytes);
  std::string out;
  for (size_t at = 0; at < text.size(); at += piece) {
    EXPECT_TRUE(gzip.write(std::string_view(text).substr(at, piece), out).ok());
  }
  EXPECT_TRUE(gzip.finish(out).ok());
  return out;
}

}  // namespace

TEST(ParallelGzip, RoundTripsThroughZlibAsMembersOfFixedSize) {
  const std::string text = sample_text(3'000'000);
  std::string gz = compress(text, 4, 70'001, 1 << 20);
  std::string back;
  std::vector<size_t> sizes = member_sizes(gz, &back);
  EXPECT_TRUE(back == text);
  // 3,000,000 bytes: two whole MiB members and the rest.
  EXPECT_EQ(sizes, (std::vector<size_t>{1 << 20, 1 << 20, 3'000'000 - 2 * (1 << 20)}));
  EXPECT_LT(gz.size(), text.size() / 2);
}

TEST(ParallelGzip, SameBytesForAnyThreadCountAndWritePattern) {
  const std::string text = sample_text(4'500'000);
  const std::string one = compress(text, 1, 1 << 20, 1 << 20);
  // EXPECT_TRUE, not EXPECT_EQ: a failure must not print megabytes of deflate.
  EXPECT_TRUE(compress(text, 4, 1 << 20, 1 << 20) == one);
  EXPECT_TRUE(compress(text, 4, 12'345, 1 << 20) == one);
  EXPECT_TRUE(compress(text, 3, 5'000'000, 1 << 20) == one);
  EXPECT_EQ(member_sizes(one).size(), 5u);
}

TEST(ParallelGzip, ManySmallMembersInOrder) {
  // More members than the 2 x threads in flight: the order of the output is the input's.
  const std::string text = sample_text(600'000);
  std::string gz = compress(text, 2, 999, 4096);
  std::string back;
  std::vector<size_t> sizes = member_sizes(gz, &back);
  EXPECT_TRUE(back == text);
  EXPECT_EQ(sizes.size(), (600'000 + 4095) / 4096);
}

TEST(ParallelGzip, EmptyStreamIsOneEmptyMember) {
  ParallelGzip gzip(2);
  std::string out;
  ASSERT_TRUE(gzip.finish(out).ok());
  std::string back;
  EXPECT_EQ(member_sizes(out, &back), std::vector<size_t>{0});
  EXPECT_EQ(back, "");
}

TEST(ParallelGzip, AnEndOnAMemberBoundaryAddsNoEmptyMember) {
  const std::string text = sample_text(2 * 4096);
  EXPECT_EQ(member_sizes(compress(text, 2, 100, 4096)), (std::vector<size_t>{4096, 4096}));
}

TEST(ParallelGzip, DestroyedUnfinishedStopsItsThreads) {
  const std::string text = sample_text(3'000'000);
  {
    ParallelGzip gzip(4, 65536);
    std::string out;
    ASSERT_TRUE(gzip.write(text, out).ok());
  }
  SUCCEED();
}

}  // namespace dqprep::io
