#pragma once
// filter --classifier: a model-based quality rule, as DCLM's fastText filter. A trained fastText
// model scores each text; the score is the probability of one of its labels (--keep-label, the
// "good" class), and a text scoring below --min-score is dropped (rule `classifier`).

#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"
#include "dqprep/model/classifier.hpp"

namespace dqprep::stages {

class ClassifierRule {
 public:
  // A usage Status when `keep_label` is not one of the model's labels or `min_score` is not in [0, 1].
  static Result<ClassifierRule> load(const std::string& model_path, const std::string& keep_label, double min_score);

  // The probability of the keep label for `text` (fields joined), as fastText reads the text.
  // Thread-safe; `scratch` and `probs` are the caller's buffers.
  double score(std::string_view text, std::string& scratch, std::vector<double>& probs) const;
  double min_score() const { return min_score_; }

 private:
  model::Classifier classifier_;
  size_t keep_index_ = 0;
  double min_score_ = 0;
};

}  // namespace dqprep::stages
