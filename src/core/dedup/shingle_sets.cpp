#include "dqprep/dedup/shingle_sets.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace dqprep::shingle_sets {

static_assert(std::endian::native == std::endian::little, "stored sets are little-endian");

void narrow(std::span<const uint64_t> shingles, std::vector<uint32_t>& out) {
  out.resize(shingles.size());
  size_t n = 0;
  for (uint64_t h : shingles) {
    const auto v = static_cast<uint32_t>(h >> 32);
    if (n == 0 || out[n - 1] != v) out[n++] = v;
  }
  out.resize(n);
}

double jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  if (a.empty() && b.empty()) return 1.0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    const uint32_t x = a[i], y = b[j];
    common += x == y;
    i += x <= y;
    j += y <= x;
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

void append_stored(std::string& out, std::span<const uint32_t> set) {
  const auto n = static_cast<uint32_t>(set.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(reinterpret_cast<const char*>(set.data()), set.size() * sizeof(uint32_t));
}

namespace {

std::string errno_text() { return std::strerror(errno); }

Status pread_all(int fd, char* out, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::io("cannot read a shingle set: " + errno_text());
    if (n == 0) return Status::io("cannot read a shingle set: unexpected end of file");
    out += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return {};
}

}  // namespace

Status read(int fd, uint64_t offset, std::vector<uint32_t>& out) {
  uint32_t count = 0;
  DQPREP_RETURN_IF_ERROR(pread_all(fd, reinterpret_cast<char*>(&count), sizeof count, offset));
  out.resize(count);
  return pread_all(fd, reinterpret_cast<char*>(out.data()), size_t{count} * sizeof(uint32_t), offset + sizeof count);
}

Spill::~Spill() {
  if (fd_ >= 0) ::close(fd_);
}

Status Spill::open() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string path = (dir / "dqprep-sets.XXXXXX").string();
  fd_ = ::mkstemp(path.data());
  if (fd_ < 0) return Status::io("cannot create a temporary file for the shingle sets in " + dir.string() + ": " + errno_text());
  ::unlink(path.c_str());
  buffer_.reserve(kBufferBytes + (size_t{1} << 20));  // a full buffer and one more record, most often
  return {};
}

uint64_t Spill::append(std::string_view stored) {
  const uint64_t at = size();
  buffer_.append(stored);
  return at;
}

Result<uint64_t> Spill::append_block(std::string_view stored) {
  DQPREP_RETURN_IF_ERROR(flush());
  const uint64_t at = written_;
  DQPREP_RETURN_IF_ERROR(write_all(stored));
  return at;
}

Status Spill::write_all(std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::io("cannot write the shingle sets to a temporary file: " + errno_text());
    p += n;
    left -= static_cast<size_t>(n);
  }
  written_ += bytes.size();
  return {};
}

Status Spill::flush() {
  DQPREP_RETURN_IF_ERROR(write_all(buffer_));
  buffer_.clear();
  return {};
}

Status Spill::finish() {
  DQPREP_RETURN_IF_ERROR(flush());
  std::string().swap(buffer_);
  return {};
}

Status Spill::read_all(const std::function<Status(std::string_view)>& take) {
  DQPREP_RETURN_IF_ERROR(flush());
  const uint64_t end = written_;
  std::string chunk;
  for (uint64_t at = 0; at < end;) {
    chunk.resize(static_cast<size_t>(std::min<uint64_t>(kBufferBytes, end - at)));
    DQPREP_RETURN_IF_ERROR(pread_all(fd_, chunk.data(), chunk.size(), at));
    DQPREP_RETURN_IF_ERROR(take(chunk));
    at += chunk.size();
  }
  return {};
}

Status Spill::copy_to(Spill& out) {
  return read_all([&](std::string_view chunk) { return out.append_block(chunk).status(); });
}

Status Verifier::load(uint32_t record, std::vector<uint32_t>& out) {
  const uint64_t location = locations_[record];
  return read(fds_[location >> 48], location & ((uint64_t{1} << 48) - 1), out);
}

Result<bool> Verifier::similar(uint32_t a, uint32_t b) {
  if (cached_ != a) {
    cached_ = UINT32_MAX;
    DQPREP_RETURN_IF_ERROR(load(a, a_));
    cached_ = a;
  }
  DQPREP_RETURN_IF_ERROR(load(b, b_));
  ++checked_;
  const bool yes = jaccard(a_, b_) >= threshold_;
  if (!yes) ++rejected_;
  return yes;
}

}  // namespace dqprep::shingle_sets
