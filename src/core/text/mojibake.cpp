#include "dqprep/text/mojibake.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <vector>

#include "mojibake_heuristic.hpp"
#include "single_byte_codecs.hpp"

namespace dqprep::text {

namespace {

using detail::CodecId;
using detail::SingleByteCodec;

// How deep the repair of a part (step 2) may recurse: a part is repaired as a whole text, whose
// own parts are shorter still. Real text needs one level.
constexpr int kMaxPartDepth = 4;

const std::vector<SingleByteCodec>* codec_list() {
  Result<const std::vector<SingleByteCodec>*> r = detail::codecs();
  return r.ok() ? *r : nullptr;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

inline uint8_t at(std::string_view s, size_t i) { return i < s.size() ? static_cast<uint8_t>(s[i]) : 0; }
inline bool is_cont(uint8_t b) { return b >= 0x80 && b <= 0xBF; }

void append_utf8(char32_t cp, std::string& out) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// ---- byte repairs before decoding ------------------------------------------------------------

// A continuation byte other than 0x85 and 0xA0: after a space that may have been 0xA0, the
// sequences ftfy trusts.
inline bool is_plain_cont(uint8_t b) { return is_cont(b) && b != 0x85 && b != 0xA0; }

// The length of a UTF-8 sequence at bytes[i] whose 0xA0 became a space (ftfy's ALTERED_UTF8_RE),
// or 0. Only lead bytes that give likely characters: C2 (NBSP), C3 (a-grave), C5 (S-caron), CE
// (Greek Pi), D0 (Cyrillic ER), D9 (Arabic-Indic zero); E0-E3; F0.
size_t altered_sequence(std::string_view bytes, size_t i) {
  const uint8_t c = at(bytes, i), b1 = at(bytes, i + 1), b2 = at(bytes, i + 2), b3 = at(bytes, i + 3);
  if ((c == 0xC2 || c == 0xC3 || c == 0xC5 || c == 0xCE || c == 0xD0 || c == 0xD9) && b1 == ' ') return 2;
  if ((c == 0xE2 || c == 0xE3) && b1 == ' ' && is_plain_cont(b2)) return 3;
  if (c >= 0xE0 && c <= 0xE3 && is_plain_cont(b1) && b2 == ' ') return 3;
  if (c == 0xF0) {
    if (b1 == ' ' && is_cont(b2) && is_cont(b3)) return 4;
    if (is_cont(b1) && b2 == ' ' && is_cont(b3)) return 4;
    if (is_cont(b1) && is_cont(b2) && b3 == ' ') return 4;
  }
  return 0;
}

bool has_altered_sequence(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size(); ++i)
    if (altered_sequence(bytes, i)) return true;
  return false;
}

// "Ã " standing alone is "à " whose NBSP became a space ("Ã la mode"): keep the space, add the
// byte. Not before the Portuguese "às", "àquele", "àquela", "àquilo", nor before a second space.
bool a_grave_word(std::string_view bytes, size_t i) {
  if (at(bytes, i) != 0xC3 || at(bytes, i + 1) != ' ') return false;
  std::string_view rest = bytes.substr(i + 2);
  for (std::string_view exception : {" ", "quele", "quela", "quilo", "s "})
    if (rest.substr(0, exception.size()) == exception) return false;
  return true;
}

// ftfy's restore_byte_a0: the spaces inside altered sequences back to 0xA0.
void restore_byte_a0(std::string& bytes, std::string& scratch) {
  scratch.clear();
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (a_grave_word(bytes, i)) {
      scratch += "\xC3\xA0 ";
      ++i;
    } else {
      scratch.push_back(bytes[i]);
    }
  }
  bytes.clear();
  for (size_t i = 0; i < scratch.size();) {
    size_t n = altered_sequence(scratch, i);
    if (n == 0) {
      bytes.push_back(scratch[i++]);
      continue;
    }
    for (size_t k = 0; k < n; ++k) bytes.push_back(scratch[i + k] == ' ' ? '\xA0' : scratch[i + k]);
    i += n;
  }
}

// The length of a UTF-8 (or CESU-8) sequence at bytes[i] that lost a byte to U+FFFD (byte 0x1A
// of a sloppy codec), or an ASCII '?' in its place at most once (ftfy's LOSSY_UTF8_RE), or 0.
size_t lossy_sequence(std::string_view bytes, size_t i) {
  const uint8_t c = at(bytes, i), b1 = at(bytes, i + 1), b2 = at(bytes, i + 2), b3 = at(bytes, i + 3),
                b4 = at(bytes, i + 4), b5 = at(bytes, i + 5);
  auto lost = [](uint8_t b) { return b == 0x1A; };
  auto lost_or_q = [](uint8_t b) { return b == 0x1A || b == '?'; };
  auto lost_or_cont = [](uint8_t b) { return b == 0x1A || is_cont(b); };
  auto any = [](uint8_t b) { return b == 0x1A || b == '?' || is_cont(b); };
  if (c >= 0xC2 && c <= 0xDF && lost(b1)) return 2;
  if ((c == 0xC2 || c == 0xC3) && b1 == '?') return 2;
  if (c == 0xED && b1 >= 0xA0 && b1 <= 0xAF && b3 == 0xED && b4 >= 0xB0 && b4 <= 0xBF) {
    if (lost_or_q(b2) && any(b5)) return 6;
    if (any(b2) && lost_or_q(b5)) return 6;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (lost_or_q(b1) && lost_or_cont(b2)) return 3;
    if (lost_or_cont(b1) && lost_or_q(b2)) return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (lost_or_q(b1) && lost_or_cont(b2) && lost_or_cont(b3)) return 4;
    if (lost_or_cont(b1) && lost_or_q(b2) && lost_or_cont(b3)) return 4;
    if (lost_or_cont(b1) && lost_or_cont(b2) && lost_or_q(b3)) return 4;
  }
  if (lost(c)) return 1;
  return 0;
}

void replace_lossy_sequences(std::string& bytes, std::string& scratch) {
  scratch.clear();
  for (size_t i = 0; i < bytes.size();) {
    size_t n = lossy_sequence(bytes, i);
    if (n == 0) {
      scratch.push_back(bytes[i++]);
    } else {
      scratch += "\xEF\xBF\xBD";
      i += n;
    }
  }
  bytes.swap(scratch);
}

// ---- decoding --------------------------------------------------------------------------------

// The length of a well-formed UTF-8 sequence at bytes[i] (no overlong, surrogate or code point
// above U+10FFFF), or 0.
size_t utf8_sequence(std::string_view bytes, size_t i) {
  const uint8_t c = at(bytes, i), b1 = at(bytes, i + 1), b2 = at(bytes, i + 2), b3 = at(bytes, i + 3);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return is_cont(b1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return b1 >= lo && b1 <= hi && is_cont(b2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return b1 >= lo && b1 <= hi && is_cont(b2) && is_cont(b3) ? 4 : 0;
  }
  return 0;
}

// ftfy's "utf-8-variants": UTF-8, plus CESU-8 (a UTF-16 surrogate pair as two 3-byte sequences)
// and Java's C0 80 for U+0000. False when `bytes` are not that.
bool decode_utf8_variants(std::string_view bytes, std::string& out) {
  out.clear();
  for (size_t i = 0; i < bytes.size();) {
    const uint8_t c = at(bytes, i);
    if (c == 0xC0 && at(bytes, i + 1) == 0x80) {
      out.push_back('\0');
      i += 2;
      continue;
    }
    if (c == 0xED && i + 6 <= bytes.size()) {
      const uint8_t b1 = at(bytes, i + 1), b2 = at(bytes, i + 2), b4 = at(bytes, i + 4), b5 = at(bytes, i + 5);
      if (b1 >= 0xA0 && b1 <= 0xAF && is_cont(b2) && at(bytes, i + 3) == 0xED && b4 >= 0xB0 && b4 <= 0xBF &&
          is_cont(b5)) {
        char32_t cp = 0x10000 + (char32_t(b1 & 0x0F) << 16) + (char32_t(b2 & 0x3F) << 10) +
                      (char32_t(b4 & 0x0F) << 6) + (b5 & 0x3F);
        append_utf8(cp, out);
        i += 6;
        continue;
      }
    }
    size_t n = utf8_sequence(bytes, i);
    if (n == 0) return false;
    out.append(bytes.substr(i, n));
    i += n;
  }
  return true;
}

// ---- parts of a text: UTF-8 spelled in single-byte characters ----------------------------------

// The characters that bytes of UTF-8 become in Latin-1 and the Windows codecs (ftfy's UTF8_CLUES,
// derived here from the codec tables).
struct Utf8Clues {
  std::vector<char32_t> lead2, lead3, lead4, cont, cont_strict;  // sorted

  static bool has(const std::vector<char32_t>& set, char32_t cp) {
    return std::binary_search(set.begin(), set.end(), cp);
  }
};

Utf8Clues build_clues(const std::vector<SingleByteCodec>& codecs) {
  Utf8Clues k;
  for (const SingleByteCodec& c : codecs) {
    if (c.id() == CodecId::iso8859_2 || c.id() == CodecId::macroman || c.id() == CodecId::cp437) continue;
    for (int b = 0xC2; b <= 0xDF; ++b) k.lead2.push_back(c.decode(static_cast<uint8_t>(b)));
    for (int b = 0xE0; b <= 0xEF; ++b) k.lead3.push_back(c.decode(static_cast<uint8_t>(b)));
    // F1, F2 and F4 lead only to unassigned and private-use planes.
    k.lead4.push_back(c.decode(0xF0));
    k.lead4.push_back(c.decode(0xF3));
    for (int b = 0x80; b <= 0xBF; ++b) {
      k.cont.push_back(static_cast<char32_t>(b));
      k.cont.push_back(c.decode(static_cast<uint8_t>(b)));
    }
  }
  k.cont.push_back(' ');  // for 0xA0
  // Continuation characters that stand for themselves next to mojibake: a part is not started
  // right after one of the others, so that a few characters of a larger garble are not "repaired".
  const char32_t loose[] = {' ', 0x2013, 0x2014, 0x2015, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026};
  for (auto* set : {&k.lead2, &k.lead3, &k.lead4, &k.cont}) {
    std::sort(set->begin(), set->end());
    set->erase(std::unique(set->begin(), set->end()), set->end());
  }
  for (char32_t cp : k.cont)
    if (std::find(std::begin(loose), std::end(loose), cp) == std::end(loose)) k.cont_strict.push_back(cp);
  return k;
}

const Utf8Clues& clues(const std::vector<SingleByteCodec>& codecs) {
  static const Utf8Clues k = build_clues(codecs);
  return k;
}

struct CodePoint {
  char32_t cp;
  size_t offset;
};

void decode_all(std::string_view s, std::vector<CodePoint>& out) {
  out.clear();
  for (size_t i = 0; i < s.size();) {
    utf8proc_int32_t cp = 0xFFFD;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) n = 1;
    out.push_back({static_cast<char32_t>(cp), i});
    i += static_cast<size_t>(n);
  }
}

// The end of the run of UTF-8-looking units from cps[pos], or pos when there is none.
size_t utf8_run_end(const std::vector<CodePoint>& cps, size_t pos, const Utf8Clues& k) {
  const size_t n = cps.size();
  auto cont = [&](size_t j, size_t count) {
    if (j + count > n) return false;
    for (size_t m = j; m < j + count; ++m)
      if (!Utf8Clues::has(k.cont, cps[m].cp)) return false;
    return true;
  };
  size_t p = pos;
  while (p < n) {
    char32_t cp = cps[p].cp;
    if (Utf8Clues::has(k.lead2, cp) && cont(p + 1, 1)) {
      p += 2;
    } else if (Utf8Clues::has(k.lead3, cp) && cont(p + 1, 2)) {
      p += 3;
    } else if (Utf8Clues::has(k.lead4, cp) && cont(p + 1, 3)) {
      p += 4;
    } else {
      break;
    }
  }
  return p;
}

bool fix_segment(std::string_view in, std::string& out, int depth);

// ftfy's decode_inconsistent_utf8: each run that looks like mojibake by itself, repaired alone.
// `found` tells whether there was any run at all.
void fix_parts(std::string_view text, const Utf8Clues& k, int depth, std::string& out, bool& found) {
  std::vector<CodePoint> cps;
  decode_all(text, cps);
  out.clear();
  found = false;
  size_t copied = 0;
  std::string part;
  for (size_t pos = 0; pos < cps.size();) {
    if (pos > 0 && Utf8Clues::has(k.cont_strict, cps[pos - 1].cp)) {
      ++pos;
      continue;
    }
    size_t end = utf8_run_end(cps, pos, k);
    if (end == pos) {
      ++pos;
      continue;
    }
    found = true;
    size_t from = cps[pos].offset, to = end < cps.size() ? cps[end].offset : text.size();
    std::string_view run = text.substr(from, to - from);
    out.append(text.substr(copied, from - copied));
    if (run.size() < text.size() && depth < kMaxPartDepth && detail::looks_like_mojibake(run)) {
      fix_segment(run, part, depth + 1);
      out += part;
    } else {
      out.append(run);
    }
    copied = to;
    pos = end;
  }
  out.append(text.substr(copied));
}

bool has_c1(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i)
    if (static_cast<uint8_t>(s[i]) == 0xC2 && static_cast<uint8_t>(s[i + 1]) >= 0x80 &&
        static_cast<uint8_t>(s[i + 1]) <= 0x9F)
      return true;
  return false;
}

// C1 controls as the Windows-1252 characters of their bytes, where it has one.
void fix_c1_controls(std::string_view s, const SingleByteCodec& windows1252, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (static_cast<uint8_t>(s[i]) == 0xC2 && i + 1 < s.size() && static_cast<uint8_t>(s[i + 1]) >= 0x80 &&
        static_cast<uint8_t>(s[i + 1]) <= 0x9F) {
      append_utf8(windows1252.decode(static_cast<uint8_t>(s[i + 1])), out);
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
}

// Whether a and b differ only in spaces.
bool same_but_spaces(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && a[i] == ' ') ++i;
    while (j < b.size() && b[j] == ' ') ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (a[i++] != b[j++]) return false;
  }
}

// One round of the repair (ftfy's _fix_encoding_one_step_and_explain): `out` is the text after
// it, equal to `text` when the round found nothing to do.
void repair_round(std::string_view text, const std::vector<SingleByteCodec>& codecs, int depth, std::string& out) {
  out.assign(text);
  if (text.empty() || is_ascii(text) || !detail::looks_like_mojibake(text)) return;

  std::string bytes, scratch, decoded;
  for (const SingleByteCodec& codec : codecs) {
    bytes.clear();
    if (!codec.encode(text, bytes)) continue;
    // MacRoman has its en dash at 0xD0: "– " would read as a Cyrillic letter.
    bool restored = false;
    if (codec.id() != CodecId::macroman && has_altered_sequence(bytes)) {
      restore_byte_a0(bytes, scratch);
      restored = true;
    }
    if (codec.sloppy()) replace_lossy_sequences(bytes, scratch);
    if (!decode_utf8_variants(bytes, decoded)) continue;
    // "Р " in Windows-1251 is D0 20, which with the A0 put back is "Р" again: a round that only
    // takes spaces away repairs nothing (and would take one more each round).
    if (restored && same_but_spaces(text, decoded)) continue;
    out.swap(decoded);
    return;
  }

  bool found = false;
  fix_parts(text, clues(codecs), depth, decoded, found);
  if (found && decoded != text) {
    out.swap(decoded);
    return;
  }

  if (has_c1(text)) fix_c1_controls(text, codecs[static_cast<size_t>(CodecId::windows1252)], out);
}

bool fix_segment(std::string_view in, std::string& out, int depth) {
  const std::vector<SingleByteCodec>* codecs = codec_list();
  out.assign(in);
  if (codecs == nullptr) return false;
  std::string next;
  for (int round = 0; round < kMaxMojibakeRounds; ++round) {
    repair_round(out, *codecs, depth, next);
    if (next == out) break;
    out.swap(next);
  }
  return out != in;
}

}  // namespace

Status prepare_mojibake_repair() { return detail::codecs().status(); }

bool fix_mojibake(std::string_view in, std::string& out) {
  out.clear();
  if (is_ascii(in)) {
    out.assign(in);
    return false;
  }
  bool changed = false;
  std::string fixed;
  size_t start = 0;
  while (start < in.size()) {
    size_t nl = in.find('\n', start);
    size_t end = nl == std::string_view::npos ? in.size() : nl + 1;
    std::string_view line = in.substr(start, end - start);
    if (!is_ascii(line) && fix_segment(line, fixed, 0)) {
      out += fixed;
      changed = true;
    } else {
      out.append(line);
    }
    start = end;
  }
  return changed;
}

}  // namespace dqprep::text
