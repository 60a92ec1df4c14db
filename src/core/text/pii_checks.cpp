#include "dqprep/text/pii_checks.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace dqprep::redact {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

std::string digits_of(std::string_view text) {
  std::string d;
  for (char c : text)
    if (is_digit(c)) d.push_back(c);
  return d;
}

// The number made of the first `n` digits.
int prefix(const std::string& digits, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n && i < digits.size(); ++i) v = v * 10 + (digits[i] - '0');
  return v;
}

// The digit groups of `text` split at one kind of separator; false when the separators are not
// all the same single character (from `allowed`) or a group is empty.
bool split_groups(std::string_view text, std::string_view allowed, std::vector<size_t>& sizes) {
  sizes.clear();
  char sep = 0;
  size_t run = 0;
  for (char c : text) {
    if (is_digit(c)) {
      ++run;
      continue;
    }
    if (allowed.find(c) == std::string_view::npos || run == 0) return false;
    if (sep != 0 && c != sep) return false;
    sep = c;
    sizes.push_back(run);
    run = 0;
  }
  if (run == 0) return false;
  sizes.push_back(run);
  return true;
}

bool card_network_accepts(const std::string& d) {
  const size_t n = d.size();
  auto len_in = [&](std::initializer_list<size_t> lengths) {
    return std::find(lengths.begin(), lengths.end(), n) != lengths.end();
  };
  const int p1 = prefix(d, 1), p2 = prefix(d, 2), p3 = prefix(d, 3), p4 = prefix(d, 4);
  if (p1 == 4) return len_in({13, 16, 19});                                         // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;        // Mastercard
  if (p2 == 34 || p2 == 37) return n == 15;                                         // American Express
  if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || p2 == 62) return n >= 16;  // Discover, UnionPay
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;                                     // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14;  // Diners Club
  if (p2 == 50 || (p2 >= 56 && p2 <= 58) || p2 == 63 || p2 == 67) return n >= 13;  // Maestro
  return false;
}

struct IbanCountry {
  char code[3];
  int length;
};

// The SWIFT IBAN registry (release 2024), country and length.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
    {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
    {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

// A phone-shaped text taken apart: its digit groups (whether each stood in parentheses) and the
// separator before each group but the first. At most 15 digits, so at most 15 groups.
enum class Sep : uint8_t { none, space, dash, dot, slash };
constexpr size_t kMaxGroups = 15;

struct PhoneParts {
  bool plus = false;
  size_t count = 0, digits = 0;
  std::array<std::string_view, kMaxGroups> group{};
  std::array<bool, kMaxGroups> paren{};
  std::array<Sep, kMaxGroups> sep{};  // sep[k]: between group k-1 and k
};

// False when the text is not made of digits, single separators (" - " counts as one) and at most
// one pair of parentheses around one group, or has more than 15 digits.
bool parse_phone(std::string_view text, PhoneParts& p) {
  size_t i = 0;
  p.plus = !text.empty() && text[0] == '+';
  if (p.plus) ++i;
  bool open = false, had_parens = false;
  size_t sep_len = 0;
  char sep_char = 0;
  while (i < text.size()) {
    char c = text[i];
    if (is_digit(c)) {
      size_t start = i;
      while (i < text.size() && is_digit(text[i])) ++i;
      if (p.count == kMaxGroups) return false;
      Sep sep = Sep::none;
      if (sep_len > 0) {
        if (sep_char == ' ') sep = Sep::space;
        else if (sep_char == '-') sep = Sep::dash;
        else if (sep_char == '.') sep = Sep::dot;
        else sep = Sep::slash;
      }
      if (p.count == 0 && sep_len > 0) return false;
      p.sep[p.count] = sep;
      p.group[p.count] = text.substr(start, i - start);
      p.paren[p.count] = open;
      p.digits += i - start;
      ++p.count;
      if (p.digits > 15) return false;
      sep_len = 0;
      sep_char = 0;
      continue;
    }
    if (c == '(') {
      if (open || had_parens || (p.plus && p.count == 0)) return false;
      open = had_parens = true;
    } else if (c == ')') {
      if (!open || p.count == 0 || !p.paren[p.count - 1] || sep_len > 0) return false;
      open = false;
    } else if (c == ' ' || c == '-' || c == '.' || c == '/') {
      // One separator: a single character, or " - ".
      bool spaced_dash = sep_len == 1 && sep_char == ' ' && c == '-' && i + 1 < text.size() && text[i + 1] == ' ';
      if (spaced_dash) {
        sep_char = '-';
        sep_len = 3;
        i += 2;
        continue;
      }
      if (sep_len > 0) return false;
      sep_char = c;
      sep_len = 1;
    } else {
      return false;
    }
    ++i;
  }
  return !open && p.count > 0 && sep_len == 0;
}

// The separators of groups `from`.. agree: dots only, slashes only, or spaces and hyphens.
bool consistent(const PhoneParts& p, size_t from) {
  bool dots = false, slashes = false, others = false;
  for (size_t k = std::max<size_t>(from, 1); k < p.count; ++k) {
    dots = dots || p.sep[k] == Sep::dot;
    slashes = slashes || p.sep[k] == Sep::slash;
    others = others || p.sep[k] == Sep::space || p.sep[k] == Sep::dash;
  }
  return int(dots) + int(slashes) + int(others) <= 1;
}

// Three groups that read as a date, whatever the words around them say: a year of 19xx or 20xx
// first or last, and two numbers of one or two digits (2023-01-15, 15.01.2023, 01/15/2023).
bool looks_like_date(const PhoneParts& p) {
  if (p.count != 3) return false;
  auto year = [](std::string_view g) { return g.size() == 4 && (g.substr(0, 2) == "19" || g.substr(0, 2) == "20"); };
  auto small = [](std::string_view g) { return g.size() <= 2; };
  return (year(p.group[0]) && small(p.group[1]) && small(p.group[2])) ||
         (small(p.group[0]) && small(p.group[1]) && year(p.group[2]));
}

}  // namespace

bool luhn_valid(std::string_view text) {
  int sum = 0, n = 0;
  for (size_t i = text.size(); i-- > 0;) {
    if (!is_digit(text[i])) continue;
    int d = text[i] - '0';
    if (n++ % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return n > 0 && sum % 10 == 0;
}

bool is_card_number(std::string_view text) {
  std::vector<size_t> sizes;
  if (!split_groups(text, " -", sizes)) return false;
  if (sizes.size() > 1) {
    static const std::vector<std::vector<size_t>> layouts = {{4, 4, 4, 4}, {4, 4, 4, 4, 3}, {4, 6, 5}, {4, 6, 4}};
    if (std::find(layouts.begin(), layouts.end(), sizes) == layouts.end()) return false;
  }
  std::string d = digits_of(text);
  return d.size() >= 13 && d.size() <= 19 && card_network_accepts(d) && luhn_valid(d);
}

int iban_length(std::string_view country) {
  for (const IbanCountry& c : kIbanCountries)
    if (country == c.code) return c.length;
  return 0;
}

bool is_iban(std::string_view text) {
  std::string s;
  size_t group = 0;
  bool spaced = text.find(' ') != std::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ') {
      if (group != 4) return false;  // groups of four, the last one shorter
      group = 0;
      continue;
    }
    if (!is_digit(c) && !is_upper(c)) return false;
    s.push_back(c);
    ++group;
  }
  if (spaced && (group == 0 || group > 4)) return false;
  if (s.size() < 5 || !is_upper(s[0]) || !is_upper(s[1]) || !is_digit(s[2]) || !is_digit(s[3])) return false;
  if (static_cast<int>(s.size()) != iban_length(s.substr(0, 2))) return false;
  std::rotate(s.begin(), s.begin() + 4, s.end());
  int mod = 0;
  for (char c : s) {
    int v = is_digit(c) ? c - '0' : c - 'A' + 10;
    mod = v >= 10 ? (mod * 100 + v) % 97 : (mod * 10 + v) % 97;
  }
  return mod == 1;
}

bool is_ipv4(std::string_view text) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    int value = 0;
    while (i < text.size() && is_digit(text[i]) && i - start < 3) value = value * 10 + (text[i++] - '0');
    size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && text[start] == '0')) return false;
    ++parts;
    if (i == text.size()) break;
    if (text[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool is_ipv6(std::string_view text) {
  if (text.size() < 2 || text.size() > 45) return false;
  if (std::none_of(text.begin(), text.end(), is_digit)) return false;
  unsigned char buf[16];
  return inet_pton(AF_INET6, std::string(text).c_str(), buf) == 1;
}

PhoneShape phone_shape(std::string_view text) {
  PhoneParts p;
  if (!parse_phone(text, p)) return PhoneShape::none;
  const size_t digits = p.digits, n = p.count;

  if (p.plus) {
    if (n == 1) return digits >= 8 ? PhoneShape::phone : PhoneShape::none;  // E.164 written plain
    if (p.group[0].size() > 3 || p.group[0][0] == '0') return PhoneShape::none;
    size_t rest = 0, count = 0;
    for (size_t k = 1; k < n; ++k) {
      if (p.paren[k] && p.group[k] == "0") continue;  // "+44 (0)20 ..."
      if (p.group[k].size() > 8) return PhoneShape::none;
      rest += p.group[k].size();
      ++count;
    }
    return count >= 1 && rest >= 6 && consistent(p, 2) ? PhoneShape::phone : PhoneShape::none;
  }

  if (!consistent(p, 0) || looks_like_date(p)) return PhoneShape::none;
  auto paren_only_at = [&](size_t at) {
    for (size_t j = 0; j < n; ++j)
      if (p.paren[j] && j != at) return false;
    return true;
  };
  // North America: [1] NXX NXX XXXX.
  const size_t f = n == 4 && p.group[0] == "1" ? 1 : 0;
  if (n - f == 3 && p.group[f].size() == 3 && p.group[f + 1].size() == 3 && p.group[f + 2].size() == 4 &&
      p.group[f][0] >= '2' && p.group[f + 1][0] >= '2' && paren_only_at(f))
    return PhoneShape::phone;
  if (n >= 2 && paren_only_at(0) && (digits == 10 || digits == 11)) {
    bool rest_ok = true;
    for (size_t k = 1; k < n; ++k) rest_ok = rest_ok && p.group[k].size() >= 2 && p.group[k].size() <= 8;
    const size_t first = p.group[0].size();
    // A trunk 0 and an area code: 020 7946 0958, (02) 9876 5432, 01 23 45 67 89.
    if (p.group[0][0] == '0' && first >= 2 && first <= 5 && rest_ok) return PhoneShape::phone;
    // An area code in parentheses: (11) 91234-5678.
    if (p.paren[0] && first >= 2 && first <= 4 && rest_ok) return PhoneShape::phone;
  }
  // A Chinese mobile: 1[3-9]X XXXX XXXX.
  if (n == 3 && p.group[0].size() == 3 && p.group[1].size() == 4 && p.group[2].size() == 4 && p.group[0][0] == '1' &&
      p.group[0][1] >= '3' && paren_only_at(n))
    return PhoneShape::phone;
  if (n == 1) return digits == 10 || digits == 11 ? PhoneShape::with_context : PhoneShape::none;
  return digits >= 7 ? PhoneShape::with_context : PhoneShape::none;
}

bool is_phone_number(std::string_view text, bool context) {
  PhoneShape shape = phone_shape(text);
  return shape == PhoneShape::phone || (context && shape == PhoneShape::with_context);
}

bool looks_generated(std::string_view value) {
  if (value.empty()) return false;
  std::array<int, 256> counts{};
  bool letter = false, digit = false;
  for (char c : value) {
    ++counts[static_cast<unsigned char>(c)];
    letter = letter || is_upper(c) || (c >= 'a' && c <= 'z');
    digit = digit || is_digit(c);
  }
  double entropy = 0;
  for (int n : counts) {
    if (n == 0) continue;
    double p = static_cast<double>(n) / static_cast<double>(value.size());
    entropy -= p * std::log2(p);
  }
  return letter && digit && entropy >= 3.0;
}

}  // namespace dqprep::redact
