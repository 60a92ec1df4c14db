#include "dqprep/text/redact.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dqprep/text/pii_checks.hpp"

namespace dqprep::redact {
namespace {

std::string redacted(std::string_view text, KindSet kinds = kAllKinds) {
  static const Detector all(kAllKinds);
  Detector some(kinds);
  const Detector& d = kinds == kAllKinds ? all : some;
  std::string out;
  Counts counts{};
  std::vector<Hit> hits;
  d.redact(text, out, counts, hits);
  return out;
}

TEST(PiiChecks, Luhn) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_TRUE(luhn_valid("4111 1111 1111 1111"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_TRUE(luhn_valid("79927398713"));  // the textbook example
  EXPECT_FALSE(luhn_valid(""));
}

TEST(PiiChecks, CardNumbers) {
  EXPECT_TRUE(is_card_number("378282246310005"));      // Amex, 15
  EXPECT_TRUE(is_card_number("3782 822463 10005"));    // its layout
  EXPECT_FALSE(is_card_number("3782 8224 6310 005"));  // not a card layout
  EXPECT_FALSE(is_card_number("4111 1111-1111 1111"));  // mixed separators
  EXPECT_FALSE(is_card_number("356938035643809"));     // an IMEI: Luhn-valid, no network's prefix
  EXPECT_FALSE(is_card_number("4111111111111"));       // Visa prefix, Luhn-invalid 13 digits
  EXPECT_FALSE(is_card_number("5555555555554"));       // Mastercard is 16 digits
}

TEST(PiiChecks, Iban) {
  EXPECT_EQ(iban_length("DE"), 22);
  EXPECT_EQ(iban_length("US"), 0);
  EXPECT_TRUE(is_iban("DE89370400440532013000"));
  EXPECT_TRUE(is_iban("DE89 3704 0044 0532 0130 00"));
  EXPECT_FALSE(is_iban("DE89 3704 0044 0532 0130 01"));  // check digits
  EXPECT_FALSE(is_iban("DE89 370 40044 0532 0130 00"));  // groups of four
  EXPECT_FALSE(is_iban("DE89370400440532013"));          // length of Germany
  EXPECT_FALSE(is_iban("de89370400440532013000"));
}

TEST(PiiChecks, Addresses) {
  EXPECT_TRUE(is_ipv4("192.168.1.1"));
  EXPECT_FALSE(is_ipv4("256.1.1.1"));
  EXPECT_FALSE(is_ipv4("01.2.3.4"));
  EXPECT_FALSE(is_ipv4("1.2.3"));
  EXPECT_TRUE(is_ipv6("2001:db8::1"));
  EXPECT_FALSE(is_ipv6("cafe::beef"));  // no digit: a word more likely
  EXPECT_FALSE(is_ipv6("12:30:45"));
}

TEST(PiiChecks, PhoneShapes) {
  EXPECT_TRUE(is_phone_number("(415) 555-2671", false));
  EXPECT_TRUE(is_phone_number("+44 20 7946 0958", false));
  EXPECT_TRUE(is_phone_number("020 7946 0958", false));
  EXPECT_FALSE(is_phone_number("978-3-16-148410-0", false));  // ISBN
  EXPECT_FALSE(is_phone_number("2023-01-15", false));
  EXPECT_FALSE(is_phone_number("912 345 678", false));
  EXPECT_TRUE(is_phone_number("912 345 678", true));  // after "Tel:"
  EXPECT_FALSE(is_phone_number("415-555.2671", false));  // mixed separators
}

TEST(PiiChecks, GeneratedValues) {
  EXPECT_TRUE(looks_generated("A1b2C3d4E5f6G7h8I9j0K1"));
  EXPECT_FALSE(looks_generated("YOUR_API_KEY_HERE"));
  EXPECT_FALSE(looks_generated("aaaaaaaaaaaaaaaa1"));
}

TEST(Redact, ParseKinds) {
  EXPECT_EQ(*parse_kinds("--redact", "all"), kAllKinds);
  KindSet s = *parse_kinds("--redact", "email, credit-card,api_key");
  EXPECT_TRUE(has(s, Kind::email) && has(s, Kind::credit_card) && has(s, Kind::api_key));
  EXPECT_FALSE(has(s, Kind::phone));
  EXPECT_FALSE(parse_kinds("--redact", "email,").ok());
  EXPECT_FALSE(parse_kinds("--redact", "emails").ok());
  EXPECT_FALSE(parse_kinds("--redact", "").ok());
}

TEST(Redact, PlaceholdersAndCounts) {
  Detector d(kAllKinds);
  std::string out;
  Counts counts{};
  std::vector<Hit> hits;
  EXPECT_EQ(d.redact("Mail a@example.com or b@example.org, call +1 415 555 2671.", out, counts, hits), 3u);
  EXPECT_EQ(out, "Mail <EMAIL> or <EMAIL>, call <PHONE>.");
  EXPECT_EQ(counts[static_cast<size_t>(Kind::email)], 2u);
  EXPECT_EQ(counts[static_cast<size_t>(Kind::phone)], 1u);
  // Redacting the result finds nothing more.
  std::string again;
  EXPECT_EQ(d.redact(out, again, counts, hits), 0u);
}

TEST(Redact, OnlyTheChosenKinds) {
  KindSet email = static_cast<KindSet>(1u << static_cast<unsigned>(Kind::email));
  EXPECT_EQ(redacted("a@example.com 192.168.1.1", email), "<EMAIL> 192.168.1.1");
  // An address inside a URL is part of the URL; without url, the address alone goes.
  EXPECT_EQ(redacted("https://x.example/?u=bob@example.com"), "<URL>");
  EXPECT_EQ(redacted("https://x.example/?u=bob@example.com", email), "https://x.example/?u=<EMAIL>");
}

TEST(Redact, ContextDecides) {
  EXPECT_EQ(redacted("Tel: 912 345 678"), "Tel: <PHONE>");
  EXPECT_EQ(redacted("order #123-456-7890"), "order #123-456-7890");
  EXPECT_EQ(redacted("version 1.2.3.4"), "version 1.2.3.4");
  EXPECT_EQ(redacted("server 1.2.3.4"), "server <IP>");
  EXPECT_EQ(redacted("api_key = 'A1b2C3d4E5f6G7h8I9j0K1'"), "api_key = '<API_KEY>'");
  EXPECT_EQ(redacted("api_key = 'YOUR_API_KEY_HERE_PLEASE'"), "api_key = 'YOUR_API_KEY_HERE_PLEASE'");
}

// Redacting redacted text changes nothing, on random texts of items, look-alikes and numbers side
// by side (a placeholder must not become context for the next item).
TEST(Redact, SecondPassFindsNothing) {
  static const std::vector<std::string> pieces = {
      "jane@example.com", "+1 415 555 2671", "020 7946 0958", "(415) 555-2671", "192.168.1.1", "2001:db8::1",
      "https://example.com/a?b=1", "www.example.org", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00",
      "AKIAIOSFODNN7EXAMPLE", "api_key = 'A1b2C3d4E5f6G7h8I9j0K1'", "2023-01-15", "v1.2.3.4", "12", "3.5", "$19.99",
      "order #123", "tel:", "Phone", "call", " ", " ", ", ", "-", "(", ")", ".", "\n", "x", "the"};
  Detector d(kAllKinds);
  std::vector<Hit> hits;
  Counts counts{};
  std::string once, twice;
  uint64_t state = 12345;
  auto next = [&](size_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>((state >> 33) % n);
  };
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    size_t n = 1 + next(10);
    for (size_t k = 0; k < n; ++k) text += pieces[next(pieces.size())];
    d.redact(text, once, counts, hits);
    ASSERT_EQ(d.redact(once, twice, counts, hits), 0u) << "text: " << text << "\nonce: " << once << "\ntwice: " << twice;
  }
}

// ---- the labelled set -------------------------------------------------------------------------

struct Tally {
  uint64_t positives = 0, found = 0, hits = 0, false_hits = 0;
  double precision() const { return hits ? static_cast<double>(hits - false_hits) / static_cast<double>(hits) : 1.0; }
  double recall() const { return positives ? static_cast<double>(found) / static_cast<double>(positives) : 1.0; }
};

// tests/data/pii/labelled.jsonl: each positive snippet holds one item of its kind (`pii`, the
// exact text to redact); each negative none (versions, dates, prices, ISBNs, hashes, look-alikes).
// A hit is right when it is of the snippet's kind and covers exactly `pii`; any other hit is a
// false positive. Precision = right hits / hits; recall = positives found / positives.
struct Measured {
  Tally all;
  std::array<Tally, kKinds> by_kind{};
  uint64_t negatives = 0, negatives_hit = 0;
};

Measured measure(const std::string& name) {
  Measured m;
  std::ifstream in(std::string(DQPREP_TEST_DATA) + "/pii/" + name);
  EXPECT_TRUE(in.good()) << name;
  Detector d(kAllKinds);
  std::vector<Hit> hits;
  Tally& all = m.all;
  std::array<Tally, kKinds>& by_kind = m.by_kind;
  uint64_t &negatives = m.negatives, &negatives_hit = m.negatives_hit;
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json c = nlohmann::json::parse(line);
    const std::string text = c["text"];
    d.find(text, hits);
    if (c["kind"].is_null()) {
      ++negatives;
      negatives_hit += !hits.empty();
      for (const Hit& h : hits) {
        Tally& t = by_kind[static_cast<size_t>(h.kind)];
        ++t.hits;
        ++t.false_hits;
        ++all.hits;
        ++all.false_hits;
        std::cout << "  false positive (" << kind_name(h.kind) << "): " << text.substr(h.begin, h.end - h.begin)
                  << "   in: " << text << "\n";
      }
      continue;
    }
    const std::string kind = c["kind"], pii = c["pii"];
    size_t k = 0;
    while (kind_name(static_cast<Kind>(k)) != kind) ++k;
    ++by_kind[k].positives;
    ++all.positives;
    const size_t at = text.find(pii);
    bool found = false;
    for (const Hit& h : hits) {
      Tally& t = by_kind[static_cast<size_t>(h.kind)];
      ++t.hits;
      ++all.hits;
      if (static_cast<size_t>(h.kind) == k && h.begin == at && h.end == at + pii.size()) {
        found = true;
      } else {
        ++t.false_hits;
        ++all.false_hits;
        std::cout << "  wrong hit (" << kind_name(h.kind) << "): " << text.substr(h.begin, h.end - h.begin)
                  << "   in: " << text << "\n";
      }
    }
    if (found) {
      ++by_kind[k].found;
      ++all.found;
    } else {
      std::cout << "  missed (" << kind << "): " << pii << "\n";
    }
  }
  std::cout << name << "\n" << std::fixed << std::setprecision(3)
            << "kind          positives  found  recall  hits  false  precision\n";
  auto row = [&](std::string_view name, const Tally& t) {
    std::cout << std::left << std::setw(14) << name << std::right << std::setw(9) << t.positives << std::setw(7)
              << t.found << std::setw(8) << t.recall() << std::setw(6) << t.hits << std::setw(7) << t.false_hits
              << std::setw(11) << t.precision() << "\n";
  };
  for (size_t k = 0; k < kKinds; ++k) row(kind_name(static_cast<Kind>(k)), by_kind[k]);
  row("all", all);
  std::cout << "negatives: " << negatives << ", with a hit: " << negatives_hit << "\n";
  return m;
}

// The set the detector was written against.
TEST(Redact, LabelledSetPrecisionAndRecall) {
  Measured m = measure("labelled.jsonl");
  EXPECT_GE(m.all.positives, 200u);
  EXPECT_GE(m.negatives, 200u);
  // The figures of docs/normalize.md, as lower bounds.
  EXPECT_GE(m.all.precision(), 0.99);
  EXPECT_GE(m.all.recall(), 0.98);
  for (size_t k = 0; k < kKinds; ++k) {
    EXPECT_GE(m.by_kind[k].precision(), 0.98) << kind_name(static_cast<Kind>(k));
    EXPECT_GE(m.by_kind[k].recall(), 0.90) << kind_name(static_cast<Kind>(k));
  }
}

// Snippets written after the detector was frozen, measured once and left as they came out.
TEST(Redact, HoldoutSetPrecisionAndRecall) {
  Measured m = measure("holdout.jsonl");
  EXPECT_EQ(m.all.positives, 30u);
  EXPECT_EQ(m.negatives, 30u);
  EXPECT_GE(m.all.precision(), 0.96);  // measured 30 of 30 right hits, 0 false
  EXPECT_GE(m.all.recall(), 0.96);  // measured 30 of 30 found
}

}  // namespace
}  // namespace dqprep::redact
