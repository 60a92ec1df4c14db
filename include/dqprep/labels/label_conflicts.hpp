#pragma once
// Label conflicts: records with the same text key (an XXH3-128 of the text) but different labels.
// Serves label-check (report, --resolve) and dedup's label_conflicts count.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"
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

// What happens to the members of a conflicting group (label-check --resolve):
// none reports them; majority relabels them to the group's majority (a tie drops the group);
// drop drops every member.
enum class Resolve { none, majority, drop };

// "none", "majority" or "drop"; anything else is a usage error.
Result<Resolve> parse_resolve(std::string_view text);
std::string_view resolve_name(Resolve policy);

// The verdict on one member of a conflicting group.
struct Resolution {
  enum class Action { keep, relabel, drop, drop_tie };
  Action action = Action::keep;
  int32_t label = kTie;  // relabel: the new label
};
Resolution resolve(Resolve policy, const Group& group, int32_t label);

// What the policy does with a whole group, as label-check reports it: "reported", "relabeled",
// "rejected" or "rejected_tie".
std::string_view group_action(Resolve policy, const Group& group);

}  // namespace dqprep::label_conflicts
