// The reader's own ceiling, for the bench harness: what the stream driver's reading thread does
// before any worker sees a record, and nothing else. Opens the input with dqprep's LineReader
// (plain, .gz or .zst, decompressed on this thread), reads its blocks of whole lines, cuts the
// lines and records each one's slot in 1 MiB / 8192-line batches as src/core/io/stream.cpp does
// (the lines stay in the blocks: nothing is copied); no parsing, no output. A
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
  const char* text;
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
  std::vector<std::shared_ptr<const char[]>> blocks;
  std::vector<LineSlot> lines;
  lines.reserve(kBatchLines);
  uint64_t bytes = 0, count = 0, batches = 0, batch_bytes = 0, lines_before = 0;
  dqprep::io::LineBlock block;
  auto fail = [](const dqprep::Status& status) {
    std::fprintf(stderr, "reader_ceiling: %s\n", status.message().c_str());
    return 3;
  };
  while (true) {
    auto more = (*reader)->next_block(block);
    if (!more.ok()) return fail(more.status());
    if (!*more) break;
    blocks.push_back(block.storage);
    dqprep::io::BlockLines cut(block.bytes, lines_before, dqprep::io::kDefaultMaxLineBytes);
    std::string_view line;
    while (true) {
      auto next = cut.next(line);
      if (!next.ok()) return fail(next.status());
      if (!*next) break;
      lines.push_back({line.data(), line.size(), cut.line_number()});
      batch_bytes += line.size() + 1;
      if (batch_bytes >= kBatchBytes || lines.size() >= kBatchLines) {
        bytes += batch_bytes;
        count += lines.size();
        ++batches;
        batch_bytes = 0;
        lines.clear();  // a handed-off batch
        blocks.assign(1, block.storage);
      }
    }
    lines_before = cut.line_number();
  }
  bytes += batch_bytes;
  count += lines.size();
  const double seconds = cpu_seconds() - start;
  std::fprintf(stderr, "reader_ceiling: %llu bytes, %llu lines, %llu batches in %.3f CPU s: %.0f MB/s\n",
               static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(count),
               static_cast<unsigned long long>(batches), seconds, seconds > 0 ? bytes / seconds / 1e6 : 0.0);
  return 0;
}
