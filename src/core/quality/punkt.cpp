#include "dqprep/quality/punkt.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include <utf8proc.h>

#include "dqprep/text/text.hpp"

namespace dqprep::quality {

namespace {

// ---------------------------------------------------------------------------------------------
// NLTK's English Punkt model (tokenizers/punkt english): abbreviations, collocations, sentence
// starters. Sorted for binary search.

constexpr std::string_view kAbbreviations[] = {
    ". . ",  "a.a",   "a.c",   "a.d",   "a.g",  "a.h",   "a.m",   "a.m.e", "a.s",   "a.t",   "adm",   "ala",
    "ariz",  "aug",   "ave",   "b.f",   "b.v",  "bros",  "c",     "c.i.t", "c.o.m.b", "c.v",  "calif", "cie",
    "co",    "col",   "colo",  "conn",  "corp", "cos",   "ct",    "d",     "d.c",   "d.h",   "d.w",   "dec",
    "dr",    "e",     "e.f",   "e.h",   "e.l",  "e.m",   "f",     "f.g",   "f.j",   "feb",   "fla",   "fri",
    "ft",    "g",     "g.d",   "g.f",   "g.k",  "ga",    "gen",   "h",     "h.c",   "h.f",   "h.m",   "i.m.s",
    "ill",   "inc",   "j.b",   "j.c",   "j.j",  "j.k",   "j.p",   "j.r",   "jan",   "jr",    "k",     "kan",
    "ky",    "l",     "l.a",   "l.f",   "l.p",  "lt",    "ltd",   "m",     "m.b.a", "m.d.c", "m.j",   "maj",
    "messrs", "mg",   "mich",  "minn",  "mr",   "mrs",   "ms",    "n",     "n.c",   "n.d",   "n.h",   "n.j",
    "n.m",   "n.v",   "n.y",   "nev",   "nov",  "oct",   "ok",    "okla",  "ore",   "p",     "p.a.m", "p.m",
    "pa",    "ph.d",  "prof",  "r",     "r.a",  "r.h",   "r.i",   "r.j",   "r.k",   "r.t",   "rep",   "reps",
    "s",     "s.a",   "s.a.y", "s.c",   "s.g",  "s.p.a", "s.s",   "sen",   "sep",   "sept",  "sr",    "st",
    "sw",    "t",     "t.j",   "tenn",  "tues", "u.k",   "u.n",   "u.s",   "u.s.a", "u.s.s.r", "v",    "va",
    "vs",    "vt",    "w",     "w.c",   "w.r",  "w.va",  "w.w",   "wash",  "wed",   "wis",   "yr"};

// (word before the period, word after), joined by a comma.
constexpr std::string_view kCollocations[] = {
    "##number##,abreast", "##number##,aes", "##number##,business", "##number##,cbot", "##number##,colgate",
    "##number##,commodities", "##number##,cooper", "##number##,corrections", "##number##,credit",
    "##number##,dividend", "##number##,financing", "##number##,genentech", "##number##,henley",
    "##number##,insider", "##number##,international", "##number##,leisure", "##number##,letters",
    "##number##,notable", "##number##,pay-fone", "##number##,pegasus", "##number##,pepper", "##number##,review",
    "##number##,rj", "##number##,wedgestone", "##number##,who", "##number##,zimmer", "b,edelman", "b,levine",
    "b,smith", "b,stewart", "b,wigton", "i,magnin", "i,toussie", "j,aron", "j,fialka", "j,walter", "o,ludcke"};

constexpr std::string_view kSentenceStarters[] = {
    "according", "although", "among", "both", "but", "despite", "even", "he", "however", "i", "if", "in",
    "indeed", "instead", "it", "many", "meanwhile", "moreover", "most", "nevertheless", "nonetheless", "nor",
    "sales", "separately", "similarly", "since", "so", "some", "the", "there", "these", "they", "this", "though",
    "thus", "under", "when", "while", "yet"};

template <size_t N>
bool in_sorted(const std::string_view (&list)[N], std::string_view key) {
  return std::binary_search(std::begin(list), std::end(list), key);
}

// ---------------------------------------------------------------------------------------------
// Characters.

struct Decoded {
  char32_t cp;
  size_t len;
};

Decoded decode(std::string_view s, size_t i) {
  if (static_cast<unsigned char>(s[i]) < 0x80) return {static_cast<char32_t>(s[i]), 1};
  utf8proc_int32_t cp = 0;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) return {0xFFFD, 1};
  return {static_cast<char32_t>(cp), static_cast<size_t>(n)};
}

// Python's \s on str (str.isspace): Unicode white space and the separators U+001C..U+001F.
size_t space_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c >= 0x1C && c <= 0x1F) return 1;
  return text::whitespace_length(s, i);
}

// string.whitespace: the ASCII white space the grouping of candidates looks for.
bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Punkt's NonWord characters: ) " ; } ] * : @ ' ( { [ ? !
bool is_non_word(char c) {
  return c == ')' || c == '"' || c == ';' || c == '}' || c == ']' || c == '*' || c == ':' || c == '@' || c == '\'' ||
         c == '(' || c == '{' || c == '[' || c == '?' || c == '!';
}

// Characters that cannot start a Punkt word: ( " ` { [ : ; & # * @ ) } ] - ,
bool is_word_start(char c) {
  return !(c == '(' || c == '"' || c == '`' || c == '{' || c == '[' || c == ':' || c == ';' || c == '&' ||
           c == '#' || c == '*' || c == '@' || c == ')' || c == '}' || c == ']' || c == '-' || c == ',');
}

bool is_sentence_end_char(char c) { return c == '.' || c == '?' || c == '!'; }

// Length of Punkt's multi-character punctuation at s[i]: --+, ..+, or ". . ." (2+ ".\s" then "."); 0.
size_t multi_char_length(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  if (s[i] == '-' || s[i] == '.') {
    size_t j = i;
    while (j < s.size() && s[j] == s[i]) ++j;
    if (j - i >= 2) return j - i;
  }
  if (s[i] != '.') return 0;
  size_t j = i, pairs = 0;
  while (j + 1 < s.size() && s[j] == '.') {
    size_t w = space_length(s, j + 1);
    if (!w) break;
    j += 1 + w;
    ++pairs;
  }
  if (pairs >= 2 && j < s.size() && s[j] == '.') {
    // (?:\.\s){2,}\. is greedy with backtracking: the pairs end where a final "." follows.
    return j + 1 - i;
  }
  // Backtrack: the last pair's period is the final one.
  if (pairs >= 3) {
    size_t k = i, taken = 0;
    while (taken < pairs - 1) {
      k += 1 + space_length(s, k + 1);
      ++taken;
    }
    if (s[k] == '.') return k + 1 - i;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Punkt tokens and their annotation.

struct Token {
  std::string_view tok;
  std::string type;  // lower-cased; numbers as "##number##"
  bool sentbreak = false;
  bool abbr = false;
  bool ellipsis = false;

  bool period_final() const { return !tok.empty() && tok.back() == '.'; }
  std::string_view type_no_period() const {
    std::string_view t = type;
    return t.size() > 1 && t.back() == '.' ? t.substr(0, t.size() - 1) : t;
  }
  std::string_view type_no_sentperiod() const { return sentbreak ? type_no_period() : std::string_view(type); }
  bool first_upper() const { return category(0) == UTF8PROC_CATEGORY_LU || category(0) == UTF8PROC_CATEGORY_LT; }
  bool first_lower() const { return category(0) == UTF8PROC_CATEGORY_LL; }
  // [^\W\d]\.$ : a letter (or "_"), then the period, nothing else.
  bool is_initial() const {
    if (tok.empty() || tok.back() != '.') return false;
    Decoded d = decode(tok, 0);
    if (d.len + 1 != tok.size()) return false;
    if (d.cp == '_') return true;
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(d.cp));
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
  }
  int category(size_t) const {
    if (tok.empty()) return 0;
    return utf8proc_category(static_cast<utf8proc_int32_t>(decode(tok, 0).cp));
  }
};

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// ^-?[\.,]?\d[\d,\.-]*\.?$
bool is_numeric(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && (t[i] == '.' || t[i] == ',')) ++i;
  if (i >= t.size() || !is_ascii_digit(t[i])) return false;
  ++i;
  while (i < t.size() && (is_ascii_digit(t[i]) || t[i] == ',' || t[i] == '.' || t[i] == '-')) ++i;
  return i == t.size();  // the optional final "." is covered by the class above
}

std::string type_of(std::string_view tok) {
  std::string lower;
  lower.reserve(tok.size());
  for (size_t i = 0; i < tok.size();) {
    unsigned char b = static_cast<unsigned char>(tok[i]);
    if (b < 0x80) {
      lower.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    Decoded d = decode(tok, i);
    char32_t l = d.cp < 0x80 ? static_cast<char32_t>(d.cp >= 'A' && d.cp <= 'Z' ? d.cp + 32 : d.cp)
                             : static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(d.cp)));
    utf8proc_uint8_t buf[4];
    auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(l), buf);
    lower.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
    i += d.len;
  }
  if (is_numeric(lower)) return "##number##";
  return lower;
}

// Punkt's word tokens of one line.
void tokenize_line(std::string_view line, std::vector<Token>& out) {
  size_t i = 0;
  while (i < line.size()) {
    size_t w = space_length(line, i);
    if (w) {
      i += w;
      continue;
    }
    size_t start = i;
    if (size_t m = multi_char_length(line, i)) {
      i += m;
    } else if (is_word_start(line[i])) {
      i += decode(line, i).len;
      while (i < line.size()) {
        char c = line[i];
        if (space_length(line, i) || is_non_word(c) || multi_char_length(line, i)) break;
        if (c == ',') {
          size_t n = i + 1;
          if (n == line.size() || space_length(line, n) || is_non_word(line[n]) || multi_char_length(line, n)) break;
        }
        i += decode(line, i).len;
      }
    } else {
      i += decode(line, i).len;
    }
    Token t;
    t.tok = line.substr(start, i - start);
    t.type = type_of(t.tok);
    out.push_back(std::move(t));
  }
}

void first_pass(Token& t) {
  std::string_view tok = t.tok;
  if (tok == "." || tok == "?" || tok == "!") {
    t.sentbreak = true;
  } else if (tok.size() >= 2 && std::all_of(tok.begin(), tok.end(), [](char c) { return c == '.'; })) {
    t.ellipsis = true;
  } else if (t.period_final() && !tok.ends_with("..")) {
    std::string number_type;
    std::string_view base = std::string_view(t.type).substr(0, t.type.size() - 1);
    if (t.type == "##number##") {
      number_type = type_of(tok.substr(0, tok.size() - 1));
      base = number_type;
    }
    size_t dash = base.rfind('-');
    std::string_view last_part = dash == std::string_view::npos ? base : base.substr(dash + 1);
    if (in_sorted(kAbbreviations, base) || in_sorted(kAbbreviations, last_part)) {
      t.abbr = true;
    } else {
      t.sentbreak = true;
    }
  }
}

enum class Starter { yes, no, unknown };

// The orthographic heuristic without the model's table (see the header): punctuation and
// lower-case words do not start a sentence; anything else is unknown.
Starter ortho_heuristic(const Token& t) {
  if (t.tok.size() == 1 && std::string_view(";:,.!?").find(t.tok[0]) != std::string_view::npos) return Starter::no;
  if (t.first_lower()) return Starter::no;
  return Starter::unknown;
}

void second_pass(Token& t1, const Token& t2) {
  if (!t1.period_final()) return;
  std::string_view typ = t1.type_no_period();
  std::string_view next_typ = t2.type_no_sentperiod();
  bool initial = t1.is_initial();
  // Every collocation of the model starts with a number or a single letter.
  if (typ == "##number##" || typ.size() == 1) {
    std::string pair = std::string(typ) + "," + std::string(next_typ);
    if (in_sorted(kCollocations, pair)) {
      t1.sentbreak = false;
      t1.abbr = true;
      return;
    }
  }
  if ((t1.abbr || t1.ellipsis) && !initial) {
    if (t2.first_upper() && in_sorted(kSentenceStarters, next_typ)) {
      t1.sentbreak = true;
      return;
    }
  }
  if (initial || typ == "##number##") {
    Starter s = ortho_heuristic(t2);
    if (s == Starter::no) {
      t1.sentbreak = false;
      t1.abbr = true;
      return;
    }
    // "J. Bach": a capitalized word the model has not seen in lower case. Without the table, the
    // frequent sentence starters stand for the words seen in lower case.
    if (s == Starter::unknown && initial && t2.first_upper() && !in_sorted(kSentenceStarters, next_typ)) {
      t1.sentbreak = false;
      t1.abbr = true;
    }
  }
}

// Whether the context holds a sentence break before its last token.
bool contains_sentence_break(std::string_view context, std::vector<Token>& tokens) {
  tokens.clear();
  size_t start = 0;
  while (start <= context.size()) {
    size_t nl = context.find('\n', start);
    if (nl == std::string_view::npos) nl = context.size();
    tokenize_line(context.substr(start, nl - start), tokens);
    start = nl + 1;
  }
  for (Token& t : tokens) first_pass(t);
  for (size_t i = 0; i + 1 < tokens.size(); ++i) second_pass(tokens[i], tokens[i + 1]);
  for (size_t i = 0; i + 1 < tokens.size(); ++i)
    if (tokens[i].sentbreak) return true;
  return false;
}

// One candidate: a . ? ! at `at`, the context ending at after_end, and where the next sentence
// would start (next_tok, or right after the mark).
struct Candidate {
  size_t at = 0;
  size_t after_end = 0;
  std::optional<size_t> next_tok;
};

std::optional<Candidate> candidate_at(std::string_view text, size_t i) {
  if (!is_sentence_end_char(text[i])) return std::nullopt;
  size_t n = i + 1;
  if (n < text.size() && is_non_word(text[n])) return Candidate{i, n + 1, std::nullopt};
  size_t j = n;
  while (j < text.size()) {
    size_t w = space_length(text, j);
    if (!w) break;
    j += w;
  }
  if (j == n || j == text.size()) return std::nullopt;
  size_t k = j;
  while (k < text.size() && !space_length(text, k)) k += decode(text, k).len;
  return Candidate{i, k, j};
}

// ["')\]}]+? followed by white space, "--" or the end of a line: the length of the closers (and
// the white space) that realignment moves into the sentence before; 0 when none.
size_t realignment_length(std::string_view s) {
  size_t i = 0;
  auto closer = [](char c) { return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}'; };
  while (i < s.size() && closer(s[i])) {
    ++i;
    // Lazy: stop at the first closer after which the rest matches.
    if (i == s.size() || s[i] == '\n' || s.substr(i, 2) == "--") return i;
    if (size_t w = space_length(s, i)) {
      size_t e = i + w;
      while (e < s.size() && space_length(s, e)) e += space_length(s, e);
      return e;
    }
  }
  return 0;
}

}  // namespace

void punkt_sentences(std::string_view text, std::vector<Sentence>& out) {
  // The slices of _slices_from_text. Scratch kept per thread: this runs once per document.
  thread_local std::vector<Sentence> slices;
  thread_local std::vector<Token> tokens;
  slices.clear();
  size_t last_break = 0;
  std::optional<Candidate> previous;
  size_t previous_word_begin = 0, previous_word_end = 0;
  auto judge = [&](const Candidate& c, size_t word_begin) {
    // A ? or ! is a sentence-end token of its own, never the last of its context, and the second
    // pass never changes it: such a context always holds a break.
    bool mark = text[c.at] == '?' || text[c.at] == '!';
    if (!mark && !contains_sentence_break(text.substr(word_begin, c.after_end - word_begin), tokens)) return;
    slices.push_back({last_break, c.at + 1});
    last_break = c.next_tok ? *c.next_tok : c.at + 1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    std::optional<Candidate> c = candidate_at(text, i);
    if (!c) continue;
    // The word before the mark: after the last ASCII white space since the previous word's end;
    // without one (or with one at the very start, as NLTK's index test reads 0 as none), the
    // previous word's start.
    size_t word_begin = previous_word_begin;
    for (size_t k = i; k > previous_word_end; --k) {
      if (is_ascii_space(text[k - 1])) {
        if (k - 1 > previous_word_end) word_begin = k;
        break;
      }
    }
    if (previous && previous_word_end <= word_begin) judge(*previous, previous_word_begin);
    previous = c;
    previous_word_begin = word_begin;
    previous_word_end = i;
  }
  if (previous) judge(*previous, previous_word_begin);
  size_t end = text.size();
  while (end > 0) {
    size_t k = end - 1;
    while (k > 0 && (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) --k;
    if (space_length(text, k) != end - k) break;
    end = k;
  }
  slices.push_back({last_break, std::max(last_break, end)});

  // _realign_boundaries: closers at the start of a sentence go to the one before.
  size_t realign = 0;
  for (size_t s = 0; s < slices.size(); ++s) {
    Sentence first{slices[s].begin + realign, slices[s].end};
    if (first.begin > first.end) first.begin = first.end;
    if (s + 1 == slices.size()) {
      if (first.end > first.begin) out.push_back(first);
      break;
    }
    const Sentence& second = slices[s + 1];
    size_t m = realignment_length(text.substr(second.begin, second.end - second.begin));
    if (m) {
      size_t closers = m;
      while (closers > 0 && space_length(text, second.begin + closers - 1)) --closers;
      out.push_back({first.begin, second.begin + closers});
      realign = m;
    } else {
      realign = 0;
      if (first.end > first.begin) out.push_back(first);
    }
  }
}

size_t punkt_sentence_count(std::string_view text) {
  std::vector<Sentence> sentences;
  punkt_sentences(text, sentences);
  return sentences.size();
}

}  // namespace dqprep::quality
