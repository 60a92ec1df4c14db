#include "dqprep/dedup/shingle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "dqprep/util/hash.hpp"

#include <utf8proc.h>

namespace dqprep::shingle {
namespace {

std::string normal_form(std::string_view text) {
  Scratch scratch;
  normalize(text, scratch);
  return std::string(scratch.text);
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

TEST(ShingleNormalize, EveryCodePointAsUtf8procClassifiesAndFoldsIt) {
  // Oracle: the category decides break / ignored / word, and utf8proc_map(CASEFOLD) the folding.
  Scratch scratch;
  int checked = 0;
  for (utf8proc_int32_t cp = 0x80; cp < 0x110000; ++cp) {
    if (cp >= 0xD800 && cp < 0xE000) continue;
    utf8proc_uint8_t bytes[4];
    std::string ch(reinterpret_cast<char*>(bytes), static_cast<size_t>(utf8proc_encode_char(cp, bytes)));
    std::string want;
    switch (utf8proc_category(cp)) {
      case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
      case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
      case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC:
      case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_SO: case UTF8PROC_CATEGORY_ZS:
      case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP: case UTF8PROC_CATEGORY_CC:
        want = "a b";
        break;
      case UTF8PROC_CATEGORY_CF:
        want = "ab";
        break;
      default: {
        utf8proc_uint8_t* folded = nullptr;
        utf8proc_ssize_t n = utf8proc_map(bytes, static_cast<utf8proc_ssize_t>(ch.size()), &folded,
                                          UTF8PROC_CASEFOLD);
        ASSERT_GT(n, 0) << cp;
        want = "a" + std::string(reinterpret_cast<char*>(folded), static_cast<size_t>(n)) + "b";
        std::free(folded);
      }
    }
    normalize("A" + ch + "B", scratch);
    ASSERT_EQ(scratch.text, want) << "U+" << std::hex << cp;
    normalize(ch, scratch);  // the 3x bound on growth the buffer relies on
    ASSERT_LE(scratch.text.size(), 3 * ch.size()) << "U+" << std::hex << cp;
    ++checked;
  }
  EXPECT_EQ(checked, 0x110000 - 0x80 - 0x800);
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

std::vector<uint64_t> char_shingles(std::string_view text, size_t n) {
  Scratch scratch;
  std::vector<uint64_t> out;
  char_shingle_hashes(text, n, scratch, out);
  return out;
}

TEST(CharShingles, RunsOfCodePointsOfTheNormalForm) {
  // Normal form "the cat": the 3-grams, spaces included.
  EXPECT_EQ(char_shingles("The CAT!", 3), hashes_of({"the", "he ", "e c", " ca", "cat"}));
  // Code points, not bytes: "café au" -> "caf", "afé", "fé ", "é a", " au".
  EXPECT_EQ(char_shingles("Café au", 3), hashes_of({"caf", "af\u00e9", "f\u00e9 ", "\u00e9 a", " au"}));
  EXPECT_EQ(char_shingles("aaaa", 2), hashes_of({"aa"}));  // a set: repeats once
  EXPECT_EQ(char_shingles("Hi!", 5), hashes_of({"hi"}));   // shorter than n: one shingle
  EXPECT_EQ(char_shingles("ab", 0), char_shingles("ab", 1));
  EXPECT_TRUE(char_shingles("?! ...", 3).empty());
}

TEST(CharShingles, OneChangedWordOfAShortTextKeepsMostShingles) {
  // The case the word shingles miss: the middle word of a 9-word text changed. Each of the five
  // word 5-grams holds it: Jaccard 0. Of the 39 character 5-grams (43 characters), the 7 that
  // start at 16..22 hold a changed character ("jum" -> "lea" at 20..22): 32 shared of 46, 0.696.
  const char* a = "the quick brown fox jumps over the lazy dog";
  const char* b = "the quick brown fox leaps over the lazy dog";
  EXPECT_EQ(jaccard(shingles(a), shingles(b)), 0.0);
  EXPECT_EQ(char_shingles(a, 5).size(), 39u);
  EXPECT_NEAR(jaccard(char_shingles(a, 5), char_shingles(b, 5)), 32.0 / 46, 1e-12);
}

TEST(Shingling, ParsesWordAndChar) {
  Result<Shingling> w = parse_shingling("--shingle", "word:3");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->unit, Shingling::Unit::word);
  EXPECT_EQ(w->n, 3u);
  Result<Shingling> c = parse_shingling("--shingle", "char:5");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->unit, Shingling::Unit::character);
  EXPECT_EQ(c->text(), "char:5");
  for (const char* bad : {"char", "char:", "char:0", "char:1001", "chars:5", "word:-1", "word:5x", ":5", ""}) {
    Result<Shingling> r = parse_shingling("--shingle", bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) EXPECT_EQ(r.status().code(), StatusCode::usage);
  }
  Scratch scratch;
  std::vector<uint64_t> out;
  hashes("the quick brown fox jumps over", *c, scratch, out);
  EXPECT_EQ(out, char_shingles("the quick brown fox jumps over", 5));
}

TEST(ShingleHashes, LongTextsMatchHandBuiltNgrams) {
  // Long enough for the bucket sort, with repeats that crowd buckets (one repeated shingle makes a
  // bucket of hundreds).
  const char* vocab[] = {"alpha", "Beta", "gamma,", "delta.", "EPSILON", "zeta"};
  std::string text;
  std::vector<std::string> words;
  uint64_t state = 1;
  for (int i = 0; i < 3000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    int w = i < 1000 ? 0 : static_cast<int>((state >> 33) % 6);
    text += vocab[w];
    text += i % 7 ? " " : "\n";
    std::string lower = vocab[w];
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.back() == ',' || lower.back() == '.') lower.pop_back();
    words.push_back(lower);
  }
  std::vector<std::string> grams;
  for (size_t i = 0; i + 5 <= words.size(); ++i) {
    grams.push_back(words[i] + " " + words[i + 1] + " " + words[i + 2] + " " + words[i + 3] + " " +
                    words[i + 4]);
  }
  auto got = shingles(text);
  EXPECT_EQ(got, hashes_of(grams));
  EXPECT_GT(got.size(), 1000u);
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
