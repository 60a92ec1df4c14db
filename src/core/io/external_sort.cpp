#include "dqprep/io/external_sort.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace dqprep::external_sort {

namespace {

constexpr size_t kHeader = sizeof(uint64_t) + 2 * sizeof(uint32_t);  // key, tag, length

std::string errno_text() { return std::strerror(errno); }

Result<int> unnamed_temp_file() {
  std::string temp = (std::filesystem::temp_directory_path() / "dqprep-sort.XXXXXX").string();
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return Status::io("cannot create a temporary file in " + temp + ": " + errno_text());
  ::unlink(temp.c_str());
  return fd;
}

Status write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Status::io("cannot write a temporary sort file: " + errno_text());
    p += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

Status read_all(int fd, uint64_t size, std::string& out) {
  out.resize(size);
  uint64_t done = 0;
  while (done < size) {
    ssize_t r = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return Status::io("cannot read a temporary sort file back: " + (r < 0 ? errno_text() : "short read"));
    done += static_cast<uint64_t>(r);
  }
  return {};
}

}  // namespace

Sorter::Sorter(uint64_t expected_bytes, uint64_t bucket_bytes, uint64_t buffer_bytes) {
  size_t count = 1;
  unsigned bits = 0;
  while (count < kMaxBuckets && expected_bytes / count > bucket_bytes) {
    count *= 2;
    ++bits;
  }
  buckets_.resize(count);
  shift_ = 64 - bits;
  buffer_limit_ = std::clamp<uint64_t>(buffer_bytes / count, uint64_t{1} << 16, uint64_t{1} << 20);
  // One bucket that fits in memory never needs a file.
  if (count == 1) buffer_limit_ = std::max<uint64_t>(bucket_bytes, buffer_limit_);
}

Sorter::~Sorter() {
  for (Bucket& b : buckets_)
    if (b.fd >= 0) ::close(b.fd);
}

size_t Sorter::spilled_buckets() const {
  return static_cast<size_t>(std::count_if(buckets_.begin(), buckets_.end(), [](const Bucket& b) { return b.fd >= 0; }));
}

Status Sorter::flush(Bucket& b) {
  if (b.buffer.empty()) return {};
  if (b.fd < 0) {
    DQPREP_ASSIGN_OR_RETURN(int fd, unnamed_temp_file());
    b.fd = fd;
  }
  DQPREP_RETURN_IF_ERROR(write_all(b.fd, b.buffer.data(), b.buffer.size()));
  b.file_bytes += b.buffer.size();
  b.buffer.clear();
  return {};
}

Status Sorter::add(uint64_t key, uint32_t tag, std::string_view bytes) {
  if (bytes.size() > UINT32_MAX) return Status::usage("a record of 4 GiB or more cannot be sorted");
  Bucket& b = buckets_[shift_ >= 64 ? 0 : key >> shift_];
  char header[kHeader];
  const uint32_t length = static_cast<uint32_t>(bytes.size());
  std::memcpy(header, &key, 8);
  std::memcpy(header + 8, &tag, 4);
  std::memcpy(header + 12, &length, 4);
  b.buffer.append(header, kHeader);
  b.buffer.append(bytes);
  if (b.buffer.size() >= buffer_limit_) return flush(b);
  return {};
}

Status Sorter::drain(const std::function<Status(uint32_t tag, std::string_view bytes)>& visit) {
  std::string data;
  struct Entry {
    uint64_t key;
    uint64_t offset;  // of the header in `data`
  };
  std::vector<Entry> entries;
  for (Bucket& b : buckets_) {
    if (b.fd >= 0) {
      DQPREP_RETURN_IF_ERROR(flush(b));
      DQPREP_RETURN_IF_ERROR(read_all(b.fd, b.file_bytes, data));
      ::close(b.fd);
      b.fd = -1;
    } else {
      data.swap(b.buffer);
    }
    std::string().swap(b.buffer);
    entries.clear();
    for (uint64_t pos = 0; pos + kHeader <= data.size();) {
      Entry e{0, pos};
      uint32_t length;
      std::memcpy(&e.key, data.data() + pos, 8);
      std::memcpy(&length, data.data() + pos + 12, 4);
      entries.push_back(e);
      pos += kHeader + length;
    }
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
    for (const Entry& e : entries) {
      uint32_t tag, length;
      std::memcpy(&tag, data.data() + e.offset + 8, 4);
      std::memcpy(&length, data.data() + e.offset + 12, 4);
      DQPREP_RETURN_IF_ERROR(visit(tag, std::string_view(data.data() + e.offset + kHeader, length)));
    }
    data.clear();
  }
  std::string().swap(data);
  return {};
}

}  // namespace dqprep::external_sort
