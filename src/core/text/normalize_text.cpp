#include "dqprep/text/normalize_text.hpp"

#include <simdjson.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dqprep/text/mojibake.hpp"
#include "dqprep/text/text.hpp"
#include "html_entities.hpp"

namespace dqprep::text {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// ---------------------------------------------------------------------------------------------
// UTF-8 helpers (input already valid, but never read past the end)

inline uint8_t byte_at(std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }

// Decodes the code point at s[i]; returns its length. A truncated sequence yields U+FFFD, 1.
inline size_t decode(std::string_view s, size_t i, char32_t& cp) {
  uint8_t c = byte_at(s, i);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  size_t len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (c < 0xC0 || i + len > s.size()) {
    cp = 0xFFFD;
    return 1;
  }
  if (len == 2) {
    cp = (char32_t(c & 0x1F) << 6) | (byte_at(s, i + 1) & 0x3F);
  } else if (len == 3) {
    cp = (char32_t(c & 0x0F) << 12) | (char32_t(byte_at(s, i + 1) & 0x3F) << 6) |
         (byte_at(s, i + 2) & 0x3F);
  } else {
    cp = (char32_t(c & 0x07) << 18) | (char32_t(byte_at(s, i + 1) & 0x3F) << 12) |
         (char32_t(byte_at(s, i + 2) & 0x3F) << 6) | (byte_at(s, i + 3) & 0x3F);
  }
  return len;
}

// Start of the code point that ends just before s[i] (i > 0).
inline size_t previous_start(std::string_view s, size_t i) {
  size_t j = i - 1;
  while (j > 0 && i - j < 4 && (byte_at(s, j) & 0xC0) == 0x80) --j;
  return j;
}

inline void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Index of the first byte >= 0x80 at or after `from`, or s.size().
size_t find_non_ascii(std::string_view s, size_t from) {
  size_t i = from, n = s.size();
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL) break;
  }
  for (; i < n; ++i)
    if (byte_at(s, i) >= 0x80) return i;
  return n;
}

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;

inline uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
// High bit of each byte equal to c (exact, no carries between bytes).
inline uint64_t eq_mask(uint64_t w, uint8_t c) {
  uint64_t x = w ^ (kOnes * c);
  return ~(((x & ~kHigh) + ~kHigh) | x) & kHigh;
}
// High bit of each byte below c (c <= 0x80; exact, non-ASCII bytes are never below).
inline uint64_t lt_mask(uint64_t w, uint8_t c) {
  return ~((w & ~kHigh) + kOnes * (0x80 - c)) & ~w & kHigh;
}

// Index of the first byte a mask of high bits (as load8 reads bytes) marks.
inline size_t first_flagged(uint64_t m) {
  bool little = std::endian::native == std::endian::little;
  int bit = little ? std::countr_zero(m) : std::countl_zero(m);
  return static_cast<size_t>(bit) >> 3;
}

// The first position at or after `i` whose byte `flags` marks, or s.size(). `flags(w0, w1, w2)`
// gets the 8 bytes at p, p + 1, p + 2 and returns a high bit for each byte at p to flag; the
// text is read as if followed by 'x' bytes, which no caller flags.
template <class Flags>
size_t scan(std::string_view s, size_t i, Flags flags) {
  size_t n = s.size();
  for (; i + 10 <= n; i += 8) {
    uint64_t m = flags(load8(s.data() + i), load8(s.data() + i + 1), load8(s.data() + i + 2));
    if (m) return i + first_flagged(m);
  }
  if (i >= n) return n;
  char tail[24];
  std::memset(tail, 'x', sizeof tail);
  std::memcpy(tail, s.data() + i, n - i);
  for (size_t k = 0; k < n - i; k += 8) {
    uint64_t m = flags(load8(tail + k), load8(tail + k + 1), load8(tail + k + 2));
    if (m) return std::min(n, i + k + first_flagged(m));
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Copy-on-first-edit output: a step that changes nothing never writes.

class Editor {
 public:
  Editor(std::string_view src, std::string& dst) : src_(src), dst_(dst) {}

  // Source bytes before `pos` are final; dst() then holds the output up to there.
  void flush_to(size_t pos) {
    if (!edited_) {
      dst_.clear();
      edited_ = true;
    }
    dst_.append(src_.data() + keep_, pos - keep_);
    keep_ = pos;
  }
  // Replaces src[pos, pos + len) by `with`; calls come in increasing `pos`.
  void replace(size_t pos, size_t len, std::string_view with) {
    flush_to(pos);
    dst_.append(with);
    keep_ = pos + len;
  }
  // Drops src[pos, pos + len); the caller appends its replacement to the returned output.
  std::string& replace_by_appending(size_t pos, size_t len) {
    flush_to(pos);
    keep_ = pos + len;
    return dst_;
  }
  const std::string& dst() const { return dst_; }
  // True when something was replaced (dst then holds the whole output).
  bool finish() {
    if (edited_) dst_.append(src_.data() + keep_, src_.size() - keep_);
    return edited_;
  }

 private:
  std::string_view src_;
  std::string& dst_;
  size_t keep_ = 0;
  bool edited_ = false;
};

// ---------------------------------------------------------------------------------------------
// Step 2: HTML

enum class TagBreak : uint8_t { none, space, line, paragraph };

struct ElementInfo {
  std::string_view name;
  TagBreak brk;
  bool drop_content;  // script and friends: the contents are not text
};

// Known elements (HTML5 and obsolete ones still found in scraped pages), sorted by name.
constexpr ElementInfo kElements[] = {
    {"a", TagBreak::none, false},          {"abbr", TagBreak::none, false},
    {"acronym", TagBreak::none, false},    {"address", TagBreak::paragraph, false},
    {"applet", TagBreak::none, false},     {"area", TagBreak::none, false},
    {"article", TagBreak::paragraph, false}, {"aside", TagBreak::paragraph, false},
    {"audio", TagBreak::none, false},      {"b", TagBreak::none, false},
    {"base", TagBreak::none, false},       {"basefont", TagBreak::none, false},
    {"bdi", TagBreak::none, false},        {"bdo", TagBreak::none, false},
    {"bgsound", TagBreak::none, false},    {"big", TagBreak::none, false},
    {"blink", TagBreak::none, false},      {"blockquote", TagBreak::paragraph, false},
    {"body", TagBreak::paragraph, false},  {"br", TagBreak::line, false},
    {"button", TagBreak::none, false},     {"canvas", TagBreak::none, false},
    {"caption", TagBreak::line, false},    {"center", TagBreak::paragraph, false},
    {"cite", TagBreak::none, false},       {"code", TagBreak::none, false},
    {"col", TagBreak::none, false},        {"colgroup", TagBreak::none, false},
    {"data", TagBreak::none, false},       {"datalist", TagBreak::none, false},
    {"dd", TagBreak::line, false},         {"del", TagBreak::none, false},
    {"details", TagBreak::paragraph, false}, {"dfn", TagBreak::none, false},
    {"dialog", TagBreak::paragraph, false}, {"dir", TagBreak::paragraph, false},
    {"div", TagBreak::line, false},        {"dl", TagBreak::paragraph, false},
    {"dt", TagBreak::line, false},         {"em", TagBreak::none, false},
    {"embed", TagBreak::none, false},      {"fieldset", TagBreak::paragraph, false},
    {"figcaption", TagBreak::line, false}, {"figure", TagBreak::paragraph, false},
    {"font", TagBreak::none, false},       {"footer", TagBreak::paragraph, false},
    {"form", TagBreak::paragraph, false},  {"frame", TagBreak::none, false},
    {"frameset", TagBreak::none, false},   {"h1", TagBreak::paragraph, false},
    {"h2", TagBreak::paragraph, false},    {"h3", TagBreak::paragraph, false},
    {"h4", TagBreak::paragraph, false},    {"h5", TagBreak::paragraph, false},
    {"h6", TagBreak::paragraph, false},    {"head", TagBreak::paragraph, false},
    {"header", TagBreak::paragraph, false}, {"hgroup", TagBreak::paragraph, false},
    {"hr", TagBreak::paragraph, false},    {"html", TagBreak::paragraph, false},
    {"i", TagBreak::none, false},          {"iframe", TagBreak::none, false},
    {"img", TagBreak::none, false},        {"input", TagBreak::none, false},
    {"ins", TagBreak::none, false},        {"kbd", TagBreak::none, false},
    {"label", TagBreak::none, false},      {"legend", TagBreak::line, false},
    {"li", TagBreak::line, false},         {"link", TagBreak::none, false},
    {"main", TagBreak::paragraph, false},  {"map", TagBreak::none, false},
    {"mark", TagBreak::none, false},       {"marquee", TagBreak::none, false},
    {"math", TagBreak::none, false},       {"menu", TagBreak::paragraph, false},
    {"meta", TagBreak::none, false},       {"meter", TagBreak::none, false},
    {"nav", TagBreak::paragraph, false},   {"nobr", TagBreak::none, false},
    {"noembed", TagBreak::none, true},     {"noframes", TagBreak::none, true},
    {"noscript", TagBreak::none, true},    {"object", TagBreak::none, false},
    {"ol", TagBreak::paragraph, false},    {"optgroup", TagBreak::line, false},
    {"option", TagBreak::line, false},     {"output", TagBreak::none, false},
    {"p", TagBreak::paragraph, false},     {"param", TagBreak::none, false},
    {"picture", TagBreak::none, false},    {"pre", TagBreak::paragraph, false},
    {"progress", TagBreak::none, false},   {"q", TagBreak::none, false},
    {"rb", TagBreak::none, false},         {"rp", TagBreak::none, false},
    {"rt", TagBreak::none, false},         {"rtc", TagBreak::none, false},
    {"ruby", TagBreak::none, false},       {"s", TagBreak::none, false},
    {"samp", TagBreak::none, false},       {"script", TagBreak::none, true},
    {"search", TagBreak::paragraph, false}, {"section", TagBreak::paragraph, false},
    {"select", TagBreak::none, false},     {"slot", TagBreak::none, false},
    {"small", TagBreak::none, false},      {"source", TagBreak::none, false},
    {"span", TagBreak::none, false},       {"strike", TagBreak::none, false},
    {"strong", TagBreak::none, false},     {"style", TagBreak::none, true},
    {"sub", TagBreak::none, false},        {"summary", TagBreak::line, false},
    {"sup", TagBreak::none, false},        {"svg", TagBreak::none, true},
    {"table", TagBreak::paragraph, false}, {"tbody", TagBreak::none, false},
    {"td", TagBreak::space, false},        {"template", TagBreak::none, true},
    {"textarea", TagBreak::none, false},   {"tfoot", TagBreak::none, false},
    {"th", TagBreak::space, false},        {"thead", TagBreak::none, false},
    {"time", TagBreak::none, false},       {"title", TagBreak::paragraph, false},
    {"tr", TagBreak::line, false},         {"track", TagBreak::none, false},
    {"tt", TagBreak::none, false},         {"u", TagBreak::none, false},
    {"ul", TagBreak::paragraph, false},    {"var", TagBreak::none, false},
    {"video", TagBreak::none, false},      {"wbr", TagBreak::none, false},
};
static_assert(std::is_sorted(std::begin(kElements), std::end(kElements),
                             [](const ElementInfo& a, const ElementInfo& b) {
                               return a.name < b.name;
                             }));

const ElementInfo* find_element(std::string_view lower_name) {
  auto it = std::lower_bound(std::begin(kElements), std::end(kElements), lower_name,
                             [](const ElementInfo& e, std::string_view n) { return e.name < n; });
  return it != std::end(kElements) && it->name == lower_name ? &*it : nullptr;
}

inline bool is_alpha(uint8_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
inline bool is_html_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
inline char to_lower_ascii(uint8_t c) {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

bool iequals_at(std::string_view s, size_t pos, std::string_view lower) {
  if (pos + lower.size() > s.size()) return false;
  for (size_t k = 0; k < lower.size(); ++k)
    if (to_lower_ascii(byte_at(s, pos + k)) != lower[k]) return false;
  return true;
}

struct Markup {
  size_t end = 0;  // one past the markup
  TagBreak brk = TagBreak::none;
};

// Where the '>' closing a tag whose attributes start at `j` is, skipping quoted attribute
// values (they may hold '>'); npos when there is none. `last_gt` is the text's last '>': stopping
// there keeps text full of unclosed "<b" linear.
size_t find_tag_end(std::string_view s, size_t j, size_t last_gt) {
  size_t n = std::min(s.size(), last_gt + 1);
  while (j < n) {
    uint8_t c = byte_at(s, j);
    if (c == '>') return j;
    if (c == '=') {
      ++j;
      while (j < n && is_html_space(byte_at(s, j))) ++j;
      if (j < n && (s[j] == '"' || s[j] == '\'')) {
        size_t close = s.find(s[j], j + 1);
        if (close >= n) return std::string_view::npos;
        j = close + 1;
      }
      continue;
    }
    ++j;
  }
  return std::string_view::npos;
}

// Parses markup starting with '<' at s[p]; false when it is text ("a < b", "List<String>").
bool parse_markup(std::string_view s, size_t p, size_t last_gt, Markup& m) {
  size_t n = s.size();
  if (p + 1 >= n) return false;
  uint8_t c = byte_at(s, p + 1);
  if (c == '!') {
    if (s.compare(p, 4, "<!--") == 0) {
      // "<!-->" and "<!--->" are (empty) comments in HTML5; an unclosed comment runs to the end.
      if (s.compare(p, 5, "<!-->") == 0) {
        m.end = p + 5;
      } else if (s.compare(p, 6, "<!--->") == 0) {
        m.end = p + 6;
      } else {
        size_t close = s.find("-->", p + 4);
        m.end = close == std::string_view::npos ? n : close + 3;
      }
      return true;
    }
  }
  if (last_gt == std::string_view::npos || last_gt < p) return false;  // nothing can close it
  if (c == '!') {
    size_t close = s.find('>', p + 2);  // <!DOCTYPE ...>, <![CDATA[...]]>
    if (close == std::string_view::npos) return false;
    m.end = close + 1;
    return true;
  }
  if (c == '?') {
    size_t close = s.find('>', p + 2);
    if (close == std::string_view::npos) return false;
    m.end = close + 1;
    return true;
  }
  bool end_tag = c == '/';
  size_t name_start = p + 1 + (end_tag ? 1 : 0);
  if (name_start >= n || !is_alpha(byte_at(s, name_start))) return false;
  size_t j = name_start;
  bool custom = false;
  char name[16];
  size_t len = 0;
  while (j < n) {
    uint8_t d = byte_at(s, j);
    if (is_alpha(d) || is_digit(d)) {
      if (len < sizeof name) name[len] = to_lower_ascii(d);
      ++len;
    } else if (d == '-' || d == ':' || d == '_' || d == '.') {
      custom = custom || d == '-' || d == ':';
      ++len;
    } else {
      break;
    }
    ++j;
  }
  if (j < n && !(is_html_space(byte_at(s, j)) || s[j] == '/' || s[j] == '>')) return false;
  const ElementInfo* info =
      !custom && len <= sizeof name ? find_element(std::string_view(name, len)) : nullptr;
  if (!info && !custom) return false;
  size_t close = find_tag_end(s, j, last_gt);
  if (close == std::string_view::npos) return false;
  m.end = close + 1;
  m.brk = info ? info->brk : TagBreak::none;
  if (info && info->drop_content && !end_tag && s[close - 1] != '/') {
    // Contents run to the matching end tag (or to the end of the text, as browsers do).
    size_t k = m.end;
    while (true) {
      k = s.find("</", k);
      if (k == std::string_view::npos) {
        m.end = n;
        break;
      }
      size_t after = k + 2 + info->name.size();
      if (iequals_at(s, k + 2, info->name) &&
          (after == n || is_html_space(byte_at(s, after)) || s[after] == '/' || s[after] == '>')) {
        size_t gt = find_tag_end(s, after, last_gt);
        m.end = gt == std::string_view::npos ? n : gt + 1;
        break;
      }
      k += 2;
    }
  }
  return true;
}

// HTML5 maps these numeric references (0x80..0x9F) as windows-1252; 0 = keep the code point.
constexpr std::array<char16_t, 32> kWindows1252{
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Decodes a character reference at s[p] == '&' into `buf`; returns its length or 0 if none.
size_t decode_reference(std::string_view s, size_t p, std::string& buf) {
  size_t n = s.size(), j = p + 1;
  buf.clear();
  if (j < n && s[j] == '#') {
    ++j;
    bool hex = j < n && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    size_t digits_start = j;
    uint32_t value = 0;
    for (; j < n; ++j) {
      uint8_t c = byte_at(s, j);
      uint32_t d;
      if (is_digit(c)) {
        d = c - '0';
      } else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        d = (c | 0x20) - 'a' + 10;
      } else {
        break;
      }
      value = std::min<uint32_t>(value * (hex ? 16 : 10) + d, 0x110000);  // saturate
    }
    if (j == digits_start) return 0;
    if (j < n && s[j] == ';') ++j;
    char32_t cp = value;
    if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      cp = 0xFFFD;
    } else if (value >= 0x80 && value <= 0x9F && kWindows1252[value - 0x80] != 0) {
      cp = kWindows1252[value - 0x80];
    }
    encode(cp, buf);
    return j - p;
  }
  size_t name_start = j;
  while (j < n && j - name_start <= detail::kLongestHtmlEntityName &&
         (is_alpha(byte_at(s, j)) || is_digit(byte_at(s, j))))
    ++j;
  if (j == name_start || j >= n || s[j] != ';') return 0;
  std::string_view text = detail::lookup_html_entity(s.substr(name_start, j - name_start));
  if (text.empty()) return 0;
  buf.assign(text);
  return j + 1 - p;
}

// The line breaks a block tag adds: enough to make the output end in `want` of them, none at
// the start (nested blocks and the source's own new lines do not pile up); <br> always adds one.
// Only the last 64 bytes are looked at, so that a long run of white space costs nothing.
std::string_view break_text(const std::string& out_so_far, TagBreak brk, bool is_br) {
  if (brk == TagBreak::none) return {};
  if (brk == TagBreak::space) {
    char last = out_so_far.empty() ? ' ' : out_so_far.back();
    return last == ' ' || last == '\t' || last == '\n' || last == '\r' ? "" : " ";
  }
  if (is_br) return "\n";
  size_t newlines = 0, k = out_so_far.size(), stop = k > 64 ? k - 64 : 0;
  while (k > stop) {
    char c = out_so_far[k - 1];
    if (c == '\n') {
      ++newlines;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      break;
    }
    --k;
  }
  if (k == 0) return {};
  size_t want = brk == TagBreak::paragraph ? 2 : 1;
  return newlines >= want ? std::string_view() : std::string_view("\n\n", want - newlines);
}

bool strip_html(std::string_view in, std::string& out, std::string& buf, NormalizeCounts& counts) {
  Editor ed(in, out);
  size_t i = 0, n = in.size(), last_gt = in.rfind('>');
  while (i < n) {
    size_t p = scan(in, i, [](uint64_t w, uint64_t, uint64_t) {
      return eq_mask(w, '<') | eq_mask(w, '&');
    });
    if (p == n) break;
    if (in[p] == '&') {
      size_t len = decode_reference(in, p, buf);
      if (len == 0) {
        i = p + 1;
        continue;
      }
      ed.replace(p, len, buf);
      ++counts.html_entities;
      i = p + len;
      continue;
    }
    Markup m;
    if (!parse_markup(in, p, last_gt, m)) {
      i = p + 1;
      continue;
    }
    ed.flush_to(p);
    bool is_br = m.brk == TagBreak::line && iequals_at(in, p + 1, "br");
    size_t end = m.end;
    // The source's white space after a block tag is layout, not text: the break replaces it.
    if (m.brk == TagBreak::line || m.brk == TagBreak::paragraph)
      while (end < n && is_html_space(byte_at(in, end))) ++end;
    ed.replace(p, end - p, break_text(ed.dst(), m.brk, is_br));
    ++counts.html_tags_removed;
    i = end;
  }
  return ed.finish();
}

// ---------------------------------------------------------------------------------------------
// Step 3 and 7: control and invisible characters

// Length of a removable (non-joiner) control or invisible character at s[i], or 0.
inline size_t control_length(std::string_view s, size_t i) {
  uint8_t c = byte_at(s, i);
  if (c < 0x80) {
    if (c == 0x7F) return 1;
    return c < 0x20 && !(c >= '\t' && c <= '\r') ? 1 : 0;
  }
  size_t n = s.size();
  auto at = [&](size_t k) -> uint8_t { return i + k < n ? byte_at(s, i + k) : 0; };
  switch (c) {
    case 0xC2: {  // C1 controls except NEL; soft hyphen
      uint8_t d = at(1);
      return (d >= 0x80 && d <= 0x9F && d != 0x85) || d == 0xAD ? 2 : 0;
    }
    case 0xD8:  // U+061C ARABIC LETTER MARK
      return at(1) == 0x9C ? 2 : 0;
    case 0xE2: {
      uint8_t d = at(1), e = at(2);
      if (d == 0x80)  // U+200B, U+200E, U+200F, U+202A..U+202E
        return e == 0x8B || e == 0x8E || e == 0x8F || (e >= 0xAA && e <= 0xAE) ? 3 : 0;
      if (d == 0x81)  // U+2060, U+2066..U+2069
        return e == 0xA0 || (e >= 0xA6 && e <= 0xA9) ? 3 : 0;
      return 0;
    }
    case 0xEF:  // U+FEFF
      return at(1) == 0xBB && at(2) == 0xBF ? 3 : 0;
    default:
      return 0;
  }
}

bool remove_controls(std::string_view in, std::string& out, NormalizeCounts& counts) {
  Editor ed(in, out);
  size_t n = in.size();
  // Flags the first bytes control_length() looks at: C2, D8 9C, E2 80, E2 81, EF BB.
  auto flags = [](uint64_t w0, uint64_t w1, uint64_t) {
    uint64_t ws_controls = lt_mask(w0, '\r' + 1) & ~lt_mask(w0, '\t');
    uint64_t m = (lt_mask(w0, 0x20) & ~ws_controls) | eq_mask(w0, 0x7F);
    if ((w0 & kHigh) == 0) return m;
    return m | eq_mask(w0, 0xC2) | (eq_mask(w0, 0xE2) & (eq_mask(w1, 0x80) | eq_mask(w1, 0x81))) |
           (eq_mask(w0, 0xD8) & eq_mask(w1, 0x9C)) | (eq_mask(w0, 0xEF) & eq_mask(w1, 0xBB));
  };
  for (size_t i = scan(in, 0, flags); i < n; i = scan(in, i, flags)) {
    size_t len = control_length(in, i);
    if (len) {
      ed.replace(i, len, {});
      ++counts.controls_removed;
      i += len;
    } else {
      ++i;
    }
  }
  return ed.finish();
}

inline bool is_joiner_at(std::string_view s, size_t i) {
  return i + 2 < s.size() && byte_at(s, i) == 0xE2 && byte_at(s, i + 1) == 0x80 &&
         (byte_at(s, i + 2) == 0x8C || byte_at(s, i + 2) == 0x8D);
}

// A joiner's neighbour that lets it stay: non-ASCII and not white space.
inline bool joinable(std::string_view s, size_t i) {
  return byte_at(s, i) >= 0x80 && whitespace_length(s, i) == 0;
}

bool filter_joiners(std::string_view in, std::string& out, NormalizeCounts& counts) {
  Editor ed(in, out);
  size_t n = in.size();
  for (size_t i = in.find('\xE2'); i != std::string_view::npos && i < n; i = in.find('\xE2', i)) {
    if (!is_joiner_at(in, i)) {
      ++i;
      continue;
    }
    // A run of joiners is judged as one, so that what stays is judged the same next time.
    size_t end = i;
    while (is_joiner_at(in, end)) end += 3;
    bool keep = i > 0 && end < n && joinable(in, previous_start(in, i)) && joinable(in, end);
    if (!keep) {
      ed.replace(i, end - i, {});
      counts.controls_removed += (end - i) / 3;
    }
    i = end;
  }
  return ed.finish();
}

// ---------------------------------------------------------------------------------------------
// Step 5: lowercase

inline bool is_cased(char32_t cp) {
  if (cp < 0x80) return is_alpha(static_cast<uint8_t>(cp));
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
         cat == UTF8PROC_CATEGORY_LT;
}

// Unicode Case_Ignorable: Mn Me Cf Lm Sk and the Word_Break MidLetter/MidNumLet/Single_Quote set.
inline bool is_case_ignorable(char32_t cp) {
  switch (cp) {
    case '\'': case '.': case ':': case '^': case '`': case 0x00B7: case 0x0387: case 0x05F4:
    case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55:
    case 0xFF07: case 0xFF0E: case 0xFF1A:
      return true;
    default:
      break;
  }
  if (cp < 0x80) return false;
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME ||
         cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_LM ||
         cat == UTF8PROC_CATEGORY_SK;
}

// Final_Sigma's second half: no cased letter follows s[i] (skipping case-ignorable ones).
bool no_cased_after(std::string_view s, size_t i) {
  while (i < s.size()) {
    char32_t cp;
    i += decode(s, i, cp);
    if (!is_case_ignorable(cp)) return !is_cased(cp);
  }
  return true;
}

// `non_ascii_changed` tells whether a non-ASCII character was lowered (NFKC may need redoing).
bool lower(std::string_view in, std::string& out, bool& non_ascii_changed) {
  Editor ed(in, out);
  non_ascii_changed = false;
  bool prev_cased = false;  // the last non-case-ignorable character was cased
  size_t n = in.size();
  for (size_t i = 0; i < n;) {
    uint8_t c = byte_at(in, i);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        size_t j = i;
        while (j < n && byte_at(in, j) >= 'A' && byte_at(in, j) <= 'Z') ++j;
        std::string& dst = ed.replace_by_appending(i, j - i);
        for (size_t k = i; k < j; ++k) dst.push_back(static_cast<char>(in[k] + 32));
        prev_cased = true;
        i = j;
        continue;
      }
      if (!is_case_ignorable(c)) prev_cased = is_alpha(c);
      ++i;
      continue;
    }
    char32_t cp;
    size_t len = decode(in, i, cp);
    if (cp == 0x0130) {  // LATIN CAPITAL LETTER I WITH DOT ABOVE: "i\u0307" (SpecialCasing)
      ed.replace(i, len, "i\xCC\x87");
      non_ascii_changed = true;
    } else {
      char32_t low;
      if (cp == 0x03A3) {
        low = prev_cased && no_cased_after(in, i + len) ? 0x03C2 : 0x03C3;
      } else {
        low = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
      }
      if (low != cp) {
        encode(low, ed.replace_by_appending(i, len));
        non_ascii_changed = true;
      }
    }
    if (!is_case_ignorable(cp)) prev_cased = is_cased(cp);
    i += len;
  }
  return ed.finish();
}

// ---------------------------------------------------------------------------------------------
// Step 6: punctuation

inline std::string_view punct_replacement(char32_t cp) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2039: case 0x203A:
      return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x00AB: case 0x00BB:
      return "\"";
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
    case 0x2E3A: case 0x2E3B: case 0xFE31: case 0xFE32: case 0xFE58: case 0xFE63: case 0xFF0D:
      return "-";
    case 0x2026:
      return "...";
    default:
      return {};
  }
}

bool unify_punct(std::string_view in, std::string& out) {
  Editor ed(in, out);
  size_t n = in.size();
  for (size_t i = find_non_ascii(in, 0); i < n;) {
    char32_t cp;
    size_t len = decode(in, i, cp);
    std::string_view rep = punct_replacement(cp);
    if (!rep.empty()) ed.replace(i, len, rep);
    i = find_non_ascii(in, i + len);
  }
  return ed.finish();
}

// ---------------------------------------------------------------------------------------------
// Step 8: white space

enum WsKind : uint8_t { kNotSpace = 0, kHorizontal, kLineBreak, kParagraph };

// Kind and length of the white space at s[i]; CRLF is one line break.
inline WsKind ws_kind(std::string_view s, size_t i, size_t& len) {
  uint8_t c = byte_at(s, i);
  len = 1;
  if (c == ' ' || c == '\t') return kHorizontal;
  if (c == '\n' || c == '\v' || c == '\f') return kLineBreak;
  if (c == '\r') {
    if (i + 1 < s.size() && s[i + 1] == '\n') len = 2;
    return kLineBreak;
  }
  if (c < 0xC2) return kNotSpace;
  len = whitespace_length(s, i);
  if (len == 0) return kNotSpace;
  if (c == 0xC2 && byte_at(s, i + 1) == 0x85) return kLineBreak;  // NEL
  if (c == 0xE2 && byte_at(s, i + 1) == 0x80) {
    if (byte_at(s, i + 2) == 0xA8) return kLineBreak;  // LINE SEPARATOR
    if (byte_at(s, i + 2) == 0xA9) return kParagraph;  // PARAGRAPH SEPARATOR
  }
  return kHorizontal;
}

inline bool is_ascii_space(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Runs needing no change (one ' ', one or two '\n' between other characters) are skipped; anything
// else is flagged: controls, non-ASCII white space, "  ", " \n", "\n ", "\n\n\n".
inline uint64_t fold_flags(uint64_t w0, uint64_t w1, uint64_t w2) {
  uint64_t n0 = eq_mask(w0, '\n'), s0 = eq_mask(w0, ' ');
  uint64_t n1 = eq_mask(w1, '\n'), s1 = eq_mask(w1, ' ');
  uint64_t m = (lt_mask(w0, 0x20) & ~n0) | (s0 & (s1 | n1)) |
               (n0 & (s1 | (n1 & eq_mask(w2, '\n'))));
  if ((w0 & kHigh) == 0) return m;
  // The first two bytes of every non-ASCII white space (see whitespace_length).
  return m | (eq_mask(w0, 0xC2) & (eq_mask(w1, 0x85) | eq_mask(w1, 0xA0))) |
         (eq_mask(w0, 0xE1) & eq_mask(w1, 0x9A)) |
         (eq_mask(w0, 0xE2) & (eq_mask(w1, 0x80) | eq_mask(w1, 0x81))) |
         (eq_mask(w0, 0xE3) & eq_mask(w1, 0x80));
}

// scan(s, i, fold_flags), sixteen bytes at a time with SSE2 where they are ASCII (lines of real
// text hold a run to fold every few dozen bytes: the scan restarts often and must be cheap).
size_t fold_scan(std::string_view s, size_t i) {
#ifdef __SSE2__
  const char* p = s.data();
  size_t n = s.size();
  const __m128i lf = _mm_set1_epi8('\n'), sp = _mm_set1_epi8(' ');
  const __m128i last_control = _mm_set1_epi8(0x1F);
  for (; i + 18 <= n; i += 16) {
    __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    if (_mm_movemask_epi8(v0) != 0) {  // non-ASCII: these 16 bytes by the word test
      for (size_t k = 0; k < 16; k += 8) {
        uint64_t m = fold_flags(load8(p + i + k), load8(p + i + k + 1), load8(p + i + k + 2));
        if (m) return i + k + first_flagged(m);
      }
      continue;
    }
    __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 2));
    __m128i n0 = _mm_cmpeq_epi8(v0, lf), s0 = _mm_cmpeq_epi8(v0, sp);
    __m128i n1 = _mm_cmpeq_epi8(v1, lf), s1 = _mm_cmpeq_epi8(v1, sp);
    __m128i n2 = _mm_cmpeq_epi8(v2, lf);
    __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v0, last_control), last_control);
    __m128i m = _mm_andnot_si128(n0, control);
    m = _mm_or_si128(m, _mm_and_si128(s0, _mm_or_si128(s1, n1)));
    m = _mm_or_si128(m, _mm_and_si128(n0, _mm_or_si128(s1, _mm_and_si128(n1, n2))));
    if (int bits = _mm_movemask_epi8(m))
      return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(bits)));
  }
#endif
  return scan(s, i, fold_flags);
}

// `wide`: fold_scan(); false: the word scan alone (NormalizeOptions::fast_paths off, for tests).
bool fold_whitespace(std::string_view in, std::string& out, bool wide) {
  static constexpr std::string_view kBreaks = "\n\n ";
  Editor ed(in, out);
  size_t n = in.size();
  // A run at the start or end is looked at on its own: the scan stops before a trailing run.
  size_t limit = n;
  while (limit > 0 && is_ascii_space(byte_at(in, limit - 1))) --limit;
  std::string_view body = in.substr(0, limit);
  size_t done = 0;  // everything before has been looked at
  auto next = [&](size_t from) { return wide ? fold_scan(body, from) : scan(body, from, fold_flags); };
  size_t i = n > 0 && is_ascii_space(byte_at(in, 0)) ? 0 : next(0);
  while (i < n) {
    while (i > done && (in[i - 1] == ' ' || in[i - 1] == '\n')) --i;  // back to the run's start
    size_t len;
    WsKind kind = ws_kind(in, i, len);
    if (kind == kNotSpace) {
      ++i;
    } else {
      size_t start = i, newlines = 0;
      bool space_after_break = false;
      do {
        if (kind == kHorizontal) {
          space_after_break = true;
        } else {
          newlines += kind == kParagraph ? 2 : 1;
          space_after_break = false;
        }
        i += len;
      } while (i < n && (kind = ws_kind(in, i, len)) != kNotSpace);
      std::string_view want;
      if (start == 0 || i == n) {
        want = {};
      } else if (newlines == 0) {
        want = " ";
      } else {
        // "\n", "\n\n", "\n ", "\n\n " are all views of kBreaks.
        size_t count = std::min<size_t>(newlines, 2);
        want = kBreaks.substr(2 - count, count + (space_after_break ? 1 : 0));
      }
      bool same = i - start == want.size();
      for (size_t k = 0; same && k < want.size(); ++k) same = in[start + k] == want[k];
      if (!same) ed.replace(start, i - start, want);
    }
    done = i;
    if (i < limit) i = next(i);  // at limit: the trailing run, if any, is next
  }
  return ed.finish();
}

// ---------------------------------------------------------------------------------------------
// Step 4: what lets utf8proc be skipped

#if UTF8PROC_VERSION_MAJOR == 2 && UTF8PROC_VERSION_MINOR <= 8
#define DQPREP_UTF8PROC_COMB_INDEX 1
// A starter that no composition takes as its second character. utf8proc up to 2.8 marks a
// possible second by comb_index >= 0x8000, and composes Hangul jamo by arithmetic.
inline bool plain_starter(char32_t cp) {
  if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A7 && cp <= 0x11C2)) return false;
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return p->combining_class == 0 && (p->comb_index == UINT16_MAX || p->comb_index < 0x8000);
}
#endif

// ---------------------------------------------------------------------------------------------
// The shortcut for the common record: pure ASCII that no step would change.

// The length of the prefix of `s` that is ASCII and that normalize() would leave unchanged,
// s.size() when that is all of it. Eight bytes at a time; w1 and w2 are the words one and two
// bytes further on, for "  ", " \n", "\n ", "\n\n\n". The prefix holds no byte >= 0x80, and
// no control but LF when fold_whitespace or remove_control is on.
size_t ascii_unchanged_prefix(std::string_view s, const NormalizeOptions& o) {
  size_t n = s.size();
  if (n == 0) return 0;
  if (o.fold_whitespace && (s[0] == ' ' || s[0] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\n'))
    return 0;
  const uint64_t ctrl_on = o.fold_whitespace || o.remove_control ? ~0ULL : 0;
  const uint64_t del_on = o.remove_control ? ~0ULL : 0;
  const uint64_t upper_on = o.lowercase ? ~0ULL : 0;
  const uint64_t html_on = o.strip_html ? ~0ULL : 0;
  const uint64_t fold_on = o.fold_whitespace ? ~0ULL : 0;
  auto bad = [&](uint64_t w0, uint64_t w1, uint64_t w2) {
    uint64_t n0 = eq_mask(w0, '\n'), s0 = eq_mask(w0, ' ');
    uint64_t n1 = eq_mask(w1, '\n'), s1 = eq_mask(w1, ' ');
    uint64_t n2 = eq_mask(w2, '\n');
    uint64_t b = (w0 & kHigh);
    b |= lt_mask(w0, 0x20) & ~n0 & ctrl_on;  // TAB CR VT FF fold; the rest are removed
    b |= eq_mask(w0, 0x7F) & del_on;
    b |= lt_mask(w0, 'Z' + 1) & ~lt_mask(w0, 'A') & upper_on;
    b |= (eq_mask(w0, '<') | eq_mask(w0, '&')) & html_on;
    b |= ((s0 & (s1 | n1)) | (n0 & (s1 | (n1 & n2)))) & fold_on;
    return b;
  };
  return scan(s, 0, bad);
}

// What the steps after the first ones need to know of a text: whether it holds a byte >= 0x80
// (pure ASCII is valid UTF-8, its own NFC and NFKC, has no joiner, no punctuation to unify and
// stays ASCII through the later steps, which can then be skipped), and whether it holds an ASCII
// control that remove_controls() drops. One pass, sixteen bytes at a time with SSE2, from `from`
// (the bytes before it are known to be ASCII without such controls).
struct TextClass {
  bool non_ascii = false;
  bool ascii_controls = false;
};

TextClass classify(std::string_view s, size_t from) {
  TextClass c;
  const char* p = s.data();
  size_t n = s.size(), i = from;
#ifdef __SSE2__
  const __m128i tab = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r');
  const __m128i last_control = _mm_set1_epi8(0x1F), del = _mm_set1_epi8(0x7F);
  __m128i high = _mm_setzero_si128(), controls = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    high = _mm_or_si128(high, v);
    __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, last_control), last_control);
    // TAB..CR are white space, not removed: max(v, TAB) == min(v, CR) only for them.
    __m128i space = _mm_cmpeq_epi8(_mm_max_epu8(v, tab), _mm_min_epu8(v, cr));
    controls = _mm_or_si128(controls, _mm_or_si128(_mm_andnot_si128(space, control),
                                                   _mm_cmpeq_epi8(v, del)));
  }
  c.non_ascii = _mm_movemask_epi8(high) != 0;
  c.ascii_controls = _mm_movemask_epi8(controls) != 0;
#endif
  for (; i < n; ++i) {
    uint8_t b = byte_at(s, i);
    c.non_ascii |= b >= 0x80;
    c.ascii_controls |= b == 0x7F || (b < 0x20 && !(b >= '\t' && b <= '\r'));
  }
  return c;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public functions

bool is_valid_utf8(std::string_view in) { return simdjson::validate_utf8(in.data(), in.size()); }

size_t repair_utf8(std::string_view in, std::string& out) {
  out.clear();
  if (is_valid_utf8(in)) {
    out.assign(in);
    return 0;
  }
  size_t replaced = 0, n = in.size(), i = 0;
  out.reserve(n + 8);
  while (i < n) {
    size_t ascii_end = find_non_ascii(in, i);
    out.append(in.data() + i, ascii_end - i);
    i = ascii_end;
    if (i >= n) break;
    uint8_t c = byte_at(in, i);
    // Table 3-7 of the Unicode standard: the allowed range of the second byte per lead byte.
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      out.append(kReplacement);  // 80..C1, F5..FF never start a sequence
      ++replaced;
      ++i;
      continue;
    }
    size_t j = i + 1;
    bool ok = true;
    for (size_t k = 0; k < need; ++k, ++j) {
      if (j >= n || byte_at(in, j) < lo || byte_at(in, j) > hi) {
        ok = false;
        break;
      }
      lo = 0x80;
      hi = 0xBF;
    }
    if (ok) {
      out.append(in.data() + i, j - i);
    } else {
      // The maximal subpart in[i, j) becomes one U+FFFD; in[j] starts afresh.
      out.append(kReplacement);
      ++replaced;
    }
    i = j;
  }
  return replaced;
}

std::string lowercase(std::string_view in) {
  std::string out;
  bool non_ascii_changed;
  if (!lower(in, out, non_ascii_changed)) out.assign(in);
  return out;
}

namespace {
// Caches a stability answer for a BMP code point (the table is made on first use).
bool remember(std::vector<uint8_t>& known, char32_t cp, bool stable) {
  if (cp > 0xFFFF) return stable;
  if (known.empty()) known.assign(0x10000, 0);
  known[cp] = stable ? 1 : 2;
  return stable;
}
}  // namespace

// A stable character is a plain starter (reordering never crosses it, nothing composes with
// what precedes it) that is its own normal form and whose decomposition starts with a plain
// starter. The normal form of a text is then the concatenation of the normal forms of its
// pieces cut before each stable character. ASCII is stable.
bool Normalizer::is_stable(char32_t cp, UnicodeForm form) {
  if (cp < 0x80) return true;
#ifdef DQPREP_UTF8PROC_COMB_INDEX
  std::vector<uint8_t>& known = stable_[form == UnicodeForm::nfkc ? 1 : 0];
  if (cp <= 0xFFFF && !known.empty() && known[cp] != 0) return known[cp] == 1;
  if (!plain_starter(cp)) return remember(known, cp, false);
  const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  if (p->decomp_seqindex == UINT16_MAX || (p->decomp_type != 0 && form == UnicodeForm::nfc))
    return remember(known, cp, true);  // no decomposition under this form
  if (cp > 0xFFFF) return false;
  // Precomposed letters (é, ά, ü) decompose and compose back: asked of utf8proc once each.
  {
    std::string utf8;
    encode(cp, utf8);
    utf8proc_int32_t buf[32];  // the longest decomposition (U+FDFA, NFKD) has 18
    auto options = static_cast<utf8proc_option_t>(
        UTF8PROC_STABLE | UTF8PROC_COMPOSE | (form == UnicodeForm::nfkc ? UTF8PROC_COMPAT : 0));
    utf8proc_ssize_t n = utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                                            static_cast<utf8proc_ssize_t>(utf8.size()), buf, 32,
                                            options);
    bool yes = n > 0 && n <= 32 && plain_starter(static_cast<char32_t>(buf[0])) &&
               utf8proc_normalize_utf32(buf, n, options) == 1 &&
               static_cast<char32_t>(buf[0]) == cp;
    return remember(known, cp, yes);
  }
#else
  (void)form;  // a newer utf8proc encodes compositions differently: send everything to it
  return false;
#endif
}

bool Normalizer::apply_form(std::string_view in, UnicodeForm form, bool fast_paths,
                            std::string& out) {
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                (form == UnicodeForm::nfkc ? UTF8PROC_COMPAT : 0));
  // utf8proc_decompose's own reordering is a gnome sort, quadratic in a run of combining marks
  // ("Zalgo" text), so the decomposition and the canonical ordering are done here: U+034F
  // COMBINING GRAPHEME JOINER before the 31st mark of a run (UAX #15 Stream-Safe Text Format),
  // then a stable sort of each run by combining class, which is the canonical ordering.
  if (cps_.empty()) cps_.resize(64);
  auto normalize_segment = [&](std::string_view seg) -> std::string_view {
    size_t count = 0, run = 0;
    auto push = [&](utf8proc_int32_t cp) {
      if (count + 2 > cps_.size()) cps_.resize(std::max<size_t>(64, cps_.size() * 2));
      cps_[count++] = cp;
    };
    auto ccc = [](utf8proc_int32_t cp) { return utf8proc_get_property(cp)->combining_class; };
    for (size_t i = 0; i < seg.size();) {
      char32_t cp;
      i += decode(seg, i, cp);
      utf8proc_int32_t parts[32];  // the longest decomposition (U+FDFA, NFKD) has 18
      int boundclass = 0;
      utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), parts, 32,
                                                   options, &boundclass);
      if (n < 0 || n > 32) return seg;  // not reachable on repaired input: keep the text
      for (utf8proc_ssize_t k = 0; k < n; ++k) {
        if (ccc(parts[k]) == 0) {
          run = 0;
        } else if (++run > 30) {
          push(0x034F);
          run = 1;
        }
        push(parts[k]);
      }
    }
    for (size_t a = 0; a < count;) {
      if (ccc(cps_[a]) == 0) {
        ++a;
        continue;
      }
      size_t b = a + 1;
      while (b < count && ccc(cps_[b]) != 0) ++b;
      if (b - a > 1)
        std::stable_sort(cps_.begin() + static_cast<ptrdiff_t>(a),
                         cps_.begin() + static_cast<ptrdiff_t>(b),
                         [&](utf8proc_int32_t x, utf8proc_int32_t y) { return ccc(x) < ccc(y); });
      a = b;
    }
    // Composes, then writes UTF-8 in place: count * 4 bytes at most, plus a NUL (push left room).
    utf8proc_ssize_t bytes_out =
        utf8proc_reencode(cps_.data(), static_cast<utf8proc_ssize_t>(count), options);
    if (bytes_out < 0) return seg;
    return {reinterpret_cast<const char*>(cps_.data()), static_cast<size_t>(bytes_out)};
  };
  Editor ed(in, out);
  if (!fast_paths) {
    std::string_view r = normalize_segment(in);
    if (r != in) ed.replace(0, in.size(), r);
    return ed.finish();
  }
  // Text splits before every stable character into chunks normalized independently; a chunk
  // of one stable character is its own normal form, so only runs of unstable characters, each
  // with the stable character before it (it may compose with them: "e\u0301"), need utf8proc.
  size_t n = in.size();
  size_t last_stable = 0, last_stable_end = 0;  // the last stable non-ASCII character seen
  for (size_t j = find_non_ascii(in, 0); j < n; j = find_non_ascii(in, j)) {
    char32_t cp;
    size_t len = decode(in, j, cp);
    if (is_stable(cp, form)) {
      last_stable = j;
      last_stable_end = j += len;
      continue;
    }
    size_t start = j == last_stable_end && j > 0 ? last_stable : j > 0 ? j - 1 : 0;
    size_t k = j + len;
    while (k < n && byte_at(in, k) >= 0x80) {
      size_t l = decode(in, k, cp);
      if (is_stable(cp, form)) break;
      k += l;
    }
    std::string_view seg = in.substr(start, k - start);
    std::string_view r = normalize_segment(seg);
    if (r != seg) ed.replace(start, seg.size(), r);
    j = k;
  }
  return ed.finish();
}

bool Normalizer::run(std::string_view in, const NormalizeOptions& opts, std::string& out,
                     NormalizeCounts& counts) {
  bool mojibake_changed = false;
  if (!opts.fix_mojibake) {
    bool changed = run_steps(in, opts, out, counts, mojibake_changed);
    if (changed) ++counts.changed;
    return changed;
  }
  first_input_.assign(in);  // `in` may view `out`
  run_steps(first_input_, opts, out, counts, mojibake_changed);
  bool repaired = mojibake_changed;
  NormalizeOptions again = opts;
  again.strip_html = false;  // "&amp;lt;" decodes once
  // The other steps are idempotent, so a result that the mojibake step leaves alone is final.
  for (int round = 1; round < kMaxNormalizeRounds && fix_mojibake(out, round_); ++round) {
    round_.assign(out);
    run_steps(round_, again, out, counts, mojibake_changed);
    repaired = true;
  }
  if (repaired) ++counts.mojibake_fixed;
  bool changed = out != first_input_;
  if (changed) ++counts.changed;
  return changed;
}

bool Normalizer::run_steps(std::string_view in, const NormalizeOptions& opts, std::string& out,
                           NormalizeCounts& counts, bool& mojibake_changed) {
  mojibake_changed = false;
  // The fast paths: unchanged ASCII returned as it is; otherwise one pass classifies the text,
  // and the steps that cannot change it are skipped rather than each scanning it.
  TextClass cls{true, true};
  if (opts.fast_paths) {
    size_t prefix = ascii_unchanged_prefix(in, opts);
    if (prefix == in.size()) {
      out.assign(in);  // assign copes with `in` viewing `out`
      return false;
    }
    cls = classify(in, opts.fold_whitespace || opts.remove_control ? prefix : 0);
  }
  const char* out_begin = out.data();
  if (in.data() < out_begin + out.size() && out_begin < in.data() + in.size()) {
    a_.assign(in);  // `in` views `out`, which is about to be overwritten
    in = a_;
  }
  std::string_view cur = in;
  std::string* bufs[2] = {&out, &b_};
  int cur_buf = -1;  // which of bufs holds cur; -1: cur is in
  bool edited = false;
  // Runs one step from `cur` into the other buffer; the result becomes `cur` if it wrote.
  auto step = [&](auto&& fn) {
    int dst = cur_buf == 0 ? 1 : 0;
    if (!fn(cur, *bufs[dst])) return false;
    cur = *bufs[dst];
    cur_buf = dst;
    edited = true;
    return true;
  };
  auto form_step = [&] {
    if (opts.form == UnicodeForm::none || !cls.non_ascii) return;
    step([&](std::string_view s, std::string& d) {
      return apply_form(s, opts.form, opts.fast_paths, d);
    });
  };

  if (cls.non_ascii && !is_valid_utf8(cur)) {
    step([&](std::string_view s, std::string& d) {
      counts.invalid_utf8 += repair_utf8(s, d);
      return true;
    });
  }
  // Entities and mojibake repair may bring in non-ASCII text and controls: classify again.
  if (opts.strip_html && (cur.find('<') != std::string_view::npos ||
                          cur.find('&') != std::string_view::npos) &&
      step([&](std::string_view s, std::string& d) { return strip_html(s, d, entity_, counts); }) &&
      opts.fast_paths)
    cls = classify(cur, 0);
  if (opts.fix_mojibake) {
    mojibake_changed = step([&](std::string_view s, std::string& d) { return fix_mojibake(s, d); });
    if (mojibake_changed && opts.fast_paths) cls = classify(cur, 0);
  }
  if (opts.remove_control && (cls.non_ascii || cls.ascii_controls))
    step([&](std::string_view s, std::string& d) { return remove_controls(s, d, counts); });
  // From here on, ASCII text stays ASCII: the steps for non-ASCII characters are skipped.
  form_step();
  if (opts.lowercase) {
    bool non_ascii_changed = false;
    step([&](std::string_view s, std::string& d) { return lower(s, d, non_ascii_changed); });
    if (non_ascii_changed) form_step();
  }
  if (opts.unify_punct && cls.non_ascii)
    step([&](std::string_view s, std::string& d) { return unify_punct(s, d); });
  if (opts.remove_control && cls.non_ascii &&
      step([&](std::string_view s, std::string& d) { return filter_joiners(s, d, counts); }))
    form_step();
  if (opts.fold_whitespace)
    step([&](std::string_view s, std::string& d) { return fold_whitespace(s, d, opts.fast_paths); });

  bool changed = edited && cur != in;
  if (cur_buf == 1) {
    out.swap(b_);
  } else if (cur_buf == -1) {
    out.assign(cur);
  }
  return changed;
}

bool normalize(std::string_view in, const NormalizeOptions& opts, std::string& out,
               NormalizeCounts& counts) {
  thread_local Normalizer normalizer;
  return normalizer.run(in, opts, out, counts);
}

}  // namespace dqprep::text
