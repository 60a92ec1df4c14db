#pragma once
// Heuristic quality rules of the `filter` stage: the simple length rules and the Gopher (quality +
// repetition), C4 and FineWeb presets at their published thresholds.
//
// Every rule is a name, a measured value, a threshold and a comparison. A filter appends one
// RuleResult per rule it measured to a caller-owned vector; it stops at the first failed rule
// unless `explain` is set, in which case it measures every enabled rule (same order, same values).
// A filter returns true when the text passes every rule it measured.
//
// Definitions follow datatrove's GopherQualityFilter, GopherRepetitionFilter, C4QualityFilter and
// FineWebQualityFilter (the reference implementations of Rae et al. 2021 and of FineWeb), rule by
// rule, with the same comparisons (strict or not) and defaults:
// - lengths are in Unicode code points (Python's len), not bytes;
// - lines are Python's str.splitlines() (Gopher quality, C4), re.split("\n+") (Gopher repetition
//   lines) or str.split("\n") (FineWeb), each as in the reference;
// - "words" of the Gopher and FineWeb rules are tokens of word_tokenize() below, a reimplementation
//   of NLTK's word_tokenize (which datatrove uses for English); the simple min/max_words rules
//   count white-space separated words instead.
// Where the reference divides by zero (empty text, no tokens) the value here is 0, except
// fineweb_newline_ratio which divides by max(1, tokens).
//
// Filters keep scratch buffers between calls: use one instance per thread (copies get their own).

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dqprep::quality {

// The condition under which a rule passes: value >= threshold, <= threshold, > or <.
enum class Compare : uint8_t { at_least, at_most, above, below };

// ">=", "<=", ">" or "<".
std::string_view compare_symbol(Compare compare);

struct RuleResult {
  std::string_view rule;  // a stable name, e.g. "gopher_dup_line_frac"; points to static storage
  double value = 0;
  double threshold = 0;
  Compare compare = Compare::at_most;
  bool passed = true;
};

// One threshold: a disabled rule is neither measured nor reported.
struct Limit {
  bool enabled = true;
  double threshold = 0;
};

// min_chars, max_chars (code points), min_words, max_words (white-space separated words), and
// nav_lines: the share of non-blank lines that are navigation or site chrome (navigation_lines.hpp).
struct LengthOptions {
  Limit min_chars{false, 0};
  Limit max_chars{false, 0};
  Limit min_words{false, 0};
  Limit max_words{false, 0};
  Limit max_nav_lines{false, 0.5};
};

// Table A1 of Rae et al. 2021, as in datatrove's GopherQualityFilter. Rule names in evaluation order:
// gopher_min_words, gopher_max_words    tokens with a character outside datatrove's PUNCTUATION set
// gopher_min_mean_word_length, gopher_max_mean_word_length    mean code points of those tokens
// gopher_symbol_ratio       max(count of "#", count of "..." + "…") / all tokens (the reference
//                           tests the two ratios against the same threshold)
// gopher_bullet_lines       share of lines whose left-stripped text starts with "•" or "-"
// gopher_ellipsis_lines     share of lines whose right-stripped text ends with "..." or "…"
// gopher_alpha_words        share of tokens with at least one letter (Unicode L*)
// gopher_stop_words         distinct stop words among the tokens (case-sensitive, as in the
//                           reference: "The" does not count; "the the" counts once)
struct GopherQualityOptions {
  Limit min_words{true, 50};
  Limit max_words{true, 100000};
  Limit min_mean_word_length{true, 3};
  Limit max_mean_word_length{true, 10};
  Limit max_symbol_word_ratio{true, 0.1};
  Limit max_bullet_lines_ratio{true, 0.9};
  Limit max_ellipsis_lines_ratio{true, 0.3};
  Limit min_alpha_words_ratio{true, 0.8};
  Limit min_stop_words{true, 2};
  std::vector<std::string> stop_words{"the", "be", "to", "of", "and", "that", "have", "with"};
};

// Table A1 of Rae et al. 2021, as in datatrove's GopherRepetitionFilter. Rule names in evaluation
// order (every value is at most its threshold to pass; character fractions are over the code
// points of the whole text):
// gopher_dup_para_frac      paragraphs (text stripped, split on 2+ newlines) equal to an earlier one
// gopher_dup_para_chars     code points in those duplicate paragraphs / text
// gopher_dup_line_frac      lines (split on 1+ newlines) equal to an earlier one
// gopher_dup_line_chars     code points in those duplicate lines / text
// gopher_top_{2,3,4}gram    length (words joined by a space) x count of the most frequent n-gram
//                           (ties: the one seen first) / text
// gopher_dup_{5..10}gram    code points (words without separators) of n-grams that repeat an
//                           earlier n-gram, scanning left to right and skipping past each repeat
// N-grams are compared by 64-bit hashes (XXH3 of each token, combined per window), never as strings.
struct GopherRepetitionOptions {
  Limit max_dup_para_frac{true, 0.30};
  Limit max_dup_para_chars{true, 0.20};
  Limit max_dup_line_frac{true, 0.30};
  Limit max_dup_line_chars{true, 0.20};
  std::array<Limit, 3> max_top_ngram_chars{{{true, 0.20}, {true, 0.18}, {true, 0.16}}};  // n = 2..4
  std::array<Limit, 6> max_dup_ngram_chars{
      {{true, 0.15}, {true, 0.14}, {true, 0.13}, {true, 0.12}, {true, 0.11}, {true, 0.10}}};  // n = 5..10
};

// C4 (Raffel et al. 2020) as in datatrove's C4QualityFilter with split_paragraph=True. C4 edits the
// text: each line (str.splitlines, stripped) is removed when a word (white-space split) is longer
// than max_word_length, when (after removing [1], [edit], [citation needed] citations) it does not
// end in . ? ! " ' or ends in "...", when it has fewer than min_words_per_line words, mentions
// "javascript", or contains a cookie / privacy-policy / terms-of-use phrase. The document is dropped
// by these rules, checked like the reference on the lines that survived the line rules before them:
// c4_lorem_ipsum     lines containing "lorem ipsum" (case-insensitive); passes at 0
// c4_curly_bracket   lines containing "{"; passes at 0
// c4_min_sentences   sentences in the kept lines, each line counted by punkt_sentence_count
//                    (NLTK's sent_tokenize); passes at >= 5
// The filter returns the decision and, when asked, the kept text (kept lines joined by "\n",
// stripped), which is what the reference passes on. Callers that only want a decision ignore it.
struct C4Options {
  Limit max_word_length{true, 1000};
  bool remove_citations = true;
  bool filter_no_terminal_punct = true;
  Limit min_words_per_line{true, 3};
  bool filter_javascript = true;
  bool filter_policy = true;
  bool filter_lorem_ipsum = true;
  bool filter_curly_bracket = true;
  Limit min_sentences{true, 5};
};

// What happened to the lines of one text under the C4 rules: each line counts once, under the
// first rule that removed it, so the fields add up to `total` (for the lines looked at: all of
// them when the filter passes or explains, up to the line that dropped the document otherwise).
struct C4LineCounts {
  uint32_t total = 0;
  uint32_t too_long_word = 0;
  uint32_t no_terminal_punct = 0;
  uint32_t too_few_words = 0;
  uint32_t lorem_ipsum = 0;
  uint32_t javascript = 0;
  uint32_t curly_bracket = 0;
  uint32_t policy = 0;
  uint32_t kept = 0;
};

// FineWeb (Penedo et al. 2024) as in datatrove's current FineWebQualityFilter (the version since its
// December 2024 change; the FineWeb dataset itself was filtered by the earlier one). Lines are the
// non-blank lines of text.split("\n"); a text without one fails "fineweb_empty".
// fineweb_line_punct_ratio   lines ending in a sentence terminal (datatrove's TERMINAL_PUNCTUATION:
//                            . ! ? and their counterparts in other scripts, not quotes) / lines;
//                            passes at >= 0.12 (or at 0 with line_punct_exclude_zero)
// fineweb_short_line_ratio   lines of at most short_line_length code points / lines; passes at <= 0.67
// fineweb_char_dup_ratio     code points of lines equal to an earlier one / code points of the text
//                            without newlines; passes at <= 0.01
// fineweb_newline_ratio      newlines (blank lines included) / tokens; passes at most 0.3
struct FineWebOptions {
  Limit min_line_punct_ratio{true, 0.12};
  bool line_punct_exclude_zero = false;
  Limit max_short_line_ratio{true, 0.67};
  uint32_t short_line_length = 30;
  Limit max_char_dup_ratio{true, 0.01};
  Limit max_newline_ratio{true, 0.3};
};

// Appends to `tokens` the words of `text` as NLTK 3.9.4's word_tokenize gives them for English,
// as views into `text`: the text cut into sentences by Punkt (punkt.hpp), each tokenized by the
// NLTKWordTokenizer rules: punctuation split off (, : before a non-digit; ; @ # $ % & ? ! *
// brackets, quotes « » “ ” ‘ ’ „ ` " '', dashes U+2012-U+2015, "--", runs of 2+ periods),
// clitics split ("do" "n't", "it" "'s", "'t" "is"), an apostrophe split before a one-character
// word that is not a clitic ("'a'" -> ' a '), and the period that ends each sentence split. A
// double quote stays '"' here; the Gopher n-gram rules count it, and '', as NLTK's `` or ''
// (two code points).
void word_tokenize(std::string_view text, std::vector<std::string_view>& tokens);

// Number of Unicode code points of UTF-8 text (an invalid byte counts as one).
size_t code_points(std::string_view text);

class LengthFilter {
 public:
  explicit LengthFilter(LengthOptions options = {});
  const LengthOptions& options() const { return options_; }
  bool evaluate(std::string_view text, bool explain, std::vector<RuleResult>& out) const;

 private:
  LengthOptions options_;
};

// Scratch storage shared by the token-based filters: tokens, their hashes and lengths, hash sets.
struct TokenScratch;

class GopherFilter {
 public:
  explicit GopherFilter(GopherQualityOptions quality = {}, GopherRepetitionOptions repetition = {});
  ~GopherFilter();
  GopherFilter(const GopherFilter& other);
  GopherFilter& operator=(const GopherFilter& other);
  GopherFilter(GopherFilter&&) noexcept;
  GopherFilter& operator=(GopherFilter&&) noexcept;

  const GopherQualityOptions& quality_options() const { return quality_; }
  const GopherRepetitionOptions& repetition_options() const { return repetition_; }

  // Quality rules, then repetition rules (the order of Rae et al.: quality filtering, then
  // repetition removal), tokenizing once.
  bool evaluate(std::string_view text, bool explain, std::vector<RuleResult>& out);
  bool quality(std::string_view text, bool explain, std::vector<RuleResult>& out);
  bool repetition(std::string_view text, bool explain, std::vector<RuleResult>& out);

 private:
  bool run_quality(std::string_view text, bool explain, std::vector<RuleResult>& out);
  bool run_repetition(std::string_view text, bool explain, std::vector<RuleResult>& out);

  void build_stop_table();

  GopherQualityOptions quality_;
  GopherRepetitionOptions repetition_;
  std::vector<uint64_t> stop_table_;  // XXH3 of the stop words, open addressing, 0 = empty
  size_t stop_mask_ = 0;
  std::vector<uint8_t> stop_seen_;  // per slot of stop_table_: seen in the current text
  std::unique_ptr<TokenScratch> scratch_;  // copies get fresh scratch
};

class C4Filter {
 public:
  explicit C4Filter(C4Options options = {});
  const C4Options& options() const { return options_; }

  // `kept_text`, when given, receives the text the reference passes on: complete when the filter
  // passes or explains, cut at the line that dropped the document otherwise. `counts`, when
  // given, the fate of each line.
  bool evaluate(std::string_view text, bool explain, std::vector<RuleResult>& out,
                std::string* kept_text = nullptr, C4LineCounts* counts = nullptr);

 private:
  C4Options options_;
  std::string line_buffer_;  // a line with its citations removed
};

class FineWebFilter {
 public:
  explicit FineWebFilter(FineWebOptions options = {});
  ~FineWebFilter();
  FineWebFilter(const FineWebFilter& other);
  FineWebFilter& operator=(const FineWebFilter& other);
  FineWebFilter(FineWebFilter&&) noexcept;
  FineWebFilter& operator=(FineWebFilter&&) noexcept;

  const FineWebOptions& options() const { return options_; }
  bool evaluate(std::string_view text, bool explain, std::vector<RuleResult>& out);

 private:
  FineWebOptions options_;
  std::unique_ptr<TokenScratch> scratch_;  // copies get fresh scratch
};

}  // namespace dqprep::quality
