#include "dqprep/dedup/lsh.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dqprep/util/hash.hpp"
#include "dqprep/dedup/minhash.hpp"
#include "dqprep/util/random.hpp"
#include "dqprep/dedup/shingle.hpp"

namespace dqprep::lsh {
namespace {

TEST(LshProbability, MatchesPublishedTable) {
  // Leskovec, Rajaraman & Ullman, Mining of Massive Datasets, Fig. 3.8: b = 20, r = 5.
  const std::vector<std::pair<double, double>> table = {
      {0.2, 0.006}, {0.3, 0.047}, {0.4, 0.186}, {0.5, 0.470}, {0.6, 0.802}, {0.7, 0.975}};
  for (auto [s, p] : table) EXPECT_NEAR(candidate_probability(s, 20, 5), p, 0.0005) << s;
  EXPECT_NEAR(candidate_probability(0.8, 20, 5), 0.9996, 0.00005);
  EXPECT_DOUBLE_EQ(candidate_probability(0.0, 14, 8), 0.0);
  EXPECT_DOUBLE_EQ(candidate_probability(1.0, 14, 8), 1.0);
}

TEST(LshParams, RowsPerBand) {
  auto rows = rows_per_band(112, 14);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 8u);
  EXPECT_EQ(rows_per_band(112, 15).status().code(), StatusCode::usage);
  EXPECT_FALSE(rows_per_band(112, 0).ok());
  EXPECT_FALSE(rows_per_band(0, 14).ok());
}

TEST(LshBandKeys, HashOfEachBandsRows) {
  std::vector<uint32_t> sig(112);
  for (uint32_t i = 0; i < sig.size(); ++i) sig[i] = i * 2654435761u;
  std::vector<uint64_t> keys(14);
  band_keys(sig, 8, keys);
  for (uint32_t k = 0; k < 14; ++k) {
    std::string_view bytes(reinterpret_cast<const char*>(&sig[k * 8]), 32);
    EXPECT_EQ(keys[k], hash::xxh3_64(bytes, k));
  }
  // One changed value changes the key of its band only.
  auto other = sig;
  other[43] ^= 1;  // band 5
  std::vector<uint64_t> other_keys(14);
  band_keys(other, 8, other_keys);
  for (uint32_t k = 0; k < 14; ++k) EXPECT_EQ(keys[k] == other_keys[k], k != 5) << k;
  // Equal rows in different bands still give different keys (the band is the seed).
  std::vector<uint32_t> flat(16, 7);
  std::vector<uint64_t> flat_keys(2);
  band_keys(flat, 8, flat_keys);
  EXPECT_NE(flat_keys[0], flat_keys[1]);
}

// Records given as per-band keys; small integers make the buckets easy to read.
Index make_index(const std::vector<std::vector<uint64_t>>& records) {
  Index index(static_cast<uint32_t>(records[0].size()));
  for (const auto& r : records) EXPECT_TRUE(index.add(r).ok());
  return index;
}

TEST(LshIndex, AddChecksTheNumberOfKeys) {
  Index index(3);
  EXPECT_TRUE(index.add(std::vector<uint64_t>{1, 2, 3}).ok());
  EXPECT_EQ(index.add(std::vector<uint64_t>{1, 2}).code(), StatusCode::usage);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.keys(0)[2], 3u);
}

TEST(LshBuckets, VisitedInBandKeyAndIndexOrder) {
  //                          band 0  band 1
  Index index = make_index({{50, 1},     // 0
                            {10, 2},     // 1
                            {50, 3},     // 2
                            {10, 2},     // 3
                            {60, 4},     // 4
                            {50, 2}});   // 5
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>> seen;
  Status st = for_each_bucket(index, [&](uint32_t band, std::span<const uint32_t> members) {
    seen.emplace_back(band, std::vector<uint32_t>(members.begin(), members.end()));
    return Status{};
  });
  EXPECT_TRUE(st.ok());
  decltype(seen) want = {{0, {1, 3}}, {0, {0, 2, 5}}, {1, {1, 3, 5}}};
  EXPECT_EQ(seen, want);
  // The first error stops the walk and is returned.
  int calls = 0;
  st = for_each_bucket(index, [&](uint32_t, std::span<const uint32_t>) {
    ++calls;
    return Status::io("disk gone");
  });
  EXPECT_EQ(st.code(), StatusCode::io);
  EXPECT_EQ(calls, 1);
}

TEST(LshCluster, ConnectedComponentsOfCandidates) {
  Index index = make_index({{1, 100}, {2, 101}, {1, 102}, {3, 103}, {4, 103}, {5, 102}, {6, 106}});
  auto c = cluster(index);
  ASSERT_TRUE(c.ok());
  // 0-2 share band 0; 2-5 and 3-4 share band 1.
  EXPECT_EQ(*c, (std::vector<uint32_t>{0, 1, 0, 3, 3, 0, 6}));
}

TEST(LshCluster, VerifierDecidesWhichCandidatesJoin) {
  // One bucket of five in band 0: {0, 1, 2, 3, 4}. Truth: {0, 2, 4} similar, {1, 3} similar.
  Index index = make_index({{9, 1}, {9, 2}, {9, 3}, {9, 4}, {9, 5}});
  auto group = [](uint32_t r) { return r % 2; };
  std::vector<std::pair<uint32_t, uint32_t>> checked;
  auto c = cluster(index, [&](uint32_t a, uint32_t b) -> Result<bool> {
    checked.emplace_back(a, b);
    return group(a) == group(b);
  });
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, (std::vector<uint32_t>{0, 1, 0, 1, 0}));
  for (auto [a, b] : checked) EXPECT_LT(a, b);
  // Each member is checked against the anchor (first member) of every other cluster in the bucket,
  // never against its own: 1:{0}, 2:{0,1}, 3:{0,1}, 4:{0,1}, 2 and 4 joining 0's cluster, 3 joining 1's.
  decltype(checked) want = {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {0, 4}, {1, 4}};
  EXPECT_EQ(checked, want);

  auto failed = cluster(index, [](uint32_t, uint32_t) -> Result<bool> {
    return Status::io("cannot read shingle file");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "cannot read shingle file");
}

TEST(LshCluster, AMemberBridgesTwoClusters) {
  // 0 and 1 are not similar, 2 is similar to both: all three end in one cluster.
  Index index = make_index({{9}, {9}, {9}});
  auto c = cluster(index, [](uint32_t a, uint32_t b) -> Result<bool> { return b == 2 || a == 2; });
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, (std::vector<uint32_t>{0, 0, 0}));
}

TEST(LshKept, FirstOrGreatestPriority) {
  std::vector<uint32_t> comp = {0, 1, 0, 1, 4, 0};
  EXPECT_EQ(kept_members(comp), comp);
  std::vector<uint64_t> length = {10, 7, 30, 7, 1, 30};
  // Component 0: 2 and 5 tie at 30, the smaller index wins; component 1: 1 and 3 tie at 7.
  EXPECT_EQ(kept_members(comp, length), (std::vector<uint32_t>{2, 1, 2, 1, 4, 2}));
}

// ---- Quality on a generated corpus with planted near-duplicates -----------------------------

struct Corpus {
  std::vector<std::string> texts;
  std::vector<std::vector<uint64_t>> sets;  // shingle sets
};

std::string render(const std::vector<uint32_t>& words, const std::vector<std::string>& vocab,
                   Rng& style) {
  // Case and punctuation vary between copies; normalization must make them irrelevant.
  std::string out;
  bool sentence_start = true;
  for (uint32_t w : words) {
    std::string word = vocab[w];
    if (sentence_start || style.bernoulli(0.05)) word[0] = static_cast<char>(word[0] - 'a' + 'A');
    if (style.bernoulli(0.02)) for (char& ch : word) ch = static_cast<char>(ch & ~0x20);
    out += word;
    sentence_start = style.bernoulli(0.08);
    out += sentence_start ? ". " : style.bernoulli(0.06) ? ", " : style.bernoulli(0.02) ? " - " : " ";
  }
  return out;
}

std::vector<uint32_t> edit(std::vector<uint32_t> words, int edits, size_t vocab_size, Rng& rng) {
  for (int e = 0; e < edits; ++e) {
    size_t pos = rng.uniform(words.size());
    uint64_t op = rng.uniform(4);
    uint32_t w = static_cast<uint32_t>(rng.uniform(vocab_size));
    if (op < 2) {
      words[pos] = w;
    } else if (op == 2) {
      words.insert(words.begin() + static_cast<std::ptrdiff_t>(pos), w);
    } else {
      words.erase(words.begin() + static_cast<std::ptrdiff_t>(pos));
    }
  }
  return words;
}

// 1600 originals of 100-300 words; 300 of them get one near-duplicate and 50 get two, each made
// by 1-10 word substitutions, insertions or deletions (Jaccard from about 0.55 to 1). Shuffled.
Corpus make_corpus(uint64_t seed) {
  Rng rng(seed);
  std::vector<std::string> vocab(5000);
  for (auto& w : vocab) {
    size_t len = 2 + rng.uniform(9);
    for (size_t i = 0; i < len; ++i) w.push_back(static_cast<char>('a' + rng.uniform(26)));
  }
  std::vector<std::vector<uint32_t>> docs;
  for (int d = 0; d < 1600; ++d) {
    std::vector<uint32_t> words(100 + rng.uniform(201));
    for (auto& w : words) w = static_cast<uint32_t>(rng.uniform(vocab.size()));
    docs.push_back(std::move(words));
  }
  for (int d = 0; d < 350; ++d) {
    int copies = d < 300 ? 1 : 2;
    for (int k = 0; k < copies; ++k) {
      docs.push_back(edit(docs[d], 1 + static_cast<int>(rng.uniform(10)), vocab.size(), rng));
    }
  }
  for (size_t i = docs.size() - 1; i > 0; --i) std::swap(docs[i], docs[rng.uniform(i + 1)]);
  Corpus corpus;
  shingle::Scratch scratch;
  for (const auto& words : docs) {
    corpus.texts.push_back(render(words, vocab, rng));
    corpus.sets.emplace_back();
    shingle::shingle_hashes(corpus.texts.back(), shingle::kDefaultNgram, scratch, corpus.sets.back());
  }
  return corpus;
}

// Exact Jaccard of every pair that shares at least one shingle (all other pairs have 0).
std::map<std::pair<uint32_t, uint32_t>, double> true_similarities(const Corpus& c) {
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings;
  for (uint32_t d = 0; d < c.sets.size(); ++d) for (uint64_t s : c.sets[d]) postings[s].push_back(d);
  std::map<std::pair<uint32_t, uint32_t>, double> sim;
  for (const auto& [s, docs] : postings) {
    for (size_t i = 0; i < docs.size(); ++i) {
      for (size_t j = i + 1; j < docs.size(); ++j) sim[{docs[i], docs[j]}] = 0;
    }
  }
  for (auto& [pair, j] : sim) j = shingle::jaccard(c.sets[pair.first], c.sets[pair.second]);
  return sim;
}

struct Quality {
  double recall_90 = 0;      // pairs with J >= 0.9 that share a cluster
  double recall_80 = 0;      // pairs with J >= 0.8 that share a cluster
  double precision_80 = 0;   // pairs sharing a cluster that have J >= 0.8
  size_t cluster_pairs = 0;
};

Quality measure(const std::vector<uint32_t>& comp,
                const std::map<std::pair<uint32_t, uint32_t>, double>& sim) {
  Quality q;
  size_t n90 = 0, hit90 = 0, n80 = 0, hit80 = 0;
  for (const auto& [pair, j] : sim) {
    bool together = comp[pair.first] == comp[pair.second];
    if (j >= 0.9) n90++, hit90 += together;
    if (j >= 0.8) n80++, hit80 += together;
  }
  std::map<uint32_t, std::vector<uint32_t>> clusters;
  for (uint32_t i = 0; i < comp.size(); ++i) clusters[comp[i]].push_back(i);
  size_t good = 0;
  for (const auto& [root, members] : clusters) {
    for (size_t a = 0; a < members.size(); ++a) {
      for (size_t b = a + 1; b < members.size(); ++b) {
        auto it = sim.find({members[a], members[b]});
        good += it != sim.end() && it->second >= 0.8;
        q.cluster_pairs++;
      }
    }
  }
  q.recall_90 = static_cast<double>(hit90) / static_cast<double>(n90);
  q.recall_80 = static_cast<double>(hit80) / static_cast<double>(n80);
  q.precision_80 = q.cluster_pairs ? static_cast<double>(good) / static_cast<double>(q.cluster_pairs) : 1.0;
  return q;
}

TEST(LshQuality, GeneratedCorpusRecallAndPrecision) {
  const Corpus corpus = make_corpus(77);
  const auto sim = true_similarities(corpus);
  const uint32_t n = static_cast<uint32_t>(corpus.texts.size());
  ASSERT_EQ(n, 2000u);
  size_t n90 = 0, n80 = 0, below = 0;
  for (const auto& [pair, j] : sim) n90 += j >= 0.9, n80 += j >= 0.8, below += j > 0.5 && j < 0.8;
  ASSERT_GE(n90, 50u);   // the corpus really has near-duplicates on both sides of the threshold
  ASSERT_GE(below, 50u);

  const uint32_t rows = *rows_per_band(minhash::kDefaultNumPerm, kDefaultBands);
  minhash::MinHasher hasher(minhash::kDefaultNumPerm, 0);
  Index index(kDefaultBands);
  std::vector<uint32_t> sig(hasher.num_perm());
  std::vector<uint64_t> keys(kDefaultBands);
  for (const auto& set : corpus.sets) {
    hasher.signature(set, sig);
    band_keys(sig, rows, keys);
    ASSERT_TRUE(index.add(keys).ok());
  }

  // The share of pairs that become candidates agrees with 1 - (1 - s^r)^b.
  double expected = 0, variance = 0;
  size_t observed = 0;
  for (const auto& [pair, j] : sim) {
    double p = candidate_probability(j, kDefaultBands, rows);
    expected += p;
    variance += p * (1 - p);
    auto a = index.keys(pair.first), b = index.keys(pair.second);
    bool candidate = false;
    for (uint32_t k = 0; k < kDefaultBands; ++k) candidate |= a[k] == b[k];
    observed += candidate;
  }
  EXPECT_NEAR(static_cast<double>(observed), expected, 4 * std::sqrt(variance) + 1);

  auto plain = cluster(index);
  ASSERT_TRUE(plain.ok());
  size_t verifications = 0;
  auto verified = cluster(index, [&](uint32_t a, uint32_t b) -> Result<bool> {
    ++verifications;
    return shingle::jaccard(corpus.sets[a], corpus.sets[b]) >= 0.8;
  });
  ASSERT_TRUE(verified.ok());
  Quality qp = measure(*plain, sim), qv = measure(*verified, sim);
  std::printf("[ quality  ] %u docs, %zu pairs J>=0.9, %zu J>=0.8, %zu in (0.5,0.8); candidates %zu "
              "(expected %.1f)\n[ quality  ] no verify: recall@0.9 %.4f recall@0.8 %.4f precision@0.8 "
              "%.4f (%zu pairs in clusters)\n[ quality  ] verify:    recall@0.9 %.4f recall@0.8 %.4f "
              "precision@0.8 %.4f (%zu pairs in clusters, %zu verifications)\n",
              n, n90, n80, below, observed, expected, qp.recall_90, qp.recall_80, qp.precision_80,
              qp.cluster_pairs, qv.recall_90, qv.recall_80, qv.precision_80, qv.cluster_pairs,
              verifications);
  EXPECT_GE(qp.recall_90, 0.95);
  EXPECT_GE(qv.recall_90, 0.95);
  EXPECT_GE(qv.precision_80, 0.95);

  // Same seed, same clusters.
  auto again = cluster(index);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *plain);
}

}  // namespace
}  // namespace dqprep::lsh
