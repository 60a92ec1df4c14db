#pragma once
// Language identification with CLD2 (its model is compiled into the library: nothing to load).
//
// code: ISO 639-1 where the language has one. CLD2's own codes are mapped: "zh-Hant" (Traditional
//   Chinese) -> "zh", "iw" -> "he", "jw" -> "jv", "sr-ME" (Montenegrin) -> "sr"; languages without
//   an ISO 639-1 code keep CLD2's three-letter code ("haw", "ceb"); text CLD2 cannot place is "un".
// score: the share of the text's letters that CLD2 attributes to the top language (its percent,
//   /100), halved when CLD2 does not call the result reliable. A clean paragraph scores 0.95-0.99;
//   an unreliable guess never exceeds 0.5, so it fails the default threshold of 0.65 (lower the
//   threshold to 0.5 or below to accept CLD2's unreliable best guesses, e.g. on very short texts).
// detect() keeps no state (CLD2's tables are read-only): call it from any thread.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::langid {

struct Detection {
  std::string_view code = "un";  // static storage
  double score = 0;              // in [0, 1]
  int percent = 0;               // CLD2's percent of the text in the top language
  bool reliable = false;         // CLD2's is_reliable
};

// Detects the language of UTF-8 plain text (no HTML parsing). Only the first `max_bytes` bytes are
// read (cut back to a character boundary): the language of a long document shows in its start.
Detection detect(std::string_view text, size_t max_bytes = 64 * 1024);

// A language code as users write it, normalized like Detection::code: lower case, "iw" -> "he",
// "jw" -> "jv", "zh-hant"/"zh-tw"/"zh-cn"... -> "zh"; "un" names the texts CLD2 cannot place.
// Returns a usage error for a code CLD2 does not know.
Result<std::string> normalize_code(std::string_view code);

// Parses "en,de, fr" into normalized codes; a usage error names the first unknown code.
Result<std::vector<std::string>> parse_codes(std::string_view comma_separated);

// Whether a text passes `--lang codes`:
// - its language is one of `codes` (normalized) with score >= threshold; or
// - it is "un" and "un" is one of `codes` (an unknown text scores 0: the threshold does not apply); or
// - keep_unknown is set and CLD2 could not say: the code is "un" or the result is not reliable.
bool accepts(const Detection& detection, std::span<const std::string> codes, double threshold,
             bool keep_unknown = false);

}  // namespace dqprep::langid
