#include "dqprep/select/greedy_cover.hpp"

#include <cmath>
#include <utility>

namespace dqprep::greedy_cover {

GreedyCover::GreedyCover(std::vector<double> weight, std::vector<double> distance, double beta)
    : weight_(std::move(weight)), distance_(std::move(distance)), beta_(beta), left_(weight_.size()) {
  score_.resize(weight_.size());
  chosen_.assign(weight_.size(), 0);
  for (size_t i = 0; i < weight_.size(); ++i) score_[i] = score_of(i);
}

double GreedyCover::score_of(size_t i) const {
  return beta_ == 1 ? weight_[i] * distance_[i] : weight_[i] * std::pow(distance_[i], beta_);
}

std::optional<Pick> GreedyCover::pick() {
  if (left_ == 0) return std::nullopt;
  size_t best = size();
  for (size_t i = 0; i < size(); ++i) {
    if (chosen_[i]) continue;
    if (best == size() || score_[i] > score_[best]) best = i;
  }
  chosen_[best] = 1;
  --left_;
  return Pick{best, score_[best], distance_[best]};
}

}  // namespace dqprep::greedy_cover
