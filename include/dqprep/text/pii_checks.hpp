#pragma once
// The checks that turn a pattern match into a finding of personal data (redact.hpp): checksums
// (Luhn for card numbers, ISO 7064 mod 97-10 for IBANs) and the shapes of phone numbers and IP
// addresses. Each takes the matched text alone; the context around it is redact.cpp's business.

#include <string_view>

namespace dqprep::redact {

// The Luhn check over the digits of `text` (other characters skipped). False without digits.
bool luhn_valid(std::string_view text);

// A payment card number: 13 to 19 digits, written plain or in groups of a card's layout (4-4-4-4,
// 4-4-4-4-3, 4-6-5, 4-6-4) with single spaces or hyphens throughout, an issuer prefix of a card
// network (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro) with a length that
// network issues, and the Luhn check.
bool is_card_number(std::string_view text);

// The IBAN length of a country (the SWIFT IBAN registry), or 0 for a code without IBANs.
int iban_length(std::string_view country);

// An IBAN: country code, check digits, BBAN, at the registry's length for the country, upper case,
// plain or in groups of four separated by single spaces, whose mod 97 is 1.
bool is_iban(std::string_view text);

// A dotted-quad IPv4 address: four numbers 0-255 without leading zeros.
bool is_ipv4(std::string_view text);
// An IPv6 address as inet_pton reads it, with at least one digit and, unless it has "::", eight
// groups (so "cafe::beef" or "12:30:45" are not taken).
bool is_ipv6(std::string_view text);

// A phone number by its written shape (digits and the separators space, '-', '.', '/', '(' ')'):
// "+" and a country code, then 7 to 14 more digits in groups; or a national number of 10 or 11
// digits in the layouts of North America (415-555-2671, (415) 555-2671, 1-800-555-0199), of
// countries with a trunk 0 (020 7946 0958, 030 12345678, 01 23 45 67 89), an area code in
// parentheses, or Chinese mobiles (138 0013 8000). With `context` (a word like "phone" or "tel"
// just before), any grouped number of 7 to 15 digits, and 10 or 11 digits written plain.
bool is_phone_number(std::string_view text, bool context);
// The same in one pass: a phone without context, one only with it, or none.
enum class PhoneShape { none, with_context, phone };
PhoneShape phone_shape(std::string_view text);

// Whether a secret-looking value has the variety of a generated key: letters and digits, and at
// least 3 bits of Shannon entropy a character. "YOUR_API_KEY_HERE" and "aaaaaaaaaaaaaaaa1" fail.
bool looks_generated(std::string_view value);

}  // namespace dqprep::redact
