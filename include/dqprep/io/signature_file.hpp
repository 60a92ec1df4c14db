#pragma once
// The files of the sharded dedup (dedup sign / cluster / apply), and the per-record entries that
// the one-process run hands from its first pass to its clustering in the same encoding.
//
// Signature file (dedup sign: one shard -> one file). All integers little-endian.
//   header   "DQPSIGN\n"  u32 version (2)  u32 flags (1 near, 2 names, 4 sets, 8 sets of high halves)
//            u32 keys per record
//            u32 n + n bytes: params (the options that shape the keys; shards must agree)
//            u32 n + n bytes: shard (the input's name as given to sign)
//   entries  one per input record, in input order (blank lines are not records):
//            'R' u64 line hash, u32 text length, u64 label hash (0: none), keys x u64,
//                [names] u32 n + n bytes of JSON (the record's id, or "FILE:LINE"),
//                [sets]  u32 n + n x u32 (the shingle set in the stored form of shingle_sets.hpp:
//                        the high 32 bits of each hash, sorted, unique; flag 8 says so. A file of
//                        flag 4 without 8, from a dqprep before that form, holds the low halves)
//            'B' u64 line hash, u32 n + n bytes: why the record is malformed (it has no keys)
//   footer   "DQPSEND\n"  u64 positions (entries)  u64 records ('R' entries)  u64 fingerprint
//            u64 entries checksum: XXH3-64 of the entries' bytes
//            u64 checksum: XXH3-64 of the header's bytes followed by the footer's 40 bytes before it
// The footer makes a truncated file detectable; the fingerprint (fold_fingerprint over the line
// hashes, XXH3-64 of each record's raw bytes) lets dedup apply find which shard it is given. The
// two checksums detect damage: the header and footer are checked at open, before their fields are
// used; the entries as they are read (no extra read of a file of GBs), so an entry is trusted
// only once Reader::next has returned false.
//
// Cluster file (dedup cluster: every signature file -> one file):
//   "DQPCLUS\n" u32 version (2)  u32 n + params
//   u32 shards, each: u32 n + name, u64 positions, u64 records, u64 fingerprint,
//                     u64 malformed, each: u64 position, u32 n + message,
//                     u64 members, each: u64 position, u32 group, u32 kept (1) or duplicate (0)
//   u64 groups, each: u32 n + the JSON name of the group's kept member
//   "DQPCEND\n"  u64 checksum: XXH3-64 of every byte before it
// Only records in a group of two or more have a member entry: ~16 bytes per duplicate-group
// member, plus the kept members' names.
//
// A damaged file (truncated, a checksum that does not match, bytes that do not decode) is a
// bad_input Status "FILE: damaged signature file (...)" or "FILE: damaged cluster file (...)";
// a file of format version 1 (before the checksums) is refused with a request to re-create it.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dqprep/dedup/dup_groups.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/util/hash.hpp"

namespace dqprep::io {
class OutputFile;
}

namespace dqprep::signature_file {

inline constexpr uint32_t kVersion = 2;

// What a record entry holds besides its line hash, length and label.
struct Layout {
  uint32_t keys = 0;   // 64-bit keys: the band keys (near), or 2 (exact: the XXH3-128 key)
  bool names = false;  // the record's name, as JSON
  bool sets = false;   // its shingle set, for verification
};

// One decoded entry; the views point into the decoded bytes.
struct Entry {
  bool malformed = false;
  uint64_t line_hash = 0;
  uint32_t length = 0;
  uint64_t label = 0;
  std::string_view keys;  // Layout::keys x 8 bytes
  std::string_view name;
  size_t set_at = 0;      // offset in the decoded bytes of the set's u32 count
  std::string_view message;

  uint64_t key(size_t k) const;
};

void append_record(std::string& out, const Layout& layout, uint64_t line_hash, uint32_t length, uint64_t label,
                   std::span<const uint64_t> keys, std::string_view name, std::span<const uint32_t> set);
void append_malformed(std::string& out, uint64_t line_hash, std::string_view message);

// Decodes the entry at data[pos...] into out: its size in bytes, or 0 when data ends inside it; a
// bad_input Status for bytes that are not an entry.
Result<size_t> decode(std::string_view data, size_t pos, const Layout& layout, Entry& out);

// The shard fingerprint after one more record.
uint64_t fold_fingerprint(uint64_t fingerprint, uint64_t line_hash);

struct Header {
  bool near = false;
  Layout layout;
  bool low_sets = false;  // sets of the low halves (an older dqprep): not comparable with ours
  std::string params;
  std::string shard;
};

struct Footer {
  uint64_t positions = 0;
  uint64_t records = 0;
  uint64_t fingerprint = 0;
};

// Writes a signature file: the header at open, the entries as they come, the footer at commit.
class Writer {
 public:
  static Result<std::unique_ptr<Writer>> open(const std::string& path, const Header& header);
  ~Writer();

  // Appends whole entries (as append_record and append_malformed make them) and counts them.
  Status add(std::string_view entries);
  // Writes the footer and puts the file in place (atomically).
  Status commit();
  const Footer& footer() const { return footer_; }

 private:
  Writer() = default;

  std::unique_ptr<io::OutputFile> out_;
  Layout layout_;
  std::string header_;  // its bytes, for the checksum
  Footer footer_;
  hash::Xxh3Stream entries_;
};

// Reads a signature file: its header and footer at open, then its entries in order.
class Reader {
 public:
  static Result<std::unique_ptr<Reader>> open(const std::string& path);
  ~Reader();

  const Header& header() const { return header_; }
  const Footer& footer() const { return footer_; }
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

  // The next entry (views valid until the next call), and the file offset of its shingle set
  // (for shingle_sets::read); false after the last, once the entries' checksum has matched.
  Result<bool> next(Entry& entry, uint64_t& set_offset);

 private:
  Reader() = default;
  Status fill();

  std::string path_;
  int fd_ = -1;
  Header header_;
  Footer footer_;
  uint64_t entries_checksum_ = 0;
  hash::Xxh3Stream entries_;  // of the bytes read so far
  uint64_t end_ = 0;   // where the entries end (the footer starts)
  uint64_t file_pos_ = 0;  // file offset of buffer_[0]
  std::string buffer_;
  size_t pos_ = 0;  // next entry in buffer_
};

struct ShardPlan {
  std::string name;
  Footer footer;
  std::vector<std::pair<uint64_t, std::string>> malformed;  // position, message
  std::vector<dup_groups::Member> members;                  // index = position in the shard
};

struct ClusterFile {
  std::string params;
  std::vector<ShardPlan> shards;
  std::vector<std::string> names;  // per group
};

std::string encode_cluster_file(const ClusterFile& file);
Result<ClusterFile> read_cluster_file(const std::string& path);
// The same from the file's bytes; `path` names it in messages.
Result<ClusterFile> decode_cluster_file(std::string_view bytes, const std::string& path);

}  // namespace dqprep::signature_file
