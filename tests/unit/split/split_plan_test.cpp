#include "dqprep/split/split_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dqprep/util/random.hpp"

namespace dqprep::split_plan {
namespace {

Parts ratios(std::vector<double> r) {
  Result<Parts> p = Parts::from_ratios(r);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return *p;
}

Parts folds(size_t k) { return *Parts::folds(k); }

std::vector<uint64_t> totals_of(const std::vector<PartId>& part, size_t parts) {
  std::vector<uint64_t> t(parts, 0);
  for (PartId p : part) ++t.at(p);
  return t;
}

// ---- ratios and counts ------------------------------------------------------------------------

TEST(SplitPlanRatios, Validation) {
  EXPECT_TRUE(validate_ratios(std::vector<double>{0.8, 0.1, 0.1}).ok());
  EXPECT_TRUE(validate_ratios(std::vector<double>{1.0}).ok());
  EXPECT_TRUE(validate_ratios(std::vector<double>{0.7, 0.2, 0.1000000005}).ok());  // within 1e-9
  for (std::vector<double> bad : std::vector<std::vector<double>>{
           {}, {0.8, 0.1}, {0.8, 0.1, 0.2}, {0.7, 0.2, 0.10000001}, {1.1, -0.1}, {1.0, 0.0},
           {NAN, 1.0}, {INFINITY}}) {
    Status s = validate_ratios(bad);
    EXPECT_EQ(s.code(), StatusCode::usage) << bad.size();
    EXPECT_FALSE(Parts::from_ratios(bad).ok());
  }
  EXPECT_NE(validate_ratios(std::vector<double>{0.5, 0.4}).message().find("0.9"), std::string::npos);
  EXPECT_EQ(Parts::folds(1).status().code(), StatusCode::usage);
  EXPECT_EQ(Parts::folds(70000).status().code(), StatusCode::usage);
  EXPECT_EQ(split_counts(10, std::vector<double>{0.5}).status().code(), StatusCode::usage);
}

TEST(SplitPlanRatios, LargestRemainderCounts) {
  auto counts = [](uint64_t n, std::vector<double> r) { return *split_counts(n, r); };
  EXPECT_EQ(counts(10, {0.8, 0.1, 0.1}), (std::vector<uint64_t>{8, 1, 1}));
  EXPECT_EQ(counts(11, {0.7, 0.2, 0.1}), (std::vector<uint64_t>{8, 2, 1}));    // 7.7 2.2 1.1
  EXPECT_EQ(counts(7, {0.5, 0.5}), (std::vector<uint64_t>{4, 3}));             // tie: lower part
  EXPECT_EQ(counts(100, {1.0 / 3, 1.0 / 3, 1.0 / 3}), (std::vector<uint64_t>{34, 33, 33}));
  EXPECT_EQ(counts(19, {0.25, 0.35, 0.4}), (std::vector<uint64_t>{5, 7, 7}));  // 4.75 6.65 7.6
  EXPECT_EQ(counts(0, {0.8, 0.2}), (std::vector<uint64_t>{0, 0}));
  EXPECT_EQ(folds(4).counts(10), (std::vector<uint64_t>{3, 3, 2, 2}));
  // Exact for counts where a double product would round: 10^15 records at 0.1.
  EXPECT_EQ(counts(1'000'000'000'000'000, {0.9, 0.1}),
            (std::vector<uint64_t>{900'000'000'000'000, 100'000'000'000'000}));
}

// ---- random -----------------------------------------------------------------------------------

TEST(SplitPlanRandom, ExactTotalsAndDeterminism) {
  Parts p = ratios({0.7, 0.2, 0.1});
  Plan a = random_split(1003, p, 42);
  EXPECT_EQ(a.totals, p.counts(1003));
  EXPECT_EQ(a.totals, (std::vector<uint64_t>{702, 201, 100}));  // 702.1 200.6 100.3
  EXPECT_EQ(totals_of(a.part, 3), a.totals);
  EXPECT_EQ(random_split(1003, p, 42).part, a.part);
  EXPECT_NE(random_split(1003, p, 43).part, a.part);
  // Shuffled: the first 702 records are not all in part 0.
  EXPECT_LT(std::count(a.part.begin(), a.part.begin() + 702, 0), 600);
}

// ---- stratified -------------------------------------------------------------------------------

// Classes of the given sizes in an input order shuffled by `seed`.
std::vector<uint32_t> shuffled_classes(const std::vector<uint64_t>& sizes, uint64_t seed) {
  std::vector<uint32_t> ids;
  for (size_t c = 0; c < sizes.size(); ++c) ids.insert(ids.end(), sizes[c], static_cast<uint32_t>(c));
  Rng rng(seed);
  for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.uniform(i)]);
  return ids;
}

// Every class within 1 of ratio x size in every part, totals within 1 of ratio x n, unreached
// listing exactly the empty cells.
void expect_stratified_bounds(const std::vector<uint64_t>& sizes, const Parts& p, uint64_t seed,
                              bool expect_largest_remainder_totals) {
  std::vector<uint32_t> ids = shuffled_classes(sizes, seed);
  Result<Plan> plan = stratified_split(ids, static_cast<uint32_t>(sizes.size()), p, seed);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->part.size(), ids.size());
  const size_t S = p.size();
  std::vector<std::vector<uint64_t>> cells(sizes.size(), std::vector<uint64_t>(S, 0));
  for (size_t i = 0; i < ids.size(); ++i) ++cells[ids[i]][plan->part[i]];
  std::vector<Unreached> empty;
  for (size_t c = 0; c < sizes.size(); ++c) {
    for (size_t s = 0; s < S; ++s) {
      double ideal = p.ratio(s) * static_cast<double>(sizes[c]);
      EXPECT_LT(std::fabs(static_cast<double>(cells[c][s]) - ideal), 1.0)
          << "class " << c << " (" << sizes[c] << ") part " << s;
      if (sizes[c] > 0 && cells[c][s] == 0) empty.push_back({static_cast<uint32_t>(c), static_cast<PartId>(s)});
    }
  }
  EXPECT_EQ(plan->unreached, empty);
  EXPECT_EQ(totals_of(plan->part, S), plan->totals);
  for (size_t s = 0; s < S; ++s)
    EXPECT_LT(std::fabs(static_cast<double>(plan->totals[s]) - p.ratio(s) * static_cast<double>(ids.size())), 1.0);
  if (expect_largest_remainder_totals) EXPECT_EQ(plan->totals, p.counts(ids.size()));
}

TEST(SplitPlanStratified, BoundOnSkewedClasses) {
  const std::vector<uint64_t> sizes{1, 2, 3, 7, 1000};
  for (uint64_t seed : {0u, 1u, 2u}) {
    expect_stratified_bounds(sizes, ratios({0.8, 0.1, 0.1}), seed, true);
    expect_stratified_bounds(sizes, ratios({0.7, 0.2, 0.1}), seed, true);
    expect_stratified_bounds(sizes, folds(5), seed, true);
  }
}

TEST(SplitPlanStratified, SmallClassesAreReportedNotDropped) {
  Parts p = ratios({0.8, 0.1, 0.1});
  std::vector<uint32_t> ids{0, 1, 1, 2, 2, 2};  // classes of 1, 2 and 3 records
  Plan plan = *stratified_split(ids, 4, p, 7);  // class 3 is declared and empty
  EXPECT_EQ(plan.part.size(), 6u);
  // Class 0: ideal 0.8/0.1/0.1: one part holds it, two are unreached. Class 1 (1.6/0.2/0.2) and
  // class 2 (2.4/0.3/0.3) also miss at least one part each; class 3 has no records to miss.
  std::map<uint32_t, int> missed;
  for (const Unreached& u : plan.unreached) ++missed[u.class_id];
  EXPECT_EQ(missed[0], 2);
  EXPECT_GE(missed[1], 1);
  EXPECT_GE(missed[2], 1);
  EXPECT_EQ(missed.count(3), 0u);
  EXPECT_EQ(plan.totals, p.counts(6));  // 4.8 0.6 0.6 -> 5 1 0
}

TEST(SplitPlanStratified, ManyClassesManyRatios) {
  // 200 classes of 1..60 records against several part sets: the bound holds everywhere, and the
  // totals are the largest-remainder counts of the whole.
  Rng rng(3);
  std::vector<uint64_t> sizes;
  for (int c = 0; c < 200; ++c) sizes.push_back(1 + rng.uniform(60));
  for (const Parts& p : {ratios({0.8, 0.1, 0.1}), ratios({0.7, 0.2, 0.1}), ratios({0.5, 0.3, 0.15, 0.05}),
                         ratios({1.0 / 3, 1.0 / 3, 1.0 / 3}), folds(5), folds(10), ratios({1.0})})
    expect_stratified_bounds(sizes, p, 4, true);
}

TEST(SplitPlanStratified, KFoldCoverageAndDeterminism) {
  std::vector<uint32_t> ids = shuffled_classes({13, 40, 5, 2}, 9);
  Parts p = folds(5);
  Plan a = *stratified_split(ids, 4, p, 1);
  // Each record in exactly one fold, each fold within 1 of n / K.
  EXPECT_EQ(a.part.size(), ids.size());
  for (PartId f : a.part) EXPECT_LT(f, 5);
  EXPECT_EQ(a.totals, p.counts(ids.size()));
  EXPECT_EQ(stratified_split(ids, 4, p, 1)->part, a.part);
  EXPECT_NE(stratified_split(ids, 4, p, 2)->part, a.part);
}

TEST(SplitPlanStratified, RejectsClassIdsOutOfRange) {
  std::vector<uint32_t> ids{0, 3};
  EXPECT_EQ(stratified_split(ids, 3, folds(2), 0).status().code(), StatusCode::usage);
}

// ---- group ------------------------------------------------------------------------------------

// n records in groups of geometric sizes (many singletons, a few large), ids scattered.
std::vector<uint64_t> make_groups(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint64_t> ids;
  while (ids.size() < n) {
    uint64_t id = rng.next_u64();
    uint64_t size = 1;
    while (size < 40 && rng.bernoulli(0.7)) ++size;
    for (uint64_t k = 0; k < size && ids.size() < n; ++k) ids.push_back(id);
  }
  for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.uniform(i)]);
  return ids;
}

void expect_groups_whole(const std::vector<uint64_t>& groups, const Plan& plan) {
  std::map<uint64_t, PartId> where;
  for (size_t i = 0; i < groups.size(); ++i) {
    auto [it, fresh] = where.emplace(groups[i], plan.part[i]);
    if (!fresh) ASSERT_EQ(it->second, plan.part[i]) << "group " << groups[i] << " split";
  }
}

uint64_t largest_group(const std::vector<uint64_t>& groups) {
  std::map<uint64_t, uint64_t> size;
  uint64_t largest = 0;
  for (uint64_t g : groups) largest = std::max(largest, ++size[g]);
  return largest;
}

TEST(SplitPlanGroup, GroupsWholeAndSizesCloseToRatios) {
  const std::vector<uint64_t> groups = make_groups(20000, 1);
  const double biggest = static_cast<double>(largest_group(groups));
  for (const Parts& p : {ratios({0.8, 0.1, 0.1}), ratios({0.7, 0.2, 0.1}), folds(5)}) {
    Plan plan = *group_split(groups, p, 0);
    expect_groups_whole(groups, plan);
    EXPECT_EQ(totals_of(plan.part, p.size()), plan.totals);
    for (size_t s = 0; s < p.size(); ++s) {
      double target = p.ratio(s) * static_cast<double>(groups.size());
      // Never over a target by a whole group; with thousands of small groups, close under too.
      EXPECT_LT(static_cast<double>(plan.totals[s]) - target, biggest);
      EXPECT_LE(std::fabs(static_cast<double>(plan.totals[s]) - target), biggest);
    }
  }
}

TEST(SplitPlanGroup, SingletonGroupsGiveExactCounts) {
  std::vector<uint64_t> groups(1003);
  for (size_t i = 0; i < groups.size(); ++i) groups[i] = i * 7919;
  Parts p = ratios({0.7, 0.2, 0.1});
  EXPECT_EQ(group_split(groups, p, std::nullopt)->totals, p.counts(1003));
}

TEST(SplitPlanGroup, LargestGroupsFirstToTheMostRoom) {
  // Groups 6, 2, 1, 1 (ids 10, 20, 30, 40) at 0.6/0.4 of 10: 6 -> part 0 (deficit 6 vs 4), 2 -> part 1,
  // 1 -> part 1 (0 vs 2), 1 -> part 1.
  std::vector<uint64_t> groups{30, 10, 10, 20, 10, 10, 40, 10, 20, 10};
  Plan plan = *group_split(groups, ratios({0.6, 0.4}), std::nullopt);
  EXPECT_EQ(plan.part, (std::vector<PartId>{1, 0, 0, 1, 0, 0, 1, 0, 1, 0}));
  EXPECT_EQ(plan.totals, (std::vector<uint64_t>{6, 4}));
}

TEST(SplitPlanGroup, DeterministicForASeed) {
  const std::vector<uint64_t> groups = make_groups(5000, 2);
  Parts p = ratios({0.8, 0.1, 0.1});
  Plan a = *group_split(groups, p, 5);
  EXPECT_EQ(group_split(groups, p, 5)->part, a.part);
  EXPECT_NE(group_split(groups, p, 6)->part, a.part);
}

TEST(SplitPlanGroup, KFoldEveryGroupInOneFold) {
  const std::vector<uint64_t> groups = make_groups(3000, 3);
  Plan plan = *group_split(groups, folds(5), 0);
  expect_groups_whole(groups, plan);
  for (uint64_t t : plan.totals) EXPECT_GT(t, 0u);
  EXPECT_EQ(totals_of(plan.part, 5), plan.totals);
}

// ---- stratified group -------------------------------------------------------------------------

std::vector<std::vector<size_t>> test_folds(const Plan& plan, size_t k) {
  std::vector<std::vector<size_t>> out(k);
  for (size_t i = 0; i < plan.part.size(); ++i) out[plan.part[i]].push_back(i);
  return out;
}

TEST(SplitPlanStratifiedGroup, MatchesScikitLearnUserGuideExample) {
  // scikit-learn user guide, StratifiedGroupKFold(n_splits=3):
  // y = [1]*6 + [0]*12, groups = [1,2,3,3,4,4,1,1,2,2,3,4,5,5,5,6,6,6]; test folds
  // [1 8 9 12 13 14], [2 3 10 15 16 17], [0 4 5 6 7 11].
  std::vector<uint32_t> y(18, 0);
  std::fill(y.begin(), y.begin() + 6, 1);
  std::vector<uint64_t> groups{1, 2, 3, 3, 4, 4, 1, 1, 2, 2, 3, 4, 5, 5, 5, 6, 6, 6};
  Plan plan = *stratified_group_split(groups, y, 2, folds(3), std::nullopt);
  EXPECT_EQ(test_folds(plan, 3), (std::vector<std::vector<size_t>>{
                                     {1, 8, 9, 12, 13, 14}, {2, 3, 10, 15, 16, 17}, {0, 4, 5, 6, 7, 11}}));
  EXPECT_TRUE(plan.unreached.empty());
}

TEST(SplitPlanStratifiedGroup, MatchesScikitLearnHomogeneousGroupsTest) {
  // scikit-learn test_stratified_group_kfold_homogeneous_groups: y = [0]*9 + [1]*3, groups
  // [1,1,1,2,2,2,3,3,3,4,5,6]: every fold holds class shares 0.75 / 0.25.
  std::vector<uint32_t> y{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
  std::vector<uint64_t> groups{1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6};
  Plan plan = *stratified_group_split(groups, y, 2, folds(3), std::nullopt);
  for (const auto& fold : test_folds(plan, 3)) {
    ASSERT_EQ(fold.size(), 4u);
    EXPECT_EQ(std::count_if(fold.begin(), fold.end(), [&](size_t i) { return y[i] == 1; }), 1);
  }
}

// Mean over classes and parts of |class share in part - ratio|.
double share_error(const std::vector<uint32_t>& y, uint32_t classes, const Plan& plan, const Parts& p) {
  std::vector<std::vector<double>> cells(classes, std::vector<double>(p.size(), 0));
  std::vector<double> size(classes, 0);
  for (size_t i = 0; i < y.size(); ++i) {
    cells[y[i]][plan.part[i]] += 1;
    size[y[i]] += 1;
  }
  double err = 0;
  for (uint32_t c = 0; c < classes; ++c)
    for (size_t s = 0; s < p.size(); ++s) err += std::fabs(cells[c][s] / size[c] - p.ratio(s));
  return err / (classes * p.size());
}

TEST(SplitPlanStratifiedGroup, KeepsGroupsAndBeatsPlainGroupSplitOnShares) {
  const std::vector<uint64_t> groups = make_groups(20000, 4);
  // Labels mostly shared within a group (as near-duplicates would be), skewed 70/20/8/2.
  std::vector<uint32_t> y(groups.size());
  for (size_t i = 0; i < groups.size(); ++i) {
    Rng r(77, groups[i]);
    uint64_t u = Rng(78, i).uniform(10) == 0 ? Rng(79, i).uniform(100) : r.uniform(100);
    y[i] = u < 70 ? 0 : u < 90 ? 1 : u < 98 ? 2 : 3;
  }
  for (const Parts& p : {ratios({0.8, 0.1, 0.1}), ratios({0.7, 0.2, 0.1}), folds(5)}) {
    Plan strat = *stratified_group_split(groups, y, 4, p, 11);
    Plan plain = *group_split(groups, p, 11);
    expect_groups_whole(groups, strat);
    EXPECT_EQ(totals_of(strat.part, p.size()), strat.totals);
    double e_strat = share_error(y, 4, strat, p), e_plain = share_error(y, 4, plain, p);
    EXPECT_LT(e_strat, e_plain) << p.size();
    EXPECT_LT(e_strat, 0.01) << p.size();
    for (size_t s = 0; s < p.size(); ++s)
      EXPECT_NEAR(static_cast<double>(strat.totals[s]) / groups.size(), p.ratio(s), 0.01);
    EXPECT_EQ(stratified_group_split(groups, y, 4, p, 11)->part, strat.part);
  }
}

TEST(SplitPlanStratifiedGroup, Validation) {
  std::vector<uint64_t> groups{1, 2, 3};
  std::vector<uint32_t> y{0, 1};
  EXPECT_EQ(stratified_group_split(groups, y, 2, folds(2), 0).status().code(), StatusCode::usage);
  std::vector<uint32_t> y3{0, 1, 5};
  EXPECT_EQ(stratified_group_split(groups, y3, 2, folds(2), 0).status().code(), StatusCode::usage);
}

// ---- time -------------------------------------------------------------------------------------

TEST(SplitPlanTime, ChronologicalCutTiesByInputOrder) {
  Rng rng(8);
  std::vector<TimeKey> records;
  for (uint64_t i = 0; i < 1000; ++i) records.push_back({static_cast<double>(rng.uniform(50)), i});
  Parts p = ratios({0.8, 0.1, 0.1});
  Plan plan = *time_split(records, p);
  EXPECT_EQ(plan.totals, p.counts(1000));
  EXPECT_EQ(totals_of(plan.part, 3), plan.totals);
  // Every record of an earlier part is older than, or as old and before in input as, every record
  // of a later part.
  for (size_t a = 0; a < records.size(); ++a)
    for (size_t b = 0; b < records.size(); ++b)
      if (plan.part[a] < plan.part[b]) {
        ASSERT_TRUE(records[a].time < records[b].time ||
                    (records[a].time == records[b].time && records[a].index < records[b].index));
      }
}

TEST(SplitPlanTime, OldestFirstAndNaNRejected) {
  std::vector<TimeKey> records{{1700000300, 0}, {1700000100, 1}, {1700000200, 2}, {1700000100, 3}, {-5, 4}};
  Plan plan = *time_split(records, ratios({0.6, 0.4}));
  EXPECT_EQ(plan.part, (std::vector<PartId>{1, 0, 1, 0, 0}));
  records.push_back({NAN, 5});
  EXPECT_EQ(time_split(records, ratios({0.6, 0.4})).status().code(), StatusCode::bad_input);
}

// ---- hash -------------------------------------------------------------------------------------

TEST(SplitPlanHash, ApproximateRatiosDeterministicAndSeeded) {
  Parts p = ratios({0.8, 0.1, 0.1});
  std::vector<uint64_t> t(3, 0);
  size_t moved = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string key = "doc-" + std::to_string(i);
    PartId s = hash_split(key, p, 0);
    ASSERT_EQ(s, hash_split(key, p, 0));
    ++t[s];
    moved += s != hash_split(key, p, 1);
  }
  EXPECT_NEAR(t[0] / 1e5, 0.8, 0.005);  // > 3 binomial standard deviations
  EXPECT_NEAR(t[1] / 1e5, 0.1, 0.005);
  EXPECT_NEAR(t[2] / 1e5, 0.1, 0.005);
  EXPECT_GT(moved, 20000u);
  EXPECT_EQ(p.part_of_hash(0), 0);
  EXPECT_EQ(p.part_of_hash(UINT64_MAX), 2);
  EXPECT_EQ(p.part_of_hash(static_cast<uint64_t>(0.8 * 0x1p64) - 4096), 0);
  EXPECT_EQ(p.part_of_hash(static_cast<uint64_t>(0.8 * 0x1p64) + 4096), 1);
}

}  // namespace
}  // namespace dqprep::split_plan
