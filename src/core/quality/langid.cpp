#include "dqprep/quality/langid.hpp"

#include <algorithm>
#include <cstdio>  // compact_lang_det.h uses FILE without including it

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

namespace dqprep::langid {

namespace {

std::string_view normalized_cld2_code(CLD2::Language language) {
  if (language == CLD2::UNKNOWN_LANGUAGE) return "un";
  const char* raw = CLD2::LanguageCode(language);
  std::string_view code = raw ? raw : "";
  if (code.empty()) return "un";
  if (code == "zh-Hant") return "zh";
  if (code == "iw") return "he";
  if (code == "jw") return "jv";
  if (code == "sr-ME") return "sr";
  return code;
}

// Every code detect() can return, sorted; built once from CLD2's compiled tables.
const std::vector<std::string_view>& known_codes() {
  static const std::vector<std::string_view> codes = [] {
    std::vector<std::string_view> all;
    for (int i = 0; i < CLD2::NUM_LANGUAGES; ++i) {
      auto language = static_cast<CLD2::Language>(i);
      if (language == CLD2::UNKNOWN_LANGUAGE || language == CLD2::TG_UNKNOWN_LANGUAGE) continue;
      std::string_view code = normalized_cld2_code(language);
      if (code == "un" || code.size() < 2 || code.starts_with("xx") || (code[0] >= '0' && code[0] <= '9')) continue;
      all.push_back(code);
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
  }();
  return codes;
}

}  // namespace

Detection detect(std::string_view text, size_t max_bytes) {
  Detection d;
  if (text.size() > max_bytes) {
    size_t n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    text = text.substr(0, n);
  }
  if (text.empty()) return d;
  CLD2::CLDHints hints{nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language language3[3];
  int percent3[3];
  double normalized3[3];
  int text_bytes = 0, valid_prefix = 0;
  bool reliable = false;
  // The checking entry point: CLD2 may misbehave on invalid UTF-8, which a record can still hold.
  CLD2::Language top = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      text.data(), static_cast<int>(text.size()), true, &hints, 0, language3, percent3, normalized3, nullptr,
      &text_bytes, &reliable, &valid_prefix);
  if (valid_prefix < static_cast<int>(text.size()) && valid_prefix > 0) {
    top = CLD2::ExtDetectLanguageSummary(text.data(), valid_prefix, true, &hints, 0, language3, percent3,
                                         normalized3, nullptr, &text_bytes, &reliable);
  }
  d.code = normalized_cld2_code(top);
  if (d.code == "un") return d;
  d.percent = top == language3[0] ? percent3[0] : 0;
  d.reliable = reliable;
  d.score = d.percent / 100.0 * (reliable ? 1.0 : 0.5);
  return d;
}

Result<std::string> normalize_code(std::string_view code) {
  std::string c;
  for (char ch : code) c.push_back(static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
  if (c == "iw") c = "he";
  else if (c == "jw") c = "jv";
  else if (c.starts_with("zh-") || c.starts_with("zh_")) c = "zh";
  if (c == "un") return c;
  const auto& known = known_codes();
  if (!std::binary_search(known.begin(), known.end(), std::string_view(c)))
    return Status::usage("unknown language code '" + std::string(code) + "' (CLD2 codes are ISO 639-1 like en, de, zh; un for unknown)");
  return c;
}

Result<std::vector<std::string>> parse_codes(std::string_view comma_separated) {
  std::vector<std::string> codes;
  size_t start = 0;
  while (start <= comma_separated.size()) {
    size_t comma = comma_separated.find(',', start);
    if (comma == std::string_view::npos) comma = comma_separated.size();
    std::string_view item = comma_separated.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) return Status::usage("empty language code in '" + std::string(comma_separated) + "'");
    DQPREP_ASSIGN_OR_RETURN(std::string code, normalize_code(item));
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
    start = comma + 1;
  }
  return codes;
}

bool accepts(const Detection& detection, std::span<const std::string> codes, double threshold,
             bool keep_unknown) {
  bool listed = std::find(codes.begin(), codes.end(), detection.code) != codes.end();
  if (detection.code == "un") return listed || keep_unknown;
  if (keep_unknown && !detection.reliable) return true;
  return listed && detection.score >= threshold;
}

}  // namespace dqprep::langid
