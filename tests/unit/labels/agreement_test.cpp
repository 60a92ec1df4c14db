#include "dqprep/labels/agreement.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dqprep/util/random.hpp"

namespace dqprep::agreement {
namespace {

nlohmann::json load(const std::string& name) {
  std::ifstream in(std::string(DQPREP_TEST_DATA) + "/" + name);
  EXPECT_TRUE(in.good()) << name;
  return nlohmann::json::parse(in);
}

// Half a unit in the last of `decimals` places: "equal to the stated decimals".
double tolerance(int decimals) { return 0.5 * std::pow(10.0, -decimals); }

// annotator-major arrays of numbers 1..k (null = missing) -> ratings with id = value - 1.
Ratings from_coders(const std::vector<nlohmann::json>& coders, int32_t k) {
  Ratings r(coders[0].size(), coders.size(), k);
  for (size_t a = 0; a < coders.size(); ++a)
    for (size_t i = 0; i < coders[a].size(); ++i)
      if (!coders[a][i].is_null()) r.at(i, a) = coders[a][i].get<int32_t>() - 1;
  return r;
}

Ratings two_annotators(const std::vector<int32_t>& y1, const std::vector<int32_t>& y2) {
  int32_t k = 0;
  for (int32_t v : y1) k = std::max(k, v + 1);
  for (int32_t v : y2) k = std::max(k, v + 1);
  Ratings r(y1.size(), 2, k);
  for (size_t i = 0; i < y1.size(); ++i) r.at(i, 0) = y1[i], r.at(i, 1) = y2[i];
  return r;
}

void expect_defined_near(const Statistic& s, double expected, double tol) {
  ASSERT_TRUE(s.value.has_value()) << s.note;
  EXPECT_NEAR(*s.value, expected, tol);
}

void expect_undefined(const Statistic& s) {
  EXPECT_FALSE(s.value.has_value()) << *s.value;
  EXPECT_FALSE(s.note.empty());
}

TEST(KrippendorffAlpha, WikipediaThreeCodersFifteenUnits) {
  auto j = load("agreement_vectors.json")["krippendorff_wikipedia"];
  auto data = j["reliability_data"];
  Ratings r = from_coders({data["A"], data["B"], data["C"]}, 4);
  expect_defined_near(krippendorff_alpha(r, Level::nominal), j["expected"]["nominal"].get<double>(), tolerance(6));
  std::vector<double> values{1, 2, 3, 4};
  expect_defined_near(krippendorff_alpha(r, Level::interval, values), j["expected"]["interval"].get<double>(),
                      tolerance(6));
  // Without values the ids serve as values: a shift of every value leaves interval alpha unchanged.
  expect_defined_near(krippendorff_alpha(r, Level::interval), j["expected"]["interval"].get<double>(), tolerance(6));
}

TEST(KrippendorffAlpha, Krippendorff2011AllFourLevels) {
  auto j = load("krippendorff_2011.json");
  std::vector<nlohmann::json> coders(j["reliability_data"].begin(), j["reliability_data"].end());
  Ratings r = from_coders(coders, 5);
  std::vector<double> values{1, 2, 3, 4, 5};
  double tol = tolerance(j["decimals"].get<int>());
  expect_defined_near(krippendorff_alpha(r, Level::nominal), j["expected"]["nominal"].get<double>(), tol);
  expect_defined_near(krippendorff_alpha(r, Level::ordinal), j["expected"]["ordinal"].get<double>(), tol);
  expect_defined_near(krippendorff_alpha(r, Level::interval, values), j["expected"]["interval"].get<double>(), tol);
  expect_defined_near(krippendorff_alpha(r, Level::ratio, values), j["expected"]["ratio"].get<double>(), tol);
}

// The coincidence matrix built in full, and the metrics as Krippendorff defines them.
double reference_alpha(const Ratings& r, Level level, const std::vector<double>& v) {
  size_t k = static_cast<size_t>(r.num_categories);
  std::vector<double> o(k * k, 0.0), n_c(k, 0.0);
  for (size_t i = 0; i < r.num_items; ++i) {
    std::vector<int32_t> vals;
    for (int32_t x : r.row(i))
      if (x >= 0) vals.push_back(x);
    if (vals.size() < 2) continue;
    for (size_t a = 0; a < vals.size(); ++a)
      for (size_t b = 0; b < vals.size(); ++b)
        if (a != b) o[vals[a] * k + vals[b]] += 1.0 / static_cast<double>(vals.size() - 1);
  }
  double n = 0;
  for (size_t c = 0; c < k; ++c)
    for (size_t d = 0; d < k; ++d) n_c[c] += o[c * k + d];
  for (double x : n_c) n += x;
  auto delta = [&](size_t c, size_t d) {
    switch (level) {
      case Level::nominal: return c == d ? 0.0 : 1.0;
      case Level::ordinal: {
        double s = 0;
        for (size_t g = std::min(c, d); g <= std::max(c, d); ++g) s += n_c[g];
        s -= (n_c[c] + n_c[d]) / 2;
        return s * s;
      }
      case Level::interval: return (v[c] - v[d]) * (v[c] - v[d]);
      case Level::ratio: return v[c] + v[d] == 0 ? 0.0 : std::pow((v[c] - v[d]) / (v[c] + v[d]), 2);
    }
    return 0.0;
  };
  double d_o = 0, d_e = 0;
  for (size_t c = 0; c < k; ++c)
    for (size_t d = 0; d < k; ++d) {
      d_o += o[c * k + d] * delta(c, d);
      d_e += n_c[c] * n_c[d] * delta(c, d);
    }
  return 1.0 - (n - 1) * d_o / d_e;
}

TEST(KrippendorffAlpha, MatchesFullCoincidenceMatrixOnRandomData) {
  Rng rng(7);
  Ratings r(300, 4, 6);
  for (size_t i = 0; i < r.num_items; ++i) {
    int32_t truth = static_cast<int32_t>(rng.uniform(6));
    for (size_t a = 0; a < r.num_annotators; ++a) {
      if (rng.bernoulli(0.3)) continue;  // missing
      int32_t noise = static_cast<int32_t>(rng.uniform(3)) - 1;
      r.at(i, a) = rng.bernoulli(0.6) ? truth : std::clamp(truth + noise, 0, 5);
    }
  }
  std::vector<double> values{0.5, 1, 2, 4, 8, 16};
  for (Level level : {Level::nominal, Level::ordinal, Level::interval, Level::ratio}) {
    auto got = krippendorff_alpha(r, level, values);
    ASSERT_TRUE(got.value) << got.note;
    EXPECT_NEAR(*got.value, reference_alpha(r, level, values), 1e-12) << static_cast<int>(level);
  }
}

TEST(KrippendorffAlpha, PerfectAgreementIsOneAndMissingUnitsAreLeftOut) {
  Ratings r(4, 3, 3);
  int32_t rows[4][3] = {{0, 0, -1}, {1, 1, 1}, {2, -1, 2}, {-1, 0, -1}};  // last unit: not pairable
  for (size_t i = 0; i < 4; ++i)
    for (size_t a = 0; a < 3; ++a) r.at(i, a) = rows[i][a];
  for (Level level : {Level::nominal, Level::ordinal, Level::interval, Level::ratio})
    expect_defined_near(krippendorff_alpha(r, level, std::vector<double>{1, 2, 3}), 1.0, 1e-12);
}

TEST(FleissKappa, WikipediaExample) {
  auto j = load("agreement_vectors.json")["fleiss_wikipedia"];
  std::vector<int64_t> counts;
  for (const auto& row : j["counts"])
    for (const auto& c : row) counts.push_back(c.get<int64_t>());
  double tol = tolerance(3);
  FleissKappa f = fleiss_kappa(counts, 5);
  expect_defined_near(f.kappa, j["expected"]["fleiss_kappa"].get<double>(), tol);
  ASSERT_TRUE(f.p_bar && f.p_e_bar);
  EXPECT_NEAR(*f.p_bar, j["expected"]["P_bar"].get<double>(), tol);
  EXPECT_NEAR(*f.p_e_bar, j["expected"]["P_e_bar"].get<double>(), tol);
  EXPECT_EQ(f.items, 10u);
  EXPECT_EQ(f.raters_per_item, 14);

  // The same table as 14 ratings per item gives the same figures from Ratings.
  Ratings r(10, 14, 5);
  for (size_t i = 0; i < 10; ++i) {
    size_t a = 0;
    for (int32_t c = 0; c < 5; ++c)
      for (int64_t x = 0; x < counts[i * 5 + c]; ++x) r.at(i, a++) = c;
  }
  FleissKappa g = fleiss_kappa(r);
  ASSERT_TRUE(g.kappa.value);
  EXPECT_NEAR(*g.kappa.value, *f.kappa.value, 1e-12);
  EXPECT_NEAR(*g.p_bar, *f.p_bar, 1e-12);
}

TEST(FleissKappa, DifferentNumbersOfRatingsAreUndefinedWithReason) {
  Ratings r(3, 3, 2);
  r.at(0, 0) = 0, r.at(0, 1) = 0, r.at(0, 2) = 1;
  r.at(1, 0) = 1, r.at(1, 1) = 1;
  FleissKappa f = fleiss_kappa(r);
  expect_undefined(f.kappa);
  EXPECT_NE(f.kappa.note.find("different numbers of ratings"), std::string::npos) << f.kappa.note;
  // An unrated item is skipped, not counted as a different number.
  r.at(1, 2) = 0;
  EXPECT_TRUE(fleiss_kappa(r).kappa.value);
}

TEST(CohenKappa, ScikitLearnVectors) {
  auto cases = load("agreement_vectors.json")["cohen_sklearn"]["cases"];
  ASSERT_EQ(cases.size(), 3u);
  for (const auto& c : cases) {
    Ratings r = two_annotators(c["y1"].get<std::vector<int32_t>>(), c["y2"].get<std::vector<int32_t>>());
    double tol = tolerance(c["decimals"].get<int>());
    const auto& e = c["expected"];
    expect_defined_near(cohen_kappa(r), e["unweighted"].get<double>(), tol);
    if (e.contains("linear")) expect_defined_near(cohen_kappa(r, Weights::linear), e["linear"].get<double>(), tol);
    if (e.contains("quadratic"))
      expect_defined_near(cohen_kappa(r, Weights::quadratic), e["quadratic"].get<double>(), tol);
  }
}

// scikit-learn's formula with full k x k matrices.
double reference_cohen(const Ratings& r, Weights w) {
  size_t k = static_cast<size_t>(r.num_categories);
  std::vector<double> conf(k * k, 0.0), rows(k, 0.0), cols(k, 0.0);
  double n = 0;
  for (size_t i = 0; i < r.num_items; ++i) {
    if (r.at(i, 0) < 0 || r.at(i, 1) < 0) continue;
    conf[r.at(i, 0) * k + r.at(i, 1)] += 1, rows[r.at(i, 0)] += 1, cols[r.at(i, 1)] += 1, n += 1;
  }
  double num = 0, den = 0;
  for (size_t a = 0; a < k; ++a)
    for (size_t b = 0; b < k; ++b) {
      double d = std::abs(double(a) - double(b));
      double wt = w == Weights::none ? (a != b) : w == Weights::linear ? d : d * d;
      num += wt * conf[a * k + b];
      den += wt * rows[a] * cols[b] / n;
    }
  return 1 - num / den;
}

TEST(CohenKappa, MatchesFullMatrixFormulaWithMissingRatings) {
  Rng rng(3);
  Ratings r(500, 2, 7);
  for (size_t i = 0; i < r.num_items; ++i) {
    int32_t t = static_cast<int32_t>(rng.uniform(7));
    r.at(i, 0) = rng.bernoulli(0.1) ? kNotRated : t;
    r.at(i, 1) = rng.bernoulli(0.1) ? kNotRated : (rng.bernoulli(0.5) ? t : static_cast<int32_t>(rng.uniform(7)));
  }
  for (Weights w : {Weights::none, Weights::linear, Weights::quadratic}) {
    auto got = cohen_kappa(r, w);
    ASSERT_TRUE(got.value) << got.note;
    EXPECT_NEAR(*got.value, reference_cohen(r, w), 1e-12);
  }
}

TEST(PercentAgreement, CountsOnlyItemsWithTwoRatings) {
  Ratings r(5, 3, 3);
  int32_t rows[5][3] = {{0, 0, 0}, {1, 1, -1}, {2, 1, 2}, {0, -1, -1}, {-1, -1, -1}};
  for (size_t i = 0; i < 5; ++i)
    for (size_t a = 0; a < 3; ++a) r.at(i, a) = rows[i][a];
  PercentAgreement p = percent_agreement(r);
  EXPECT_EQ(p.items_counted, 3u);
  EXPECT_EQ(p.items_agreeing, 2u);
  expect_defined_near(p.agreement, 2.0 / 3.0, 1e-15);
}

TEST(Degenerate, OneCategoryOneRaterEmptyAndInvalid) {
  // One category: chance agreement is total, so every chance-corrected figure is undefined.
  Ratings one_cat(4, 3, 1);
  std::fill(one_cat.ratings.begin(), one_cat.ratings.end(), 0);
  expect_undefined(krippendorff_alpha(one_cat, Level::nominal));
  expect_undefined(krippendorff_alpha(one_cat, Level::interval));
  expect_undefined(fleiss_kappa(one_cat).kappa);
  expect_defined_near(percent_agreement(one_cat).agreement, 1.0, 0);
  Ratings two_same(4, 2, 3);
  std::fill(two_same.ratings.begin(), two_same.ratings.end(), 1);
  expect_undefined(cohen_kappa(two_same));
  expect_undefined(cohen_kappa(two_same, Weights::quadratic));

  // One rater: nothing is pairable.
  Ratings one_rater(5, 1, 3);
  for (size_t i = 0; i < 5; ++i) one_rater.at(i, 0) = static_cast<int32_t>(i % 3);
  expect_undefined(krippendorff_alpha(one_rater, Level::nominal));
  expect_undefined(fleiss_kappa(one_rater).kappa);
  expect_undefined(percent_agreement(one_rater).agreement);
  expect_undefined(cohen_kappa(one_rater));

  // Empty.
  Ratings empty(0, 3, 2);
  expect_undefined(krippendorff_alpha(empty, Level::ordinal));
  expect_undefined(fleiss_kappa(empty).kappa);
  expect_undefined(fleiss_kappa(std::vector<int64_t>{}, 3).kappa);
  expect_undefined(percent_agreement(empty).agreement);
  expect_undefined(cohen_kappa(Ratings(0, 2, 2)));
  EXPECT_TRUE(majority_consensus(empty).labels.empty());

  // Out-of-range ids are reported, not read out of bounds.
  Ratings bad(2, 2, 2);
  bad.at(1, 1) = 5;
  EXPECT_FALSE(validate(bad).ok());
  Statistic s = krippendorff_alpha(bad, Level::nominal);
  expect_undefined(s);
  EXPECT_NE(s.note.find("invalid"), std::string::npos);
  expect_undefined(krippendorff_alpha(two_same, Level::interval, std::vector<double>{1, 2}));  // wrong size
}

TEST(MajorityConsensus, TiesGoToLowestIdAndAreCounted) {
  Ratings r(4, 3, 3);
  int32_t rows[4][3] = {{2, 2, 1}, {1, 0, -1}, {-1, -1, -1}, {2, 1, 0}};
  for (size_t i = 0; i < 4; ++i)
    for (size_t a = 0; a < 3; ++a) r.at(i, a) = rows[i][a];
  Consensus c = majority_consensus(r);
  EXPECT_EQ(c.labels, (std::vector<int32_t>{2, 0, kNotRated, 0}));
  EXPECT_NEAR(c.confidence[0], 2.0 / 3.0, 1e-15);
  EXPECT_EQ(c.confidence[1], 0.5);
  EXPECT_EQ(c.confidence[2], 0.0);
  EXPECT_NEAR(c.confidence[3], 1.0 / 3.0, 1e-15);
  EXPECT_EQ(c.tied_items, 2u);
  EXPECT_NE(c.note.find("lowest"), std::string::npos);
}

TEST(AnnotatorFigures, RatingsGivenAndAgreementWithConsensus) {
  Ratings r(4, 3, 3);
  int32_t rows[4][3] = {{2, 2, 1}, {0, 0, -1}, {-1, -1, -1}, {1, 1, 1}};
  for (size_t i = 0; i < 4; ++i)
    for (size_t a = 0; a < 3; ++a) r.at(i, a) = rows[i][a];
  Consensus c = majority_consensus(r);
  auto f = annotator_figures(r, c.labels);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].ratings_given, 3u);
  expect_defined_near(f[0].agreement_with_consensus, 1.0, 0);
  EXPECT_EQ(f[2].ratings_given, 2u);
  EXPECT_EQ(f[2].agreed, 1u);
  expect_defined_near(f[2].agreement_with_consensus, 0.5, 0);
  expect_undefined(annotator_figures(r, std::vector<int32_t>{0})[0].agreement_with_consensus);
}

}  // namespace
}  // namespace dqprep::agreement

namespace dqprep::agreement {

TEST(AgreementFlags, ParseLevelsAndWeights) {
  EXPECT_EQ(*parse_level("nominal"), Level::nominal);
  EXPECT_EQ(*parse_level("ordinal"), Level::ordinal);
  EXPECT_EQ(*parse_level("interval"), Level::interval);
  EXPECT_EQ(*parse_level("ratio"), Level::ratio);
  EXPECT_EQ(parse_level("ordered").status().code(), StatusCode::usage);
  EXPECT_EQ(*parse_weights("none"), Weights::none);
  EXPECT_EQ(*parse_weights("linear"), Weights::linear);
  EXPECT_EQ(*parse_weights("quadratic"), Weights::quadratic);
  EXPECT_EQ(parse_weights("").status().code(), StatusCode::usage);
}

TEST(RatingMatrix, GrowsByRowsAndColumnsAndKeepsTheFirstRating) {
  RatingMatrix m;
  EXPECT_EQ(m.width(), 0u);
  EXPECT_TRUE(m.set(0, 0, 1));
  EXPECT_TRUE(m.set(1, 2, 0));  // a new annotator and a new item at once
  EXPECT_TRUE(m.set(0, 1, 2));
  EXPECT_FALSE(m.set(0, 0, 3));  // the same annotator twice on one item: the first stays
  EXPECT_TRUE(m.set(3, 4, 1));   // columns past the doubled stride, rows past the end
  EXPECT_EQ(m.width(), 5u);
  const int32_t N = kNotRated;
  std::vector<int32_t> cells = m.take(4, 5);
  EXPECT_EQ(cells, (std::vector<int32_t>{1, 2, N, N, N,  //
                                         N, N, 0, N, N,  //
                                         N, N, N, N, N,  //
                                         N, N, N, N, 1}));
}

TEST(RatingMatrix, TakeWidensAndAddsUnratedRows) {
  RatingMatrix m;
  EXPECT_TRUE(m.set(0, 0, 0));
  EXPECT_TRUE(m.set(1, 1, 1));
  const int32_t N = kNotRated;
  std::vector<int32_t> cells = m.take(3, 3);
  EXPECT_EQ(cells, (std::vector<int32_t>{0, N, N, N, 1, N, N, N, N}));
}

TEST(RatingMatrix, ManyAnnotatorsOneByOneMatchAPlainMatrix) {
  RatingMatrix m;
  Ratings plain(7, 40, 3);
  for (size_t a = 0; a < 40; ++a) {
    for (size_t i = 0; i < 7; ++i) {
      if ((i + a) % 3 == 0) continue;
      int32_t label = static_cast<int32_t>((i * 7 + a) % 3);
      EXPECT_TRUE(m.set(i, a, label));
      plain.at(i, a) = label;
    }
  }
  EXPECT_EQ(m.width(), 40u);
  EXPECT_EQ(m.take(7, 40), plain.ratings);
}

}  // namespace dqprep::agreement
