// Fuzzes the ISO-8601 parser of split --by time (include/dqprep/split/timestamp.hpp): the input is
// one timestamp. Properties: a parsed time is finite and within the years 0000-9999 (give or take
// a zone and a leap second); its date alone parses to the start of that day (UTC); a time without
// a zone equals the same time with "Z".
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dqprep/split/timestamp.hpp"

using namespace dqprep;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::optional<double> t = timestamp::parse_iso8601(input);
  if (!t) return 0;
  static const double kMin = static_cast<double>(timestamp::days_from_civil(0, 1, 1)) * 86400.0 - 86400.0;
  static const double kMax = static_cast<double>(timestamp::days_from_civil(10000, 1, 1)) * 86400.0 + 86400.0;
  if (!std::isfinite(*t) || *t < kMin || *t > kMax) __builtin_trap();

  std::optional<double> day = timestamp::parse_iso8601(input.substr(0, 10));
  if (!day || std::fmod(*day, 86400.0) != 0) __builtin_trap();
  if (input.size() == 10 && *day != *t) __builtin_trap();
  // The time of day and the zone move a time by less than two days from its date.
  if (std::fabs(*t - *day) >= 2 * 86400.0) __builtin_trap();

  const char last = input.back();
  if (input.size() > 10 && last != 'Z' && last != 'z' && input.find_first_of("+-", 11) == std::string_view::npos) {
    std::optional<double> utc = timestamp::parse_iso8601(std::string(input) + "Z");
    if (!utc || *utc != *t) __builtin_trap();
  }
  return 0;
}
