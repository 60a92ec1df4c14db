#pragma once
// Duplicate groups from a clustering: which records form groups of two or more, which member of
// each group is kept, and the figures of the dedup summary. Shared by the one-process run and the
// sharded form (dedup cluster), so that both decide alike.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::dup_groups {

// A record in a group of two or more. `index` is the record's index in the clustering, or, once a
// caller has translated it, its position in an input.
struct Member {
  uint64_t index = 0;
  uint32_t group = 0;  // groups are numbered in the order of their first (smallest) record
  uint32_t kept = 0;   // 1 for the member kept, 0 for a duplicate of it
  friend bool operator==(const Member&, const Member&) = default;
};

struct Groups {
  std::vector<Member> members;  // in increasing index
  std::vector<uint32_t> kept;   // per group: the index of its kept member
  uint64_t duplicates = 0;      // members not kept
  uint64_t label_conflicts = 0; // groups whose labelled members do not all carry the same label
};

// component_min: for each record, the smallest record of its cluster (lsh::cluster, or the first
// record with the same exact key). priority: empty keeps the first member of each group; else the
// member with the greatest priority is kept, ties to the first (lsh::kept_members). labels: a hash
// of each record's label, 0 for a record without one (it takes no part in label conflicts); may be
// empty (no label conflicts counted).
Groups resolve(std::span<const uint32_t> component_min, std::span<const uint64_t> priority,
               std::span<const uint64_t> labels);

// Which member of a duplicate group stays (--keep): the first, or the longest text (ties to the
// first).
enum class Keep { first, longest };
// "first" or "longest"; anything else is a usage error.
Result<Keep> parse_keep(std::string_view text);
std::string_view keep_name(Keep keep);

}  // namespace dqprep::dup_groups
