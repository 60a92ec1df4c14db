#include "dqprep/text.hpp"

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

}  // namespace dqprep::text
