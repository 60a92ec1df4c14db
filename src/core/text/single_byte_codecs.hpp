#pragma once
// Internal to the core: the single-byte codecs that mojibake repair (mojibake.cpp) reverses.
//
// The tables come from glibc's iconv, one call per byte when first used, rather than from tables
// typed by hand: glibc's charmaps are maintained and agree byte for byte with Python's codecs
// (which ftfy uses) for all ten, except two MacRoman bytes where glibc follows an older table:
// 0xC6 and 0xF0 are set to Apple's current mapping (ROMAN.TXT: U+2206 INCREMENT, U+F8FF the
// Apple logo) as in Python. "Sloppy" codecs are ftfy's: a byte the codec leaves undefined decodes
// to the Latin-1 character of the same number, and byte 0x1A stands for U+FFFD (so text holding a
// replacement character can still be re-encoded).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::text::detail {

enum class CodecId : uint8_t {
  latin1,
  windows1252,  // the sloppy ones
  windows1251,
  windows1250,
  windows1253,
  windows1254,
  windows1257,
  iso8859_2,
  macroman,
  cp437,
};

class SingleByteCodec {
 public:
  CodecId id() const { return id_; }
  std::string_view name() const { return name_; }
  bool sloppy() const { return sloppy_; }
  char32_t decode(uint8_t byte) const { return decode_[byte]; }

  // The bytes of `utf8` (valid UTF-8) in this codec, appended to `out`; false (out undefined) when a
  // character has no byte.
  bool encode(std::string_view utf8, std::string& out) const;
  // Whether every character of `utf8` has a byte in this codec.
  bool can_encode(std::string_view utf8) const;
  // The byte of `cp`, or -1.
  int byte_of(char32_t cp) const;

 private:
  friend Result<std::vector<SingleByteCodec>> build_codecs();
  CodecId id_ = CodecId::latin1;
  std::string name_;
  bool sloppy_ = false;
  std::array<char32_t, 256> decode_{};
  std::vector<std::pair<char32_t, uint8_t>> high_;  // code point >= 0x80 (or U+FFFD) -> byte, sorted
};

// The codecs in ftfy's order of trial: latin-1, sloppy windows-1252, -1251, -1250, -1253, -1254,
// -1257, iso-8859-2, macroman, cp437. Built once; an io Status when iconv lacks one of them.
Result<const std::vector<SingleByteCodec>*> codecs();

}  // namespace dqprep::text::detail
