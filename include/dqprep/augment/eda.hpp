#pragma once
// EDA text augmentation (Wei & Zou 2019, "EDA: Easy Data Augmentation Techniques for Boosting
// Performance on Text Classification Tasks"): synonym replacement, random insertion, random swap,
// random deletion, plus character noise.
//
// Words are the white-space tokens of the text (text::for_each_word). A token's leading and trailing
// punctuation and symbols (Unicode P* and S*) are its affixes, the rest is its core; a token whose
// core is empty ("—", "...") is not a word: it is never counted, replaced, swapped or deleted.
// Unlike EDA's code, which lower-cases the text and strips every non-letter, the text outside the
// edited words is kept byte for byte (white space, line breaks, punctuation):
//  - synonym: n = max(1, round(alpha * words)) (halves up) distinct words, chosen at random among
//    those that are not stop words, contain no digit and have synonyms, get their core replaced by a
//    random synonym, affixes kept ("quick," -> "fast,"); the case is carried over: "Quick" -> "Fast",
//    "QUICK" -> "FAST", otherwise the synonym as the dictionary spells it. Fewer than n when fewer
//    words have synonyms. (EDA's code replaces every occurrence of the chosen word; the paper's
//    text and this code replace n word tokens.)
//  - insert: n synonyms, each of a random such word (distinct words while there are enough, then
//    repeats), each inserted before a random token or at the end, followed (at the end: preceded)
//    by one space; upper case when the source word is all capitals. Nothing when no word has a
//    synonym.
//  - swap: n times, the cores of two random distinct words are exchanged; affixes stay in place
//    ("the dog, a cat." -> "the cat, a dog.").
//  - delete: each word is deleted (with its affixes) with probability alpha; if every word would
//    go, one random word stays. The white space between the surrounding kept tokens is the gap
//    with the most line breaks (the first on a tie), so lines and paragraphs survive.
//  - char_noise: char_noise::apply with Params::char_rate.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/util/random.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/augment/wordnet.hpp"

namespace dqprep::eda {

enum class Op : uint8_t { synonym, insert, swap, deletion, char_noise };

// The names of the CLI and of the `aug.op` field: synonym, insert, swap, delete, char-noise.
std::string_view op_name(Op op);
// Accepts the names above ("char_noise" too).
std::optional<Op> parse_op(std::string_view name);
// A comma-separated list of names ("synonym,insert"); an unknown or repeated name, or an empty
// list, is a usage error.
Result<std::vector<Op>> parse_ops(std::string_view names);

// EDA's stop word list (the NLTK English list as given in eda.py); word in lower case.
bool is_stop_word(std::string_view lowercase_word);

// One white-space token of a text and its core: the token without its leading and trailing
// punctuation and symbols (Unicode P* and S*). A token whose core is empty is not a word.
struct TokenSpan {
  uint32_t start, core_start, core_end, end;
  bool is_word() const { return core_start < core_end; }
};
// The tokens of `text` in order, into out (a text of 4 GiB or more has none: offsets are 32-bit).
void token_spans(std::string_view text, std::vector<TokenSpan>& out);
// Appends `word` with the case of `like` (the core it replaces): "Great" -> "Fine",
// "DOG" -> "HOUND", otherwise as the dictionary spells it.
void append_in_case_of(std::string& out, std::string_view word, std::string_view like);

struct Params {
  double alpha = 0.1;       // share of words changed by synonym/insert/swap; deletion probability
  double char_rate = 0.05;  // per-character probability of char_noise
};
// Usage error unless 0 < alpha <= 1 and 0 < char_rate <= 1.
Status validate(const Params& params);

// One augmented text. changed == false when the text came out identical to the source (no word
// has a synonym, a one-word text swapped, nothing deleted, ...): the caller drops it or counts it.
struct Variant {
  Op op = Op::synonym;
  bool changed = false;
  std::string text;
};

// Holds the scratch buffers of one thread; the Synonyms are shared (read-only) and must outlive it.
// All randomness comes from the Rng passed in, so a record's variants depend only on its Rng.
class Augmenter {
 public:
  explicit Augmenter(const wordnet::Synonyms& synonyms, Params params = {});

  // Writes text transformed by op into out (contents replaced); returns true when out != text.
  bool apply(std::string_view text, Op op, Rng& rng, std::string& out);

  // num_aug variants mixing ops as EDA's eda() does: each op makes num_aug / ops.size() + 1
  // variants (EDA: int(num_aug/4)+1 for its four ops), the labels are shuffled and cut to num_aug,
  // so every op is as likely and no variant is made only to be thrown away. out is resized to
  // num_aug and its strings reused. Unchanged variants are reported, not dropped.
  void generate(std::string_view text, std::span<const Op> ops, int num_aug, Rng& rng,
                std::vector<Variant>& out);

  // One variant per element of ops, in that order, the text tokenized once: a record with several
  // text fields gets the op sequence generate() drew for its first field in each of the others.
  // ops must not alias out.
  void generate_each(std::string_view text, std::span<const Op> ops, Rng& rng, std::vector<Variant>& out);

 private:
  using Token = TokenSpan;
  struct Pick {  // a chosen word and the synonym it contributes
    uint32_t slot;  // token index (synonym) or insertion slot (insert)
    uint32_t seq;
    uint32_t token;
    std::string_view synonym;
  };

  void tokenize(std::string_view text);
  bool transform(std::string_view text, Op op, Rng& rng, std::string& out);
  // The synonyms of a token's core (none for stop words and words with digits), memoized per text.
  wordnet::Synonyms::List lookup(std::string_view text, uint32_t token);
  // Draws words in random order (without replacement) until `want` with synonyms are found.
  void pick_sources(std::string_view text, size_t want, Rng& rng);
  void synonym_replacement(std::string_view text, Rng& rng, std::string& out);
  void random_insertion(std::string_view text, Rng& rng, std::string& out);
  void random_swap(std::string_view text, Rng& rng, std::string& out);
  void random_deletion(std::string_view text, Rng& rng, std::string& out);
  size_t num_changes() const;

  const wordnet::Synonyms& synonyms_;
  Params params_;
  std::vector<Token> tokens_;
  std::vector<uint32_t> words_;  // indices into tokens_ of the words
  std::vector<uint32_t> order_;
  std::vector<Pick> picks_;
  std::vector<wordnet::Synonyms::List> lists_;
  std::vector<uint8_t> keep_;
  std::vector<uint8_t> looked_up_;
  std::vector<wordnet::Synonyms::List> memo_;
  std::vector<Op> labels_;
  std::string key_;
};

// One variant, with a fresh Augmenter: for tests and one-off calls, not for the record loop.
std::string augment(std::string_view text, Op op, const Params& params,
                    const wordnet::Synonyms& synonyms, Rng& rng);

}  // namespace dqprep::eda
