#pragma once
// Greedy batch selection against a labelled set: each step picks
//
//     x* = argmax_x  u(x) · d(x, L ∪ S)^β
//
// over the pool records not chosen yet, S being the records chosen so far, d(x, A) the smallest
// distance from x to a member of A (the largest distance, 1, when A is empty). With u ≡ 1 it is
// k-center greedy (Gonzalez 1985), the core-set query of Sener & Savarese (2018): every pick is the
// pool record farthest from everything labelled and already chosen. Ties go to the lowest position,
// so the picks are a function of the input alone.
//
// The caller owns the distances to L (one per pool record, computed once) and, after each pick,
// lowers every other record's distance to its distance from the pick (lower()); this class keeps
// the per-record state: weight, distance and score and a chosen flag (25 bytes each).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace dqprep::greedy_cover {

struct Pick {
  size_t position = 0;
  double score = 0;     // u · d^β when it was picked
  double distance = 0;  // d(x, L ∪ S) when it was picked
};

class GreedyCover {
 public:
  // weight[i] = u(x_i) >= 0; distance[i] = d(x_i, L) in [0, 1]; beta >= 0.
  GreedyCover(std::vector<double> weight, std::vector<double> distance, double beta);

  size_t size() const { return weight_.size(); }
  bool chosen(size_t i) const { return chosen_[i] != 0; }
  double weight(size_t i) const { return weight_[i]; }

  // Chooses the best record not chosen yet; nullopt once every record is chosen.
  std::optional<Pick> pick();
  // The record at `i` is at distance d from the last pick: its distance becomes min(old, d).
  void lower(size_t i, double d) {
    if (d < distance_[i]) {
      distance_[i] = d;
      score_[i] = score_of(i);
    }
  }

 private:
  double score_of(size_t i) const;

  std::vector<double> weight_, distance_, score_;
  std::vector<uint8_t> chosen_;
  double beta_;
  size_t left_;
};

}  // namespace dqprep::greedy_cover
