#pragma once
// Text handling on UTF-8: word iteration here; normalization (utf8proc) beside it.

#include <string_view>
#include <vector>

namespace dqprep::text {

// Length in bytes of the white space (ASCII or Unicode Zs/line separators) starting at s[i], or 0.
size_t whitespace_length(std::string_view s, size_t i);

// Calls f(word) for each maximal run of non-white-space characters, in order.
template <class F>
void for_each_word(std::string_view s, F&& f) {
  size_t i = 0, start = 0;
  bool in_word = false;
  while (i < s.size()) {
    size_t ws = whitespace_length(s, i);
    if (ws) {
      if (in_word) f(s.substr(start, i - start));
      in_word = false;
      i += ws;
    } else {
      if (!in_word) start = i;
      in_word = true;
      ++i;
    }
  }
  if (in_word) f(s.substr(start));
}

// The words of s (views into s), split on white space.
std::vector<std::string_view> split_words(std::string_view s);

struct Lengths {
  size_t code_points = 0;  // an invalid byte counts as one, as quality::code_points
  size_t words = 0;        // the words for_each_word visits
};
// Both lengths in one pass, without visiting the words: 16 bytes at a time (SSE2) where no byte
// can start multi-byte white space, else a character at a time (metrics measures every record).
Lengths lengths(std::string_view s);

}  // namespace dqprep::text
