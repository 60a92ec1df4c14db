#pragma once
// Shingles for near-duplicate detection: text -> normal form -> set of 64-bit hashes of its word
// n-grams, or of its character n-grams (for short texts, where one changed word is a large share
// of the word n-grams).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::shingle {

inline constexpr size_t kDefaultNgram = 5;

// Buffers reused across records (one per thread): once they have grown to the largest record seen,
// shingling allocates nothing.
struct Scratch {
  std::string_view text;            // the normal form, in `buffer`
  std::vector<size_t> word_starts;  // byte offset in `text` of each word
  std::vector<char> buffer;         // only grows: resizing it per record would clear it
  std::vector<uint64_t> hashes;     // shingle hashes before sorting
  std::vector<uint32_t> buckets;    // sort counters
};

// The near-duplicate normal form of UTF-8 text, into scratch.text (valid until the next call): full Unicode case folding;
// punctuation (P*), symbols (S*), separators (Z*) and controls (Cc) become word breaks; format
// characters (Cf: soft hyphen, zero-width joiner, ...) are dropped; invalid UTF-8 bytes are word
// breaks. Words are joined by exactly one ASCII space, with none leading or trailing.
void normalize(std::string_view text, Scratch& scratch);

// The set of shingles of text, sorted and unique, into out: XXH3-64 (seed 0) of each run of
// `ngram` consecutive words of the normal form, joined by one space ("the quick brown fox jumps").
// A text with fewer than `ngram` words yields one shingle of all its words; a text without words
// yields none. ngram 0 is taken as 1.
void shingle_hashes(std::string_view text, size_t ngram, Scratch& scratch,
                    std::vector<uint64_t>& out);

// The set of character shingles of text, sorted and unique, into out: XXH3-64 (seed 0) of each run
// of `n` consecutive code points of the normal form (the spaces between words included: "k bro").
// A normal form of n code points or fewer yields one shingle of all of it; a text without words
// yields none. n 0 is taken as 1.
void char_shingle_hashes(std::string_view text, size_t n, Scratch& scratch, std::vector<uint64_t>& out);

// What a shingle is: `n` words, or `n` characters of the normal form (dedup --shingle).
struct Shingling {
  enum class Unit { word, character } unit = Unit::word;
  size_t n = kDefaultNgram;
  // "word:5" or "char:5".
  std::string text() const;
};

// Parses "word:N" or "char:N" (N a whole number from 1 to 1000); anything else is a usage error
// naming `flag`.
Result<Shingling> parse_shingling(std::string_view flag, std::string_view text);

// The shingle set of text under `how`: shingle_hashes or char_shingle_hashes.
void hashes(std::string_view text, const Shingling& how, Scratch& scratch, std::vector<uint64_t>& out);

// Exact Jaccard |A ∩ B| / |A ∪ B| of two sorted, unique sets; 1 for two empty sets (two texts
// without words are identical), 0 when only one is empty.
double jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b);

}  // namespace dqprep::shingle
