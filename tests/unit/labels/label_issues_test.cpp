#include "dqprep/labels/label_issues.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "dqprep/util/random.hpp"

namespace dqprep::label_issues {
namespace {

// Six labeled records of two classes and one unlabeled, worked by hand:
// thresholds t0 = (0.9 + 0.8 + 0.2) / 3, t1 = (0.9 + 0.7 + 0.4) / 3; confident joint [[2, 1], [0, 2]]
// (record 5 reaches neither threshold), calibrated to the label counts (3, 3): [[2, 1], [0, 3]];
// the one (given 0, true 1) cell prunes the record labeled 0 with the largest p1 - p0: record 2.
const std::vector<int32_t> kGiven{0, 0, 0, 1, 1, 1, kMissing};
const std::vector<double> kProbs{0.9, 0.1, 0.8, 0.2, 0.2, 0.8, 0.1, 0.9, 0.3, 0.7, 0.6, 0.4, 0.5, 0.5};

TEST(LabelIssues, ConfidentLearningWorkedExample) {
  auto r = find_label_issues(kGiven, kProbs, 2, Method::confident_learning);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_NEAR(r->thresholds[0], 1.9 / 3, 1e-12);
  EXPECT_NEAR(r->thresholds[1], 2.0 / 3, 1e-12);
  EXPECT_EQ(r->confident_joint, (std::vector<int64_t>{2, 1, 0, 3}));
  std::vector<bool> flagged;
  for (const Issue& i : r->records) flagged.push_back(i.flagged);
  EXPECT_EQ(flagged, (std::vector<bool>{false, false, true, false, false, false, false}));
  EXPECT_EQ(r->flagged, 1u);
  EXPECT_EQ(r->labeled, 6u);
  EXPECT_EQ(r->records[2].suggested, 1);
  EXPECT_NEAR(*r->records[2].score, 0.2, 1e-12);  // self-confidence
  EXPECT_FALSE(r->records[6].score.has_value());
  EXPECT_EQ(r->records[6].suggested, 0);  // a 0.5 / 0.5 tie goes to the lowest id
}

TEST(LabelIssues, SelfConfidenceAndNormalizedMarginWorkedExample) {
  auto sc = find_label_issues(kGiven, kProbs, 2, Method::self_confidence);
  auto nm = find_label_issues(kGiven, kProbs, 2, Method::normalized_margin);
  ASSERT_TRUE(sc.ok() && nm.ok());
  // Both flag the records whose top class is not the given one: 2 and 5 (record 5 is missed by
  // confident learning because it is confident about no class).
  for (const auto* r : {&*sc, &*nm}) {
    EXPECT_EQ(r->flagged, 2u);
    EXPECT_TRUE(r->records[2].flagged && r->records[5].flagged);
    EXPECT_EQ(r->records[5].suggested, 0);
    EXPECT_TRUE(r->thresholds.empty());
  }
  EXPECT_NEAR(*sc->records[5].score, 0.4, 1e-12);
  EXPECT_NEAR(*nm->records[5].score, (0.4 - 0.6 + 1) / 2, 1e-12);
  EXPECT_NEAR(*nm->records[0].score, (0.9 - 0.1 + 1) / 2, 1e-12);
  EXPECT_NEAR(*nm->records[2].score, (0.2 - 0.8 + 1) / 2, 1e-12);
}

TEST(LabelIssues, RejectsMalformedInput) {
  EXPECT_FALSE(find_label_issues(kGiven, std::vector<double>(13, 0.5), 2).ok());
  EXPECT_FALSE(find_label_issues(std::vector<int32_t>{2}, std::vector<double>{0.5, 0.5}, 2).ok());
  EXPECT_FALSE(find_label_issues(std::vector<int32_t>{0}, std::vector<double>{NAN, 0.5}, 2).ok());
  EXPECT_FALSE(find_label_issues(std::vector<int32_t>{0}, std::vector<double>{1.5, 0.5}, 2).ok());
  EXPECT_FALSE(find_label_issues(std::vector<int32_t>{}, std::vector<double>{}, 0).ok());
  auto empty = find_label_issues(std::vector<int32_t>{}, std::vector<double>{}, 3);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->flagged, 0u);
}

struct Noisy {
  std::vector<int32_t> given;
  std::vector<double> probs;
  std::vector<bool> flipped;
  double model_error = 0;  // share of records whose top class is not the true class
};

// Calibrated by construction: each record's probabilities are a softmax around a random class (its
// logit raised by 5 to 8: harder and easier records), and its true class is then drawn from those
// probabilities. 10% of the given labels are flipped to another class, uniformly. The model's top
// class misses the true class on about 1.5% of records (printed), so some flags on clean records
// cannot be avoided by any method.
Noisy simulate(size_t n, size_t k, uint64_t seed) {
  Noisy d{std::vector<int32_t>(n), std::vector<double>(n * k), std::vector<bool>(n)};
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    size_t center = rng.uniform(k);
    double boost = 5.0 + 3.0 * rng.uniform01();
    double* p = &d.probs[i * k];
    double sum = 0;
    for (size_t j = 0; j < k; ++j) sum += (p[j] = std::exp((j == center ? boost : 0.0) + rng.normal()));
    for (size_t j = 0; j < k; ++j) p[j] /= sum;
    double u = rng.uniform01(), acc = 0;
    size_t truth = k - 1;
    for (size_t j = 0; j < k; ++j)
      if (u < (acc += p[j])) {
        truth = j;
        break;
      }
    size_t top = 0;
    for (size_t j = 1; j < k; ++j)
      if (p[j] > p[top]) top = j;
    d.model_error += top != truth;
    d.flipped[i] = rng.bernoulli(0.1);
    d.given[i] = static_cast<int32_t>(d.flipped[i] ? (truth + 1 + rng.uniform(k - 1)) % k : truth);
  }
  d.model_error /= static_cast<double>(n);
  return d;
}

struct Figures {
  double recall, false_flag_share, clean_flag_rate;
};

Figures figures(const Noisy& d, const Findings& f) {
  double planted = 0, found = 0, flagged = 0, clean = 0, false_flags = 0;
  for (size_t i = 0; i < d.given.size(); ++i) {
    planted += d.flipped[i];
    clean += !d.flipped[i];
    flagged += f.records[i].flagged;
    found += d.flipped[i] && f.records[i].flagged;
    false_flags += !d.flipped[i] && f.records[i].flagged;
  }
  return {found / planted, false_flags / flagged, false_flags / clean};
}

TEST(LabelIssues, FindsPlantedFlipsWithFewFalseFlags) {
  Noisy d = simulate(10000, 4, 21);
  std::cout << "[ label-issues ] 10000 records, 4 classes, 10% flipped, model top-class error " << d.model_error
            << "\n";
  size_t confident_learning_flags = 0;
  const char* names[] = {"confident_learning", "self_confidence", "normalized_margin"};
  int m = 0;
  for (Method method : {Method::confident_learning, Method::self_confidence, Method::normalized_margin}) {
    auto r = find_label_issues(d.given, d.probs, 4, method);
    ASSERT_TRUE(r.ok()) << r.status().message();
    Figures fig = figures(d, *r);
    std::cout << "[ label-issues ] " << names[m] << ": recall " << fig.recall << " of planted flips, "
              << fig.false_flag_share << " of flags are false, " << fig.clean_flag_rate
              << " of clean records flagged (" << r->flagged << " flagged of " << d.given.size() << ")\n";
    ::testing::Test::RecordProperty(std::string(names[m]) + "_recall", std::to_string(fig.recall));
    ::testing::Test::RecordProperty(std::string(names[m]) + "_false_flag_share", std::to_string(fig.false_flag_share));
    EXPECT_GT(fig.recall, 0.85) << names[m];
    EXPECT_LT(fig.false_flag_share, 0.2) << names[m];
    EXPECT_LT(fig.clean_flag_rate, 2 * d.model_error) << names[m];
    // Confident learning flags a subset of what the top-class rule flags.
    if (method == Method::confident_learning) confident_learning_flags = r->flagged;
    else EXPECT_LE(confident_learning_flags, r->flagged);
    for (size_t i = 0; i < d.given.size(); ++i) {
      ASSERT_TRUE(r->records[i].score.has_value());
      ASSERT_GE(*r->records[i].score, 0.0);
      ASSERT_LE(*r->records[i].score, 1.0);
      if (r->records[i].flagged) ASSERT_NE(r->records[i].suggested, d.given[i]);
    }
    ++m;
  }
}

// Ten records of two classes, worked by hand. Labeled 0 (records 0-5), p1 = 0.1, 0.1, 0.2, 0.9,
// 0.8, 0.7; labeled 1 (records 6-9), p1 = 0.9, 0.9, 0.8, 0.8. Thresholds t0 = 3.2 / 6 = 0.533,
// t1 = 0.85. Confident joint row 0: records 0-2 reach t0 (true 0), record 3 reaches t1 (true 1),
// records 4 and 5 reach neither: [3, 1], calibrated to 6 records [4.5, 1.5] -> [4, 2] (half to
// even). Row 1: [0, 2] -> [0, 4]. So n_0 = 2 records labeled 0 are estimated wrong, and only the
// two of largest p1 - p0 (records 3 and 4) are flagged, although record 5's top class is 1 too
// (self-confidence flags all three).
const std::vector<int32_t> kCapGiven{0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
const std::vector<double> kCapProbs{0.9, 0.1, 0.9, 0.1, 0.8, 0.2, 0.1, 0.9, 0.2, 0.8,
                                    0.3, 0.7, 0.1, 0.9, 0.1, 0.9, 0.2, 0.8, 0.2, 0.8};

std::vector<bool> flags_of(const Findings& f) {
  std::vector<bool> out;
  for (const Issue& i : f.records) out.push_back(i.flagged);
  return out;
}

TEST(LabelIssues, FlagsAtMostTheEstimatedNoiseCountPerClass) {
  auto r = find_label_issues(kCapGiven, kCapProbs, 2, Method::confident_learning);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->confident_joint, (std::vector<int64_t>{4, 2, 0, 4}));
  EXPECT_EQ(flags_of(*r), (std::vector<bool>{false, false, false, true, true, false, false, false, false, false}));
  EXPECT_EQ(r->flagged, 2u);  // = n_0 + n_1 = 2 + 0
  EXPECT_EQ(r->uncapped, 2u);
  EXPECT_EQ(r->correct, 7u);  // records 0-2 and 6-9: argmax = given label
  EXPECT_EQ(r->majority, 6u);
  auto sc = find_label_issues(kCapGiven, kCapProbs, 2, Method::self_confidence);
  ASSERT_TRUE(sc.ok());
  EXPECT_EQ(sc->flagged, 3u);
}

TEST(LabelIssues, MaxFlagRateKeepsTheLargestMargins) {
  // floor(0.1 * 10) = 1: of records 3 (margin 0.8) and 4 (0.6), record 3 stays flagged.
  auto r = find_label_issues(kCapGiven, kCapProbs, 2, Method::confident_learning, 0.1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(flags_of(*r), (std::vector<bool>{false, false, false, true, false, false, false, false, false, false}));
  EXPECT_EQ(r->flagged, 1u);
  EXPECT_EQ(r->uncapped, 2u);
  // Self-confidence flags records 3, 4 and 5; floor(0.2 * 10) = 2 keeps 3 and 4.
  auto sc = find_label_issues(kCapGiven, kCapProbs, 2, Method::self_confidence, 0.2);
  ASSERT_TRUE(sc.ok());
  EXPECT_EQ(flags_of(*sc), (std::vector<bool>{false, false, false, true, true, false, false, false, false, false}));
  EXPECT_EQ(sc->uncapped, 3u);
  // 0 flags nothing; a rate outside [0, 1] is refused.
  auto none = find_label_issues(kCapGiven, kCapProbs, 2, Method::confident_learning, 0.0);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->flagged, 0u);
  EXPECT_FALSE(find_label_issues(kCapGiven, kCapProbs, 2, Method::confident_learning, 1.5).ok());
}

// Eight records of three classes where the two joint rules differ, worked by hand. Thresholds
// t0 = (0.9 + 0.7) / 2 = 0.8, t1 = 0.3 (every record labeled 1 has p1 = 0.3), t2 = (0.1 + 0.3) / 2 = 0.2.
// Record 2 (labeled 1, p = 0.5 0.3 0.2) reaches t1 and t2 but not t0, its top class: cleanlab counts
// it toward class 0, the paper toward class 1. Records 3-5 (labeled 1) reach t1 and t2 and have class
// 2 on top: both count them toward 2. Row 1 of the confident joint: cleanlab [1, 0, 3], its diagonal
// raised to 1 and calibrated to 4 records: [0.8, 0.8, 2.4] -> [1, 1, 2]; paper [0, 1, 3]. Cleanlab
// prunes cell (1, 0) to record 2 (largest p0 - p1) and cell (1, 2) to records 4 and 5 (largest
// p2 - p1); the paper prunes cell (1, 2) to records 3, 4, 5. Rows 0 and 2 agree: [1, 0, 1] (record 1
// is kept: its top class is its label) and [0, 2, 0] -> [0, 2, 1] -> [0, 1, 1] (record 6 flagged).
const std::vector<int32_t> kRuleGiven{0, 0, 1, 1, 1, 1, 2, 2};
const std::vector<double> kRuleProbs{0.9, 0.05, 0.05, 0.7, 0.1, 0.2, 0.5, 0.3, 0.2, 0.2, 0.3, 0.5,
                                     0.1, 0.3, 0.6,  0.0, 0.3, 0.7, 0.1, 0.8, 0.1, 0.3, 0.4, 0.3};

TEST(LabelIssues, JointRuleCleanlabTakesTheOverallArgmax) {
  auto cleanlab = find_label_issues(kRuleGiven, kRuleProbs, 3, Method::confident_learning, 1.0, JointRule::cleanlab);
  auto paper = find_label_issues(kRuleGiven, kRuleProbs, 3, Method::confident_learning, 1.0, JointRule::paper);
  ASSERT_TRUE(cleanlab.ok() && paper.ok());
  EXPECT_NEAR(cleanlab->thresholds[0], 0.8, 1e-12);
  EXPECT_NEAR(cleanlab->thresholds[1], 0.3, 1e-12);
  EXPECT_NEAR(cleanlab->thresholds[2], 0.2, 1e-12);
  EXPECT_EQ(cleanlab->confident_joint, (std::vector<int64_t>{1, 0, 1, 1, 1, 2, 0, 1, 1}));
  EXPECT_EQ(paper->confident_joint, (std::vector<int64_t>{1, 0, 1, 0, 1, 3, 0, 1, 1}));
  EXPECT_EQ(flags_of(*cleanlab), (std::vector<bool>{false, false, true, false, true, true, true, false}));
  EXPECT_EQ(flags_of(*paper), (std::vector<bool>{false, false, false, true, true, true, true, false}));
  // The default is cleanlab's rule.
  auto by_default = find_label_issues(kRuleGiven, kRuleProbs, 3);
  ASSERT_TRUE(by_default.ok());
  EXPECT_EQ(by_default->confident_joint, cleanlab->confident_joint);
  EXPECT_EQ(*parse_joint_rule("paper"), JointRule::paper);
  EXPECT_EQ(*parse_joint_rule("cleanlab"), JointRule::cleanlab);
  EXPECT_EQ(parse_joint_rule("argmax").status().code(), StatusCode::usage);
}

TEST(LabelIssues, ParsesMethodNames) {
  EXPECT_EQ(*parse_method("confident-learning"), Method::confident_learning);
  EXPECT_EQ(*parse_method("self-confidence"), Method::self_confidence);
  EXPECT_EQ(*parse_method("normalized-margin"), Method::normalized_margin);
  Result<Method> bad = parse_method("self_confidence");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::usage);
}

}  // namespace
}  // namespace dqprep::label_issues
