#pragma once
// One partition of the LSH buckets, for a clustering split over several jobs (dedup cluster
// --partition I/N). A bucket is the set of records sharing one key in one band; partition I of N
// holds, in every band, the buckets whose key falls in the I-th of N equal ranges of 64-bit keys.
// Band keys are XXH3 outputs, so each partition gets about 1/N of the (band, key) entries, and,
// within a band, partitions in increasing I hold increasing keys: reading the partitions' buckets
// band by band, partition after partition, visits them in the order of lsh::for_each_bucket.
//
// Memory: 16 bytes per (record, band) entry that falls in the partition, about 16 x bands / N
// bytes per record (28 for 14 bands in 8 partitions), plus at most one 8 MB chunk while the
// entries are moved into an array of their exact size.

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"
#include "dqprep/util/mapped_allocator.hpp"

namespace dqprep::lsh {

struct Partition {
  uint32_t index = 0;
  uint32_t count = 1;
};

inline constexpr uint32_t kMaxPartitions = 65536;

// "I/N" with 0 <= I < N <= kMaxPartitions; anything else is a usage error naming --partition.
Result<Partition> parse_partition(std::string_view text);

// The partition of a band key: floor(key x count / 2^64), so increasing keys give increasing
// partitions. In 64-bit arithmetic: with key = high x 2^32 + low and count <= 2^16, high x count
// and low x count fit.
inline uint32_t partition_of(uint64_t key, uint32_t count) {
  const uint64_t high = (key >> 32) * count, low = (key & 0xffffffffu) * count;
  return static_cast<uint32_t>((high + (low >> 32)) >> 32);
}

// The (band, key, record) entries of one partition, collected record by record.
class PartitionBuckets {
 public:
  PartitionBuckets(Partition partition, uint32_t bands);

  // The band keys of the next record (record indices count from 0 in the order of the calls);
  // keys.size() must be the bands. At most 2^32 - 1 records.
  Status add(std::span<const uint64_t> keys);
  uint32_t records() const { return records_; }
  uint64_t entries() const { return entries_; }

  // Calls visit(band, key, members) for each bucket of two or more records in the partition: bands
  // in increasing order, keys in increasing order, members in increasing record order; stops at the
  // first Status that is not ok. Frees the entries as it ends.
  using Visit = std::function<Status(uint32_t band, uint64_t key, std::span<const uint32_t> members)>;
  Status for_each_bucket(const Visit& visit);

 private:
  struct Entry {
    uint64_t key;
    uint32_t band;
    uint32_t record;
  };
  using Chunk = std::vector<Entry, MappedAllocator<Entry>>;

  Partition partition_;
  uint32_t bands_;
  uint32_t records_ = 0;
  uint64_t entries_ = 0;
  std::vector<Chunk> chunks_;
};

}  // namespace dqprep::lsh
