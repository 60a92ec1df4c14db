#include "dqprep/text/text_key.hpp"

#include <gtest/gtest.h>

namespace dqprep::text {
namespace {

std::string key(std::string_view s) {
  std::string out;
  key_form(s, out);
  return out;
}

TEST(TextKey, IgnoresCasePunctuationAndWhiteSpace) {
  EXPECT_EQ(key("Great phone!"), "greatphone");
  EXPECT_EQ(key("  great,\tPHONE \n"), "greatphone");
  EXPECT_EQ(key("don't"), key("dont"));
  EXPECT_EQ(key(""), "");
  EXPECT_EQ(key("?!..."), "");
}

TEST(TextKey, SymbolsStaySoMeaningIsKept) {
  EXPECT_NE(key("5 $"), key("5"));
  EXPECT_NE(key("a+b"), key("ab"));
  EXPECT_NE(key("great \xF0\x9F\x98\x80"), key("great \xF0\x9F\x98\xA1"));  // 😀 vs 😡
  EXPECT_EQ(key("$+<=>^`|~"), "$+<=>^`|~");
}

TEST(TextKey, UnicodeCaseFoldingCompatibilityAndPunctuation) {
  EXPECT_EQ(key("STRASSE"), key("stra\xC3\x9F" "e"));            // ß folds to ss
  EXPECT_EQ(key("\xEF\xBC\xA1\xEF\xBC\xA2"), "ab");               // full-width ＡＢ
  EXPECT_EQ(key("caf\xC3\xA9"), key("cafe\xCC\x81"));             // é precomposed or combining
  EXPECT_EQ(key("\xE2\x80\x9CHi\xE2\x80\x9D\xE2\x80\x94 there\xE2\x80\xA6"), "hithere");  // “Hi”— there…
  EXPECT_EQ(key("a\xC2\xA0" "b\xE3\x80\x80" "c"), "abc");         // NBSP, ideographic space
  EXPECT_EQ(key("a\xE2\x80\x8B" "b"), "ab");                      // zero width space (Cf)
  EXPECT_EQ(key("\xCE\x9F\xCE\xB4\xCF\x8C\xCF\x82"), key("\xCE\xBF\xCE\xB4\xCF\x8C\xCF\x83"));  // Οδός / οδόσ: final sigma folds
}

TEST(TextKey, AsciiFastPathAgreesWithTheUnicodePath) {
  // A trailing "é" sends the text down the utf8proc path; the ASCII part must come out the same.
  for (int c = 1; c < 128; ++c) {
    std::string s = "x" + std::string(1, static_cast<char>(c)) + "Y";
    EXPECT_EQ(key(s) + "\xC3\xA9", key(s + "\xC3\xA9")) << "byte " << c;
  }
}

TEST(TextKey, InvalidUtf8IsRepairedNotLost) {
  EXPECT_EQ(key("ab\xFF" "c\xC3\xA9"), "ab\xEF\xBF\xBD" "c\xC3\xA9");
}

}  // namespace
}  // namespace dqprep::text
