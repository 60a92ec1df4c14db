#include "dqprep/labels/dawid_skene.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

#include "dqprep/util/random.hpp"

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

// Distinct rating patterns with their counts as weights fit the same model as the full matrix.
TEST(DawidSkene, WeightedSparsePatternsEqualTheFullMatrix) {
  Crowd c = simulate(11);
  const size_t n = c.ratings.num_items, na = c.ratings.num_annotators;
  std::map<std::vector<int32_t>, size_t> ids;
  std::vector<size_t> pattern_of(n);
  SparseRatings s;
  s.num_annotators = na;
  s.num_categories = 3;
  for (size_t i = 0; i < n; ++i) {
    std::vector<int32_t> row(c.ratings.row(i).begin(), c.ratings.row(i).end());
    auto [it, fresh] = ids.emplace(row, ids.size());
    pattern_of[i] = it->second;
    if (!fresh) {
      s.weights[it->second] += 1;
      continue;
    }
    // Votes in descending annotator order: the order within an item does not matter.
    for (size_t a = na; a-- > 0;)
      if (row[a] != kNotRated) s.votes.push_back({static_cast<uint32_t>(a), row[a]});
    s.offsets.push_back(s.votes.size());
    s.weights.push_back(1);
  }
  ASSERT_LT(s.num_items(), n);  // some patterns repeat
  Model full = fit(c.ratings);
  Model sparse = fit(s);
  ASSERT_TRUE(sparse.note.empty()) << sparse.note;
  EXPECT_EQ(sparse.iterations, full.iterations);
  EXPECT_NEAR(sparse.log_likelihood, full.log_likelihood, 1e-6 * std::abs(full.log_likelihood));
  for (size_t t = 0; t < 3; ++t) EXPECT_NEAR(sparse.class_priors[t], full.class_priors[t], 1e-9);
  for (size_t a = 0; a < na; ++a) {
    EXPECT_NEAR(*sparse.accuracies[a], *full.accuracies[a], 1e-9);
    for (size_t x = 0; x < 9; ++x) EXPECT_NEAR(sparse.confusion[a][x], full.confusion[a][x], 1e-9);
  }
  for (size_t i = 0; i < n; ++i) {
    size_t p = pattern_of[i];
    ASSERT_EQ(sparse.consensus.labels[p], full.consensus.labels[i]) << i;
    ASSERT_NEAR(sparse.consensus.confidence[p], full.consensus.confidence[i], 1e-9) << i;
  }
}

TEST(DawidSkene, SparseRatingsAreValidated) {
  SparseRatings s;
  s.num_annotators = 2;
  s.num_categories = 2;
  s.votes = {{0, 0}, {1, 2}};
  s.offsets = {0, 2};
  EXPECT_NE(fit(s).note.find("invalid"), std::string::npos);
  s.votes[1].category = 1;
  s.weights = {0};
  EXPECT_NE(fit(s).note.find("weight"), std::string::npos);
  s.weights = {3};
  EXPECT_TRUE(fit(s).note.empty());
  s.offsets = {0, 1};
  EXPECT_NE(fit(s).note.find("offsets"), std::string::npos);
}


// Labeling functions: each votes for one class or abstains. Rule r fires on an item of its own class
// with probability on[r] and on any other item with probability off[r].
struct RuleData {
  SparseRatings patterns;          // distinct vote patterns, weighted
  std::vector<int32_t> truth;      // per item
  std::vector<size_t> pattern_of;  // per item
  std::vector<std::vector<int32_t>> dense;  // per item, per rule: the label, or 3 (abstain)
};

RuleData simulate_rules(uint64_t seed, size_t n) {
  const int32_t label[] = {0, 0, 1, 1, 2, 2, 0};
  const double on[] = {0.6, 0.3, 0.5, 0.4, 0.7, 0.2, 0.5};
  const double off[] = {0.05, 0.02, 0.05, 0.10, 0.03, 0.01, 0.45};  // the last one is noisy
  RuleData d;
  d.patterns.num_annotators = 7;
  d.patterns.num_categories = 3;
  d.patterns.abstain_is_output = true;
  std::map<std::vector<uint32_t>, size_t> ids;
  Rng rng(seed);
  for (size_t i = 0; i < n; ++i) {
    double u = rng.uniform01();
    int32_t t = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    d.truth.push_back(t);
    std::vector<uint32_t> fired;
    std::vector<int32_t> row(7, 3);
    for (uint32_t r = 0; r < 7; ++r) {
      if (rng.bernoulli(label[r] == t ? on[r] : off[r])) fired.push_back(r), row[r] = label[r];
    }
    d.dense.push_back(row);
    auto [it, fresh] = ids.emplace(fired, ids.size());
    d.pattern_of.push_back(it->second);
    if (fresh) {
      for (uint32_t r : fired) d.patterns.votes.push_back({r, label[r]});
      d.patterns.offsets.push_back(d.patterns.votes.size());
      d.patterns.weights.push_back(0);
    }
    d.patterns.weights[it->second] += 1;
  }
  return d;
}

// The same EM written directly on the dense items x rules matrix with abstain as output 3.
std::vector<double> dense_abstain_posteriors(const RuleData& d, const Options& o, int& iterations) {
  const size_t n = d.dense.size(), na = 7, k = 3, out = 4;
  std::vector<double> post(n * k, 0.0), mean(k, 0.0);
  double voted = 0;
  for (size_t i = 0; i < n; ++i) {
    double m = 0;
    for (int32_t v : d.dense[i])
      if (v < 3) post[i * k + v] += 1, m += 1;
    if (m == 0) continue;
    voted += 1;
    for (size_t c = 0; c < k; ++c) post[i * k + c] /= m;
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t c = 0; c < k; ++c) mean[c] += post[i * k + c] / voted;
  for (size_t i = 0; i < n; ++i) {
    bool any = false;
    for (int32_t v : d.dense[i]) any |= v < 3;
    if (!any) std::copy(mean.begin(), mean.end(), post.begin() + static_cast<ptrdiff_t>(i * k));
  }
  double previous = 0;
  for (iterations = 1; iterations <= o.max_iterations; ++iterations) {
    std::vector<double> prior(k, o.smoothing), conf(na * k * out, o.smoothing);
    for (size_t i = 0; i < n; ++i)
      for (size_t t = 0; t < k; ++t) {
        prior[t] += post[i * k + t];
        for (size_t a = 0; a < na; ++a) conf[(a * k + t) * out + static_cast<size_t>(d.dense[i][a])] += post[i * k + t];
      }
    double total = 0;
    for (double p : prior) total += p;
    for (double& p : prior) p /= total;
    for (size_t row = 0; row < na * k; ++row) {
      double sum = 0;
      for (size_t l = 0; l < out; ++l) sum += conf[row * out + l];
      for (size_t l = 0; l < out; ++l) conf[row * out + l] /= sum;
    }
    double ll = 0, change = 0;
    for (size_t i = 0; i < n; ++i) {
      double score[3];
      for (size_t t = 0; t < k; ++t) {
        score[t] = std::log(prior[t]);
        for (size_t a = 0; a < na; ++a) score[t] += std::log(conf[(a * k + t) * out + static_cast<size_t>(d.dense[i][a])]);
      }
      double top = std::max({score[0], score[1], score[2]}), sum = 0;
      for (double& x : score) sum += (x = std::exp(x - top));
      ll += top + std::log(sum);
      for (size_t t = 0; t < k; ++t) {
        change = std::max(change, std::abs(score[t] / sum - post[i * k + t]));
        post[i * k + t] = score[t] / sum;
      }
    }
    double mean_ll = ll / static_cast<double>(n);
    bool settled = iterations > 1 && std::abs(mean_ll - previous) < o.tolerance;
    previous = mean_ll;
    if (settled || change < o.tolerance) break;
  }
  return post;
}

TEST(DawidSkene, AbstainAsOutputMatchesTheDenseDefinition) {
  RuleData d = simulate_rules(3, 3000);
  Options o;
  Model m = fit(d.patterns, o);
  ASSERT_TRUE(m.note.empty()) << m.note;
  int dense_iterations = 0;
  std::vector<double> dense = dense_abstain_posteriors(d, o, dense_iterations);
  EXPECT_EQ(m.iterations, dense_iterations);
  for (size_t i = 0; i < d.truth.size(); ++i)
    for (size_t t = 0; t < 3; ++t)
      ASSERT_NEAR(m.posteriors[d.pattern_of[i] * 3 + t], dense[i * 3 + t], 1e-9) << "item " << i;
  ASSERT_EQ(m.confusion[0].size(), 12u);  // 3 classes x 4 outputs
  for (size_t t = 0; t < 3; ++t) {
    double sum = 0;
    for (size_t l = 0; l < 4; ++l) sum += m.confusion[0][t * 4 + l];
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
}

// With abstentions modelled, the noisy rule is found out and the labels beat the majority vote; with
// them ignored, every rule "says its class whatever the truth" and the votes carry no information.
TEST(DawidSkene, AbstainAsOutputLearnsRuleQuality) {
  RuleData d = simulate_rules(7, 6000);
  Model m = fit(d.patterns);
  ASSERT_TRUE(m.note.empty());
  // Rule 6 fires on class 0 with 0.5 and on the others with 0.45: P(vote | t) is learned.
  EXPECT_NEAR(m.confusion[6][0 * 4 + 0], 0.5, 0.06);
  EXPECT_NEAR(m.confusion[6][1 * 4 + 0], 0.45, 0.06);
  EXPECT_NEAR(m.confusion[4][2 * 4 + 2], 0.7, 0.06);
  EXPECT_NEAR(m.confusion[4][0 * 4 + 2], 0.03, 0.03);
  EXPECT_NEAR(m.class_priors[0], 0.5, 0.05);

  // Accuracy on items with at least one vote: Dawid-Skene vs majority (a tie counts as wrong).
  SparseRatings ignored = d.patterns;
  ignored.abstain_is_output = false;
  Model plain = fit(ignored);
  size_t voted = 0, ds_right = 0, plain_right = 0, mv_right = 0;
  for (size_t i = 0; i < d.truth.size(); ++i) {
    size_t p = d.pattern_of[i];
    if (d.patterns.offsets[p + 1] == d.patterns.offsets[p]) continue;
    ++voted;
    ds_right += m.consensus.labels[p] == d.truth[i];
    plain_right += plain.consensus.labels[p] == d.truth[i];
    int counts[3] = {0, 0, 0};
    for (size_t v = d.patterns.offsets[p]; v < d.patterns.offsets[p + 1]; ++v) ++counts[d.patterns.votes[v].category];
    int best = static_cast<int>(std::max_element(counts, counts + 3) - counts);
    int ties = 0;
    for (int c : counts) ties += c == counts[best];
    mv_right += ties == 1 && best == d.truth[i];
  }
  double ds = static_cast<double>(ds_right) / voted, mv = static_cast<double>(mv_right) / voted,
         ig = static_cast<double>(plain_right) / voted;
  std::cout << "[ dawid-skene ] rules: accuracy with abstain modelled " << ds << ", abstain ignored " << ig
            << ", majority " << mv << "\n";
  EXPECT_GT(ds, mv);
  EXPECT_GT(ds, ig);
}

}  // namespace
}  // namespace dqprep::dawid_skene
