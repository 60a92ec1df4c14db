#pragma once
// Synonym dictionaries for text augmentation: built from WordNet's database files (index.pos and
// data.pos, see `man 5 wndb`) or from a JSON object word -> [synonyms] (--synonyms FILE).
//
// A Synonyms object is immutable once built and may be shared by all threads.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::wordnet {

class Synonyms {
 public:
  struct Span {
    uint32_t offset;
    uint32_t length;
  };
  // The synonyms of one word: views into the owning Synonyms, valid while it lives.
  class List {
   public:
    List() = default;
    size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    std::string_view operator[](size_t i) const { return {arena_ + spans_[i].offset, spans_[i].length}; }

   private:
    friend class Synonyms;
    List(const char* arena, const Span* spans, uint32_t count) : arena_(arena), spans_(spans), count_(count) {}
    const char* arena_ = nullptr;
    const Span* spans_ = nullptr;
    uint32_t count_ = 0;
  };

  Synonyms();  // empty: no word has a synonym

  // Every single-token lemma of WordNet (dir holds index.{noun,verb,adj,adv} and data.*) mapped to
  // the lemmas of all its synsets in every part of speech: the word itself excluded, underscores
  // turned into spaces, adjective markers such as "(p)" dropped, duplicates removed without regard
  // to case. Order: noun, verb, adjective, adverb; within each, WordNet's sense order (most frequent
  // sense first), then the order of the lemmas in the synset. Collocation lemmas ("ice_cream") are
  // synonyms but not keys: a white-space token can never match them.
  // No morphology: "dogs" and "ran" have no synonyms. Base-form synonyms of an inflected word (what
  // nltk's morphy gives EDA) would turn "he ran" into "he operate".
  static Result<Synonyms> load_wordnet(std::string_view dir = DQPREP_WORDNET_DIR);

  // A JSON object {"word": ["synonym", ...], ...}. Keys are lower-cased (Unicode simple case
  // mapping) because lookups are; the order of each list is kept; a synonym equal to its word
  // (ignoring case), an empty one or a repeated one is dropped; a key given twice merges its lists.
  // Anything else than an object of arrays of strings is a usage error.
  static Result<Synonyms> from_json(std::string_view json_text);
  static Synonyms from_map(const std::map<std::string, std::vector<std::string>>& map);

  // The synonyms of a word given in lower case (empty when it has none).
  List find(std::string_view lowercase_word) const;
  // The key find() expects: word lower-cased (ASCII directly, other code points by Unicode simple
  // case mapping; invalid UTF-8 bytes kept). out is overwritten.
  static void normalize_key(std::string_view word, std::string& out);

  size_t num_words() const { return num_words_; }   // words that have synonyms
  size_t num_links() const { return list_.size(); }  // (word, synonym) pairs

 private:
  friend class SynonymsBuilder;
  static constexpr size_t kInlineKey = 16;
  // One slot of the open-addressing table, holding the entry itself and, when it fits, the key:
  // a lookup then reads one cache line. key_length == 0 marks an empty slot.
  struct alignas(32) Slot {
    uint32_t tag;  // high bits of the key's hash
    uint32_t key_length;
    uint32_t list_begin;
    uint32_t list_count;
    char key[kInlineKey];  // the key, or (longer keys) its offset in arena_
  };
  std::string_view key_of(const Slot& s) const;
  void insert_entry(std::string_view key, uint32_t list_begin, uint32_t list_count);

  std::string arena_;       // synonym texts and long keys
  std::vector<Span> list_;  // the synonyms of every entry, entry after entry
  std::vector<Slot> slots_;
  uint64_t slot_mask_ = 0;
  size_t num_words_ = 0;
};

}  // namespace dqprep::wordnet
