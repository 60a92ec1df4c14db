#include "dqprep/shingle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dqprep/hash.hpp"

namespace dqprep::shingle {
namespace {

std::string normal_form(std::string_view text) {
  Scratch scratch;
  normalize(text, scratch);
  return scratch.text;
}

std::vector<uint64_t> shingles(std::string_view text, size_t ngram = kDefaultNgram) {
  Scratch scratch;
  std::vector<uint64_t> out;
  shingle_hashes(text, ngram, scratch, out);
  return out;
}

std::vector<uint64_t> hashes_of(std::vector<std::string> grams) {
  std::vector<uint64_t> h;
  for (const auto& g : grams) h.push_back(hash::xxh3_64(g));
  std::sort(h.begin(), h.end());
  h.erase(std::unique(h.begin(), h.end()), h.end());
  return h;
}

TEST(ShingleNormalize, CasePunctuationAndWhiteSpace) {
  EXPECT_EQ(normal_form("  Hello,   WORLD!!\tIt's\n\nfine... (really)  "),
            "hello world it s fine really");
  EXPECT_EQ(normal_form("e-mail: a.b@c.org; 3+4=7 $5 ~x^2 `q` |p| <tag>"),
            "e mail a b c org 3 4 7 5 x 2 q p tag");
  EXPECT_EQ(normal_form(""), "");
  EXPECT_EQ(normal_form(" ,.;!? \r\n"), "");
}

TEST(ShingleNormalize, UnicodeCaseFolding) {
  EXPECT_EQ(normal_form("STRASSE Straße"), "strasse strasse");          // ß folds to ss
  EXPECT_EQ(normal_form("ΣΊΣΥΦΟΣ σίσυφος"), "σίσυφοσ σίσυφοσ");       // final sigma folds to σ
  EXPECT_EQ(normal_form("ÜNÏCÖDÉ Ünïcödé"), "ünïcödé ünïcödé");
  EXPECT_EQ(normal_form("МОСКВА Москва"), "москва москва");
  EXPECT_EQ(normal_form("ﬁne"), "fine");                                 // ligature fi folds to f i
  EXPECT_EQ(normal_form("e\u0301te\u0301"), "e\u0301te\u0301");          // combining marks kept
}

TEST(ShingleNormalize, UnicodePunctuationSymbolsAndSpaces) {
  EXPECT_EQ(normal_form("«Bonjour» — dit-il… ¿Qué? ¡Sí!"), "bonjour dit il qué sí");
  EXPECT_EQ(normal_form("5€ + 3£ = 8 ★ → ok ©2024"), "5 3 8 ok 2024");
  EXPECT_EQ(normal_form("東京。大阪、京都"), "東京 大阪 京都");
  EXPECT_EQ(normal_form("a\u00A0b\u3000c\u2028d\u2003e"), "a b c d e");
  // Invisible format characters (soft hyphen, zero-width joiner) do not split a word.
  EXPECT_EQ(normal_form("co\u00ADoperate zero\u200Dwidth"), "cooperate zerowidth");
  // Invalid UTF-8 is a word break.
  EXPECT_EQ(normal_form("ab\xFF" "cd\xC3"), "ab cd");
}

TEST(ShingleNormalize, WordStartsIndexTheNormalForm) {
  Scratch scratch;
  normalize("  One, two;  THREE ", scratch);
  EXPECT_EQ(scratch.text, "one two three");
  EXPECT_EQ(scratch.word_starts, (std::vector<size_t>{0, 4, 8}));
}

TEST(ShingleHashes, WordFiveGramsOfKnownText) {
  auto got = shingles("The quick brown fox jumps over the lazy dog.");
  auto want = hashes_of({"the quick brown fox jumps", "quick brown fox jumps over",
                         "brown fox jumps over the", "fox jumps over the lazy",
                         "jumps over the lazy dog"});
  EXPECT_EQ(got, want);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
}

TEST(ShingleHashes, OtherNgramSizes) {
  EXPECT_EQ(shingles("A b, C d", 2), hashes_of({"a b", "b c", "c d"}));
  EXPECT_EQ(shingles("A b, C d", 1), hashes_of({"a", "b", "c", "d"}));
  EXPECT_EQ(shingles("A b, C d", 0), shingles("A b, C d", 1));
}

TEST(ShingleHashes, SortedAndUnique) {
  auto got = shingles("a b c a b c a b c", 3);
  EXPECT_EQ(got, hashes_of({"a b c", "b c a", "c a b"}));
}

TEST(ShingleHashes, ShortAndEmptyTexts) {
  EXPECT_EQ(shingles("Hello, World!"), hashes_of({"hello world"}));
  EXPECT_EQ(shingles("one two three four five"), hashes_of({"one two three four five"}));
  EXPECT_TRUE(shingles("").empty());
  EXPECT_TRUE(shingles("?!… — ...").empty());
}

TEST(ShingleHashes, NormalizationMakesVariantsEqual) {
  EXPECT_EQ(shingles("The QUICK brown fox -- jumps over the lazy dog!"),
            shingles("the quick, brown fox jumps over\n the lazy dog"));
  EXPECT_NE(shingles("the quick brown fox jumps over the lazy dog"),
            shingles("the quick brown fox leaps over the lazy dog"));
}

TEST(ShingleHashes, ScratchReuseGivesTheSameResult) {
  Scratch scratch;
  std::vector<uint64_t> out;
  std::string long_text;
  for (int i = 0; i < 500; ++i) long_text += "Word" + std::to_string(i % 37) + ", ";
  shingle_hashes(long_text, 5, scratch, out);
  EXPECT_EQ(out, shingles(long_text));
  shingle_hashes("a b c d e f", 5, scratch, out);
  EXPECT_EQ(out, hashes_of({"a b c d e", "b c d e f"}));
}

TEST(ShingleJaccard, ExactOnSortedSets) {
  std::vector<uint64_t> a{1, 2, 3, 4}, b{3, 4, 5, 6, 7, 8}, empty;
  EXPECT_DOUBLE_EQ(jaccard(a, b), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(jaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(jaccard(a, empty), 0.0);
  EXPECT_DOUBLE_EQ(jaccard(empty, empty), 1.0);
  EXPECT_DOUBLE_EQ(jaccard(shingles("a b c d e f g"), shingles("a b c d e f x")), 2.0 / 4.0);
}

}  // namespace
}  // namespace dqprep::shingle
