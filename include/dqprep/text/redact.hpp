#pragma once
// Personal data and secrets in text: found (RE2 patterns, then the checks of pii_checks.hpp) and
// replaced by placeholders. What each kind finds, and what it leaves alone on purpose:
//
//   email        local@domain.tld (ASCII; a TLD of letters). Not "icon@2x.png" (image names), not
//                "pkg@1.2.3" (a version), not "user@localhost".
//   phone        is_phone_number's shapes; "Tel: ..."-like words before a number allow more. Not
//                after "order", "invoice", "ISBN", "#", ... (reference numbers).
//   ip           IPv4 and IPv6 addresses, with or without a port. Not 0.0.0.0, 127.x, 255.x (masks),
//                ::1, and not after "version", "v", "build", "section", "OID", ... (dotted
//                numbers of other kinds), nor inside a longer dotted number.
//   url          http://, https://, ftp:// and www. addresses, without trailing punctuation or an
//                unbalanced closing bracket.
//   credit_card  is_card_number: a card network's prefix and length, its layout, the Luhn check.
//   iban         is_iban: the registry's length for the country and the mod-97 check.
//   api_key      tokens with a provider's prefix (AWS, GitHub, GitLab, Slack, Stripe, Google,
//                OpenAI, Anthropic, Hugging Face, npm, SendGrid, Twilio), JSON Web Tokens, PEM
//                private key blocks; and the value of an assignment to a name like api_key,
//                secret_key, access_token or client_secret when it looks generated.
//
// Hits never overlap: the earliest wins, then the longest (an address inside a URL is part of the
// URL). Measured on tests/data/pii/labelled.jsonl (docs/normalize.md).

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::redact {

enum class Kind : uint8_t { email, phone, ip, url, credit_card, iban, api_key };
inline constexpr size_t kKinds = 7;

// "email", "phone", "ip", "url", "credit_card", "iban", "api_key": the keys of _redacted.
std::string_view kind_name(Kind kind);
// "<EMAIL>", "<PHONE>", "<IP>", "<URL>", "<CREDIT_CARD>", "<IBAN>", "<API_KEY>".
std::string_view placeholder(Kind kind);

// A set of kinds, bit i for Kind i.
using KindSet = uint8_t;
inline constexpr KindSet kAllKinds = (1u << kKinds) - 1;
inline bool has(KindSet set, Kind kind) { return (set >> static_cast<unsigned>(kind)) & 1u; }

// A flag value "email,phone,credit-card" (names as kind_name, '-' for '_' too, spaces around
// items allowed) or "all"; a usage Status naming `flag` for an unknown or empty item.
Result<KindSet> parse_kinds(std::string_view flag, std::string_view list);

struct Hit {
  size_t begin = 0, end = 0;  // bytes of the text
  Kind kind = Kind::email;
};

using Counts = std::array<uint64_t, kKinds>;

inline constexpr int kMaxRedactPasses = 4;

// The compiled patterns of a set of kinds. Thread-safe: one for all workers.
class Detector {
 public:
  explicit Detector(KindSet kinds);
  ~Detector();
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  KindSet kinds() const { return kinds_; }

  // The hits in `text` (valid UTF-8), in order, not overlapping; `hits` is cleared first.
  void find(std::string_view text, std::vector<Hit>& hits) const;

  // `text` with each hit replaced by its placeholder into `out` (cleared first); adds the hits
  // to `counts` and returns how many there were. `hits` is scratch space; `text` must not view
  // `out`. When there were hits, the result is searched again (a placeholder can complete the
  // boundary of an item glued to the one it replaced: "2001:db8::1jane@example.com"), at most
  // kMaxRedactPasses times in all, so that redacting the result finds nothing more.
  size_t redact(std::string_view text, std::string& out, Counts& counts, std::vector<Hit>& hits) const;

 private:
  struct Patterns;
  KindSet kinds_;
  std::unique_ptr<Patterns> patterns_;
};

}  // namespace dqprep::redact
