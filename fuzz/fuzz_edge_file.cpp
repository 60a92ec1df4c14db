// Fuzzes the edge file of the partitioned clustering (include/dqprep/io/edge_file.hpp), read as
// dedup cluster --edges reads it: edge_file::Reader over a file descriptor (a memfd here), bucket
// after bucket to the end. The first byte chooses the mode: 0 the file as it is, 1 the same with
// its checksum (the last 8 bytes) made right first, so that the fuzzer gets past it into the
// decoding.
// Properties: a damaged file is a Status, never a crash, hang, leak or huge allocation; the buckets
// of a file that reads to the end are in increasing (band, key), in their partition, of two or more
// increasing records below the header's count; and the file encodes back to the same bytes.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "dqprep/dedup/band_partition.hpp"
#include "dqprep/io/edge_file.hpp"
#include "dqprep/util/hash.hpp"

using namespace dqprep;

namespace {

// A file with these bytes, at /proc/self/fd/N; closed on destruction.
struct MemFile {
  int fd = -1;
  std::string path;
  explicit MemFile(std::string_view bytes) {
    fd = memfd_create("fuzz", 0);
    if (fd < 0) return;
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) {
        close(fd);
        fd = -1;
        return;
      }
      done += static_cast<size_t>(n);
    }
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  ~MemFile() {
    if (fd >= 0) close(fd);
  }
};

void read_edges(const std::string& bytes) {
  MemFile f(bytes);
  if (f.fd < 0) return;
  Result<std::unique_ptr<edge_file::Reader>> reader = edge_file::Reader::open(f.path);
  if (!reader.ok()) return;
  const edge_file::Header& h = (*reader)->header();
  std::string again = edge_file::encode_header(h);
  hash::Xxh3Stream hash;
  hash.update(again);
  edge_file::Bucket b;
  std::string bucket;
  uint64_t count = 0;
  bool started = false;
  uint32_t last_band = 0;
  uint64_t last_key = 0;
  while (true) {
    Result<bool> more = (*reader)->next(b);
    if (!more.ok()) return;
    if (!*more) break;
    if (b.band >= h.bands || lsh::partition_of(b.key, h.partitions) != h.partition || b.members.size() < 2) {
      __builtin_trap();
    }
    if (started && (b.band < last_band || (b.band == last_band && b.key <= last_key))) __builtin_trap();
    for (size_t k = 0; k < b.members.size(); ++k) {
      if (b.members[k] >= h.records || (k > 0 && b.members[k] <= b.members[k - 1])) __builtin_trap();
    }
    started = true;
    last_band = b.band;
    last_key = b.key;
    bucket.clear();
    edge_file::append_bucket(bucket, b.band, b.key, b.members);
    hash.update(bucket);
    again += bucket;
    ++count;
  }
  again += edge_file::encode_footer(count, hash);
  if (again != bytes) __builtin_trap();
}

// The checksum (XXH3-64 of every byte before it, in the last 8 bytes) made right.
void fix_checksum(std::string& file) {
  if (file.size() < 8) return;
  const uint64_t checksum = hash::xxh3_64(std::string_view(file).substr(0, file.size() - 8));
  std::memcpy(file.data() + file.size() - 8, &checksum, 8);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) fix_checksum(bytes);
  read_edges(bytes);
  return 0;
}
