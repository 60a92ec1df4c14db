#include "dqprep/io/fixed_records.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace dqprep::io {

namespace {

constexpr size_t kChunkBytes = size_t{4} << 20;

std::string errno_text() { return std::strerror(errno); }

Status pread_all(int fd, char* out, size_t size, uint64_t offset) {
  size_t done = 0;
  while (done < size) {
    ssize_t r = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return Status::io("cannot read a temporary file back: " + (r < 0 ? errno_text() : "short read"));
    done += static_cast<size_t>(r);
  }
  return {};
}

}  // namespace

FixedRecords::FixedRecords(size_t record_bytes, uint64_t memory_bytes)
    : record_bytes_(std::max<size_t>(record_bytes, 1)), memory_bytes_(memory_bytes) {}

FixedRecords::~FixedRecords() {
  if (fd_ >= 0) ::close(fd_);
}

Status FixedRecords::append(const void* record) {
  buffer_.append(static_cast<const char*>(record), record_bytes_);
  ++count_;
  if (fd_ < 0 && buffer_.size() > memory_bytes_) {
    std::string temp = (std::filesystem::temp_directory_path() / "dqprep-records.XXXXXX").string();
    fd_ = ::mkstemp(temp.data());
    if (fd_ < 0) return Status::io("cannot create a temporary file in " + temp + ": " + errno_text());
    ::unlink(temp.c_str());
  }
  if (fd_ >= 0 && buffer_.size() >= kChunkBytes) return flush();
  return {};
}

Status FixedRecords::finish() { return fd_ >= 0 ? flush() : Status{}; }

Status FixedRecords::flush() {
  const char* p = buffer_.data();
  size_t n = buffer_.size();
  while (n > 0) {
    ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(file_bytes_));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Status::io("cannot write a temporary file: " + errno_text());
    p += w;
    n -= static_cast<size_t>(w);
    file_bytes_ += static_cast<uint64_t>(w);
  }
  buffer_.clear();
  return {};
}

Status FixedRecords::read(size_t i, void* out) const {
  if (i >= count_) return Status::io("internal error: record " + std::to_string(i) + " of " + std::to_string(count_));
  uint64_t offset = static_cast<uint64_t>(i) * record_bytes_;
  if (fd_ < 0) {
    std::memcpy(out, buffer_.data() + offset, record_bytes_);
    return {};
  }
  if (offset >= file_bytes_) {
    std::memcpy(out, buffer_.data() + (offset - file_bytes_), record_bytes_);
    return {};
  }
  return pread_all(fd_, static_cast<char*>(out), record_bytes_, offset);
}

Status FixedRecords::for_each(const std::function<void(size_t, const uint8_t*, size_t)>& visit) const {
  if (fd_ < 0) {
    if (count_) visit(0, reinterpret_cast<const uint8_t*>(buffer_.data()), count_);
    return {};
  }
  const size_t per_chunk = std::max<size_t>(1, kChunkBytes / record_bytes_);
  const size_t in_file = static_cast<size_t>(file_bytes_ / record_bytes_);
  for (size_t first = 0; first < in_file; first += per_chunk) {
    size_t n = std::min(per_chunk, in_file - first);
    chunk_.resize(n * record_bytes_);
    DQPREP_RETURN_IF_ERROR(pread_all(fd_, chunk_.data(), chunk_.size(), static_cast<uint64_t>(first) * record_bytes_));
    visit(first, reinterpret_cast<const uint8_t*>(chunk_.data()), n);
  }
  if (count_ > in_file) visit(in_file, reinterpret_cast<const uint8_t*>(buffer_.data()), count_ - in_file);
  return {};
}

}  // namespace dqprep::io
