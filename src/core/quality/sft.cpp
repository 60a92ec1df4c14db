#include "dqprep/quality/sft.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_set>

#include "dqprep/text/text.hpp"
#include "dqprep/text/word_matcher.hpp"

namespace dqprep::quality {

namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string_view strip(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t w = text::whitespace_length(s, b);
    if (!w) break;
    b += w;
  }
  size_t e = s.size();
  while (e > b) {
    size_t k = e - 1;
    while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    if (text::whitespace_length(s, k) != e - k) break;
    e = k;
  }
  return s.substr(b, e - b);
}

bool is_blank(std::string_view s) { return strip(s).empty(); }

inline bool is_ascii_alpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
// A byte of a word: ASCII letters and digits, and every byte of a non-ASCII character (letters of
// other scripts; punctuation outside ASCII is rare inside the words compared here).
inline bool is_word_byte(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}

// Calls f(line) for each line (split on \n, \r stripped with the rest of the white space).
template <class F>
void for_each_line(std::string_view s, F&& f) {
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    f(s.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) return;
    start = nl + 1;
  }
}

bool is_fence_line(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  std::string_view rest = line.substr(i);
  return rest.starts_with("```") || rest.starts_with("~~~");
}

bool is_list_or_heading(std::string_view line) {
  if (line.starts_with("- ") || line.starts_with("* ") || line.starts_with("#") || line.starts_with("\u2022") ||
      line.starts_with("|"))
    return true;
  size_t i = 0;
  while (i < line.size() && is_ascii_digit(line[i])) ++i;
  return i > 0 && i < line.size() && (line[i] == '.' || line[i] == ')');
}

// Words after which an English sentence cannot stop.
constexpr std::string_view kDangling[] = {
    "the", "a", "an", "and", "or", "but", "nor", "of", "to", "with", "for", "from", "into", "onto", "by",
    "at", "as", "that", "which", "whose", "because", "although", "though", "if", "than", "while", "whereas",
    "is", "are", "was", "were", "be", "been", "being", "their", "its", "your", "my", "our", "his", "her",
    "this", "these", "those", "such", "very", "also", "including", "like", "between", "among", "toward",
    "towards", "about", "should", "would", "could", "can", "will", "must", "may", "might"};

// Lower case only: "Vitamin A" and a multiple-choice "A" are finished answers.
bool is_dangling(std::string_view word) {
  return std::find(std::begin(kDangling), std::end(kDangling), word) != std::end(kDangling);
}

// Whether a prose line holds a finished sentence before its end: a word of 4+ letters, a period,
// ! or ?, a space and a capital letter.
bool has_inner_sentence_end(std::string_view line) {
  for (size_t i = 4; i + 2 < line.size(); ++i) {
    char c = line[i];
    if (c != '.' && c != '!' && c != '?') continue;
    if (line[i + 1] != ' ' || !(line[i + 2] >= 'A' && line[i + 2] <= 'Z')) continue;
    size_t letters = 0;
    for (size_t k = i; k > 0 && is_ascii_alpha(line[k - 1]); --k) ++letters;
    if (letters >= 4) return true;
  }
  return false;
}

// Words of a text for the restatement measure: lower-cased runs of word bytes, without function
// words and the verbs that only frame a request.
constexpr std::string_view kNotContent[] = {
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into",
    "about", "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has",
    "have", "had", "it", "its", "this", "that", "these", "those", "there", "here", "i", "you", "we", "they",
    "he", "she", "me", "us", "them", "my", "your", "our", "their", "his", "her", "what", "why", "how",
    "which", "who", "whom", "when", "where", "can", "could", "would", "should", "will", "shall", "may",
    "might", "must", "please", "some", "any", "all", "so", "than", "then", "if", "not", "no", "also",
    "very", "one", "following", "below", "above", "given", "answer", "question", "explain", "describe",
    "list", "name", "give", "tell", "write", "provide", "state", "summarize", "summarise", "define",
    "identify", "discuss", "outline", "show", "find", "make", "create", "generate", "compose", "rewrite",
    "convert", "sort", "classify", "translate", "suggest", "brief", "briefly", "short", "simple",
    "sentence", "sentences", "paragraph", "words", "word", "example", "examples"};

std::unordered_set<std::string> content_words(std::string_view s) {
  std::unordered_set<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    if (!is_word_byte(s[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < s.size() && is_word_byte(s[i])) ++i;
    std::string w = lower_ascii(s.substr(start, i - start));
    if (std::find(std::begin(kNotContent), std::end(kNotContent), w) == std::end(kNotContent)) words.insert(w);
  }
  return words;
}

// Refusals: an inability ("I can't", "I'm sorry, but I cannot", ...) aimed at the request
// ("help with that", "fulfill this request", ...). A bare "I'm sorry, but I can't" is not one:
// a good answer may decline an invitation with it.
constexpr std::string_view kRefusalHeads[] = {
    "I can't", "I cannot", "I can not", "I'm unable to", "I am unable to", "I'm not able to", "I am not able to",
    "I won't be able to", "I will not be able to", "I won't", "I will not"};
constexpr std::string_view kRefusalObjects[] = {
    "help with that", "help with this", "help you with that", "help you with this", "assist with that",
    "assist with this", "assist you with that", "assist you with this", "fulfill that request",
    "fulfill this request", "fulfill your request", "comply with that request", "comply with this request",
    "comply with your request", "provide that information", "provide this information", "answer that",
    "answer this question", "do that", "create that", "generate that", "write that", "engage in",
    "support that", "provide assistance with", "provide help with"};
constexpr std::string_view kRefusalPhrases[] = {
    "I must decline", "against my guidelines", "against my programming", "it is not appropriate for me to",
    "it's not appropriate for me to", "I'm not able to browse", "I cannot browse", "I can't browse",
    "I don't have access to real-time", "I do not have access to real-time"};

// Phrases of an assistant speaking about itself.
constexpr std::string_view kBoilerplate[] = {
    "as an AI language model", "as an AI model", "as an AI assistant", "as an AI,", "as a language model",
    "as a large language model", "as an artificial intelligence", "I am an AI", "I'm an AI",
    "I am just an AI", "I'm just an AI", "I am only an AI", "my knowledge cutoff", "my knowledge cut-off",
    "my training data", "my last training update", "as of my last update", "as of my last knowledge update",
    "I was trained by", "trained by OpenAI", "developed by OpenAI", "created by OpenAI", "I don't have personal opinions",
    "I do not have personal opinions", "I don't have personal feelings", "I do not have personal feelings",
    "I don't have feelings", "I do not have feelings", "I don't have personal experiences",
    "I do not have personal experiences", "I don't have the ability to"};

// Each phrase, and a copy with \u2019 for ' (curly apostrophes are common in answers).
void add_with_curly_apostrophes(std::string_view phrase, std::vector<std::string>& lines) {
  lines.emplace_back(phrase);
  if (phrase.find('\'') == std::string_view::npos) return;
  std::string curly;
  for (char c : phrase) {
    if (c == '\'') curly += "\u2019";
    else curly.push_back(c);
  }
  lines.push_back(std::move(curly));
}

const word_matcher::WordMatcher& refusal_matcher() {
  static const word_matcher::WordMatcher m = [] {
    std::vector<std::string> lines;
    for (std::string_view head : kRefusalHeads)
      for (std::string_view object : kRefusalObjects) add_with_curly_apostrophes(std::string(head) + " " + std::string(object), lines);
    for (std::string_view p : kRefusalPhrases) add_with_curly_apostrophes(p, lines);
    return *word_matcher::WordMatcher::create(lines);
  }();
  return m;
}

const word_matcher::WordMatcher& boilerplate_matcher() {
  static const word_matcher::WordMatcher m = [] {
    std::vector<std::string> lines;
    for (std::string_view p : kBoilerplate) add_with_curly_apostrophes(p, lines);
    return *word_matcher::WordMatcher::create(lines);
  }();
  return m;
}

bool check(double value, const Limit& limit, Compare c) {
  switch (c) {
    case Compare::at_least: return value >= limit.threshold;
    case Compare::at_most: return value <= limit.threshold;
    case Compare::above: return value > limit.threshold;
    case Compare::below: return value < limit.threshold;
  }
  return false;
}

}  // namespace

Role role_from_name(std::string_view name) {
  std::string n = lower_ascii(strip(name));
  if (n == "user" || n == "human" || n == "prompter") return Role::user;
  if (n == "assistant" || n == "gpt" || n == "bot" || n == "model" || n == "chatgpt" || n == "bard") return Role::assistant;
  if (n == "system") return Role::system;
  if (n == "tool" || n == "function" || n == "ipython" || n == "observation") return Role::tool;
  return Role::unknown;
}

size_t count_fence_lines(std::string_view text) {
  size_t fences = 0;
  for_each_line(text, [&](std::string_view line) { fences += is_fence_line(line); });
  return fences;
}

bool looks_truncated(std::string_view answer) {
  std::string_view t = strip(answer);
  if (t.empty() || count_fence_lines(t) % 2 == 1) return false;  // empty or cut in code: other rules
  std::string_view last_line;
  for_each_line(t, [&](std::string_view line) {
    std::string_view l = strip(line);
    if (!l.empty()) last_line = l;
  });
  if (is_fence_line(last_line)) return false;
  char c = t.back();
  if (c == ',' || c == ';' || c == ':' || c == '(' || c == '[' || c == '{') return true;
  if (t.ends_with("\u2014") || t.ends_with("\u2013") || (c == '-' && !t.ends_with("--"))) return true;
  if (!is_ascii_alpha(c)) return false;
  size_t start = t.size();
  while (start > 0 && is_ascii_alpha(t[start - 1])) --start;
  if (is_dangling(t.substr(start))) return true;
  // A plain lower-case word after a finished sentence on the same prose line ("... leaves. It
  // takes place in the chloro"); not a hashtag, a handle or a path.
  bool plain_word = start == 0 || text::whitespace_length(t, start - 1) == 1 || t[start - 1] == '(';
  return plain_word && !is_list_or_heading(last_line) && has_inner_sentence_end(last_line) && c >= 'a' && c <= 'z';
}

// A yes/no question ("Is Paris the capital of France?"): a declarative answer built from its own
// words is an answer, not a restatement.
bool is_yes_no_question(std::string_view prompt) {
  static constexpr std::string_view kAuxiliaries[] = {
      "is", "are", "was", "were", "am", "do", "does", "did", "can", "could", "will", "would", "should",
      "shall", "has", "have", "had", "may", "might", "must", "isn't", "aren't", "doesn't", "don't", "didn't"};
  std::string_view p = strip(prompt);
  size_t end = 0;
  while (end < p.size() && (is_ascii_alpha(p[end]) || p[end] == '\'')) ++end;
  std::string first = lower_ascii(p.substr(0, end));
  if (std::find(std::begin(kAuxiliaries), std::end(kAuxiliaries), first) == std::end(kAuxiliaries)) return false;
  size_t line_end = p.find('\n');
  std::string_view first_line = strip(p.substr(0, line_end));
  return first_line.ends_with("?");
}

double restatement(std::string_view prompt, std::string_view answer) {
  if (is_yes_no_question(prompt)) return 0;
  std::unordered_set<std::string> a = content_words(answer);
  if (a.empty()) return 0;
  std::unordered_set<std::string> p = content_words(prompt);
  for (const std::string& w : a)
    if (!p.count(w)) return 0;  // the answer adds something
  return static_cast<double>(a.size()) / static_cast<double>(p.size());
}

namespace {

GopherRepetitionOptions dup_10gram_only() {
  GopherRepetitionOptions o;
  o.max_dup_para_frac.enabled = o.max_dup_para_chars.enabled = false;
  o.max_dup_line_frac.enabled = o.max_dup_line_chars.enabled = false;
  for (Limit& l : o.max_top_ngram_chars) l.enabled = false;
  for (size_t i = 0; i + 1 < o.max_dup_ngram_chars.size(); ++i) o.max_dup_ngram_chars[i].enabled = false;
  return o;
}

}  // namespace

SftFilter::SftFilter(SftOptions options) : options_(options), repetition_(GopherQualityOptions{}, dup_10gram_only()) {}

bool SftFilter::evaluate(std::span<const Turn> turns, bool explain, std::vector<RuleResult>& out) {
  const SftOptions& o = options_;
  bool all = true;
  // Appends a result; returns false when evaluation should stop.
  auto add = [&](std::string_view rule, double value, const Limit& limit, Compare compare) {
    bool ok = check(value, limit, compare);
    out.push_back(RuleResult{rule, value, limit.threshold, compare, ok});
    all = all && ok;
    return ok || explain;
  };

  if (o.turn_order.enabled) {
    size_t i = 0, violations = 0;
    while (i < turns.size() && turns[i].role == Role::system) ++i;
    Role expected = Role::user;
    Role previous = Role::system;
    for (; i < turns.size(); ++i) {
      Role r = turns[i].role;
      if (r == Role::tool) {
        violations += previous != Role::assistant && previous != Role::tool;
        expected = Role::assistant;
      } else if (r == Role::user || r == Role::assistant) {
        violations += r != expected;
        expected = r == Role::user ? Role::assistant : Role::user;
      } else {
        ++violations;  // a later system turn or an unknown role
      }
      previous = r;
    }
    if (!add("sft_turn_order", static_cast<double>(violations), o.turn_order, Compare::at_most)) return false;
  }
  if (o.final_turn.enabled) {
    double value = !turns.empty() && turns.back().role == Role::assistant ? 1 : 0;
    if (!add("sft_final_turn", value, o.final_turn, Compare::at_least)) return false;
  }
  size_t empty_prompts = 0, empty_answers = 0, unbalanced = 0, truncated = 0;
  for (const Turn& t : turns) {
    bool blank = is_blank(t.text);
    empty_prompts += t.role == Role::user && blank;
    empty_answers += t.role == Role::assistant && blank;
    unbalanced += count_fence_lines(t.text) % 2;
    truncated += t.role == Role::assistant && looks_truncated(t.text);
  }
  if (o.empty_prompt.enabled &&
      !add("sft_empty_prompt", static_cast<double>(empty_prompts), o.empty_prompt, Compare::at_most))
    return false;
  if (o.empty_answer.enabled &&
      !add("sft_empty_answer", static_cast<double>(empty_answers), o.empty_answer, Compare::at_most))
    return false;
  if (o.code_fence.enabled && !add("sft_code_fence", static_cast<double>(unbalanced), o.code_fence, Compare::at_most))
    return false;
  if (o.truncated_answer.enabled &&
      !add("sft_truncated_answer", static_cast<double>(truncated), o.truncated_answer, Compare::at_most))
    return false;
  if (o.refusal.enabled || o.boilerplate.enabled) {
    size_t refusals = 0, boilerplate = 0;
    for (const Turn& t : turns) {
      if (t.role != Role::assistant) continue;
      if (o.refusal.enabled) refusals += refusal_matcher().count(t.text);
      if (o.boilerplate.enabled) boilerplate += boilerplate_matcher().count(t.text);
    }
    if (o.refusal.enabled && !add("sft_refusal", static_cast<double>(refusals), o.refusal, Compare::at_most))
      return false;
    if (o.boilerplate.enabled &&
        !add("sft_boilerplate", static_cast<double>(boilerplate), o.boilerplate, Compare::at_most))
      return false;
  }
  if (o.answer_repetition.enabled) {
    double repeated = 0;
    for (const Turn& t : turns) {
      if (t.role != Role::assistant) continue;
      scratch_.clear();
      repetition_.repetition(t.text, true, scratch_);
      for (const RuleResult& r : scratch_) repeated = std::max(repeated, r.value);
    }
    if (!add("sft_answer_repetition", repeated, o.answer_repetition, Compare::at_most)) return false;
  }
  if (o.restated_prompt.enabled || o.min_answer_ratio.enabled || o.max_answer_ratio.enabled) {
    double restated = 0;
    std::optional<double> min_ratio, max_ratio;
    for (size_t i = 1; i < turns.size(); ++i) {
      const Turn& prompt = turns[i - 1];
      const Turn& answer = turns[i];
      if (prompt.role != Role::user || answer.role != Role::assistant) continue;
      if (is_blank(prompt.text) || is_blank(answer.text)) continue;  // the empty rules' business
      if (o.restated_prompt.enabled) restated = std::max(restated, restatement(prompt.text, answer.text));
      double r = static_cast<double>(code_points(strip(answer.text))) / static_cast<double>(code_points(strip(prompt.text)));
      min_ratio = min_ratio ? std::min(*min_ratio, r) : r;
      max_ratio = max_ratio ? std::max(*max_ratio, r) : r;
    }
    if (o.restated_prompt.enabled && !add("sft_restated_prompt", restated, o.restated_prompt, Compare::at_most))
      return false;
    // Without a pair there is no ratio: the rules then pass with the neutral value 1.
    if (o.min_answer_ratio.enabled &&
        !add("sft_answer_ratio_min", min_ratio.value_or(1), o.min_answer_ratio, Compare::at_least))
      return false;
    if (o.max_answer_ratio.enabled &&
        !add("sft_answer_ratio_max", max_ratio.value_or(1), o.max_answer_ratio, Compare::at_most))
      return false;
  }
  return all;
}

}  // namespace dqprep::quality
