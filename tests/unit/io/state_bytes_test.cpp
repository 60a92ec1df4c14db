#include "dqprep/io/state_bytes.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dqprep::state_bytes {

namespace {
struct Pair {
  uint64_t low;
  uint64_t high;
};
}  // namespace

TEST(StateBytes, RoundTripsMixedValuesAndByteStrings) {
  std::string s;
  put<uint64_t>(s, 0x0123456789abcdefULL);
  put<uint8_t>(s, 7);
  put_bytes(s, "hello");
  put<double>(s, -2.5);
  put(s, Pair{11, 22});
  put_bytes(s, std::string_view("a\0b", 3));
  put<int32_t>(s, -1);
  EXPECT_EQ(s.size(), 8u + 1u + (4u + 5u) + 8u + 16u + (4u + 3u) + 4u);

  Reader r(s);
  EXPECT_FALSE(r.done());
  EXPECT_EQ(r.remaining(), s.size());
  EXPECT_EQ(r.get<uint64_t>(), 0x0123456789abcdefULL);
  EXPECT_EQ(r.get<uint8_t>(), 7);
  EXPECT_EQ(r.get_bytes(), "hello");
  EXPECT_EQ(r.get<double>(), -2.5);
  Pair p = r.get<Pair>();
  EXPECT_EQ(p.low, 11u);
  EXPECT_EQ(p.high, 22u);
  EXPECT_EQ(r.get_bytes(), std::string_view("a\0b", 3));
  EXPECT_FALSE(r.done());
  EXPECT_EQ(r.remaining(), 4u);
  EXPECT_EQ(r.get<int32_t>(), -1);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(StateBytes, LengthPrefixIsUint32) {
  std::string s;
  put_bytes(s, "xyz");
  ASSERT_EQ(s.size(), 7u);
  Reader r(s);
  EXPECT_EQ(r.get<uint32_t>(), 3u);
  EXPECT_EQ(r.get_raw(3), "xyz");
  EXPECT_TRUE(r.done());
}

TEST(StateBytes, EmptyStrings) {
  std::string s;
  put_bytes(s, "");
  put_bytes(s, "");
  put<uint16_t>(s, 9);
  EXPECT_EQ(s.size(), 10u);
  Reader r(s);
  EXPECT_EQ(r.get_bytes(), "");
  EXPECT_EQ(r.get_bytes(), "");
  EXPECT_EQ(r.get<uint16_t>(), 9);
  EXPECT_TRUE(r.done());
}

TEST(StateBytes, EmptyInputIsDone) {
  Reader r{std::string_view()};
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(StateBytes, RawBytesAndArrays) {
  std::string s;
  std::vector<uint64_t> keys{1, 2, 0xffffffffffffffffULL};
  std::vector<uint16_t> none;
  put<uint32_t>(s, static_cast<uint32_t>(keys.size()));
  put_array<uint64_t>(s, keys);
  put_array<uint16_t>(s, none);
  put_raw(s, "tail");
  Reader r(s);
  std::vector<uint64_t> back(r.get<uint32_t>());
  r.get_array(back.data(), back.size());
  EXPECT_EQ(back, keys);
  r.get_array<uint16_t>(nullptr, 0);
  EXPECT_EQ(r.get_raw(4), "tail");
  EXPECT_TRUE(r.done());
}

TEST(StateBytes, SeveralRecordsReadUntilDone) {
  std::string s;
  for (uint64_t i = 0; i < 5; ++i) {
    put(s, i);
    put_bytes(s, std::string(i, 'x'));
  }
  Reader r(s);
  uint64_t n = 0;
  while (!r.done()) {
    EXPECT_EQ(r.get<uint64_t>(), n);
    EXPECT_EQ(r.get_bytes(), std::string(n, 'x'));
    ++n;
  }
  EXPECT_EQ(n, 5u);
}

}  // namespace dqprep::state_bytes
