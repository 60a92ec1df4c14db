#pragma once
// Times of records as seconds since the Unix epoch, from ISO-8601 text.

#include <optional>
#include <string_view>

namespace dqprep::timestamp {

// Seconds since 1970-01-01T00:00:00Z of an ISO-8601 date or date-time in the extended format:
//   YYYY-MM-DD
//   YYYY-MM-DDThh:mm[:ss[.fraction]][zone]
// with 'T', 't' or one space between date and time; the zone Z, z, +hh:mm, +hhmm or +hh (or '-');
// a time without a zone is taken as UTC. Years 0000-9999 (proleptic Gregorian), seconds up to 60
// (a leap second counts as the first second of the next minute), fractions of any length (',' or
// '.'). nullopt for anything else: another shape, an impossible date (2023-02-29) or time (25:00).
std::optional<double> parse_iso8601(std::string_view text);

// Days from 1970-01-01 to the date y-m-d of the proleptic Gregorian calendar (negative before).
long long days_from_civil(long long y, unsigned m, unsigned d);

}  // namespace dqprep::timestamp
