#include "stages/filter_classifier.hpp"

#include <cmath>

namespace dqprep::stages {

Result<ClassifierRule> ClassifierRule::load(const std::string& model_path, const std::string& keep_label,
                                            double min_score) {
  if (!(min_score >= 0 && min_score <= 1)) return Status::usage("--min-score must be between 0 and 1");
  if (keep_label.empty()) return Status::usage("--classifier needs --keep-label LABEL (the class to keep)");
  ClassifierRule rule;
  DQPREP_ASSIGN_OR_RETURN(model::Classifier classifier, model::Classifier::load(model_path));
  rule.classifier_ = std::move(classifier);
  const std::vector<std::string>& labels = rule.classifier_.labels();
  size_t i = 0;
  while (i < labels.size() && labels[i] != keep_label) ++i;
  if (i == labels.size()) {
    std::string known;
    for (const std::string& l : labels) known += (known.empty() ? "" : ", ") + l;
    return Status::usage("--keep-label '" + keep_label + "' is not a label of " + model_path + " (its labels: " +
                         known + ")");
  }
  rule.keep_index_ = i;
  rule.min_score_ = min_score;
  return rule;
}

double ClassifierRule::score(std::string_view text, std::string& scratch, std::vector<double>& probs) const {
  scratch.clear();
  model::append_text(scratch, text);
  classifier_.predict(scratch, probs);
  return probs[keep_index_];
}

}  // namespace dqprep::stages
