#include "dqprep/io/io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <system_error>

#include "dqprep/io/parallel_gzip.hpp"
#include "dqprep/io/temp_files.hpp"

namespace dqprep::io {

namespace {

constexpr size_t kReadBlock = 1 << 20;
constexpr size_t kWriteBlock = 1 << 20;

std::string errno_text() { return std::strerror(errno); }

Result<size_t> read_fd(int fd, const std::string& name, char* buffer, size_t capacity) {
  while (true) {
    ssize_t n = ::read(fd, buffer, capacity);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    return Status::io(name + ": read failed: " + errno_text());
  }
}

class PlainSource : public ByteSource {
 public:
  PlainSource(int fd, std::string name, std::string prefix)
      : fd_(fd), name_(std::move(name)), prefix_(std::move(prefix)) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    if (prefix_pos_ < prefix_.size()) {
      size_t n = std::min(capacity, prefix_.size() - prefix_pos_);
      std::memcpy(buffer, prefix_.data() + prefix_pos_, n);
      prefix_pos_ += n;
      return n;
    }
    return read_fd(fd_, name_, buffer, capacity);
  }

 private:
  int fd_;
  std::string name_;
  std::string prefix_;  // bytes already read to look at the magic number
  size_t prefix_pos_ = 0;
};

class GzipSource : public ByteSource {
 public:
  GzipSource(int fd, std::string name, std::string prefix)
      : raw_(fd, name, std::move(prefix)), name_(std::move(name)), in_(kReadBlock) {
    std::memset(&z_, 0, sizeof z_);
    inflateInit2(&z_, 15 + 16);  // gzip wrapper only
  }
  ~GzipSource() override { inflateEnd(&z_); }

  Result<size_t> read(char* buffer, size_t capacity) override {
    z_.next_out = reinterpret_cast<Bytef*>(buffer);
    z_.avail_out = static_cast<uInt>(capacity);
    while (z_.avail_out == capacity) {
      if (z_.avail_in == 0) {
        if (input_done_) {
          if (!stream_ended_) return Status::bad_input("truncated gzip stream");
          return size_t{0};
        }
        DQPREP_ASSIGN_OR_RETURN(size_t n, raw_.read(in_.data(), in_.size()));
        if (n == 0) {
          input_done_ = true;
          continue;
        }
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(n);
      }
      if (stream_ended_) {
        // Concatenated gzip members (as `cat a.gz b.gz` makes) form one stream.
        inflateReset(&z_);
        stream_ended_ = false;
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        stream_ended_ = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::bad_input(std::string("corrupt gzip stream (") + (z_.msg ? z_.msg : "zlib error") + ")");
      }
    }
    return capacity - z_.avail_out;
  }

 private:
  PlainSource raw_;
  std::string name_;
  std::vector<char> in_;
  z_stream z_;
  bool input_done_ = false;
  bool stream_ended_ = false;
};

class ZstdSource : public ByteSource {
 public:
  ZstdSource(int fd, std::string name, std::string prefix)
      : raw_(fd, name, std::move(prefix)), name_(std::move(name)), in_(ZSTD_DStreamInSize()),
        stream_(ZSTD_createDStream()) {
    ZSTD_initDStream(stream_);
  }
  ~ZstdSource() override { ZSTD_freeDStream(stream_); }

  Result<size_t> read(char* buffer, size_t capacity) override {
    ZSTD_outBuffer out{buffer, capacity, 0};
    while (out.pos == 0) {
      if (in_buf_.pos == in_buf_.size) {
        if (input_done_) {
          if (frame_open_) return Status::bad_input("truncated zstd stream");
          return size_t{0};
        }
        DQPREP_ASSIGN_OR_RETURN(size_t n, raw_.read(in_.data(), in_.size()));
        if (n == 0) {
          input_done_ = true;
          continue;
        }
        in_buf_ = {in_.data(), n, 0};
      }
      size_t rc = ZSTD_decompressStream(stream_, &out, &in_buf_);
      if (ZSTD_isError(rc)) {
        return Status::bad_input(std::string("corrupt zstd stream (") + ZSTD_getErrorName(rc) + ")");
      }
      frame_open_ = rc != 0;
    }
    return out.pos;
  }

 private:
  PlainSource raw_;
  std::string name_;
  std::vector<char> in_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  ZSTD_DStream* stream_;
  bool input_done_ = false;
  bool frame_open_ = false;
};

}  // namespace

LineReader::LineReader(std::string name, int fd, bool owns_fd)
    : name_(std::move(name)), fd_(fd), owns_fd_(owns_fd) {}

LineReader::~LineReader() {
  source_.reset();
  if (owns_fd_) ::close(fd_);
}

Result<std::unique_ptr<LineReader>> LineReader::open(const std::string& path) {
  int fd = 0;
  bool owns = false;
  std::string name = "<stdin>";
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::io("cannot open " + path + ": " + errno_text());
    owns = true;
    name = path;
    if (std::filesystem::is_directory(path)) {
      ::close(fd);
      return Status::io("cannot read " + path + ": it is a directory");
    }
  }
  std::unique_ptr<LineReader> reader(new LineReader(name, fd, owns));
  // Read up to 4 bytes for the magic number; a pipe may deliver them in pieces.
  std::string magic;
  char head[4];
  while (magic.size() < 4) {
    DQPREP_ASSIGN_OR_RETURN(size_t n, read_fd(fd, name, head, 4 - magic.size()));
    if (n == 0) break;
    magic.append(head, n);
  }
  auto starts = [&](std::string_view m) { return magic.compare(0, m.size(), m) == 0 && magic.size() >= m.size(); };
  if (starts("\x1f\x8b")) {
    reader->compression_ = Compression::gzip;
    reader->source_ = std::make_unique<GzipSource>(fd, name, magic);
  } else if (starts("\x28\xb5\x2f\xfd")) {
    reader->compression_ = Compression::zstd;
    reader->source_ = std::make_unique<ZstdSource>(fd, name, magic);
  } else {
    reader->source_ = std::make_unique<PlainSource>(fd, name, magic);
  }
  return reader;
}

std::optional<uint64_t> LineReader::file_offset() const {
  off_t at = ::lseek(fd_, 0, SEEK_CUR);
  if (at < 0) return std::nullopt;
  return static_cast<uint64_t>(at);
}

std::optional<uint64_t> LineReader::file_size(const std::string& path) {
  struct stat st;
  int rc = path == "-" ? ::fstat(0, &st) : ::stat(path.c_str(), &st);
  if (rc != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

Status LineReader::fill() {
  // Move the unread tail to the front, grow when a single line fills the buffer, then read.
  size_t pending = end_ - begin_;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, pending);
    begin_ = 0;
    end_ = pending;
  }
  if (buffer_.size() - kPadding - end_ < kReadBlock / 2) buffer_.resize(buffer_.size() * 2);
  DQPREP_ASSIGN_OR_RETURN(size_t n, source_->read(buffer_.data() + end_, buffer_.size() - kPadding - end_));
  if (n == 0) eof_ = true;
  end_ += n;
  bytes_read_ += n;
  return {};
}

namespace {

Status line_too_long(uint64_t limit) {
  return Status::bad_input("line longer than " + std::to_string(limit) + " bytes (--max-line-bytes)");
}

}  // namespace

Result<bool> LineReader::next(std::string_view& line) {
  if (buffer_.empty()) buffer_.resize(kReadBlock + kPadding);  // not for a reader of next_block
  size_t scanned = begin_;
  while (true) {
    const char* start = buffer_.data() + begin_;
    const char* from = buffer_.data() + scanned;
    const char* nl = static_cast<const char*>(std::memchr(from, '\n', end_ - scanned));
    size_t length;
    size_t consumed;
    if (nl) {
      length = nl - start;
      consumed = length + 1;
    } else if (eof_) {
      if (begin_ == end_) return false;
      length = end_ - begin_;  // a last line without a newline
      consumed = length;
    } else {
      size_t already_scanned = end_ - begin_;
      if (already_scanned > max_line_bytes_) return line_too_long(max_line_bytes_);
      DQPREP_RETURN_IF_ERROR(fill());
      scanned = begin_ + already_scanned;
      continue;
    }
    if (length > max_line_bytes_) return line_too_long(max_line_bytes_);
    ++line_number_;
    if (length > 0 && start[length - 1] == '\r') --length;
    std::string_view view(start, length);
    if (line_number_ == 1 && view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);
    begin_ += consumed;
    line = view;
    return true;
  }
}

// The storages of next_block's usual size come back here when the last block on them is dropped (on
// whichever thread), so that a run reuses a few of them instead of allocating, and faulting in, a
// fresh MiB for each block.
class BlockPool : public std::enable_shared_from_this<BlockPool> {
 public:
  static constexpr size_t kBytes = kReadBlock + kPadding;
  ~BlockPool() {
    for (char* storage : free_) delete[] storage;
  }
  std::shared_ptr<char[]> take() {
    char* storage = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        storage = free_.back();
        free_.pop_back();
      } else {
        // give_back runs in a deleter: it must not allocate (nor throw).
        if (free_.capacity() < ++created_) free_.reserve(2 * created_);
      }
    }
    if (!storage) storage = new char[kBytes];
    return std::shared_ptr<char[]>(storage, [pool = shared_from_this()](char* s) { pool->give_back(s); });
  }

 private:
  void give_back(char* storage) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(storage);
  }
  std::mutex mutex_;
  std::vector<char*> free_;
  size_t created_ = 0;
};

Result<bool> LineReader::next_block(LineBlock& block) {
  while (true) {
    const size_t pending = block_end_ - block_begin_;
    if (pending > 0) {
      char* base = block_.get();
      const char* from = base + block_scanned_;
      const char* last = static_cast<const char*>(::memrchr(from, '\n', block_end_ - block_scanned_));
      block_scanned_ = block_end_;
      if (last || eof_) {
        const size_t cut = last ? static_cast<size_t>(last - base) + 1 : block_end_;
        block.storage = block_;
        block.bytes = std::string_view(base + block_begin_, cut - block_begin_);
        const size_t tail = block_end_ - cut;
        block_begin_ = cut;
        // The handed-out bytes are followed by kPadding bytes that reads must never touch again:
        // either the unread tail is that long, or the tail moves past a zeroed gap, or this storage
        // takes no more reads.
        if (tail < kPadding) {
          if (eof_ || cut + kPadding + tail + kReadBlock / 8 > block_capacity_) {
            std::memset(base + block_end_, 0, kPadding);
            block_retired_ = true;
          } else {
            std::memmove(base + cut + kPadding, base + cut, tail);
            std::memset(base + cut, 0, kPadding);
            block_begin_ = cut + kPadding;
            block_end_ = block_begin_ + tail;
            block_scanned_ = block_end_;
          }
        }
        return true;
      }
      if (pending > max_line_bytes_) return line_too_long(max_line_bytes_);
    } else if (eof_) {
      return false;
    }
    // Read on into this storage while it has room, else into a new one holding the unread tail.
    if (!block_ || block_retired_ || block_capacity_ - block_end_ < kReadBlock / 8) {
      const size_t capacity = std::max(kReadBlock, 2 * pending);
      if (!pool_) pool_ = std::make_shared<BlockPool>();
      std::shared_ptr<char[]> fresh = capacity == kReadBlock ? pool_->take() : std::shared_ptr<char[]>(new char[capacity + kPadding]);
      if (pending > 0) std::memcpy(fresh.get(), block_.get() + block_begin_, pending);
      block_ = std::move(fresh);
      block_capacity_ = capacity;
      block_begin_ = 0;
      block_end_ = pending;
      block_scanned_ = pending;
      block_retired_ = false;
    }
    DQPREP_ASSIGN_OR_RETURN(size_t n, source_->read(block_.get() + block_end_, block_capacity_ - block_end_));
    if (n == 0) eof_ = true;
    block_end_ += n;
    bytes_read_ += n;
  }
}

Result<bool> BlockLines::next(std::string_view& line) {
  if (rest_.empty()) return false;
  const char* nl = static_cast<const char*>(std::memchr(rest_.data(), '\n', rest_.size()));
  const size_t length = nl ? static_cast<size_t>(nl - rest_.data()) : rest_.size();
  ++number_;
  if (length > max_line_bytes_) return line_too_long(max_line_bytes_);
  std::string_view view(rest_.data(), length);
  rest_.remove_prefix(nl ? length + 1 : length);
  if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
  if (number_ == 1 && view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);
  line = view;
  return true;
}

// ---- outputs ----

class OutputFile::Compressor {
 public:
  virtual ~Compressor() = default;
  // Compresses `in`, appending to `out` what is ready.
  virtual Status compress(std::string_view in, std::string& out) = 0;
  // Ends the stream, appending the rest to `out`.
  virtual Status finish(std::string& out) = 0;
};

namespace {

class GzipCompressor : public OutputFile::Compressor {
 public:
  explicit GzipCompressor(unsigned threads) : gzip_(threads) {}
  Status compress(std::string_view in, std::string& out) override { return gzip_.write(in, out); }
  Status finish(std::string& out) override { return gzip_.finish(out); }

 private:
  ParallelGzip gzip_;
};

// The bytes one libzstd worker compresses at a time. The default at level 3 is 8 MiB and each
// worker holds several: 4 MiB halves that memory (with one worker, 16 MB more than single-threaded
// instead of 37; with two, 24 instead of 53) for a file 0.16% larger on the bench corpus.
// `zstd -3 -T1 -B4MiB --no-check` writes the same bytes.
constexpr int kZstdJobBytes = 4 << 20;

class ZstdCompressor : public OutputFile::Compressor {
 public:
  explicit ZstdCompressor(unsigned threads) : stream_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(stream_, ZSTD_c_compressionLevel, 3);
    // At least one worker even for one thread: libzstd's multi-threaded format is the same bytes
    // for any number of workers, but not the same as its single-threaded one (0 workers). A
    // libzstd built without threads refuses the parameter and stays single-threaded: the same
    // bytes for any thread count there too.
    ZSTD_CCtx_setParameter(stream_, ZSTD_c_nbWorkers, static_cast<int>(std::max(threads, 1u)));
    ZSTD_CCtx_setParameter(stream_, ZSTD_c_jobSize, kZstdJobBytes);
  }
  ~ZstdCompressor() override { ZSTD_freeCCtx(stream_); }
  Status compress(std::string_view in, std::string& out) override { return run(in, ZSTD_e_continue, out); }
  // Never called first with bytes to compress (OutputFile compresses them before): a first call
  // with ZSTD_e_end would take libzstd's one-pass path, whose jobs depend on the worker count.
  Status finish(std::string& out) override { return run({}, ZSTD_e_end, out); }

 private:
  Status run(std::string_view in, ZSTD_EndDirective mode, std::string& out) {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    char chunk[1 << 16];
    while (true) {
      ZSTD_outBuffer output{chunk, sizeof chunk, 0};
      size_t rc = ZSTD_compressStream2(stream_, &output, &input, mode);
      if (ZSTD_isError(rc)) return Status::io(std::string("zstd compression failed: ") + ZSTD_getErrorName(rc));
      out.append(chunk, output.pos);
      bool done = mode == ZSTD_e_end ? rc == 0 : input.pos == input.size;
      if (done) return {};
    }
  }

  ZSTD_CCtx* stream_;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A descriptor path (/dev/stdout, /dev/fd/N, /proc/self/fd/N) names a file the caller opened: it is
// written in place even when it leads to a regular file, which must not be replaced.
bool is_descriptor_path(const std::string& path) {
  return path.rfind("/dev/fd/", 0) == 0 || path == "/dev/stdout" || path == "/dev/stderr" ||
         path.rfind("/proc/", 0) == 0;
}

mode_t process_umask() {
  static const mode_t mask = [] {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
}

// The regular files this process writes: a second output naming one of them is a usage error.
// A claim ends when its output is destroyed, unless remember_committed_outputs() was called.
std::mutex claimed_mutex;
std::set<std::string> claimed;
bool remember_committed = false;

}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::open(const std::string& path, unsigned compression_threads) {
  std::unique_ptr<OutputFile> out(new OutputFile());
  out->buffer_.reserve(kWriteBlock + (kWriteBlock >> 2));
  if (path.empty() || path == "-") {
    out->name_ = "<stdout>";
    out->fd_ = 1;
    return out;
  }
  out->name_ = path;
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (is_descriptor_path(path) || (exists && !S_ISREG(st.st_mode))) {
    // A device, a pipe or a descriptor (/dev/null, /dev/stderr, a FIFO) is written in place.
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::io("cannot open " + path + ": " + errno_text());
    out->fd_ = fd;
    out->owns_fd_ = true;
    return out;
  }
  std::error_code ec;
  // Through a symbolic link, the file it points to is replaced, not the link.
  std::filesystem::path target = exists ? std::filesystem::canonical(path, ec) : std::filesystem::path(path);
  if (ec) target = path;
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  if (!std::filesystem::is_directory(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::io("cannot create " + path + ": cannot create its directory " + dir.string() + ": " + ec.message());
  }
  {
    // Made absolute first: weakly_canonical leaves a relative path whose first part is missing as it is.
    std::string key = std::filesystem::weakly_canonical(std::filesystem::absolute(target), ec).string();
    if (ec) key = target.string();
    std::lock_guard<std::mutex> lock(claimed_mutex);
    if (!claimed.insert(key).second) return Status::usage(path + " is named by two outputs of this run");
    out->claim_ = key;
  }
  out->path_ = target.string();
  std::string temp = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return Status::io("cannot create " + path + ": " + errno_text());
  temp_files::add(temp);
  // A replaced file keeps its mode; a new one gets the mode open(2) would give it.
  ::fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~process_umask()));
  out->fd_ = fd;
  out->temp_path_ = temp;
  if (ends_with(path, ".gz")) out->compressor_ = std::make_unique<GzipCompressor>(compression_threads);
  if (ends_with(path, ".zst")) out->compressor_ = std::make_unique<ZstdCompressor>(compression_threads);
  return out;
}

void OutputFile::remember_committed_outputs() {
  std::lock_guard<std::mutex> lock(claimed_mutex);
  remember_committed = true;
}

OutputFile::~OutputFile() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  if (!temp_path_.empty()) {
    ::close(fd_);
    if (!committed_) ::unlink(temp_path_.c_str());
    temp_files::forget(temp_path_);
  }
  if (!claim_.empty() && !(committed_ && remember_committed)) {
    std::lock_guard<std::mutex> lock(claimed_mutex);
    claimed.erase(claim_);
  }
}

Status OutputFile::write_fd(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return Status::pipe_closed();
      return Status::io(name_ + ": write failed: " + errno_text());
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

Status OutputFile::flush_buffer() {
  if (buffer_.empty()) return {};
  Status s;
  if (compressor_) {
    std::string packed;
    s = compressor_->compress(buffer_, packed);
    if (s.ok()) s = write_fd(packed.data(), packed.size());
  } else {
    s = write_fd(buffer_.data(), buffer_.size());
  }
  buffer_.clear();
  return s;
}

Status OutputFile::write(std::string_view bytes) {
  if (bytes.size() >= kWriteBlock) {
    DQPREP_RETURN_IF_ERROR(flush_buffer());
    if (!compressor_) return write_fd(bytes.data(), bytes.size());
    buffer_.assign(bytes);
    return flush_buffer();
  }
  buffer_.append(bytes);
  if (buffer_.size() >= kWriteBlock) return flush_buffer();
  return {};
}

Status OutputFile::commit() {
  DQPREP_RETURN_IF_ERROR(flush_buffer());
  if (compressor_) {
    std::string tail;
    DQPREP_RETURN_IF_ERROR(compressor_->finish(tail));
    DQPREP_RETURN_IF_ERROR(write_fd(tail.data(), tail.size()));
  }
  if (temp_path_.empty()) return {};
  if (::close(fd_) != 0) {
    fd_ = -1;
    return Status::io(name_ + ": write failed: " + errno_text());
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return Status::io("cannot create " + path_ + ": " + errno_text());
  }
  committed_ = true;
  temp_files::forget(temp_path_);
  temp_path_.clear();
  return {};
}

Result<std::string> read_file(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<LineReader> reader, LineReader::open(path));
  std::string text;
  std::string_view line;
  while (true) {
    DQPREP_ASSIGN_OR_RETURN(bool more, reader->next(line));
    if (!more) break;
    text.append(line);
    text.push_back('\n');
  }
  return text;
}

Result<std::string> read_bytes(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<LineReader> reader, LineReader::open(path));
  std::string bytes;
  std::vector<char> block(kReadBlock);
  while (true) {
    Result<size_t> n = reader->source_->read(block.data(), block.size());
    if (!n.ok()) {
      if (n.status().code() == StatusCode::bad_input) return Status::bad_input(path + ": " + n.status().message());
      return n.status();
    }
    if (*n == 0) break;
    bytes.append(block.data(), *n);
  }
  return bytes;
}

}  // namespace dqprep::io
