#pragma once
// Adversarial examples by synonym substitution: the seed's x' = x + η, η = argmax L(x + η; θ) under a
// budget, with η a set of word substitutions (the greedy word-level attack of Jin et al. 2020,
// "TextFooler", restricted to WordNet synonyms):
//
//  1. words: the white-space tokens with a core (eda::token_spans); the budget is
//     floor(budget x words) substitutions.
//  2. candidates: words with a synonym of one token, not a stop word (eda's list), without a digit,
//     and not one of the words to keep (the label's cue words).
//  3. importance by deletion: I(w) = p(x) - p(x without w), p the model's probability of the true
//     label; candidates in order of importance, highest first (ties: the earlier word).
//  4. greedy: for each candidate while the budget lasts, the synonym that gives the lowest p (the
//     first on a tie; at most max_synonyms tried, in the dictionary's order) replaces the word if
//     it lowers p below its current value; otherwise the word stays.
//
// Deterministic: no random choice, so the result depends only on the text, the model and the
// dictionary. The case of a replaced word is carried over (eda::append_in_case_of); every byte
// outside the replaced cores is kept.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/augment/eda.hpp"
#include "dqprep/augment/wordnet.hpp"

namespace dqprep::adversarial {

struct Params {
  double budget = 0.15;      // share of the words that may be substituted; 0 < budget <= 1
  size_t max_synonyms = 50;  // synonyms tried per word
};

struct Attack {
  double p_before = 0;       // p(x)
  double p_after = 0;        // p(x'), <= p_before
  size_t words = 0;
  size_t budget = 0;         // floor(budget x words)
  size_t candidates = 0;     // words that could be substituted
  size_t substitutions = 0;  // words substituted (0: x' = x)
  std::string text;          // x'
};

// The model's probability of the record's true label for a text.
using TrueLabelProbability = std::function<double(std::string_view text)>;

// Holds the scratch buffers of one thread; the Synonyms are shared and must outlive it.
class Attacker {
 public:
  Attacker(const wordnet::Synonyms& synonyms, Params params);

  // `keep`: lower-cased words never substituted.
  void attack(std::string_view text, const TrueLabelProbability& p, const std::vector<std::string>& keep, Attack& out);

 private:
  // The text with the replacements made so far (and `extra` at token `at`, or the token left out
  // when `drop`), into built_.
  void build(std::string_view text, size_t at, std::string_view extra, bool drop);

  const wordnet::Synonyms& synonyms_;
  Params params_;
  std::vector<eda::TokenSpan> tokens_;
  std::vector<std::string> replaced_;  // per token: its new core, or empty
  std::string built_, key_, cased_;
};

}  // namespace dqprep::adversarial
