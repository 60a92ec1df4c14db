#pragma once
// Locality-sensitive hashing over MinHash signatures: bands of rows hashed into band keys; records
// sharing a key in some band are candidate pairs; clusters are the connected components of the
// (optionally verified) candidate pairs.
//
// Memory per record (bands = 14): the Index holds 8 bytes per band, 112 bytes. cluster() adds a
// 16-byte (key, record) sort entry for one band at a time and 5 bytes of union-find, then, once the
// entries are freed, 8 bytes for the component labels: at most 133 bytes per record, 1.33 GB for
// 10 M records. Signatures and shingle sets are not kept.

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "dqprep/dedup/union_find.hpp"
#include "dqprep/io/status.hpp"

namespace dqprep::lsh {

inline constexpr uint32_t kDefaultBands = 14;

// Rows per band, num_perm / bands; a usage error unless both are positive and bands divides
// num_perm (every signature value then takes part in exactly one band).
Result<uint32_t> rows_per_band(uint32_t num_perm, uint32_t bands);

// The probability that a pair of Jaccard similarity s shares at least one band key:
// 1 - (1 - s^rows)^bands.
double candidate_probability(double s, uint32_t bands, uint32_t rows);

// The key of each band: out[k] = XXH3-64, seeded with k, of the bytes of values
// signature[k * rows, (k + 1) * rows). out.size() bands; signature.size() >= bands * rows.
void band_keys(std::span<const uint32_t> signature, uint32_t rows, std::span<uint64_t> out);

// The band keys of every record, in the order records were added (record index = that order).
class Index {
 public:
  explicit Index(uint32_t bands) : bands_(bands) {}

  uint32_t bands() const { return bands_; }
  uint32_t size() const { return bands_ ? static_cast<uint32_t>(keys_.size() / bands_) : 0; }
  void reserve(size_t records) { keys_.reserve(records * bands_); }

  // Appends the next record; keys.size() must be bands(). Record indices are uint32: at most
  // 2^32 - 1 records.
  Status add(std::span<const uint64_t> keys);

  std::span<const uint64_t> keys(uint32_t record) const {
    return {keys_.data() + static_cast<size_t>(record) * bands_, bands_};
  }

 private:
  uint32_t bands_;
  std::vector<uint64_t> keys_;  // record-major: keys_[record * bands_ + band]
};

// Calls visit(band, members) for each bucket of two or more records with the same key in a band:
// bands in increasing order, buckets in increasing key order, members in increasing index order.
// Stops at, and returns, the first Status from visit that is not ok.
Status for_each_bucket(
    const Index& index,
    const std::function<Status(uint32_t band, std::span<const uint32_t> members)>& visit);

// Decides whether candidate records a < b are duplicates, e.g. exact Jaccard of their shingle sets
// >= threshold; an error (say, reading a spilled set) stops the clustering.
using Verifier = std::function<Result<bool>(uint32_t a, uint32_t b)>;

// The clustering of buckets, one at a time, in the fixed order of for_each_bucket (band, key,
// index). cluster() feeds it from one Index; dedup cluster --edges feeds it the buckets that the
// partitioned jobs wrote, in the same order, so that both give the same clusters.
class BucketClusterer {
 public:
  BucketClusterer(uint32_t records, Verifier verify);
  // One bucket: its members in increasing index order, each < records.
  Status visit(std::span<const uint32_t> members);
  // For each record, the smallest record index of its cluster.
  std::vector<uint32_t> smallest_members() { return sets_.smallest_members(); }

 private:
  UnionFind sets_;
  Verifier verify_;
  std::vector<uint32_t> anchors_;
};

// Clusters the records of index; returns, for each record, the smallest record index of its
// cluster. Without a verifier every candidate pair joins. With one, within each bucket each member
// is checked against the first-seen member (the anchor) of every other cluster present in the
// bucket, and joins the clusters whose anchor it verifies against; pairs already in one cluster are
// never checked. The order of work is fixed (band, key, index), so the result is deterministic.
Result<std::vector<uint32_t>> cluster(const Index& index, const Verifier& verify = nullptr);

// The member kept for each record's cluster: the member with the greatest priority (e.g. its
// length, for --keep longest), ties broken by the smallest index; an empty priority keeps the
// smallest index (--keep first). component_min as returned by cluster().
std::vector<uint32_t> kept_members(std::span<const uint32_t> component_min,
                                   std::span<const uint64_t> priority = {});

}  // namespace dqprep::lsh
