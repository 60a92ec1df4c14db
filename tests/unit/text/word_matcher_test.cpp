#include "dqprep/text/word_matcher.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dqprep::word_matcher {
namespace {

WordMatcher make(std::vector<std::string> lines) {
  Result<WordMatcher> m = WordMatcher::create(lines);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(*m);
}

std::vector<std::string> matched(const WordMatcher& m, std::string_view text) {
  std::vector<Hit> hits;
  m.find(text, hits);
  std::vector<std::string> out;
  for (const Hit& h : hits) out.emplace_back(text.substr(h.offset, h.length));
  return out;
}

TEST(WordMatcher, WordBoundaries) {
  WordMatcher m = make({"ass"});
  EXPECT_EQ(m.count("a class of its own"), 0u);
  EXPECT_EQ(m.count("assume the best, bypass"), 0u);
  EXPECT_EQ(m.count("ass_hat ass2"), 0u);  // "_" and digits are word characters
  EXPECT_EQ(matched(m, "ass. (ass) \"ass\" ass-kicking ass"),
            (std::vector<std::string>{"ass", "ass", "ass", "ass", "ass"}));
  // Letters of any script are word characters: no hit inside "massé" or "assé".
  EXPECT_EQ(m.count("mass\u00E9 ass\u00E9"), 0u);
  WordMatcher digits = make({"42"});
  EXPECT_EQ(digits.count("1423 and 42, 420"), 1u);
}

TEST(WordMatcher, CaseInsensitiveIncludingNonAscii) {
  WordMatcher m = make({"Spam", "\u00C9cole"});
  EXPECT_EQ(matched(m, "SPAM spam sPaM"), (std::vector<std::string>{"SPAM", "spam", "sPaM"}));
  EXPECT_EQ(matched(m, "l'\u00E9cole and L'\u00C9COLE"), (std::vector<std::string>{"\u00E9cole", "\u00C9COLE"}));
}

TEST(WordMatcher, PhrasesMatchAcrossAnyWhiteSpace) {
  WordMatcher m = make({"  free   money ", "click here"});
  EXPECT_EQ(m.entries(), (std::vector<std::string>{"free money", "click here"}));
  EXPECT_EQ(matched(m, "Get FREE\n\t money now, click\u00A0here!"),
            (std::vector<std::string>{"FREE\n\t money", "click\u00A0here"}));
  EXPECT_EQ(m.count("freemoney free-money free moneys"), 0u);
}

TEST(WordMatcher, LeftmostLongestWithoutOverlap) {
  WordMatcher m = make({"free", "free money", "money now", "now"});
  // "free money" wins over "free" at the same start; "money now" overlaps it, "now" does not.
  EXPECT_EQ(matched(m, "free money now"), (std::vector<std::string>{"free money", "now"}));
  // A later-ending but earlier-starting entry wins over one found first.
  WordMatcher n = make({"b c", "a b c d"});
  EXPECT_EQ(matched(n, "a b c d"), (std::vector<std::string>{"a b c d"}));
  EXPECT_EQ(matched(n, "x b c d"), (std::vector<std::string>{"b c"}));
}

TEST(WordMatcher, EntriesIndexAndOffsets) {
  WordMatcher m = make({"alpha", "", "  ", "beta", "ALPHA"});
  EXPECT_EQ(m.entries(), (std::vector<std::string>{"alpha", "beta"}));  // blank and duplicate lines dropped
  std::vector<Hit> hits;
  m.find("beta, alpha", hits);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].entry, 1u);
  EXPECT_EQ(hits[0].offset, 0u);
  EXPECT_EQ(hits[0].length, 4u);
  EXPECT_EQ(hits[1].entry, 0u);
  EXPECT_EQ(hits[1].offset, 6u);
}

TEST(WordMatcher, CountStopsAfterTheLimit) {
  WordMatcher m = make({"x"});
  std::string text = "x x x x x x x x x x";
  EXPECT_EQ(m.count(text), 10u);
  EXPECT_EQ(m.count(text, 2), 3u);  // more than 2: the caller knows enough
  EXPECT_EQ(m.count(text, 10), 10u);
}

TEST(WordMatcher, UnspacedScriptsMatchInsideRuns) {
  WordMatcher m = make({"\u5783\u573E", "\u30B9\u30D1\u30E0"});  // 垃圾, スパム
  EXPECT_EQ(m.count("\u8FD9\u662F\u5783\u573E\u90AE\u4EF6"), 1u);
  EXPECT_EQ(m.count("\u3053\u308C\u306F\u30B9\u30D1\u30E0\u3067\u3059"), 1u);
}

TEST(WordMatcher, ManyEntriesAtOnce) {
  std::vector<std::string> words;
  for (int i = 0; i < 5000; ++i) words.push_back("w" + std::to_string(i) + "x");
  WordMatcher m = make(words);
  EXPECT_EQ(m.entries().size(), 5000u);
  EXPECT_EQ(matched(m, "w17x w4999x w5000x w12x3 aw1x W250X"), (std::vector<std::string>{"w17x", "w4999x", "W250X"}));
}

TEST(WordMatcher, RejectsEmptyListsAndInvalidUtf8) {
  std::vector<std::string> none = {"", "   "};
  EXPECT_EQ(WordMatcher::create(none).status().code(), StatusCode::usage);
  std::vector<std::string> bad = {"ok", "bad\xff"};
  EXPECT_FALSE(WordMatcher::create(bad).ok());
  // Invalid bytes in a text do not stop the scan.
  WordMatcher m = make({"spam"});
  EXPECT_EQ(m.count("\xff spam \xfe"), 1u);
}

TEST(WordMatcher, FindAllReportsOverlappingHits) {
  WordMatcher m = make({"free", "free money", "money now", "now", "mon"});
  std::vector<Hit> hits;
  m.find_all("Free money now", hits);
  std::vector<std::string> got;
  for (const Hit& h : hits) got.push_back(m.entries()[h.entry] + "@" + std::to_string(h.offset));
  // In order of their end, longest first among equal ends; "mon" is inside a word: no hit.
  EXPECT_EQ(got, (std::vector<std::string>{"free@0", "free money@0", "money now@5", "now@11"}));
  // find() on the same text keeps its leftmost-longest, non-overlapping hits.
  EXPECT_EQ(matched(m, "Free money now"), (std::vector<std::string>{"Free money", "now"}));
  hits.clear();
  m.find_all("freedom, monday", hits);
  EXPECT_TRUE(hits.empty());
}

TEST(WordMatcher, NormalizeEntryGivesTheEntryOfALine) {
  WordMatcher m = make({"  Free\t MONEY ", "\u00C9cole"});
  EXPECT_EQ(*WordMatcher::normalize_entry("  Free\t MONEY "), m.entries()[0]);
  EXPECT_EQ(*WordMatcher::normalize_entry("\u00C9cole"), m.entries()[1]);
  EXPECT_EQ(*WordMatcher::normalize_entry("   "), "");
  EXPECT_EQ(WordMatcher::normalize_entry("bad\xff").status().code(), StatusCode::usage);
}

}  // namespace
}  // namespace dqprep::word_matcher
