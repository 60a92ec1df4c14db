#pragma once
// label-check --review: reads back a review sheet (from `dqprep sample --review`, filled by
// reviewers) and estimates the noise rate, the error rate per class and the precision of each
// automatic flag, with Wilson intervals, and the reviewers' agreement.

#include <string>

#include "stages/common.hpp"

namespace dqprep::stages {

// `common`: the inputs are the sheets (JSON Lines; several reviewers' copies may be given, or
// concatenated); the label and id fields, --stats and the log flags apply.
Status run_label_check_review(const CommonOptions& common, const checks::GateFlags& gates);

}  // namespace dqprep::stages
