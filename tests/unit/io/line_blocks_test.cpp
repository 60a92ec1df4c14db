// LineReader::next_block and BlockLines: the same lines as next(), handed out in place.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "dqprep/io/io.hpp"

namespace dqprep::io {

namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::string t = (fs::temp_directory_path() / "dqprep-blocks-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (fs::path(path) / name).string(); }
  std::string path;
};

void write_bytes(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size());
}

// Lines of every kind the reader meets: empty, CR LF, lengths around the padding and across blocks.
std::string mixed_input(uint32_t seed, size_t bytes) {
  std::mt19937 rng(seed);
  std::string s = "\xEF\xBB\xBF";
  while (s.size() < bytes) {
    size_t length;
    switch (rng() % 8) {
      case 0: length = 0; break;
      case 1: length = rng() % 70; break;
      case 2: length = 200'000 + rng() % 400'000; break;
      default: length = rng() % 5000;
    }
    for (size_t i = 0; i < length; ++i) s.push_back(static_cast<char>('a' + rng() % 26));
    s += rng() % 5 == 0 ? "\r\n" : "\n";
  }
  s += "last line without newline";
  return s;
}

struct Read {
  std::vector<std::string> lines;
  std::vector<uint64_t> numbers;
};

Result<Read> by_next(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<LineReader> reader, LineReader::open(path));
  Read read;
  std::string_view line;
  while (true) {
    DQPREP_ASSIGN_OR_RETURN(bool more, reader->next(line));
    if (!more) return read;
    read.lines.emplace_back(line);
    read.numbers.push_back(reader->line_number());
  }
}

// Keeps every block and checks, at the end, that the padding after each one never changed: the
// reader must not write where a worker may still read.
Result<Read> by_blocks(const std::string& path, uint64_t max_line_bytes = kDefaultMaxLineBytes) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<LineReader> reader, LineReader::open(path));
  reader->set_max_line_bytes(max_line_bytes);
  Read read;
  std::vector<LineBlock> kept;
  std::vector<std::string> padding;
  LineBlock block;
  uint64_t lines_before = 0;
  while (true) {
    DQPREP_ASSIGN_OR_RETURN(bool more, reader->next_block(block));
    if (!more) break;
    EXPECT_FALSE(block.bytes.empty());
    kept.push_back(block);
    padding.emplace_back(block.bytes.data() + block.bytes.size(), kPadding);
    BlockLines lines(block.bytes, lines_before, max_line_bytes);
    std::string_view line;
    while (true) {
      DQPREP_ASSIGN_OR_RETURN(bool next, lines.next(line));
      if (!next) break;
      EXPECT_GE(line.data(), block.bytes.data());
      EXPECT_LE(line.data() + line.size(), block.bytes.data() + block.bytes.size());
      read.lines.emplace_back(line);
      read.numbers.push_back(lines.line_number());
    }
    lines_before = lines.line_number();
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(std::string_view(kept[i].bytes.data() + kept[i].bytes.size(), kPadding), padding[i]) << "block " << i;
  }
  return read;
}

void expect_same(const Result<Read>& a, const Result<Read>& b) {
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_EQ(a->lines.size(), b->lines.size());
  for (size_t i = 0; i < a->lines.size(); ++i) {
    ASSERT_EQ(a->lines[i], b->lines[i]) << "line " << i;
    ASSERT_EQ(a->numbers[i], b->numbers[i]) << "line " << i;
  }
}

// Writes `bytes` into a pipe in pieces of random sizes, as a slow producer would.
std::thread feed_pipe(int fd, std::string bytes, uint32_t seed) {
  return std::thread([fd, bytes = std::move(bytes), seed] {
    std::mt19937 rng(seed);
    size_t at = 0;
    while (at < bytes.size()) {
      size_t piece = std::min<size_t>(bytes.size() - at, 1 + rng() % (rng() % 2 ? 100 : 70'000));
      ssize_t n = ::write(fd, bytes.data() + at, piece);
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
    ::close(fd);
  });
}

}  // namespace

TEST(LineBlocks, SameLinesAndNumbersAsNextFromAFile) {
  TempDir dir;
  for (uint32_t seed : {1u, 2u, 3u}) {
    write_bytes(dir.file("in.jsonl"), mixed_input(seed, 6 << 20));
    expect_same(by_next(dir.file("in.jsonl")), by_blocks(dir.file("in.jsonl")));
  }
}

TEST(LineBlocks, SameLinesFromAPipeFedInSmallPieces) {
  TempDir dir;
  const std::string input = mixed_input(7, 4 << 20);
  write_bytes(dir.file("in.jsonl"), input);
  for (uint32_t seed : {1u, 2u}) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::thread writer = feed_pipe(fds[1], input, seed);
    Result<Read> piped = by_blocks("/dev/fd/" + std::to_string(fds[0]));
    writer.join();
    ::close(fds[0]);
    expect_same(by_next(dir.file("in.jsonl")), piped);
  }
}

TEST(LineBlocks, SameLinesFromGzipAndZstd) {
  TempDir dir;
  const std::string input = mixed_input(11, 3 << 20);
  write_bytes(dir.file("in.jsonl"), input);
  std::string z(ZSTD_compressBound(input.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), input.data(), input.size(), 1));
  write_bytes(dir.file("in.jsonl.zst"), z);
  gzFile gz = gzopen(dir.file("in.jsonl.gz").c_str(), "wb1");
  gzwrite(gz, input.data(), static_cast<unsigned>(input.size()));
  gzclose(gz);
  expect_same(by_next(dir.file("in.jsonl")), by_blocks(dir.file("in.jsonl.zst")));
  expect_same(by_next(dir.file("in.jsonl")), by_blocks(dir.file("in.jsonl.gz")));
}

TEST(LineBlocks, EmptyInputsAndLinesEndingAtTheEnd) {
  TempDir dir;
  for (std::string input : {"", "\n", "a", "a\n", "\r\n\r\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF{}\n{}"}) {
    write_bytes(dir.file("in.jsonl"), input);
    expect_same(by_next(dir.file("in.jsonl")), by_blocks(dir.file("in.jsonl")));
  }
}

TEST(LineBlocks, ALineOverTheLimitIsBadInputWithItsNumber) {
  TempDir dir;
  // Inside a block (BlockLines finds it) and still unread at its end (next_block finds it).
  for (size_t long_line : {size_t{5000}, size_t{3} << 20}) {
    write_bytes(dir.file("in.jsonl"), "{}\n\n{}\n" + std::string(long_line, 'x') + "\n{}\n");
    auto reader = LineReader::open(dir.file("in.jsonl"));
    ASSERT_TRUE(reader.ok());
    (*reader)->set_max_line_bytes(4096);
    LineBlock block;
    uint64_t lines_before = 0;
    Status error;
    while (error.ok()) {
      Result<bool> more = (*reader)->next_block(block);
      if (!more.ok()) {
        error = Status::bad_input(std::to_string(lines_before + 1) + ": " + more.status().message());
        break;
      }
      if (!*more) break;
      BlockLines lines(block.bytes, lines_before, 4096);
      std::string_view line;
      while (true) {
        Result<bool> next = lines.next(line);
        if (!next.ok()) {
          error = Status::bad_input(std::to_string(lines.line_number()) + ": " + next.status().message());
          break;
        }
        if (!*next) break;
      }
      lines_before = lines.line_number();
    }
    EXPECT_EQ(error.message(), "4: line longer than 4096 bytes (--max-line-bytes)") << long_line;
  }
}

}  // namespace dqprep::io
