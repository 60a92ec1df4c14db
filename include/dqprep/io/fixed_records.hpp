#pragma once
// An array of fixed-size records (signatures, vectors) appended in order and read back many times,
// in bounded memory: the first `memory_bytes` stay in memory; once the array grows beyond that,
// all of it goes to an unnamed temporary file (created in the temporary directory and unlinked at
// once, so nothing is left behind) and is read back in chunks.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "dqprep/io/status.hpp"

namespace dqprep::io {

class FixedRecords {
 public:
  inline static constexpr uint64_t kDefaultMemoryBytes = uint64_t{64} << 20;

  explicit FixedRecords(size_t record_bytes, uint64_t memory_bytes = kDefaultMemoryBytes);
  ~FixedRecords();
  FixedRecords(const FixedRecords&) = delete;
  FixedRecords& operator=(const FixedRecords&) = delete;

  // Appends one record of record_bytes bytes.
  Status append(const void* record);
  // Writes out what is still buffered; call once the last record is appended, before reading.
  Status finish();

  size_t size() const { return count_; }
  size_t record_bytes() const { return record_bytes_; }
  bool spilled() const { return fd_ >= 0; }

  // Record i into out (record_bytes bytes).
  Status read(size_t i, void* out) const;
  // Every record in order, in chunks: visit(first record's position, its bytes, records in it).
  Status for_each(const std::function<void(size_t first, const uint8_t* data, size_t count)>& visit) const;

 private:
  Status flush();

  size_t record_bytes_;
  uint64_t memory_bytes_;
  size_t count_ = 0;
  std::string buffer_;  // all records while in memory; the tail not yet written once spilled
  int fd_ = -1;
  uint64_t file_bytes_ = 0;
  mutable std::string chunk_;
};

}  // namespace dqprep::io
