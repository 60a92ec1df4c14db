#include "dqprep/io/external_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dqprep/util/random.hpp"

namespace dqprep::external_sort {
namespace {

struct Item {
  uint64_t key;
  uint32_t tag;
  std::string bytes;
};

std::vector<Item> items(size_t n, uint64_t seed, bool repeat_keys) {
  Rng rng(seed);
  std::vector<Item> out;
  for (size_t i = 0; i < n; ++i) {
    uint64_t key = repeat_keys ? rng.uniform(16) << 60 : rng.next_u64();
    out.push_back({key, static_cast<uint32_t>(i % 7), "record " + std::to_string(i) + std::string(rng.uniform(300), 'x')});
  }
  return out;
}

std::vector<Item> sorted_through(const std::vector<Item>& in, uint64_t expected, uint64_t bucket_bytes, size_t& spilled,
                                 size_t& buckets) {
  Sorter sorter(expected, bucket_bytes, 1 << 20);  // 64 KiB buffers for 16 buckets: they spill
  for (const Item& it : in) EXPECT_TRUE(sorter.add(it.key, it.tag, it.bytes).ok());
  buckets = sorter.buckets();
  spilled = sorter.spilled_buckets();
  std::vector<Item> out;
  EXPECT_TRUE(sorter.drain([&](uint32_t tag, std::string_view bytes) {
    out.push_back({0, tag, std::string(bytes)});
    return Status();
  }).ok());
  return out;
}

void expect_sorted_like_stable_sort(const std::vector<Item>& in, uint64_t expected, uint64_t bucket_bytes,
                                    bool want_spill) {
  std::vector<Item> want = in;
  std::stable_sort(want.begin(), want.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  size_t spilled = 0, buckets = 0;
  std::vector<Item> got = sorted_through(in, expected, bucket_bytes, spilled, buckets);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].bytes, want[i].bytes) << i;
    ASSERT_EQ(got[i].tag, want[i].tag) << i;
  }
  EXPECT_EQ(spilled > 0, want_spill) << buckets << " buckets";
}

TEST(ExternalSort, InMemory) { expect_sorted_like_stable_sort(items(5000, 1, false), 1 << 20, kDefaultBucketBytes, false); }

TEST(ExternalSort, SpilledBuckets) {
  // 20000 records of ~160 bytes: 3.2 MB over buckets of 256 KiB, so 16 buckets of ~200 KB, each
  // beyond its 64 KiB buffer, so on disk.
  std::vector<Item> in = items(20000, 2, false);
  Sorter probe(3'200'000, 256 << 10);
  EXPECT_EQ(probe.buckets(), 16u);
  expect_sorted_like_stable_sort(in, 3'200'000, 256 << 10, true);
}

TEST(ExternalSort, EqualKeysKeepTheirOrder) {
  expect_sorted_like_stable_sort(items(20000, 3, true), 3'200'000, 256 << 10, true);
}

TEST(ExternalSort, UnderestimatedSizeStillSorts) {
  // One bucket planned; it outgrows its buffer and goes to a file, then comes back whole.
  expect_sorted_like_stable_sort(items(20000, 4, false), 0, 256 << 10, true);
}

TEST(ExternalSort, BucketCountIsBounded) {
  Sorter s(uint64_t{1} << 50, 1 << 20);
  EXPECT_EQ(s.buckets(), kMaxBuckets);
  Sorter empty(0);
  EXPECT_EQ(empty.buckets(), 1u);
  EXPECT_TRUE(empty.drain([](uint32_t, std::string_view) { return Status::io("never called"); }).ok());
}

}  // namespace
}  // namespace dqprep::external_sort
