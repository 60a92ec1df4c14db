#include "dqprep/augment/adversarial.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

namespace dqprep::adversarial {
namespace {

// A bag-of-words logistic "model": p(true label) = sigmoid(sum of the words' weights), words
// lower-cased and stripped of punctuation; unknown words weigh 0.
TrueLabelProbability toy_model(std::map<std::string, double> weights) {
  return [weights](std::string_view text) {
    std::istringstream in{std::string(text)};
    std::string word;
    double z = 0;
    while (in >> word) {
      std::string key;
      for (char c : word)
        if (std::isalnum(static_cast<unsigned char>(c))) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = weights.find(key);
      if (it != weights.end()) z += it->second;
    }
    return 1 / (1 + std::exp(-z));
  };
}

const wordnet::Synonyms& synonyms() {
  static const wordnet::Synonyms s = wordnet::Synonyms::from_map({
      {"dog", {"hound", "pooch", "big dog"}},
      {"cat", {"feline", "kitty"}},
      {"bird", {"fowl"}},
      {"the", {"ye"}},     // a stop word: never replaced
      {"animal", {"beast"}},  // the label's cue word below: kept
      {"runs", {"sprints"}},
  });
  return s;
}

TEST(Adversarial, GreedyByDeletionImportanceWithinTheBudget) {
  // Importance by deletion: dog (3) > cat (1) > bird (0.5). With a budget of floor(0.5 x 8) = 4
  // words: dog -> pooch (the synonym of lowest p), cat -> feline, bird stays (fowl raises p).
  auto p = toy_model({{"dog", 3}, {"cat", 1}, {"bird", 0.5}, {"hound", 2}, {"pooch", -1}, {"feline", -2},
                      {"kitty", 0.5}, {"fowl", 4}, {"animal", 2}, {"beast", -5}, {"ye", -5}});
  Attacker attacker(synonyms(), {0.5, 50});
  Attack a;
  attacker.attack("The Dog, the cat and a bird: animal.", p, {"animal"}, a);
  EXPECT_EQ(a.words, 8u);
  EXPECT_EQ(a.budget, 4u);
  EXPECT_EQ(a.candidates, 3u);  // dog, cat, bird (not the stop words, not the kept "animal")
  EXPECT_EQ(a.substitutions, 2u);
  EXPECT_EQ(a.text, "The Pooch, the feline and a bird: animal.");
  EXPECT_DOUBLE_EQ(a.p_before, p("The Dog, the cat and a bird: animal."));
  EXPECT_DOUBLE_EQ(a.p_after, p(a.text));
  EXPECT_LT(a.p_after, a.p_before);
}

TEST(Adversarial, TheBudgetStopsTheMostImportantFirst) {
  auto p = toy_model({{"dog", 1}, {"cat", 3}, {"pooch", -1}, {"hound", -1}, {"feline", -2}});
  Attacker attacker(synonyms(), {0.25, 50});  // floor(0.25 x 4) = 1 substitution
  Attack a;
  attacker.attack("dog cat dog runs", p, {}, a);
  EXPECT_EQ(a.budget, 1u);
  EXPECT_EQ(a.substitutions, 1u);
  EXPECT_EQ(a.text, "dog feline dog runs");  // cat is the most important word
  // Ties in p keep the first synonym in the dictionary's order (hound before pooch).
  attacker.attack("dog", toy_model({{"dog", 1}, {"pooch", -1}, {"hound", -1}}), {}, a);
  EXPECT_EQ(a.budget, 0u);  // floor(0.25 x 1) = 0: a short text is left as it is
  EXPECT_EQ(a.text, "dog");
  Attacker whole(synonyms(), {1.0, 50});
  whole.attack("dog", toy_model({{"dog", 1}, {"pooch", -1}, {"hound", -1}}), {}, a);
  EXPECT_EQ(a.text, "hound");
}

TEST(Adversarial, NothingChangesWhenNoSynonymLowersTheProbability) {
  auto p = toy_model({{"dog", -1}, {"hound", 2}, {"pooch", 2}});
  Attacker attacker(synonyms(), {1.0, 50});
  Attack a;
  attacker.attack("  dog  ", p, {}, a);
  EXPECT_EQ(a.substitutions, 0u);
  EXPECT_EQ(a.text, "  dog  ");
  EXPECT_EQ(a.p_after, a.p_before);
}

}  // namespace
}  // namespace dqprep::adversarial
