#include "dqprep/dedup/lsh.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "dqprep/util/hash.hpp"

namespace dqprep::lsh {

Result<uint32_t> rows_per_band(uint32_t num_perm, uint32_t bands) {
  if (num_perm == 0 || bands == 0 || num_perm % bands != 0) {
    return Status::usage("--bands (" + std::to_string(bands) + ") must divide --num-perm (" +
                         std::to_string(num_perm) + ") and both must be positive");
  }
  return num_perm / bands;
}

double candidate_probability(double s, uint32_t bands, uint32_t rows) {
  return 1.0 - std::pow(1.0 - std::pow(s, static_cast<double>(rows)), static_cast<double>(bands));
}

void band_keys(std::span<const uint32_t> signature, uint32_t rows, std::span<uint64_t> out) {
  for (size_t k = 0; k < out.size(); ++k) {
    std::string_view bytes(reinterpret_cast<const char*>(signature.data() + k * rows),
                           rows * sizeof(uint32_t));
    out[k] = hash::xxh3_64(bytes, k);
  }
}

Status Index::add(std::span<const uint64_t> keys) {
  if (keys.size() != bands_) {
    return Status::usage("a record has " + std::to_string(keys.size()) + " band keys, the index " +
                         std::to_string(bands_));
  }
  if (size() == UINT32_MAX) return Status::usage("more than 2^32 - 1 records in one LSH index");
  keys_.insert(keys_.end(), keys.begin(), keys.end());
  return {};
}

Status for_each_bucket(
    const Index& index,
    const std::function<Status(uint32_t band, std::span<const uint32_t> members)>& visit) {
  struct Entry {
    uint64_t key;
    uint32_t record;
  };
  const uint32_t n = index.size();
  std::vector<Entry> entries(n);
  std::vector<uint32_t> members;
  for (uint32_t band = 0; band < index.bands(); ++band) {
    for (uint32_t r = 0; r < n; ++r) entries[r] = {index.keys(r)[band], r};
    std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
      return x.key != y.key ? x.key < y.key : x.record < y.record;
    });
    for (uint32_t lo = 0; lo < n;) {
      uint32_t hi = lo + 1;
      while (hi < n && entries[hi].key == entries[lo].key) ++hi;
      if (hi - lo >= 2) {
        members.clear();
        for (uint32_t k = lo; k < hi; ++k) members.push_back(entries[k].record);
        DQPREP_RETURN_IF_ERROR(visit(band, members));
      }
      lo = hi;
    }
  }
  return {};
}

BucketClusterer::BucketClusterer(uint32_t records, Verifier verify)
    : sets_(records), verify_(std::move(verify)) {}

Status BucketClusterer::visit(std::span<const uint32_t> members) {
  if (!verify_) {
    for (size_t k = 1; k < members.size(); ++k) sets_.unite(members[0], members[k]);
    return {};
  }
  // Checking a member against one anchor per cluster, not every member, keeps a bucket of m
  // copies of one text at m - 1 checks instead of m^2 / 2.
  anchors_.clear();
  for (uint32_t member : members) {
    bool anchored = false;
    for (uint32_t anchor : anchors_) {
      if (sets_.same(anchor, member)) {
        anchored = true;
        continue;
      }
      DQPREP_ASSIGN_OR_RETURN(bool similar, verify_(anchor, member));
      if (similar) {
        sets_.unite(anchor, member);
        anchored = true;
      }
    }
    if (!anchored) anchors_.push_back(member);
  }
  return {};
}

Result<std::vector<uint32_t>> cluster(const Index& index, const Verifier& verify) {
  BucketClusterer clusterer(index.size(), verify);
  DQPREP_RETURN_IF_ERROR(for_each_bucket(
      index, [&](uint32_t, std::span<const uint32_t> members) { return clusterer.visit(members); }));
  return clusterer.smallest_members();
}

std::vector<uint32_t> kept_members(std::span<const uint32_t> component_min,
                                   std::span<const uint64_t> priority) {
  const size_t n = component_min.size();
  std::vector<uint32_t> kept(component_min.begin(), component_min.end());
  if (priority.empty()) return kept;
  // kept[c] of a component's smallest member c holds the best member seen so far; c comes first.
  for (size_t i = 0; i < n; ++i) {
    uint32_t c = component_min[i];
    if (priority[i] > priority[kept[c]]) kept[c] = static_cast<uint32_t>(i);
  }
  for (size_t i = 0; i < n; ++i) kept[i] = kept[component_min[i]];
  return kept;
}

}  // namespace dqprep::lsh
