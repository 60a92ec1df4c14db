// Fuzzes mojibake repair (text/mojibake.hpp fix_mojibake) and redaction (text/redact.hpp:
// parse_kinds, the flag value of --redact and --drop-pii; Detector::find and redact). First byte:
// the mode (& 1): 0 the kinds list, 1 a text (made valid UTF-8 first, as normalize does).
// Properties: a kinds list that parses names at least one kind; the repaired text is valid UTF-8
// and repairing it again changes nothing; hits are in order, inside the text, not overlapping,
// start and end on character boundaries; the redacted text is valid UTF-8 with one placeholder a
// hit, and redacting it again finds nothing.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/text/mojibake.hpp"
#include "dqprep/text/normalize_text.hpp"
#include "dqprep/text/redact.hpp"

using namespace dqprep;

namespace {

bool boundary(std::string_view s, size_t i) {
  return i == 0 || i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

void check_redaction(std::string_view text) {
  static const redact::Detector detector(redact::kAllKinds);
  std::vector<redact::Hit> hits;
  detector.find(text, hits);
  size_t last_end = 0;
  for (const redact::Hit& h : hits) {
    if (h.begin < last_end || h.end <= h.begin || h.end > text.size()) __builtin_trap();
    if (!boundary(text, h.begin) || !boundary(text, h.end)) __builtin_trap();
    last_end = h.end;
  }
  std::string once, twice;
  redact::Counts counts{};
  const size_t first_pass = hits.size();
  size_t n = detector.redact(text, once, counts, hits);
  if (n < first_pass) __builtin_trap();
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  if (total != n || !text::is_valid_utf8(once)) __builtin_trap();
  if (n > 0 && detector.redact(once, twice, counts, hits) != 0) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const bool codecs_ready = text::prepare_mojibake_repair().ok();
  if (!codecs_ready) __builtin_trap();
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    Result<redact::KindSet> kinds = redact::parse_kinds("--fuzz", rest);
    if (kinds.ok() && (*kinds == 0 || (*kinds & ~redact::kAllKinds) != 0)) __builtin_trap();
    return 0;
  }
  std::string text;
  text::repair_utf8(rest, text);
  std::string fixed, again;
  text::fix_mojibake(text, fixed);
  if (!text::is_valid_utf8(fixed)) __builtin_trap();
  text::fix_mojibake(fixed, again);
  if (again != fixed) __builtin_trap();
  check_redaction(text);
  return 0;
}
