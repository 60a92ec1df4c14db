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

#include "dqprep/status.hpp"

namespace dqprep::wordnet {

class Synonyms {
 public:
  // The synonyms of one word: views into the owning Synonyms, valid while it lives.
  class List {
   public:
    List() = default;
    size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    std::string_view operator[](size_t i) const;

   private:
    friend class Synonyms;
    List(const Synonyms* owner, const uint32_t* ids, uint32_t count)
        : owner_(owner), ids_(ids), count_(count) {}
    const Synonyms* owner_ = nullptr;
    const uint32_t* ids_ = nullptr;
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

  size_t num_words() const { return entries_.size(); }  // words that have synonyms
  size_t num_links() const { return list_ids_.size(); }  // (word, synonym) pairs

 private:
  friend class SynonymsBuilder;
  struct Entry {
    uint32_t key_offset;
    uint32_t key_length;
    uint32_t list_begin;
    uint32_t list_count;
  };
  struct Span {
    uint32_t offset;
    uint32_t length;
  };
  void build_index();

  std::string arena_;               // keys and synonym texts, back to back
  std::vector<Span> strings_;       // synonym id -> text in arena_
  std::vector<uint32_t> list_ids_;  // the synonym ids of every entry, entry after entry
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;  // open addressing over entries_; UINT32_MAX = empty
  uint64_t slot_mask_ = 0;
};

}  // namespace dqprep::wordnet
