#include "dqprep/quality/quality_rules.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace dqprep::quality {

namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
using P = Preset;
using K = RuleKind;
using C = Compare;

constexpr RuleInfo kCatalog[] = {
    {"min_chars", P::length, K::threshold, C::at_least, kNone, "code points of the text"},
    {"max_chars", P::length, K::threshold, C::at_most, kNone, "code points of the text"},
    {"min_words", P::length, K::threshold, C::at_least, kNone, "white-space separated words"},
    {"max_words", P::length, K::threshold, C::at_most, kNone, "white-space separated words"},
    {"nav_lines", P::length, K::threshold, C::at_most, 0.5, "share of lines that are menus, breadcrumbs or site chrome"},

    {"sft_turn_order", P::sft, K::threshold, C::at_most, 0, "turns out of order (user/assistant alternate)"},
    {"sft_final_turn", P::sft, K::threshold, C::at_least, 1, "1 when the last turn is the assistant's"},
    {"sft_empty_prompt", P::sft, K::threshold, C::at_most, 0, "user turns without text"},
    {"sft_empty_answer", P::sft, K::threshold, C::at_most, 0, "assistant turns without text"},
    {"sft_code_fence", P::sft, K::threshold, C::at_most, 0, "turns with an odd number of ``` fences"},
    {"sft_truncated_answer", P::sft, K::threshold, C::at_most, 0, "answers that stop mid-sentence"},
    {"sft_refusal", P::sft, K::threshold, C::at_most, 0, "refusal phrases in answers"},
    {"sft_boilerplate", P::sft, K::threshold, C::at_most, 0, "AI boilerplate phrases in answers"},
    {"sft_answer_repetition", P::sft, K::threshold, C::at_most, 0.1, "characters in repeated 10-grams of an answer"},
    {"sft_restated_prompt", P::sft, K::threshold, C::at_most, 0.8, "share of the prompt an answer only restates"},
    {"sft_answer_ratio_min", P::sft, K::threshold, C::at_least, 0.02, "smallest answer/prompt length ratio"},
    {"sft_answer_ratio_max", P::sft, K::threshold, C::at_most, 500, "largest answer/prompt length ratio"},

    {"gopher_min_words", P::gopher, K::threshold, C::at_least, 50, "tokens with a non-punctuation character"},
    {"gopher_max_words", P::gopher, K::threshold, C::at_most, 100000, "tokens with a non-punctuation character"},
    {"gopher_min_mean_word_length", P::gopher, K::threshold, C::at_least, 3, "mean code points of those words"},
    {"gopher_max_mean_word_length", P::gopher, K::threshold, C::at_most, 10, "mean code points of those words"},
    {"gopher_symbol_ratio", P::gopher, K::threshold, C::at_most, 0.1, "max(# tokens, ellipses) / tokens"},
    {"gopher_bullet_lines", P::gopher, K::threshold, C::at_most, 0.9, "share of lines starting with a bullet"},
    {"gopher_ellipsis_lines", P::gopher, K::threshold, C::at_most, 0.3, "share of lines ending with an ellipsis"},
    {"gopher_alpha_words", P::gopher, K::threshold, C::at_least, 0.8, "share of tokens with a letter"},
    {"gopher_stop_words", P::gopher, K::threshold, C::at_least, 2, "stop-word tokens (the, be, to, of, ...)"},
    {"gopher_dup_para_frac", P::gopher, K::threshold, C::at_most, 0.30, "share of paragraphs repeating an earlier one"},
    {"gopher_dup_para_chars", P::gopher, K::threshold, C::at_most, 0.20, "characters in repeated paragraphs / text"},
    {"gopher_dup_line_frac", P::gopher, K::threshold, C::at_most, 0.30, "share of lines repeating an earlier one"},
    {"gopher_dup_line_chars", P::gopher, K::threshold, C::at_most, 0.20, "characters in repeated lines / text"},
    {"gopher_top_2gram", P::gopher, K::threshold, C::at_most, 0.20, "characters of the most frequent 2-gram / text"},
    {"gopher_top_3gram", P::gopher, K::threshold, C::at_most, 0.18, "characters of the most frequent 3-gram / text"},
    {"gopher_top_4gram", P::gopher, K::threshold, C::at_most, 0.16, "characters of the most frequent 4-gram / text"},
    {"gopher_dup_5gram", P::gopher, K::threshold, C::at_most, 0.15, "characters in repeated 5-grams / text"},
    {"gopher_dup_6gram", P::gopher, K::threshold, C::at_most, 0.14, "characters in repeated 6-grams / text"},
    {"gopher_dup_7gram", P::gopher, K::threshold, C::at_most, 0.13, "characters in repeated 7-grams / text"},
    {"gopher_dup_8gram", P::gopher, K::threshold, C::at_most, 0.12, "characters in repeated 8-grams / text"},
    {"gopher_dup_9gram", P::gopher, K::threshold, C::at_most, 0.11, "characters in repeated 9-grams / text"},
    {"gopher_dup_10gram", P::gopher, K::threshold, C::at_most, 0.10, "characters in repeated 10-grams / text"},

    {"c4_line_max_word_length", P::c4, K::line_threshold, C::at_most, 1000, "removes lines with a longer word"},
    {"c4_remove_citations", P::c4, K::line_switch, C::at_most, kNone, "removes [1], [edit], [citation needed]"},
    {"c4_line_terminal_punct", P::c4, K::line_switch, C::at_most, kNone,
     "removes lines not ending in . ? ! \" ' (or ending in ...)"},
    {"c4_line_min_words", P::c4, K::line_threshold, C::at_least, 3, "removes lines with fewer words"},
    {"c4_line_javascript", P::c4, K::line_switch, C::at_most, kNone, "removes lines mentioning javascript"},
    {"c4_line_policy", P::c4, K::line_switch, C::at_most, kNone, "removes cookie / privacy-policy / terms lines"},
    {"c4_lorem_ipsum", P::c4, K::doc_switch, C::at_most, 0, "lines containing lorem ipsum"},
    {"c4_curly_bracket", P::c4, K::doc_switch, C::at_most, 0, "lines containing {"},
    {"c4_min_sentences", P::c4, K::threshold, C::at_least, 5, "sentences in the kept lines"},

    {"fineweb_line_punct_ratio", P::fineweb, K::threshold, C::at_least, 0.12,
     "share of non-blank lines ending in sentence-final punctuation"},
    {"fineweb_line_punct_exclude_zero", P::fineweb, K::setting, C::at_most, 0,
     "1: a text with no such line passes fineweb_line_punct_ratio"},
    {"fineweb_short_line_ratio", P::fineweb, K::threshold, C::at_most, 0.67, "share of short non-blank lines"},
    {"fineweb_short_line_length", P::fineweb, K::setting, C::at_most, 30, "a short line has at most this many code points"},
    {"fineweb_char_dup_ratio", P::fineweb, K::threshold, C::at_most, 0.01, "characters in repeated lines / text"},
    {"fineweb_newline_ratio", P::fineweb, K::threshold, C::at_most, 0.3, "newlines / tokens"},
};

// Where each name lives in a RuleSet: a Limit, a switch, or (settings) handled by name.
struct Access {
  Limit* (*limit)(RuleSet&) = nullptr;
  bool* (*flag)(RuleSet&) = nullptr;
};

Access access_of(std::string_view n) {
  Access a;
  // Length.
  if (n == "min_chars") a.limit = [](RuleSet& r) { return &r.length.min_chars; };
  else if (n == "max_chars") a.limit = [](RuleSet& r) { return &r.length.max_chars; };
  else if (n == "min_words") a.limit = [](RuleSet& r) { return &r.length.min_words; };
  else if (n == "max_words") a.limit = [](RuleSet& r) { return &r.length.max_words; };
  else if (n == "nav_lines") a.limit = [](RuleSet& r) { return &r.length.max_nav_lines; };
  // SFT.
  else if (n == "sft_turn_order") a.limit = [](RuleSet& r) { return &r.sft.turn_order; };
  else if (n == "sft_final_turn") a.limit = [](RuleSet& r) { return &r.sft.final_turn; };
  else if (n == "sft_empty_prompt") a.limit = [](RuleSet& r) { return &r.sft.empty_prompt; };
  else if (n == "sft_empty_answer") a.limit = [](RuleSet& r) { return &r.sft.empty_answer; };
  else if (n == "sft_code_fence") a.limit = [](RuleSet& r) { return &r.sft.code_fence; };
  else if (n == "sft_truncated_answer") a.limit = [](RuleSet& r) { return &r.sft.truncated_answer; };
  else if (n == "sft_refusal") a.limit = [](RuleSet& r) { return &r.sft.refusal; };
  else if (n == "sft_boilerplate") a.limit = [](RuleSet& r) { return &r.sft.boilerplate; };
  else if (n == "sft_answer_repetition") a.limit = [](RuleSet& r) { return &r.sft.answer_repetition; };
  else if (n == "sft_restated_prompt") a.limit = [](RuleSet& r) { return &r.sft.restated_prompt; };
  else if (n == "sft_answer_ratio_min") a.limit = [](RuleSet& r) { return &r.sft.min_answer_ratio; };
  else if (n == "sft_answer_ratio_max") a.limit = [](RuleSet& r) { return &r.sft.max_answer_ratio; };
  // Gopher quality.
  else if (n == "gopher_min_words") a.limit = [](RuleSet& r) { return &r.gopher_quality.min_words; };
  else if (n == "gopher_max_words") a.limit = [](RuleSet& r) { return &r.gopher_quality.max_words; };
  else if (n == "gopher_min_mean_word_length") a.limit = [](RuleSet& r) { return &r.gopher_quality.min_mean_word_length; };
  else if (n == "gopher_max_mean_word_length") a.limit = [](RuleSet& r) { return &r.gopher_quality.max_mean_word_length; };
  else if (n == "gopher_symbol_ratio") a.limit = [](RuleSet& r) { return &r.gopher_quality.max_symbol_word_ratio; };
  else if (n == "gopher_bullet_lines") a.limit = [](RuleSet& r) { return &r.gopher_quality.max_bullet_lines_ratio; };
  else if (n == "gopher_ellipsis_lines") a.limit = [](RuleSet& r) { return &r.gopher_quality.max_ellipsis_lines_ratio; };
  else if (n == "gopher_alpha_words") a.limit = [](RuleSet& r) { return &r.gopher_quality.min_alpha_words_ratio; };
  else if (n == "gopher_stop_words") a.limit = [](RuleSet& r) { return &r.gopher_quality.min_stop_words; };
  // Gopher repetition.
  else if (n == "gopher_dup_para_frac") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_para_frac; };
  else if (n == "gopher_dup_para_chars") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_para_chars; };
  else if (n == "gopher_dup_line_frac") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_line_frac; };
  else if (n == "gopher_dup_line_chars") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_line_chars; };
  else if (n == "gopher_top_2gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_top_ngram_chars[0]; };
  else if (n == "gopher_top_3gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_top_ngram_chars[1]; };
  else if (n == "gopher_top_4gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_top_ngram_chars[2]; };
  else if (n == "gopher_dup_5gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_ngram_chars[0]; };
  else if (n == "gopher_dup_6gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_ngram_chars[1]; };
  else if (n == "gopher_dup_7gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_ngram_chars[2]; };
  else if (n == "gopher_dup_8gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_ngram_chars[3]; };
  else if (n == "gopher_dup_9gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_ngram_chars[4]; };
  else if (n == "gopher_dup_10gram") a.limit = [](RuleSet& r) { return &r.gopher_repetition.max_dup_ngram_chars[5]; };
  // C4.
  else if (n == "c4_line_max_word_length") a.limit = [](RuleSet& r) { return &r.c4.max_word_length; };
  else if (n == "c4_remove_citations") a.flag = [](RuleSet& r) { return &r.c4.remove_citations; };
  else if (n == "c4_line_terminal_punct") a.flag = [](RuleSet& r) { return &r.c4.filter_no_terminal_punct; };
  else if (n == "c4_line_min_words") a.limit = [](RuleSet& r) { return &r.c4.min_words_per_line; };
  else if (n == "c4_line_javascript") a.flag = [](RuleSet& r) { return &r.c4.filter_javascript; };
  else if (n == "c4_line_policy") a.flag = [](RuleSet& r) { return &r.c4.filter_policy; };
  else if (n == "c4_lorem_ipsum") a.flag = [](RuleSet& r) { return &r.c4.filter_lorem_ipsum; };
  else if (n == "c4_curly_bracket") a.flag = [](RuleSet& r) { return &r.c4.filter_curly_bracket; };
  else if (n == "c4_min_sentences") a.limit = [](RuleSet& r) { return &r.c4.min_sentences; };
  // FineWeb.
  else if (n == "fineweb_line_punct_ratio") a.limit = [](RuleSet& r) { return &r.fineweb.min_line_punct_ratio; };
  else if (n == "fineweb_short_line_ratio") a.limit = [](RuleSet& r) { return &r.fineweb.max_short_line_ratio; };
  else if (n == "fineweb_char_dup_ratio") a.limit = [](RuleSet& r) { return &r.fineweb.max_char_dup_ratio; };
  else if (n == "fineweb_newline_ratio") a.limit = [](RuleSet& r) { return &r.fineweb.max_newline_ratio; };
  return a;
}

std::string format_number(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

Status set_setting(RuleSet& rules, const RuleInfo& info, double value) {
  if (info.name == "fineweb_short_line_length") {
    if (value != std::floor(value) || value > 1e9) {
      return Status::usage("fineweb_short_line_length takes a whole number of code points, not " + format_number(value));
    }
    rules.fineweb.short_line_length = static_cast<uint32_t>(value);
  } else if (info.name == "fineweb_line_punct_exclude_zero") {
    if (value != 0 && value != 1) return Status::usage("fineweb_line_punct_exclude_zero takes 0 or 1");
    rules.fineweb.line_punct_exclude_zero = value == 1;
  }
  return {};
}

}  // namespace

std::string_view preset_name(Preset preset) {
  switch (preset) {
    case Preset::length: return "length";
    case Preset::gopher: return "gopher";
    case Preset::c4: return "c4";
    case Preset::fineweb: return "fineweb";
    case Preset::sft: return "sft";
  }
  return "?";
}

std::span<const RuleInfo> rule_catalog() { return kCatalog; }

const RuleInfo* find_rule(std::string_view name) {
  for (const RuleInfo& r : kCatalog)
    if (r.name == name) return &r;
  return nullptr;
}

std::string rule_names() {
  std::string s;
  for (const RuleInfo& r : kCatalog) {
    if (!s.empty()) s += ", ";
    s += r.name;
  }
  return s;
}

RuleSet::RuleSet() {
  for (const RuleInfo& info : kCatalog) {
    Access a = access_of(info.name);
    if (a.limit) a.limit(*this)->enabled = false;
    if (a.flag) *a.flag(*this) = false;
  }
}

void RuleSet::enable_preset(Preset preset) {
  for (const RuleInfo& info : kCatalog) {
    if (info.preset != preset) continue;
    Access a = access_of(info.name);
    if (a.limit) *a.limit(*this) = Limit{true, info.published};
    if (a.flag) *a.flag(*this) = true;
    if (info.kind == RuleKind::setting) (void)set_setting(*this, info, info.published);
  }
}

Status RuleSet::set(std::string_view name, std::optional<double> value) {
  const RuleInfo* info = find_rule(name);
  if (!info) return Status::usage("unknown rule '" + std::string(name) + "'; the rules are: " + rule_names());
  std::string n(name);
  if (value && (!std::isfinite(*value) || *value < 0)) {
    return Status::usage("rule " + n + ": the value must be a number >= 0");
  }
  Access a = access_of(name);
  switch (info->kind) {
    case RuleKind::threshold:
    case RuleKind::line_threshold:
      if (!value && std::isnan(info->published)) {
        return Status::usage("rule " + n + " has no published threshold: give one, " + n + "=VALUE");
      }
      *a.limit(*this) = Limit{true, value ? *value : info->published};
      return {};
    case RuleKind::line_switch:
    case RuleKind::doc_switch:
      if (value) return Status::usage("rule " + n + " takes no value (it is on or off): write --rule " + n);
      *a.flag(*this) = true;
      return {};
    case RuleKind::setting:
      if (!value) return Status::usage(n + " is a setting: give its value, " + n + "=VALUE");
      return set_setting(*this, *info, *value);
  }
  return {};
}

Status RuleSet::set(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos) return set(spec, std::nullopt);
  std::string_view name = spec.substr(0, eq), text = spec.substr(eq + 1);
  double value = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    if (!find_rule(name)) return set(name, std::nullopt);  // the unknown name is the first problem
    return Status::usage("rule " + std::string(name) + ": '" + std::string(text) + "' is not a number");
  }
  return set(name, value);
}

Status RuleSet::disable(std::string_view name) {
  const RuleInfo* info = find_rule(name);
  if (!info) return Status::usage("unknown rule '" + std::string(name) + "'; the rules are: " + rule_names());
  std::string n(name);
  if (info->kind == RuleKind::setting) return Status::usage(n + " is a setting, not a rule: it cannot be disabled");
  if (!is_on(name)) {
    return Status::usage("rule " + n + " is not on (turn it on with --" + std::string(preset_name(info->preset)) +
                         " or --rule " + n + ")");
  }
  Access a = access_of(name);
  if (a.limit) a.limit(*this)->enabled = false;
  if (a.flag) *a.flag(*this) = false;
  return {};
}

bool RuleSet::is_on(std::string_view name) const {
  RuleSet& self = const_cast<RuleSet&>(*this);  // the accessors only read here
  Access a = access_of(name);
  if (a.limit) return a.limit(self)->enabled;
  if (a.flag) return *a.flag(self);
  return false;
}

bool RuleSet::any(Preset preset) const {
  for (const RuleInfo& info : kCatalog)
    if (info.preset == preset && is_on(info.name)) return true;
  return false;
}

bool RuleSet::c4_edits_lines() const {
  for (const RuleInfo& info : kCatalog)
    if ((info.kind == RuleKind::line_threshold || info.kind == RuleKind::line_switch) && is_on(info.name)) return true;
  return false;
}

bool RuleSet::any_on() const {
  return any(Preset::length) || any(Preset::gopher) || any(Preset::c4) || any(Preset::fineweb) || any(Preset::sft);
}

}  // namespace dqprep::quality
