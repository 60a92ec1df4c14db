#pragma once
// Dawid-Skene (1979): estimates each item's true class and each annotator's confusion matrix by
// EM, starting from the (soft) majority vote. Serves --consensus dawid-skene and weak-label's
// --model dawid-skene (labeling functions play the annotators).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dqprep/labels/agreement.hpp"

namespace dqprep::dawid_skene {

struct Options {
  int max_iterations = 100;
  // Stop when the mean log-likelihood per rated item, or every posterior, changes by less.
  double tolerance = 1e-5;
  // Pseudo-count added to every confusion-matrix cell (and class count): an annotator who never
  // saw a class gets a uniform row for it instead of 0/0, and no probability is exactly 0.
  double smoothing = 0.01;
};

struct Model {
  int32_t num_categories = 0;
  // Per item: the class of highest posterior (ties to the lowest id) and that posterior;
  // kNotRated and 0 for items nobody rated.
  agreement::Consensus consensus;
  std::vector<double> posteriors;    // items x num_categories, row-major; unrated items: the priors
  std::vector<double> class_priors;  // num_categories
  // Per annotator, num_categories x num_categories row-major: confusion[a][t * K + l] is the
  // probability that annotator a says l when the true class is t (K + 1 columns, the last one for
  // "abstain", with SparseRatings::abstain_is_output).
  std::vector<std::vector<double>> confusion;
  // Per annotator: expected share of its ratings that equal the true class, under the posteriors;
  // empty for an annotator with no rating.
  std::vector<std::optional<double>> accuracies;
  double log_likelihood = 0;  // of the ratings under the final parameters
  int iterations = 0;         // EM rounds run
  bool converged = false;
  std::string note;  // why nothing was fitted (invalid ratings, no rating), else empty
};

// Cost per iteration O(ratings x K); memory O(items x K + annotators x K^2).
Model fit(const agreement::Ratings& ratings, const Options& options = {});

// The same model on sparse, weighted items: item i stands for weights[i] identical items (1 when
// weights is empty) whose ratings are votes[offsets[i], offsets[i + 1]). Fitting each distinct
// rating pattern once with its count as weight gives the model of the full data (weak-label
// interns each record's votes: most records share a few patterns, and a record stores only its
// pattern id). Consensus::tied_items counts weight, rounded down.
struct Vote {
  uint32_t annotator = 0;
  int32_t category = 0;  // in [0, num_categories)
};
struct SparseRatings {
  size_t num_annotators = 0;
  int32_t num_categories = 0;
  std::vector<size_t> offsets{0};  // num_items + 1 entries
  std::vector<Vote> votes;         // an item's votes in any order, at most one per annotator
  std::vector<double> weights;     // num_items positive weights, or empty
  // Every annotator rates every item: one without a vote on an item said "abstain", an output of
  // its own (category num_categories). Confusion rows then have num_categories + 1 entries, the
  // last P(abstain | true class), and items without any vote take part (their absence of votes is
  // evidence too). This is the model for labeling functions, which vote for one class or abstain:
  // when abstentions are ignored, such an annotator says its class whatever the truth, its
  // confusion rows all converge to that class and its votes carry no information; with them, the
  // rate at which it fires on each class is what tells the classes apart.
  bool abstain_is_output = false;

  size_t num_items() const { return offsets.empty() ? 0 : offsets.size() - 1; }
};
Model fit(const SparseRatings& ratings, const Options& options = {});

}  // namespace dqprep::dawid_skene
