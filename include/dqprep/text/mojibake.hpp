#pragma once
// Repair of mojibake: UTF-8 text that was decoded in a single-byte codec ("cafÃ©" for "café",
// "â€”" for "—", "РґРѕСЂРѕРіРµ" for "дороге"), once or several times.
//
// The algorithm is ftfy's `fix_text` encoding step (Robyn Speer, rspeer/python-ftfy, Apache
// License 2.0), line by line. A line is left alone unless it holds a sequence that correct text
// does not (mojibake_heuristic.cpp). Then, in ftfy's order:
//   1. re-encode the whole line in the first codec that can hold every character of it (Latin-1,
//      Windows-1252, -1251, -1250, -1253, -1254, -1257, ISO-8859-2, MacRoman, CP437; the Windows
//      ones "sloppy": an undefined byte is kept as itself, U+FFFD as byte 0x1A) and decode the
//      bytes as UTF-8, after two byte repairs: a space that stood for byte 0xA0 inside a UTF-8
//      sequence is put back (not for MacRoman), and a sequence whose byte was lost to U+FFFD becomes
//      one U+FFFD (sloppy codecs). CESU-8 surrogate pairs and Java's C0 80 decode too. The first
//      codec whose bytes decode wins;
//   2. else each run of characters that spells UTF-8 in those codecs, is not preceded by such a
//      character, and looks like mojibake on its own, is repaired alone (text mixing correct and
//      mangled parts);
//   3. else C1 controls become the Windows-1252 characters they stand for ("\x93" -> "“").
// and again on the result until nothing changes (a text mangled twice takes two rounds; at most
// kMaxMojibakeRounds). Correct text is never changed: ASCII is skipped at once, and a line the
// heuristic does not flag is not touched.
//
// Measured on ftfy's own test cases (tests/data/ftfy, tests/unit/text/mojibake_test.cpp).

#include <string>
#include <string_view>

#include "dqprep/io/status.hpp"

namespace dqprep::text {

inline constexpr int kMaxMojibakeRounds = 16;

// Builds the codec tables (glibc iconv) once. An io Status when iconv lacks one of the codecs;
// fix_mojibake then changes nothing. Call it before fix_mojibake to report that.
Status prepare_mojibake_repair();

// Writes `in` (valid UTF-8) repaired into `out` (cleared first; `in` must not view `out`). Returns
// whether anything changed. The result is valid UTF-8.
bool fix_mojibake(std::string_view in, std::string& out);

}  // namespace dqprep::text
