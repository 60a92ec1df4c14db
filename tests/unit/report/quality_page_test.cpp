#include "dqprep/report/quality_page.hpp"

#include <gtest/gtest.h>

#include "dqprep/report/json_report.hpp"

namespace dqprep::report {
namespace {

ReportInput input(const std::string& name, const std::string& text) { return {name, *parse_json_report(text, name)}; }

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(QualityPage, SectionsOnlyForWhatIsGiven) {
  std::vector<ReportInput> reports = {
      input("f.json", R"({"stage": "filter", "in": 10, "out": 8, "rejected": 2, "quarantined": 0, "rules": {"min_words": 2}})")};
  Result<std::string> html = render_quality_page(reports, {}, {});
  ASSERT_TRUE(html.ok()) << html.status().message();
  EXPECT_NE(html->find("<h2>Pipeline funnel</h2>"), std::string::npos);
  EXPECT_EQ(html->find("<h2>Quality metrics</h2>"), std::string::npos);
  EXPECT_EQ(html->find("<h2>Split</h2>"), std::string::npos);
  EXPECT_EQ(html->find("<h2>Gates</h2>"), std::string::npos);
  EXPECT_EQ(count(*html, "<svg"), 1u);  // the funnel
  // Every <svg> opens with its <title>.
  for (size_t at = html->find("<svg"); at != std::string::npos; at = html->find("<svg", at + 1))
    EXPECT_EQ(html->compare(html->find('>', at) + 1, 7, "<title>"), 0);
}

TEST(QualityPage, ExamplesGoToTheFirstStageThatCountsTheReason) {
  std::vector<ReportInput> reports = {
      input("a.json", R"({"stage": "filter", "in": 10, "out": 9, "rejected": 1, "quarantined": 0, "rules": {"min_words": 1}})"),
      input("b.json", R"({"stage": "filter", "in": 9, "out": 8, "rejected": 1, "quarantined": 0, "rules": {"min_words": 1}})")};
  RejectsSummary first{"a.rejects", 1, {{"min_words", false, 1, {{"r1", "{}", "first file"}}}}, {}, 0};
  RejectsSummary second{"b.rejects", 1, {{"min_words", false, 1, {{"r2", "{}", "second file"}}}}, {}, 0};
  RejectsSummary stray{"c.rejects", 1, {{"gopher_stop_words", false, 1, {{"r3", "{}", "no stage"}}}}, {}, 0};
  Result<std::string> html = render_quality_page(reports, {first, second, stray}, {});
  ASSERT_TRUE(html.ok());
  size_t one = html->find("1. filter: min_words"), two = html->find("2. filter: min_words");
  ASSERT_NE(one, std::string::npos);
  ASSERT_NE(two, std::string::npos);
  EXPECT_LT(html->find("first file", one), two);
  EXPECT_GT(html->find("second file"), two);
  EXPECT_NE(html->find("Rejected records no report counts"), std::string::npos);
}

TEST(QualityPage, AHugeReportStaysUnderTheCap) {
  // 20 000 classes with long names (6 MB of table rows uncapped): every table and chart is capped,
  // and the page stays under 2 MB.
  std::string classes, shares, lengths;
  for (int i = 0; i < 20000; ++i) {
    std::string name = "class-" + std::to_string(i) + std::string(200, 'x');
    classes += (i ? "," : "") + ("\"" + name + "\": " + std::to_string(i + 1));
    shares += (i ? "," : "") + ("\"" + name + "\": 0.000005");
    lengths += (i ? "," : "") + ("\"" + name + "\": {\"chars\": {\"min\": 1, \"p10\": 2, \"p50\": 3, \"p90\": 4, \"max\": 5}}");
  }
  std::string text = R"({"stage": "metrics", "in": 1, "out": 1, "rejected": 0, "quarantined": 0, "n": 1, "classes": {)" +
                     classes + "}, \"class_share\": {" + shares + "}, \"lengths\": {\"chars\": {\"min\": 1, \"p10\": 2, "
                     "\"p50\": 3, \"p90\": 4, \"max\": 5}}, \"lengths_by_class\": {" + lengths + "}}";
  std::vector<ReportInput> reports = {input("m.json", text)};
  Result<std::string> html = render_quality_page(reports, {}, {});
  ASSERT_TRUE(html.ok());
  EXPECT_LE(html->size(), 2'000'000u);
  EXPECT_NE(html->find("more rows: see m.json"), std::string::npos);
}

TEST(QualityPage, AFunnelStageNeedsItsCounts) {
  std::vector<ReportInput> reports = {input("f.json", R"({"stage": "filter", "in": 1.5, "out": 1, "rejected": 0, "quarantined": 0})")};
  Result<std::string> html = render_quality_page(reports, {}, {});
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.status().code(), StatusCode::bad_input);
  EXPECT_EQ(html.status().message(), "f.json: not a stage summary: \"in\" is not a count");
}

TEST(JsonReport, BadJsonNamesItsLine) {
  Result<Json> r = parse_json_report("{\n\"stage\": \"x\",\n\"n\": tru\n}", "r.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::bad_input);
  EXPECT_EQ(r.status().message().rfind("r.json:3: bad JSON: ", 0), 0u) << r.status().message();
  std::string deep(300, '[');
  r = parse_json_report("{\"stage\": \"x\",\n\"a\": " + deep, "d.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "d.json:2: bad JSON: nested deeper than 256 levels");
  EXPECT_FALSE(parse_json_report("[]", "a.json").ok());
  EXPECT_FALSE(parse_json_report("{\"stage\": 1}", "a.json").ok());
  EXPECT_TRUE(parse_json_report("{\"stage\": \"metrics\"}", "a.json").ok());
}

}  // namespace
}  // namespace dqprep::report
