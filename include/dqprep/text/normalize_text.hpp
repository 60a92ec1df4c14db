#pragma once
// Text clean-up for the `normalize` stage: UTF-8 repair, HTML stripping, control characters,
// Unicode normalization (utf8proc), lowercase, punctuation, white space.
//
// Steps, in this order (each one is skipped when its option is off or it has nothing to do):
//   1. UTF-8 repair: every maximal invalid subpart becomes U+FFFD (always on).
//   2. strip_html: tags, comments and script/style/svg/noscript/template contents removed;
//      character references decoded. Before NFKC, so that decoded text is normalized too.
//   2b. fix_mojibake: UTF-8 read in a single-byte codec repaired (mojibake.hpp). After the
//      entities (as ftfy: "&Atilde;&copy;" is mojibake too), before the control characters go
//      (C1 controls are clues to it) and before NFKC.
//   3. remove_control: control and invisible characters removed. Before NFKC, so that a
//      removed character between a letter and its combining mark lets them compose.
//   4. form: NFC or NFKC.
//   5. lowercase: full Unicode lowercase, after NFKC (NFKC can yield capitals: U+1D2C -> 'A');
//      when a non-ASCII character changed, step 4 runs again on the result.
//   6. unify_punct: after NFKC, which already maps full-width and compatibility forms.
//   7. remove_control, joiners: ZWNJ/ZWJ judged on their final neighbours (see below); if one
//      went and a form is set, step 4 runs again (its neighbours may now compose).
//   8. fold_whitespace: last, so that white space produced by NFKC or entities is folded too.
// With fix_mojibake, while the result still holds mojibake the repair would change, the steps run
// again on it (without strip_html), at most kMaxNormalizeRounds times in all: lowercase or NFKC
// can turn what is left of a garble into mojibake that a second pass repairs.
// With strip_html off the result is idempotent: normalize(normalize(x)) == normalize(x).
// With strip_html on it is not for escaped markup, by design: "&amp;lt;" -> "&lt;" -> "<".
//
// Speed: pure ASCII text that no step would change is recognized in one pass, 8 bytes at a time
// (the common record). Other text is classified in one pass, 16 bytes at a time (any non-ASCII
// byte? any ASCII control?): the steps that cannot change it are skipped, so that ASCII text with
// white space to fold (every line of an indented e-mail) costs two scans, not one per step.
// utf8proc sees only the pieces of text around characters that are not their own normal form (or
// may combine with a neighbour): never ASCII, nor most letters of already-NFC text. A step that
// finds nothing to change writes nothing.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dqprep::text {

enum class UnicodeForm { none, nfc, nfkc };

inline constexpr int kMaxNormalizeRounds = 4;

struct NormalizeOptions {
  // NFC or NFKC by utf8proc (Unicode 15 with utf8proc 2.8). A run of more than 30 combining
  // marks ("Zalgo" text) gets U+034F COMBINING GRAPHEME JOINER before its 31st, as UAX #15's
  // Stream-Safe Text Format does: it keeps the cost linear and does not change how text looks.
  UnicodeForm form = UnicodeForm::nfkc;

  // White space: horizontal white space (space, tab, NBSP, U+1680, U+2000..U+200A, U+202F,
  // U+205F, U+3000) runs become one ' '; line breaks (LF, CRLF, CR, VT, FF, NEL, U+2028) become
  // LF and U+2029 two LFs; white space before a line break is dropped; 3+ LFs become 2 (a
  // paragraph break survives); the text is trimmed. Leading white space of a line becomes one
  // ' ' (indentation is not kept: keep white space for code).
  bool fold_whitespace = true;

  // Removed: C0 controls and DEL except white space (TAB LF VT FF CR); C1 controls except NEL;
  // U+00AD soft hyphen; zero width U+200B, U+2060, U+FEFF; bidi controls U+061C, U+200E,
  // U+200F, U+202A..U+202E, U+2066..U+2069 (invisible, and the "Trojan Source" vector).
  // ZWNJ U+200C and ZWJ U+200D are kept between two non-ASCII, non-space characters (Persian
  // and Indic spelling, emoji sequences) and removed elsewhere ("pass\u200Dword").
  bool remove_control = true;

  // Full lowercase (Python's str.lower()): simple mappings plus U+0130 -> "i\u0307" and Greek
  // final sigma. Not case folding: 'ß' stays 'ß'.
  bool lowercase = false;

  // Tags of known HTML elements (and custom "a-b" / namespaced "o:p" ones) are removed, so
  // "List<String>" or "a < b" stay text; block elements (p, div, br, li, h1, tr, ...) leave a
  // line break, cells (td, th) a space, inline ones nothing. A '<' with no closing '>' is text.
  // Comments, <!DOCTYPE>, <?...?> removed; script, style, svg, noscript, template removed with
  // their contents. References: all 2125 HTML5 named ones ending in ';' ("&amp" without ';'
  // stays), numeric &#N; &#xH; (the ';' optional; 0, surrogates, > U+10FFFF -> U+FFFD;
  // 0x80..0x9F as windows-1252, as browsers do). Unknown "&name;" stays as is.
  bool strip_html = false;

  // Mojibake repair (mojibake.hpp), ftfy's algorithm line by line. prepare_mojibake_repair() must
  // have succeeded, else the step changes nothing.
  bool fix_mojibake = false;

  // ‘ ’ ‚ ‛ ‹ › -> '   “ ” „ ‟ « » -> "   hyphen, non-breaking hyphen, figure/en/em dash,
  // horizontal bar, minus sign, two/three-em dash, small and full-width forms -> '-'
  // (one '-' each)   … -> "..."   Guillemets count as quotes: the point is one quote style.
  bool unify_punct = false;

  // Testing only: false turns the shortcuts off (the unchanged-ASCII check, the one-pass
  // classification that skips steps with nothing to do, the SSE2 white-space scan, and utf8proc
  // on the pieces around characters that may change rather than on the whole text), to check them.
  bool fast_paths = true;
};

// Counters summed over calls (never reset here): one per thread, merged with +=.
struct NormalizeCounts {
  uint64_t invalid_utf8 = 0;       // U+FFFD inserted by UTF-8 repair
  uint64_t changed = 0;            // calls whose output differs from the input
  uint64_t controls_removed = 0;   // control and invisible characters removed
  uint64_t html_tags_removed = 0;  // tags, comments, declarations removed
  uint64_t html_entities = 0;      // character references decoded
  uint64_t mojibake_fixed = 0;     // calls whose mojibake repair changed the text

  NormalizeCounts& operator+=(const NormalizeCounts& o) {
    invalid_utf8 += o.invalid_utf8;
    changed += o.changed;
    controls_removed += o.controls_removed;
    html_tags_removed += o.html_tags_removed;
    html_entities += o.html_entities;
    mojibake_fixed += o.mojibake_fixed;
    return *this;
  }
};

// Holds the scratch buffers of the steps, so that a worker thread normalizing many records
// allocates only while its buffers grow. Not thread-safe: one per thread.
class Normalizer {
 public:
  // Same contract as the free function normalize() below.
  bool run(std::string_view in, const NormalizeOptions& opts, std::string& out,
           NormalizeCounts& counts);

 private:
  bool apply_form(std::string_view in, UnicodeForm form, bool fast_paths,
                  std::string& out);
  bool is_stable(char32_t cp, UnicodeForm form);
  // One pass of the steps; `mojibake_changed` tells whether the mojibake step changed the text.
  bool run_steps(std::string_view in, const NormalizeOptions& opts, std::string& out,
                 NormalizeCounts& counts, bool& mojibake_changed);
  std::string a_, b_, entity_, round_, first_input_;
  std::vector<int32_t> cps_;
  std::vector<uint8_t> stable_[2];  // per form: BMP code point -> 0 unknown, 1 stable, 2 not
};

// Normalizes `in` into `out` (cleared first, capacity reused). Returns true when out != in.
// `in` may view `out`. Uses a thread_local Normalizer for scratch space.
bool normalize(std::string_view in, const NormalizeOptions& opts, std::string& out,
               NormalizeCounts& counts);

// Invalid UTF-8 sequences replaced by U+FFFD, one per maximal subpart of an ill-formed
// sequence (Unicode 15 §3.9 U+FFFD substitution, the WHATWG decoder); `out` is cleared first.
// Returns how many were replaced.
size_t repair_utf8(std::string_view in, std::string& out);

// True when `in` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view in);

// Full Unicode lowercase of valid UTF-8, as NormalizeOptions::lowercase (no normalization).
std::string lowercase(std::string_view in);

}  // namespace dqprep::text
