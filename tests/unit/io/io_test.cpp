#include "dqprep/io/io.hpp"
#include "dqprep/io/parallel_gzip.hpp"
#include "dqprep/io/temp_files.hpp"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

namespace dqprep::io {

namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::string t = (fs::temp_directory_path() / "dqprep-io-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (fs::path(path) / name).string(); }
  std::string path;
};

void write_bytes(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size());
}

std::string gzip(std::string_view s) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, s.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = s.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string zstd(std::string_view s) {
  std::string out(ZSTD_compressBound(s.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), s.data(), s.size(), 3));
  return out;
}

Result<std::vector<std::string>> read_lines(const std::string& path) {
  Result<std::unique_ptr<LineReader>> r = LineReader::open(path);
  if (!r.ok()) return r.status();
  std::vector<std::string> lines;
  std::string_view line;
  while (true) {
    Result<bool> more = (*r)->next(line);
    if (!more.ok()) return more.status();
    if (!*more) return lines;
    lines.emplace_back(line);
  }
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

TEST(LineReader, PlainCrlfBomAndMissingFinalNewline) {
  TempDir dir;
  write_bytes(dir.file("a.jsonl"), "\xEF\xBB\xBF{\"a\":1}\r\n\n{\"b\":2}");
  Result<std::vector<std::string>> lines = read_lines(dir.file("a.jsonl"));
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(*lines, (std::vector<std::string>{"{\"a\":1}", "", "{\"b\":2}"}));
}

TEST(LineReader, GzipZstdAndConcatenatedGzipMembers) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "{\"i\":" + std::to_string(i) + "}\n";
  write_bytes(dir.file("a.gz"), gzip(text) + gzip("{\"last\":1}\n"));
  write_bytes(dir.file("a.zst"), zstd(text));
  Result<std::vector<std::string>> g = read_lines(dir.file("a.gz"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_EQ(g->size(), 50001u);
  EXPECT_EQ((*g)[49999], "{\"i\":49999}");
  EXPECT_EQ((*g)[50000], "{\"last\":1}");
  Result<std::vector<std::string>> z = read_lines(dir.file("a.zst"));
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->size(), 50000u);
}

TEST(LineReader, TruncatedCompressedStreamsAreBadInput) {
  TempDir dir;
  std::string text(200000, 'x');
  std::string gz = gzip(text + "\n");
  write_bytes(dir.file("t.gz"), gz.substr(0, gz.size() / 2));
  Result<std::vector<std::string>> g = read_lines(dir.file("t.gz"));
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::bad_input);
  EXPECT_EQ(g.status().message(), "truncated gzip stream");
  std::string zs = zstd(text + "\n");
  write_bytes(dir.file("t.zst"), zs.substr(0, zs.size() - 3));
  Result<std::vector<std::string>> z = read_lines(dir.file("t.zst"));
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().message(), "truncated zstd stream");
}

TEST(LineReader, LineOf64MiB) {
  TempDir dir;
  std::string big = "{\"text\":\"" + std::string(64 << 20, 'a') + "\"}";
  write_bytes(dir.file("big.jsonl"), "{\"a\":1}\n" + big + "\n{\"b\":2}\n");
  Result<std::vector<std::string>> lines = read_lines(dir.file("big.jsonl"));
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[1].size(), big.size());
  EXPECT_EQ((*lines)[2], "{\"b\":2}");
}

TEST(LineReader, MissingFileIsIoError) {
  Result<std::unique_ptr<LineReader>> r = LineReader::open("/nonexistent/x.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::io);
  EXPECT_EQ(r.status().message(), "cannot open /nonexistent/x.jsonl: No such file or directory");
}

TEST(OutputFile, AtomicCommitAndCleanupOnFailure) {
  TempDir dir;
  std::string target = dir.file("out.jsonl");
  {
    Result<std::unique_ptr<OutputFile>> out = OutputFile::open(target);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->write("partial\n").ok());
    EXPECT_FALSE(fs::exists(target));  // not before commit
  }  // destroyed without commit: no file, no temporary left behind
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(fs::is_empty(dir.path));
  {
    Result<std::unique_ptr<OutputFile>> out = OutputFile::open(target);
    ASSERT_TRUE((*out)->write("done\n").ok());
    ASSERT_TRUE((*out)->commit().ok());
  }
  Result<std::vector<std::string>> lines = read_lines(target);
  EXPECT_EQ(*lines, std::vector<std::string>{"done"});
}

TEST(OutputFile, CompressesByExtension) {
  TempDir dir;
  for (std::string name : {"o.jsonl.gz", "o.jsonl.zst"}) {
    Result<std::unique_ptr<OutputFile>> out = OutputFile::open(dir.file(name));
    for (int i = 0; i < 100000; ++i) ASSERT_TRUE((*out)->write("{\"i\":" + std::to_string(i) + "}\n").ok());
    ASSERT_TRUE((*out)->commit().ok());
    Result<std::unique_ptr<LineReader>> r = LineReader::open(dir.file(name));
    EXPECT_NE((*r)->compression(), Compression::none) << name;
    Result<std::vector<std::string>> lines = read_lines(dir.file(name));
    ASSERT_TRUE(lines.ok());
    ASSERT_EQ(lines->size(), 100000u);
    EXPECT_EQ(lines->back(), "{\"i\":99999}");
  }
}

namespace {

// About `bytes` of JSON Lines from a fixed seed, varied enough that zstd does not squash them.
std::string sample_records(size_t bytes) {
  static const char* const words[] = {"alpha", "beta", "gamma", "café", "数据", "end.", "the", "of"};
  std::mt19937 rng(3);
  std::string text;
  for (uint64_t i = 0; text.size() < bytes; ++i) {
    text += "{\"id\":" + std::to_string(i) + ",\"text\":\"";
    for (unsigned w = rng() % 40; w > 0; --w) text += std::string(words[rng() % 8]) + std::to_string(rng() % 5000) + " ";
    text += "\"}\n";
  }
  return text;
}

// What an OutputFile on `threads` compression threads makes of `text`, written in records.
std::string compressed_by_output(const TempDir& dir, const std::string& name, unsigned threads, const std::string& text) {
  Result<std::unique_ptr<OutputFile>> out = OutputFile::open(dir.file(name), threads);
  EXPECT_TRUE(out.ok());
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at) + 1;
    EXPECT_TRUE((*out)->write(std::string_view(text).substr(at, nl - at)).ok());
    at = nl;
  }
  EXPECT_TRUE((*out)->commit().ok());
  std::ifstream in(dir.file(name), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string unzstd(const std::string& packed) {
  ZSTD_DStream* d = ZSTD_createDStream();
  ZSTD_inBuffer in{packed.data(), packed.size(), 0};
  std::string out, block(1 << 16, '\0');
  size_t rc = 1;
  while (in.pos < in.size && !ZSTD_isError(rc)) {
    ZSTD_outBuffer o{block.data(), block.size(), 0};
    rc = ZSTD_decompressStream(d, &o, &in);
    out.append(block.data(), o.pos);
  }
  ZSTD_freeDStream(d);
  return ZSTD_isError(rc) || rc != 0 ? "<corrupt>" : out;
}

// Inflates every gzip member of `packed`; counts them.
std::string gunzip(const std::string& packed, size_t& members) {
  z_stream z{};
  inflateInit2(&z, 15 + 16);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  std::string out, block(1 << 16, '\0');
  members = 0;
  while (z.avail_in > 0) {
    z.next_out = reinterpret_cast<Bytef*>(block.data());
    z.avail_out = static_cast<uInt>(block.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    out.append(block.data(), block.size() - z.avail_out);
    if (rc == Z_STREAM_END) {
      ++members;
      inflateReset(&z);
    } else if (rc != Z_OK) {
      out = "<corrupt>";
      break;
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace

TEST(OutputFile, CompressedBytesAreTheSameForAnyThreadCount) {
  // 12 MB: three zstd jobs of 4 MiB and twelve gzip members of 1 MiB.
  TempDir dir;
  const std::string text = sample_records(12'000'000);
  const std::string gz = compressed_by_output(dir, "o.jsonl.gz", 1, text);
  // EXPECT_TRUE, not EXPECT_EQ: a failure must not print megabytes of compressed bytes.
  EXPECT_TRUE(compressed_by_output(dir, "o.jsonl.gz", 4, text) == gz);
  size_t members = 0;
  EXPECT_TRUE(gunzip(gz, members) == text);
  EXPECT_EQ(members, (text.size() + kGzipMemberBytes - 1) / kGzipMemberBytes);
  const std::string zst = compressed_by_output(dir, "o.jsonl.zst", 1, text);
  EXPECT_TRUE(compressed_by_output(dir, "o.jsonl.zst", 4, text) == zst);
  EXPECT_TRUE(unzstd(zst) == text);
  EXPECT_EQ(ZSTD_findFrameCompressedSize(zst.data(), zst.size()), zst.size());  // one frame
  Result<std::string> back = read_bytes(dir.file("o.jsonl.zst"));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == text);
}

TEST(OutputFile, ZstdIsLibzstdsMultiThreadedFormatNotItsSingleThreadedOne) {
  // The single-threaded format (0 workers) would differ from the multi-threaded one (any number
  // of workers), so even one thread runs a worker: -j1 and -j8 write the same bytes.
  TempDir dir;
  const std::string text = sample_records(10'000'000);  // three jobs
  auto reference = [&](int workers) -> std::optional<std::string> {
    ZSTD_CCtx* c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(c, ZSTD_c_jobSize, 4 << 20);  // io.cpp's jobs
    if (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, workers))) {
      ZSTD_freeCCtx(c);
      return std::nullopt;
    }
    std::string out(ZSTD_compressBound(text.size()), '\0');
    ZSTD_inBuffer in{text.data(), text.size(), 0};
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    size_t rc = ZSTD_compressStream2(c, &o, &in, ZSTD_e_continue);
    while (!ZSTD_isError(rc) && (rc = ZSTD_compressStream2(c, &o, &in, ZSTD_e_end)) != 0) {
    }
    ZSTD_freeCCtx(c);
    out.resize(o.pos);
    return out;
  };
  std::optional<std::string> multi = reference(1);
  if (!multi) GTEST_SKIP() << "this libzstd has no threads";
  const std::string zst = compressed_by_output(dir, "o.jsonl.zst", 1, text);
  EXPECT_TRUE(zst == *multi);
  EXPECT_TRUE(*reference(3) == *multi);
  EXPECT_TRUE(*reference(0) != zst);
}

TEST(OutputFile, DevicesAreWrittenInPlaceNeverReplaced) {
  struct stat before;
  ASSERT_EQ(::stat("/dev/null", &before), 0);
  Result<std::unique_ptr<OutputFile>> out = OutputFile::open("/dev/null");
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->write("x\n").ok());
  ASSERT_TRUE((*out)->commit().ok());
  struct stat after;
  ASSERT_EQ(::stat("/dev/null", &after), 0);
  EXPECT_TRUE(S_ISCHR(after.st_mode));
  EXPECT_EQ(before.st_rdev, after.st_rdev);
}

TEST(OutputFile, DescriptorPathsLeadingToFilesAreWrittenInPlace) {
  TempDir dir;
  std::string target = dir.file("stderr.txt");
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  std::string via = "/proc/self/fd/" + std::to_string(fd);
  Result<std::unique_ptr<OutputFile>> out = OutputFile::open(via);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->write("{}\n").ok());
  ASSERT_TRUE((*out)->commit().ok());
  ::close(fd);
  EXPECT_EQ(*read_lines(target), std::vector<std::string>{"{}"});
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()), 1);  // no temp left
}

TEST(OutputFile, ThroughASymlinkTheTargetIsReplaced) {
  TempDir dir;
  write_bytes(dir.file("real.jsonl"), "old\n");
  fs::create_symlink(dir.file("real.jsonl"), dir.file("link.jsonl"));
  Result<std::unique_ptr<OutputFile>> out = OutputFile::open(dir.file("link.jsonl"));
  ASSERT_TRUE((*out)->write("new\n").ok());
  ASSERT_TRUE((*out)->commit().ok());
  EXPECT_TRUE(fs::is_symlink(dir.file("link.jsonl")));
  EXPECT_EQ(*read_lines(dir.file("real.jsonl")), std::vector<std::string>{"new"});
}

TEST(OutputFile, UnwritableDirectoryIsIoError) {
  TempDir dir;
  write_bytes(dir.file("plain"), "x");
  const std::string path = dir.file("plain") + "/out.jsonl";
  Result<std::unique_ptr<OutputFile>> out = OutputFile::open(path);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::io);
  EXPECT_EQ(out.status().message(),
            "cannot create " + path + ": cannot create its directory " + dir.file("plain") + ": Not a directory");
}

TEST(OutputFile, MissingParentDirectoriesAreCreated) {
  TempDir dir;
  const std::string target = dir.file("a/b/out.jsonl");
  Result<std::unique_ptr<OutputFile>> out = OutputFile::open(target);
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_TRUE((*out)->write("{}\n").ok());
  ASSERT_TRUE((*out)->commit().ok());
  EXPECT_EQ(*read_lines(target), std::vector<std::string>{"{}"});
}

TEST(OutputFile, NewFileGetsTheUmaskModeAndAReplacedFileKeepsItsMode) {
  TempDir dir;
  const mode_t old_mask = ::umask(027);
  {
    Result<std::unique_ptr<OutputFile>> out = OutputFile::open(dir.file("new.jsonl"));
    ASSERT_TRUE((*out)->commit().ok());
  }
  ::umask(old_mask);
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("new.jsonl").c_str(), &st), 0);
  // The mask is read once per process: whatever it was then, a new file is never more open than 0666.
  EXPECT_EQ(st.st_mode & 07111, 0u);
  write_bytes(dir.file("private.jsonl"), "secret\n");
  ASSERT_EQ(::chmod(dir.file("private.jsonl").c_str(), 0600), 0);
  {
    Result<std::unique_ptr<OutputFile>> out = OutputFile::open(dir.file("private.jsonl"));
    ASSERT_TRUE((*out)->write("still secret\n").ok());
    ASSERT_TRUE((*out)->commit().ok());
  }
  ASSERT_EQ(::stat(dir.file("private.jsonl").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(OutputFile, RegularFileUnderDevIsReplacedAtomically) {
  if (!fs::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm";
  TempDir dir;
  const std::string target = "/dev/shm/dqprep-io-test-" + std::to_string(::getpid());
  write_bytes(target, "a much longer old content\n");
  {
    Result<std::unique_ptr<OutputFile>> out = OutputFile::open(target);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->write("new\n").ok());
    ASSERT_TRUE((*out)->commit().ok());
  }
  EXPECT_EQ(*read_lines(target), std::vector<std::string>{"new"});
  fs::remove(target);
}

TEST(OutputFile, TwoOutputsOfOneFileAreAUsageError) {
  TempDir dir;
  Result<std::unique_ptr<OutputFile>> first = OutputFile::open(dir.file("same.jsonl"));
  ASSERT_TRUE(first.ok());
  Result<std::unique_ptr<OutputFile>> second = OutputFile::open(dir.path + "/./same.jsonl");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::usage);
  ASSERT_TRUE((*first)->commit().ok());
  first->reset();
  EXPECT_TRUE(OutputFile::open(dir.file("same.jsonl")).ok());  // one process, several runs
  // A relative name and its ./ form, for a file that does not exist yet.
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path);
  Result<std::unique_ptr<OutputFile>> relative = OutputFile::open("new.jsonl");
  Result<std::unique_ptr<OutputFile>> dotted = OutputFile::open("./new.jsonl");
  fs::current_path(cwd);
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ(dotted.status().code(), StatusCode::usage);
  // Devices may be named by any number of outputs.
  Result<std::unique_ptr<OutputFile>> a = OutputFile::open("/dev/null"), b = OutputFile::open("/dev/null");
  EXPECT_TRUE(a.ok() && b.ok());
}

TEST(OutputFile, TemporaryFileIsRemovedBySignalCleanup) {
  TempDir dir;
  Result<std::unique_ptr<OutputFile>> out = OutputFile::open(dir.file("sig.jsonl"));
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(fs::is_empty(dir.path));
  temp_files::remove_all();
  EXPECT_TRUE(fs::is_empty(dir.path));
}

TEST(LineReader, LineLongerThanTheLimitIsBadInput) {
  TempDir dir;
  write_bytes(dir.file("long.jsonl"), "{}\n" + std::string(5000, 'x') + "\n{}\n");
  Result<std::unique_ptr<LineReader>> r = LineReader::open(dir.file("long.jsonl"));
  ASSERT_TRUE(r.ok());
  (*r)->set_max_line_bytes(4096);
  std::string_view line;
  ASSERT_TRUE(*(*r)->next(line));
  Result<bool> second = (*r)->next(line);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::bad_input);
  EXPECT_EQ(second.status().message(), "line longer than 4096 bytes (--max-line-bytes)");
  // Without a final newline too.
  write_bytes(dir.file("tail.jsonl"), std::string(5000, 'x'));
  Result<std::unique_ptr<LineReader>> t = LineReader::open(dir.file("tail.jsonl"));
  (*t)->set_max_line_bytes(4096);
  EXPECT_EQ((*t)->next(line).status().code(), StatusCode::bad_input);
}

}  // namespace dqprep::io

namespace dqprep::io {

// read_bytes keeps every byte (CR LF, a leading BOM, NUL) and decompresses like LineReader.
TEST(ReadBytes, BinaryUnchangedPlainGzipZstd) {
  TempDir dir;
  std::string binary = "\xEF\xBB\xBFhead\r\n";
  for (uint32_t i = 0; i < (3u << 20); ++i) binary.push_back(static_cast<char>((i * 7919u) >> 3));
  binary += std::string("\0\r\n\n", 4);
  write_bytes(dir.file("b.bin"), binary);
  write_bytes(dir.file("b.gz"), gzip(binary));
  write_bytes(dir.file("b.zst"), zstd(binary));
  for (std::string name : {"b.bin", "b.gz", "b.zst"}) {
    Result<std::string> got = read_bytes(dir.file(name));
    ASSERT_TRUE(got.ok()) << name << ": " << got.status().message();
    EXPECT_TRUE(*got == binary) << name;
  }
  std::string gz = gzip(binary);
  write_bytes(dir.file("cut.gz"), gz.substr(0, gz.size() / 2));
  EXPECT_EQ(read_bytes(dir.file("cut.gz")).status().code(), StatusCode::bad_input);
  EXPECT_EQ(read_bytes(dir.file("none")).status().code(), StatusCode::io);
}

// LineReader::next_block and BlockLines: the same lines as next(), handed out in place.
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
  write_bytes(dir.file("in.jsonl.zst"), zstd(input));
  write_bytes(dir.file("in.jsonl.gz"), gzip(input));
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
