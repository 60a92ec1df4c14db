#include "dqprep/io/signature_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include "dqprep/util/hash.hpp"
#include "dqprep/io/io.hpp"

namespace dqprep::signature_file {

static_assert(std::endian::native == std::endian::little, "the signature files are little-endian");

namespace {

constexpr char kSignMagic[8] = {'D', 'Q', 'P', 'S', 'I', 'G', 'N', '\n'};
constexpr char kSignEnd[8] = {'D', 'Q', 'P', 'S', 'E', 'N', 'D', '\n'};
constexpr char kClusterMagic[8] = {'D', 'Q', 'P', 'C', 'L', 'U', 'S', '\n'};
constexpr char kClusterEnd[8] = {'D', 'Q', 'P', 'C', 'E', 'N', 'D', '\n'};
constexpr size_t kFooterSize = 48;
constexpr char kRecord = 'R';
constexpr char kMalformed = 'B';
// kFlagHighSets: the sets hold the high halves of the shingle hashes (shingle_sets.hpp); files of
// dqprep before it hold the low halves, which cannot be compared with them.
constexpr uint32_t kFlagNear = 1, kFlagNames = 2, kFlagSets = 4, kFlagHighSets = 8;

template <class T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void put_bytes(std::string& out, std::string_view bytes) {
  put<uint32_t>(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

// Bounds-checked reading of a byte span; `ok` turns false at the first read past its end.
struct Cursor {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;

  template <class T>
  T get() {
    T value{};
    if (!ok || data.size() - pos < sizeof value) {
      ok = false;
      return value;
    }
    std::memcpy(&value, data.data() + pos, sizeof value);
    pos += sizeof value;
    return value;
  }
  std::string_view bytes(size_t n) {
    if (!ok || data.size() - pos < n) {
      ok = false;
      return {};
    }
    std::string_view v = data.substr(pos, n);
    pos += n;
    return v;
  }
  std::string_view sized() { return bytes(get<uint32_t>()); }
};

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

std::string encode_header(const Header& header) {
  std::string out(kSignMagic, sizeof kSignMagic);
  put(out, kVersion);
  uint32_t flags = (header.near ? kFlagNear : 0) | (header.layout.names ? kFlagNames : 0) |
                   (header.layout.sets ? kFlagSets | kFlagHighSets : 0);
  put(out, flags);
  put(out, header.layout.keys);
  put_bytes(out, header.params);
  put_bytes(out, header.shard);
  return out;
}

// The checksum of a signature file's header and footer: of the header's bytes, then of the
// footer's bytes before the checksum.
uint64_t header_checksum(std::string_view header, std::string_view footer) {
  hash::Xxh3Stream h;
  h.update(header);
  h.update(footer.substr(0, kFooterSize - sizeof(uint64_t)));
  return h.digest();
}

Status damaged(const std::string& path, std::string_view kind, const std::string& why) {
  return Status::bad_input(path + ": damaged " + std::string(kind) + " file (" + why + ")");
}

// The version check of both formats: version 1 had no checksums.
Status check_version(const std::string& path, std::string_view kind, uint32_t version, std::string_view remake) {
  if (version == kVersion) return {};
  if (version == 1) {
    return Status::bad_input(path + ": written by an older dqprep (format version 1); re-create it with `" +
                             std::string(remake) + "`");
  }
  return damaged(path, kind, "format version " + std::to_string(version) + ", this dqprep reads version " +
                                 std::to_string(kVersion) + "; or written by a newer dqprep");
}

}  // namespace

uint64_t Entry::key(size_t k) const {
  uint64_t v;
  std::memcpy(&v, keys.data() + k * sizeof v, sizeof v);
  return v;
}

void append_record(std::string& out, const Layout& layout, uint64_t line_hash, uint32_t length, uint64_t label,
                   std::span<const uint64_t> keys, std::string_view name, std::span<const uint32_t> set) {
  out.push_back(kRecord);
  put(out, line_hash);
  put(out, length);
  put(out, label);
  out.append(reinterpret_cast<const char*>(keys.data()), keys.size() * sizeof(uint64_t));
  if (layout.names) put_bytes(out, name);
  if (layout.sets) {
    put<uint32_t>(out, static_cast<uint32_t>(set.size()));
    out.append(reinterpret_cast<const char*>(set.data()), set.size() * sizeof(uint32_t));
  }
}

void append_malformed(std::string& out, uint64_t line_hash, std::string_view message) {
  out.push_back(kMalformed);
  put(out, line_hash);
  put_bytes(out, message);
}

Result<size_t> decode(std::string_view data, size_t pos, const Layout& layout, Entry& out) {
  if (pos >= data.size()) return size_t{0};
  Cursor c{data, pos + 1};
  out = Entry{};
  char tag = data[pos];
  out.line_hash = c.get<uint64_t>();
  if (tag == kMalformed) {
    out.malformed = true;
    out.message = c.sized();
  } else if (tag == kRecord) {
    out.length = c.get<uint32_t>();
    out.label = c.get<uint64_t>();
    out.keys = c.bytes(size_t{layout.keys} * sizeof(uint64_t));
    if (layout.names) out.name = c.sized();
    if (layout.sets) {
      out.set_at = c.pos;
      c.bytes(size_t{c.get<uint32_t>()} * sizeof(uint32_t));
    }
  } else {
    return Status::bad_input("not a signature entry (byte " + std::to_string(static_cast<unsigned char>(tag)) + ")");
  }
  if (!c.ok) return size_t{0};
  return c.pos - pos;
}

uint64_t fold_fingerprint(uint64_t fingerprint, uint64_t line_hash) {
  uint64_t both[2] = {fingerprint, line_hash};
  return hash::xxh3_64(std::string_view(reinterpret_cast<const char*>(both), sizeof both));
}

Result<std::unique_ptr<Writer>> Writer::open(const std::string& path, const Header& header) {
  std::unique_ptr<Writer> w(new Writer());
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(path));
  w->out_ = std::move(out);
  w->layout_ = header.layout;
  w->header_ = encode_header(header);
  DQPREP_RETURN_IF_ERROR(w->out_->write(w->header_));
  return w;
}

Writer::~Writer() = default;

Status Writer::add(std::string_view entries) {
  Entry entry;
  for (size_t pos = 0; pos < entries.size();) {
    DQPREP_ASSIGN_OR_RETURN(size_t size, decode(entries, pos, layout_, entry));
    if (size == 0) return Status::io("dedup sign: a cut-short entry");
    ++footer_.positions;
    if (!entry.malformed) ++footer_.records;
    footer_.fingerprint = fold_fingerprint(footer_.fingerprint, entry.line_hash);
    pos += size;
  }
  entries_.update(entries);
  return out_->write(entries);
}

Status Writer::commit() {
  std::string footer(kSignEnd, sizeof kSignEnd);
  put(footer, footer_.positions);
  put(footer, footer_.records);
  put(footer, footer_.fingerprint);
  put(footer, entries_.digest());
  put(footer, uint64_t{0});  // room for the checksum, which covers the bytes before it
  const uint64_t checksum = header_checksum(header_, footer);
  std::memcpy(footer.data() + footer.size() - sizeof checksum, &checksum, sizeof checksum);
  DQPREP_RETURN_IF_ERROR(out_->write(footer));
  return out_->commit();
}

Result<std::unique_ptr<Reader>> Reader::open(const std::string& path) {
  std::unique_ptr<Reader> r(new Reader());
  r->path_ = path;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) return Status::io("cannot open " + path + ": " + errno_text());
  struct stat st;
  if (::fstat(r->fd_, &st) != 0) return Status::io("cannot stat " + path + ": " + errno_text());
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  // The header is short; its two strings are read in a second step once their sizes are known.
  std::string head(std::min<uint64_t>(size, 1 << 16), '\0');
  DQPREP_RETURN_IF_ERROR(pread_all(r->fd_, head.data(), head.size(), 0, path));
  if (head.size() < 8 || std::memcmp(head.data(), kSignMagic, 8) != 0) {
    return Status::usage(path + " is not a dqprep signature file (made by `dqprep dedup sign`)");
  }
  Cursor c{head, 8};
  uint32_t version = c.get<uint32_t>();
  if (!c.ok) return damaged(path, "signature", "truncated in its header");
  DQPREP_RETURN_IF_ERROR(check_version(path, "signature", version, "dqprep dedup sign"));
  uint32_t flags = c.get<uint32_t>();
  r->header_.near = flags & kFlagNear;
  r->header_.layout.names = flags & kFlagNames;
  r->header_.layout.sets = flags & kFlagSets;
  r->header_.low_sets = r->header_.layout.sets && !(flags & kFlagHighSets);
  r->header_.layout.keys = c.get<uint32_t>();
  r->header_.params = std::string(c.sized());
  r->header_.shard = std::string(c.sized());
  if (!c.ok) return damaged(path, "signature", "truncated in its header, or its header is damaged");
  const uint64_t begin = c.pos;
  if (size < begin + kFooterSize) return damaged(path, "signature", "truncated: no footer");
  std::string foot(kFooterSize, '\0');
  DQPREP_RETURN_IF_ERROR(pread_all(r->fd_, foot.data(), foot.size(), size - kFooterSize, path));
  if (std::memcmp(foot.data(), kSignEnd, 8) != 0) return damaged(path, "signature", "truncated: no footer");
  Cursor f{foot, 8};
  r->footer_.positions = f.get<uint64_t>();
  r->footer_.records = f.get<uint64_t>();
  r->footer_.fingerprint = f.get<uint64_t>();
  r->entries_checksum_ = f.get<uint64_t>();
  if (f.get<uint64_t>() != header_checksum(std::string_view(head).substr(0, begin), foot)) {
    return damaged(path, "signature", "the checksum of its header and footer does not match");
  }
  r->end_ = size - kFooterSize;
  r->file_pos_ = begin;
  return r;
}

Reader::~Reader() {
  if (fd_ >= 0) ::close(fd_);
}

Status Reader::fill() {
  buffer_.erase(0, pos_);
  file_pos_ += pos_;
  pos_ = 0;
  const uint64_t have_until = file_pos_ + buffer_.size();
  const size_t want = std::max<size_t>(1 << 20, buffer_.size());  // at least double: an entry may be large
  const size_t n = static_cast<size_t>(std::min<uint64_t>(want, end_ - have_until));
  const size_t old = buffer_.size();
  buffer_.resize(old + n);
  DQPREP_RETURN_IF_ERROR(pread_all(fd_, buffer_.data() + old, n, have_until, path_));
  entries_.update(std::string_view(buffer_).substr(old));
  return {};
}

Result<bool> Reader::next(Entry& entry, uint64_t& set_offset) {
  while (true) {
    Result<size_t> size = decode(buffer_, pos_, header_.layout, entry);
    if (!size.ok()) {
      return damaged(path_, "signature",
                     size.status().message() + " at offset " + std::to_string(file_pos_ + pos_));
    }
    if (*size > 0) {
      set_offset = file_pos_ + entry.set_at;
      pos_ += *size;
      return true;
    }
    if (file_pos_ + buffer_.size() >= end_) {
      if (pos_ < buffer_.size()) return damaged(path_, "signature", "the last entry is cut short");
      if (entries_.digest() != entries_checksum_) {
        return damaged(path_, "signature", "the checksum of its entries does not match");
      }
      return false;
    }
    DQPREP_RETURN_IF_ERROR(fill());
  }
}

std::string encode_cluster_file(const ClusterFile& file) {
  std::string out(kClusterMagic, sizeof kClusterMagic);
  put(out, kVersion);
  put_bytes(out, file.params);
  put<uint32_t>(out, static_cast<uint32_t>(file.shards.size()));
  for (const ShardPlan& shard : file.shards) {
    put_bytes(out, shard.name);
    put(out, shard.footer.positions);
    put(out, shard.footer.records);
    put(out, shard.footer.fingerprint);
    put<uint64_t>(out, shard.malformed.size());
    for (const auto& [position, message] : shard.malformed) {
      put(out, position);
      put_bytes(out, message);
    }
    put<uint64_t>(out, shard.members.size());
    for (const dup_groups::Member& m : shard.members) {
      put(out, m.index);
      put(out, m.group);
      put(out, m.kept);
    }
  }
  put<uint64_t>(out, file.names.size());
  for (const std::string& name : file.names) put_bytes(out, name);
  out.append(kClusterEnd, sizeof kClusterEnd);
  put(out, hash::xxh3_64(out));
  return out;
}

Result<ClusterFile> read_cluster_file(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::string bytes, io::read_bytes(path));
  return decode_cluster_file(bytes, path);
}

Result<ClusterFile> decode_cluster_file(std::string_view bytes, const std::string& path) {
  std::string_view data = bytes;
  if (data.size() < 8 || std::memcmp(data.data(), kClusterMagic, 8) != 0) {
    return Status::usage(path + " is not a dqprep cluster file (made by `dqprep dedup cluster`)");
  }
  Cursor c{data, 8};
  uint32_t version = c.get<uint32_t>();
  if (!c.ok) return damaged(path, "cluster", "truncated in its header");
  DQPREP_RETURN_IF_ERROR(check_version(path, "cluster", version, "dqprep dedup cluster"));
  uint64_t checksum = 0;
  if (data.size() < c.pos + sizeof checksum) return damaged(path, "cluster", "truncated");
  std::memcpy(&checksum, data.data() + data.size() - sizeof checksum, sizeof checksum);
  data.remove_suffix(sizeof checksum);
  if (checksum != hash::xxh3_64(data)) return damaged(path, "cluster", "its checksum does not match");
  c.data = data;

  ClusterFile file;
  file.params = std::string(c.sized());
  uint32_t shards = c.get<uint32_t>();
  for (uint32_t s = 0; s < shards && c.ok; ++s) {
    ShardPlan shard;
    shard.name = std::string(c.sized());
    shard.footer.positions = c.get<uint64_t>();
    shard.footer.records = c.get<uint64_t>();
    shard.footer.fingerprint = c.get<uint64_t>();
    uint64_t malformed = c.get<uint64_t>();
    for (uint64_t k = 0; k < malformed && c.ok; ++k) {
      uint64_t position = c.get<uint64_t>();
      shard.malformed.emplace_back(position, std::string(c.sized()));
    }
    uint64_t members = c.get<uint64_t>();
    if (c.ok && members > (data.size() - c.pos) / 16) c.ok = false;
    if (c.ok) shard.members.reserve(members);
    for (uint64_t k = 0; k < members && c.ok; ++k) {
      dup_groups::Member m;
      m.index = c.get<uint64_t>();
      m.group = c.get<uint32_t>();
      m.kept = c.get<uint32_t>();
      shard.members.push_back(m);
    }
    file.shards.push_back(std::move(shard));
  }
  uint64_t names = c.get<uint64_t>();
  for (uint64_t k = 0; k < names && c.ok; ++k) file.names.emplace_back(c.sized());
  std::string_view end = c.bytes(8);
  if (!c.ok || std::memcmp(end.data(), kClusterEnd, 8) != 0 || c.pos != data.size()) {
    return damaged(path, "cluster", "its content does not decode");
  }
  for (const ShardPlan& shard : file.shards) {
    for (const dup_groups::Member& m : shard.members) {
      if (m.group >= file.names.size()) return damaged(path, "cluster", "a member of an unknown group");
    }
  }
  return file;
}

}  // namespace dqprep::signature_file
