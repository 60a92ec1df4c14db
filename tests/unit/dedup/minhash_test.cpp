#include "dqprep/dedup/minhash.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dqprep/util/hash.hpp"
#include "dqprep/util/random.hpp"
#include "dqprep/dedup/shingle.hpp"

namespace dqprep::minhash {
namespace {

std::vector<uint32_t> sig(const MinHasher& h, const std::vector<uint64_t>& set) {
  std::vector<uint32_t> out(h.num_perm());
  h.signature(set, out);
  return out;
}

std::vector<uint64_t> random_set(Rng& rng, size_t n) {
  std::vector<uint64_t> s(n);
  for (auto& x : s) x = rng.next_u64();
  return s;
}

TEST(MinHash, MatchesTheDocumentedFamily) {
  // h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32 on the low 32 bits of x; (a_i, b_i) drawn in turn.
  const uint64_t seed = 12345;
  Rng data(7);
  auto set = random_set(data, 300);
  MinHasher h(112, seed);
  Rng rng(seed);
  std::vector<uint32_t> want(112, UINT32_MAX);
  for (size_t i = 0; i < want.size(); ++i) {
    uint64_t a = rng.next_u64(), b = rng.next_u64();
    for (uint64_t x : set) {
      want[i] = std::min(want[i], static_cast<uint32_t>((a * (x & 0xFFFFFFFFu) + b) >> 32));
    }
  }
  EXPECT_EQ(sig(h, set), want);
}

TEST(MinHash, DeterministicAndOrderIndependent) {
  Rng data(1);
  auto set = random_set(data, 500);
  auto a = sig(MinHasher(112, 42), set);
  EXPECT_EQ(a, sig(MinHasher(112, 42), set));
  EXPECT_NE(a, sig(MinHasher(112, 43), set));
  auto shuffled = set;
  std::reverse(shuffled.begin(), shuffled.end());
  std::rotate(shuffled.begin(), shuffled.begin() + 123, shuffled.end());
  shuffled.push_back(set[17]);  // a duplicate changes nothing
  EXPECT_EQ(a, sig(MinHasher(112, 42), shuffled));
  // A smaller num_perm with the same seed is a prefix of the larger signature.
  auto small = sig(MinHasher(64, 42), set);
  EXPECT_TRUE(std::equal(small.begin(), small.end(), a.begin()));
}

TEST(MinHash, EmptySetAndSingleton) {
  MinHasher h(112, 0);
  EXPECT_EQ(sig(h, {}), std::vector<uint32_t>(112, kEmptyValue));
  auto one = sig(h, {0xDEADBEEFCAFEull});
  EXPECT_NE(one, sig(h, {}));
  EXPECT_DOUBLE_EQ(estimate_jaccard(one, one), 1.0);
  EXPECT_DOUBLE_EQ(estimate_jaccard({}, {}), 0.0);
}

TEST(MinHash, AllValuesUsedAndSpread) {
  // The minimum of n uniform 32-bit values is about 2^32 / (n + 1); a broken family (monotone in
  // x, or constant) shows as minima far from that or repeated across permutations.
  Rng data(5);
  auto set = random_set(data, 1000);
  auto s = sig(MinHasher(112, 9), set);
  double mean = 0;
  for (uint32_t v : s) mean += v;
  mean /= static_cast<double>(s.size());
  EXPECT_NEAR(mean / (4294967296.0 / 1001.0), 1.0, 0.3);  // the mean of 112 exponentials: +-10%
  auto sorted = s;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
}

// Pairs of word sets with an exact, known Jaccard similarity: the union has 200 words, of which
// 200 * j are shared and the rest split evenly between the two sides.
struct PairStats {
  double exact_mean = 0, estimate_mean = 0, estimate_var = 0;
};

PairStats estimate_pairs(double j, int pairs, const MinHasher& h) {
  const int union_size = 200;
  const int common = static_cast<int>(j * union_size + 0.5);
  const int side = (union_size - common) / 2;
  std::vector<double> estimates;
  PairStats st;
  uint64_t word = 0;
  shingle::Scratch scratch;
  for (int p = 0; p < pairs; ++p) {
    std::vector<uint64_t> a, b;
    auto next_word = [&] { return hash::xxh3_64("w" + std::to_string(word++)); };
    for (int i = 0; i < common; ++i) {
      uint64_t w = next_word();
      a.push_back(w);
      b.push_back(w);
    }
    for (int i = 0; i < side; ++i) a.push_back(next_word());
    for (int i = 0; i < side; ++i) b.push_back(next_word());
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    st.exact_mean += shingle::jaccard(a, b) / pairs;
    estimates.push_back(estimate_jaccard(sig(h, a), sig(h, b)));
  }
  for (double e : estimates) st.estimate_mean += e / pairs;
  for (double e : estimates) st.estimate_var += (e - st.estimate_mean) * (e - st.estimate_mean);
  st.estimate_var /= pairs - 1;
  return st;
}

TEST(MinHash, EstimatesKnownJaccard) {
  MinHasher h(kDefaultNumPerm, 2024);
  for (double j : {0.2, 0.5, 0.8, 0.95}) {
    SCOPED_TRACE(j);
    PairStats st = estimate_pairs(j, 300, h);
    EXPECT_NEAR(st.exact_mean, j, 1e-12);
    EXPECT_NEAR(st.estimate_mean, j, 0.03);
    // Independent permutations make the number of agreeing positions binomial(k, j): a family
    // whose permutations are correlated shows a larger variance.
    if (j == 0.5 || j == 0.8) {
      double binomial = j * (1 - j) / kDefaultNumPerm;
      EXPECT_GT(st.estimate_var / binomial, 0.7);
      EXPECT_LT(st.estimate_var / binomial, 1.4);
    }
  }
}

}  // namespace
}  // namespace dqprep::minhash
