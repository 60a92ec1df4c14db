#include "dqprep/json_text.hpp"

#include <gtest/gtest.h>

namespace dqprep::json_text {

TEST(AppendString, EscapesAndKeepsValidUtf8) {
  std::string out;
  append_string(out, "a\"b\\c\n\t\x01 caf\u00e9 \u6570 \U0001F600");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\t\\u0001 caf\u00e9 \u6570 \U0001F600\"");
}

TEST(AppendString, InvalidBytesBecomeReplacementCharacters) {
  std::string out;
  append_string(out, "x\xff y\xc3 z\xed\xa0\x80");  // stray byte, truncated sequence, surrogate
  EXPECT_EQ(out, "\"x\uFFFD y\uFFFD z\uFFFD\uFFFD\uFFFD\"");
}

TEST(AppendNumber, ShortestRoundTripAndNonFiniteAsNull) {
  std::string out;
  append_number(out, 0.1);
  out += ",";
  append_number(out, 1e300 * 1e300);
  out += ",";
  append_number(out, int64_t{-42});
  out += ",";
  append_number(out, uint64_t{18446744073709551615ULL});
  EXPECT_EQ(out, "0.1,null,-42,18446744073709551615");
}

}  // namespace dqprep::json_text
