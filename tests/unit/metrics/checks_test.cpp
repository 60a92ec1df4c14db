#include "dqprep/metrics/checks.hpp"

#include <gtest/gtest.h>

namespace dqprep::checks {
namespace {

using report::Json;

TEST(ChecksParse, OperatorsSpacesAndNumbers) {
  struct Case {
    const char* text;
    const char* metric;
    Op op;
    double value;
  };
  const Case cases[] = {
      {"noise_ratio<=0.02", "noise_ratio", Op::le, 0.02},
      {"  class_balance >= 0.8 ", "class_balance", Op::ge, 0.8},
      {"n > 100", "n", Op::gt, 100},
      {"duplicate_ratio<1e-3", "duplicate_ratio", Op::lt, 1e-3},
      {"imbalance_ratio == 1", "imbalance_ratio", Op::eq, 1},
      {"coverage != +1", "coverage", Op::ne, 1},
      {"x >= -2.5", "x", Op::ge, -2.5},
  };
  for (const Case& c : cases) {
    Result<Check> check = parse(c.text);
    ASSERT_TRUE(check.ok()) << c.text << ": " << check.status().message();
    EXPECT_EQ(check->metric, c.metric) << c.text;
    EXPECT_EQ(check->op, c.op) << c.text;
    EXPECT_DOUBLE_EQ(check->value, c.value) << c.text;
    EXPECT_EQ(check->level, Level::fail);
  }
  EXPECT_EQ(parse("noise_ratio<=0.02")->text(), "noise_ratio <= 0.02");
  EXPECT_EQ(parse("a>=1", Level::warn)->level, Level::warn);
}

TEST(ChecksParse, OperatorCharactersInsideBracketsBelongToTheKey) {
  Result<Check> c = parse("class_share[a<=b!] >= 0.1");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->metric, "class_share[a<=b!]");
  EXPECT_EQ(c->op, Op::ge);
  Result<std::vector<std::string>> path = metric_path(c->metric);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, (std::vector<std::string>{"class_share", "a<=b!"}));
  EXPECT_EQ(*metric_path("lengths_by_class[spam].words.p90"),
            (std::vector<std::string>{"lengths_by_class", "spam", "words", "p90"}));
  EXPECT_EQ(*metric_path("lengths.chars.p50"), (std::vector<std::string>{"lengths", "chars", "p50"}));
}

TEST(ChecksParse, ErrorsSayWhatIsWrong) {
  auto message = [](const char* text) {
    Result<Check> c = parse(text);
    EXPECT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), StatusCode::usage) << text;
    return c.status().message();
  };
  EXPECT_NE(message("noise_ratio 0.02").find("no comparison operator"), std::string::npos);
  EXPECT_NE(message("noise_ratio = 0.02").find("use =="), std::string::npos);
  EXPECT_NE(message("noise_ratio <= ").find("no value"), std::string::npos);
  EXPECT_NE(message("noise_ratio <= abc").find("'abc' is not a number"), std::string::npos);
  EXPECT_NE(message("noise_ratio <= 0.1y").find("not a number"), std::string::npos);  // 0.1x is relative
  EXPECT_NE(message("noise_ratio <= nan").find("not a number"), std::string::npos);
  EXPECT_NE(message("<= 3").find("no metric"), std::string::npos);
  EXPECT_NE(message("noise_ratio =< 3").find("'=<'"), std::string::npos);
  EXPECT_NE(message("a[b >= 1").find("'[' without ']'"), std::string::npos);
  EXPECT_NE(message("a. >= 1").find("ends with '.'"), std::string::npos);
  EXPECT_NE(message("a[] >= 1").find("empty key"), std::string::npos);
  EXPECT_NE(message("a b >= 1").find("unexpected ' '"), std::string::npos);
}

TEST(ChecksParseFile, LevelsCommentsAndLineNumbers) {
  Result<std::vector<Check>> list = parse_file(
      "# gates\n"
      "fail: noise_ratio <= 0.02\n"
      "warn class_balance >= 0.9   # aspirational\n"
      "\n"
      "   \n"
      "duplicate_ratio < 0.05\n"
      "warn:class_share[c#1] > 0\n",
      "gates.txt");
  ASSERT_TRUE(list.ok()) << list.status().message();
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].level, Level::fail);
  EXPECT_EQ((*list)[0].text(), "noise_ratio <= 0.02");
  EXPECT_EQ((*list)[1].level, Level::warn);
  EXPECT_EQ((*list)[1].text(), "class_balance >= 0.9");
  EXPECT_EQ((*list)[2].level, Level::fail);
  EXPECT_EQ((*list)[3].level, Level::warn);
  EXPECT_EQ((*list)[3].metric, "class_share[c#1]");  // '#' inside brackets is no comment

  Result<std::vector<Check>> bad = parse_file("fail: a >= 1\nwarn: b\n", "g.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::usage);
  EXPECT_EQ(bad.status().message().rfind("g.txt:2: bad check 'b'", 0), 0u) << bad.status().message();
  // A metric that starts like a level word is a metric.
  Result<std::vector<Check>> failures = parse_file("failures >= 1\n", "g.txt");
  ASSERT_TRUE(failures.ok()) << failures.status().message();
  EXPECT_EQ((*failures)[0].metric, "failures");
}

Json sample_report() {
  return Json::parse(R"({
    "stage": "metrics", "n": 10, "noise_ratio": 0.25, "annotation_consistency": null,
    "classes": {"a": 6, "b": 3, "c": 1}, "class_share": {"a": 0.6, "b": 0.3, "c": 0.1},
    "lengths": {"chars": {"p50": 42.0}}, "label_coverage_missing": ["d"], "stage_name": "x",
    "notes": {"annotation_consistency": "no --annotations-field"}
  })");
}

TEST(ChecksEvaluate, NumbersNullsAliasesAndUnknownMetrics) {
  Json r = sample_report();
  std::map<std::string, std::string, std::less<>> aliases = {{"class_count", "classes"}};
  auto eval = [&](const char* text, Level level = Level::fail) { return evaluate(*parse(text, level), r, aliases); };

  Result<Outcome> o = eval("noise_ratio <= 0.2");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->passed);
  EXPECT_DOUBLE_EQ(*o->actual, 0.25);
  EXPECT_EQ(describe(*o), "noise_ratio = 0.25, required <= 0.2");

  EXPECT_TRUE(eval("noise_ratio <= 0.25")->passed);
  EXPECT_TRUE(eval("noise_ratio != 0.2")->passed);
  EXPECT_FALSE(eval("noise_ratio < 0.25")->passed);
  EXPECT_TRUE(eval("class_share[b] == 0.3")->passed);
  EXPECT_TRUE(eval("class_count[a] >= 6")->passed);
  EXPECT_TRUE(eval("classes.c == 1")->passed);
  EXPECT_TRUE(eval("lengths.chars.p50 > 40")->passed);

  Result<Outcome> null = eval("annotation_consistency >= 0.8");
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE(null->passed);
  EXPECT_FALSE(null->actual.has_value());
  EXPECT_EQ(null->note, "no --annotations-field");
  EXPECT_EQ(describe(*null), "annotation_consistency is null (no --annotations-field), required >= 0.8");
  // A null metric fails even a check it would pass whatever its value.
  EXPECT_FALSE(eval("annotation_consistency != 5")->passed);

  auto unknown = [&](const char* text) {
    Result<Outcome> u = eval(text);
    EXPECT_FALSE(u.ok()) << text;
    EXPECT_EQ(u.status().code(), StatusCode::usage) << text;
    return u.status().message();
  };
  EXPECT_EQ(unknown("nosie_ratio < 1"), "unknown metric 'nosie_ratio' (see docs/metrics.md for the metrics)");
  EXPECT_EQ(unknown("class_share[d] > 0"), "unknown metric 'class_share[d]': 'class_share' has no 'd' (it has: a, b, c)");
  EXPECT_NE(unknown("lengths > 1").find("named values (name one of: chars)"), std::string::npos);
  EXPECT_NE(unknown("label_coverage_missing > 1").find("a list"), std::string::npos);
  EXPECT_EQ(unknown("stage > 1"), "metric 'stage' is a string, not a number");
  EXPECT_NE(unknown("n.x > 1").find("'n' holds a number"), std::string::npos);
}

TEST(ChecksJson, OutcomesAsJson) {
  Json r = sample_report();
  std::vector<Outcome> outcomes = {*evaluate(*parse("noise_ratio <= 0.3"), r),
                                   *evaluate(*parse("annotation_consistency >= 0.8", Level::warn), r)};
  Json j = to_json(outcomes);
  EXPECT_EQ(j.dump(),
            R"([{"check":"noise_ratio <= 0.3","level":"fail","metric":"noise_ratio","op":"<=","value":0.3,"actual":0.25,"passed":true},)"
            R"({"check":"annotation_consistency >= 0.8","level":"warn","metric":"annotation_consistency","op":">=","value":0.8,"actual":null,"passed":false,"note":"no --annotations-field"}])");
}

TEST(ChecksJunit, FailuresWarningsAndEscaping) {
  Json r = sample_report();
  std::vector<Outcome> outcomes = {*evaluate(*parse("noise_ratio <= 0.3"), r),
                                   *evaluate(*parse("noise_ratio < 0.2"), r),
                                   *evaluate(*parse("class_share[a] <= 0.5", Level::warn), r),
                                   *evaluate(*parse("annotation_consistency >= 0.8"), r)};
  EXPECT_EQ(junit(outcomes, "dqprep metrics"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"dqprep metrics\" tests=\"4\" failures=\"2\">\n"
            "  <testsuite name=\"dqprep metrics\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"0\">\n"
            "    <testcase classname=\"dqprep.metrics\" name=\"noise_ratio &lt;= 0.3\"/>\n"
            "    <testcase classname=\"dqprep.metrics\" name=\"noise_ratio &lt; 0.2\">\n"
            "      <failure type=\"check_failed\" message=\"noise_ratio = 0.25, required &lt; 0.2\">"
            "noise_ratio = 0.25, required &lt; 0.2</failure>\n"
            "    </testcase>\n"
            "    <testcase classname=\"dqprep.metrics\" name=\"class_share[a] &lt;= 0.5 (warn)\">\n"
            "      <system-out>warning: class_share[a] = 0.6, required &lt;= 0.5</system-out>\n"
            "    </testcase>\n"
            "    <testcase classname=\"dqprep.metrics\" name=\"annotation_consistency &gt;= 0.8\">\n"
            "      <failure type=\"check_failed\" message=\"annotation_consistency is null (no --annotations-field), "
            "required &gt;= 0.8\">annotation_consistency is null (no --annotations-field), required &gt;= 0.8</failure>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
  EXPECT_EQ(junit({}, "s"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"s\" tests=\"0\" failures=\"0\">\n"
            "  <testsuite name=\"s\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n  </testsuite>\n</testsuites>\n");
}

TEST(ChecksNumberText, ShortestRoundTrip) {
  EXPECT_EQ(number_text(0.1), "0.1");
  EXPECT_EQ(number_text(257), "257");
  EXPECT_EQ(number_text(1e-5), "1e-05");
  EXPECT_EQ(number_text(0.1 + 0.2), "0.30000000000000004");
}

}  // namespace
}  // namespace dqprep::checks

namespace dqprep::checks {
namespace {

TEST(ChecksRelative, AnXSuffixMakesARelativeCheckThatOnlyADiffAccepts) {
  Result<Check> c = parse("n >= 0.95x");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->relative);
  EXPECT_DOUBLE_EQ(c->value, 0.95);
  EXPECT_EQ(c->text(), "n >= 0.95x");
  EXPECT_FALSE(parse("n >= 0.95")->relative);
  EXPECT_FALSE(parse("n >= x").ok());
  EXPECT_FALSE(parse("n >= 0.95xx").ok());

  GateFlags flags;
  flags.checks = {"n >= 0.95x"};
  Result<std::vector<Check>> refused = load(flags);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::usage);
  EXPECT_NE(refused.status().message().find("metrics diff"), std::string::npos);
  ASSERT_TRUE(load(flags, Relative::accepted).ok());

  Outcome o{*c, 0.9, false, ""};
  EXPECT_EQ(describe(o), "n = 0.9x, required >= 0.95x");
  EXPECT_EQ(to_json({o})[0]["relative"], true);
}

}  // namespace
}  // namespace dqprep::checks
