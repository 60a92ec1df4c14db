#include "dqprep/text/text.hpp"

#include "dqprep/quality/quality.hpp"

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

namespace dqprep::text {

// lengths() agrees with for_each_word and quality::code_points on every kind of white space.
TEST(Lengths, AgreeWithForEachWordAndCodePoints) {
  const std::string pieces[] = {" ", "\t", "\r\n", "a", "bc", "longer words here", "\x0B", "\x1F", "\x7F", "caf\u00E9", "\u00A0", "\u0085", "\u1680", "\u2003",
                                "\u2028", "\u202F", "\u205F", "\u3000", "\u2014", "\u00C2", "\u6570", "\xE2\x80",
                                "x\u00A0y", "\u200B"};
  uint64_t state = 7;
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    int len = static_cast<int>(state % 48);  // up to ~150 bytes: the 16-byte blocks and the tail
    for (int k = 0; k < len; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      s += pieces[(state >> 33) % std::size(pieces)];
    }
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t visited = 0;
    for_each_word(s, [&](std::string_view) { ++visited; });
    Lengths l = lengths(s);
    ASSERT_EQ(l.words, visited) << "text: " << s;
    ASSERT_EQ(l.code_points, quality::code_points(s)) << "text: " << s;
  }
  EXPECT_EQ(lengths("").words, 0u);
  EXPECT_EQ(lengths("  one\ttwo\u00A0three\u3000four\r\nfive  ").words, 5u);
  EXPECT_EQ(lengths("  one\ttwo\u00A0three\u3000four\r\nfive  ").code_points, 28u);
  EXPECT_EQ(lengths("\u2014").words, 1u);  // an em dash is a word
}

}  // namespace dqprep::text
