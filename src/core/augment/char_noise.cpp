#include "dqprep/augment/char_noise.hpp"

#include <utf8proc.h>

#include <array>
#include <cmath>
#include <limits>

namespace dqprep::char_noise {

namespace {

bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

// QWERTY neighbours on the same and adjacent rows: letters among letters, digits along the
// number row.
constexpr std::array<std::string_view, 26> kLetterNeighbours = {
    "qwsz", "vghn", "xdfv", "serfcx", "wrsd", "drtgvc", "ftyhbv", "gyujnb", "uojk",
    "huikmn", "jiolm", "kop", "njk", "bhjm", "ipkl", "ol", "wa", "etdf",
    "awedxz", "ryfg", "yihj", "cfgb", "qeas", "zsdc", "tugh", "asx"};
constexpr std::array<std::string_view, 10> kDigitNeighbours = {"9", "2", "13", "24", "35",
                                                               "46", "57", "68", "79", "80"};

std::string_view neighbours(unsigned char c) {
  if (c >= '0' && c <= '9') return kDigitNeighbours[c - '0'];
  return kLetterNeighbours[(c | 0x20) - 'a'];
}

struct Confusion {
  std::string_view from, to;
};
// Classic OCR misreadings, both directions.
constexpr std::array<Confusion, 34> kOcr = {{
    {"0", "O"}, {"0", "o"}, {"O", "0"}, {"o", "0"}, {"O", "Q"}, {"Q", "O"},
    {"1", "l"}, {"1", "I"}, {"l", "1"}, {"l", "I"}, {"I", "1"}, {"I", "l"},
    {"5", "S"}, {"S", "5"}, {"8", "B"}, {"B", "8"}, {"2", "Z"}, {"Z", "2"},
    {"6", "b"}, {"b", "6"}, {"9", "g"}, {"g", "9"}, {"g", "q"}, {"q", "g"},
    {"c", "e"}, {"e", "c"}, {"u", "v"}, {"v", "u"},
    {"rn", "m"}, {"m", "rn"}, {"cl", "d"}, {"d", "cl"}, {"vv", "w"}, {"w", "vv"},
}};

// The length of the code point at s[i] and its value; an invalid byte is a 1-byte non-letter.
size_t decode(std::string_view s, size_t i, int32_t& cp) {
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) {
    cp = -1;
    return 1;
  }
  return static_cast<size_t>(n);
}

bool is_letter_or_digit(int32_t cp) {
  if (cp < 0) return false;
  if (cp < 0x80) return is_ascii_alnum(static_cast<unsigned char>(cp));
  auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

char neighbour_of(unsigned char c, Rng& rng) {
  std::string_view nb = neighbours(c);
  char r = nb[rng.uniform(nb.size())];
  if (c >= 'A' && c <= 'Z') r = static_cast<char>(r - 32);
  return r;
}

// Writes the edit of the letter or digit cp (len bytes at text[i]) and returns where to go on.
size_t edit_at(std::string_view text, size_t i, int32_t cp, size_t len, Rng& rng, std::string& out) {
  int32_t next_cp = -1;
  size_t next_len = 0;
  if (i + len < text.size()) {
    next_cp = static_cast<unsigned char>(text[i + len]);
    next_len = next_cp < 0x80 ? 1 : decode(text, i + len, next_cp);
  }
  bool can_transpose = is_letter_or_digit(next_cp) && next_cp != cp;
  if (cp >= 0x80) {
    uint64_t kind = rng.uniform(3);
    if (kind == 2 && !can_transpose) kind = 0;
    if (kind == 0) return i + len;  // deletion
    if (kind == 1) {
      out.append(text.data() + i, len);
      out.append(text.data() + i, len);
      return i + len;
    }
    out.append(text.data() + i + len, next_len);
    out.append(text.data() + i, len);
    return i + len + next_len;
  }
  auto c = static_cast<unsigned char>(cp);
  uint64_t roll = rng.uniform(100);
  if (roll >= 90) {
    std::array<const Confusion*, 4> options{};
    size_t n = 0;
    for (const auto& conf : kOcr)
      if (text.substr(i, conf.from.size()) == conf.from && n < options.size()) options[n++] = &conf;
    if (n) {
      const Confusion* chosen = options[rng.uniform(n)];
      out += chosen->to;
      return i + chosen->from.size();
    }
    roll = 0;
  }
  if (roll >= 80 && roll < 90) {
    if (can_transpose) {
      out.append(text.data() + i + 1, next_len);
      out.push_back(static_cast<char>(c));
      return i + 1 + next_len;
    }
    roll = 0;
  }
  if (roll < 50) {
    out.push_back(neighbour_of(c, rng));
  } else if (roll >= 65) {  // 50..64: deletion, nothing written
    out.push_back(static_cast<char>(c));
    out.push_back(neighbour_of(c, rng));
  }
  return i + 1;
}

}  // namespace

size_t apply(std::string_view text, double rate, Rng& rng, std::string& out) {
  out.clear();
  out.reserve(text.size() + text.size() / 16 + 8);
  // The number of letters and digits left alone before the next edit is geometric: one draw per
  // edit instead of one per character, the same distribution as a coin per character.
  const double log_keep = std::log1p(-rate);
  auto next_gap = [&]() -> uint64_t {
    if (rate >= 1.0) return 0;
    if (!(rate > 0.0)) return std::numeric_limits<uint64_t>::max();
    double g = std::floor(std::log(1.0 - rng.uniform01()) / log_keep);
    return g >= 1e18 ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(g);
  };
  uint64_t gap = next_gap();
  size_t edits = 0, i = 0, run = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    int32_t cp = c;
    size_t len = 1;
    if (c < 0x80) {
      if (!is_ascii_alnum(c)) {
        ++i;
        continue;
      }
    } else {
      len = decode(text, i, cp);
      if (!is_letter_or_digit(cp)) {
        i += len;
        continue;
      }
    }
    if (gap > 0) {
      --gap;
      i += len;
      continue;
    }
    out.append(text.data() + run, i - run);
    i = edit_at(text, i, cp, len, rng, out);
    run = i;
    ++edits;
    gap = next_gap();
  }
  out.append(text.data() + run, text.size() - run);
  return edits;
}

std::string apply(std::string_view text, double rate, Rng& rng) {
  std::string out;
  apply(text, rate, rng, out);
  return out;
}

}  // namespace dqprep::char_noise
