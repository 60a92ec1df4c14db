#pragma once
// Internal to the core: does a text look like it holds mojibake? (ftfy's `is_bad`, mojibake.cpp)

#include <string_view>

namespace dqprep::text::detail {

// True when `utf8` (valid UTF-8) holds a sequence of characters that is far more likely to be
// UTF-8 decoded in a single-byte codec than intended text: an accented lowercase letter followed
// by a currency sign, "Ã" before a non-breaking space, a C1 control, "вЂ", ... (the rules are in
// mojibake_heuristic.cpp). Correct text in any language should not match; mojibake nearly always
// does.
bool looks_like_mojibake(std::string_view utf8);

}  // namespace dqprep::text::detail
