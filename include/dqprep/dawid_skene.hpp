#pragma once
// Dawid-Skene (1979): estimates each item's true class and each annotator's confusion matrix by
// EM, starting from the (soft) majority vote. Serves --consensus dawid-skene and weak-label's
// --model dawid-skene (labeling functions play the annotators).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dqprep/agreement.hpp"

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
  // probability that annotator a says l when the true class is t.
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

}  // namespace dqprep::dawid_skene
