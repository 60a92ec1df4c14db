#pragma once
// The shingle sets that near-duplicate verification compares: LSH proposes candidate pairs, the
// exact Jaccard of their shingle sets decides (dedup --mode near, dedup cluster, metrics --near).
//
// A set is kept in its stored form: each 64-bit shingle hash narrowed to its high 32 bits, sorted,
// unique (4 bytes a shingle). shingle::hashes gives the hashes sorted, so the narrowed sequence is
// sorted too and narrowing is one linear pass, no sort. Two distinct shingles of one text share
// their high halves with probability about n² / 2³³ for n shingles (0.1% for 3000): the Jaccard of
// stored sets is the exact one but for those rare merges.
//
// Many records' sets go to a temporary file (Spill) and are read back by offset (Verifier): the
// memory is 8 bytes of location a record, not the sets.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::shingle_sets {

// The stored form of a sorted, unique set of 64-bit shingle hashes.
void narrow(std::span<const uint64_t> shingles, std::vector<uint32_t>& out);

// |A ∩ B| / |A ∪ B| of two sorted, unique sets; 1 for two empty sets (two texts without words are
// identical), 0 when only one is empty.
double jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b);

// Appends a set in its stored bytes: u32 n, then n x u32, little-endian.
void append_stored(std::string& out, std::span<const uint32_t> set);

// Reads the set whose u32 count sits at `offset` of fd (pread: fd's position is not used).
Status read(int fd, uint64_t offset, std::vector<uint32_t>& out);

// Sets appended to a temporary file, which is unlinked at once (it lives while the descriptor is
// open): a crash leaves nothing behind. Appends are buffered (8 MB); flush() before reading, and
// finish() once nothing more comes (it frees the buffer too).
class Spill {
 public:
  Spill() = default;
  Spill(const Spill&) = delete;
  Spill& operator=(const Spill&) = delete;
  ~Spill();

  // Creates the file in the temporary directory ($TMPDIR, else /tmp).
  Status open();
  // Appends stored bytes (one or more whole sets); returns the offset they start at.
  uint64_t append(std::string_view stored);
  // The same for a large block, written at once instead of through the buffer.
  Result<uint64_t> append_block(std::string_view stored);
  // Writes the buffer once it is full.
  Status flush_if_full() { return buffer_.size() >= kBufferBytes ? flush() : Status{}; }
  Status flush();
  Status finish();
  int fd() const { return fd_; }
  // Bytes appended (written and buffered).
  uint64_t size() const { return written_ + buffer_.size(); }
  // Hands every byte appended to `take`, in order, in chunks of at most 8 MB (flushes first).
  Status read_all(const std::function<Status(std::string_view)>& take);
  // Appends every byte appended here to `out`, in order.
  Status copy_to(Spill& out);

 private:
  static constexpr size_t kBufferBytes = size_t{8} << 20;
  Status write_all(std::string_view bytes);

  int fd_ = -1;
  uint64_t written_ = 0;
  std::string buffer_;
};

// Decides candidate pairs by the Jaccard of their stored sets: similar(a, b) when >= threshold.
// Record r's set is at locations[r] = file << 48 | offset, file indexing fds. Keeps the last `a`
// loaded: the clustering checks many members against one anchor in a row.
class Verifier {
 public:
  Verifier(std::vector<int> fds, const std::vector<uint64_t>& locations, double threshold)
      : fds_(std::move(fds)), locations_(locations), threshold_(threshold) {}
  Result<bool> similar(uint32_t a, uint32_t b);
  uint64_t checked() const { return checked_; }
  uint64_t rejected() const { return rejected_; }

 private:
  Status load(uint32_t record, std::vector<uint32_t>& out);

  std::vector<int> fds_;
  const std::vector<uint64_t>& locations_;
  double threshold_;
  uint32_t cached_ = UINT32_MAX;
  std::vector<uint32_t> a_, b_;
  uint64_t checked_ = 0, rejected_ = 0;
};

}  // namespace dqprep::shingle_sets
