#pragma once
// Numbers as text for messages, tables and parameter strings: the one formatter every stage uses.

#include <charconv>
#include <cstdio>
#include <string>
#include <system_error>

namespace dqprep::util {

// Shortest text that reads back as the same double ("0.1", "257", "1e-05").
inline std::string number_text(double value) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "?";
  return std::string(buf, ptr);
}

// printf's %.Ng: `significant` significant digits, trailing zeros dropped ("0.123457" for 6, the
// precision of a plain %g).
inline std::string number_text(double value, int significant) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, value);
  return buf;
}

}  // namespace dqprep::util
