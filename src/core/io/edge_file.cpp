#include "dqprep/io/edge_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "dqprep/dedup/band_partition.hpp"
#include "dqprep/io/io.hpp"

namespace dqprep::edge_file {

static_assert(std::endian::native == std::endian::little, "the edge files are little-endian");

namespace {

constexpr char kMagic[8] = {'D', 'Q', 'P', 'E', 'D', 'G', 'E', '\n'};
constexpr char kEnd[8] = {'D', 'Q', 'P', 'E', 'E', 'N', 'D', '\n'};
constexpr size_t kFooterSize = 24;
constexpr size_t kFixedHeader = 8 + 4 * 4 + 8 * 2 + 4;  // up to the params' length
constexpr size_t kMaxParams = 1 << 16;

template <class T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class T>
T get(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

std::string errno_text() { return std::strerror(errno); }

Status pread_all(int fd, char* out, size_t size, uint64_t offset, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::io("cannot read " + path + ": " + errno_text());
    if (n == 0) return Status::io("cannot read " + path + ": unexpected end of file");
    out += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return {};
}

}  // namespace

void InputsDigest::add(const signature_file::Header& header, const signature_file::Footer& footer) {
  std::string bytes;
  put<uint64_t>(bytes, header.params.size());
  bytes += header.params;
  put<uint64_t>(bytes, header.shard.size());
  bytes += header.shard;
  put(bytes, footer.positions);
  put(bytes, footer.records);
  put(bytes, footer.fingerprint);
  hash_.update(bytes);
}

std::string encode_header(const Header& header) {
  std::string out(kMagic, sizeof kMagic);
  put(out, kVersion);
  put(out, header.partition);
  put(out, header.partitions);
  put(out, header.bands);
  put(out, header.records);
  put(out, header.inputs);
  put<uint32_t>(out, static_cast<uint32_t>(header.params.size()));
  out += header.params;
  return out;
}

void append_bucket(std::string& out, uint32_t band, uint64_t key, std::span<const uint32_t> members) {
  put(out, band);
  put(out, key);
  put<uint32_t>(out, static_cast<uint32_t>(members.size()));
  out.append(reinterpret_cast<const char*>(members.data()), members.size() * sizeof(uint32_t));
}

std::string encode_footer(uint64_t buckets, hash::Xxh3Stream before) {
  std::string out(kEnd, sizeof kEnd);
  put(out, buckets);
  before.update(out);
  put(out, before.digest());
  return out;
}

Result<std::unique_ptr<Writer>> Writer::open(const std::string& path, const Header& header) {
  std::unique_ptr<Writer> w(new Writer());
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(path));
  w->out_ = std::move(out);
  DQPREP_RETURN_IF_ERROR(w->write(encode_header(header)));
  return w;
}

Writer::~Writer() = default;

Status Writer::write(std::string_view bytes) {
  hash_.update(bytes);
  return out_->write(bytes);
}

Status Writer::add(uint32_t band, uint64_t key, std::span<const uint32_t> members) {
  bucket_.clear();
  append_bucket(bucket_, band, key, members);
  ++buckets_;
  return write(bucket_);
}

Status Writer::commit() {
  DQPREP_RETURN_IF_ERROR(out_->write(encode_footer(buckets_, hash_)));
  return out_->commit();
}

Status Reader::damaged(const std::string& why) const {
  return Status::bad_input(path_ + ": damaged edge file (" + why + ")");
}

Result<std::unique_ptr<Reader>> Reader::open(const std::string& path) {
  std::unique_ptr<Reader> r(new Reader());
  r->path_ = path;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) return Status::io("cannot open " + path + ": " + errno_text());
  struct stat st;
  if (::fstat(r->fd_, &st) != 0) return Status::io("cannot stat " + path + ": " + errno_text());
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  std::string head(std::min<uint64_t>(size, kFixedHeader), '\0');
  DQPREP_RETURN_IF_ERROR(pread_all(r->fd_, head.data(), head.size(), 0, path));
  if (head.size() < 8 || std::memcmp(head.data(), kMagic, 8) != 0) {
    return Status::usage(path + " is not a dqprep edge file (made by `dqprep dedup cluster --partition`)");
  }
  if (head.size() < kFixedHeader) return r->damaged("truncated in its header");
  const uint32_t version = get<uint32_t>(head.data() + 8);
  if (version != kVersion) {
    return r->damaged("format version " + std::to_string(version) + ", this dqprep reads version " +
                      std::to_string(kVersion) + "; or written by a newer dqprep");
  }
  Header& h = r->header_;
  h.partition = get<uint32_t>(head.data() + 12);
  h.partitions = get<uint32_t>(head.data() + 16);
  h.bands = get<uint32_t>(head.data() + 20);
  h.records = get<uint64_t>(head.data() + 24);
  h.inputs = get<uint64_t>(head.data() + 32);
  const uint32_t params = get<uint32_t>(head.data() + 40);
  if (params > kMaxParams || size < kFixedHeader + params + kFooterSize) return r->damaged("truncated in its header");
  h.params.resize(params);
  DQPREP_RETURN_IF_ERROR(pread_all(r->fd_, h.params.data(), params, kFixedHeader, path));
  if (h.partitions == 0 || h.partitions > lsh::kMaxPartitions || h.partition >= h.partitions || h.bands == 0 ||
      h.records > UINT32_MAX) {
    return r->damaged("its header does not decode");
  }
  std::string foot(kFooterSize, '\0');
  DQPREP_RETURN_IF_ERROR(pread_all(r->fd_, foot.data(), foot.size(), size - kFooterSize, path));
  if (std::memcmp(foot.data(), kEnd, 8) != 0) return r->damaged("truncated: no footer");
  r->buckets_ = get<uint64_t>(foot.data() + 8);
  r->checksum_ = get<uint64_t>(foot.data() + 16);
  r->footer_head_ = foot.substr(0, 16);
  r->hash_.update(head);
  r->hash_.update(h.params);
  r->end_ = size - kFooterSize;
  r->file_pos_ = kFixedHeader + params;
  return r;
}

Reader::~Reader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<bool> Reader::need(size_t n) {
  if (buffer_.size() - pos_ >= n) return true;
  buffer_.erase(0, pos_);
  file_pos_ += pos_;
  pos_ = 0;
  const uint64_t have_until = file_pos_ + buffer_.size();
  if (end_ - have_until < n - buffer_.size()) return false;
  const size_t want = std::max<size_t>(size_t{1} << 20, n - buffer_.size());
  const size_t add = static_cast<size_t>(std::min<uint64_t>(want, end_ - have_until));
  const size_t old = buffer_.size();
  buffer_.resize(old + add);
  DQPREP_RETURN_IF_ERROR(pread_all(fd_, buffer_.data() + old, add, have_until, path_));
  hash_.update(std::string_view(buffer_).substr(old));
  return true;
}

Result<bool> Reader::next(Bucket& bucket) {
  constexpr size_t kFixed = 4 + 8 + 4;
  if (file_pos_ + pos_ == end_) {
    if (read_ != buckets_) return damaged("it holds " + std::to_string(read_) + " buckets, its footer says " +
                                          std::to_string(buckets_));
    hash::Xxh3Stream all = hash_;
    all.update(footer_head_);
    if (all.digest() != checksum_) return damaged("its checksum does not match");
    return false;
  }
  DQPREP_ASSIGN_OR_RETURN(bool whole, need(kFixed));
  if (!whole) return damaged("the last bucket is cut short");
  const char* at = buffer_.data() + pos_;
  bucket.band = get<uint32_t>(at);
  bucket.key = get<uint64_t>(at + 4);
  const uint32_t m = get<uint32_t>(at + 12);
  const uint64_t offset = file_pos_ + pos_;
  const std::string where = " at offset " + std::to_string(offset);
  if (bucket.band >= header_.bands) return damaged("band " + std::to_string(bucket.band) + where);
  if (lsh::partition_of(bucket.key, header_.partitions) != header_.partition) {
    return damaged("a key outside its partition" + where);
  }
  if (started_ && (bucket.band < last_band_ || (bucket.band == last_band_ && bucket.key <= last_key_))) {
    return damaged("buckets out of order" + where);
  }
  if (m < 2 || m > header_.records) return damaged("a bucket of " + std::to_string(m) + " records" + where);
  DQPREP_ASSIGN_OR_RETURN(whole, need(kFixed + size_t{m} * sizeof(uint32_t)));
  if (!whole) return damaged("the last bucket is cut short");
  at = buffer_.data() + pos_;
  bucket.members.resize(m);
  std::memcpy(bucket.members.data(), at + kFixed, size_t{m} * sizeof(uint32_t));
  for (uint32_t k = 0; k < m; ++k) {
    if (bucket.members[k] >= header_.records || (k > 0 && bucket.members[k] <= bucket.members[k - 1])) {
      return damaged("a bucket's records out of range or order" + where);
    }
  }
  pos_ += kFixed + size_t{m} * sizeof(uint32_t);
  started_ = true;
  last_band_ = bucket.band;
  last_key_ = bucket.key;
  ++read_;
  return true;
}

}  // namespace dqprep::edge_file
