// Fuzzes the binary files dqprep reads back: signature files and cluster files of the sharded dedup
// (include/dqprep/io/signature_file.hpp) and the partial-state files of metrics
// (include/dqprep/metrics/metrics.hpp). The first byte chooses the reader; the rest is the file:
// a memfd for the signature reader (it reads a file descriptor), the bytes themselves for the
// others (decode_cluster_file and parse_partial, what read_cluster_file and read_partial call once
// they have read the file). Modes with "fixed" put right checksums in before reading, so that the
// fuzzer gets past them into the decoding:
//   0 signature entries (decode; the second byte is the layout)  1 signature file  2 ... fixed
//   3 cluster file  4 ... fixed  5 partial-state file  6 ... fixed  7 decode again
// Properties: a damaged file is a Status, never a crash, hang, leak or huge allocation; a decoded
// entry encodes back to the same bytes; a cluster file that reads encodes back to the same bytes;
// a partial state that reads can be merged with itself and summarized.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/dedup/shingle_sets.hpp"
#include "dqprep/io/signature_file.hpp"
#include "dqprep/metrics/metrics.hpp"
#include "dqprep/util/hash.hpp"

using namespace dqprep;
namespace sf = dqprep::signature_file;

namespace {

constexpr size_t kFooterSize = 48;

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

template <class T>
bool read_at(std::string_view data, size_t& pos, T& out) {
  if (data.size() - pos < sizeof out || pos > data.size()) return false;
  std::memcpy(&out, data.data() + pos, sizeof out);
  pos += sizeof out;
  return true;
}

// The two checksums of a signature file made right, when its header and footer can be found.
void fix_signature(std::string& file) {
  size_t pos = 8 + 4 + 4 + 4;
  uint32_t n = 0;
  for (int i = 0; i < 2; ++i) {
    if (!read_at(file, pos, n) || file.size() - pos < n) return;
    pos += n;
  }
  if (file.size() < pos + kFooterSize) return;
  const size_t end = file.size() - kFooterSize;
  uint64_t entries = hash::xxh3_64(std::string_view(file).substr(pos, end - pos));
  std::memcpy(file.data() + end + 32, &entries, 8);
  hash::Xxh3Stream h;
  h.update(std::string_view(file).substr(0, pos));
  h.update(std::string_view(file).substr(end, kFooterSize - 8));
  uint64_t checksum = h.digest();
  std::memcpy(file.data() + end + 40, &checksum, 8);
}

// A checksum (XXH3-64, little-endian) of every byte before it, appended.
void append_checksum(std::string& file) {
  uint64_t checksum = hash::xxh3_64(file);
  file.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
}

// Decodes every entry of `data`; each one must encode back to its bytes.
void decode_all(std::string_view data, const sf::Layout& layout) {
  sf::Entry e;
  std::string again;
  std::vector<uint64_t> keys;
  std::vector<uint32_t> set;
  for (size_t pos = 0; pos < data.size();) {
    Result<size_t> size = sf::decode(data, pos, layout, e);
    if (!size.ok() || *size == 0) return;
    if (*size > data.size() - pos) __builtin_trap();
    again.clear();
    if (e.malformed) {
      sf::append_malformed(again, e.line_hash, e.message);
    } else {
      if (e.keys.size() != size_t{layout.keys} * 8) __builtin_trap();
      keys.resize(layout.keys);
      for (size_t k = 0; k < keys.size(); ++k) keys[k] = e.key(k);
      set.clear();
      if (layout.sets) {
        uint32_t count = 0;
        std::memcpy(&count, data.data() + e.set_at, sizeof count);
        set.resize(count);
        std::memcpy(set.data(), data.data() + e.set_at + 4, size_t{count} * 4);
      }
      sf::append_record(again, layout, e.line_hash, e.length, e.label, keys, e.name, set);
    }
    if (again != data.substr(pos, *size)) __builtin_trap();
    pos += *size;
  }
}

void read_signature(const std::string& bytes) {
  MemFile f(bytes);
  if (f.fd < 0) return;
  Result<std::unique_ptr<sf::Reader>> reader = sf::Reader::open(f.path);
  if (!reader.ok()) return;
  sf::Entry e;
  uint64_t set_offset = 0;
  std::vector<uint32_t> set;
  for (uint64_t n = 0;; ++n) {
    Result<bool> more = (*reader)->next(e, set_offset);
    if (!more.ok() || !*more) break;
    if ((*reader)->header().layout.sets && !e.malformed) {
      if (!shingle_sets::read((*reader)->fd(), set_offset, set).ok()) __builtin_trap();  // the entry holds it
    }
  }
}

void read_cluster(const std::string& bytes) {
  Result<sf::ClusterFile> file = sf::decode_cluster_file(bytes, "fuzz.clu");
  if (!file.ok()) return;
  if (sf::encode_cluster_file(*file) != bytes) __builtin_trap();
}

void read_partial(const std::string& bytes) {
  Result<metrics::RunState> run = metrics::parse_partial(bytes, "fuzz.state");
  if (!run.ok()) return;
  metrics::RunState merged = *run;
  if (metrics::merge(merged, *run, "again").ok()) (void)metrics::summarize(merged, {});
  Result<report::Summary> summary = metrics::summarize(*run, {});
  if (summary.ok()) {
    report::Json j = report::to_json(*summary);
    (void)metrics::table(j);
    (void)metrics::markdown(j);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0] & 7;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (mode) {
    case 0:
    case 7: {
      if (bytes.empty()) return 0;
      const uint8_t l = static_cast<uint8_t>(bytes[0]);
      sf::Layout layout{static_cast<uint32_t>(l & 31), (l & 32) != 0, (l & 64) != 0};
      decode_all(std::string_view(bytes).substr(1), layout);
      return 0;
    }
    case 1: read_signature(bytes); return 0;
    case 2: fix_signature(bytes); read_signature(bytes); return 0;
    case 3: read_cluster(bytes); return 0;
    case 4: append_checksum(bytes); read_cluster(bytes); return 0;
    case 5: read_partial(bytes); return 0;
    case 6: append_checksum(bytes); read_partial(bytes); return 0;
  }
  return 0;
}
