#include "dqprep/io/json_text.hpp"

#include <algorithm>

#include <charconv>
#include <cstring>
#include <cmath>

#include <simdjson.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace dqprep::json_text {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not one.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) -> unsigned { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  unsigned c = byte(0);
  auto cont = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned c1 = byte(1);
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogates
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned c1 = byte(1);
    if (c == 0xF0 && c1 < 0x90) return 0;
    if (c == 0xF4 && c1 > 0x8F) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

uint64_t load8(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

// Whether any of the 8 bytes is a control character, '"', '\\' or not ASCII. The SWAR tests
// ("has a zero byte", "has a byte less than n") are exact for "any" when no byte has its high bit
// set, and a high bit answers true by itself.
bool needs_care(uint64_t x) {
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
  uint64_t control = (x - ones * 0x20) & ~x;
  uint64_t quote = (q - ones) & ~q;
  uint64_t backslash = (b - ones) & ~b;
  return ((control | quote | backslash | x) & highs) != 0;
}

// The JSON escape of an ASCII byte that cannot stand in a string as it is: '"', '\\' or a control.
void append_escape(std::string& out, unsigned char c) {
  static const char* hex = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default:
      out += "\\u00";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
  }
}

// Escapes valid UTF-8: only '"', '\\' and the controls need it. Sixteen bytes at a time with SSE2
// (the x86-64 baseline), so that a text with a line break every 70 bytes costs one scan, not a
// byte loop after each break.
void append_escaped_valid(std::string& out, std::string_view s) {
  const char* p = s.data();
  size_t n = s.size(), i = 0, run = 0;
  while (i < n) {
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i last_control = _mm_set1_epi8(0x1F);
    for (; i + 16 <= n; i += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, last_control), last_control);
      __m128i m = _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                     _mm_cmpeq_epi8(v, backslash)));
      if (int bits = _mm_movemask_epi8(m)) {
        i += static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(bits)));
        break;
      }
    }
#endif
    while (i < n) {
      unsigned char c = static_cast<unsigned char>(p[i]);
      if (c < 0x20 || c == '"' || c == '\\') break;
      ++i;
    }
    if (i >= n) break;
    unsigned char c = static_cast<unsigned char>(p[i]);
    out.append(p + run, i - run);
    append_escape(out, c);
    ++i;
    run = i;
  }
  out.append(p + run, n - run);
}

}  // namespace

void append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  if (simdjson::validate_utf8(s.data(), s.size())) {
    append_escaped_valid(out, s);
    out.push_back('"');
    return;
  }
  size_t run = 0;  // start of the pending run of bytes copied as they are
  for (size_t i = 0; i < s.size();) {
    // Eight plain ASCII bytes at a time: the common case of texts (augment escapes every variant).
    while (i + 8 <= s.size() && !needs_care(load8(s.data() + i))) i += 8;
    if (i == s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t n = utf8_sequence_length(s, i);
      if (n) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + run, i - run);
    if (c < 0x80) {
      append_escape(out, c);
    } else {
      out += "\xEF\xBF\xBD";  // an invalid byte
    }
    ++i;
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value);  // shortest form that reads back exactly
  out.append(buf, r.ptr);
}

void append_number(std::string& out, int64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void append_number(std::string& out, uint64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

size_t nesting_depth(std::string_view json) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace dqprep::json_text
