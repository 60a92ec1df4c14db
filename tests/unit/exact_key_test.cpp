#include "dqprep/exact_key.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dqprep::exact_key {
namespace {

std::string key(std::string_view text) {
  KeyNormalizer n;
  return std::string(n.normalize(text));
}

TEST(KeyNormalizer, IgnoresCasePunctuationAndWhiteSpace) {
  EXPECT_EQ(key("Hello, World!"), "helloworld");
  EXPECT_EQ(key("  hello\tworld\n"), "helloworld");
  EXPECT_EQ(key("HELLO-WORLD..."), "helloworld");
  EXPECT_EQ(key("hello world"), key("Hello,\u00a0world\u3002"));  // NBSP, ideographic full stop
  EXPECT_EQ(key("\u201cQuoted\u201d \u2014 text"), "quotedtext");
  EXPECT_EQ(key("$5 + 5 = 10"), "5510");  // symbols go too
}

TEST(KeyNormalizer, FoldsUnicodeForms) {
  EXPECT_EQ(key("Caf\u00e9"), key("cafe\u0301"));             // composed and decomposed
  EXPECT_EQ(key("\uff21\uff22\uff23 def"), "abcdef");           // full-width
  EXPECT_EQ(key("\ufb01ne"), "fine");                           // ligature fi
  EXPECT_EQ(key("Stra\u00dfe"), key("STRASSE"));                // full case folding: ß = ss
  EXPECT_EQ(key("\u0394\u0399\u0391"), key("\u03b4\u03b9\u03b1"));  // Greek capitals
  EXPECT_EQ(key("zero\u200bwidth"), "zerowidth");               // invisible characters
}

TEST(KeyNormalizer, KeepsWhatMakesTextsDifferent) {
  EXPECT_NE(key("hello world"), key("hello word"));
  EXPECT_NE(key("1 2 3"), key("1 2 4"));
  EXPECT_NE(key("r\u00e9sum\u00e9"), key("resume"));  // accents are letters, not forms
  EXPECT_EQ(key(""), "");
  EXPECT_EQ(key("?!... ---"), "");
}

TEST(KeyNormalizer, ReusesItsBuffersAcrossCalls) {
  KeyNormalizer n;
  EXPECT_EQ(n.normalize("A long first text, with words."), "alongfirsttextwithwords");
  EXPECT_EQ(n.normalize("b"), "b");
  EXPECT_EQ(n.normalize("\u00c9t\u00e9"), "\u00e9t\u00e9");
}

}  // namespace
}  // namespace dqprep::exact_key
