#include "dqprep/split/leakage.hpp"

#include <algorithm>

namespace dqprep::leakage {

namespace {

Pair ordered(uint32_t x, uint32_t y) { return x < y ? Pair{x, y} : Pair{y, x}; }

}  // namespace

ExactLeaks exact(std::span<const hash::Key128> keys, std::span<const PartId> parts) {
  struct Entry {
    hash::Key128 key;
    uint32_t record;
  };
  std::vector<Entry> entries(keys.size());
  for (uint32_t i = 0; i < keys.size(); ++i) entries[i] = {keys[i], i};
  // By text, then part, then position: a text's first entry is its first copy in its earliest part.
  std::sort(entries.begin(), entries.end(), [&](const Entry& x, const Entry& y) {
    if (x.key != y.key) return x.key < y.key;
    if (parts[x.record] != parts[y.record]) return parts[x.record] < parts[y.record];
    return x.record < y.record;
  });
  ExactLeaks out;
  for (size_t lo = 0; lo < entries.size();) {
    size_t hi = lo + 1;
    while (hi < entries.size() && entries[hi].key == entries[lo].key) ++hi;
    const uint32_t first = entries[lo].record;
    const PartId first_part = parts[first];
    // The text's first copy in the next part that holds it.
    size_t other = lo + 1;
    while (other < hi && parts[entries[other].record] == first_part) ++other;
    if (other < hi) {
      ++out.groups;
      out.records += hi - lo;
      for (size_t k = lo + 1; k < hi; ++k) {
        const uint32_t r = entries[k].record;
        out.pairs.push_back(ordered(parts[r] != first_part ? first : entries[other].record, r));
      }
    }
    lo = hi;
  }
  std::sort(out.pairs.begin(), out.pairs.end());
  return out;
}

std::vector<Pair> near_candidates(const lsh::Index& index, std::span<const PartId> parts,
                                  std::span<const hash::Key128> keys) {
  std::vector<Pair> pairs;
  std::vector<std::pair<PartId, uint32_t>> firsts;  // (part, its first member) in this bucket
  // The visitor never fails, so neither does the walk.
  (void)lsh::for_each_bucket(index, [&](uint32_t, std::span<const uint32_t> members) -> Status {
    firsts.clear();
    for (uint32_t m : members) {
      bool seen = false;
      for (const auto& f : firsts) seen |= f.first == parts[m];
      if (!seen) firsts.emplace_back(parts[m], m);
    }
    if (firsts.size() < 2) return {};
    for (uint32_t m : members)
      for (const auto& [part, first] : firsts) {
        if (part == parts[m]) continue;
        if (!keys.empty() && keys[m] == keys[first]) continue;
        pairs.push_back(ordered(m, first));
      }
    return {};
  });
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

}  // namespace dqprep::leakage
