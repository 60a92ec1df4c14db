#pragma once
// Likely label errors from out-of-sample predicted class probabilities, in the manner of cleanlab
// (Northcutt, Jiang, Chuang 2021, "Confident Learning: Estimating Uncertainty in Dataset Labels").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::label_issues {

inline constexpr int32_t kMissing = -1;

enum class Method {
  // Per-class thresholds t_j (mean p_j over records labeled j), confident joint, calibrated to the
  // label counts, then prune by noise rate: for each off-diagonal cell (i, j) the C[i][j] records
  // labeled i with the largest p_j - p_i are flagged (cleanlab's default filter). As in cleanlab, a
  // record whose top class is its given label is never flagged. Score: self-confidence.
  confident_learning,
  // Score p_given. Flagged when another class has a strictly larger probability than the given one
  // (the model's top class differs; an exact tie with the given label is not flagged).
  self_confidence,
  // Score (p_given - max_{j != given} p_j + 1) / 2, cleanlab's normalized margin. Flagged when the
  // margin is negative, which is the same rule as self_confidence; the two differ in how they rank.
  normalized_margin,
};

// "confident-learning", "self-confidence" or "normalized-margin" (label-check --method); anything
// else is a usage error.
Result<Method> parse_method(std::string_view text);

// Which true class the confident joint counts a record toward when its probability reaches the
// threshold of two or more classes (one such class: that one; none: the record is not counted).
enum class JointRule {
  // The class of highest probability overall, confident or not: cleanlab's compute_confident_joint
  // (np.where(more_than_one_confident, pred_probs.argmax(axis=1), ...)).
  cleanlab,
  // The class of highest probability among those that reach their threshold: the paper's
  // argmax over the confident classes (Northcutt et al. 2021, eq. 1).
  paper,
};

// "cleanlab" or "paper" (label-check --joint-rule); anything else is a usage error.
Result<JointRule> parse_joint_rule(std::string_view text);

struct Issue {
  std::optional<double> score;  // in [0, 1], low = likely error; empty when the label is missing
  bool flagged = false;
  int32_t suggested = 0;  // the class of highest probability (ties to the lowest id)
};

struct Findings {
  std::vector<Issue> records;
  size_t flagged = 0;
  size_t labeled = 0;  // records with a given label
  // Flags before the max_flag_rate cap (equal to flagged when the cap took none off).
  size_t uncapped = 0;
  // Labeled records whose most probable class (ties to the lowest id) is their given label, and
  // the count of the most common given class: model accuracy = correct / labeled, majority-class
  // rate = majority / labeled.
  size_t correct = 0;
  size_t majority = 0;
  // confident_learning only: per-class thresholds (2, unreachable, for a class no record has) and
  // the calibrated confident joint, K x K row-major, [given][true].
  std::vector<double> thresholds;
  std::vector<int64_t> confident_joint;
};

// given: one class id per record, or kMissing. probs: records x num_classes, row-major, each in
// [0, 1] (rows need not sum exactly to 1). bad_input when sizes disagree, an id is out of range or
// a probability is not a finite number in [0, 1].
// max_flag_rate in [0, 1] caps the flags at floor(max_flag_rate * labeled): when more are flagged,
// only those with the largest p_suggested - p_given stay flagged (equal margins: the earlier record),
// the ranking confident learning prunes by. 1 takes nothing off. joint_rule applies to
// confident_learning only.
Result<Findings> find_label_issues(std::span<const int32_t> given, std::span<const double> probs,
                                   size_t num_classes, Method method = Method::confident_learning,
                                   double max_flag_rate = 1.0, JointRule joint_rule = JointRule::cleanlab);

}  // namespace dqprep::label_issues
