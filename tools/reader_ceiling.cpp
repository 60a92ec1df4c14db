// The reader's own ceiling, for the bench harness: what the stream driver's reading thread does
// before any worker sees a record, and nothing else. Opens the input with dqprep's LineReader
// (plain, .gz or .zst, decompressed on this thread), cuts the lines, and copies each with its
// slot into 1 MiB / 8192-line batches as src/core/io/stream.cpp does; no parsing, no output. A
// stage that needs more input per second than this cannot be fed by one reader, whatever -j is.
//   build/reader_ceiling FILE     prints bytes, lines and MB/s (of uncompressed bytes) to stderr
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "dqprep/io/io.hpp"

namespace {

constexpr size_t kBatchBytes = 1 << 20;  // as src/core/io/stream.cpp
constexpr size_t kBatchLines = 8192;

struct LineSlot {
  size_t offset;
  size_t length;
  uint64_t number;
};

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: reader_ceiling FILE\n");
    return 2;
  }
  const double start = cpu_seconds();
  auto reader = dqprep::io::LineReader::open(argv[1]);
  if (!reader.ok()) {
    std::fprintf(stderr, "reader_ceiling: %s\n", reader.status().message().c_str());
    return 4;
  }
  std::string data;
  std::vector<LineSlot> lines;
  data.reserve(kBatchBytes + (kBatchBytes >> 2));
  lines.reserve(kBatchLines);
  uint64_t bytes = 0, count = 0, batches = 0;
  std::string_view line;
  while (true) {
    auto more = (*reader)->next(line);
    if (!more.ok()) {
      std::fprintf(stderr, "reader_ceiling: %s\n", more.status().message().c_str());
      return 3;
    }
    if (!*more) break;
    lines.push_back({data.size(), line.size(), (*reader)->line_number()});
    data.append(line);
    data.push_back('\n');
    if (data.size() >= kBatchBytes || lines.size() >= kBatchLines) {
      bytes += data.size();
      count += lines.size();
      ++batches;
      data.clear();  // a handed-off batch: the next one is a fresh buffer of the same size
      lines.clear();
    }
  }
  bytes += data.size();
  count += lines.size();
  const double seconds = cpu_seconds() - start;
  std::fprintf(stderr, "reader_ceiling: %llu bytes, %llu lines, %llu batches in %.3f CPU s: %.0f MB/s\n",
               static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(count),
               static_cast<unsigned long long>(batches), seconds, seconds > 0 ? bytes / seconds / 1e6 : 0.0);
  return 0;
}
