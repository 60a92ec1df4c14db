#pragma once
// Class balancing by oversampling: how many new records each class needs, and which of its records
// make them (round-robin over the class's records in input order).

#include <cstdint>
#include <optional>
#include <vector>

namespace dqprep::balance {

struct Plan {
  uint64_t target = 0;             // records per class wanted after balancing
  std::vector<uint64_t> add;       // new records per class
};

// For classes with counts[c] records: target = target_per_class, or the largest count when not
// given; add[c] = target - counts[c] (0 when the class already has target or more: balancing never
// removes records), capped at floor(max_ratio * counts[c]) when max_ratio is given.
Plan plan(const std::vector<uint64_t>& counts, std::optional<uint64_t> target_per_class,
          std::optional<double> max_ratio);

// The new records the rank-th record (0-based, input order) of a class of n records makes when the
// class needs `add`: add / n each, and one more for the first add % n (round-robin).
inline uint64_t share(uint64_t add, uint64_t n, uint64_t rank) {
  return n == 0 ? 0 : add / n + (rank < add % n ? 1 : 0);
}

}  // namespace dqprep::balance
