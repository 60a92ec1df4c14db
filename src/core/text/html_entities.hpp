#pragma once
// Internal to the core: the HTML5 named character reference table (html_entities.cpp).

#include <string_view>

namespace dqprep::text::detail {

// Longest name in the table ("CounterClockwiseContourIntegral"), without '&' and ';'.
inline constexpr size_t kLongestHtmlEntityName = 31;

// The UTF-8 text of the named reference `name` (without '&' and ';'), or an empty view when
// the name is not one of the WHATWG references that end in ';'.
std::string_view lookup_html_entity(std::string_view name);

}  // namespace dqprep::text::detail
