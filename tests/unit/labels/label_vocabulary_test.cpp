#include "dqprep/labels/label_vocabulary.hpp"

#include <gtest/gtest.h>

namespace dqprep::labels {
namespace {

std::string canon(std::string_view token) {
  std::string out;
  canonical_number(token, out);
  return out;
}

TEST(LabelVocabulary, NumbersHaveOneText) {
  EXPECT_EQ(canon("7"), "7");
  EXPECT_EQ(canon("-12"), "-12");
  EXPECT_EQ(canon("-0"), "0");
  EXPECT_EQ(canon("1.0"), "1");
  EXPECT_EQ(canon("2.50"), "2.5");
  EXPECT_EQ(canon("1e2"), "100");
  EXPECT_EQ(canon("-0.0"), "0");
  EXPECT_EQ(canon("0.1"), "0.1");
  EXPECT_EQ(canon("123456789012345678901234567890"), "123456789012345678901234567890");  // integers as written
}

TEST(LabelVocabulary, NumericValue) {
  EXPECT_EQ(numeric_value("3"), 3.0);
  EXPECT_EQ(numeric_value("-0.5"), -0.5);
  EXPECT_FALSE(numeric_value("3a").has_value());
  EXPECT_FALSE(numeric_value("").has_value());
  EXPECT_FALSE(numeric_value("pos").has_value());
}

TEST(LabelVocabulary, IdsInOrderOfFirstSightAcrossTheSmallAndHashedRanges) {
  Vocabulary v;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(v.intern("label" + std::to_string(i), Kind::string), i);
    }
  }
  EXPECT_EQ(v.size(), 20u);
  EXPECT_EQ(v.find("label13"), 13);
  EXPECT_EQ(v.find("nope"), -1);
  EXPECT_EQ(v.text(7), "label7");
}

TEST(LabelVocabulary, WrittenBackAsFirstSeen) {
  Vocabulary v;
  int32_t a = v.intern("a \"quoted\" label", Kind::string);
  int32_t three = v.intern("3", Kind::number);
  int32_t t = v.intern("true", Kind::boolean);
  EXPECT_EQ(v.intern("3", Kind::string), three);  // "3" and 3 are one label
  std::string out;
  v.append_json(a, out);
  out += ' ';
  v.append_json(three, out);
  out += ' ';
  v.append_json(t, out);
  EXPECT_EQ(out, "\"a \\\"quoted\\\" label\" 3 true");
  v.set_kind(three, Kind::string);
  out.clear();
  v.append_json(three, out);
  EXPECT_EQ(out, "\"3\"");
}

}  // namespace
}  // namespace dqprep::labels
