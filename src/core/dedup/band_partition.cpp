#include "dqprep/dedup/band_partition.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace dqprep::lsh {

namespace {
constexpr size_t kChunkBytes = size_t{8} << 20;

bool parse_whole(std::string_view text, uint32_t& out) {
  if (text.empty() || text.size() > 9) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}
}  // namespace

Result<Partition> parse_partition(std::string_view text) {
  const size_t slash = text.find('/');
  Partition p;
  if (slash == std::string_view::npos || !parse_whole(text.substr(0, slash), p.index) ||
      !parse_whole(text.substr(slash + 1), p.count) || p.count == 0 || p.count > kMaxPartitions ||
      p.index >= p.count) {
    return Status::usage("--partition takes I/N with 0 <= I < N <= " + std::to_string(kMaxPartitions) +
                         " (partition I of N, counted from 0), not '" + std::string(text) + "'");
  }
  return p;
}

PartitionBuckets::PartitionBuckets(Partition partition, uint32_t bands) : partition_(partition), bands_(bands) {}

Status PartitionBuckets::add(std::span<const uint64_t> keys) {
  if (keys.size() != bands_) {
    return Status::usage("a record has " + std::to_string(keys.size()) + " band keys, the partition " +
                         std::to_string(bands_));
  }
  if (records_ == UINT32_MAX) return Status::usage("more than 2^32 - 1 records in one LSH clustering");
  constexpr size_t chunk_entries = kChunkBytes / sizeof(Entry);
  for (uint32_t band = 0; band < bands_; ++band) {
    if (partition_of(keys[band], partition_.count) != partition_.index) continue;
    if (chunks_.empty() || chunks_.back().size() == chunk_entries) {
      chunks_.emplace_back();
      chunks_.back().reserve(chunk_entries);
    }
    chunks_.back().push_back({keys[band], band, records_});
    ++entries_;
  }
  ++records_;
  return {};
}

Status PartitionBuckets::for_each_bucket(const Visit& visit) {
  // One array of the exact size, each chunk freed as soon as it is copied.
  Chunk entries;
  entries.reserve(entries_);
  for (Chunk& chunk : chunks_) {
    entries.insert(entries.end(), chunk.begin(), chunk.end());
    Chunk().swap(chunk);
  }
  chunks_.clear();
  std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
    if (x.band != y.band) return x.band < y.band;
    return x.key != y.key ? x.key < y.key : x.record < y.record;
  });
  std::vector<uint32_t> members;
  Status status;
  for (size_t lo = 0; lo < entries.size() && status.ok();) {
    size_t hi = lo + 1;
    while (hi < entries.size() && entries[hi].band == entries[lo].band && entries[hi].key == entries[lo].key) ++hi;
    if (hi - lo >= 2) {
      members.clear();
      for (size_t k = lo; k < hi; ++k) members.push_back(entries[k].record);
      status = visit(entries[lo].band, entries[lo].key, members);
    }
    lo = hi;
  }
  entries_ = 0;
  return status;
}

}  // namespace dqprep::lsh
