#pragma once
// Finds the words and phrases of a list (`--drop-words FILE`, one a line) in a text, all at once:
// one Aho-Corasick automaton over case-folded UTF-8, one pass over the text whatever the list size.
//
// Matching rules:
// - case-insensitive: text and entries are compared after Unicode simple lower-casing;
// - white space: any run of white space in the text matches one space of an entry, so the phrase
//   "free money" matches "Free\n  money"; entries are trimmed and their inner spaces collapsed;
// - word boundaries: an entry that starts (ends) with a letter, digit or "_" matches only where the
//   text has no letter, digit or "_" just before (after) it, so "ass" does not hit "class" or
//   "assume". Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar)
//   have no such boundary: an entry in them matches inside a run of text, as C4's bad-words filter
//   does for Chinese, Japanese and Thai;
// - hits: matches are taken leftmost first, the longest at a position, and do not overlap; so
//   "free money" in "free money now" is one hit even when "free" is also listed (find_all instead
//   reports every occurrence of every entry, overlaps included).
// A built matcher is immutable: one instance can serve every thread.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::word_matcher {

struct Hit {
  size_t offset = 0;   // bytes into the text
  size_t length = 0;   // bytes of the text matched
  uint32_t entry = 0;  // index into WordMatcher::entries()
};

class WordMatcher {
 public:
  // Entries are the lines of a word-list file; blank lines are skipped, duplicates (after folding)
  // kept once. A usage error when no entry is left or an entry is not valid UTF-8.
  static Result<WordMatcher> create(std::span<const std::string> lines);

  // The normalized entries (lower-cased, trimmed, inner white space collapsed), in list order.
  const std::vector<std::string>& entries() const { return entries_; }

  // Number of hits in text, counting stops once it exceeds `stop_after` (so a caller comparing
  // against a maximum N passes N and reads any value > N as "too many").
  size_t count(std::string_view text, size_t stop_after = SIZE_MAX) const;

  // Appends every hit, in text order.
  void find(std::string_view text, std::vector<Hit>& hits) const;

  // Appends every occurrence of every entry on word boundaries, overlapping ones included, in order
  // of their end (longest first among equal ends): "free", "free money" and "money now" all hit in
  // "free money now". For callers that ask which entries occur at all (weak-label's keyword rules).
  void find_all(std::string_view text, std::vector<Hit>& hits) const;

  // The normal form create() gives one line (lower-cased, trimmed, inner white space collapsed to
  // one space): an entry equals normalize_entry(line) of the line it came from. Empty for a blank
  // line; a usage error when the line is not valid UTF-8.
  static Result<std::string> normalize_entry(std::string_view line);

 private:
  WordMatcher() = default;
  template <bool kOverlapping, class OnHit>
  void scan(std::string_view text, OnHit&& on_hit) const;

  std::vector<std::string> entries_;
  std::vector<uint32_t> entry_units_;    // code points of each entry (a space counts as one)
  std::vector<uint8_t> entry_bounds_;     // bit 0: boundary needed before, bit 1: after
  std::vector<uint8_t> byte_class_;       // 256 entries: byte -> column of the transition table
  uint32_t classes_ = 0;
  std::vector<uint32_t> next_;            // state * classes_ + class -> state
  std::vector<int32_t> output_;           // state -> longest entry ending here, or -1
  std::vector<int32_t> output_link_;      // state -> nearest suffix state with an output, or -1
  uint32_t max_units_ = 0;
};

}  // namespace dqprep::word_matcher
