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

// A group of digits of a phone number, and whether it stood in parentheses.
struct PhoneGroup {
  std::string_view digits;
  bool paren = false;
};

// Splits a phone-shaped text into its digit groups and the separators between them (parentheses
// taken out); false when the text is not made of digits, single separators and at most one pair
// of parentheses around one group.
bool parse_phone(std::string_view text, bool& plus, std::vector<PhoneGroup>& groups, std::vector<std::string>& seps) {
  groups.clear();
  seps.clear();
  size_t i = 0;
  plus = !text.empty() && text[0] == '+';
  if (plus) ++i;
  bool open = false;
  int parens = 0;
  std::string sep;
  while (i < text.size()) {
    char c = text[i];
    if (is_digit(c)) {
      size_t start = i;
      while (i < text.size() && is_digit(text[i])) ++i;
      if (!groups.empty()) seps.push_back(sep);
      groups.push_back({text.substr(start, i - start), open});
      sep.clear();
      continue;
    }
    if (c == '(') {
      if (open || parens == 1 || (plus && groups.empty())) return false;
      open = true;
      ++parens;
    } else if (c == ')') {
      if (!open || groups.empty() || !groups.back().paren || !sep.empty()) return false;
      open = false;
    } else if (c == ' ' || c == '-' || c == '.' || c == '/') {
      sep.push_back(c);
    } else {
      return false;
    }
    ++i;
  }
  if (open || groups.empty() || !sep.empty()) return false;
  for (const std::string& s : seps)
    if (!(s.empty() || s == " " || s == "-" || s == "." || s == "/" || s == " - ")) return false;
  return true;
}

// The separators of a national number agree: dots only, slashes only, or spaces and hyphens.
bool consistent(const std::vector<std::string>& seps, size_t from) {
  int dots = 0, slashes = 0, others = 0;
  for (size_t k = from; k < seps.size(); ++k) {
    const std::string& s = seps[k];
    if (s == ".") ++dots;
    else if (s == "/") ++slashes;
    else if (!s.empty()) ++others;
  }
  return (dots > 0) + (slashes > 0) + (others > 0) <= 1;
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

bool is_phone_number(std::string_view text, bool context) {
  bool plus = false;
  std::vector<PhoneGroup> groups;
  std::vector<std::string> seps;
  if (!parse_phone(text, plus, groups, seps)) return false;
  size_t digits = 0;
  for (const PhoneGroup& g : groups) digits += g.digits.size();
  if (digits > 15) return false;

  if (plus) {
    if (groups.size() == 1) return digits >= 8 && digits <= 15;  // E.164 written plain
    if (groups[0].digits.size() > 3 || groups[0].digits[0] == '0') return false;
    size_t rest = 0, count = 0;
    for (size_t k = 1; k < groups.size(); ++k) {
      if (groups[k].paren && groups[k].digits == "0") continue;  // "+44 (0)20 ..."
      if (groups[k].digits.size() > 8) return false;
      rest += groups[k].digits.size();
      ++count;
    }
    return count >= 1 && rest >= 6 && groups[0].digits.size() + rest <= 15 && consistent(seps, 1);
  }

  if (!consistent(seps, 0)) return false;
  std::vector<size_t> sizes;
  for (const PhoneGroup& g : groups) sizes.push_back(g.digits.size());
  auto paren_only_at = [&](size_t k) {
    for (size_t j = 0; j < groups.size(); ++j)
      if (groups[j].paren && j != k) return false;
    return true;
  };
  // North America: [1] NXX NXX XXXX.
  size_t first = sizes.size() == 4 && groups[0].digits == "1" ? 1 : 0;
  if (sizes.size() - first == 3 && sizes[first] == 3 && sizes[first + 1] == 3 && sizes[first + 2] == 4 &&
      groups[first].digits[0] >= '2' && groups[first + 1].digits[0] >= '2' && paren_only_at(first))
    return true;
  if (groups.size() >= 2 && paren_only_at(0) && (digits == 10 || digits == 11)) {
    bool rest_ok = std::all_of(sizes.begin() + 1, sizes.end(), [](size_t s) { return s >= 2 && s <= 8; });
    // A trunk 0 and an area code: 020 7946 0958, (02) 9876 5432, 01 23 45 67 89.
    if (groups[0].digits[0] == '0' && sizes[0] >= 2 && sizes[0] <= 5 && rest_ok) return true;
    // An area code in parentheses: (11) 91234-5678.
    if (groups[0].paren && sizes[0] >= 2 && sizes[0] <= 4 && rest_ok) return true;
  }
  // A Chinese mobile: 1[3-9]X XXXX XXXX.
  if (sizes == std::vector<size_t>{3, 4, 4} && groups[0].digits[0] == '1' && groups[0].digits[1] >= '3' &&
      paren_only_at(groups.size()))
    return true;
  if (context) {
    if (groups.size() == 1) return digits == 10 || digits == 11;
    return digits >= 7;
  }
  return false;
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
