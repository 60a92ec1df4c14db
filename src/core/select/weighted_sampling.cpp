#include "dqprep/select/weighted_sampling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "dqprep/util/random.hpp"

namespace dqprep::weighted_sampling {

double uniform_of(uint64_t seed, uint64_t index) {
  // A stream of its own ("samp"), so that the keys do not repeat the draws of --density's sample.
  Rng rng(Rng(seed, 0x73616d70).next_u64(), index);
  return static_cast<double>((rng.next_u64() >> 11) + 1) * 0x1.0p-53;  // (0, 1]: ln(u) is finite
}

double log_key(double u, double weight) {
  if (!(weight > 0)) return -std::numeric_limits<double>::infinity();
  return std::log(u) / weight;
}

std::vector<size_t> sample(std::span<const double> weights, size_t k, uint64_t seed) {
  std::vector<std::pair<double, size_t>> keyed;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0) keyed.emplace_back(log_key(uniform_of(seed, i), weights[i]), i);
  }
  auto first = [](const std::pair<double, size_t>& a, const std::pair<double, size_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  size_t n = std::min(k, keyed.size());
  std::partial_sort(keyed.begin(), keyed.begin() + static_cast<long>(n), keyed.end(), first);
  std::vector<size_t> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(keyed[i].second);
  return out;
}

}  // namespace dqprep::weighted_sampling
