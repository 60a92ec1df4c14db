#pragma once
// Inputs and outputs: files or standard streams, gzip and zstd, lines of any length, atomic outputs.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::io {

// Readable bytes guaranteed after every line a LineReader returns (simdjson reads ahead).
inline constexpr size_t kPadding = 64;

// Decompressed bytes of one input; the compression is found from the magic bytes.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `capacity` bytes; 0 means the end. A truncated or corrupt stream is bad_input
  // (its message without the file name: the caller knows the file and the line).
  virtual Result<size_t> read(char* buffer, size_t capacity) = 0;
};

enum class Compression { none, gzip, zstd };

// The longest line a reader takes unless told otherwise: large, but finite, so that a compressed
// bomb without a newline cannot take all memory.
inline constexpr uint64_t kDefaultMaxLineBytes = uint64_t{1} << 30;

// Whole lines of an input, read by LineReader::next_block. `bytes` ends at a line end (or at the
// input's end) and is followed by kPadding readable bytes that no thread writes while the block is
// kept; `storage` keeps them alive, so a block can be handed to other threads without copying it.
struct LineBlock {
  std::shared_ptr<const char[]> storage;
  std::string_view bytes;
};

// The lines of a LineBlock as LineReader::next returns them: without their terminator, the BOM of
// the input's first line removed. Line numbers go on from `lines_before` and count blank lines.
class BlockLines {
 public:
  BlockLines(std::string_view bytes, uint64_t lines_before, uint64_t max_line_bytes)
      : rest_(bytes), number_(lines_before), max_line_bytes_(max_line_bytes) {}
  // Sets `line` to the next line and returns true, or returns false at the block's end. A line
  // longer than the limit is bad_input (its number is line_number()).
  Result<bool> next(std::string_view& line);
  uint64_t line_number() const { return number_; }

 private:
  std::string_view rest_;
  uint64_t number_;
  uint64_t max_line_bytes_;
};

// Lines of one input, without their terminator ("\n" or "\r\n"), the UTF-8 BOM of the first line
// removed. Lines may be of any length: the buffer grows to hold the longest.
class LineReader {
 public:
  // `path` is a file, or "-" for standard input.
  static Result<std::unique_ptr<LineReader>> open(const std::string& path);
  ~LineReader();

  // Sets `line` to the next line and returns true, or returns false at the end of the input.
  // The view is valid until the next call and is followed by kPadding readable bytes.
  Result<bool> next(std::string_view& line);

  // The alternative to next() for a reader that hands its lines to other threads: the next run of
  // whole lines, read in blocks of about a MiB, or false at the end of the input. The bytes are
  // not copied again: only a line that one read cut in two is moved to the next block. Not to be
  // mixed with next() on one reader. A line longer than the limit, found while its end is still
  // unread, is a bad_input error.
  Result<bool> next_block(LineBlock& block);

  // A line longer than this is a bad_input error ("line longer than N bytes").
  void set_max_line_bytes(uint64_t n) { max_line_bytes_ = n; }

  // 1-based number of the line last returned.
  uint64_t line_number() const { return line_number_; }
  // The name used in messages: the path, or "<stdin>".
  const std::string& name() const { return name_; }
  Compression compression() const { return compression_; }
  uint64_t bytes_read() const { return bytes_read_; }
  // How far into the file the reader is, in bytes as stored (compressed or not); empty for an
  // input that has no position (a pipe, a terminal).
  std::optional<uint64_t> file_offset() const;
  // The size of `path` ("-": standard input) when it is a regular file, else empty.
  static std::optional<uint64_t> file_size(const std::string& path);

 private:
  friend Result<std::string> read_bytes(const std::string& path);
  LineReader(std::string name, int fd, bool owns_fd);
  Status fill();

  std::string name_;
  int fd_;
  bool owns_fd_;
  Compression compression_ = Compression::none;
  std::unique_ptr<ByteSource> source_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // start of unread data in buffer_
  size_t end_ = 0;    // end of data in buffer_
  bool eof_ = false;
  uint64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  uint64_t max_line_bytes_ = kDefaultMaxLineBytes;
  // next_block's storage: bytes [block_begin_, block_end_) are read and not handed out yet, and
  // hold no newline before block_scanned_; reads go to [block_end_, block_capacity_).
  std::shared_ptr<char[]> block_;
  std::shared_ptr<class BlockPool> pool_;  // storages of the usual size, back when their blocks are dropped
  size_t block_capacity_ = 0;
  size_t block_begin_ = 0;
  size_t block_end_ = 0;
  size_t block_scanned_ = 0;
  bool block_retired_ = false;  // no more reads into block_: a handed-out block's padding is there
};

// A destination for records: standard output, or a file written atomically (a temporary file in
// the same directory, renamed over the target by commit(); removed when destroyed uncommitted, and
// on SIGINT/SIGTERM/SIGHUP). Missing parent directories are created. A new file gets the mode
// 0666 & ~umask; a replaced one keeps its mode. A path ending in .gz or .zst is compressed, on
// `compression_threads` threads (a stage passes its -j): the bytes are the same for any count (gzip:
// a member per MiB, see parallel_gzip.hpp; zstd: libzstd's workers, never its single-threaded
// mode). An existing path that is not a regular file (/dev/null, a FIFO) and a descriptor path (/dev/stdout,
// /dev/fd/N, /proc/...) are written in place. A regular file that another open output is writing
// is a usage error: two outputs of one run name the same file.
class OutputFile {
 public:
  // "-" or "" = stdout.
  static Result<std::unique_ptr<OutputFile>> open(const std::string& path, unsigned compression_threads = 1);
  // From now on a file committed by this process stays claimed: a process that is one run (the
  // dqprep binary) also refuses an output written after another one of the same file (--stats).
  static void remember_committed_outputs();
  ~OutputFile();

  Status write(std::string_view bytes);
  Status commit();
  const std::string& name() const { return name_; }

  class Compressor;

 private:
  OutputFile() = default;
  Status flush_buffer();
  Status write_fd(const char* data, size_t size);

  std::string name_;
  std::string path_;       // the target ("" for stdout)
  std::string temp_path_;  // where bytes go until commit
  std::string claim_;      // the target's canonical path, claimed for this run until destroyed uncommitted
  int fd_ = -1;
  bool owns_fd_ = false;  // a device or pipe opened by path, closed on destruction
  bool committed_ = false;
  std::string buffer_;
  std::unique_ptr<Compressor> compressor_;
};

// Reads a whole small text file (label maps, rule files, domains) into a string, line by line as
// LineReader reads it: "\r\n" becomes "\n", a first-line BOM goes, a last line gets its "\n".
// Never for binary files: those are read_bytes'.
Result<std::string> read_file(const std::string& path);

// Reads every byte of a file (or "-"), decompressed as LineReader does but otherwise unchanged:
// binary files such as `metrics --partial` states.
Result<std::string> read_bytes(const std::string& path);

}  // namespace dqprep::io
