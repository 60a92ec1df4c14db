#pragma once
// Label conflicts: records with the same text key (an XXH3-128 of the text) but different labels.
// Serves label-check (report, --resolve) and dedup's label_conflicts count.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dqprep/util/hash.hpp"

namespace dqprep::label_conflicts {

inline constexpr int32_t kTie = -1;

// One labeled record: its text key, its position in the run and its label id (>= 0).
struct Entry {
  hash::Key128 key;
  uint32_t record = 0;
  int32_t label = 0;
};

struct LabelCount {
  int32_t label = 0;
  uint32_t count = 0;
};

// The records of one key that carry two or more different labels.
struct Group {
  size_t members_begin = 0, members_end = 0;  // into Conflicts::members
  size_t counts_begin = 0, counts_end = 0;    // into Conflicts::counts
  // The label most members carry, or kTie when two or more labels share the top count.
  int32_t majority = kTie;
  size_t size() const { return members_end - members_begin; }
};

struct Conflicts {
  std::vector<Group> groups;         // ordered by their first record
  std::vector<uint32_t> members;     // records, group by group, ascending within a group
  std::vector<LabelCount> counts;    // per group: most frequent first, equal counts by label id
  size_t duplicate_groups = 0;       // keys shared by two or more records, conflicting or not
  size_t duplicate_records = 0;      // records in those groups
  size_t conflict_records() const { return members.size(); }
};

// Groups `entries` by key (sorting them in place). O(n log n); memory: the entries plus the members
// of conflicting groups.
Conflicts find(std::vector<Entry>& entries);

}  // namespace dqprep::label_conflicts
