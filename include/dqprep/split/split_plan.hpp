#pragma once
// Split planning: which part (split or fold) each record goes to, decided from compact per-record
// keys only (class id, group id, time), never from the records themselves. The `split` stage reads
// the keys in a first pass, plans here, and routes the records in a second pass.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::split_plan {

using PartId = uint16_t;
inline constexpr size_t kMaxParts = std::numeric_limits<PartId>::max();

// The parts of a split as exact integer weights: --ratios quantized to 1e-12 (so 0.8,0.1,0.1 is
// 8e11,1e11,1e11), or 1 each for K folds. Counts and hash cuts are then integer arithmetic, exact
// and the same on every platform.
class Parts {
 public:
  // A usage Status unless there is at least one ratio (at most kMaxParts), each finite and > 0,
  // summing to 1 within 1e-9.
  static Result<Parts> from_ratios(std::span<const double> ratios);
  // K equal parts, 2 <= K <= kMaxParts.
  static Result<Parts> folds(size_t k);

  size_t size() const { return weights_.size(); }
  const std::vector<uint64_t>& weights() const { return weights_; }
  uint64_t total_weight() const { return total_; }
  double ratio(size_t part) const;

  // Largest-remainder rounding of n x ratio: floors, then one more for the parts with the largest
  // remainders, ties to the lower part. Sums to n; each count within 1 of n x ratio.
  std::vector<uint64_t> counts(uint64_t n) const;
  // The part of a uniform 64-bit hash h: the first part whose cumulative ratio exceeds h / 2^64.
  PartId part_of_hash(uint64_t h) const;

 private:
  std::vector<uint64_t> weights_;
  std::vector<uint64_t> cumulative_;  // cumulative_[i] = weights_[0] + … + weights_[i]
  uint64_t total_ = 0;
};

// The checks of Parts::from_ratios alone.
Status validate_ratios(std::span<const double> ratios);
// Parts::from_ratios(ratios)->counts(n).
Result<std::vector<uint64_t>> split_counts(uint64_t n, std::span<const double> ratios);

// A class with records of which a part received none.
struct Unreached {
  uint32_t class_id = 0;
  PartId part = 0;
  friend bool operator==(const Unreached&, const Unreached&) = default;
};

struct Plan {
  std::vector<PartId> part;         // per record, in input order
  std::vector<uint64_t> totals;     // records per part
  std::vector<Unreached> unreached;  // stratified plans: by class, then part
};

// Exactly Parts::counts(n) records per part, in an order shuffled by Rng(seed).
Plan random_split(uint64_t n, const Parts& parts, uint64_t seed);

// Class ids are dense, < num_classes. Every class's count in every part is within 1 of
// ratio x class count (floor or ceiling, so an integer ideal is met exactly), every record is
// assigned (a class too small for a part is listed in `unreached`), and the part totals are within 1
// of ratio x n: equal to Parts::counts(n) whenever some rounding allows it. The per-class roundings
// are chosen together by a max-flow over (class, part) cells, then each class's records are dealt to
// its counts in an order drawn from Rng(seed, class id).
// A usage Status for a class id >= num_classes.
Result<Plan> stratified_split(std::span<const uint32_t> class_ids, uint32_t num_classes,
                              const Parts& parts, uint64_t seed);

// Every record of a group (equal ids) in one part. Groups go largest first, each to the part
// furthest below its target (ratio x n); groups of equal size in the order of a hash of their id
// seeded by `shuffle_seed`, or by ascending id without one. A part ends above its target by less
// than the last group it received. At most 2^32 - 1 records (a usage Status beyond).
Result<Plan> group_split(std::span<const uint64_t> group_ids, const Parts& parts,
                         std::optional<uint64_t> shuffle_seed);

// Groups kept whole with class shares as even as possible: scikit-learn's StratifiedGroupKFold
// adapted to ratios. Groups in descending order of the standard deviation of their class counts
// (ties as in group_split), each to the part that minimises the mean over classes of the standard
// deviation, across parts, of (class share in the part / the part's ratio); near ties (numpy's
// isclose) to the part least filled relative to its ratio, then the lower part. With equal parts
// and no shuffle_seed this is StratifiedGroupKFold(shuffle=False). `unreached` as for
// stratified_split. At most 2^32 - 1 records.
Result<Plan> stratified_group_split(std::span<const uint64_t> group_ids,
                                    std::span<const uint32_t> class_ids, uint32_t num_classes,
                                    const Parts& parts, std::optional<uint64_t> shuffle_seed);

// A record's time in any unit (epoch seconds, …): only the order matters. `index` orders records of
// equal time (their input position).
struct TimeKey {
  double time = 0;
  uint64_t index = 0;
};

// Chronological cut: records ordered by (time, index), the oldest Parts::counts(n)[0] to part 0,
// the next ones to part 1, … `part` is aligned with `records`. A bad_input Status for a NaN time.
// At most 2^32 - 1 records.
Result<Plan> time_split(std::span<const TimeKey> records, const Parts& parts);

// The part of one record from a hash of its key (id or text) alone, so shards agree with no global
// pass: parts.part_of_hash(XXH3-64(key, seed)). Each part receives its ratio of the records only in
// expectation (binomial spread), not exactly.
PartId hash_split(std::string_view key, const Parts& parts, uint64_t seed);

}  // namespace dqprep::split_plan
