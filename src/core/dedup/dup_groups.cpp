#include "dqprep/dedup/dup_groups.hpp"

#include "dqprep/dedup/lsh.hpp"

namespace dqprep::dup_groups {

Groups resolve(std::span<const uint32_t> component_min, std::span<const uint64_t> priority,
               std::span<const uint64_t> labels) {
  constexpr uint32_t kNone = UINT32_MAX;
  const size_t n = component_min.size();
  Groups groups;
  std::vector<uint32_t> kept = lsh::kept_members(component_min, priority);
  // group_of[c]: the group number of the cluster whose smallest record is c, numbered in order of c.
  std::vector<uint32_t> group_of(n, kNone);
  for (size_t r = 0; r < n; ++r) {
    if (component_min[r] != r) group_of[component_min[r]] = 0;
  }
  for (size_t c = 0; c < n; ++c) {
    if (group_of[c] == kNone) continue;
    group_of[c] = static_cast<uint32_t>(groups.kept.size());
    groups.kept.push_back(kept[c]);
  }
  std::vector<uint64_t> group_label(groups.kept.size(), 0);
  std::vector<uint8_t> conflict(groups.kept.size(), 0);
  for (size_t r = 0; r < n; ++r) {
    uint32_t g = group_of[component_min[r]];
    if (g == kNone) continue;
    bool is_kept = kept[r] == r;
    groups.members.push_back({r, g, is_kept ? 1u : 0u});
    if (!is_kept) ++groups.duplicates;
    uint64_t label = labels.empty() ? 0 : labels[r];
    if (label == 0) continue;
    if (group_label[g] == 0) {
      group_label[g] = label;
    } else if (group_label[g] != label && !conflict[g]) {
      conflict[g] = 1;
      ++groups.label_conflicts;
    }
  }
  return groups;
}

Result<Keep> parse_keep(std::string_view text) {
  if (text == "first") return Keep::first;
  if (text == "longest") return Keep::longest;
  return Status::usage("--keep must be first or longest, not '" + std::string(text) + "'");
}

std::string_view keep_name(Keep keep) { return keep == Keep::longest ? "longest" : "first"; }

}  // namespace dqprep::dup_groups
