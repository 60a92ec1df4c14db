#include "dqprep/io/json_text.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace dqprep::json_text {

TEST(AppendString, EscapesAndKeepsValidUtf8) {
  std::string out;
  append_string(out, "a\"b\\c\n\t\x01 caf\u00e9 \u6570 \U0001F600");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\t\\u0001 caf\u00e9 \u6570 \U0001F600\"");
}

TEST(AppendString, InvalidBytesBecomeReplacementCharacters) {
  std::string out;
  append_string(out, "x\xff y\xc3 z\xed\xa0\x80");  // stray byte, truncated sequence, surrogate
  EXPECT_EQ(out, "\"x\uFFFD y\uFFFD z\uFFFD\uFFFD\uFFFD\"");
}

// The reference: one byte at a time, as JSON (RFC 8259) asks, with U+FFFD for invalid UTF-8.
std::string reference_escape(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '\b') out += "\\b";
    else if (c == '\f') out += "\\f";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) out.push_back(static_cast<char>(c));
    else {
      std::string single;
      append_string(single, s.substr(i, 1));  // non-ASCII: checked by the UTF-8 tests above
      size_t n = 1;
      while (n < 4 && i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
      std::string seq;
      append_string(seq, s.substr(i, n));
      out += seq.substr(1, seq.size() - 2);
      i += n - 1;
    }
  }
  return out + "\"";
}

TEST(AppendString, EightByteFastPathAgreesWithBytewiseEscaping) {
  // Every ASCII byte at every position of a 8-byte word, in runs long enough for the fast path.
  for (int c = 0; c < 0x80; ++c) {
    for (size_t pos = 0; pos < 19; ++pos) {
      std::string s(19, 'a');
      s[pos] = static_cast<char>(c);
      std::string out;
      append_string(out, s);
      EXPECT_EQ(out, reference_escape(s)) << "byte " << c << " at " << pos;
    }
  }
  // Random mixes of plain text, specials and valid multi-byte UTF-8.
  const std::string_view pieces[] = {"plain text ", "\"", "\\", "\n", "\x1f", "\x7f", "caf\u00e9", "\u6570",
                                     "\U0001F600", "0123456789abcdef", " ", "~"};
  uint64_t state = 1;
  for (int k = 0; k < 2000; ++k) {
    std::string s;
    int n = static_cast<int>(state % 40);
    for (int i = 0; i < n; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      s += pieces[(state >> 33) % std::size(pieces)];
    }
    std::string out;
    append_string(out, s);
    EXPECT_EQ(out, reference_escape(s)) << s;
  }
}

// The 16-byte scan of valid UTF-8: every ASCII byte at every position of two blocks and a tail,
// in ASCII text and beside a multi-byte character (both valid: the wide path), and beside an
// invalid byte (the byte loop): the same bytes as the reference.
TEST(AppendString, SixteenByteScanAgreesWithBytewiseEscaping) {
  for (const std::string_view neighbour : {"a", "\u00e9", "\U0001F600", "\xff"}) {
    for (int c = 0; c < 0x80; ++c) {
      for (size_t pos = 0; pos < 40; ++pos) {
        std::string s(40, 'a');
        s[pos] = static_cast<char>(c);
        s.insert(pos < 20 ? 30 : 5, neighbour);
        std::string out;
        append_string(out, s);
        ASSERT_EQ(out, reference_escape(s)) << "byte " << c << " at " << pos;
      }
    }
  }
}

TEST(AppendNumber, ShortestRoundTripAndNonFiniteAsNull) {
  std::string out;
  append_number(out, 0.1);
  out += ",";
  append_number(out, 1e300 * 1e300);
  out += ",";
  append_number(out, int64_t{-42});
  out += ",";
  append_number(out, uint64_t{18446744073709551615ULL});
  EXPECT_EQ(out, "0.1,null,-42,18446744073709551615");
}

}  // namespace dqprep::json_text
