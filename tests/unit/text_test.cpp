#include "dqprep/text.hpp"

#include <gtest/gtest.h>

namespace dqprep::text {

TEST(SplitWords, AsciiAndUnicodeSpaces) {
  auto w = split_words("  one\ttwo\u00A0three\u3000four\r\nfive  ");
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w[0], "one");
  EXPECT_EQ(w[2], "three");
  EXPECT_EQ(w[3], "four");
  EXPECT_EQ(w[4], "five");
}

TEST(SplitWords, EmptyAndNonSpaceMultibyte) {
  EXPECT_TRUE(split_words("").empty());
  EXPECT_TRUE(split_words(" \n ").empty());
  auto w = split_words("caf\u00E9 \u2014 na\u00EFve");  // an em dash is a word, not a space
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], "caf\u00E9");
}

}  // namespace dqprep::text
