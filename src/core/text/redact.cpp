#include "dqprep/text/redact.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "dqprep/text/pii_checks.hpp"

namespace dqprep::redact {

namespace {

constexpr std::string_view kNames[kKinds] = {"email", "phone", "ip", "url", "credit_card", "iban", "api_key"};
constexpr std::string_view kPlaceholders[kKinds] = {"<EMAIL>", "<PHONE>", "<IP>", "<URL>",
                                                    "<CREDIT_CARD>", "<IBAN>", "<API_KEY>"};
// Which kind keeps a span that two kinds found alike (same start, same length).
constexpr Kind kPriority[kKinds] = {Kind::api_key, Kind::credit_card, Kind::iban, Kind::email,
                                    Kind::url,     Kind::ip,          Kind::phone};

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

char at(std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; }
char before(std::string_view s, size_t i) { return i > 0 ? s[i - 1] : '\0'; }

// The word that ends just before s[i], skipping spaces and the punctuation that joins a label to
// its value (": # . -"), lowercased; at most 16 bytes.
std::string word_before(std::string_view s, size_t i) {
  size_t j = i;
  while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == ':' || s[j - 1] == '#' || s[j - 1] == '.' || s[j - 1] == '-' ||
                   s[j - 1] == '\t'))
    --j;
  size_t end = j;
  if (j >= 2 && s.substr(j - 2, 2) == "\xC2\xA7") return "\xC2\xA7";  // the section sign
  while (j > 0 && end - j < 16 && is_alnum(s[j - 1])) --j;
  std::string w(s.substr(j, end - j));
  for (char& c : w) c = lower(c);
  return w;
}

bool in(const std::string& word, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// A word that says a phone number follows, among the 24 bytes before s[i].
bool phone_context(std::string_view s, size_t i) {
  const size_t from = i > 24 ? i - 24 : 0;
  char buf[24];
  for (size_t k = from; k < i; ++k) buf[k - from] = lower(s[k]);
  const std::string_view window(buf, i - from);
  for (std::string_view w : {"tel", "phone", "mobile", "mob", "cell", "fax", "call", "whatsapp", "sms", "handy",
                             "telefon", "t\xC3\xA9l\xC3\xA9phone", "tel\xC3\xA9" "fono", "telefone", "\xE2\x98\x8E",
                             "\xF0\x9F\x93\x9E"}) {
    for (size_t p = window.find(w); p != std::string_view::npos; p = window.find(w, p + 1))
      // Not inside a placeholder: "<PHONE>" is no sign that the next number is one.
      if (p == 0 || (!is_alnum(window[p - 1]) && window[p - 1] != '<') || (w[0] & 0x80)) return true;
  }
  return false;
}

}  // namespace

struct Detector::Patterns {
  RE2 email, url, ipv4, ipv6, phone, card, iban, key_token, key_assignment;

  static RE2::Options options() {
    RE2::Options o;
    o.set_log_errors(false);
    return o;
  }

  Patterns()
      : email(R"([A-Za-z0-9._%+'\-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24})", options()),
        url(R"((?i)(?:(?:https?|ftp)://|www\.)[^\s<>"'`\x{A0}\x{2000}-\x{200B}\x{3000}\x{3001}\x{3002}\x{FF08}\x{FF09}\x{FF0C}]+)",
            options()),
        ipv4(R"(\d{1,3}(?:\.\d{1,3}){3})", options()),
        ipv6(R"((?i)(?:[0-9a-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{0,4}))", options()),
        // No counted repetition: it would blow up RE2's DFA on text full of spaces and digits.
        phone(R"(\+?\(?\d[\d ().\-/]*\d)", options()),
        card(R"(\d(?:[ \-]?\d){12,18})", options()),
        iban(R"([A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,34})", options()),
        key_token(
            R"((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})"
            R"(|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_\-]{20,})"
            R"(|xox[abeprs]-[A-Za-z0-9\-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_\-]{35})"
            R"(|sk-[A-Za-z0-9_\-]{20,}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})"
            R"(|SK[0-9a-fA-F]{32}|eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})"
            R"(|-----BEGIN [A-Z ]*PRIVATE KEY-----[A-Za-z0-9+/=\s]*(?:-----END [A-Z ]*PRIVATE KEY-----)?)",
            options()),
        key_assignment(
            R"((?i)(?:\b(?:[a-z0-9]+[_\-])*(?:api[_\-]?key|apikey|api[_\-]?secret|api[_\-]?token|secret[_\-]?key|client[_\-]?secret)"
            R"(|access[_\-]?key|access[_\-]?token|auth[_\-]?token|private[_\-]?token|secret|token)["']?\s*(?:[:=]|=>)\s*["']?)"
            R"(|\bbearer\s+))"
            R"(([A-Za-z0-9_\-+/=.]{16,512}))",
            options()) {}
};

std::string_view kind_name(Kind kind) { return kNames[static_cast<size_t>(kind)]; }
std::string_view placeholder(Kind kind) { return kPlaceholders[static_cast<size_t>(kind)]; }

Result<KindSet> parse_kinds(std::string_view flag, std::string_view list) {
  KindSet set = 0;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string item(list.substr(start, comma - start));
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    std::replace(item.begin(), item.end(), '-', '_');
    if (item.empty()) return Status::usage(std::string(flag) + ": an empty item (write " + std::string(flag) + " email,phone)");
    if (item == "all") {
      set = kAllKinds;
    } else {
      size_t k = 0;
      while (k < kKinds && kNames[k] != item) ++k;
      if (k == kKinds) {
        return Status::usage(std::string(flag) + ": unknown kind '" + std::string(list.substr(start, comma - start)) +
                             "' (kinds: email, phone, ip, url, credit-card, iban, api-key, all)");
      }
      set |= static_cast<KindSet>(1u << k);
    }
    start = comma + 1;
  }
  return set;
}

Detector::Detector(KindSet kinds) : kinds_(kinds), patterns_(std::make_unique<Patterns>()) {}
Detector::~Detector() = default;

namespace {

// Calls accept(begin, end) on each match of `re` from left to right (the span of its capturing
// group when it has one). accept records any hit and returns where the scan goes on: after the
// hit, or after the part of the match that cannot start one; 0 for the default, one byte after
// the start of the match (`restart_after_match`: after all of it, for patterns whose matches cannot
// hold a shorter hit).
template <class Accept>
void scan(const RE2& re, std::string_view text, bool restart_after_match, Accept&& accept) {
  size_t pos = 0;
  re2::StringPiece m[2];
  const int groups = std::min(re.NumberOfCapturingGroups() + 1, 2);
  while (pos < text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, m, groups)) {
    size_t b = static_cast<size_t>(m[0].data() - text.data()), e = b + m[0].size();
    size_t vb = b, ve = e;
    if (groups == 2 && m[1].data() != nullptr) {
      vb = static_cast<size_t>(m[1].data() - text.data());
      ve = vb + m[1].size();
    }
    size_t next = accept(vb, ve);
    if (next == 0) next = restart_after_match ? e : b + 1;
    pos = std::max(next, b + 1);
  }
}

// The end of the first run of digits of s[b, e).
size_t first_digits_end(std::string_view s, size_t b, size_t e) {
  size_t i = b;
  while (i < e && !is_digit(s[i])) ++i;
  while (i < e && is_digit(s[i])) ++i;
  return i;
}

// Calls f(end) for the end of each digit group of s[b, e), from the longest prefix to the
// shortest, until f returns true.
template <class F>
void for_each_group_end(std::string_view s, size_t b, size_t e, F&& f) {
  for (size_t i = e; i > b; --i)
    if (is_digit(s[i - 1]) && (i == e || !is_digit(s[i])) && f(i)) return;
}

void find_emails(const RE2& re, std::string_view s, std::vector<Hit>& hits) {
  scan(re, s, true, [&](size_t b, size_t e) -> size_t {
    while (b < e && (s[b] == '.' || s[b] == '\'' || s[b] == '-')) ++b;
    size_t at_sign = s.find('@', b);
    if (at_sign >= e || at_sign == b || s[at_sign - 1] == '.' || at_sign - b > 64) return 0;
    if (s.substr(b, at_sign - b).find("..") != std::string_view::npos) return 0;
    std::string_view domain = s.substr(at_sign + 1, e - at_sign - 1);
    std::string_view first_label = domain.substr(0, domain.find('.'));
    // "icon@2x.png": an image at twice the resolution, not an address.
    if (first_label.size() >= 2 && first_label.back() == 'x' &&
        std::all_of(first_label.begin(), first_label.end() - 1, [](char c) { return is_digit(c) || c == '.'; }))
      return 0;
    std::string tld(domain.substr(domain.rfind('.') + 1));
    for (char& c : tld) c = lower(c);
    if (in(tld, {"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff"})) return 0;
    hits.push_back({b, e, Kind::email});
    return e;
  });
}

void find_urls(const RE2& re, std::string_view s, std::vector<Hit>& hits) {
  scan(re, s, true, [&](size_t b, size_t e) -> size_t {
    char p = before(s, b);
    if (is_alnum(p) || p == '.' || p == '-' || p == '@' || p == '/') return 0;
    // Trailing punctuation belongs to the sentence; a closing bracket to the URL only if it opens one.
    while (e > b) {
      char c = s[e - 1];
      auto count = [&](char ch) { return std::count(s.begin() + b, s.begin() + e, ch); };
      if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '*' || c == '\'' || c == '"') {
        --e;
      } else if ((c == ')' && count('(') < count(')')) || (c == ']' && count('[') < count(']')) ||
                 (c == '}' && count('{') < count('}'))) {
        --e;
      } else {
        break;
      }
    }
    std::string_view url = s.substr(b, e - b);
    size_t host = url.find("://");
    if (host != std::string_view::npos) {
      host += 3;
      if (host >= url.size() || !(is_alnum(url[host]) || url[host] == '[' || (url[host] & 0x80))) return 0;
    } else if (url.find('.', 4) == std::string_view::npos || url.size() < 7 || !is_alnum(url[4])) {
      return 0;  // "www.x" without a domain after it
    }
    hits.push_back({b, e, Kind::url});
    return e;
  });
}

// Words after which a dotted quad is a version, a section or an object identifier.
bool dotted_number_context(const std::string& w) {
  return in(w, {"v", "ver", "version", "versions", "build", "release", "firmware", "driver", "update", "patch",
                "section", "sec", "chapter", "clause", "figure", "fig", "table", "step", "rule", "item", "article",
                "art", "par", "para", "paragraph", "oid", "rfc", "no", "nr", "isbn", "sku", "model", "\xC2\xA7"});
}

void find_ips(const RE2& ipv4, const RE2& ipv6, std::string_view s, std::vector<Hit>& hits) {
  scan(ipv4, s, false, [&](size_t b, size_t e) -> size_t {
    char pc = before(s, b), nc = at(s, e);
    // Part of a longer dotted number (1.2.3.4.5) or of a word (v1.2.3.4).
    if (is_word(pc) || pc == '.' || is_word(nc) || (nc == '.' && is_digit(at(s, e + 1)))) return 0;
    std::string_view ip = s.substr(b, e - b);
    if (!is_ipv4(ip)) return 0;
    if (ip == "0.0.0.0" || ip.substr(0, 4) == "127." || ip.substr(0, 4) == "255.") return 0;
    if (dotted_number_context(word_before(s, b))) return 0;
    hits.push_back({b, e, Kind::ip});
    return e;
  });
  scan(ipv6, s, false, [&](size_t b, size_t e) -> size_t {
    char pc = before(s, b), nc = at(s, e);
    if (is_word(pc) || pc == ':' || pc == '.' || is_word(nc) || nc == ':') return 0;
    std::string_view ip = s.substr(b, e - b);
    if (ip == "::1" || !is_ipv6(ip)) return 0;
    hits.push_back({b, e, Kind::ip});
    return e;
  });
}

bool inside(const std::vector<Hit>& hits, size_t pos) {
  return std::any_of(hits.begin(), hits.end(), [&](const Hit& h) { return h.begin <= pos && pos < h.end; });
}

// Bytes of the longest phone number looked for: 15 digits and their separators.
constexpr size_t kLongestPhone = 32;

void find_phones(const RE2& re, std::string_view s, std::vector<Hit>& hits) {
  scan(re, s, false, [&](size_t b, size_t e) -> size_t {
    // A number starts at the start of its first group: no later start in it can make a hit.
    const size_t skip = first_digits_end(s, b, e);
    if (e - b > kLongestPhone) {
      e = b + kLongestPhone;
      while (e > b && is_digit(s[e])) --e;  // not through a group
    }
    // Right after a hit, the hit's placeholder is what the next pass will see before it.
    const char pc = b > 0 && inside(hits, b - 1) ? '>' : before(s, b);
    if (is_word(pc) || pc == '+' || pc == '#' || pc == '$' || pc == '.' || pc == '/' ||
        ((pc == '-' || pc == ',') && b >= 2 && is_alnum(s[b - 2]) && !inside(hits, b - 2)))
      return skip;
    // The tail of a longer run of digit groups ("IBAN DE89 3704 0044 0532 0130 01" with a wrong
    // check digit, "1Z 999 AA1 01 2345 6784"), unless another kind took the word before.
    if (pc == ' ' && b >= 2 && is_digit(s[b - 2]) && !inside(hits, b - 2)) return skip;
    int context = -1;  // phone_context, asked only when needed
    auto has_context = [&] {
      if (context < 0) context = phone_context(s, b) ? 1 : 0;
      return context == 1;
    };
    size_t found = 0;
    for_each_group_end(s, b, e, [&](size_t end) {
      char nc = at(s, end);
      if (is_word(nc) || nc == '%' || ((nc == '.' || nc == '-' || nc == '/' || nc == ',') && is_digit(at(s, end + 1))))
        return false;
      PhoneShape shape = phone_shape(s.substr(b, end - b));
      if (shape == PhoneShape::none || (shape == PhoneShape::with_context && !has_context())) return false;
      found = end;
      return true;
    });
    if (found == 0) return skip;
    // Reference numbers, not phones: "order #555-123-4567", "ISBN 0-306-40615-2".
    if (!has_context() && in(word_before(s, b), {"order", "invoice", "ref", "reference", "tracking", "isbn", "issn",
                                                 "sku", "serial", "id", "case", "ticket", "account", "acct", "iban",
                                                 "no", "nr", "doi", "pmid", "arxiv", "patent", "part", "model", "lot",
                                                 "batch"}))
      return skip;
    hits.push_back({b, found, Kind::phone});
    return found;
  });
}

void find_cards(const RE2& re, std::string_view s, std::vector<Hit>& hits) {
  scan(re, s, false, [&](size_t b, size_t e) -> size_t {
    char pc = before(s, b);
    if (is_word(pc) || ((pc == '.' || pc == '-' || pc == ',') && is_digit(before(s, b - 1)))) return 0;
    size_t found = 0;
    for_each_group_end(s, b, e, [&](size_t end) {
      char nc = at(s, end);
      if (is_word(nc) || ((nc == '.' || nc == '-' || nc == ',') && is_digit(at(s, end + 1)))) return false;
      if (!is_card_number(s.substr(b, end - b))) return false;
      found = end;
      return true;
    });
    if (found == 0) return first_digits_end(s, b, e);
    hits.push_back({b, found, Kind::credit_card});
    return found;
  });
}

void find_ibans(const RE2& re, std::string_view s, std::vector<Hit>& hits) {
  scan(re, s, false, [&](size_t b, size_t e) -> size_t {
    if (is_word(before(s, b))) return 0;
    int length = iban_length(s.substr(b, 2));
    if (length == 0) return 0;
    size_t end = b;
    int count = 0;
    while (end < e && count < length) {
      if (s[end] != ' ') ++count;
      ++end;
    }
    if (count != length || is_word(at(s, end))) return 0;
    if (!is_iban(s.substr(b, end - b))) return 0;
    hits.push_back({b, end, Kind::iban});
    return end;
  });
}

void find_keys(const RE2& token_re, const RE2& assignment_re, std::string_view s, std::vector<Hit>& hits) {
  scan(token_re, s, true, [&](size_t b, size_t e) -> size_t {
    char pc = before(s, b), nc = at(s, e);
    if (s[b] != '-' && (is_word(pc) || pc == '-' || is_word(nc) || nc == '-')) return 0;
    std::string_view token = s.substr(b, e - b);
    if (token.substr(0, 3) == "sk-" && !looks_generated(token.substr(3))) return 0;
    while (e > b && (s[e - 1] == '\n' || s[e - 1] == ' ' || s[e - 1] == '\r' || s[e - 1] == '\t')) --e;
    hits.push_back({b, e, Kind::api_key});
    return e;
  });
  scan(assignment_re, s, true, [&](size_t b, size_t e) -> size_t {
    if (is_word(at(s, e))) return 0;
    if (!looks_generated(s.substr(b, e - b))) return 0;
    hits.push_back({b, e, Kind::api_key});
    return e;
  });
}

int rank(Kind kind) {
  return static_cast<int>(std::find(std::begin(kPriority), std::end(kPriority), kind) - std::begin(kPriority));
}

}  // namespace

void Detector::find(std::string_view text, std::vector<Hit>& hits) const {
  hits.clear();
  const Patterns& p = *patterns_;
  if (has(kinds_, Kind::email) && text.find('@') != std::string_view::npos) find_emails(p.email, text, hits);
  if (has(kinds_, Kind::url)) find_urls(p.url, text, hits);
  if (has(kinds_, Kind::ip)) find_ips(p.ipv4, p.ipv6, text, hits);
  if (has(kinds_, Kind::credit_card)) find_cards(p.card, text, hits);
  if (has(kinds_, Kind::iban)) find_ibans(p.iban, text, hits);
  if (has(kinds_, Kind::api_key)) find_keys(p.key_token, p.key_assignment, text, hits);
  // Last: a number right after another kind's hit is not the tail of that number.
  if (has(kinds_, Kind::phone)) find_phones(p.phone, text, hits);
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return rank(a.kind) < rank(b.kind);
  });
  size_t kept = 0, last_end = 0;
  for (const Hit& h : hits) {
    if (kept > 0 && h.begin < last_end) continue;
    hits[kept++] = h;
    last_end = h.end;
  }
  hits.resize(kept);
}

size_t Detector::redact(std::string_view text, std::string& out, Counts& counts, std::vector<Hit>& hits) const {
  size_t total = 0;
  std::string round;
  std::string_view in = text;
  for (int pass = 0; pass < kMaxRedactPasses; ++pass) {
    find(in, hits);
    if (hits.empty()) break;
    std::string& dst = pass % 2 == 0 ? out : round;
    dst.clear();
    size_t copied = 0;
    for (const Hit& h : hits) {
      dst.append(in.substr(copied, h.begin - copied));
      dst.append(placeholder(h.kind));
      ++counts[static_cast<size_t>(h.kind)];
      copied = h.end;
    }
    dst.append(in.substr(copied));
    total += hits.size();
    in = dst;
  }
  if (in.data() != out.data()) out.assign(in);
  return total;
}

}  // namespace dqprep::redact
