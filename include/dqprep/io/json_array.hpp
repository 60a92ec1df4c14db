#pragma once
// The elements of a JSON array file (`[{...}, {...}]`, as many tools export), one by one, each with
// the line where it starts. The file is read whole: simdjson indexes it in one go.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "dqprep/io/status.hpp"

namespace dqprep::json_array {

struct Element {
  std::string_view raw;  // the element's JSON text as in the file (it may span lines)
  uint64_t line = 0;     // the 1-based line where it starts
  // Not empty: the text from `line` on cannot be split into elements (the file is not one JSON
  // array, or an element is broken so that its end cannot be found); `raw` is all the rest of the
  // file, and no element follows.
  std::string error;
};

// Calls `visit` for each element of the array in `text`, in order, until it returns an error
// (returned as is). `text` must be followed by simdjson::SIMDJSON_PADDING readable bytes. The
// elements are not validated beyond their brackets: parse each one (record::Parser does). A text
// of white space only has no element.
Status each_element(std::string_view text, const std::function<Status(const Element&)>& visit);

}  // namespace dqprep::json_array
