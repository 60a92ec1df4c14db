#pragma once
// Records handed back in the order of a 64-bit key, in bounded memory: how `split` writes a split
// in a shuffled order (each record keyed by a seeded random draw) without holding the records.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::external_sort {

inline constexpr uint64_t kDefaultBucketBytes = uint64_t{64} << 20;
inline constexpr size_t kMaxBuckets = 512;
inline constexpr uint64_t kDefaultBufferBytes = uint64_t{32} << 20;

// Records are appended to one of B buckets cut by the top bits of their keys; a bucket is kept in
// memory until its buffer fills, then spilled to an unnamed temporary file (unlinked at creation, so
// nothing is left behind). drain() reads the buckets back one at a time, sorts each in memory by
// key (equal keys in the order added) and hands the records on. Keys must be spread uniformly
// (hashes, random draws): a bucket then holds about total / B bytes, and that, plus 16 bytes a record
// of it, is the memory drain() needs. B is a power of two, about expected_bytes / bucket_bytes, at
// most kMaxBuckets. The write buffers of all buckets take about buffer_bytes together (64 KiB to
// 1 MiB each); a single bucket keeps up to bucket_bytes in memory before it spills.
class Sorter {
 public:
  explicit Sorter(uint64_t expected_bytes, uint64_t bucket_bytes = kDefaultBucketBytes,
                  uint64_t buffer_bytes = kDefaultBufferBytes);
  ~Sorter();
  Sorter(const Sorter&) = delete;
  Sorter& operator=(const Sorter&) = delete;

  // Adds a record with a caller's tag (say, the output it goes to).
  Status add(uint64_t key, uint32_t tag, std::string_view bytes);
  // Calls visit for every record in ascending key order; stops at the first error. Once.
  Status drain(const std::function<Status(uint32_t tag, std::string_view bytes)>& visit);

  size_t buckets() const { return buckets_.size(); }
  size_t spilled_buckets() const;  // buckets that went to a file

 private:
  struct Bucket {
    std::string buffer;
    int fd = -1;
    uint64_t file_bytes = 0;
  };
  Status flush(Bucket& bucket);

  std::vector<Bucket> buckets_;
  unsigned shift_ = 64;  // bucket = key >> shift_ (0 for a single bucket)
  size_t buffer_limit_ = 0;
};

}  // namespace dqprep::external_sort
