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

// Vote counts are uint16_t and kBadRecord (65535) marks a malformed line in the votes state: a file
// of 65535 rules, all firing on one record, gave that record the count of a malformed line.
TEST(WeakLabelRules, AtMost65534Rules) {
  std::string text = "[";
  for (size_t i = 0; i < 65535; ++i)
    text += (i ? "," : "") + std::string(R"({"name":"r)") + std::to_string(i) + R"(","label":"a","keywords":["w"]})";
  text += "]";
  Result<RuleSet> set = parse_rules(text, "rules.json");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().message(), "--rules rules.json: more than 65534 rules");
}

}  // namespace
}  // namespace dqprep::stages::weak_label
