#include "dqprep/model/evaluation.hpp"

#include <gtest/gtest.h>

namespace dqprep::model {
namespace {

TEST(Evaluation, WilsonInterval) {
  Interval ci = wilson95(8, 10);  // the textbook example: [0.490, 0.943]
  EXPECT_NEAR(ci.low, 0.4902, 1e-4);
  EXPECT_NEAR(ci.high, 0.9433, 1e-4);
  ci = wilson95(0, 0);
  EXPECT_EQ(ci.low, 0);
  EXPECT_EQ(ci.high, 1);
  ci = wilson95(10, 10);
  EXPECT_NEAR(ci.high, 1.0, 1e-12);
  EXPECT_NEAR(ci.low, 0.7225, 1e-4);
}

TEST(Evaluation, FiguresMatchAHandComputation) {
  // truth a a a b b c; predicted a a b b a a
  Evaluation e({"a", "b", "c"});
  e.add(0, 0, "x");
  e.add(0, 0, "x");
  e.add(0, 1, "y");
  e.add(1, 1, "y");
  e.add(1, 0, "y");
  e.add(2, 0, "x");
  EXPECT_EQ(e.records(), 6u);
  EXPECT_NEAR(e.accuracy(), 3.0 / 6, 1e-12);
  // a: P 2/4, R 2/3, F1 4/7; b: P 1/2, R 1/2, F1 1/2; c: P 0 (never predicted), R 0, F1 0.
  EXPECT_NEAR(e.macro_f1(), (4.0 / 7 + 0.5 + 0) / 3, 1e-12);
  report::Json f;
  e.add_figures(f, "src");
  EXPECT_EQ(f["per_class"]["a"]["support"], 3);
  EXPECT_EQ(f["confusion"]["c"]["a"], 1);
  EXPECT_EQ(f["confused_pairs"][0]["count"], 1);
  // Slices worst first: y has 1 of 3, x 2 of 3.
  EXPECT_EQ(f["slices"][0]["slice"], "y");
  EXPECT_EQ(f["slices"][1]["slice"], "x");
  EXPECT_NE(e.table("src").find("accuracy 0.5000"), std::string::npos);
  EXPECT_NE(e.markdown("src").find("| a | 0.5000 | 0.6667 | 0.5714 | 3 |"), std::string::npos);
}

TEST(Evaluation, LengthBuckets) {
  EXPECT_EQ(length_bucket(0), "0-49");
  EXPECT_EQ(length_bucket(50), "50-99");
  EXPECT_EQ(length_bucket(1999), "1000-1999");
  EXPECT_EQ(length_bucket(5000), "2000+");
}

}  // namespace
}  // namespace dqprep::model
