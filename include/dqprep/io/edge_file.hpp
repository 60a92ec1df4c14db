#pragma once
// The edge file of a partitioned clustering (dedup cluster --partition I/N: every signature file ->
// the LSH buckets of partition I; dedup cluster --edges then unions the buckets of all partitions
// into the cluster file). All integers little-endian.
//
//   header   "DQPEDGE\n"  u32 version (1)  u32 partition  u32 partitions  u32 bands
//            u64 records (of all signature files)  u64 inputs (inputs_digest of the signature files)
//            u32 n + n bytes: params (the signature files' key options)
//   buckets  in increasing (band, key), each: u32 band, u64 key, u32 m >= 2,
//            m x u32 record (increasing, < records; records are numbered across the signature
//            files in the order they were given)
//   footer   "DQPEEND\n"  u64 buckets  u64 checksum: XXH3-64 of every byte before it
//
// A bucket holds the records that share one key in one band, so the union step replays exactly the
// buckets a one-process clustering visits (lsh::for_each_bucket), in the same order.
//
// The reader checks the header and footer at open and each bucket as it reads it (order, ranges,
// the key in its partition); the checksum is known to match once next() has returned false, so a
// bucket is trusted only then. A damaged file is a bad_input Status "FILE: damaged edge file (...)";
// a file that is not an edge file is a usage error.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/signature_file.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/util/hash.hpp"

namespace dqprep::io {
class OutputFile;
}

namespace dqprep::edge_file {

inline constexpr uint32_t kVersion = 1;

struct Header {
  uint32_t partition = 0;
  uint32_t partitions = 1;
  uint32_t bands = 0;
  uint64_t records = 0;
  uint64_t inputs = 0;
  std::string params;
};

// What identifies the signature files a clustering reads, in order: their params, shard names and
// footers. An edge file made from other signature files (or the same in another order) does not
// match.
class InputsDigest {
 public:
  void add(const signature_file::Header& header, const signature_file::Footer& footer);
  uint64_t value() const { return hash_.digest(); }

 private:
  hash::Xxh3Stream hash_;
};

std::string encode_header(const Header& header);
void append_bucket(std::string& out, uint32_t band, uint64_t key, std::span<const uint32_t> members);
// The footer, given the hash of every byte before it (its checksum covers those and its own first
// 16 bytes).
std::string encode_footer(uint64_t buckets, hash::Xxh3Stream before);

// Writes an edge file: the header at open, buckets as they come, the footer at commit.
class Writer {
 public:
  static Result<std::unique_ptr<Writer>> open(const std::string& path, const Header& header);
  ~Writer();

  Status add(uint32_t band, uint64_t key, std::span<const uint32_t> members);
  // Writes the footer and puts the file in place (atomically).
  Status commit();
  uint64_t buckets() const { return buckets_; }

 private:
  Writer() = default;
  Status write(std::string_view bytes);

  std::unique_ptr<io::OutputFile> out_;
  hash::Xxh3Stream hash_;
  uint64_t buckets_ = 0;
  std::string bucket_;
};

struct Bucket {
  uint32_t band = 0;
  uint64_t key = 0;
  std::vector<uint32_t> members;
};

// Reads an edge file: its header and footer at open, then its buckets in order.
class Reader {
 public:
  static Result<std::unique_ptr<Reader>> open(const std::string& path);
  ~Reader();

  const Header& header() const { return header_; }
  const std::string& path() const { return path_; }

  // The next bucket; false after the last, once the bucket count and the checksum have matched.
  Result<bool> next(Bucket& bucket);

 private:
  Reader() = default;
  Status damaged(const std::string& why) const;
  // Makes at least n bytes available at pos_ (false: the buckets end before).
  Result<bool> need(size_t n);

  std::string path_;
  int fd_ = -1;
  Header header_;
  uint64_t buckets_ = 0;          // the footer's count
  uint64_t checksum_ = 0;         // the footer's checksum
  std::string footer_head_;       // the footer's bytes before the checksum
  hash::Xxh3Stream hash_;         // of the bytes read so far
  uint64_t end_ = 0;              // where the buckets end (the footer starts)
  uint64_t file_pos_ = 0;         // file offset of buffer_[0]
  std::string buffer_;
  size_t pos_ = 0;
  uint64_t read_ = 0;             // buckets read
  bool started_ = false;
  uint32_t last_band_ = 0;
  uint64_t last_key_ = 0;
};

}  // namespace dqprep::edge_file
