// The "badness" heuristic of ftfy 6 (Robyn Speer, Apache License 2.0; rspeer/python-ftfy,
// ftfy/badness.py), written out again for RE2. ftfy sorts the few hundred characters that UTF-8
// mojibake produces (in the codecs of single_byte_codecs.hpp) into classes, and lists the
// juxtapositions of classes that intended text does not make. Only whether anything matches is
// asked, so the order of the rules does not matter.
#include "mojibake_heuristic.hpp"

#include <re2/re2.h>

#include <string>
#include <vector>

namespace dqprep::text::detail {

namespace {

// The classes, as the inside of an RE2 character class. \x{..} keeps the source ASCII.

// C1 controls: unused outside mojibake nowadays.
const std::string kC1 = R"(\x{80}-\x{9F})";
// Common on their own; mojibake only next to other clues: NBSP, soft hyphen, middle dot, acute,
// en and em dash, horizontal bar, ellipsis, right single quote.
const std::string kCommon = R"(\x{A0}\x{AD}\x{B7}\x{B4}\x{2013}\x{2014}\x{2015}\x{2026}\x{2019})";
// Nearly always mojibake: broken bar, currency sign, diaeresis, not sign, macron, cedilla, f with
// hook, modifier circumflex, caron, breve, ogonek, small tilde, daggers, per mille, reversed not
// sign, lozenge, U+FFFD, ordinal indicators.
const std::string kBad =
    R"(\x{A6}\x{A4}\x{A8}\x{AC}\x{AF}\x{B8}\x{192}\x{2C6}\x{2C7}\x{2D8}\x{2DB}\x{2DC}\x{2020}\x{2021}\x{2030})"
    R"(\x{2310}\x{25CA}\x{FFFD}\x{AA}\x{BA})";
const std::string kLaw = R"(\x{B6}\x{A7})";                                   // pilcrow, section
const std::string kCurrency = R"(\x{A2}\x{A3}\x{A5}\x{20A7}\x{20AC})";        // cent pound yen peseta euro
// Opening punctuation and symbols: inverted ! and ?, left guillemets, copyright, Greek tonos,
// opening and low quotes, bullet, U+F8FF (Apple logo).
const std::string kStartPunct =
    R"(\x{A1}\x{AB}\x{BF}\x{A9}\x{384}\x{385}\x{2018}\x{201A}\x{201C}\x{201E}\x{2022}\x{2039}\x{F8FF})";
// Closing ones: registered, right guillemets, double acute, closing quote, trade mark.
const std::string kEndPunct = R"(\x{AE}\x{BB}\x{2DD}\x{201D}\x{203A}\x{2122})";
// Superscripts, plus-minus, fractions, times, micro, division, math operators, numero.
const std::string kNumeric =
    R"(\x{B2}\x{B3}\x{B9}\x{B1}\x{BC}\x{BD}\x{BE}\x{D7}\x{B5}\x{F7}\x{2044}\x{2202}\x{2206}\x{220F}\x{2211})"
    R"(\x{221A}\x{221E}\x{2229}\x{222B}\x{2248}\x{2260}\x{2261}\x{2264}\x{2265}\x{2116})";
// Letters that kaomoji use as eyes and mouths, so that may stand in odd company: O and U with
// grave to diaeresis, o and u likewise, o with stroke, O double acute, O and U macron, U ogonek,
// the degree sign.
const std::string kKaomoji = R"(\x{D2}-\x{D6}\x{D9}-\x{DC}\x{F2}-\x{F6}\x{F8}-\x{FC}\x{150}\x{14C}\x{16A}\x{172}\x{B0})";
// Accented capitals of the Latin codecs (not the kaomoji O's and U's, but O with stroke, common in
// Arabic mojibake), and Ukrainian GHE WITH UPTURN.
const std::string kUpperAccented =
    R"(\x{C0}-\x{D1}\x{D8}\x{DC}\x{DD}\x{102}\x{100}\x{104}\x{106}\x{10C}\x{10E}\x{110}\x{118}\x{11A}\x{112})"
    R"(\x{116}\x{11E}\x{122}\x{130}\x{12A}\x{136}\x{139}\x{13D}\x{141}\x{13B}\x{143}\x{147}\x{145}\x{152})"
    R"(\x{158}\x{15A}\x{15E}\x{160}\x{162}\x{164}\x{16E}\x{170}\x{178}\x{179}\x{17B}\x{17D}\x{490})";
const std::string kLowerAccented =
    R"(\x{DF}\x{E0}-\x{F1}\x{103}\x{105}\x{101}\x{107}\x{10D}\x{10F}\x{111}\x{119}\x{11B}\x{113}\x{117})"
    R"(\x{11F}\x{123}\x{12F}\x{12B}\x{137}\x{13A}\x{13E}\x{142}\x{13C}\x{153}\x{155}\x{15B}\x{15F}\x{161})"
    R"(\x{165}\x{FC}\x{17A}\x{17C}\x{17E}\x{491}\x{FB01}\x{FB02})";
// Letters that end words often enough not to count as accented: thorn, Greek and Cyrillic.
const std::string kUpperCommon =
    R"(\x{DE}\x{391}-\x{3A9}\x{386}\x{388}\x{389}\x{38A}\x{38C}\x{38E}\x{38F}\x{3AA}\x{3AB}\x{401}-\x{42F})";
const std::string kLowerCommon = R"(\x{3B1}-\x{3C9}\x{3AC}\x{3AD}\x{3AE}\x{3AF}\x{3B0}\x{430}-\x{45F})";
// Box drawing of CP437 (not the single horizontal line, a kaomoji mouth).
const std::string kBox =
    R"(\x{2502}\x{250C}\x{2510}\x{2518}\x{251C}\x{2524}\x{252C}\x{253C}\x{2550}-\x{256C}\x{2580}\x{2584})"
    R"(\x{2588}\x{258C}\x{2590}-\x{2593})";

// Python's \s and \w on str, which RE2's ASCII \s and \w are not.
const std::string kSpace = R"([\t\n\x{B}\f\r\x{1C}-\x{1F} \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}])";
const std::string kWord = R"([\pL\pN_])";

std::string any_of(std::initializer_list<const std::string*> classes, const std::string& extra = "") {
  std::string s = "[";
  for (const std::string* c : classes) s += *c;
  return s + extra + "]";
}

std::string pattern() {
  const std::string &c1 = kC1, &common = kCommon, &bad = kBad, &law = kLaw, &cur = kCurrency, &start = kStartPunct,
                    &end = kEndPunct, &num = kNumeric, &kao = kKaomoji, &up = kUpperAccented, &low = kLowerAccented,
                    &upc = kUpperCommon, &lowc = kLowerCommon, &box = kBox;
  const std::vector<std::string> rules = {
      any_of({&c1}),
      // A "bad" character next to a letter or symbol of the codecs.
      any_of({&bad, &low, &up, &box, &start, &end, &cur, &num, &law}) + any_of({&bad}),
      "[a-zA-Z]" + any_of({&lowc, &upc}) + any_of({&bad}),
      any_of({&bad}) + any_of({&low, &up, &box, &start, &end, &cur, &num, &law}),
      // An accented capital after a lowercase letter or a symbol.
      any_of({&low, &lowc, &box, &end, &cur, &num}) + any_of({&up}),
      any_of({&box, &end, &cur, &num}) + any_of({&low}),
      any_of({&low, &box, &end}) + any_of({&cur}),
      kSpace + any_of({&up}) + any_of({&cur}),
      any_of({&up, &box}) + any_of({&num, &law}),
      any_of({&low, &up, &box, &cur, &end}) + any_of({&start}) + any_of({&num}),
      any_of({&low, &up, &cur, &num, &box, &law}) + any_of({&end}) + any_of({&start}),
      any_of({&cur, &num, &box}) + any_of({&start}),
      "[a-z]" + any_of({&up}) + any_of({&start, &cur}),
      any_of({&box}) + any_of({&kao}),
      any_of({&low, &up, &cur, &num, &start, &end, &law}) + any_of({&box}),
      any_of({&box}) + any_of({&end}),
      any_of({&low, &up}) + any_of({&start, &end}) + kWord,
      // The ligature oe before anything but an unaccented Latin letter; a degree sign after an
      // accented capital.
      R"([\x{152}\x{153}][^A-Za-z])",
      any_of({&up}) + R"(\x{B0})",
      // Windows-1252 two-character mojibake the classes miss: A circumflex, A tilde, I
      // circumflex, ETH before a continuation byte's character.
      R"([\x{C2}\x{C3}\x{CE}\x{D0}])" +
          any_of({&start, &end}, R"(\x{20AC}\x{153}\x{160}\x{161}\x{A2}\x{A3}\x{178}\x{17E}\x{A0}\x{AD}\x{AE}\x{A9}\x{B0}\x{B7}\x{BB}\x{2013}\x{2014}\x{B4})"),
      R"(\x{D7}[\x{B2}\x{B3}])",
      // Windows-1252 mojibake of Arabic needs the common characters, so four characters.
      R"([\x{D8}\x{D9}])" + any_of({&common, &cur, &bad, &num, &start}, R"(\x{178}\x{160}\x{AE}\x{B0}\x{B5}\x{BB})") +
          R"([\x{D8}\x{D9}])" + any_of({&common, &cur, &bad, &num, &start}, R"(\x{178}\x{160}\x{AE}\x{B0}\x{B5}\x{BB})"),
      // The start of three-byte South Asian letters in Windows-1252.
      R"(\x{E0}[\x{B2}\x{B5}\x{B9}\x{BC}\x{BD}\x{BE}])",
      // MacRoman.
      R"(\x{221A}[\x{B1}\x{2202}\x{2020}\x{2260}\x{AE}\x{2122}\x{B4}\x{2264}\x{2265}\x{A5}\x{B5}\x{F8}])",
      R"(\x{2248}[\x{B0}\x{A2}])",
      R"(\x{201A}\x{C4}[\x{EC}\x{EE}\x{EF}\x{F2}\x{F4}\x{FA}\x{F9}\x{FB}\x{2020}\x{B0}\x{A2}\x{3C0}])",
      R"(\x{201A}[\x{E2}\x{F3}][\x{E0}\x{E4}\x{B0}\x{EA}])",
      // Windows-1251: the U+2000 block ("вЂ"), and three characters of Latin-1 or Cyrillic
      // mojibake; Windows-1251 over Latin-1 over Windows-1252 near a Latin letter.
      R"(\x{432}\x{402})",
      R"([\x{412}\x{413}\x{420}\x{421}])" + any_of({&c1, &bad, &start, &end, &cur}, R"(\x{B0}\x{B5})") +
          R"([\x{412}\x{413}\x{420}\x{421}])",
      R"(\x{413}\x{45E}\x{412}\x{402}\x{412}.[A-Za-z ])",
      // Windows-1252 of a-grave, a-acute and NBSP itself; NBSP turned into a space.
      R"(\x{C3}[\x{A0}\x{A1}])",
      "[a-z]" + kSpace + R"(?[\x{C3}\x{C2}][ ])",
      R"(^[\x{C3}\x{C2}][ ])",
      // A circumflex before the character it was the first byte of.
      any_of({&end}, "a-z.,?!") + R"(\x{C2})" + any_of({&start, &end}, " "),
      // Windows-1253: the U+2000 block, and three characters of Latin-1 or Greek mojibake.
      R"(\x{3B2}\x{20AC}[\x{2122}\x{A0}\x{386}\x{AD}\x{AE}\x{B0}])",
      R"([\x{392}\x{393}\x{39E}\x{39F}])" + any_of({&c1, &bad, &start, &end, &cur}, R"(\x{B0})") +
          R"([\x{392}\x{393}\x{39E}\x{39F}])",
      // Windows-1257: the U+2000 block.
      R"(\x{101}\x{20AC})",
  };
  std::string joined;
  for (const std::string& r : rules) {
    if (!joined.empty()) joined += '|';
    joined += "(?:" + r + ")";
  }
  return joined;
}

const RE2& badness() {
  static const RE2 re = [] {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);
    return RE2(pattern(), o);
  }();
  return re;
}

}  // namespace

bool looks_like_mojibake(std::string_view utf8) { return RE2::PartialMatch(utf8, badness()); }

}  // namespace dqprep::text::detail
