#include "dqprep/labels/probabilities.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>


namespace dqprep::probabilities {

namespace {

// Six significant digits: a message names the value, it need not round-trip.
std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

Result<double> divisor(const std::vector<double>& p, bool renormalize) {
  if (p.empty()) return Status::bad_input("the probability array is empty");
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!std::isfinite(p[i])) return Status::bad_input("probability " + std::to_string(i) + " is not a finite number");
    if (p[i] < -kRoundingError) {
      return Status::bad_input("probability " + std::to_string(i) + " is negative (" + short_number(p[i]) + ")");
    }
    sum += std::max(p[i], 0.0);
  }
  if (!std::isfinite(sum)) return Status::bad_input("the probabilities sum to infinity");
  if (!(sum > 0)) return Status::bad_input("the probabilities sum to 0");
  if (renormalize) return sum;
  if (std::abs(sum - 1.0) > kSumTolerance) {
    return Status::bad_input("the probabilities sum to " + short_number(sum) +
                             ", not 1 (within 0.001); --renormalize divides them by their sum");
  }
  return 1.0;
}

}  // namespace dqprep::probabilities
