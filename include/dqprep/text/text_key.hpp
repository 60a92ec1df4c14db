#pragma once
// The comparison form of a text for exact-duplicate keys with --normalize-key (label-check's
// conflicts, dedup's exact mode): two texts that differ only in case, punctuation or white space
// get the same key.

#include <string>
#include <string_view>

namespace dqprep::text {

// NFKC with full Unicode case folding, then every punctuation (P*), separator (Z*), control (Cc)
// and format (Cf) character removed. Symbols (S*: $ + < = > ^ ` | ~, emoji) and marks stay, so
// "5 $" and "5" or "great 😀" and "great 😡" keep different keys. Invalid UTF-8 is repaired first
// (U+FFFD, a symbol, stays). ASCII text takes a fast path that gives the same result. `out` is
// cleared first.
void key_form(std::string_view in, std::string& out);

}  // namespace dqprep::text
