#include "dqprep/quality/quality_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dqprep::quality {
namespace {

// A text that every filter measures fully in explain mode.
constexpr std::string_view kText =
    "The river flows to the sea. It is long and wide.\nBoats of every size sail on it, and people "
    "have lived by its banks for thousands of years.";

std::vector<std::string> catalog_names(Preset preset, bool thresholds_only) {
  std::vector<std::string> names;
  for (const RuleInfo& r : rule_catalog()) {
    if (r.preset != preset) continue;
    bool threshold = r.kind == RuleKind::threshold || r.kind == RuleKind::doc_switch;
    if (thresholds_only && !threshold) continue;
    names.emplace_back(r.name);
  }
  return names;
}

std::vector<std::string> names_of(const std::vector<RuleResult>& results) {
  std::vector<std::string> names;
  for (const RuleResult& r : results) names.emplace_back(r.rule);
  return names;
}

TEST(QualityRules, CatalogNamesAreTheRulesTheFiltersReportInOrder) {
  RuleSet all;
  all.enable_preset(Preset::gopher);
  all.enable_preset(Preset::c4);
  all.enable_preset(Preset::fineweb);
  all.enable_preset(Preset::sft);
  for (const char* n : {"min_chars=1", "max_chars=1000", "min_words=1", "max_words=1000", "nav_lines"})
    ASSERT_TRUE(all.set(n).ok());

  std::vector<RuleResult> out;
  LengthFilter(all.length).evaluate(kText, true, out);
  EXPECT_EQ(names_of(out), catalog_names(Preset::length, true));
  out.clear();
  GopherFilter(all.gopher_quality, all.gopher_repetition).evaluate(kText, true, out);
  EXPECT_EQ(names_of(out), catalog_names(Preset::gopher, true));
  out.clear();
  C4Filter(all.c4).evaluate(kText, true, out);
  EXPECT_EQ(names_of(out), catalog_names(Preset::c4, true));
  out.clear();
  FineWebFilter(all.fineweb).evaluate(kText, true, out);
  EXPECT_EQ(names_of(out), catalog_names(Preset::fineweb, true));
  out.clear();
  std::vector<Turn> turns = {{Role::user, "Where do boats sail?"}, {Role::assistant, kText}};
  SftFilter(all.sft).evaluate(turns, true, out);
  EXPECT_EQ(names_of(out), catalog_names(Preset::sft, true));
}

void expect_limit(const Limit& got, const Limit& want, const char* what) {
  EXPECT_EQ(got.enabled, want.enabled) << what;
  EXPECT_DOUBLE_EQ(got.threshold, want.threshold) << what;
}

TEST(QualityRules, PresetsAreTheCoresPublishedDefaults) {
  RuleSet r;
  r.enable_preset(Preset::gopher);
  r.enable_preset(Preset::c4);
  r.enable_preset(Preset::fineweb);
  GopherQualityOptions gq;
  expect_limit(r.gopher_quality.min_words, gq.min_words, "min_words");
  expect_limit(r.gopher_quality.max_words, gq.max_words, "max_words");
  expect_limit(r.gopher_quality.min_mean_word_length, gq.min_mean_word_length, "min_mean");
  expect_limit(r.gopher_quality.max_mean_word_length, gq.max_mean_word_length, "max_mean");
  expect_limit(r.gopher_quality.max_symbol_word_ratio, gq.max_symbol_word_ratio, "symbol");
  expect_limit(r.gopher_quality.max_bullet_lines_ratio, gq.max_bullet_lines_ratio, "bullet");
  expect_limit(r.gopher_quality.max_ellipsis_lines_ratio, gq.max_ellipsis_lines_ratio, "ellipsis");
  expect_limit(r.gopher_quality.min_alpha_words_ratio, gq.min_alpha_words_ratio, "alpha");
  expect_limit(r.gopher_quality.min_stop_words, gq.min_stop_words, "stop");
  GopherRepetitionOptions gr;
  expect_limit(r.gopher_repetition.max_dup_para_frac, gr.max_dup_para_frac, "para_frac");
  expect_limit(r.gopher_repetition.max_dup_para_chars, gr.max_dup_para_chars, "para_chars");
  expect_limit(r.gopher_repetition.max_dup_line_frac, gr.max_dup_line_frac, "line_frac");
  expect_limit(r.gopher_repetition.max_dup_line_chars, gr.max_dup_line_chars, "line_chars");
  for (size_t i = 0; i < 3; ++i) expect_limit(r.gopher_repetition.max_top_ngram_chars[i], gr.max_top_ngram_chars[i], "top");
  for (size_t i = 0; i < 6; ++i) expect_limit(r.gopher_repetition.max_dup_ngram_chars[i], gr.max_dup_ngram_chars[i], "dup");
  C4Options c4;
  expect_limit(r.c4.max_word_length, c4.max_word_length, "c4 word length");
  expect_limit(r.c4.min_words_per_line, c4.min_words_per_line, "c4 line words");
  expect_limit(r.c4.min_sentences, c4.min_sentences, "c4 sentences");
  EXPECT_TRUE(r.c4.remove_citations && r.c4.filter_no_terminal_punct && r.c4.filter_javascript &&
              r.c4.filter_policy && r.c4.filter_lorem_ipsum && r.c4.filter_curly_bracket);
  FineWebOptions fw;
  expect_limit(r.fineweb.min_line_punct_ratio, fw.min_line_punct_ratio, "punct");
  expect_limit(r.fineweb.max_short_line_ratio, fw.max_short_line_ratio, "short");
  expect_limit(r.fineweb.max_char_dup_ratio, fw.max_char_dup_ratio, "dup");
  expect_limit(r.fineweb.max_newline_ratio, fw.max_newline_ratio, "newline");
  EXPECT_EQ(r.fineweb.short_line_length, fw.short_line_length);
  EXPECT_EQ(r.fineweb.line_punct_exclude_zero, fw.line_punct_exclude_zero);
  // The length rules have no published threshold: no preset turns them on.
  EXPECT_FALSE(r.any(Preset::length));
  EXPECT_FALSE(r.any(Preset::sft));
  r.enable_preset(Preset::sft);
  SftOptions sft;
  expect_limit(r.sft.turn_order, sft.turn_order, "turn order");
  expect_limit(r.sft.final_turn, sft.final_turn, "final turn");
  expect_limit(r.sft.empty_prompt, sft.empty_prompt, "empty prompt");
  expect_limit(r.sft.empty_answer, sft.empty_answer, "empty answer");
  expect_limit(r.sft.code_fence, sft.code_fence, "code fence");
  expect_limit(r.sft.truncated_answer, sft.truncated_answer, "truncated");
  expect_limit(r.sft.refusal, sft.refusal, "refusal");
  expect_limit(r.sft.boilerplate, sft.boilerplate, "boilerplate");
  expect_limit(r.sft.answer_repetition, sft.answer_repetition, "repetition");
  expect_limit(r.sft.restated_prompt, sft.restated_prompt, "restated");
  expect_limit(r.sft.min_answer_ratio, sft.min_answer_ratio, "ratio min");
  expect_limit(r.sft.max_answer_ratio, sft.max_answer_ratio, "ratio max");
  EXPECT_FALSE(r.any(Preset::length));  // nav_lines is not part of --sft
}

TEST(QualityRules, NothingIsOnInAFreshSet) {
  RuleSet r;
  EXPECT_FALSE(r.any_on());
  for (const RuleInfo& info : rule_catalog()) EXPECT_FALSE(r.is_on(info.name)) << info.name;
  EXPECT_FALSE(r.c4_edits_lines());
}

TEST(QualityRules, SetTurnsOneRuleOnAtItsPublishedThresholdOrAValue) {
  RuleSet r;
  ASSERT_TRUE(r.set("gopher_alpha_words").ok());
  EXPECT_TRUE(r.is_on("gopher_alpha_words"));
  EXPECT_DOUBLE_EQ(r.gopher_quality.min_alpha_words_ratio.threshold, 0.8);
  EXPECT_FALSE(r.gopher_quality.min_words.enabled);  // the rest of the preset stays off
  EXPECT_TRUE(r.any(Preset::gopher));
  EXPECT_FALSE(r.any(Preset::c4));

  ASSERT_TRUE(r.set("gopher_top_3gram=0.25").ok());
  EXPECT_DOUBLE_EQ(r.gopher_repetition.max_top_ngram_chars[1].threshold, 0.25);
  ASSERT_TRUE(r.set("gopher_dup_10gram=0.5").ok());
  EXPECT_DOUBLE_EQ(r.gopher_repetition.max_dup_ngram_chars[5].threshold, 0.5);
  ASSERT_TRUE(r.set("min_chars=12").ok());
  EXPECT_TRUE(r.length.min_chars.enabled);
  EXPECT_DOUBLE_EQ(r.length.min_chars.threshold, 12);
  ASSERT_TRUE(r.set("c4_line_javascript").ok());
  EXPECT_TRUE(r.c4.filter_javascript);
  EXPECT_TRUE(r.c4_edits_lines());
  ASSERT_TRUE(r.set("fineweb_short_line_length=40").ok());
  EXPECT_EQ(r.fineweb.short_line_length, 40u);
  ASSERT_TRUE(r.set("fineweb_line_punct_exclude_zero=1").ok());
  EXPECT_TRUE(r.fineweb.line_punct_exclude_zero);
}

TEST(QualityRules, OverridingAPresetThresholdKeepsTheOthers) {
  RuleSet r;
  r.enable_preset(Preset::gopher);
  ASSERT_TRUE(r.set("gopher_min_words=5").ok());
  EXPECT_DOUBLE_EQ(r.gopher_quality.min_words.threshold, 5);
  EXPECT_DOUBLE_EQ(r.gopher_quality.max_words.threshold, 100000);
  ASSERT_TRUE(r.disable("gopher_stop_words").ok());
  EXPECT_FALSE(r.is_on("gopher_stop_words"));
  EXPECT_TRUE(r.is_on("gopher_alpha_words"));
}

TEST(QualityRules, UsageErrors) {
  RuleSet r;
  Status unknown = r.set("gopher_min_word");
  EXPECT_EQ(unknown.code(), StatusCode::usage);
  EXPECT_NE(unknown.message().find("unknown rule 'gopher_min_word'"), std::string::npos);
  EXPECT_NE(unknown.message().find("gopher_min_words, gopher_max_words"), std::string::npos);  // lists them
  EXPECT_EQ(r.set("min_chars").code(), StatusCode::usage);              // no published threshold
  EXPECT_EQ(r.set("c4_lorem_ipsum=1").code(), StatusCode::usage);       // a switch takes no value
  EXPECT_EQ(r.set("gopher_min_words=-1").code(), StatusCode::usage);    // negative
  EXPECT_EQ(r.set("gopher_min_words=abc").code(), StatusCode::usage);   // not a number
  EXPECT_EQ(r.set("gopher_min_words=").code(), StatusCode::usage);
  EXPECT_EQ(r.set("gopher_min_words=1e400").code(), StatusCode::usage);  // not finite
  EXPECT_EQ(r.set("fineweb_short_line_length").code(), StatusCode::usage);
  EXPECT_EQ(r.set("fineweb_short_line_length=2.5").code(), StatusCode::usage);
  EXPECT_EQ(r.set("fineweb_line_punct_exclude_zero=2").code(), StatusCode::usage);
  EXPECT_NE(r.set("nope=1").message().find("unknown rule 'nope'"), std::string::npos);

  Status off = r.disable("gopher_min_words");
  EXPECT_EQ(off.code(), StatusCode::usage);
  EXPECT_NE(off.message().find("not on"), std::string::npos);
  EXPECT_NE(off.message().find("--gopher"), std::string::npos);
  r.enable_preset(Preset::fineweb);
  EXPECT_EQ(r.disable("fineweb_short_line_length").code(), StatusCode::usage);  // a setting
  EXPECT_EQ(r.disable("bogus").code(), StatusCode::usage);
  EXPECT_TRUE(r.disable("fineweb_newline_ratio").ok());
  EXPECT_EQ(r.disable("fineweb_newline_ratio").code(), StatusCode::usage);  // already off
}

TEST(QualityRules, DisabledRulesAreNotMeasured) {
  RuleSet r;
  r.enable_preset(Preset::fineweb);
  ASSERT_TRUE(r.disable("fineweb_short_line_ratio").ok());
  std::vector<RuleResult> out;
  FineWebFilter(r.fineweb).evaluate(kText, true, out);
  EXPECT_EQ(names_of(out), (std::vector<std::string>{"fineweb_line_punct_ratio", "fineweb_char_dup_ratio",
                                                     "fineweb_newline_ratio"}));
}

}  // namespace
}  // namespace dqprep::quality
