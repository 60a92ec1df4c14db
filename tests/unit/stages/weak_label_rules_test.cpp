#include "stages/weak_label_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dqprep::stages::weak_label {
namespace {

TEST(WeakLabelRules, ParsesKeywordAndRegexRules) {
  Result<RuleSet> set = parse_rules(
      R"([{"name": "kw", "label": "sports", "keywords": ["goal", "match"]},
          {"name": "re", "label": 1, "regex": "\\d+-\\d+"},
          {"name": "title", "label": "sports", "keywords": ["review"], "field": "title"}])",
      "rules.json");
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->rules.size(), 3u);
  ASSERT_EQ(set->labels.size(), 2u);
  EXPECT_EQ(set->labels[1].text, "1");
  EXPECT_EQ(set->groups.size(), 2u);  // the text fields, and "title"
}

// A number too large for a double was an nlohmann out_of_range exception that parse_rules did not
// catch (it caught parse_error only): weak-label aborted. Found by fuzz/fuzz_rules.
TEST(WeakLabelRules, NumberOverflowIsAUsageError) {
  for (std::string text : {R"([{"name":"n","label":1e999,"keywords":["x"]}])", "1e999", "[-1e400]"}) {
    Result<RuleSet> set = parse_rules(text, "rules.json");
    ASSERT_FALSE(set.ok()) << text;
    EXPECT_EQ(set.status().code(), StatusCode::usage);
    EXPECT_EQ(set.status().message().rfind("--rules rules.json: not valid JSON (", 0), 0u) << set.status().message();
  }
}

}  // namespace
}  // namespace dqprep::stages::weak_label
