#include "dqprep/labels/label_conflicts.hpp"

#include <algorithm>
#include <string>

namespace dqprep::label_conflicts {

Conflicts find(std::vector<Entry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.key != b.key ? a.key < b.key : a.record < b.record;
  });
  struct Found {
    size_t begin, end;  // range of entries
  };
  std::vector<Found> found;
  Conflicts c;
  for (size_t i = 0; i < entries.size();) {
    size_t j = i + 1;
    bool differ = false;
    while (j < entries.size() && entries[j].key == entries[i].key) {
      differ |= entries[j].label != entries[i].label;
      ++j;
    }
    if (j - i >= 2) {
      ++c.duplicate_groups;
      c.duplicate_records += j - i;
    }
    if (differ) found.push_back({i, j});
    i = j;
  }
  // Entries of a key are sorted by record: the first is the group's first record.
  std::sort(found.begin(), found.end(),
            [&](const Found& a, const Found& b) { return entries[a.begin].record < entries[b.begin].record; });
  std::vector<LabelCount> counts;
  for (const Found& f : found) {
    Group g;
    g.members_begin = c.members.size();
    counts.clear();
    for (size_t k = f.begin; k < f.end; ++k) {
      c.members.push_back(entries[k].record);
      auto it = std::find_if(counts.begin(), counts.end(), [&](const LabelCount& x) { return x.label == entries[k].label; });
      if (it == counts.end()) counts.push_back({entries[k].label, 1});
      else ++it->count;
    }
    g.members_end = c.members.size();
    std::sort(counts.begin(), counts.end(), [](const LabelCount& a, const LabelCount& b) {
      return a.count != b.count ? a.count > b.count : a.label < b.label;
    });
    g.majority = counts.size() >= 2 && counts[0].count == counts[1].count ? kTie : counts[0].label;
    g.counts_begin = c.counts.size();
    c.counts.insert(c.counts.end(), counts.begin(), counts.end());
    g.counts_end = c.counts.size();
    c.groups.push_back(g);
  }
  return c;
}

Result<Resolve> parse_resolve(std::string_view text) {
  if (text == "none") return Resolve::none;
  if (text == "majority") return Resolve::majority;
  if (text == "drop") return Resolve::drop;
  return Status::usage("--resolve must be none, majority or drop, not '" + std::string(text) + "'");
}

std::string_view resolve_name(Resolve policy) {
  switch (policy) {
    case Resolve::majority: return "majority";
    case Resolve::drop: return "drop";
    case Resolve::none: break;
  }
  return "none";
}

Resolution resolve(Resolve policy, const Group& group, int32_t label) {
  Resolution r;
  if (policy == Resolve::drop) {
    r.action = Resolution::Action::drop;
  } else if (policy == Resolve::majority) {
    if (group.majority == kTie) {
      r.action = Resolution::Action::drop_tie;
    } else if (label != group.majority) {
      r.action = Resolution::Action::relabel;
      r.label = group.majority;
    }
  }
  return r;
}

std::string_view group_action(Resolve policy, const Group& group) {
  if (policy == Resolve::drop) return "rejected";
  if (policy == Resolve::none) return "reported";
  return group.majority == kTie ? "rejected_tie" : "relabeled";
}

}  // namespace dqprep::label_conflicts
