#pragma once
// The closest of a few known words to a mistyped one, for "did you mean ...?" in usage errors.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dqprep::nearest_word {

// Edits (insert, delete, substitute one byte, or swap two adjacent bytes) that turn a into b: the
// optimal string alignment distance.
size_t distance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, when close enough to be a likely typo: with L the letters of
// `typed` after its leading dashes, at most max(1, L / 3) edits away (so "--min-word" finds
// "--min-words"), or a candidate that starts with `typed` ("--thresh" finds "--threshold"); nothing
// for L < 3 ("-Z"). Ties go to the earlier candidate. Empty when nothing is close.
std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace dqprep::nearest_word
