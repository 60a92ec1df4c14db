#include "dqprep/io/fixed_records.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace dqprep::io {
namespace {

// The same records back, in memory and spilled to a file (a memory limit of 100 bytes).
TEST(FixedRecords, ReadsBackWhatWasAppended) {
  for (uint64_t memory : {uint64_t{64} << 20, uint64_t{100}}) {
    FixedRecords records(3 * sizeof(uint32_t), memory);
    const size_t n = 500000;  // 6 MB: more than one chunk once spilled
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t r[3] = {i, i * 7, ~i};
      ASSERT_TRUE(records.append(r).ok());
    }
    ASSERT_TRUE(records.finish().ok());
    EXPECT_EQ(records.size(), n);
    EXPECT_EQ(records.spilled(), memory == 100);
    size_t seen = 0;
    bool in_order = true;
    ASSERT_TRUE(records
                    .for_each([&](size_t first, const uint8_t* data, size_t count) {
                      const auto* r = reinterpret_cast<const uint32_t*>(data);
                      for (size_t i = 0; i < count; ++i) {
                        uint32_t at = static_cast<uint32_t>(first + i);
                        in_order &= first == seen && r[3 * i] == at && r[3 * i + 1] == at * 7 && r[3 * i + 2] == ~at;
                      }
                      seen += count;
                    })
                    .ok());
    EXPECT_EQ(seen, n);
    EXPECT_TRUE(in_order);
    for (uint32_t i : {0u, 1u, 349524u, 349525u, 499999u}) {
      uint32_t r[3];
      ASSERT_TRUE(records.read(i, r).ok());
      EXPECT_EQ(r[0], i);
      EXPECT_EQ(r[2], ~i);
    }
    uint32_t r[3];
    EXPECT_FALSE(records.read(n, r).ok());
  }
}

}  // namespace
}  // namespace dqprep::io
