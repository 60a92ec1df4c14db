#include "dqprep/dedup/key_table.hpp"

#include <gtest/gtest.h>

#include <map>
#include <unordered_map>

#include "dqprep/util/random.hpp"

namespace dqprep {
namespace {

TEST(KeyTable, FindOrInsertAgreesWithAMapThroughGrowth) {
  KeyTable table;
  std::map<std::pair<uint64_t, uint64_t>, uint32_t> truth;
  Rng rng(7);
  for (uint32_t i = 0; i < 200000; ++i) {
    // A small low half forces collisions in the slot index; the high half still tells keys apart.
    hash::Key128 key{rng.uniform(50000), rng.uniform(3)};
    bool inserted = false;
    uint32_t got = table.find_or_insert(key, i, inserted);
    auto [it, fresh] = truth.emplace(std::make_pair(key.low, key.high), i);
    EXPECT_EQ(inserted, fresh);
    ASSERT_EQ(got, it->second);
  }
  EXPECT_EQ(table.size(), truth.size());
  for (const auto& [k, v] : truth) {
    const uint32_t* found = table.find({k.first, k.second});
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(*found, v);
  }
  EXPECT_EQ(table.find({123456789, 0}), nullptr);
  EXPECT_EQ(KeyTable().find({0, 0}), nullptr);
}

TEST(KeyTable, ZeroIsAKeyLikeAnyOther) {
  KeyTable table;
  bool inserted = false;
  EXPECT_EQ(table.find_or_insert({0, 0}, 5, inserted), 5u);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(table.find_or_insert({0, 0}, 6, inserted), 5u);
  EXPECT_FALSE(inserted);
}

TEST(HashTable64, FindOrInsertAgreesWithAMap) {
  HashTable64 table;
  std::unordered_map<uint64_t, uint32_t> truth;
  Rng rng(3);
  for (uint32_t i = 0; i < 100000; ++i) {
    uint64_t key = rng.uniform(40000) << 20;  // only high bits vary: every key probes from slot 0 at first
    bool inserted = false;
    uint32_t got = table.find_or_insert(key, i, inserted);
    auto [it, fresh] = truth.emplace(key, i);
    EXPECT_EQ(inserted, fresh);
    ASSERT_EQ(got, it->second);
  }
  EXPECT_EQ(table.size(), truth.size());
  for (const auto& [k, v] : truth) ASSERT_EQ(*table.find(k), v);
  EXPECT_EQ(table.find(1), nullptr);
}

}  // namespace
}  // namespace dqprep
