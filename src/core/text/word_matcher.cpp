#include "dqprep/text/word_matcher.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <unordered_set>

#include <utf8proc.h>

#include "dqprep/text/text.hpp"

namespace dqprep::word_matcher {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

struct Decoded {
  char32_t cp;
  uint32_t len;
  bool valid;
};

Decoded decode(std::string_view s, size_t i) {
  utf8proc_int32_t cp = 0;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) return {0xFFFD, 1, false};
  return {static_cast<char32_t>(cp), static_cast<uint32_t>(n), true};
}

inline char32_t fold(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}

inline size_t encode(char32_t cp, char* out) {
  return static_cast<size_t>(utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), reinterpret_cast<utf8proc_uint8_t*>(out)));
}

// Letters, marks, digits and "_": what a word is made of.
bool is_word_char(char32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || cp == '_';
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ND) || cat == UTF8PROC_CATEGORY_NL ||
         cat == UTF8PROC_CATEGORY_NO || cat == UTF8PROC_CATEGORY_PC;
}

// Scripts written without spaces between words, where a word boundary cannot be asked for.
bool is_unspaced_script(char32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||   // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||   // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF) ||   // Khmer
         (cp >= 0x3040 && cp <= 0x30FF) ||   // Hiragana, Katakana
         (cp >= 0x31F0 && cp <= 0x31FF) ||   // Katakana phonetic extensions
         (cp >= 0x3400 && cp <= 0x4DBF) ||   // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||   // CJK unified ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) ||   // CJK compatibility ideographs
         (cp >= 0xFF66 && cp <= 0xFF9F) ||   // half-width Katakana
         (cp >= 0x20000 && cp <= 0x3FFFF);   // CJK extensions B and later
}

bool needs_boundary(char32_t cp) { return is_word_char(cp) && !is_unspaced_script(cp); }

// The code point that ends at s[end), or none at the start of the text.
bool code_point_before(std::string_view s, size_t end, char32_t& cp) {
  if (end == 0) return false;
  size_t k = end - 1;
  while (k > 0 && end - k < 4 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  Decoded d = decode(s, k);
  cp = (k + d.len == end) ? d.cp : 0xFFFD;
  return true;
}

// The normal form of one line, with what create() needs to know about it.
struct Folded {
  std::string text;
  uint32_t units = 0;  // code points (a space counts as one)
  char32_t first = 0, last = 0;
};

Result<Folded> fold_line(std::string_view line) {
  Folded f;
  bool pending_space = false;
  for (size_t i = 0; i < line.size();) {
    size_t ws = text::whitespace_length(line, i);
    if (ws) {
      pending_space = f.units > 0;
      i += ws;
      continue;
    }
    Decoded d = decode(line, i);
    if (!d.valid) return Status::usage("drop-words entry is not valid UTF-8: '" + std::string(line) + "'");
    if (pending_space) {
      f.text.push_back(' ');
      ++f.units;
      pending_space = false;
    }
    char buf[4];
    char32_t c = fold(d.cp);
    f.text.append(buf, encode(c, buf));
    if (f.units == 0) f.first = c;
    f.last = c;
    ++f.units;
    i += d.len;
  }
  return f;
}

}  // namespace

Result<std::string> WordMatcher::normalize_entry(std::string_view line) {
  DQPREP_ASSIGN_OR_RETURN(Folded f, fold_line(line));
  return std::move(f.text);
}

Result<WordMatcher> WordMatcher::create(std::span<const std::string> lines) {
  WordMatcher m;
  std::unordered_set<std::string> seen;
  for (const std::string& line : lines) {
    DQPREP_ASSIGN_OR_RETURN(Folded f, fold_line(line));
    if (f.units == 0 || !seen.insert(f.text).second) continue;
    m.entries_.push_back(std::move(f.text));
    m.entry_units_.push_back(f.units);
    m.entry_bounds_.push_back(
        static_cast<uint8_t>((needs_boundary(f.first) ? 1 : 0) | (needs_boundary(f.last) ? 2 : 0)));
    m.max_units_ = std::max(m.max_units_, f.units);
  }
  if (m.entries_.empty()) return Status::usage("the drop-words list has no entries");

  // Columns: one per byte that occurs in an entry, column 0 for every other byte.
  m.byte_class_.assign(256, 0);
  uint32_t classes = 1;
  for (const std::string& e : m.entries_)
    for (char c : e) {
      auto b = static_cast<unsigned char>(c);
      if (m.byte_class_[b] == 0) m.byte_class_[b] = static_cast<uint8_t>(classes++);
    }
  m.classes_ = classes;

  // The trie.
  m.next_.assign(classes, kNone);
  m.output_.assign(1, -1);
  for (size_t k = 0; k < m.entries_.size(); ++k) {
    uint32_t s = 0;
    for (char c : m.entries_[k]) {
      uint32_t col = m.byte_class_[static_cast<unsigned char>(c)];
      uint32_t& t = m.next_[s * classes + col];
      if (t == kNone) {
        uint32_t fresh = static_cast<uint32_t>(m.output_.size());
        t = fresh;  // before the resize below invalidates the reference
        m.next_.resize(m.next_.size() + classes, kNone);
        m.output_.push_back(-1);
        s = fresh;
      } else {
        s = t;
      }
    }
    m.output_[s] = static_cast<int32_t>(k);
  }

  // Failure links, breadth first, folded into a complete transition table.
  size_t states = m.output_.size();
  std::vector<uint32_t> fail(states, 0);
  m.output_link_.assign(states, -1);
  std::deque<uint32_t> queue;
  for (uint32_t c = 0; c < classes; ++c) {
    uint32_t& t = m.next_[c];
    if (t == kNone) {
      t = 0;
    } else {
      fail[t] = 0;
      queue.push_back(t);
    }
  }
  while (!queue.empty()) {
    uint32_t s = queue.front();
    queue.pop_front();
    for (uint32_t c = 0; c < classes; ++c) {
      uint32_t t = m.next_[s * classes + c];
      uint32_t via_fail = m.next_[fail[s] * classes + c];
      if (t == kNone) {
        m.next_[s * classes + c] = via_fail;
      } else {
        fail[t] = via_fail;
        m.output_link_[t] = m.output_[via_fail] >= 0 ? static_cast<int32_t>(via_fail) : m.output_link_[via_fail];
        queue.push_back(t);
      }
    }
  }
  return m;
}

template <bool kOverlapping, class OnHit>
void WordMatcher::scan(std::string_view text, OnHit&& on_hit) const {
  // Start offsets of the last units (a code point, or a run of white space) in a ring.
  size_t ring_size = 1;
  while (ring_size <= max_units_) ring_size <<= 1;
  std::array<size_t, 256> small_ring;
  std::vector<size_t> big_ring;
  size_t* ring = small_ring.data();
  if (ring_size > small_ring.size()) {
    big_ring.resize(ring_size);
    ring = big_ring.data();
  }
  const size_t mask = ring_size - 1;

  struct Candidate {
    size_t start_unit, end_unit, offset, end;
    uint32_t entry;
  };
  std::vector<Candidate> pending;  // allocates only once a candidate appears
  size_t selected_end = 0;         // unit after the last hit taken
  bool go_on = true;

  // Takes hits leftmost first (longest among equal starts), dropping those that overlap a taken
  // one, as far as no later candidate can start earlier (up to `safe_start`).
  auto settle = [&](size_t safe_start) {
    while (go_on && !pending.empty()) {
      auto best = pending.begin();
      for (auto it = pending.begin(); it != pending.end(); ++it) {
        if (it->start_unit < best->start_unit ||
            (it->start_unit == best->start_unit && it->end_unit > best->end_unit))
          best = it;
      }
      if (best->start_unit >= safe_start) return;
      Candidate taken = *best;
      selected_end = taken.end_unit;
      std::erase_if(pending, [&](const Candidate& c) { return c.start_unit < selected_end; });
      go_on = on_hit(Hit{taken.offset, taken.end - taken.offset, taken.entry});
    }
  };

  const uint32_t* next = next_.data();
  const uint8_t* cls = byte_class_.data();
  uint32_t state = 0;
  size_t unit = 0;
  size_t i = 0;
  while (i < text.size() && go_on) {
    size_t start = i;
    auto c = static_cast<unsigned char>(text[i]);
    size_t ws = (c == ' ' || (c >= '\t' && c <= '\r') || c >= 0xC2) ? text::whitespace_length(text, i) : 0;
    if (ws) {
      i += ws;
      while (i < text.size() && (ws = text::whitespace_length(text, i)) != 0) i += ws;
      state = next[state * classes_ + cls[static_cast<unsigned char>(' ')]];
    } else if (c < 0x80) {
      char f = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      state = next[state * classes_ + cls[static_cast<unsigned char>(f)]];
      ++i;
    } else {
      Decoded d = decode(text, i);
      char buf[4];
      size_t n = encode(fold(d.cp), buf);
      for (size_t k = 0; k < n; ++k) state = next[state * classes_ + cls[static_cast<unsigned char>(buf[k])]];
      i += d.len;
    }
    ring[unit & mask] = start;
    ++unit;

    int32_t e = output_[state];
    int32_t link = output_link_[state];
    if (e < 0 && link < 0) {
      if (!pending.empty() && unit + 1 > max_units_) settle(unit + 1 - max_units_);
      continue;
    }
    for (int32_t s = e >= 0 ? static_cast<int32_t>(state) : link; s >= 0; s = output_link_[s]) {
      auto entry = static_cast<uint32_t>(output_[s]);
      size_t units = entry_units_[entry];
      size_t start_unit = unit - units;
      if (!kOverlapping && start_unit < selected_end) continue;
      size_t offset = ring[start_unit & mask];
      char32_t around;
      if ((entry_bounds_[entry] & 1) && code_point_before(text, offset, around) && is_word_char(around)) continue;
      if ((entry_bounds_[entry] & 2) && i < text.size() && is_word_char(decode(text, i).cp)) continue;
      if constexpr (kOverlapping) {
        go_on = on_hit(Hit{offset, i - offset, entry});
        if (!go_on) break;
      } else {
        pending.push_back(Candidate{start_unit, unit, offset, i, entry});
      }
    }
    // A candidate arriving later ends after `unit`, so it starts after unit - max_units_.
    if (!pending.empty() && unit + 1 > max_units_) settle(unit + 1 - max_units_);
  }
  settle(SIZE_MAX);
}

size_t WordMatcher::count(std::string_view text, size_t stop_after) const {
  size_t hits = 0;
  scan<false>(text, [&](const Hit&) { return ++hits <= stop_after; });
  return hits;
}

void WordMatcher::find(std::string_view text, std::vector<Hit>& hits) const {
  scan<false>(text, [&](const Hit& h) {
    hits.push_back(h);
    return true;
  });
}

void WordMatcher::find_all(std::string_view text, std::vector<Hit>& hits) const {
  scan<true>(text, [&](const Hit& h) {
    hits.push_back(h);
    return true;
  });
}

}  // namespace dqprep::word_matcher
