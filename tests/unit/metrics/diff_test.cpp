#include "dqprep/metrics/diff.hpp"

#include <gtest/gtest.h>

namespace dqprep::metrics {
namespace {

using report::Json;

Json old_report() {
  return Json::parse(R"({"stage": "metrics", "seconds": 1.5, "n": 200, "class_balance": 0.95, "noise_ratio": 0,
    "near_duplicate_ratio": null, "classes": {"a": 100, "b": 100}, "class_share": {"a b": 0.5},
    "lengths": {"chars": {"p50": 40}}, "small_classes": [], "notes": {"near_duplicate_ratio": "not measured: give --near"}})");
}

Json new_report() {
  return Json::parse(R"({"stage": "metrics", "seconds": 9.5, "n": 180, "class_balance": 0.92, "noise_ratio": 0.01,
    "near_duplicate_ratio": null, "classes": {"a": 100, "b": 60, "c": 20}, "class_share": {"a b": 0.5},
    "lengths": {"chars": {"p50": 40}}, "small_classes": ["c"], "notes": {"near_duplicate_ratio": "not measured: give --near"}})");
}

const FigureChange* find(const ReportDiff& d, const std::string& metric) {
  for (const FigureChange& f : d.figures)
    if (f.metric == metric) return &f;
  return nullptr;
}

TEST(MetricsDiff, ChangesRatiosAndWhyANullIsNull) {
  Result<ReportDiff> d = diff_reports(old_report(), new_report(), "old.json", "new.json");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->stage, "metrics");
  EXPECT_EQ(find(*d, "seconds"), nullptr);  // wall time is not a figure of the data
  const FigureChange* n = find(*d, "n");
  ASSERT_NE(n, nullptr);
  EXPECT_DOUBLE_EQ(*n->change, -20);
  EXPECT_DOUBLE_EQ(*n->ratio, 0.9);
  const FigureChange* balance = find(*d, "class_balance");
  EXPECT_NEAR(*balance->change, -0.03, 1e-12);
  const FigureChange* noise = find(*d, "noise_ratio");
  EXPECT_DOUBLE_EQ(*noise->change, 0.01);
  EXPECT_FALSE(noise->ratio.has_value());  // from 0: no ratio
  EXPECT_EQ(noise->note, "0 in old.json: no ratio");
  const FigureChange* near = find(*d, "near_duplicate_ratio");
  EXPECT_FALSE(near->change.has_value());
  EXPECT_EQ(near->note,
            "null in old.json (not measured: give --near); null in new.json (not measured: give --near)");
  const FigureChange* c = find(*d, "classes.c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->note, "not in old.json");
  EXPECT_TRUE(c->changed());
  const FigureChange* share = find(*d, "class_share[a b]");  // a key that is not a name goes in brackets
  ASSERT_NE(share, nullptr);
  EXPECT_FALSE(share->changed());
  EXPECT_DOUBLE_EQ(*find(*d, "lengths.chars.p50")->ratio, 1);
  EXPECT_EQ(d->figures.front().metric, "n");  // NEW's order
}

TEST(MetricsDiff, ChangeGatesAbsoluteAndRelative) {
  Result<ReportDiff> d = diff_reports(old_report(), new_report(), "old.json", "new.json");
  ASSERT_TRUE(d.ok());
  std::vector<checks::Check> list;
  for (const char* text : {"class_balance >= -0.02", "n >= 0.95x", "class_count[a] >= 1x", "classes[b] >= -50",
                           "near_duplicate_ratio <= 0"})
    list.push_back(*checks::parse(text));
  Result<std::vector<checks::Outcome>> outcomes = evaluate_changes(list, *d);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().message();
  EXPECT_FALSE((*outcomes)[0].passed);  // dropped by 0.03
  EXPECT_FALSE((*outcomes)[1].passed);  // 0.9x
  EXPECT_DOUBLE_EQ(*(*outcomes)[1].actual, 0.9);
  EXPECT_TRUE((*outcomes)[2].passed);   // the class_count alias, unchanged
  EXPECT_TRUE((*outcomes)[3].passed);   // -40
  EXPECT_FALSE((*outcomes)[4].passed);  // null never passes, and says why
  EXPECT_NE((*outcomes)[4].note.find("not measured"), std::string::npos);
  Status verdict = checks::gate(*outcomes);
  EXPECT_EQ(verdict.code(), StatusCode::check_failed);
  EXPECT_NE(verdict.message().find("n = 0.9x, required >= 0.95x"), std::string::npos);

  list = {*checks::parse("no_such_metric >= 0")};
  Result<std::vector<checks::Outcome>> unknown = evaluate_changes(list, *d);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::usage);
}

TEST(MetricsDiff, ReportsOfDifferentStagesAreAUsageError) {
  Json other = new_report();
  other["stage"] = "split";
  Result<ReportDiff> d = diff_reports(old_report(), other, "old.json", "new.json");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::usage);
}

TEST(MetricsDiff, OutputsListChangedFiguresAndChecks) {
  Result<ReportDiff> d = diff_reports(old_report(), new_report(), "old.json", "new.json");
  std::vector<checks::Check> list = {*checks::parse("n >= 0.95x")};
  std::vector<checks::Outcome> outcomes = *evaluate_changes(list, *d);
  std::string table = diff_table(*d, outcomes, "old.json", "new.json");
  EXPECT_NE(table.find("class_balance"), std::string::npos);
  EXPECT_EQ(table.find("lengths.chars.p50"), std::string::npos);  // unchanged: counted, not listed
  EXPECT_NE(table.find("FAIL  n >= 0.95x"), std::string::npos);
  std::string md = diff_markdown(*d, outcomes, "old.json", "new.json");
  EXPECT_NE(md.find("| ❌ | `n >= 0.95x` | 0.9x | fail |"), std::string::npos);
  EXPECT_EQ(md.find("| class_share[a b] |"), std::string::npos) << "unchanged figures are not listed";
  Json j = diff_json(*d, outcomes, "old.json", "new.json");
  EXPECT_EQ(j["stage"], "metrics diff");
  EXPECT_EQ(j["checks"][0]["passed"], false);
  EXPECT_EQ(j["figures"].size(), d->figures.size());
}

}  // namespace
}  // namespace dqprep::metrics
