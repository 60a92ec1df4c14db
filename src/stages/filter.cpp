// dqprep filter: drops records that fail quality rules; --rejects gets them with the first rule
// that failed, --explain keeps every record with the measured values.
#include <re2/re2.h>

#include <cmath>
#include <memory>
#include <optional>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"
#include "dqprep/quality/langid.hpp"
#include "dqprep/quality/quality.hpp"
#include "dqprep/quality/quality_rules.hpp"
#include "dqprep/quality/sft.hpp"
#include "dqprep/text/word_matcher.hpp"
#include "stages/filter_classifier.hpp"
#include "stages/filter_tokens.hpp"
#include "stages/filter_pii.hpp"
#include "stages/parsers.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

namespace {

struct FilterOptions {
  CommonOptions common;
  uint64_t min_chars = 0, max_chars = 0, min_words = 0, max_words = 0;
  CLI::Option* min_chars_opt = nullptr;
  CLI::Option* max_chars_opt = nullptr;
  CLI::Option* min_words_opt = nullptr;
  CLI::Option* max_words_opt = nullptr;
  std::vector<std::string> require;
  std::string labels;
  CLI::Option* labels_opt = nullptr;
  std::vector<std::string> keep_regex, drop_regex;
  std::vector<std::string> drop_words;
  uint64_t drop_words_max = 0;
  CLI::Option* drop_words_max_opt = nullptr;
  bool gopher = false, c4 = false, fineweb = false, sft = false;
  std::vector<std::string> rules, disabled_rules;
  std::string gopher_stop_words;
  bool c4_decide_only = false;
  std::string lang;
  CLI::Option* lang_opt = nullptr;
  double lang_threshold = 0.65;
  CLI::Option* lang_threshold_opt = nullptr;
  std::string classifier, keep_label;
  double min_score = 0.5;
  CLI::Option* keep_label_opt = nullptr;
  CLI::Option* min_score_opt = nullptr;
  bool lang_keep_unknown = false;
  TokenFlags tokens;
  std::string drop_pii;
  std::string rejects;
  bool explain = false;
  bool list_rules = false;
};

// A --require path. With [*] in it, `elements` is the path up to its last [*]: every element
// there must hold a value at the rest of the path.
struct RequiredPath {
  record::Path path;
  std::optional<record::Path> elements;
};

// What every worker reads; built once.
struct Setup {
  Fields fields;
  bool explain = false;
  std::vector<RequiredPath> require;
  std::vector<std::string> labels;
  std::string labels_json;  // the allowed set as a JSON array, for _reject
  std::vector<std::string> keep_patterns, drop_patterns;
  std::string keep_json;  // the keep patterns as a JSON array, for _reject
  std::optional<word_matcher::WordMatcher> words;
  uint64_t words_max = 0;
  std::vector<std::string> langs;
  double lang_threshold = 0.65;
  bool lang_keep_unknown = false;
  quality::RuleSet rules;
  bool length = false, gopher = false, c4 = false, fineweb = false, sft = false;
  // With the sft rules: where the format keeps each role's text.
  std::vector<record::Path> prompt_paths;
  std::optional<record::Path> answer_path, turns_path;
  std::vector<record::PathStep> turn_steps;  // the turns' path; an index step and a key are added
  std::string role_key, text_key;
  bool c4_rewrite = false;  // C4 removes lines and the cleaned text is written
  std::optional<ClassifierRule> classifier;
  std::optional<TokenRule> tokens;
  std::optional<PiiRule> pii;
  bool needs_text = false;
};

std::unique_ptr<RE2> compile(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  return std::make_unique<RE2>(pattern, options);
}

// Whether a raw JSON value counts as empty for --require: "", a string of white space only, [], {}.
bool is_empty_value(std::string_view raw) {
  if (raw.empty()) return true;
  if (raw.front() == '[' || raw.front() == '{') {
    for (size_t i = 1; i + 1 < raw.size(); ++i)
      if (raw[i] != ' ' && raw[i] != '\t' && raw[i] != '\n' && raw[i] != '\r') return false;
    return true;
  }
  if (raw.front() != '"') return false;  // numbers and booleans are values
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    char c = raw[i];
    if (c == ' ' || c == '\t') continue;
    if (c == '\\' && i + 2 < raw.size() && (raw[i + 1] == 'n' || raw[i + 1] == 't' || raw[i + 1] == 'r')) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

// A measured value or threshold: whole numbers as integers (100000, not 1e+05), others in the
// shortest form that reads back exactly.
void append_value(std::string& out, double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    json_text::append_number(out, static_cast<int64_t>(v));
  } else {
    json_text::append_number(out, v);
  }
}

// At most `max` bytes of `s`, cut back to a character boundary.
std::string_view cut(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

class FilterProcessor : public stream::RecordProcessor {
 public:
  explicit FilterProcessor(const Setup& setup) : setup_(setup), length_(setup.rules.length) {
    for (const std::string& p : setup.keep_patterns) keep_.push_back(compile(p));
    for (const std::string& p : setup.drop_patterns) drop_.push_back(compile(p));
    if (setup.gopher) gopher_.emplace(setup.rules.gopher_quality, setup.rules.gopher_repetition);
    if (setup.c4) c4_.emplace(setup.rules.c4);
    if (setup.fineweb) fineweb_.emplace(setup.rules.fineweb);
    if (setup.sft) sft_.emplace(setup.rules.sft);
  }

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    failed_ = false;
    reject_json_.clear();
    reject_rule_ = {};
    quality_json_.clear();
    results_.clear();
    edits_.clear();
    const bool explain = setup_.explain;

    DQPREP_RETURN_IF_ERROR(check_require());
    if (failed_ && !explain) return reject(line, out);
    if (!setup_.labels.empty()) DQPREP_RETURN_IF_ERROR(check_labels());
    if (failed_ && !explain) return reject(line, out);
    if (sft_) {
      DQPREP_RETURN_IF_ERROR(gather_turns());
      size_t from = results_.size();
      sft_->evaluate(turns_, explain, results_);
      if (!take_results(from) && !explain) return reject(line, out);
    }

    if (setup_.needs_text) {
      bool found = false;
      DQPREP_RETURN_IF_ERROR(gather_text(found));
      if (found) {
        bool passed = measure_text();
        DQPREP_RETURN_IF_ERROR(std::exchange(token_error_, Status()));
        if (!passed && !explain) return reject(line, out);
      } else if (!failed_) {
        return Status::bad_input("missing text field '" + missing_path_ + "'");
      }  // else: a required field is missing, the record is rejected for that already
    }

    if (failed_ && !explain) return reject(line, out);
    if (!failed_ && setup_.c4_rewrite) DQPREP_RETURN_IF_ERROR(rewrite_c4(out));
    if (explain) {
      quality_json_.insert(0, "{");
      quality_json_.push_back('}');
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "_quality", quality_json_, edits_));
      // Always set, so a record that passes now loses the _reject of an earlier run.
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "_reject", failed_ ? reject_json_ : "null", edits_));
      if (failed_) out.count("would_reject");
    }
    if (edits_.empty()) {
      out.keep(line.text);
    } else {
      record::apply_edits(line.text, edits_, edited_);
      out.keep(edited_);
    }
    return {};
  }

 private:
  Status reject(const stream::Line& line, stream::Emitter& out) {
    edits_.clear();
    DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "_reject", reject_json_, edits_));
    record::apply_edits(line.text, edits_, edited_);
    out.reject(edited_, reject_rule_);
    return {};
  }

  // Starts _reject for the first failure: {"rule":..., then the caller adds ,"value":...}.
  bool begin_failure(std::string_view rule) {
    if (failed_) return false;
    failed_ = true;
    reject_rule_ = rule;
    reject_json_ = "{\"rule\":";
    json_text::append_string(reject_json_, rule);
    return true;
  }

  void quality_key(std::string_view key) {
    if (!quality_json_.empty()) quality_json_.push_back(',');
    json_text::append_string(quality_json_, key);
    quality_json_.push_back(':');
  }

  // Records the results from index `from` on: the first failure becomes _reject, and with
  // --explain every value goes into _quality. Returns whether they all passed.
  bool take_results(size_t from) {
    bool all = true;
    for (size_t i = from; i < results_.size(); ++i) {
      const quality::RuleResult& r = results_[i];
      if (setup_.explain) {
        quality_key(r.rule);
        append_value(quality_json_, r.value);
      }
      if (!r.passed) {
        all = false;
        if (begin_failure(r.rule)) {
          reject_json_ += ",\"value\":";
          append_value(reject_json_, r.value);
          reject_json_ += ",\"threshold\":";
          append_value(reject_json_, r.threshold);
          reject_json_.push_back('}');
        }
      }
    }
    return all;
  }

  // Missing: no value, or (with [*]) an element without a value at the rest of the path, where
  // null counts as no value. Empty: a value that is_empty_value.
  Status check_require() {
    for (const RequiredPath& required : setup_.require) {
      raw_.clear();
      DQPREP_RETURN_IF_ERROR(parser_.raw_values(required.path, raw_));
      size_t values = 0;
      bool empty = false;
      for (std::string_view v : raw_) {
        if (v == "null") continue;
        ++values;
        empty = empty || is_empty_value(v);
      }
      bool missing = values == 0;
      if (required.elements && !missing) {
        raw_.clear();
        DQPREP_RETURN_IF_ERROR(parser_.raw_values(*required.elements, raw_));
        missing = values < raw_.size();  // the rest of the path has no [*]: one value per element at most
      }
      if (!missing && !empty) continue;
      if (begin_failure("require")) {
        reject_json_ += missing ? ",\"value\":\"missing\"" : ",\"value\":\"empty\"";
        reject_json_ += ",\"threshold\":null,\"field\":";
        json_text::append_string(reject_json_, required.path.text);
        reject_json_.push_back('}');
      }
      if (!setup_.explain) return {};
    }
    return {};
  }

  Status check_labels() {
    std::optional<std::string_view> label;
    DQPREP_RETURN_IF_ERROR(parser_.scalar_text(setup_.fields.label, label));
    if (label) {
      for (const std::string& allowed : setup_.labels)
        if (allowed == *label) return {};
    }
    if (begin_failure("labels")) {
      reject_json_ += ",\"value\":";
      if (label) {
        json_text::append_string(reject_json_, *label);
      } else {
        reject_json_ += "null";
      }
      reject_json_ += ",\"threshold\":";
      reject_json_ += setup_.labels_json;
      reject_json_.push_back('}');
    }
    return {};
  }

  // The texts at `path` joined with "\n" into `out`; false when the path holds nothing.
  Status append_strings(const record::Path& path, std::string& out, bool& any) {
    values_.clear();
    bool found = false;
    DQPREP_RETURN_IF_ERROR(parser_.strings(path, values_, found));
    for (const record::StringValue& v : values_) {
      if (any) out.push_back('\n');
      out.append(v.text);
      any = true;
    }
    return {};
  }

  // The turns of an instruction record, their texts copied (later parser calls reuse its buffers).
  Status gather_turns() {
    turn_roles_.clear();
    size_t n = 0;
    if (setup_.turns_path) {
      raw_.clear();
      DQPREP_RETURN_IF_ERROR(parser_.raw_values(*setup_.turns_path, raw_));
      n = raw_.size();
    } else {
      n = 2;
    }
    if (turn_texts_.size() < n) turn_texts_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      std::string& text = turn_texts_[i];
      text.clear();
      bool any = false;
      if (!setup_.turns_path) {
        turn_roles_.push_back(i == 0 ? quality::Role::user : quality::Role::assistant);
        if (i == 0) {
          for (const record::Path& p : setup_.prompt_paths) DQPREP_RETURN_IF_ERROR(append_strings(p, text, any));
        } else {
          DQPREP_RETURN_IF_ERROR(append_strings(*setup_.answer_path, text, any));
        }
        continue;
      }
      std::vector<record::PathStep> steps = setup_.turn_steps;
      steps.push_back(record::PathStep{record::PathStep::Kind::index, {}, static_cast<int64_t>(i)});
      steps.push_back(record::PathStep{record::PathStep::Kind::key, setup_.role_key, 0});
      record::Path role_path = record::Path::from_steps(steps);
      steps.back().key = setup_.text_key;
      record::Path text_path = record::Path::from_steps(std::move(steps));
      std::optional<std::string_view> role;
      DQPREP_RETURN_IF_ERROR(parser_.scalar_text(role_path, role));
      turn_roles_.push_back(role ? quality::role_from_name(*role) : quality::Role::unknown);
      DQPREP_RETURN_IF_ERROR(append_strings(text_path, text, any));
    }
    turns_.clear();
    for (size_t i = 0; i < n; ++i) turns_.push_back(quality::Turn{turn_roles_[i], turn_texts_[i]});
    return {};
  }

  // The text fields: a view of the one string when there is one, else their join with "\n".
  // (A later parser call reuses the buffer the views point into: nothing reads the parser again
  // until the text is measured, except rewrite_c4, which fetches the fields anew.)
  Status gather_text(bool& found) {
    const std::vector<record::Path>& paths = setup_.fields.text;
    found = true;
    if (paths.size() == 1) {
      values_.clear();
      DQPREP_RETURN_IF_ERROR(parser_.strings(paths[0], values_, found));
      if (!found) {
        missing_path_ = paths[0].text;
        return {};
      }
      if (values_.size() == 1) {
        text_ = values_[0].text;
        return {};
      }
    }
    joined_.clear();
    bool first = true;
    for (const record::Path& path : paths) {
      values_.clear();
      bool here = false;
      DQPREP_RETURN_IF_ERROR(parser_.strings(path, values_, here));
      if (!here) {
        found = false;
        missing_path_ = path.text;
        return {};
      }
      for (const record::StringValue& v : values_) {
        if (!first) joined_.push_back('\n');
        joined_.append(v.text);
        first = false;
      }
    }
    text_ = joined_;
    return {};
  }

  // The rules on the text, in the documented order. Returns false at the first failure unless
  // explaining (then every rule is measured).
  bool measure_text() {
    const bool explain = setup_.explain;
    std::string_view text = text_;
    if (setup_.length) {
      size_t from = results_.size();
      length_.evaluate(text, explain, results_);
      if (!take_results(from) && !explain) return false;
    }
    if (!keep_.empty()) {
      bool kept = false;
      for (const auto& re : keep_) {
        if (RE2::PartialMatch(text, *re)) {
          kept = true;
          break;
        }
      }
      if (!kept) {
        if (begin_failure("keep_regex")) {
          reject_json_ += ",\"value\":null,\"threshold\":";
          reject_json_ += setup_.keep_json;
          reject_json_.push_back('}');
        }
        if (!explain) return false;
      }
    }
    for (size_t k = 0; k < drop_.size(); ++k) {
      re2::StringPiece match;
      if (!drop_[k]->Match(text, 0, text.size(), RE2::UNANCHORED, &match, 1)) continue;
      if (begin_failure("drop_regex")) {
        reject_json_ += ",\"value\":";
        json_text::append_string(reject_json_, cut(std::string_view(match.data(), match.size()), 200));
        reject_json_ += ",\"threshold\":";
        json_text::append_string(reject_json_, setup_.drop_patterns[k]);
        reject_json_.push_back('}');
      }
      if (!explain) return false;
      break;
    }
    if (setup_.words) {
      size_t hits = setup_.words->count(text, explain ? SIZE_MAX : setup_.words_max);
      if (explain) {
        quality_key("drop_words");
        json_text::append_number(quality_json_, static_cast<uint64_t>(hits));
      }
      if (hits > setup_.words_max) {
        if (begin_failure("drop_words")) add_word_hits(text);
        if (!explain) return false;
      }
    }
    if (!setup_.langs.empty()) {
      langid::Detection d = langid::detect(text);
      if (explain) {
        quality_key("lang");
        json_text::append_string(quality_json_, d.code);
        quality_key("lang_score");
        append_value(quality_json_, d.score);
      }
      if (!langid::accepts(d, setup_.langs, setup_.lang_threshold, setup_.lang_keep_unknown)) {
        if (begin_failure("lang")) {
          reject_json_ += ",\"value\":";
          append_value(reject_json_, d.score);
          reject_json_ += ",\"threshold\":";
          append_value(reject_json_, setup_.lang_threshold);
          reject_json_ += ",\"lang\":";
          json_text::append_string(reject_json_, d.code);
          reject_json_.push_back('}');
        }
        if (!explain) return false;
      }
    }
    if (gopher_) {
      size_t from = results_.size();
      gopher_->evaluate(text, explain, results_);
      if (!take_results(from) && !explain) return false;
    }
    c4_changed_ = false;
    if (c4_) {
      size_t from = results_.size();
      bool passed = c4_->evaluate(text, explain, results_, setup_.c4_rewrite ? &kept_ : nullptr, &c4_counts_);
      take_results(from);
      if (explain) {
        quality_key("c4_lines_removed");
        json_text::append_number(quality_json_, static_cast<uint64_t>(c4_counts_.total - c4_counts_.kept));
      }
      if (!passed && !explain) return false;
      if (setup_.c4_rewrite) {
        // As datatrove does: a text left with no line is dropped (only reachable with
        // c4_min_sentences off or at 0, or on a record that failed C4 already under --explain).
        if (kept_.empty() && passed) {
          if (begin_failure("c4_empty")) reject_json_ += ",\"value\":0,\"threshold\":1}";
          if (!explain) return false;
        }
        c4_changed_ = kept_ != text;
        text = kept_;  // later rules see the text that will be written, as in datatrove
      }
    }
    if (fineweb_) {
      size_t from = results_.size();
      fineweb_->evaluate(text, explain, results_);
      if (!take_results(from) && !explain) return false;
    }
    if (setup_.classifier) {
      double score = setup_.classifier->score(text, model_text_, probs_);
      results_.push_back({"classifier", score, setup_.classifier->min_score(), quality::Compare::at_least,
                          score >= setup_.classifier->min_score()});
      if (!take_results(results_.size() - 1) && !explain) return false;
    }
    if (setup_.tokens) {
      size_t from = results_.size();
      token_error_ = setup_.tokens->evaluate(text, results_, token_ids_);
      if (!token_error_.ok()) return false;
      if (!take_results(from) && !explain) return false;
    }
    if (setup_.pii) {
      size_t found = setup_.pii->find(text, pii_hits_, pii_kinds_);
      if (explain) {
        quality_key("pii");
        json_text::append_number(quality_json_, static_cast<uint64_t>(found));
      }
      if (found) {
        if (begin_failure("pii")) {
          reject_json_ += ",\"value\":";
          json_text::append_number(reject_json_, static_cast<uint64_t>(found));
          reject_json_ += ",\"threshold\":0,\"kinds\":";
          reject_json_ += pii_kinds_;
          reject_json_.push_back('}');
        }
        if (!explain) return false;
      }
    }
    return !failed_;
  }

  void add_word_hits(std::string_view text) {
    hits_.clear();
    setup_.words->find(text, hits_);
    reject_json_ += ",\"value\":";
    json_text::append_number(reject_json_, static_cast<uint64_t>(hits_.size()));
    reject_json_ += ",\"threshold\":";
    json_text::append_number(reject_json_, setup_.words_max);
    reject_json_ += ",\"words\":[";
    // The distinct entries hit, in text order, at most ten.
    const auto& entries = setup_.words->entries();
    size_t listed = 0;
    for (size_t i = 0; i < hits_.size() && listed < 10; ++i) {
      bool seen = false;
      for (size_t j = 0; j < i && !seen; ++j) seen = hits_[j].entry == hits_[i].entry;
      if (seen) continue;
      if (listed++) reject_json_.push_back(',');
      json_text::append_string(reject_json_, entries[hits_[i].entry]);
    }
    reject_json_ += "]}";
  }

  // Splices the C4-cleaned text into the record. One text string: the kept text of the decision.
  // Several (more paths, or [*]): each string is cleaned on its own; C4's line rules look at one
  // line at a time and the fields are joined at line breaks, so the kept lines are the same.
  Status rewrite_c4(stream::Emitter& out) {
    uint32_t removed = c4_counts_.total - c4_counts_.kept;
    if (!c4_changed_) return {};
    if (setup_.fields.text.size() == 1 && values_.size() == 1) {
      add_text_edit(values_[0], kept_);
    } else {
      for (const record::Path& path : setup_.fields.text) {
        values_.clear();
        bool found = false;
        DQPREP_RETURN_IF_ERROR(parser_.strings(path, values_, found));
        for (const record::StringValue& v : values_) {
          scratch_results_.clear();
          c4_->evaluate(v.text, true, scratch_results_, &field_kept_);
          if (field_kept_ != v.text) add_text_edit(v, field_kept_);
        }
      }
    }
    out.count("c4_records_edited");
    if (removed) {
      out.count("c4_lines_removed", removed);
      if (c4_counts_.too_long_word) out.count("c4_lines_too_long_word", c4_counts_.too_long_word);
      if (c4_counts_.no_terminal_punct) out.count("c4_lines_no_terminal_punct", c4_counts_.no_terminal_punct);
      if (c4_counts_.too_few_words) out.count("c4_lines_too_few_words", c4_counts_.too_few_words);
      if (c4_counts_.javascript) out.count("c4_lines_javascript", c4_counts_.javascript);
      if (c4_counts_.policy) out.count("c4_lines_policy", c4_counts_.policy);
    }
    return {};
  }

  void add_text_edit(const record::StringValue& v, std::string_view text) {
    record::Edit edit{v.offset, v.length, {}};
    json_text::append_string(edit.text, text);
    edits_.push_back(std::move(edit));
  }

  const Setup& setup_;
  record::Parser parser_;
  quality::LengthFilter length_;
  std::optional<quality::GopherFilter> gopher_;
  std::optional<quality::C4Filter> c4_;
  std::optional<quality::FineWebFilter> fineweb_;
  std::optional<quality::SftFilter> sft_;
  std::vector<quality::Role> turn_roles_;
  std::vector<std::string> turn_texts_;
  std::vector<quality::Turn> turns_;
  std::vector<std::unique_ptr<RE2>> keep_, drop_;

  bool failed_ = false;
  bool c4_changed_ = false;
  std::string_view reject_rule_;
  std::string reject_json_, quality_json_;
  std::string_view text_;
  std::string missing_path_;
  std::vector<quality::RuleResult> results_, scratch_results_;
  quality::C4LineCounts c4_counts_;
  std::vector<std::string_view> raw_;
  std::vector<record::StringValue> values_;
  std::vector<word_matcher::Hit> hits_;
  std::vector<redact::Hit> pii_hits_;
  std::string pii_kinds_;
  std::vector<record::Edit> edits_;
  std::string joined_, kept_, field_kept_, edited_, model_text_;
  std::vector<double> probs_;
  std::vector<int> token_ids_;
  Status token_error_;
};

std::string json_array(const std::vector<std::string>& items) {
  std::string s = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s.push_back(',');
    json_text::append_string(s, items[i]);
  }
  s.push_back(']');
  return s;
}

void print_rules() {
  std::printf("%-32s %-8s %-14s %-10s %s\n", "rule", "preset", "kind", "passes", "what is measured / done");
  for (const quality::RuleInfo& r : quality::rule_catalog()) {
    std::string passes;
    const char* kind = "rule";
    switch (r.kind) {
      case quality::RuleKind::threshold:
      case quality::RuleKind::line_threshold: {
        kind = r.kind == quality::RuleKind::threshold ? "rule" : "line rule";
        passes = std::string(quality::compare_symbol(r.compare)) + " ";
        if (std::isnan(r.published)) {
          passes += "N";
        } else {
          append_value(passes, r.published);
        }
        break;
      }
      case quality::RuleKind::line_switch: kind = "line rule"; passes = "on/off"; break;
      case quality::RuleKind::doc_switch: passes = "<= 0"; break;
      case quality::RuleKind::setting:
        kind = "setting";
        passes = "= ";
        append_value(passes, r.published);
        break;
    }
    std::printf("%-32s %-8s %-14s %-10s %s\n", std::string(r.name).c_str(),
                std::string(quality::preset_name(r.preset)).c_str(), kind, passes.c_str(),
                std::string(r.summary).c_str());
  }
}

Result<quality::RuleSet> build_rules(const FilterOptions& o) {
  quality::RuleSet rules;
  if (o.gopher) rules.enable_preset(quality::Preset::gopher);
  if (o.c4) rules.enable_preset(quality::Preset::c4);
  if (o.fineweb) rules.enable_preset(quality::Preset::fineweb);
  if (o.sft) rules.enable_preset(quality::Preset::sft);
  auto length = [&](CLI::Option* opt, const char* name, uint64_t v) -> Status {
    if (opt && opt->count()) return rules.set(name, static_cast<double>(v));
    return {};
  };
  DQPREP_RETURN_IF_ERROR(length(o.min_chars_opt, "min_chars", o.min_chars));
  DQPREP_RETURN_IF_ERROR(length(o.max_chars_opt, "max_chars", o.max_chars));
  DQPREP_RETURN_IF_ERROR(length(o.min_words_opt, "min_words", o.min_words));
  DQPREP_RETURN_IF_ERROR(length(o.max_words_opt, "max_words", o.max_words));
  for (const std::string& spec : o.rules) {
    Status s = rules.set(spec);
    if (!s.ok()) return Status::usage("--rule " + spec + ": " + s.message());
  }
  for (const std::string& name : o.disabled_rules) {
    Status s = rules.disable(name);
    if (!s.ok()) return Status::usage("--disable-rule " + name + ": " + s.message());
  }
  if (!o.gopher_stop_words.empty()) {
    if (!rules.is_on("gopher_stop_words")) {
      return Status::usage("--gopher-stop-words needs the gopher_stop_words rule (--gopher or --rule gopher_stop_words)");
    }
    DQPREP_ASSIGN_OR_RETURN(std::vector<std::string> words,
                            split_list_trimmed("--gopher-stop-words", o.gopher_stop_words));
    rules.gopher_quality.stop_words = words;
  }
  return rules;
}

Result<Setup> build_setup(const FilterOptions& o) {
  Setup s;
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  s.fields = fields;
  s.explain = o.explain;

  for (const std::string& p : o.require) {
    Result<record::Path> path = record::parse_path(p);
    if (!path.ok()) return Status::usage("--require " + p + ": " + path.status().message());
    RequiredPath required{*path, std::nullopt};
    const auto& steps = path->steps;
    for (size_t i = steps.size(); i-- > 0;) {
      if (steps[i].kind != record::PathStep::Kind::all) continue;
      required.elements = record::Path::from_steps(std::vector<record::PathStep>(steps.begin(), steps.begin() + i + 1));
      break;
    }
    s.require.push_back(std::move(required));
  }
  if (o.labels_opt->count()) {
    DQPREP_ASSIGN_OR_RETURN(std::vector<std::string> labels, split_list_trimmed("--labels", o.labels));
    s.labels = labels;
    s.labels_json = json_array(s.labels);
  }
  for (const std::string& p : o.keep_regex) {
    if (auto re = compile(p); !re->ok()) return Status::usage("--keep-regex '" + p + "': " + re->error());
  }
  for (const std::string& p : o.drop_regex) {
    if (auto re = compile(p); !re->ok()) return Status::usage("--drop-regex '" + p + "': " + re->error());
  }
  s.keep_patterns = o.keep_regex;
  s.drop_patterns = o.drop_regex;
  s.keep_json = json_array(s.keep_patterns);

  if (!o.drop_words.empty()) {
    std::vector<std::string> lines;
    for (const std::string& file : o.drop_words) {
      DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_file(file));
      append_word_list_lines(text, lines);
    }
    Result<word_matcher::WordMatcher> matcher = word_matcher::WordMatcher::create(lines);
    if (!matcher.ok()) return Status::usage("--drop-words: " + matcher.status().message());
    s.words.emplace(std::move(*matcher));
    s.words_max = o.drop_words_max;
  } else if (o.drop_words_max_opt->count()) {
    return Status::usage("--drop-words-max needs --drop-words FILE");
  }

  if (o.lang_opt->count()) {
    Result<std::vector<std::string>> codes = langid::parse_codes(o.lang);
    if (!codes.ok()) return Status::usage("--lang: " + codes.status().message());
    s.langs = *codes;
  } else if (o.lang_threshold_opt->count()) {
    return Status::usage("--lang-threshold needs --lang CODES");
  } else if (o.lang_keep_unknown) {
    return Status::usage("--lang-keep-unknown needs --lang CODES");
  }
  s.lang_keep_unknown = o.lang_keep_unknown;
  if (!(o.lang_threshold >= 0 && o.lang_threshold <= 1)) {
    return Status::usage("--lang-threshold must be between 0 and 1");
  }
  s.lang_threshold = o.lang_threshold;

  DQPREP_ASSIGN_OR_RETURN(quality::RuleSet rules, build_rules(o));
  s.rules = rules;
  s.length = s.rules.any(quality::Preset::length);
  s.gopher = s.rules.any(quality::Preset::gopher);
  s.c4 = s.rules.any(quality::Preset::c4);
  s.fineweb = s.rules.any(quality::Preset::fineweb);
  s.sft = s.rules.any(quality::Preset::sft);
  if (s.sft) {
    const std::optional<format::Roles>& roles = s.fields.format.roles;
    if (!roles) {
      return Status::usage("the sft rules need an instruction format: --format alpaca, prompt-completion, chat or sharegpt (not " +
                           s.fields.format.name + ")");
    }
    auto path = [](const std::string& text) { return record::parse_path(text); };
    for (const std::string& p : roles->prompt_paths) {
      DQPREP_ASSIGN_OR_RETURN(record::Path parsed, path(p));
      s.prompt_paths.push_back(std::move(parsed));
    }
    if (!roles->answer_path.empty()) {
      DQPREP_ASSIGN_OR_RETURN(record::Path parsed, path(roles->answer_path));
      s.answer_path = std::move(parsed);
    }
    if (!roles->turns.empty()) {
      DQPREP_ASSIGN_OR_RETURN(record::Path list, path(roles->turns));
      s.turn_steps = list.steps;
      DQPREP_ASSIGN_OR_RETURN(record::Path all, path(roles->turns + "[*]"));
      s.turns_path = std::move(all);
      s.role_key = roles->role_key;
      s.text_key = roles->text_key;
    }
  }
  if (o.c4_decide_only && !s.rules.c4_edits_lines()) {
    return Status::usage("--c4-decide-only needs C4's line rules (--c4, or --rule c4_line_...)");
  }
  s.c4_rewrite = s.rules.c4_edits_lines() && !o.c4_decide_only;

  if (!o.classifier.empty()) {
    DQPREP_ASSIGN_OR_RETURN(ClassifierRule rule, ClassifierRule::load(o.classifier, o.keep_label, o.min_score));
    s.classifier.emplace(std::move(rule));
  } else if (o.keep_label_opt->count() || o.min_score_opt->count()) {
    return Status::usage("--keep-label and --min-score need --classifier MODEL");
  }

  DQPREP_ASSIGN_OR_RETURN(s.tokens, TokenRule::from_flags(o.tokens));
  if (!o.drop_pii.empty()) {
    // A bare --drop-pii reaches here as "true".
    DQPREP_ASSIGN_OR_RETURN(PiiRule rule, PiiRule::create(o.drop_pii == "true" ? "all" : o.drop_pii));
    s.pii.emplace(std::move(rule));
  }

  s.needs_text = s.length || s.gopher || s.c4 || s.fineweb || !s.keep_patterns.empty() ||
                 !s.drop_patterns.empty() || s.words || !s.langs.empty() || s.classifier || s.tokens || s.pii;
  if (!s.needs_text && s.require.empty() && s.labels.empty() && !s.sft) {
    return Status::usage(
        "no rule given: use --min-chars/--max-chars/--min-words/--max-words, --require, --labels, --keep-regex, "
        "--drop-regex, --drop-words, --lang, --sft, --gopher, --c4, --fineweb, --classifier, --min-tokens/--max-tokens "
        "or --rule NAME (see --list-rules)");
  }
  return s;
}

// The fixed --stats schema: the C4 line counts (null without C4's line rules), would_reject (null
// without --explain), and in "rules" every rule this run applies, 0 when it dropped nothing.
void filter_schema(const Setup& s, report::Summary& summary) {
  std::vector<SchemaField> schema;
  schema.push_back(s.explain ? SchemaField{"would_reject"} : not_applicable("would_reject", "no --explain"));
  for (const char* key : {"c4_records_edited", "c4_lines_removed", "c4_lines_too_long_word", "c4_lines_no_terminal_punct",
                          "c4_lines_too_few_words", "c4_lines_javascript", "c4_lines_policy"}) {
    schema.push_back(s.c4_rewrite ? SchemaField{key} : not_applicable(key, "no C4 line rule (--c4, --rule c4_line_...)"));
  }
  std::vector<std::string> rules;
  if (!s.require.empty()) rules.emplace_back("require");
  if (!s.labels.empty()) rules.emplace_back("labels");
  if (!s.keep_patterns.empty()) rules.emplace_back("keep_regex");
  if (!s.drop_patterns.empty()) rules.emplace_back("drop_regex");
  if (s.words) rules.emplace_back("drop_words");
  if (!s.langs.empty()) rules.emplace_back("lang");
  for (const quality::RuleInfo& r : quality::rule_catalog()) {
    bool drops = r.kind == quality::RuleKind::threshold || r.kind == quality::RuleKind::doc_switch;
    if (drops && s.rules.is_on(r.name)) rules.emplace_back(r.name);
  }
  if (s.c4_rewrite) rules.emplace_back("c4_empty");
  if (s.fineweb) rules.emplace_back("fineweb_empty");
  if (s.classifier) rules.emplace_back("classifier");
  if (s.tokens && s.tokens->has_min()) rules.emplace_back("min_tokens");
  if (s.tokens && s.tokens->has_max()) rules.emplace_back("max_tokens");
  if (s.pii) rules.emplace_back("pii");
  fix_schema(summary, schema, rules);
}

Status run_filter(const FilterOptions& o) {
  if (o.list_rules) {
    print_rules();
    return {};
  }
  DQPREP_ASSIGN_OR_RETURN(Setup setup, build_setup(o));
  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.rejects = o.rejects;
  return run_streaming(o.common, so, [&] { return std::make_unique<FilterProcessor>(setup); }, "filter",
                       [&](report::Summary& s) {
                         filter_schema(setup, s);
                         return Status();
                       });
}

}  // namespace

void append_word_list_lines(std::string_view text, std::vector<std::string>& lines) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
}

StageRunner setup_filter(CLI::App& app) {
  auto o = std::make_shared<FilterOptions>();
  CLI::App* sub = app.add_subcommand(
      "filter", "Drop records that fail quality rules (length, Gopher, C4, FineWeb, language, regex)");
  sub->footer(
      "Rule order (the first failure is the record's _reject): require, labels, sft_*, min_chars, max_chars,\n"
      "min_words, max_words, nav_lines, keep_regex, drop_regex, drop_words, lang, gopher_* (quality, then\n"
      "repetition), c4_* (then c4_empty), fineweb_empty, fineweb_*, classifier, min_tokens, max_tokens, pii.\n"
      "--c4 removes lines as C4 does and writes the cleaned text\n"
      "(--c4-decide-only keeps the text); fineweb_* rules then see the cleaned text.\n"
      "--rule NAME turns one rule on at its published threshold, --rule NAME=VALUE at VALUE (also\n"
      "to change a preset's threshold); --disable-rule NAME turns one off. --list-rules shows them.\n"
      "--sft judges each role of alpaca, prompt-completion, chat and sharegpt records on its own.\n"
      "Examples:\n"
      "  dqprep filter --gopher --lang en --rejects rejects.jsonl web.jsonl.zst -o kept.jsonl\n"
      "  dqprep filter --format alpaca --sft --max-chars 16000 --rejects rejects.jsonl instructions.jsonl\n"
      "  dqprep filter --format chat --sft --lang en --lang-keep-unknown chats.jsonl -o chats.kept.jsonl\n"
      "  dqprep filter --classifier quality.bin --keep-label hq --min-score 0.5 pages.jsonl -o kept.jsonl\n"
      "  dqprep filter --format chat --tokenizer tokenizer.model --max-tokens 4096 chats.jsonl -o fits.jsonl");
  add_common_options(*sub, o->common);
  o->min_chars_opt = sub->add_option("--min-chars", o->min_chars, "Drop texts with fewer code points (rule min_chars)")
                         ->check(whole_number())
                         ->type_name("N");
  o->max_chars_opt = sub->add_option("--max-chars", o->max_chars, "Drop texts with more code points (rule max_chars)")
                         ->check(whole_number())
                         ->type_name("N");
  o->min_words_opt = sub->add_option("--min-words", o->min_words,
                                     "Drop texts with fewer white-space separated words (rule min_words)")
                         ->check(whole_number())
                         ->type_name("N");
  o->max_words_opt = sub->add_option("--max-words", o->max_words, "Drop texts with more words (rule max_words)")
                         ->check(whole_number())
                         ->type_name("N");
  sub->add_option("--require", o->require,
                  "Drop records where PATH is missing, null or empty (\"\", white space, [], {}); repeatable")
      ->type_name("PATH")
      ->allow_extra_args(false);
  o->labels_opt = sub->add_option("--labels", o->labels, "Allowed labels A,B,...: drop other labels and records without one")
      ->check(utf8_text())
      ->type_name("LIST");
  sub->add_option("--keep-regex", o->keep_regex,
                  "Keep only texts that match RE (RE2 syntax; with several, any one); repeatable")
      ->type_name("RE")
      ->allow_extra_args(false);
  sub->add_option("--drop-regex", o->drop_regex, "Drop texts that match RE (RE2 syntax, (?i) etc.); repeatable")
      ->type_name("RE")
      ->allow_extra_args(false);
  sub->add_option("--drop-words", o->drop_words,
                  "Word list (one word or phrase a line; case-insensitive, on word boundaries); repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false);
  o->drop_words_max_opt =
      sub->add_option("--drop-words-max", o->drop_words_max, "Hits of the --drop-words list allowed in a text")
          ->check(whole_number())
          ->type_name("N")
          ->capture_default_str();
  sub->add_flag("--sft", o->sft,
                "Instruction-data rules (alpaca, prompt-completion, chat, sharegpt): each role's text on its own");
  sub->add_flag("--gopher", o->gopher, "Gopher quality and repetition rules (Rae et al. 2021) at published thresholds");
  sub->add_flag("--c4", o->c4, "C4 rules (Raffel et al. 2020): remove lines, then document rules");
  sub->add_flag("--fineweb", o->fineweb, "FineWeb rules (Penedo et al. 2024) at published thresholds");
  sub->add_option("--rule", o->rules, "Turn a rule on, at VALUE or its published threshold; repeatable")
      ->type_name("NAME[=VALUE]")
      ->allow_extra_args(false);
  sub->add_option("--disable-rule", o->disabled_rules, "Turn a rule of a preset off; repeatable")
      ->type_name("NAME")
      ->allow_extra_args(false);
  sub->add_option("--gopher-stop-words", o->gopher_stop_words,
                  "Stop words of gopher_stop_words (default the,be,to,of,and,that,have,with)")
      ->type_name("LIST");
  sub->add_flag("--c4-decide-only", o->c4_decide_only, "With C4's line rules: only decide, write the text unchanged");
  o->lang_opt = sub->add_option("--lang", o->lang,
                                "Keep texts in these languages (CLD2; ISO 639-1 codes: en,de,zh,...; un: unknown)")
      ->type_name("CODES");
  o->lang_threshold_opt =
      sub->add_option("--lang-threshold", o->lang_threshold, "Least language score (0-1) to keep a text")
          ->capture_default_str();
  sub->add_option("--classifier", o->classifier,
                  "A fastText model (from `dqprep model train`) that scores each text (rule classifier)")
      ->type_name("MODEL");
  o->keep_label_opt = sub->add_option("--keep-label", o->keep_label, "With --classifier: the label of good texts")
                          ->type_name("LABEL");
  o->min_score_opt =
      sub->add_option("--min-score", o->min_score, "With --classifier: drop texts whose --keep-label probability is lower")
          ->type_name("P")
          ->capture_default_str();
  sub->add_flag("--lang-keep-unknown", o->lang_keep_unknown,
                "With --lang: also keep texts CLD2 cannot place or is unsure of (un, unreliable): short texts");
  add_token_flags(*sub, o->tokens);
  sub->add_flag("--drop-pii", o->drop_pii,
                "Drop texts holding personal data (rule pii); =KINDS narrows it: email,phone,ip,url,credit-card,iban,api-key")
      ->type_name("[=KINDS]");
  sub->add_option("--rejects", o->rejects, "Dropped records, each with _reject {rule, value, threshold}")
      ->type_name("FILE");
  sub->add_flag("--explain", o->explain,
                "Keep every record; add _quality (measured values) and _reject (the rule that would drop it)");
  sub->add_flag("--list-rules", o->list_rules, "Print the rules with their presets and thresholds, then exit");
  return [o] { return run_filter(*o); };
}

}  // namespace dqprep::stages
