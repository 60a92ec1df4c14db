#include "dqprep/dedup/shingle_sets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dqprep/dedup/shingle.hpp"

namespace dqprep::shingle_sets {
namespace {

// The stored form keeps the high halves, in order, once each: no sort needed.
TEST(ShingleSets, NarrowKeepsTheHighHalvesSortedAndUnique) {
  const std::vector<uint64_t> hashes = {0x0000000100000005, 0x0000000100000009, 0x00000002FFFFFFFF,
                                        0x7FFFFFFF00000000, 0xFFFFFFFF00000001};
  std::vector<uint32_t> out;
  narrow(hashes, out);
  EXPECT_EQ(out, (std::vector<uint32_t>{1, 2, 0x7FFFFFFF, 0xFFFFFFFF}));
  narrow({}, out);
  EXPECT_TRUE(out.empty());
  // Real shingle sets: sorted 64-bit hashes give a sorted narrowed set of the same size (no
  // collision among a few hundred).
  shingle::Scratch scratch;
  std::vector<uint64_t> shingles;
  std::string text;
  for (int i = 0; i < 300; ++i) text += "word" + std::to_string(i * 7 % 101) + " ";
  shingle::shingle_hashes(text, 5, scratch, shingles);
  narrow(shingles, out);
  ASSERT_EQ(out.size(), shingles.size());
  for (size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1], out[i]);
}

TEST(ShingleSets, JaccardOfSortedSets) {
  const std::vector<uint32_t> a{1, 2, 3, 4}, b{3, 4, 5, 6, 7, 8}, c{1, 2, 3, 4, 5}, empty;
  EXPECT_DOUBLE_EQ(jaccard(a, b), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(jaccard(a, c), 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(jaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(jaccard(a, empty), 0.0);
  EXPECT_DOUBLE_EQ(jaccard(empty, empty), 1.0);
  // The Jaccard of narrowed word shingles is that of the 64-bit sets (no collision here).
  shingle::Scratch scratch;
  std::vector<uint64_t> x, y;
  std::vector<uint32_t> nx, ny;
  shingle::shingle_hashes("a b c d e f g h i j", 5, scratch, x);
  shingle::shingle_hashes("a b c d e f g h i x", 5, scratch, y);
  narrow(x, nx);
  narrow(y, ny);
  EXPECT_DOUBLE_EQ(jaccard(nx, ny), shingle::jaccard(x, y));
  EXPECT_DOUBLE_EQ(jaccard(nx, ny), 5.0 / 7.0);
}

// Sets appended to the temporary file read back by offset, past the 8 MB buffer too; copy_to
// appends every byte; the verifier decides at the threshold and counts its checks.
TEST(ShingleSets, SpillReadsBackAndTheVerifierDecides) {
  Spill spill;
  ASSERT_TRUE(spill.open().ok());
  std::vector<uint64_t> at;
  std::vector<std::vector<uint32_t>> sets;
  for (uint32_t r = 0; r < 3000; ++r) {
    std::vector<uint32_t> set;
    for (uint32_t k = 0; k < 1000; ++k) set.push_back(k * 3 + (r % 3 == 2 && k < 300 ? 1 : 0));
    std::sort(set.begin(), set.end());
    std::string stored;
    append_stored(stored, set);
    at.push_back(spill.append(stored));
    ASSERT_TRUE(spill.flush_if_full().ok());
    sets.push_back(std::move(set));
  }
  EXPECT_EQ(spill.size(), 3000u * 4004u);
  ASSERT_TRUE(spill.flush().ok());
  std::vector<uint32_t> back;
  for (uint32_t r : {0u, 1u, 2999u}) {
    ASSERT_TRUE(read(spill.fd(), at[r], back).ok());
    EXPECT_EQ(back, sets[r]) << r;
  }
  Spill copy;
  ASSERT_TRUE(copy.open().ok());
  ASSERT_TRUE(spill.copy_to(copy).ok());
  ASSERT_TRUE(copy.flush().ok());
  EXPECT_EQ(copy.size(), spill.size());
  ASSERT_TRUE(read(copy.fd(), at[2999], back).ok());
  EXPECT_EQ(back, sets[2999]);

  // Records 0 and 1: the same set; 0 and 2: 700 of 1300 shingles in common (0.538).
  Verifier verifier({spill.fd(), copy.fd()}, at, 0.8);
  EXPECT_TRUE(*verifier.similar(0, 1));
  EXPECT_FALSE(*verifier.similar(0, 2));
  EXPECT_EQ(verifier.checked(), 2u);
  EXPECT_EQ(verifier.rejected(), 1u);
  // A location names the file in its top 16 bits: record 3's set, read from the copy.
  std::vector<uint64_t> in_copy = {at[0], (uint64_t{1} << 48) | at[3]};
  Verifier across({spill.fd(), copy.fd()}, in_copy, 0.5);
  EXPECT_TRUE(*across.similar(0, 1));
}

}  // namespace
}  // namespace dqprep::shingle_sets
