#include "dqprep/split/leakage.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "dqprep/dedup/minhash.hpp"
#include "dqprep/dedup/shingle.hpp"

namespace dqprep::leakage {
namespace {

hash::Key128 key(uint64_t v) { return {v, v * 7 + 1}; }

TEST(Leakage, ExactPairsAcrossParts) {
  // Texts: 1 in parts 0,0,1 (records 0,1,2); 2 only in part 0 (3,4); 3 alone (5); 4 in parts 2,1,1 (6,7,8).
  std::vector<hash::Key128> keys{key(1), key(1), key(1), key(2), key(2), key(3), key(4), key(4), key(4)};
  std::vector<PartId> parts{0, 0, 1, 0, 0, 1, 2, 1, 1};
  ExactLeaks e = exact(keys, parts);
  EXPECT_EQ(e.groups, 2u);
  EXPECT_EQ(e.records, 6u);
  // Text 1: record 1 (same part as the first, 0) pairs with 2, record 2 with 0. Text 4: 7 and 8 with 6.
  EXPECT_EQ(e.pairs, (std::vector<Pair>{{0, 2}, {1, 2}, {6, 7}, {6, 8}}));
  EXPECT_EQ(e.pairs.size(), e.records - e.groups);
}

TEST(Leakage, ExactAnchorIsInTheLowestPart) {
  // One text at positions 0 (part 2), 1 (part 0), 2 (part 1), 3 (part 0): the anchor is position 1,
  // the first copy in part 0; position 3, also in part 0, pairs with position 2, the first copy in
  // part 1.
  std::vector<hash::Key128> keys{key(9), key(9), key(9), key(9)};
  std::vector<PartId> parts{2, 0, 1, 0};
  ExactLeaks e = exact(keys, parts);
  EXPECT_EQ(e.pairs, (std::vector<Pair>{{0, 1}, {1, 2}, {2, 3}}));
  EXPECT_EQ(e.groups, 1u);
  EXPECT_EQ(e.records, 4u);
}

TEST(Leakage, NoLeakWithinOnePart) {
  std::vector<hash::Key128> keys{key(1), key(1), key(1)};
  std::vector<PartId> parts{2, 2, 2};
  EXPECT_TRUE(exact(keys, parts).pairs.empty());
}

// Signatures of real texts through the LSH index: a near copy in another part is a candidate, an
// exact copy is left to the exact check, a copy in the same part is not a leak, an unrelated text
// is not a candidate.
TEST(Leakage, NearCandidatesFromTexts) {
  const std::vector<std::string> texts{
      "the quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat all day long",
      "the quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat all day long!",  // near of 0
      "a completely different sentence about rivers mountains and the weather in the north of the country",
      "the quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat all day long",  // exact of 0
      "a completely different sentence about rivers mountains and the weather in the north of the country today",
  };
  const std::vector<PartId> parts{0, 1, 0, 2, 0};
  minhash::MinHasher hasher(112, 0);
  lsh::Index index(14);
  std::vector<hash::Key128> keys;
  shingle::Scratch scratch;
  for (const std::string& t : texts) {
    std::vector<uint64_t> sh, bands(14);
    std::vector<uint32_t> sig(112);
    shingle::shingle_hashes(t, 5, scratch, sh);
    hasher.signature(sh, sig);
    lsh::band_keys(sig, 8, bands);
    ASSERT_TRUE(index.add(bands).ok());
    keys.push_back(hash::xxh3_128(t));
  }
  std::vector<Pair> c = near_candidates(index, parts, keys);
  std::set<Pair> got(c.begin(), c.end());
  EXPECT_TRUE(got.count({0, 1}));   // near, parts 0 and 1
  EXPECT_TRUE(got.count({1, 3}));   // near, parts 1 and 2
  EXPECT_FALSE(got.count({0, 3}));  // exact: reported by exact()
  EXPECT_FALSE(got.count({2, 4}));  // same part
  for (const Pair& p : c) {
    EXPECT_LT(p.a, p.b);
    EXPECT_NE(parts[p.a], parts[p.b]);
    EXPECT_NE(p.a, 2u);  // the unrelated text shares no band with the fox texts
  }
  // Without keys the exact copy is a candidate too.
  std::vector<Pair> all = near_candidates(index, parts);
  EXPECT_TRUE(std::set<Pair>(all.begin(), all.end()).count({0, 3}));
}

}  // namespace
}  // namespace dqprep::leakage
