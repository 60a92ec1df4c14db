#include "single_byte_codecs.hpp"

#include <iconv.h>
#include <utf8proc.h>

#include <algorithm>
#include <cerrno>

namespace dqprep::text::detail {

namespace {

struct CodecSpec {
  CodecId id;
  const char* name;   // ftfy's name
  const char* iconv;  // glibc's; nullptr for Latin-1, the identity
  bool sloppy;
};

constexpr CodecSpec kSpecs[] = {
    {CodecId::latin1, "latin-1", nullptr, false},
    {CodecId::windows1252, "sloppy-windows-1252", "CP1252", true},
    {CodecId::windows1251, "sloppy-windows-1251", "CP1251", true},
    {CodecId::windows1250, "sloppy-windows-1250", "CP1250", true},
    {CodecId::windows1253, "sloppy-windows-1253", "CP1253", true},
    {CodecId::windows1254, "sloppy-windows-1254", "CP1254", true},
    {CodecId::windows1257, "sloppy-windows-1257", "CP1257", true},
    {CodecId::iso8859_2, "iso-8859-2", "ISO-8859-2", false},
    {CodecId::macroman, "macroman", "MACINTOSH", false},
    {CodecId::cp437, "cp437", "IBM437", false},
};

// The character of each byte in `charset`, 0xFFFFFFFF where iconv finds none.
Result<std::array<char32_t, 256>> iconv_table(const char* charset) {
  iconv_t cd = iconv_open("UTF-32LE", charset);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Status::io(std::string("--fix-mojibake: iconv cannot convert from ") + charset +
                      " (glibc's gconv modules are missing?)");
  }
  std::array<char32_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    char in = static_cast<char>(b);
    unsigned char out[8] = {};
    char* in_p = &in;
    char* out_p = reinterpret_cast<char*>(out);
    size_t in_left = 1, out_left = sizeof out;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset the state
    size_t r = iconv(cd, &in_p, &in_left, &out_p, &out_left);
    if (r == static_cast<size_t>(-1) || in_left != 0 || sizeof out - out_left != 4) {
      table[b] = 0xFFFFFFFF;
    } else {
      table[b] = char32_t(out[0]) | (char32_t(out[1]) << 8) | (char32_t(out[2]) << 16) | (char32_t(out[3]) << 24);
    }
  }
  iconv_close(cd);
  return table;
}

}  // namespace

Result<std::vector<SingleByteCodec>> build_codecs() {
  std::vector<SingleByteCodec> all;
  for (const CodecSpec& spec : kSpecs) {
    SingleByteCodec c;
    c.id_ = spec.id;
    c.name_ = spec.name;
    c.sloppy_ = spec.sloppy;
    if (spec.iconv == nullptr) {
      for (int b = 0; b < 256; ++b) c.decode_[b] = static_cast<char32_t>(b);
    } else {
      DQPREP_ASSIGN_OR_RETURN(auto table, iconv_table(spec.iconv));
      for (int b = 0; b < 256; ++b) {
        if (table[b] != 0xFFFFFFFF) {
          c.decode_[b] = table[b];
        } else if (spec.sloppy) {
          c.decode_[b] = static_cast<char32_t>(b);
        } else {
          return Status::io(std::string("--fix-mojibake: iconv's ") + spec.iconv + " has no character for byte " +
                            std::to_string(b));
        }
      }
    }
    if (spec.id == CodecId::macroman) {
      c.decode_[0xC6] = 0x2206;
      c.decode_[0xF0] = 0xF8FF;
    }
    if (spec.sloppy) c.decode_[0x1A] = 0xFFFD;
    for (int b = 0; b < 256; ++b) {
      if (c.decode_[b] >= 0x80) c.high_.emplace_back(c.decode_[b], static_cast<uint8_t>(b));
    }
    std::sort(c.high_.begin(), c.high_.end());
    all.push_back(std::move(c));
  }
  return all;
}

Result<const std::vector<SingleByteCodec>*> codecs() {
  static const Result<std::vector<SingleByteCodec>> built = build_codecs();
  if (!built.ok()) return built.status();
  return &*built;
}

int SingleByteCodec::byte_of(char32_t cp) const {
  if (cp < 0x80) {
    if (decode_[cp] != cp) return -1;  // 0x1A of a sloppy codec
    return static_cast<int>(cp);
  }
  auto it = std::lower_bound(high_.begin(), high_.end(), std::pair<char32_t, uint8_t>(cp, 0));
  if (it == high_.end() || it->first != cp) return -1;
  return it->second;
}

bool SingleByteCodec::encode(std::string_view utf8, std::string& out) const {
  size_t i = 0;
  while (i < utf8.size()) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      if (sloppy_ && c == 0x1A) return false;
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data() + i),
                              static_cast<utf8proc_ssize_t>(utf8.size() - i), &cp);
    if (n <= 0) return false;
    int b = byte_of(static_cast<char32_t>(cp));
    if (b < 0) return false;
    out.push_back(static_cast<char>(b));
    i += static_cast<size_t>(n);
  }
  return true;
}

bool SingleByteCodec::can_encode(std::string_view utf8) const {
  size_t i = 0;
  while (i < utf8.size()) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      if (sloppy_ && c == 0x1A) return false;
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data() + i),
                              static_cast<utf8proc_ssize_t>(utf8.size() - i), &cp);
    if (n <= 0 || byte_of(static_cast<char32_t>(cp)) < 0) return false;
    i += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace dqprep::text::detail
