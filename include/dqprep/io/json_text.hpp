#pragma once
// Writing JSON text on the record path without a DOM: strings, numbers, small objects.

#include <cstdint>
#include <string>
#include <string_view>

namespace dqprep::json_text {

// Appends `s` as a JSON string literal (with quotes). Invalid UTF-8 bytes become U+FFFD, so
// the output is always valid JSON.
void append_string(std::string& out, std::string_view s);

// The deepest nesting of arrays and objects in a JSON text (brackets inside strings not counted).
// Configuration files deeper than kMaxConfigDepth are refused before a recursive parser (or the
// destructor of its tree) can exhaust the stack.
inline constexpr size_t kMaxConfigDepth = 256;
size_t nesting_depth(std::string_view json);

// Appends a number: integers exactly, other values with up to 17 significant digits; a
// non-finite value (which JSON cannot hold) is written as null.
void append_number(std::string& out, double value);
void append_number(std::string& out, int64_t value);
void append_number(std::string& out, uint64_t value);

}  // namespace dqprep::json_text
