#include "dqprep/text/text.hpp"

#include <array>
#include <cstdint>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace dqprep::text {

size_t whitespace_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  if (c < 0xC2) return 0;
  auto byte = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (c == 0xC2 && (byte(1) == 0x85 || byte(1) == 0xA0)) return 2;  // NEL, NO-BREAK SPACE
  if (c == 0xE1 && byte(1) == 0x9A && byte(2) == 0x80) return 3;    // OGHAM SPACE MARK
  if (c == 0xE2 && byte(1) == 0x80) {
    unsigned char d = byte(2);
    // EN QUAD..HAIR SPACE, LINE/PARAGRAPH SEPARATOR, NARROW NO-BREAK SPACE
    if ((d >= 0x80 && d <= 0x8A) || d == 0xA8 || d == 0xA9 || d == 0xAF) return 3;
  }
  if (c == 0xE2 && byte(1) == 0x81 && byte(2) == 0x9F) return 3;  // MEDIUM MATHEMATICAL SPACE
  if (c == 0xE3 && byte(1) == 0x80 && byte(2) == 0x80) return 3;  // IDEOGRAPHIC SPACE
  return 0;
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> words;
  for_each_word(s, [&](std::string_view w) { words.push_back(w); });
  return words;
}

namespace {
// 1: ASCII white space; 2: a byte that may start multi-byte white space (C2, E1, E2, E3); 0: other.
constexpr std::array<uint8_t, 256> kSpaceClass = [] {
  std::array<uint8_t, 256> t{};
  t[' '] = 1;
  for (int c = '\t'; c <= '\r'; ++c) t[c] = 1;
  t[0xC2] = t[0xE1] = t[0xE2] = t[0xE3] = 2;
  return t;
}();
}  // namespace

Lengths lengths(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t words = 0, code_points = 0, i = 0;
  bool in_word = false;
  auto scalar_step = [&] {
    uint8_t cls = kSpaceClass[p[i]];
    size_t ws = cls == 1 ? 1 : cls == 2 ? whitespace_length(s, i) : 0;
    if (ws) {
      ++code_points;  // every white space whitespace_length knows is one character
      in_word = false;
      i += ws;
    } else {
      code_points += (p[i] & 0xC0) != 0x80;
      words += !in_word;
      in_word = true;
      ++i;
    }
  };
#ifdef __SSE2__
  // 16 bytes at a time while no byte can start multi-byte white space: then white space is exactly
  // the ASCII kind (bytes >= 0x80 are negative as int8 and fail both tests), a word starts at each
  // non-space byte whose previous byte is a space, and a character at each byte that is not a
  // continuation byte (0x80..0xBF, -128..-65 as int8).
  const __m128i space = _mm_set1_epi8(' '), below_tab = _mm_set1_epi8(8), above_cr = _mm_set1_epi8(14);
  const __m128i last_continuation = _mm_set1_epi8(-65);
  const __m128i c2 = _mm_set1_epi8(static_cast<char>(0xC2)), e1 = _mm_set1_epi8(static_cast<char>(0xE1)),
                e2 = _mm_set1_epi8(static_cast<char>(0xE2)), e3 = _mm_set1_epi8(static_cast<char>(0xE3));
  auto popcount16 = [](unsigned x) {  // no libgcc call: the baseline x86-64 has no POPCNT
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return static_cast<size_t>((x + (x >> 8)) & 0x1Fu);
  };
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i lead = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, e1)),
                                _mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, e3)));
    if (_mm_movemask_epi8(lead)) {
      const size_t end = i + 16;
      while (i < end) scalar_step();
      continue;
    }
    __m128i ws = _mm_or_si128(_mm_cmpeq_epi8(v, space),
                              _mm_and_si128(_mm_cmpgt_epi8(v, below_tab), _mm_cmplt_epi8(v, above_cr)));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(ws));
    unsigned after_space = ((mask << 1) | (in_word ? 0u : 1u)) & 0xFFFFu;
    words += popcount16(~mask & after_space & 0xFFFFu);
    code_points += popcount16(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpgt_epi8(v, last_continuation))));
    in_word = (mask & 0x8000u) == 0;
    i += 16;
  }
#endif
  while (i < n) scalar_step();
  return {code_points, words};
}

}  // namespace dqprep::text
