#pragma once
// Character noise for augmentation: keyboard typos (QWERTY neighbours) and OCR confusions.
//
// Each letter or digit (a Unicode L* or N* code point) is edited with probability `rate`; nothing
// else (white space, punctuation, symbols, invalid bytes) is ever touched, and code points are
// never split, so valid UTF-8 stays valid. The edit of an ASCII letter or digit is drawn from
//   50% substitution by a QWERTY neighbour (case kept: 'a' -> 's', 'A' -> 'S'),
//   15% deletion,
//   15% insertion of a neighbour after it ("a" -> "as"),
//   10% transposition with the next character when that is a different letter or digit,
//   10% OCR confusion when the character has one (0/O/o, 1/l/I, 5/S, 8/B, 2/Z, 6/b, 9/g, g/q,
//       c/e, u/v, rn/m, cl/d, vv/w),
// falling back to substitution when the chosen edit does not apply. Other letters (é, ж, 中) get
// deletion, doubling or transposition, one third each: keyboard layouts differ too much to guess
// neighbours.

#include <string>
#include <string_view>

#include "dqprep/util/random.hpp"

namespace dqprep::char_noise {

// Writes text with noise into out (its contents replaced) and returns the number of edits made
// (0 means out == text). A transposition or a two-letter OCR confusion counts as one edit.
size_t apply(std::string_view text, double rate, Rng& rng, std::string& out);

std::string apply(std::string_view text, double rate, Rng& rng);

}  // namespace dqprep::char_noise
