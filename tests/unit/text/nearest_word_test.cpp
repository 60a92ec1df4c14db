#include "dqprep/text/nearest_word.hpp"

#include <gtest/gtest.h>

namespace dqprep::nearest_word {
namespace {

TEST(NearestWord, DistanceCountsInsertDeleteSubstituteAndSwap) {
  EXPECT_EQ(distance("", ""), 0u);
  EXPECT_EQ(distance("abc", ""), 3u);
  EXPECT_EQ(distance("--min-word", "--min-words"), 1u);
  EXPECT_EQ(distance("--mni-words", "--min-words"), 1u);  // adjacent swap
  EXPECT_EQ(distance("kitten", "sitting"), 3u);
  EXPECT_EQ(distance("ca", "abc"), 3u);  // optimal string alignment, not full Damerau (2)
}

TEST(NearestWord, SuggestsOnlyLikelyTypos) {
  const std::vector<std::string> flags{"--min-words", "--max-words", "--min-chars", "--threshold", "--json"};
  EXPECT_EQ(nearest("--min-word", flags), "--min-words");
  EXPECT_EQ(nearest("--max-wrods", flags), "--max-words");
  EXPECT_EQ(nearest("--jsn", flags), "--json");
  EXPECT_EQ(nearest("--thresh", flags), "--threshold");
  EXPECT_EQ(nearest("--frobnicate", flags), std::nullopt);
  EXPECT_EQ(nearest("-x", flags), std::nullopt);
  EXPECT_EQ(nearest("-Z", std::vector<std::string>{"-h", "-j"}), std::nullopt);
  EXPECT_EQ(nearest("--frob", std::vector<std::string>{"--form"}), std::nullopt);  // 2 edits in 4 letters
  const std::vector<std::string> commands{"normalize", "dedup", "filter", "label-check"};
  EXPECT_EQ(nearest("filtr", commands), "filter");
  EXPECT_EQ(nearest("dedupe", commands), "dedup");
  EXPECT_EQ(nearest("labelcheck", commands), "label-check");
  EXPECT_EQ(nearest("train", commands), std::nullopt);
}

}  // namespace
}  // namespace dqprep::nearest_word
