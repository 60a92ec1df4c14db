#pragma once
// The one check of a record's predicted class probabilities, for every stage that reads them
// (label-check --probs-field, select --probs-field): finite, not negative, summing to 1 within
// 0.001 — or, with renormalize, to any finite positive sum, which the caller divides by.

#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::probabilities {

inline constexpr double kSumTolerance = 1e-3;
// Float32 softmax outputs can fall below 0 by a rounding error: such a value counts as 0.
inline constexpr double kRoundingError = 1e-6;

// The number to divide the probabilities by: 1 when they are used as given, their sum with
// `renormalize`. A bad_input Status says what is wrong ("probability 2 is negative (-0.1)",
// "the probabilities sum to 1.2, not 1 (within 0.001); --renormalize divides them by their sum").
Result<double> divisor(const std::vector<double>& p, bool renormalize);

}  // namespace dqprep::probabilities
