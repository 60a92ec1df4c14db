#include "dqprep/text/text_key.hpp"

#include <utf8proc.h>

#include <array>
#include <cstdlib>

#include "dqprep/text/normalize_text.hpp"

namespace dqprep::text {

namespace {

// ASCII bytes that key_form removes: controls, white space and the characters of category P*
// (! " # % & ' ( ) * , - . / : ; ? @ [ \ ] _ { }). The symbols $ + < = > ^ ` | ~ stay.
constexpr std::array<bool, 128> kAsciiDropped = [] {
  std::array<bool, 128> t{};
  for (int c = 0; c < 0x21; ++c) t[c] = true;
  t[0x7F] = true;
  for (char c : std::string_view("!\"#%&'()*,-./:;?@[\\]_{}")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool dropped(utf8proc_category_t c) {
  switch (c) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF: return true;
    default: return false;
  }
}

}  // namespace

void key_form(std::string_view in, std::string& out) {
  out.clear();
  bool ascii = true;
  for (char c : in) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    for (char c : in) {
      if (kAsciiDropped[static_cast<unsigned char>(c)]) continue;
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c);
    }
    return;
  }
  std::string repaired;
  if (!is_valid_utf8(in)) {
    repair_utf8(in, repaired);
    in = repaired;
  }
  utf8proc_uint8_t* mapped = nullptr;
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(in.data()),
                                    static_cast<utf8proc_ssize_t>(in.size()), &mapped, options);
  const utf8proc_uint8_t* s = mapped;
  if (n < 0) {  // cannot happen on valid UTF-8; keep the text rather than lose it
    s = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
    n = static_cast<utf8proc_ssize_t>(in.size());
  }
  out.reserve(static_cast<size_t>(n));
  for (utf8proc_ssize_t i = 0; i < n;) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(s + i, n - i, &cp);
    if (len <= 0) break;
    if (!dropped(utf8proc_category(cp))) out.append(reinterpret_cast<const char*>(s + i), static_cast<size_t>(len));
    i += len;
  }
  std::free(mapped);
}

}  // namespace dqprep::text
