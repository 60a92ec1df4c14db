#include "dqprep/dawid_skene.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "dqprep/random.hpp"

namespace dqprep::dawid_skene {
namespace {

using agreement::kNotRated;
using agreement::Ratings;

struct Crowd {
  Ratings ratings;
  std::vector<int32_t> truth;
  std::vector<double> accuracy;  // share of each annotator's ratings that equal the truth
};

// 2000 items of 3 classes (priors 0.5, 0.3, 0.2); five honest annotators of accuracy 0.9, 0.8,
// 0.7, 0.6, 0.55 whose errors are uniform, and one adversarial-ish annotator who is right 20% of the
// time and says (t + 1) mod 3 70% of the time. Each annotator rates an item with probability 0.85.
Crowd simulate(uint64_t seed) {
  const size_t n = 2000;
  const double honest[] = {0.9, 0.8, 0.7, 0.6, 0.55};
  Crowd c{Ratings(n, 6, 3), std::vector<int32_t>(n), std::vector<double>(6, 0.0)};
  std::vector<double> given(6, 0.0);
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    double u = rng.uniform01();
    int32_t t = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    c.truth[i] = t;
    for (size_t a = 0; a < 6; ++a) {
      if (!rng.bernoulli(0.85)) continue;
      int32_t label;
      double v = rng.uniform01();
      if (a < 5) label = v < honest[a] ? t : (t + 1 + static_cast<int32_t>(rng.uniform(2))) % 3;
      else label = v < 0.2 ? t : v < 0.9 ? (t + 1) % 3 : (t + 2) % 3;
      c.ratings.at(i, a) = label;
      given[a] += 1;
      c.accuracy[a] += label == t;
    }
  }
  for (size_t a = 0; a < 6; ++a) c.accuracy[a] /= given[a];
  return c;
}

double accuracy_against(const std::vector<int32_t>& labels, const std::vector<int32_t>& truth) {
  double right = 0;
  for (size_t i = 0; i < truth.size(); ++i) right += labels[i] == truth[i];
  return right / static_cast<double>(truth.size());
}

TEST(DawidSkene, RecoversSimulatedCrowdAccuraciesAndBeatsMajorityVote) {
  Crowd c = simulate(11);
  Model m = fit(c.ratings);
  ASSERT_TRUE(m.note.empty()) << m.note;
  EXPECT_TRUE(m.converged);
  EXPECT_LE(m.iterations, 100);
  ASSERT_EQ(m.accuracies.size(), 6u);
  for (size_t a = 0; a < 6; ++a) {
    ASSERT_TRUE(m.accuracies[a]);
    EXPECT_NEAR(*m.accuracies[a], c.accuracy[a], 0.05) << "annotator " << a;
    // The diagonal of the confusion matrix weighted by the priors tells the same story.
    double diag = 0;
    for (size_t t = 0; t < 3; ++t) diag += m.class_priors[t] * m.confusion[a][t * 3 + t];
    EXPECT_NEAR(diag, c.accuracy[a], 0.05) << "annotator " << a;
  }
  EXPECT_NEAR(m.class_priors[0], 0.5, 0.05);
  EXPECT_NEAR(m.class_priors[1], 0.3, 0.05);
  EXPECT_NEAR(m.class_priors[2], 0.2, 0.05);
  // The adversary's systematic shift is learned: given truth t it mostly says t + 1.
  EXPECT_GT(m.confusion[5][0 * 3 + 1], 0.6);
  EXPECT_GT(m.confusion[5][2 * 3 + 0], 0.6);

  double ds = accuracy_against(m.consensus.labels, c.truth);
  double mv = accuracy_against(agreement::majority_consensus(c.ratings).labels, c.truth);
  EXPECT_GT(ds, mv);
  std::cout << "[ dawid-skene ] accuracy vs truth " << ds << ", majority vote " << mv << ", iterations "
            << m.iterations << "; estimated/actual annotator accuracy:";
  for (size_t a = 0; a < 6; ++a) std::cout << " " << *m.accuracies[a] << "/" << c.accuracy[a];
  std::cout << "\n";
  ::testing::Test::RecordProperty("ds_accuracy", std::to_string(ds));
  ::testing::Test::RecordProperty("majority_accuracy", std::to_string(mv));

  for (size_t i = 0; i < c.truth.size(); ++i) {
    double sum = 0;
    for (size_t t = 0; t < 3; ++t) sum += m.posteriors[i * 3 + t];
    ASSERT_NEAR(sum, 1.0, 1e-9);
    ASSERT_NEAR(m.consensus.confidence[i], m.posteriors[i * 3 + m.consensus.labels[i]], 0);
  }
}

TEST(DawidSkene, AnnotatorWhoNeverSawAClassGetsFiniteSmoothedRows) {
  // Annotators 0 and 1 rate everything; annotator 2 rates only items both others call class 0.
  Ratings r(60, 3, 3);
  for (size_t i = 0; i < 60; ++i) {
    int32_t t = static_cast<int32_t>(i % 3);
    r.at(i, 0) = t;
    r.at(i, 1) = i % 10 == 0 ? (t + 1) % 3 : t;
    if (t == 0 && i % 10 != 0) r.at(i, 2) = 0;
  }
  Model m = fit(r);
  ASSERT_TRUE(m.note.empty());
  for (size_t t = 0; t < 3; ++t) {
    double sum = 0;
    for (size_t l = 0; l < 3; ++l) {
      double p = m.confusion[2][t * 3 + l];
      EXPECT_TRUE(std::isfinite(p) && p > 0 && p < 1) << t << "," << l << ": " << p;
      sum += p;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
  // Class 1 never reached annotator 2: that row is (near) uniform, not 0/0.
  EXPECT_NEAR(m.confusion[2][1 * 3 + 1], 1.0 / 3.0, 0.01);
  EXPECT_NEAR(*m.accuracies[2], 1.0, 0.01);
}

TEST(DawidSkene, UnratedItemsAndDegenerateInput) {
  Ratings r(3, 2, 2);
  r.at(0, 0) = 0, r.at(0, 1) = 0;
  r.at(1, 0) = 1, r.at(1, 1) = 1;
  Model m = fit(r);
  ASSERT_TRUE(m.note.empty());
  EXPECT_EQ(m.consensus.labels, (std::vector<int32_t>{0, 1, kNotRated}));
  EXPECT_EQ(m.consensus.confidence[2], 0.0);
  EXPECT_NEAR(m.posteriors[2 * 2 + 0], m.class_priors[0], 0);

  Model none = fit(Ratings(4, 3, 2));
  EXPECT_FALSE(none.note.empty());
  EXPECT_TRUE(none.consensus.labels.empty());
  Ratings bad(1, 1, 2);
  bad.at(0, 0) = 9;
  EXPECT_NE(fit(bad).note.find("invalid"), std::string::npos);
}

TEST(DawidSkene, StopsAtTheIterationLimit) {
  Crowd c = simulate(5);
  Options o;
  o.max_iterations = 2;
  o.tolerance = 0;  // never met
  Model m = fit(c.ratings, o);
  EXPECT_EQ(m.iterations, 2);
  EXPECT_FALSE(m.converged);
}

}  // namespace
}  // namespace dqprep::dawid_skene
