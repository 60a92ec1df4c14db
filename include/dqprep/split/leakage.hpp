#pragma once
// Leakage between the parts of a split: records of one part that duplicate, exactly or nearly,
// records of another. Works on compact per-record keys (XXH3-128 text keys, LSH band keys), never
// on the texts; near candidates are verified by the caller (exact Jaccard of their shingle sets).

#include <cstdint>
#include <span>
#include <vector>

#include "dqprep/util/hash.hpp"
#include "dqprep/dedup/lsh.hpp"
#include "dqprep/split/split_plan.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::leakage {

using split_plan::PartId;

// Two records (positions in the keys' order), a < b, in different parts.
struct Pair {
  uint32_t a = 0;
  uint32_t b = 0;
  friend bool operator==(const Pair&, const Pair&) = default;
  friend auto operator<=>(const Pair&, const Pair&) = default;
};

struct ExactLeaks {
  std::vector<Pair> pairs;  // sorted
  uint64_t groups = 0;      // distinct texts found in more than one part
  uint64_t records = 0;     // records of those texts (every copy, in every part)
};

// Records with equal keys in different parts. A text's anchor is its first copy (by position) in
// the lowest part that holds it; every other copy is listed once: paired with the anchor when
// their parts differ, else with the text's first copy in the next part that holds it. So each
// record of a leaked text appears in a pair, every pair has a copy in the lowest part (train before
// test), and pairs = records - groups. At most 2^32 - 1 records.
ExactLeaks exact(std::span<const hash::Key128> keys, std::span<const PartId> parts);

// Candidate near-duplicate pairs across parts: in every LSH bucket (records sharing a band key)
// that holds records of more than one part, each member is paired with the first member of each
// other part present. Pairs whose exact keys are equal (when `keys` is given) are left out: they
// are exact leaks. Unique, sorted.
std::vector<Pair> near_candidates(const lsh::Index& index, std::span<const PartId> parts,
                                  std::span<const hash::Key128> keys = {});

}  // namespace dqprep::leakage
