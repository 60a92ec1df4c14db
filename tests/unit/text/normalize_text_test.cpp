#include "dqprep/text/normalize_text.hpp"
#include "dqprep/text/mojibake.hpp"

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "dqprep/util/random.hpp"

namespace dqprep::text {
namespace {

NormalizeOptions only(UnicodeForm form) {
  NormalizeOptions o;
  o.form = form;
  o.fold_whitespace = false;
  o.remove_control = false;
  return o;
}

std::string norm(std::string_view in, const NormalizeOptions& o = {}) {
  std::string out;
  NormalizeCounts counts;
  normalize(in, o, out, counts);
  return out;
}

// `in` with bytes outside printable ASCII as \xHH, for failure messages.
std::string escaped(std::string_view in) {
  static const char* hex = "0123456789ABCDEF";
  std::string e;
  for (unsigned char c : in) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      e += static_cast<char>(c);
    } else {
      e += "\\x";
      e += hex[c >> 4];
      e += hex[c & 15];
    }
  }
  return e;
}

std::string repaired(std::string_view in, size_t* count = nullptr) {
  std::string out;
  size_t n = repair_utf8(in, out);
  if (count) *count = n;
  return out;
}

// ----------------------------------------------------------------------------------------------
// Unicode forms (expected values from Python's unicodedata.normalize)

TEST(NormalizeTextForm, NfcComposesButKeepsCompatibilityCharacters) {
  auto nfc = only(UnicodeForm::nfc);
  EXPECT_EQ(norm("e\u0301", nfc), "\u00E9");
  EXPECT_EQ(norm("\u212B", nfc), "\u00C5");           // ANGSTROM SIGN is a canonical singleton
  EXPECT_EQ(norm("\u1100\u1161\u11A8", nfc), "\uAC01");  // Hangul jamo compose
  EXPECT_EQ(norm("a\u0301\u0316", nfc), "\u00E1\u0316");  // reordered, then composed
  EXPECT_EQ(norm("\uFB01", nfc), "\uFB01");
  EXPECT_EQ(norm("\uFF21\uFF22\uFF23", nfc), "\uFF21\uFF22\uFF23");
}

TEST(NormalizeTextForm, NfkcFoldsCompatibilityCharacters) {
  auto nfkc = only(UnicodeForm::nfkc);
  EXPECT_EQ(norm("\uFB01ne", nfkc), "fine");
  EXPECT_EQ(norm("\uFF21\uFF22\uFF23", nfkc), "ABC");
  EXPECT_EQ(norm("e\u0301", nfkc), "\u00E9");
  EXPECT_EQ(norm("x\u00B2 \u2460", nfkc), "x2 1");
  EXPECT_EQ(norm("\u2026", nfkc), "...");
  EXPECT_EQ(norm("\u00B4", nfkc), " \u0301");
  EXPECT_EQ(norm("caf\u00E9 na\u00EFve \u00C5", nfkc), "caf\u00E9 na\u00EFve \u00C5");
}

TEST(NormalizeTextForm, LongRunsOfMarksAreMadeStreamSafe) {
  // UAX #15: a grapheme joiner (U+034F) before the 31st non-starter in a row; each run is then
  // put in canonical order (U+0316 class 220 before U+0301 class 230) and 'a' takes one U+0301.
  std::string in = "a";
  for (int k = 0; k < 20; ++k) in += "\u0301\u0316";
  std::string expected = "\u00E1";
  for (int k = 0; k < 15; ++k) expected += "\u0316";
  for (int k = 0; k < 14; ++k) expected += "\u0301";
  expected += "\u034F";
  for (int k = 0; k < 5; ++k) expected += "\u0316";
  for (int k = 0; k < 5; ++k) expected += "\u0301";
  auto nfc = only(UnicodeForm::nfc);
  EXPECT_EQ(norm(in, nfc), expected);
  EXPECT_EQ(norm(expected, nfc), expected);
  std::string zalgo = "x";
  for (int k = 0; k < 100000; ++k) zalgo += k % 2 ? "\u0316" : "\u0301";
  EXPECT_EQ(norm(norm(zalgo, nfc), nfc), norm(zalgo, nfc));  // quick: no quadratic sort
}

TEST(NormalizeTextForm, NoneLeavesCharactersAlone) {
  auto none = only(UnicodeForm::none);
  EXPECT_EQ(norm("e\u0301 \uFB01 \uFF21", none), "e\u0301 \uFB01 \uFF21");
}

TEST(NormalizeTextForm, CharacterBeforeAMarkComposesInsideLongerText) {
  // Only pieces around characters that may change go through utf8proc; the character before
  // such a piece belongs to it.
  EXPECT_EQ(norm("The cafe\u0301 and the A\u030Angstr\u00F6m."),
            "The caf\u00E9 and the \u00C5ngstr\u00F6m.");
  EXPECT_EQ(norm("\u0436\u0438\u0306 \u4E2D\u03B1\u0301"), "\u0436\u0439 \u4E2D\u03AC");
  EXPECT_EQ(norm("\u0995\u09C7\u09BE"), "\u0995\u09CB");  // U+09BE: a starter that composes
  EXPECT_EQ(norm("\u4E2D\uAC00\u11A8"), "\u4E2D\uAC01");  // Hangul LV + T
  EXPECT_EQ(norm("\u4E2D\uF900\u0344"), "\u4E2D\u8C48\u0308\u0301");  // canonical singletons
}

// ----------------------------------------------------------------------------------------------
// White space

TEST(NormalizeTextWhitespace, FoldsHorizontalRunsAndTrims) {
  auto o = only(UnicodeForm::none);
  o.fold_whitespace = true;
  EXPECT_EQ(norm("  a \t b\u00A0\u00A0c\u3000d\u2003e\u202Ff  ", o), "a b c d e f");
  EXPECT_EQ(norm("\t\u3000", o), "");
  EXPECT_EQ(norm("", o), "");
  EXPECT_EQ(norm("one two", o), "one two");
}

TEST(NormalizeTextWhitespace, KeepsLinesAndParagraphs) {
  auto o = only(UnicodeForm::none);
  o.fold_whitespace = true;
  EXPECT_EQ(norm("a\r\nb\rc\nd", o), "a\nb\nc\nd");
  EXPECT_EQ(norm("line one   \nline two\t\n", o), "line one\nline two");
  EXPECT_EQ(norm("para one\n\n\n\n\npara two", o), "para one\n\npara two");
  EXPECT_EQ(norm("para one\r\n \r\n\t\r\n  para two", o), "para one\n\n para two");
  EXPECT_EQ(norm("a\n\nb", o), "a\n\nb");
  EXPECT_EQ(norm("a\u2028b\u2029c\u0085d\x0B" "e\x0C" "f", o), "a\nb\n\nc\nd\ne\nf");
  EXPECT_EQ(norm("\n\n  x  \n\n", o), "x");
}

// The folding rules written plainly, on a few kinds of pieces: a reference for the fast scan.
TEST(NormalizeTextWhitespace, AgreesWithPlainReference) {
  struct Piece {
    std::string text;
    int kind;  // 0 other, 1 horizontal, 2 line break, 3 paragraph
  };
  const std::vector<Piece> pieces = {{"a", 0}, {"b", 0}, {"\u00E9", 0}, {"\u4E2D", 0},
                                     {" ", 1}, {"\t", 1}, {"\u3000", 1}, {"\u00A0", 1},
                                     {"\n", 2}, {"\r\n", 2}, {"\r", 2}, {"\u2029", 3}};
  auto o = only(UnicodeForm::none);
  o.fold_whitespace = true;
  Rng rng(99);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string in, expected, pending;
    size_t n = rng.uniform(40);
    int breaks = 0;
    bool space = false, started = false, last_cr = false;
    for (size_t k = 0; k < n; ++k) {
      // Mostly letters, so that runs land at every offset of the 8-byte words.
      const Piece& p =
          rng.bernoulli(0.6) ? pieces[rng.uniform(4)] : pieces[rng.uniform(pieces.size())];
      in += p.text;
      if (p.kind == 0) {
        if (started) {
          if (breaks) expected += std::string(std::min(breaks, 2), '\n');
          if (space) expected += " ";
        }
        expected += p.text;
        started = true;
        breaks = 0;
        space = false;
      } else if (p.kind == 1) {
        space = true;
      } else if (!(p.text == "\n" && last_cr)) {  // "\r" then "\n" is one CRLF
        breaks += p.kind == 3 ? 2 : 1;
        space = false;
      }
      last_cr = p.text == "\r";
    }
    ASSERT_EQ(norm(in, o), expected) << "input: " << escaped(in);
  }
}

TEST(NormalizeTextWhitespace, NfkcSpacesAreFoldedToo) {
  EXPECT_EQ(norm("a\u00A0 \u2009b"), "a b");  // NFKC turns both into ' ' first
}

TEST(NormalizeTextWhitespace, OffKeepsEverything) {
  auto o = only(UnicodeForm::none);
  EXPECT_EQ(norm("  a\r\n\n\n\tb  ", o), "  a\r\n\n\n\tb  ");
}

// ----------------------------------------------------------------------------------------------
// Control and invisible characters

TEST(NormalizeTextControl, RemovesControlsKeepsWhitespaceControls) {
  auto o = only(UnicodeForm::none);
  o.remove_control = true;
  std::string out;
  NormalizeCounts counts;
  normalize(std::string_view("a\x00" "b\x01\x1F\x7F" "c\td\ne\rf", 13), o, out, counts);
  EXPECT_EQ(out, "abc\td\ne\rf");
  EXPECT_EQ(counts.controls_removed, 4u);
  EXPECT_EQ(norm("x\u0080\u009Fy\u0085z", o), "xy\u0085z");  // C1 gone, NEL is white space
}

TEST(NormalizeTextControl, RemovesZeroWidthSoftHyphenAndBidi) {
  auto o = only(UnicodeForm::none);
  o.remove_control = true;
  EXPECT_EQ(norm("\uFEFFzero\u200Bwidth\u2060joiner", o), "zerowidthjoiner");
  EXPECT_EQ(norm("co\u00ADoperate", o), "cooperate");
  EXPECT_EQ(norm("\u202Eevil\u202C \u2066iso\u2069 \u200Emark\u200F \u061C", o),
            "evil iso mark ");
}

TEST(NormalizeTextControl, RemovalLetsMarksCompose) {
  EXPECT_EQ(norm("e\u200B\u0301"), "\u00E9");
}

TEST(NormalizeTextControl, JoinersStayOnlyBetweenNonAsciiCharacters) {
  // Persian "mi-khaham" spells its prefix with ZWNJ; emoji families are ZWJ sequences.
  std::string persian = "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645";
  EXPECT_EQ(norm(persian), persian);
  std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
  EXPECT_EQ(norm(family), family);
  EXPECT_EQ(norm("pass\u200Dword"), "password");
  EXPECT_EQ(norm("\u0645\u200C word \u200D\u0645"), "\u0645 word \u0645");
  EXPECT_EQ(norm("\u200Dstart end\u200C"), "start end");
  EXPECT_EQ(norm("a\u200D\u200D\u0436"), "a\u0436");  // a run is judged as one
  EXPECT_EQ(norm("e\u200D\u0301"), "\u00E9");          // removed, then composed
  EXPECT_EQ(norm("\uFF41\u200D\u0436"), "a\u0436");    // judged after NFKC
}

TEST(NormalizeTextControl, OffKeepsThem) {
  auto o = only(UnicodeForm::none);
  EXPECT_EQ(norm("a\x01\u200Bb", o), "a\x01\u200Bb");
}

// ----------------------------------------------------------------------------------------------
// Invalid UTF-8: examples of the Unicode Standard 15.0 §3.9 (U+FFFD substitution of maximal
// subparts, Tables 3-8 to 3-11); Python's bytes.decode(errors="replace") agrees.

TEST(NormalizeTextUtf8, UnicodeStandardExamples) {
  const std::string F = "\uFFFD";
  const std::string F8 = F + F + F + F + F + F + F + F;
  size_t n = 0;
  EXPECT_EQ(repaired("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", &n),
            "a" + F + F + F + "b" + F + "c" + F + F + "d");
  EXPECT_EQ(n, 6u);
  // Table 3-8: non-shortest forms.
  EXPECT_EQ(repaired("\xC0\xAF\xE0\x80\xBF\xF0\x81\x82\x41", &n), F8 + "A");
  EXPECT_EQ(n, 8u);
  // Table 3-9: surrogates.
  EXPECT_EQ(repaired("\xED\xA0\x80\xED\xBF\xBF\xED\xAF\x41", &n), F8 + "A");
  EXPECT_EQ(n, 8u);
  // Table 3-10: other ill-formed sequences.
  EXPECT_EQ(repaired("\xF4\x91\x92\x93\xFF\x41\x80\xBF\x42", &n),
            F + F + F + F + F + "A" + F + F + "B");
  EXPECT_EQ(n, 7u);
  // Table 3-11: truncated sequences.
  EXPECT_EQ(repaired("\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41", &n), F + F + F + F + "A");
  EXPECT_EQ(n, 4u);
}

TEST(NormalizeTextUtf8, SingleCases) {
  const std::string F = "\uFFFD";
  size_t n = 0;
  EXPECT_EQ(repaired("a\x80" "b", &n), "a" + F + "b");  // lone continuation byte
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(repaired("end\xE2\x82", &n), "end" + F);  // truncated at the end: one subpart
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(repaired("\xC0\x80", &n), F + F);  // overlong NUL
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(repaired("\xF4\x90\x80\x80", &n), F + F + F + F);  // above U+10FFFF
  EXPECT_EQ(n, 4u);
  EXPECT_EQ(repaired("\xED\xA0\x80", &n), F + F + F);  // encoded surrogate
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(repaired("\xE2\x82\xAC \xF0\x9F\x98\x80", &n), "\u20AC \U0001F600");
  EXPECT_EQ(n, 0u);
}

TEST(NormalizeTextUtf8, Validity) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\u00E9\u20AC\U0010FFFF"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("abc\xE2\x82"));
}

TEST(NormalizeTextUtf8, NormalizeRepairsFirstAndCounts) {
  std::string out;
  NormalizeCounts counts;
  EXPECT_TRUE(normalize("ok\xFF\xFE \x80", {}, out, counts));
  EXPECT_EQ(out, "ok\uFFFD\uFFFD \uFFFD");
  EXPECT_EQ(counts.invalid_utf8, 3u);
  EXPECT_EQ(counts.changed, 1u);
  EXPECT_TRUE(is_valid_utf8(out));
}

// ----------------------------------------------------------------------------------------------
// Lowercase (expected values from Python's str.lower)

TEST(NormalizeTextLowercase, FullUnicodeLowercase) {
  EXPECT_EQ(lowercase("Stra\u00DFE"), "stra\u00DFe");  // not case folding: ß stays
  EXPECT_EQ(lowercase("\u00C0\u00C9\u00CE"), "\u00E0\u00E9\u00EE");
  EXPECT_EQ(lowercase("\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3"),
            "\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C2");  // -> οδυσσευς
  EXPECT_EQ(lowercase("\u03A3\u0391\u03A3 \u03A3"), "\u03C3\u03B1\u03C2 \u03C3");
  EXPECT_EQ(lowercase("\u0391\u03A3."), "\u03B1\u03C2.");
  EXPECT_EQ(lowercase("\u0391\u03A3'\u0391"), "\u03B1\u03C3'\u03B1");
  EXPECT_EQ(lowercase("\u0130stanbul"), "i\u0307stanbul");
  EXPECT_EQ(lowercase("\u01C5 \u1F88 \u0416"), "\u01C6 \u1F80 \u0436");
  EXPECT_EQ(lowercase("HELLO World 123"), "hello world 123");
  EXPECT_EQ(lowercase("already lower"), "already lower");
}

TEST(NormalizeTextLowercase, AfterNfkc) {
  NormalizeOptions o;
  o.lowercase = true;
  EXPECT_EQ(norm("\u1D2C\uFF22C \u0130", o), "abc i\u0307");  // ᴬ and Ｂ become capitals first
  EXPECT_EQ(norm("E\u0301COLE", o), "\u00E9cole");
}

// ----------------------------------------------------------------------------------------------
// HTML

NormalizeOptions html() {
  NormalizeOptions o;
  o.strip_html = true;
  return o;
}

TEST(NormalizeTextHtml, RemovesTagsKeepsText) {
  EXPECT_EQ(norm("<div><p>Hello <b>bold <i>it</i></b>!</p></div>", html()), "Hello bold it!");
  EXPECT_EQ(norm("<a href=\"x>y\" title='a>b' data-x=1>link</a> after", html()), "link after");
  EXPECT_EQ(norm("<IMG SRC=x.png ALT=\"A > B\"/>pic", html()), "pic");
  EXPECT_EQ(norm("x<span class=it's>y</span>z", html()), "xyz");
  EXPECT_EQ(norm("<my-widget>w</my-widget> <o:p>q</o:p>", html()), "w q");
}

TEST(NormalizeTextHtml, DropsScriptStyleAndComments) {
  EXPECT_EQ(norm("a<script type=\"text/javascript\">if (a<b && c>d) x();</script>b", html()),
            "ab");
  EXPECT_EQ(norm("a<STYLE>p > b { color: red }</Style >b", html()), "ab");
  EXPECT_EQ(norm("one<!-- a > b -->two<!---->three<!DOCTYPE html><?xml x?>four", html()),
            "onetwothreefour");
  EXPECT_EQ(norm("kept<script>never closed", html()), "kept");
  EXPECT_EQ(norm("kept<!-- never closed", html()), "kept");
  EXPECT_EQ(norm("<svg viewBox=\"0 0 1 1\"><text>t</text></svg>after", html()), "after");
}

TEST(NormalizeTextHtml, LeavesTextThatIsNotMarkup) {
  EXPECT_EQ(norm("if a < b and c > d", html()), "if a < b and c > d");
  EXPECT_EQ(norm("x<3 and List<String> or <T>", html()), "x<3 and List<String> or <T>");
  EXPECT_EQ(norm("unterminated <b class='x", html()), "unterminated <b class='x");
  EXPECT_EQ(norm("a <b", html()), "a <b");
}

TEST(NormalizeTextHtml, ManyUnclosedTagsStayTextQuickly) {
  std::string in;
  for (int k = 0; k < 50000; ++k) in += "<b <!x <?y ";
  in.pop_back();
  EXPECT_EQ(norm(in, html()), in);  // each '<' used to look for a '>' to the end: quadratic
  std::string cells;
  for (int k = 0; k < 50000; ++k) cells += "<td> ";
  EXPECT_EQ(norm(cells + "x", html()), "x");
}

TEST(NormalizeTextHtml, BlockTagsBreakLines) {
  EXPECT_EQ(norm("<p>one</p><p>two</p>", html()), "one\n\ntwo");
  EXPECT_EQ(norm("a<br>b<BR/>c", html()), "a\nb\nc");
  EXPECT_EQ(norm("<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>", html()), "a\nb");
  EXPECT_EQ(norm("<h1>Title</h1>\n<p>Body</p>", html()), "Title\n\nBody");
  EXPECT_EQ(norm("<tr><td>1</td><td>2</td></tr><tr><td>3</td></tr>", html()), "1 2\n3");
}

TEST(NormalizeTextHtml, DecodesEntities) {
  EXPECT_EQ(norm("&amp; &lt;b&gt; &quot;q&quot; &#39;s&#39;", html()), "& <b> \"q\" 's'");
  EXPECT_EQ(norm("a&nbsp;&nbsp;b", html()), "a b");  // NBSP, NFKC space, folded
  auto nfc = html();
  nfc.form = UnicodeForm::nfc;
  nfc.fold_whitespace = false;
  EXPECT_EQ(norm("a&nbsp;b", nfc), "a\u00A0b");
  EXPECT_EQ(norm("&#x1F600; &#X1f600 &#128512;", html()), "\U0001F600 \U0001F600 \U0001F600");
  EXPECT_EQ(norm("&eacute;t&eacute; &Sigma; &hellip; &CounterClockwiseContourIntegral;", nfc),
            "\u00E9t\u00E9 \u03A3 \u2026 \u2233");
  EXPECT_EQ(norm("&#128; &#150; &#0; &#xD800; &#x110000; &#99999999999;", html()),
            "\u20AC \u2013 \uFFFD \uFFFD \uFFFD \uFFFD");
}

TEST(NormalizeTextHtml, KeepsWhatIsNotAReference) {
  EXPECT_EQ(norm("&foo; &amp AT&T &#; &#x; & ;", html()), "&foo; &amp AT&T &#; &#x; & ;");
}

TEST(NormalizeTextHtml, DecodedMarkupIsNotStrippedAgainAndCounts) {
  std::string out;
  NormalizeCounts counts;
  normalize("<p>&lt;b&gt;bold&lt;/b&gt;</p>", html(), out, counts);
  EXPECT_EQ(out, "<b>bold</b>");
  EXPECT_EQ(counts.html_tags_removed, 2u);
  EXPECT_EQ(counts.html_entities, 4u);
}

TEST(NormalizeTextHtml, OffLeavesMarkup) {
  EXPECT_EQ(norm("<b>x</b> &amp;"), "<b>x</b> &amp;");
}

// ----------------------------------------------------------------------------------------------
// Punctuation

TEST(NormalizeTextPunct, UnifiesQuotesDashesEllipsis) {
  NormalizeOptions o;
  o.unify_punct = true;
  EXPECT_EQ(norm("\u201CHello,\u201D she said \u2018it\u2019s\u2019 \u201Eok\u201F", o),
            "\"Hello,\" she said 'it's' \"ok\"");
  EXPECT_EQ(norm("a\u2013b \u2014 c\u2212d e\u2010f \u2015 \u2E3A", o), "a-b - c-d e-f - -");
  EXPECT_EQ(norm("wait\u2026", o), "wait...");
  EXPECT_EQ(norm("\u00AB Bonjour \u00BB \u2039x\u203A", o), "\" Bonjour \" 'x'");
  EXPECT_EQ(norm("\uFF0D\uFE58\u2011", o), "---");  // via NFKC, then unified
  auto none = only(UnicodeForm::none);
  none.unify_punct = true;
  EXPECT_EQ(norm("wait\u2026 \u2014", none), "wait... -");
}

TEST(NormalizeTextPunct, OffKeepsThem) {
  EXPECT_EQ(norm("\u201Cq\u201D \u2014"), "\u201Cq\u201D \u2014");
}

// ----------------------------------------------------------------------------------------------
// Contract: return value, counts, aliasing, buffer reuse

TEST(NormalizeTextContract, ReturnsWhetherChanged) {
  std::string out = "stale contents";
  NormalizeCounts counts;
  EXPECT_FALSE(normalize("clean text.\n\nSecond paragraph.", {}, out, counts));
  EXPECT_EQ(out, "clean text.\n\nSecond paragraph.");
  EXPECT_TRUE(normalize("  padded  ", {}, out, counts));
  EXPECT_EQ(out, "padded");
  EXPECT_FALSE(normalize("", {}, out, counts));
  EXPECT_EQ(out, "");
  EXPECT_EQ(counts.changed, 1u);
}

TEST(NormalizeTextContract, InputMayViewOutput) {
  std::string s = "  \uFF21  b\u200B  ";
  NormalizeCounts counts;
  EXPECT_TRUE(normalize(s, {}, s, counts));
  EXPECT_EQ(s, "A b");
  std::string t = "xyz";
  EXPECT_FALSE(normalize(std::string_view(t).substr(0, 0), {}, t, counts));
  EXPECT_EQ(t, "");
}

TEST(NormalizeTextContract, CountsAdd) {
  NormalizeCounts a, b;
  a.invalid_utf8 = 2;
  a.changed = 1;
  b.invalid_utf8 = 3;
  b.controls_removed = 4;
  a += b;
  EXPECT_EQ(a.invalid_utf8, 5u);
  EXPECT_EQ(a.changed, 1u);
  EXPECT_EQ(a.controls_removed, 4u);
}

// ----------------------------------------------------------------------------------------------
// Idempotence and the ASCII shortcut

const std::vector<std::string>& varied_inputs() {
  static const std::vector<std::string> inputs = {
      "",
      "Plain ASCII sentence. Another one!",
      "  Leading and trailing  \t spaces  ",
      "Windows\r\nlines\r\rand\n\n\n\nparagraphs \n \n",
      "caf\u00E9 cafe\u0301 \uFB01 \uFF21\uFF22\uFF23 x\u00B2 \u2460 \u00B4x",
      "\u0130STANBUL \u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3 \u1D2C STRA\u00DFE \u1E9E",
      "\u201CQuoted\u201D \u2018single\u2019 en\u2013dash em\u2014dash \u2026 \u00AB fr \u00BB",
      "ctrl\x01\x7F\u0085\u009F zero\u200Bwidth \uFEFFbom \u202Ebidi\u202C soft\u00ADhyphen",
      "joiners a\u200Db \u0645\u200C\u062E \U0001F468\u200D\U0001F469 \u200D \u200D\u200Dx",
      "e\u200B\u0301 \u3000ideographic\u3000space\u00A0nbsp\u2029para\u2028line",
      "\u1100\u1161\u11A8 \u0915\u094D\u200D\u0937 \u0627\u0644\u0639\u0631\u0628\u064A\u0629",
      "bad\xC0\xAF utf8\xED\xA0\x80 \xF0\x9F\x98 end\xE2\x82",
      "\u00B4\u0301 leading mark \u0301",
      "MiXeD CaSe With UPPER and \u00C0\u00C9\u00CE",
      "<p>Hello <b>world</b></p><script>x</script> &eacute; &#x1F600; a < b",
      "\uFF41\u200D\u0436 \u2014\u200D\u0436 \u0436\u200D\u3000 x",
  };
  return inputs;
}

std::vector<NormalizeOptions> option_sets() {
  std::vector<NormalizeOptions> sets;
  for (UnicodeForm form : {UnicodeForm::none, UnicodeForm::nfc, UnicodeForm::nfkc}) {
    for (int bits = 0; bits < 16; ++bits) {
      NormalizeOptions o;
      o.form = form;
      o.fold_whitespace = bits & 1;
      o.remove_control = bits & 2;
      o.lowercase = bits & 4;
      o.unify_punct = bits & 8;
      sets.push_back(o);
    }
  }
  return sets;
}

TEST(NormalizeTextIdempotence, VariedInputsAllOptionSets) {
  for (const auto& o : option_sets()) {
    for (const auto& in : varied_inputs()) {
      std::string once = norm(in, o), twice = norm(once, o);
      EXPECT_EQ(twice, once) << "input: " << escaped(in) << " form " << static_cast<int>(o.form)
                             << " fold " << o.fold_whitespace << " ctrl " << o.remove_control
                             << " lower " << o.lowercase << " punct " << o.unify_punct;
      EXPECT_TRUE(is_valid_utf8(once));
    }
  }
}

TEST(NormalizeTextIdempotence, HtmlWithoutEscapedMarkup) {
  NormalizeOptions o = html();
  o.lowercase = true;
  o.unify_punct = true;
  for (const std::string in :
       {"<div><p>One</p>\n\n<p>Two &amp; three</p></div>", "<ul><li>a</li><li>b</li></ul>",
        "a&nbsp;&nbsp;b &eacute;&#x301; &#128512;", "<td>x</td><td>&#8212;</td>"}) {
    std::string once = norm(in, o);
    EXPECT_EQ(norm(once, o), once) << in;
  }
}

// Random strings drawn from pieces that interact (marks, joiners, spaces, invalid bytes, tags).
std::string random_text(Rng& rng) {
  static const std::vector<std::string> pieces = {
      "a",      "Z",      " ",      "  ",     "\t",     "\n",     "\r\n",   "\r",
      "\u00A0", "\u3000", "\u2029", "\u0085", "\u0301", "\u0316", "e",      "\u00E9",
      "\u200B", "\u200C", "\u200D", "\uFEFF", "\x01",   "\x7F",   "\u0080", "\u00AD",
      "\uFB01", "\uFF21", "\u2460", "\u00B4", "\u2026", "\u2014", "\u201C", "\u2019",
      "\u03A3", "\u0130", "\u1D2C", "\u00DF", "\u1100", "\u1161", "\u11A8", "\u0645",
      "\xC0",   "\x80",   "\xE2\x82", "\xED\xA0\x80", "<b>", "</p>", "&amp;", "&lt;",
      "\U0001F468", ".",  "'",      "<",      "&",      "x\u0308", "\u0436", "\u0438",
      "\u0306", "\u4E2D", "\uAC00", "\u11A8", "\u11A7", "\u09C7", "\u09BE", "\u03B1",
      "\uF900", "\u0344", "\u212A", "\u0915", "\u094D", "\u0F73", "\u1E9B", "\u0323"};
  std::string s;
  size_t n = rng.uniform(24);
  for (size_t k = 0; k < n; ++k) s += pieces[rng.uniform(pieces.size())];
  return s;
}

TEST(NormalizeTextIdempotence, RandomPieces) {
  Rng rng(20240611);
  auto sets = option_sets();
  for (int iter = 0; iter < 3000; ++iter) {
    std::string in = random_text(rng);
    const NormalizeOptions& o = sets[rng.uniform(sets.size())];
    std::string once = norm(in, o), twice = norm(once, o);
    ASSERT_EQ(twice, once) << "input: " << escaped(in) << " form " << static_cast<int>(o.form)
                           << " fold " << o.fold_whitespace << " ctrl " << o.remove_control
                           << " lower " << o.lowercase << " punct " << o.unify_punct;
    ASSERT_TRUE(is_valid_utf8(once)) << escaped(in);
  }
}

// Mojibake repair as a step: before the control characters go (a C1 control is a clue) and
// before NFKC; the result stays idempotent.
TEST(NormalizeTextMojibake, RepairedBeforeTheOtherSteps) {
  ASSERT_TRUE(prepare_mojibake_repair().ok());
  NormalizeOptions o;
  o.fix_mojibake = true;
  NormalizeCounts counts;
  std::string out;
  EXPECT_TRUE(normalize("caf\u00C3\u00A9 \u00E2\u20AC\u0153ok\u00E2\u20AC\u009D", o, out, counts));
  EXPECT_EQ(out, "caf\u00E9 \u201Cok\u201D");
  EXPECT_EQ(counts.mojibake_fixed, 1u);
  o.fix_mojibake = false;
  EXPECT_EQ(norm("caf\u00C3\u00A9", o), "caf\u00C3\u00A9");
  o.fix_mojibake = true;
  o.strip_html = true;
  EXPECT_EQ(norm("caf&Atilde;&copy;", o), "caf\u00E9");  // entities first, as ftfy
}

TEST(NormalizeTextMojibake, IdempotentWithEveryOptionSet) {
  ASSERT_TRUE(prepare_mojibake_repair().ok());
  static const std::vector<std::string> pieces = {
      "a", "e", " ", "\n", "\u00A0", "\u00C3", "\u00C2", "\u00A9", "\u00E2\u20AC", "\u0153", "\u2122",
      "\u0080", "\u009D", "\u00D0", "\u00B5", "\u00D1", "\u0420", "\u0421", "\u0491", "\u221A", "\u00AC",
      "\u00C3\u00A9", "\u00E2\u20AC\u2122", "\u00EF\u00BB\u00BF", "\u251C", "\u00F1", "\u00BC", "\u00B2",
      "\uFFFD", "?", "\u00ED\u00A0\u00BD", "\u0432\u0402", "\u00C3 ", "\uFB01", "\u00E0", "\u00AD"};
  Rng rng(17);
  auto sets = option_sets();
  for (int iter = 0; iter < 4000; ++iter) {
    std::string in;
    size_t n = 1 + rng.uniform(12);
    for (size_t k = 0; k < n; ++k) in += pieces[rng.uniform(pieces.size())];
    NormalizeOptions o = sets[rng.uniform(sets.size())];
    o.fix_mojibake = true;
    std::string once = norm(in, o), twice = norm(once, o);
    ASSERT_EQ(twice, once) << "input: " << escaped(in) << " form " << static_cast<int>(o.form) << " fold "
                           << o.fold_whitespace << " ctrl " << o.remove_control << " lower " << o.lowercase
                           << " punct " << o.unify_punct;
    ASSERT_TRUE(is_valid_utf8(once)) << escaped(in);
  }
}

TEST(NormalizeTextFastPath, SameAsWholeTextThroughUtf8proc) {
  Rng rng(7);
  auto sets = option_sets();
  std::vector<std::string> inputs = varied_inputs();
  for (const std::string ascii :
       {"Simple ASCII.", "  spaced \t out\r\n\n\n text  ", "UPPER lower 123 !@#$%^&*()",
        "ctrl\x01\x1F\x7F chars", "a\nb\n\n\nc", "<b>tag</b> &amp; &#65;"})
    inputs.push_back(ascii);
  for (int k = 0; k < 500; ++k) inputs.push_back(random_text(rng));
  for (auto o : sets) {
    for (bool html_on : {false, true}) {
      o.strip_html = html_on;
      for (const auto& in : inputs) {
        NormalizeOptions slow = o;
        slow.fast_paths = false;
        ASSERT_EQ(norm(in, o), norm(in, slow))
            << "input: " << escaped(in) << " form " << static_cast<int>(o.form);
      }
    }
  }
}


// Real e-mail-like text, and adversarial pieces put at every offset around the 16-byte blocks of
// the wide scans (classification, white space): the fast path gives the bytes of the slow one
// (whole-text utf8proc, every step run, the word scans) for every form and option set.
TEST(NormalizeTextFastPath, RealAndAdversarialTextAtBlockBoundaries) {
  const std::vector<std::string> real = {
      "dpkg (1.13.14) experimental; urgency=low\n\n  [ Guillem Jover ]\n  * Make start-stop-daemon"
      " print the proper version instead of 'VERSION'.\n\n  [ Added translations ]\n  * Hungarian"
      " (Szerv\u00E1c Attila).\n\n -- Frank Lichtenheld <djpig@debian.org>  Wed, 15 Feb 2006 23:37:40 +0100",
      "<p>See the <a href=\"syntax.html\">syntax</a> page &amp; the FAQ.</p>\r\n<ul>\r\n  <li>Ren\u00E9 "
      "M\u00FCller &lt;rene@example.org&gt;</li>\r\n</ul>\r\n",
      "Copyright: 2003-2022 Bj\u00F6rn Sch\u00E4fer, Jos\u00E9 Mar\u00EDa Garc\u00EDa\n License: GPL-2+\n .\n "
      "This program is free software;   you can redistribute it\t\tand/or modify",
      "bare bones: (plural) the most basic facts or elements; \"he told us only the bare bones\""};
  const std::vector<std::string> pieces = {
      "\u0301", "e\u0301", "\u0316\u0301", "\xFF", "\xC3", "\xE2\x80", "\r\n", std::string(1, '\0'),
      "\x01", "\x7F", "  ", " \n", "\n ", "\n\n\n", "\u00A0", "\u200B", "\u200D", "\u00AD", "\uFB01",
      "\u212B", "\u00E9", "\uFF21", "\u1100\u1161", "<b>", "&amp;", "\t", "\u2029", "\u0085", "A"};
  std::vector<std::string> inputs = real;
  const std::string base = "The quick brown fox jumps over the lazy dog again and again.";
  for (const auto& piece : pieces) {
    for (size_t at = 12; at < 38; ++at) {
      std::string t = base;
      t.insert(at, piece);
      inputs.push_back(t);
      inputs.push_back(piece + t + piece);
    }
  }
  Rng rng(23);
  for (int k = 0; k < 300; ++k) {
    std::string t = real[rng.uniform(real.size())];
    for (int edits = 0; edits < 3; ++edits)
      t.insert(rng.uniform(t.size() + 1), pieces[rng.uniform(pieces.size())]);
    inputs.push_back(t);
  }
  for (auto o : option_sets()) {
    for (bool html_on : {false, true}) {
      o.strip_html = html_on;
      NormalizeOptions slow = o;
      slow.fast_paths = false;
      for (const auto& in : inputs)
        ASSERT_EQ(norm(in, o), norm(in, slow))
            << "input: " << escaped(in) << " form " << static_cast<int>(o.form) << " fold "
            << o.fold_whitespace << " ctrl " << o.remove_control << " lower " << o.lowercase;
    }
  }
}

// utf8proc's own NFC/NFKC of the whole text (utf8proc_map), the reference.
std::string utf8proc_reference(const std::string& in, UnicodeForm form) {
  utf8proc_uint8_t* buf = form == UnicodeForm::nfkc
                              ? utf8proc_NFKC(reinterpret_cast<const utf8proc_uint8_t*>(in.c_str()))
                              : utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(in.c_str()));
  std::string out(reinterpret_cast<const char*>(buf));
  std::free(buf);
  return out;
}

// Every code point of planes 0-2 among neighbours it could compose or reorder with: the pieces
// sent to utf8proc, and the whole text decomposed and ordered here, give utf8proc_map's result.
TEST(NormalizeTextFastPath, EveryCodePointAgreesWithUtf8proc) {
  auto encode = [](char32_t cp, std::string& s) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  // Characters that compose with a following one (first) or a preceding one (second), marks of
  // different classes, and a starter.
  const std::vector<std::string> neighbours = {
      "\u1100", "\u0301", "\u1161", "\u11A8", "\u09BE", "\u0316", "e",      "\uAC00",
      "\u0300", "\u09C7", "\u0B47", "\u0BC6", "\u0CC6", "\u0D46", "\u0DD9", "\u1025",
      "\u0438", "\u0345", "\u0CD5", "\u102E", "\U00011131", "\U00011347", "\u4E2D"};
  std::string text;
  for (UnicodeForm form : {UnicodeForm::nfc, UnicodeForm::nfkc}) {
    NormalizeOptions fast = only(form), slow = only(form);
    slow.fast_paths = false;
    for (char32_t cp = 0x80; cp < 0x30000; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      text.clear();
      for (const auto& nb : neighbours) {
        encode(cp, text);
        text += nb;
      }
      encode(cp, text);
      encode(cp, text);
      std::string reference = utf8proc_reference(text, form);
      ASSERT_EQ(norm(text, fast), reference) << "U+" << std::hex << static_cast<uint32_t>(cp);
      ASSERT_EQ(norm(text, slow), reference) << "U+" << std::hex << static_cast<uint32_t>(cp);
    }
  }
}

}  // namespace
}  // namespace dqprep::text
