#include "dqprep/quality/quality.hpp"

#include <algorithm>
#include <cstring>

#include <utf8proc.h>

#include "dqprep/quality/navigation_lines.hpp"
#include "dqprep/quality/punkt.hpp"
#include "dqprep/util/hash.hpp"
#include "dqprep/text/text.hpp"

namespace dqprep::quality {

namespace {

// ---------------------------------------------------------------------------------------------
// UTF-8 and Python's notions of white space, line breaks and letters.

struct Decoded {
  char32_t cp;
  uint32_t len;
};

// The code point at s[i]; an invalid or truncated sequence decodes as U+FFFD of length 1.
inline Decoded decode(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) return {c, 1};
  size_t left = s.size() - i;
  auto cont = [&](size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c < 0xE0 && cont(1)) return {static_cast<char32_t>(((c & 0x1F) << 6) | (b(1) & 0x3F)), 2};
  if (c >= 0xE0 && c < 0xF0 && cont(1) && cont(2)) {
    char32_t cp = ((c & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) return {cp, 3};
  }
  if (c >= 0xF0 && c < 0xF5 && cont(1) && cont(2) && cont(3)) {
    char32_t cp = ((c & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    if (cp >= 0x10000 && cp <= 0x10FFFF) return {cp, 4};
  }
  return {0xFFFD, 1};
}

// Python's str.isspace() adds the information separators U+001C..U+001F to text::whitespace_length.
inline size_t py_space_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c >= 0x1C && c <= 0x1F) return 1;
  return text::whitespace_length(s, i);
}

// Length of the line break of str.splitlines() at s[i] ("\r\n" is one), or 0.
inline size_t py_line_break_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == '\n' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E)) return 1;
  if (c == '\r') return i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) return 2;
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
    unsigned char d = static_cast<unsigned char>(s[i + 2]);
    if (d == 0xA8 || d == 0xA9) return 3;
  }
  return 0;
}

// Calls f(line) for each line of str.splitlines(): no empty last line after a final line break.
template <class F>
void for_each_splitline(std::string_view s, F&& f) {
  size_t start = 0, i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    // Every line break starts with one of these bytes: skip the rest fast.
    if (c != '\n' && c != '\r' && c != 0x0B && c != 0x0C && !(c >= 0x1C && c <= 0x1E) && c != 0xC2 && c != 0xE2) {
      ++i;
      continue;
    }
    size_t br = py_line_break_length(s, i);
    if (br == 0) {
      ++i;
      continue;
    }
    f(s.substr(start, i - start));
    i += br;
    start = i;
  }
  if (start < s.size()) f(s.substr(start));
}

// Calls f(word) for each word of Python's str.split().
template <class F>
void py_for_each_word(std::string_view s, F&& f) {
  size_t i = 0;
  while (i < s.size()) {
    size_t w = py_space_length(s, i);
    if (w) {
      i += w;
      continue;
    }
    size_t start = i;
    while (i < s.size() && !py_space_length(s, i)) ++i;
    f(s.substr(start, i - start));
  }
}

inline std::string_view py_lstrip(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t w = py_space_length(s, i);
    if (!w) break;
    i += w;
  }
  return s.substr(i);
}

// Start of the white space that ends s (s.size() when none).
inline size_t trailing_space_start(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t k = end - 1;
    while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80 && end - k < 4) --k;
    size_t w = py_space_length(s, k);
    if (w != end - k) break;
    end = k;
  }
  return end;
}

inline std::string_view py_rstrip(std::string_view s) { return s.substr(0, trailing_space_start(s)); }
inline std::string_view py_strip(std::string_view s) { return py_rstrip(py_lstrip(s)); }

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

constexpr std::string_view kEllipsisChar = "\u2026";
constexpr std::string_view kBullet = "\u2022";

// Python's str.isalpha(): Unicode categories Lu, Ll, Lt, Lm, Lo.
inline bool is_alpha(char32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

// datatrove's PUNCTUATION set (utils/text.py): ASCII punctuation, C0/C1 controls but tab and
// newline, and these characters (U+FF11 FULLWIDTH DIGIT ONE is in their list, so it is here).
constexpr char32_t kPunctuationNonAscii[] = {
    0x00AB, 0x00B4, 0x00BB, 0x2013, 0x2014, 0x2019, 0x201C, 0x201D, 0x201E, 0x2026, 0x2236, 0x2501,
    0x25BA, 0x3001, 0x3002, 0x3008, 0x3009, 0x300A, 0x300B, 0x300C, 0x300D, 0x3010, 0x3011, 0xFF01,
    0xFF05, 0xFF08, 0xFF09, 0xFF0C, 0xFF0E, 0xFF11, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF5E};

// datatrove's TERMINAL_PUNCTUATION (utils/text.py): Unicode's Sentence_Terminal characters and the
// Khmer signs U+17D6, U+17D9, U+17DA. FineWeb's line rule counts lines ending in one of them, and
// datatrove's PUNCTUATION_SET includes them.
constexpr char32_t kTerminalPunctuation[] = {
    0x0021, 0x002E, 0x003F, 0x0589, 0x061D, 0x061E, 0x061F, 0x06D4, 0x0700, 0x0701, 0x0702, 0x07F9,
    0x0837, 0x0839, 0x083D, 0x083E, 0x0964, 0x0965, 0x104A, 0x104B, 0x1362, 0x1367, 0x1368, 0x166E,
    0x1735, 0x1736, 0x17D4, 0x17D5, 0x17D6, 0x17D9, 0x17DA, 0x1803, 0x1809, 0x1944, 0x1945, 0x1AA8,
    0x1AA9, 0x1AAA, 0x1AAB, 0x1B5A, 0x1B5B, 0x1B5E, 0x1B5F, 0x1B7D, 0x1B7E, 0x1C3B, 0x1C3C, 0x1C7E,
    0x1C7F, 0x203C, 0x203D, 0x2047, 0x2048, 0x2049, 0x2E2E, 0x2E3C, 0x2E53, 0x2E54, 0x3002, 0xA4FF,
    0xA60E, 0xA60F, 0xA6F3, 0xA6F7, 0xA876, 0xA877, 0xA8CE, 0xA8CF, 0xA92F, 0xA9C8, 0xA9C9, 0xAA5D,
    0xAA5E, 0xAA5F, 0xAAF0, 0xAAF1, 0xABEB, 0xFE52, 0xFE56, 0xFE57, 0xFF01, 0xFF0E, 0xFF1F, 0xFF61,
    0x10A56, 0x10A57, 0x10F55, 0x10F56, 0x10F57, 0x10F58, 0x10F59, 0x10F86, 0x10F87, 0x10F88, 0x10F89, 0x11047,
    0x11048, 0x110BE, 0x110BF, 0x110C0, 0x110C1, 0x11141, 0x11142, 0x11143, 0x111C5, 0x111C6, 0x111CD, 0x111DE,
    0x111DF, 0x11238, 0x11239, 0x1123B, 0x1123C, 0x112A9, 0x1144B, 0x1144C, 0x115C2, 0x115C3, 0x115C9, 0x115CA,
    0x115CB, 0x115CC, 0x115CD, 0x115CE, 0x115CF, 0x115D0, 0x115D1, 0x115D2, 0x115D3, 0x115D4, 0x115D5, 0x115D6,
    0x115D7, 0x11641, 0x11642, 0x1173C, 0x1173D, 0x1173E, 0x11944, 0x11946, 0x11A42, 0x11A43, 0x11A9B, 0x11A9C,
    0x11C41, 0x11C42, 0x11EF7, 0x11EF8, 0x11F43, 0x11F44, 0x16A6E, 0x16A6F, 0x16AF5, 0x16B37, 0x16B38, 0x16B44,
    0x16E98, 0x1BC9F, 0x1DA88,
};

constexpr bool is_terminal_punctuation(char32_t cp) {
  return std::binary_search(std::begin(kTerminalPunctuation), std::end(kTerminalPunctuation), cp);
}

constexpr bool is_datatrove_punctuation(char32_t cp) {
  if (cp < 0x80) {
    if (cp < 0x20) return cp != '\t' && cp != '\n';
    if (cp == 0x7F) return true;
    return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') || (cp >= '[' && cp <= '`') || (cp >= '{' && cp <= '~');
  }
  if (cp < 0xA0) return true;
  return std::binary_search(std::begin(kPunctuationNonAscii), std::end(kPunctuationNonAscii), cp) ||
         is_terminal_punctuation(cp);
}

// The last code point of non-empty UTF-8 text.
inline char32_t last_code_point(std::string_view s) {
  size_t k = s.size() - 1;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80 && s.size() - k < 4) --k;
  Decoded d = decode(s, k);
  return d.len == s.size() - k ? d.cp : 0xFFFD;
}

constexpr uint8_t kNonSymbol = 1, kAlpha = 2;

// Per ASCII byte: kNonSymbol when outside datatrove's PUNCTUATION set, kAlpha for letters.
constexpr std::array<uint8_t, 128> make_ascii_word_flags() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if (!is_datatrove_punctuation(static_cast<char32_t>(c))) t[c] |= kNonSymbol;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) t[c] |= kAlpha;
  }
  return t;
}
constexpr std::array<uint8_t, 128> kAsciiWordFlags = make_ascii_word_flags();

inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_ascii_alpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }

bool iequals_ascii(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != lower[i]) return false;
  return true;
}

// Whether `lower` (ASCII, lower case) occurs in s, ignoring ASCII case.
bool contains_ascii_ci(std::string_view s, std::string_view lower) {
  if (lower.empty()) return true;
  if (s.size() < lower.size()) return false;
  char first = lower[0];
  char first_upper = static_cast<char>(first >= 'a' && first <= 'z' ? first - 32 : first);
  for (size_t i = 0; i + lower.size() <= s.size(); ++i) {
    if (s[i] != first && s[i] != first_upper) continue;
    size_t k = 1;
    while (k < lower.size() && ascii_lower(s[i + k]) == lower[k]) ++k;
    if (k == lower.size()) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Word tokenization (an approximation of NLTK's word_tokenize, see the header).

// Byte classes of the tokenizer's ASCII fast path.
enum : uint8_t { kWord = 0, kSpace, kSplit, kCommaColon, kPeriod, kDash, kBacktick, kApostrophe, kHigh };

constexpr std::array<uint8_t, 256> make_byte_classes() {
  std::array<uint8_t, 256> t{};
  for (int c = 0x80; c < 256; ++c) t[c] = kHigh;
  for (char c : std::string_view(" \t\n\v\f\r\x1c\x1d\x1e\x1f")) t[static_cast<unsigned char>(c)] = kSpace;
  for (char c : std::string_view(";@#$%&?!*()[]{}<>\"")) t[static_cast<unsigned char>(c)] = kSplit;
  t[','] = kCommaColon;
  t[':'] = kCommaColon;
  t['.'] = kPeriod;
  t['-'] = kDash;
  t['`'] = kBacktick;
  t['\''] = kApostrophe;
  return t;
}
constexpr std::array<uint8_t, 256> kByteClass = make_byte_classes();

// Quotes NLTK pads on both sides (starting « “ ‘ „, ending » ” ’) and figure/en/em dashes, bar.
inline bool is_split_code_point(char32_t cp) {
  return cp == 0x00AB || cp == 0x00BB || cp == 0x201C || cp == 0x2018 || cp == 0x201E || cp == 0x201D ||
         cp == 0x2019 || (cp >= 0x2012 && cp <= 0x2015);
}

// The byte offset of each sentence's final period, as NLTK's word_tokenize splits it off: the
// last "." of the sentence, before trailing closing brackets, quotes and spaces, when it does not
// follow another "." (the regex ([^\.])(\.)([\]\)}>"\'»”’ ]*)\s*$ on each sentence). Sorted.
void final_periods(std::string_view s, const std::vector<Sentence>& sentences, std::vector<size_t>& out) {
  out.clear();
  for (const Sentence& sentence : sentences) {
    size_t e = sentence.end, b = sentence.begin;
    while (e > b) {
      char c = s[e - 1];
      if (c == ']' || c == ')' || c == '}' || c == '>' || c == '"' || c == '\'' || c == ' ' || c == '\t' ||
          c == '\n' || c == '\r') {
        --e;
      } else if (e - b >= 2 && static_cast<unsigned char>(c) == 0xBB && static_cast<unsigned char>(s[e - 2]) == 0xC2) {
        e -= 2;  // »
      } else if (e - b >= 3 && static_cast<unsigned char>(s[e - 3]) == 0xE2 &&
                 static_cast<unsigned char>(s[e - 2]) == 0x80 &&
                 (static_cast<unsigned char>(c) == 0x9D || static_cast<unsigned char>(c) == 0x99)) {
        e -= 3;  // ” ’
      } else {
        break;
      }
    }
    if (e >= b + 2 && s[e - 1] == '.' && s[e - 2] != '.') out.push_back(e - 1);
  }
}

inline bool is_word_byte(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

// Emits one word segment with NLTK's clitic rules applied.
void emit_segment(std::string_view seg, std::vector<std::string_view>& out) {
  if (seg.empty()) return;
  // An apostrophe before a one-character word is split off, unless that character is a clitic
  // (m t s d n): NLTK 3.9's (?i)(')(?!re|ve|ll|m|t|s|d|n)(\w)\b. So "'a" -> "'" "a", but "'hello"
  // and "'s" stay whole (the NLTK main branch of 2026 splits "'hello" too; no release does).
  for (size_t k = 0; k + 1 < seg.size(); ++k) {
    if (seg[k] != '\'' || !is_word_byte(seg[k + 1])) continue;
    size_t len = 1;
    while (k + 1 + len < seg.size() && (static_cast<unsigned char>(seg[k + 1 + len]) & 0xC0) == 0x80) ++len;
    size_t after = k + 1 + len;
    if (after < seg.size() && is_word_byte(seg[after])) continue;  // no word boundary after one character
    char c = static_cast<char>(seg[k + 1] | 0x20);
    if (len == 1 && (c == 'm' || c == 't' || c == 's' || c == 'd' || c == 'n')) continue;
    if (k > 0) emit_segment(seg.substr(0, k + 1), out);
    else out.push_back(seg.substr(0, 1));
    seg = seg.substr(k + 1);
    break;
  }
  // "'tis" and "'twas" -> "'t" "is" / "was" (NLTK's CONTRACTIONS3).
  if (iequals_ascii(seg, "'tis") || iequals_ascii(seg, "'twas")) {
    out.push_back(seg.substr(0, 2));
    out.push_back(seg.substr(2));
    return;
  }
  // MacIntyre's contractions: "cannot" -> "can" "not", "gonna" -> "gon" "na", ...
  if (seg.size() >= 4 && seg.size() <= 6) {
    static constexpr std::pair<std::string_view, size_t> kSplits[] = {
        {"cannot", 3}, {"gimme", 3}, {"gonna", 3}, {"gotta", 3}, {"lemme", 3}, {"wanna", 3}, {"more'n", 4}, {"d'ye", 1}};
    for (auto [word, at] : kSplits) {
      if (iequals_ascii(seg, word)) {
        out.push_back(seg.substr(0, at));
        out.push_back(seg.substr(at));
        return;
      }
    }
  }
  // Clitics at the end: "n't", "'ll", "'re", "'ve" (same case), "'s", "'m", "'d", a bare "'".
  size_t n = seg.size();
  size_t cut = n;
  auto tail = [&](size_t k) { return seg.substr(n - k); };
  if (n >= 4 && (tail(3) == "n't" || tail(3) == "N'T")) {
    cut = n - 3;
  } else if (n >= 4 && (tail(3) == "'ll" || tail(3) == "'LL" || tail(3) == "'re" || tail(3) == "'RE" ||
                        tail(3) == "'ve" || tail(3) == "'VE")) {
    cut = n - 3;
  } else if (n >= 3 && seg[n - 2] == '\'' && (seg[n - 1] == 's' || seg[n - 1] == 'S' || seg[n - 1] == 'm' ||
                                               seg[n - 1] == 'M' || seg[n - 1] == 'd' || seg[n - 1] == 'D')) {
    cut = n - 2;
  } else if (n >= 2 && seg[n - 1] == '\'') {
    cut = n - 1;
  }
  if (cut < n && cut > 0 && seg[cut - 1] != '\'') {
    out.push_back(seg.substr(0, cut));
    out.push_back(seg.substr(cut));
  } else {
    out.push_back(seg);
  }
}

void tokenize_chunk(std::string_view s, size_t begin, size_t end, const std::vector<size_t>& periods,
                    std::vector<std::string_view>& out) {
  size_t seg = begin;
  size_t i = begin;
  auto flush = [&](size_t at) {
    emit_segment(s.substr(seg, at - seg), out);
  };
  while (i < end) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (kByteClass[c]) {
      case kSplit:
        flush(i);
        out.push_back(s.substr(i, 1));
        seg = ++i;
        break;
      case kCommaColon:
        if (i + 1 < end && is_ascii_digit(s[i + 1])) {
          ++i;
        } else {
          flush(i);
          out.push_back(s.substr(i, 1));
          seg = ++i;
        }
        break;
      case kPeriod: {
        size_t j = i + 1;
        while (j < end && s[j] == '.') ++j;
        if (j - i >= 2) {
          flush(i);
          out.push_back(s.substr(i, j - i));
          seg = i = j;
        } else if (std::binary_search(periods.begin(), periods.end(), i)) {
          flush(i);
          out.push_back(s.substr(i, 1));
          seg = ++i;
        } else {
          ++i;
        }
        break;
      }
      case kDash:
        if (i + 1 < end && s[i + 1] == '-') {
          flush(i);
          out.push_back(s.substr(i, 2));
          seg = i += 2;
        } else {
          ++i;
        }
        break;
      case kApostrophe:
        // '' is a quote token wherever it stands (NLTK: `''` -> " '' ").
        if (i + 1 < end && s[i + 1] == '\'') {
          flush(i);
          out.push_back(s.substr(i, 2));
          seg = i += 2;
        } else {
          ++i;
        }
        break;
      case kBacktick: {
        size_t j = i + 1;
        while (j < end && s[j] == '`') ++j;
        flush(i);
        out.push_back(s.substr(i, j - i));
        seg = i = j;
        break;
      }
      case kHigh: {
        Decoded d = decode(s, i);
        if (is_split_code_point(d.cp)) {
          flush(i);
          out.push_back(s.substr(i, d.len));
          seg = i + d.len;
        }
        i += d.len;
        break;
      }
      default:
        ++i;
        break;
    }
  }
  flush(end);
}

// The tokens of a text whose sentences end at `periods` (defined below word_tokenize).
void tokenize_text(std::string_view text, const std::vector<size_t>& periods, std::vector<std::string_view>& tokens);

// ---------------------------------------------------------------------------------------------
// Hash sets and counters over 64-bit keys, cleared in O(1) by a generation stamp.

class HashCounter {
 public:
  struct Slot {
    uint64_t key;
    uint32_t count;
    uint32_t first;  // index of the first occurrence
    uint32_t generation;
  };

  void reset(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity <<= 1;
    if (capacity > slots_.size()) {
      slots_.assign(capacity, Slot{0, 0, 0, 0});
      generation_ = 0;
    }
    mask_ = capacity - 1;
    if (++generation_ == 0) {
      for (Slot& s : slots_) s.generation = 0;
      generation_ = 1;
    }
  }

  // The slot of `key`, inserted with count 0 and `first` when new.
  Slot& find_or_insert(uint64_t key, uint32_t first) {
    size_t i = static_cast<size_t>(key ^ (key >> 29)) & mask_;
    while (true) {
      Slot& s = slots_[i];
      if (s.generation != generation_) {
        s = Slot{key, 0, first, generation_};
        return s;
      }
      if (s.key == key) return s;
      i = (i + 1) & mask_;
    }
  }

  uint32_t index_of(const Slot& s) const { return static_cast<uint32_t>(&s - slots_.data()); }
  const Slot& at(uint32_t index) const { return slots_[index]; }

  // Inserts key; returns false when it was already present.
  bool insert(uint64_t key) {
    Slot& s = find_or_insert(key, 0);
    return s.count++ == 0;
  }

 private:
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t generation_ = 0;
};

// Order-sensitive combination of an n-gram's hash with the hash of its next word.
inline uint64_t extend_hash(uint64_t h, uint64_t word) {
  uint64_t x = (h * 0x9E3779B97F4A7C15ULL) ^ word;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 29;
  return x;
}

inline bool check(double value, double threshold, Compare c) {
  switch (c) {
    case Compare::at_least: return value >= threshold;
    case Compare::at_most: return value <= threshold;
    case Compare::above: return value > threshold;
    case Compare::below: return value < threshold;
  }
  return false;
}

// Appends results; tells the caller to stop at the first failure unless explaining.
struct Emitter {
  std::vector<RuleResult>& out;
  bool explain;
  bool all_passed = true;

  // Returns false when evaluation should stop.
  bool add(std::string_view rule, double value, const Limit& limit, Compare compare) {
    bool ok = check(value, limit.threshold, compare);
    out.push_back(RuleResult{rule, value, limit.threshold, compare, ok});
    all_passed = all_passed && ok;
    return ok || explain;
  }
};

inline double ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

constexpr std::string_view kTopNgramRules[] = {"gopher_top_2gram", "gopher_top_3gram", "gopher_top_4gram"};
constexpr std::string_view kDupNgramRules[] = {"gopher_dup_5gram", "gopher_dup_6gram", "gopher_dup_7gram",
                                               "gopher_dup_8gram", "gopher_dup_9gram", "gopher_dup_10gram"};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct TokenScratch {
  std::vector<std::string_view> tokens;
  std::vector<uint64_t> hashes;      // XXH3 of each token, then n-gram hashes in place
  std::vector<uint64_t> word_hashes;  // XXH3 of each token
  std::vector<uint32_t> prefix_cps;   // prefix sums of token lengths in code points
  std::vector<uint32_t> active;       // positions whose n-gram may repeat
  std::vector<uint32_t> slot_of;      // counter slot of each active position
  HashCounter counter;

  std::vector<Sentence> sentences;  // punkt's sentences of the text
  std::vector<size_t> periods;        // their final periods

  void tokenize(std::string_view text) {
    tokens.clear();
    sentences.clear();
    punkt_sentences(text, sentences);
    final_periods(text, sentences, periods);
    tokenize_text(text, periods, tokens);
  }

  // Hashes and code-point prefix sums of the tokens of `text`. A double quote, and '', count as
  // NLTK writes them: `` when they open a quote ('' otherwise), which NLTK decides per sentence:
  // right after a space or ( [ { < (STARTING_QUOTES' ([ \(\[{<])("|'') -> \1 ``), or for " at the
  // very start of a sentence (^" -> ``).
  void hash_tokens(std::string_view text) {
    size_t n = tokens.size();
    word_hashes.resize(n);
    prefix_cps.resize(n + 1);
    prefix_cps[0] = 0;
    size_t sentence = 0;
    for (size_t i = 0; i < n; ++i) {
      std::string_view tok = tokens[i];
      size_t cps;
      bool double_quote = tok.size() == 1 && tok[0] == '"';
      if (double_quote || tok == "''") {
        size_t at = static_cast<size_t>(tok.data() - text.data());
        while (sentence < sentences.size() && sentences[sentence].end <= at) ++sentence;
        bool starts = sentence < sentences.size() && sentences[sentence].begin == at;
        char before = at == 0 ? '\0' : text[at - 1];
        bool opening = (double_quote && starts) ||
                       (!starts && (before == ' ' || before == '(' || before == '[' || before == '{' || before == '<'));
        word_hashes[i] = hash::xxh3_64(opening ? "``" : "''");
        cps = 2;
      } else {
        word_hashes[i] = hash::xxh3_64(tok);
        cps = code_points(tok);
      }
      prefix_cps[i + 1] = prefix_cps[i] + static_cast<uint32_t>(cps);
    }
  }
};

std::string_view compare_symbol(Compare compare) {
  switch (compare) {
    case Compare::at_least: return ">=";
    case Compare::at_most: return "<=";
    case Compare::above: return ">";
    case Compare::below: return "<";
  }
  return "?";
}

size_t code_points(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void word_tokenize(std::string_view text, std::vector<std::string_view>& tokens) {
  std::vector<Sentence> sentences;
  std::vector<size_t> periods;
  punkt_sentences(text, sentences);
  final_periods(text, sentences, periods);
  tokenize_text(text, periods, tokens);
}

namespace {

void tokenize_text(std::string_view text, const std::vector<size_t>& periods, std::vector<std::string_view>& tokens) {
  size_t i = 0, n = text.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (kByteClass[c] == kSpace) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t w = py_space_length(text, i);
      if (w) {
        i += w;
        continue;
      }
    }
    size_t start = i;
    while (i < n) {
      unsigned char d = static_cast<unsigned char>(text[i]);
      if (kByteClass[d] == kSpace) break;
      if (d >= 0x80 && py_space_length(text, i)) break;
      ++i;
    }
    tokenize_chunk(text, start, i, periods, tokens);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Length rules.

LengthFilter::LengthFilter(LengthOptions options) : options_(options) {}

bool LengthFilter::evaluate(std::string_view text, bool explain, std::vector<RuleResult>& out) const {
  Emitter em{out, explain};
  const LengthOptions& o = options_;
  if (o.min_chars.enabled || o.max_chars.enabled) {
    double chars = static_cast<double>(code_points(text));
    if (o.min_chars.enabled && !em.add("min_chars", chars, o.min_chars, Compare::at_least)) return false;
    if (o.max_chars.enabled && !em.add("max_chars", chars, o.max_chars, Compare::at_most)) return false;
  }
  if (o.min_words.enabled || o.max_words.enabled) {
    size_t words = 0;
    text::for_each_word(text, [&](std::string_view) { ++words; });
    if (o.min_words.enabled && !em.add("min_words", static_cast<double>(words), o.min_words, Compare::at_least)) return false;
    if (o.max_words.enabled && !em.add("max_words", static_cast<double>(words), o.max_words, Compare::at_most)) return false;
  }
  if (o.max_nav_lines.enabled &&
      !em.add("nav_lines", count_navigation_lines(text).share(), o.max_nav_lines, Compare::at_most))
    return false;
  return em.all_passed;
}

// ---------------------------------------------------------------------------------------------
// Gopher.

GopherFilter::GopherFilter(GopherQualityOptions quality, GopherRepetitionOptions repetition)
    : quality_(std::move(quality)), repetition_(repetition), scratch_(std::make_unique<TokenScratch>()) {
  build_stop_table();
}

void GopherFilter::build_stop_table() {
  size_t size = 16;
  while (size < quality_.stop_words.size() * 4) size <<= 1;
  stop_table_.assign(size, 0);
  stop_mask_ = size - 1;
  for (const std::string& w : quality_.stop_words) {
    uint64_t h = hash::xxh3_64(w);
    if (h == 0) h = 1;  // 0 marks an empty slot; a word hashing to 0 is a 2^-64 event
    size_t slot = h & stop_mask_;
    while (stop_table_[slot] != 0 && stop_table_[slot] != h) slot = (slot + 1) & stop_mask_;
    stop_table_[slot] = h;
  }
}

GopherFilter::~GopherFilter() = default;
GopherFilter::GopherFilter(const GopherFilter& other)
    : quality_(other.quality_),
      repetition_(other.repetition_),
      stop_table_(other.stop_table_),
      stop_mask_(other.stop_mask_),
      scratch_(std::make_unique<TokenScratch>()) {}
GopherFilter& GopherFilter::operator=(const GopherFilter& other) {
  if (this != &other) {
    quality_ = other.quality_;
    repetition_ = other.repetition_;
    stop_table_ = other.stop_table_;
    stop_mask_ = other.stop_mask_;
    scratch_ = std::make_unique<TokenScratch>();
  }
  return *this;
}
GopherFilter::GopherFilter(GopherFilter&&) noexcept = default;
GopherFilter& GopherFilter::operator=(GopherFilter&&) noexcept = default;

bool GopherFilter::evaluate(std::string_view text, bool explain, std::vector<RuleResult>& out) {
  scratch_->tokenize(text);
  scratch_->hash_tokens(text);
  bool ok = run_quality(text, explain, out);
  if (!ok && !explain) return false;
  return run_repetition(text, explain, out) && ok;
}

bool GopherFilter::quality(std::string_view text, bool explain, std::vector<RuleResult>& out) {
  scratch_->tokenize(text);
  scratch_->hash_tokens(text);
  return run_quality(text, explain, out);
}

bool GopherFilter::repetition(std::string_view text, bool explain, std::vector<RuleResult>& out) {
  scratch_->tokenize(text);
  scratch_->hash_tokens(text);
  return run_repetition(text, explain, out);
}

bool GopherFilter::run_quality(std::string_view text, bool explain, std::vector<RuleResult>& out) {
  const GopherQualityOptions& o = quality_;
  const TokenScratch& t = *scratch_;
  Emitter em{out, explain};
  size_t n_tokens = t.tokens.size();

  // One pass over the tokens: non-symbol words and their lengths, words with a letter, stop words.
  // The reference counts distinct stop words: len(stop_words & set(tokens)).
  size_t n_words = 0, word_cps = 0, alpha_words = 0, stop_words = 0;
  stop_seen_.assign(stop_table_.size(), 0);
  for (size_t k = 0; k < n_tokens; ++k) {
    std::string_view w = t.tokens[k];
    uint8_t flags = 0;
    for (size_t i = 0; i < w.size();) {
      unsigned char c = static_cast<unsigned char>(w[i]);
      if (c < 0x80) {
        flags |= kAsciiWordFlags[c];
        ++i;
      } else {
        Decoded d = decode(w, i);
        flags |= (is_datatrove_punctuation(d.cp) ? 0 : kNonSymbol) | (is_alpha(d.cp) ? kAlpha : 0);
        i += d.len;
      }
    }
    bool non_symbol = flags & kNonSymbol, alpha = flags & kAlpha;
    if (non_symbol) {
      ++n_words;
      word_cps += t.prefix_cps[k + 1] - t.prefix_cps[k];
    }
    alpha_words += alpha;
    uint64_t h = t.word_hashes[k];
    for (size_t slot = h & stop_mask_; stop_table_[slot] != 0; slot = (slot + 1) & stop_mask_) {
      if (stop_table_[slot] == h) {
        stop_words += !stop_seen_[slot];
        stop_seen_[slot] = 1;
        break;
      }
    }
  }

  if (o.min_words.enabled && !em.add("gopher_min_words", static_cast<double>(n_words), o.min_words, Compare::at_least))
    return false;
  if (o.max_words.enabled && !em.add("gopher_max_words", static_cast<double>(n_words), o.max_words, Compare::at_most))
    return false;
  double mean_length = ratio(static_cast<double>(word_cps), static_cast<double>(n_words));
  if (o.min_mean_word_length.enabled &&
      !em.add("gopher_min_mean_word_length", mean_length, o.min_mean_word_length, Compare::at_least))
    return false;
  if (o.max_mean_word_length.enabled &&
      !em.add("gopher_max_mean_word_length", mean_length, o.max_mean_word_length, Compare::at_most))
    return false;

  if (o.max_symbol_word_ratio.enabled) {
    size_t hashes = static_cast<size_t>(std::count(text.begin(), text.end(), '#'));
    size_t ellipses = 0;
    for (size_t i = 0; i < text.size();) {
      if (text[i] == '.' && i + 2 < text.size() && text[i + 1] == '.' && text[i + 2] == '.') {
        ++ellipses;  // str.count("...") does not overlap
        i += 3;
      } else if (static_cast<unsigned char>(text[i]) == 0xE2 && text.substr(i, 3) == kEllipsisChar) {
        ++ellipses;
        i += 3;
      } else {
        ++i;
      }
    }
    double value = ratio(static_cast<double>(std::max(hashes, ellipses)), static_cast<double>(n_tokens));
    if (!em.add("gopher_symbol_ratio", value, o.max_symbol_word_ratio, Compare::at_most)) return false;
  }

  if (o.max_bullet_lines_ratio.enabled || o.max_ellipsis_lines_ratio.enabled) {
    size_t lines = 0, bullets = 0, ellipsis_lines = 0;
    for_each_splitline(text, [&](std::string_view line) {
      ++lines;
      std::string_view l = py_lstrip(line);
      bullets += starts_with(l, kBullet) || starts_with(l, "-");
      std::string_view r = py_rstrip(line);
      ellipsis_lines += ends_with(r, "...") || ends_with(r, kEllipsisChar);
    });
    if (o.max_bullet_lines_ratio.enabled &&
        !em.add("gopher_bullet_lines", ratio(static_cast<double>(bullets), static_cast<double>(lines)),
                o.max_bullet_lines_ratio, Compare::at_most))
      return false;
    if (o.max_ellipsis_lines_ratio.enabled &&
        !em.add("gopher_ellipsis_lines", ratio(static_cast<double>(ellipsis_lines), static_cast<double>(lines)),
                o.max_ellipsis_lines_ratio, Compare::at_most))
      return false;
  }

  // The reference divides by all tokens here, punctuation included.
  if (o.min_alpha_words_ratio.enabled &&
      !em.add("gopher_alpha_words", ratio(static_cast<double>(alpha_words), static_cast<double>(n_tokens)),
              o.min_alpha_words_ratio, Compare::at_least))
    return false;
  if (o.min_stop_words.enabled &&
      !em.add("gopher_stop_words", static_cast<double>(stop_words), o.min_stop_words, Compare::at_least))
    return false;
  return em.all_passed;
}

bool GopherFilter::run_repetition(std::string_view text, bool explain, std::vector<RuleResult>& out) {
  const GopherRepetitionOptions& o = repetition_;
  TokenScratch& t = *scratch_;
  Emitter em{out, explain};
  double text_cps = static_cast<double>(code_points(text));
  size_t newlines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));

  // Paragraphs: the stripped text split on runs of two or more newlines.
  if (o.max_dup_para_frac.enabled || o.max_dup_para_chars.enabled) {
    std::string_view s = py_strip(text);
    size_t paragraphs = 0, dups = 0, dup_cps = 0;
    t.counter.reset(newlines + 1);
    auto add = [&](std::string_view p) {
      ++paragraphs;
      if (!t.counter.insert(hash::xxh3_64(p))) {
        ++dups;
        dup_cps += code_points(p);
      }
    };
    size_t start = 0, i = 0;
    while (true) {
      size_t nl = s.find("\n\n", i);
      if (nl == std::string_view::npos) break;
      size_t end = nl;
      while (end < s.size() && s[end] == '\n') ++end;
      add(s.substr(start, nl - start));
      start = i = end;
    }
    add(s.substr(start));
    if (o.max_dup_para_frac.enabled &&
        !em.add("gopher_dup_para_frac", ratio(static_cast<double>(dups), static_cast<double>(paragraphs)),
                o.max_dup_para_frac, Compare::at_most))
      return false;
    if (o.max_dup_para_chars.enabled &&
        !em.add("gopher_dup_para_chars", ratio(static_cast<double>(dup_cps), text_cps), o.max_dup_para_chars,
                Compare::at_most))
      return false;
  }

  // Lines: the text split on runs of newlines (leading and trailing empty pieces included).
  if (o.max_dup_line_frac.enabled || o.max_dup_line_chars.enabled) {
    size_t lines = 0, dups = 0, dup_cps = 0;
    t.counter.reset(newlines + 1);
    auto add = [&](std::string_view l) {
      ++lines;
      if (!t.counter.insert(hash::xxh3_64(l))) {
        ++dups;
        dup_cps += code_points(l);
      }
    };
    size_t start = 0;
    while (true) {
      size_t nl = text.find('\n', start);
      if (nl == std::string_view::npos) break;
      size_t end = nl;
      while (end < text.size() && text[end] == '\n') ++end;
      add(text.substr(start, nl - start));
      start = end;
    }
    add(text.substr(start));
    if (o.max_dup_line_frac.enabled &&
        !em.add("gopher_dup_line_frac", ratio(static_cast<double>(dups), static_cast<double>(lines)),
                o.max_dup_line_frac, Compare::at_most))
      return false;
    if (o.max_dup_line_chars.enabled &&
        !em.add("gopher_dup_line_chars", ratio(static_cast<double>(dup_cps), text_cps), o.max_dup_line_chars,
                Compare::at_most))
      return false;
  }

  // N-grams. An n-gram can occur twice only where its (n-1)-gram prefix does, so each n looks
  // only at the positions whose (n-1)-gram repeats: in prose a small share for n >= 4. The values
  // are exactly those of the full scans: a unique n-gram is never found in the set and never found
  // again, and a repeated n-gram has all its occurrences among those positions.
  bool any_ngram = false;
  for (const Limit& l : o.max_top_ngram_chars) any_ngram = any_ngram || l.enabled;
  for (const Limit& l : o.max_dup_ngram_chars) any_ngram = any_ngram || l.enabled;
  if (!any_ngram) return em.all_passed;

  size_t n_tokens = t.tokens.size();
  auto span_cps = [&](size_t i, size_t n) { return static_cast<size_t>(t.prefix_cps[i + n] - t.prefix_cps[i]); };
  // hashes[p] is the hash of the n-gram at p for the current n, kept up to date at active positions.
  t.hashes.assign(t.word_hashes.begin(), t.word_hashes.end());
  t.active.resize(n_tokens);
  for (size_t p = 0; p < n_tokens; ++p) t.active[p] = static_cast<uint32_t>(p);

  for (size_t n = 2; n <= 10; ++n) {
    const Limit& limit = n <= 4 ? o.max_top_ngram_chars[n - 2] : o.max_dup_ngram_chars[n - 5];
    std::string_view rule = n <= 4 ? kTopNgramRules[n - 2] : kDupNgramRules[n - 5];
    if (n_tokens < n) {
      // No n-gram: the reference skips the top n-gram rule and finds no duplicate n-gram.
      if (limit.enabled && !em.add(rule, 0.0, limit, Compare::at_most)) return false;
      continue;
    }
    size_t windows = n_tokens - n + 1;
    while (!t.active.empty() && t.active.back() >= windows) t.active.pop_back();
    for (uint32_t p : t.active) t.hashes[p] = extend_hash(t.hashes[p], t.word_hashes[p + n - 1]);

    if (n <= 5) {
      // Count the n-grams at the active positions; keep those seen twice or more.
      t.counter.reset(t.active.size());
      t.slot_of.resize(t.active.size());
      uint32_t best_count = 0, best_first = 0;
      for (size_t k = 0; k < t.active.size(); ++k) {
        HashCounter::Slot& s = t.counter.find_or_insert(t.hashes[t.active[k]], t.active[k]);
        ++s.count;
        t.slot_of[k] = t.counter.index_of(s);
        // Among equally frequent n-grams the first seen wins (Counter.most_common keeps insertion order).
        if (s.count > best_count || (s.count == best_count && s.first < best_first)) {
          best_count = s.count;
          best_first = s.first;
        }
      }
      if (n <= 4 && limit.enabled) {
        if (best_count < 2) {  // every n-gram is unique: the first one is the top
          best_count = 1;
          best_first = 0;
        }
        double top_cps = static_cast<double>(span_cps(best_first, n) + (n - 1)) * best_count;
        if (!em.add(rule, ratio(top_cps, text_cps), limit, Compare::at_most)) return false;
      }
      size_t kept = 0;
      for (size_t k = 0; k < t.active.size(); ++k)
        if (t.counter.at(t.slot_of[k]).count >= 2) t.active[kept++] = t.active[k];
      t.active.resize(kept);
    }

    if (n >= 5 && limit.enabled) {
      // Left to right; a repeat of an earlier n-gram counts its characters and jumps past itself.
      t.counter.reset(t.active.size());
      size_t repeated = 0, next_allowed = 0;
      for (uint32_t p : t.active) {
        if (p < next_allowed) continue;
        if (!t.counter.insert(t.hashes[p])) {
          repeated += span_cps(p, n);
          next_allowed = p + n;
        }
      }
      if (!em.add(rule, ratio(static_cast<double>(repeated), text_cps), limit, Compare::at_most)) return false;
    }
  }
  return em.all_passed;
}

// ---------------------------------------------------------------------------------------------
// C4.

namespace {

constexpr std::string_view kPolicySubstrings[] = {"terms of use",  "privacy policy", "cookie policy",
                                                  "uses cookies",  "use of cookies", "use cookies"};

// The citation markers C4 removes at s[i] ("[12]", "[]", "[edit]", "[citation needed]"): length or 0.
size_t citation_length(std::string_view s, size_t i) {
  size_t j = i + 1;
  while (j < s.size() && is_ascii_digit(s[j])) ++j;
  if (j < s.size() && s[j] == ']') return j + 1 - i;
  if (s.substr(i, 6) == "[edit]") return 6;
  if (s.substr(i, 17) == "[citation needed]") return 17;
  return 0;
}

}  // namespace

C4Filter::C4Filter(C4Options options) : options_(options) {}

bool C4Filter::evaluate(std::string_view text, bool explain, std::vector<RuleResult>& out, std::string* kept_text,
                        C4LineCounts* counts) {
  const C4Options& o = options_;
  Emitter em{out, explain};
  C4LineCounts local;
  C4LineCounts& c = counts ? *counts : local;
  c = C4LineCounts{};
  if (kept_text) kept_text->clear();

  size_t sentences = 0, lorem_lines = 0, curly_lines = 0;
  // Which document rule the reference would have hit first (it returns on the first such line).
  std::string_view first_doc_rule;
  bool stopped = false;
  const size_t max_word = o.max_word_length.enabled ? static_cast<size_t>(o.max_word_length.threshold) : SIZE_MAX;

  for_each_splitline(text, [&](std::string_view raw) {
    if (stopped) return;
    ++c.total;
    std::string_view line = py_strip(raw);
    size_t words = 0;
    bool too_long = false;
    py_for_each_word(line, [&](std::string_view w) {
      ++words;
      if (w.size() > max_word && code_points(w) > max_word) too_long = true;
    });
    if (too_long) {
      ++c.too_long_word;
      return;
    }
    if (o.remove_citations && line.find('[') != std::string_view::npos) {
      line_buffer_.clear();
      size_t i = 0;
      bool removed = false;
      while (i < line.size()) {
        size_t len = line[i] == '[' ? citation_length(line, i) : 0;
        if (len) {
          i += len;
          removed = true;
        } else {
          line_buffer_.push_back(line[i++]);
        }
      }
      if (removed) line = line_buffer_;
    }
    if (o.filter_no_terminal_punct) {
      bool terminal = !line.empty() && (line.back() == '.' || line.back() == '?' || line.back() == '!' ||
                                        line.back() == '"' || line.back() == '\'');
      if (!terminal || ends_with(line, "...")) {
        ++c.no_terminal_punct;
        return;
      }
    }
    if (o.min_words_per_line.enabled && static_cast<double>(words) < o.min_words_per_line.threshold) {
      ++c.too_few_words;
      return;
    }
    if (o.filter_lorem_ipsum && contains_ascii_ci(line, "lorem ipsum")) {
      ++lorem_lines;
      ++c.lorem_ipsum;
      if (first_doc_rule.empty()) first_doc_rule = "c4_lorem_ipsum";
      stopped = !explain;
      return;
    }
    if (o.filter_javascript && contains_ascii_ci(line, "javascript")) {
      ++c.javascript;
      return;
    }
    if (o.filter_curly_bracket && line.find('{') != std::string_view::npos) {
      ++curly_lines;
      ++c.curly_bracket;
      if (first_doc_rule.empty()) first_doc_rule = "c4_curly_bracket";
      stopped = !explain;
      return;
    }
    if (o.filter_policy) {
      for (std::string_view p : kPolicySubstrings) {
        if (contains_ascii_ci(line, p)) {
          ++c.policy;
          return;
        }
      }
    }
    sentences += punkt_sentence_count(line);
    ++c.kept;
    if (kept_text) {
      if (c.kept > 1) kept_text->push_back('\n');
      kept_text->append(line);
    }
  });

  if (kept_text) {
    std::string_view k = py_strip(*kept_text);
    size_t lead = static_cast<size_t>(k.data() - kept_text->data());
    kept_text->erase(lead + k.size());
    kept_text->erase(0, lead);
  }

  const Limit zero{true, 0};
  auto add_lorem = [&] { return em.add("c4_lorem_ipsum", static_cast<double>(lorem_lines), zero, Compare::at_most); };
  auto add_curly = [&] { return em.add("c4_curly_bracket", static_cast<double>(curly_lines), zero, Compare::at_most); };
  if (first_doc_rule == "c4_curly_bracket") {
    if (o.filter_curly_bracket && !add_curly()) return false;
    if (o.filter_lorem_ipsum && !add_lorem()) return false;
  } else {
    if (o.filter_lorem_ipsum && !add_lorem()) return false;
    if (o.filter_curly_bracket && !add_curly()) return false;
  }
  if (o.min_sentences.enabled &&
      !em.add("c4_min_sentences", static_cast<double>(sentences), o.min_sentences, Compare::at_least))
    return false;
  return em.all_passed;
}

// ---------------------------------------------------------------------------------------------
// FineWeb.

FineWebFilter::FineWebFilter(FineWebOptions options)
    : options_(options), scratch_(std::make_unique<TokenScratch>()) {}
FineWebFilter::~FineWebFilter() = default;
FineWebFilter::FineWebFilter(const FineWebFilter& other)
    : options_(other.options_), scratch_(std::make_unique<TokenScratch>()) {}
FineWebFilter& FineWebFilter::operator=(const FineWebFilter& other) {
  if (this != &other) {
    options_ = other.options_;
    scratch_ = std::make_unique<TokenScratch>();
  }
  return *this;
}
FineWebFilter::FineWebFilter(FineWebFilter&&) noexcept = default;
FineWebFilter& FineWebFilter::operator=(FineWebFilter&&) noexcept = default;

bool FineWebFilter::evaluate(std::string_view text, bool explain, std::vector<RuleResult>& out) {
  const FineWebOptions& o = options_;
  TokenScratch& t = *scratch_;
  Emitter em{out, explain};

  // Every ratio is over the lines of text.split("\n") that are not blank (line.strip() != "").
  size_t lines = 0, punct_lines = 0, short_lines = 0, newlines = 0, dup_cps = 0;
  t.counter.reset(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  size_t start = 0;
  while (true) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!py_strip(line).empty()) {
      ++lines;
      punct_lines += is_terminal_punctuation(last_code_point(line));
      size_t cps = code_points(line);
      short_lines += cps <= o.short_line_length;
      if (o.max_char_dup_ratio.enabled && !t.counter.insert(hash::xxh3_64(line))) dup_cps += cps;
    }
    if (nl == std::string_view::npos) break;
    ++newlines;
    start = nl + 1;
  }
  // The reference drops a text without a non-blank line before any ratio ("empty").
  if (lines == 0) {
    em.add("fineweb_empty", 0, Limit{true, 1}, Compare::at_least);
    return false;
  }

  if (o.min_line_punct_ratio.enabled) {
    double value = ratio(static_cast<double>(punct_lines), static_cast<double>(lines));
    if (value == 0 && o.line_punct_exclude_zero) {
      if (!em.add("fineweb_line_punct_ratio", value, Limit{true, 0}, Compare::at_least)) return false;
    } else if (!em.add("fineweb_line_punct_ratio", value, o.min_line_punct_ratio, Compare::at_least)) {
      return false;
    }
  }
  if (o.max_short_line_ratio.enabled &&
      !em.add("fineweb_short_line_ratio", ratio(static_cast<double>(short_lines), static_cast<double>(lines)),
              o.max_short_line_ratio, Compare::at_most))
    return false;
  if (o.max_char_dup_ratio.enabled) {
    double chars = static_cast<double>(code_points(text) - newlines);
    if (!em.add("fineweb_char_dup_ratio", ratio(static_cast<double>(dup_cps), chars), o.max_char_dup_ratio,
                Compare::at_most))
      return false;
  }
  if (o.max_newline_ratio.enabled) {
    t.tokenize(text);
    double tokens = static_cast<double>(std::max<size_t>(1, t.tokens.size()));
    if (!em.add("fineweb_newline_ratio", static_cast<double>(newlines) / tokens, o.max_newline_ratio, Compare::at_most))
      return false;
  }
  return em.all_passed;
}

}  // namespace dqprep::quality
