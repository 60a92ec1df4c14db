#include "dqprep/dedup/band_partition.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <tuple>
#include <vector>

#include "dqprep/dedup/lsh.hpp"
#include "dqprep/util/random.hpp"

namespace dqprep::lsh {
namespace {

TEST(BandPartition, ParsesIOfN) {
  auto p = parse_partition("3/8");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->index, 3u);
  EXPECT_EQ(p->count, 8u);
  ASSERT_TRUE(parse_partition("0/1").ok());
  ASSERT_TRUE(parse_partition("65535/65536").ok());
  for (const char* bad : {"8/8", "1/0", "0/65537", "-1/4", "1", "1/", "/4", "a/4", "1/4x", " 1/4", "1/4/2", ""}) {
    EXPECT_EQ(parse_partition(bad).status().code(), StatusCode::usage) << bad;
  }
}

TEST(BandPartition, KeyRangesInOrder) {
  EXPECT_EQ(partition_of(0, 8), 0u);
  EXPECT_EQ(partition_of(UINT64_MAX, 8), 7u);
  EXPECT_EQ(partition_of(uint64_t{1} << 61, 8), 1u);
  EXPECT_EQ(partition_of((uint64_t{1} << 61) - 1, 8), 0u);
  EXPECT_EQ(partition_of(UINT64_MAX, kMaxPartitions), kMaxPartitions - 1);
  EXPECT_EQ(partition_of(UINT64_MAX, 1), 0u);
  // floor(key * n / 2^64) for n that do not divide 2^64 either
  for (uint32_t n : {3u, 7u, 20u, 1000u, 65536u}) {
    Rng rng(n);
    uint32_t previous = 0;
    uint64_t key = 0;
    for (int i = 0; i < 2000; ++i) {
      key += rng.next_u64() >> 12;  // increasing
      const uint32_t p = partition_of(key, n);
      ASSERT_LT(p, n);
      ASSERT_GE(p, previous) << key;
      previous = p;
      __extension__ const unsigned __int128 product = static_cast<unsigned __int128>(key) * n;
      ASSERT_EQ(p, static_cast<uint32_t>(product >> 64)) << key << " " << n;
    }
  }
}

// Random band keys with many shared ones, so that buckets of several sizes form.
Index random_index(uint32_t records, uint32_t bands, uint64_t seed) {
  Rng rng(seed);
  Index index(bands);
  std::vector<uint64_t> keys(bands);
  for (uint32_t r = 0; r < records; ++r) {
    for (uint32_t b = 0; b < bands; ++b) keys[b] = (rng.next_u64() % 3 == 0) ? rng.next_u64() % 50 * 0x9e3779b97f4a7c15ull : rng.next_u64();
    EXPECT_TRUE(index.add(keys).ok());
  }
  return index;
}

TEST(BandPartition, PartitionsTogetherVisitEveryBucketInOrder) {
  const uint32_t bands = 5;
  Index index = random_index(3000, bands, 4);
  using Visit = std::tuple<uint32_t, uint64_t, std::vector<uint32_t>>;
  std::vector<Visit> want;
  ASSERT_TRUE(for_each_bucket(index, [&](uint32_t band, std::span<const uint32_t> m) -> Status {
                const uint64_t key = index.keys(m[0])[band];
                want.emplace_back(band, key, std::vector<uint32_t>(m.begin(), m.end()));
                return {};
              }).ok());
  ASSERT_GT(want.size(), 100u);
  for (uint32_t n : {1u, 2u, 3u, 8u, 40u}) {
    std::vector<std::vector<Visit>> parts(n);
    for (uint32_t p = 0; p < n; ++p) {
      PartitionBuckets buckets({p, n}, bands);
      for (uint32_t r = 0; r < index.size(); ++r) ASSERT_TRUE(buckets.add(index.keys(r)).ok());
      EXPECT_EQ(buckets.records(), index.size());
      ASSERT_TRUE(buckets.for_each_bucket([&](uint32_t band, uint64_t key, std::span<const uint32_t> m) -> Status {
                     EXPECT_EQ(partition_of(key, n), p);
                     parts[p].emplace_back(band, key, std::vector<uint32_t>(m.begin(), m.end()));
                     return {};
                   }).ok());
    }
    // Band by band, partition after partition: the order of for_each_bucket.
    std::vector<Visit> got;
    std::vector<size_t> at(n, 0);
    for (uint32_t band = 0; band < bands; ++band) {
      for (uint32_t p = 0; p < n; ++p) {
        while (at[p] < parts[p].size() && std::get<0>(parts[p][at[p]]) == band) got.push_back(parts[p][at[p]++]);
      }
    }
    EXPECT_EQ(got, want) << n << " partitions";
  }
}

TEST(BandPartition, StopsAtTheFirstError) {
  PartitionBuckets buckets({0, 1}, 1);
  const std::vector<uint64_t> key = {42};
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(buckets.add(key).ok());
  EXPECT_EQ(buckets.add(std::vector<uint64_t>{1, 2}).code(), StatusCode::usage);
  int visits = 0;
  Status s = buckets.for_each_bucket([&](uint32_t, uint64_t, std::span<const uint32_t> m) -> Status {
    ++visits;
    EXPECT_EQ(m.size(), 4u);
    return Status::io("stop");
  });
  EXPECT_EQ(s.code(), StatusCode::io);
  EXPECT_EQ(visits, 1);
}

TEST(BucketClusterer, SameAsClusterWithAndWithoutVerifier) {
  Index index = random_index(2000, 4, 9);
  // A verifier that depends on both records, so that the order of the checks matters.
  Verifier verify = [](uint32_t a, uint32_t b) -> Result<bool> { return (a * 7 + b * 3) % 5 != 0; };
  for (const Verifier& v : {Verifier(), verify}) {
    auto want = cluster(index, v);
    ASSERT_TRUE(want.ok());
    BucketClusterer clusterer(index.size(), v);
    ASSERT_TRUE(for_each_bucket(index, [&](uint32_t, std::span<const uint32_t> m) { return clusterer.visit(m); }).ok());
    EXPECT_EQ(clusterer.smallest_members(), *want);
  }
}

}  // namespace
}  // namespace dqprep::lsh
