#include "dqprep/io/json_array.hpp"

#include <simdjson.h>

#include <algorithm>

namespace dqprep::json_array {

namespace od = simdjson::ondemand;
using simdjson::error_code;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The element's text: objects and arrays through raw_json (which finds their closing bracket),
// other values as their token.
error_code raw_of(od::value& v, std::string_view& raw) {
  od::json_type type;
  if (auto e = v.type().get(type)) return e;
  if (type == od::json_type::object) {
    od::object obj;
    if (auto e = v.get_object().get(obj)) return e;
    if (auto e = obj.raw_json().get(raw)) return e;
  } else if (type == od::json_type::array) {
    od::array arr;
    if (auto e = v.get_array().get(arr)) return e;
    if (auto e = arr.raw_json().get(raw)) return e;
  } else {
    raw = v.raw_json_token();
  }
  raw = trim_right(raw);
  return simdjson::SUCCESS;
}

// Line numbers of offsets that only grow: counts the newlines between one offset and the next.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  uint64_t line_at(size_t offset) {
    offset = std::min(offset, text_.size());
    line_ += static_cast<uint64_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                              text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    pos_ = offset;
    return line_;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
};

}  // namespace

Status each_element(std::string_view text, const std::function<Status(const Element&)>& visit) {
  size_t first = 0;
  while (first < text.size() && is_space(text[first])) ++first;
  if (first == text.size()) return {};
  LineCounter lines(text);

  // Everything from `offset` on, as one element that could not be split off.
  auto rest = [&](size_t offset, const std::string& why) {
    while (offset < text.size() && (is_space(text[offset]) || text[offset] == ',')) ++offset;
    Element e;
    e.line = lines.line_at(offset);
    e.raw = trim_right(text.substr(std::min(offset, text.size())));
    e.error = why;
    return visit(e);
  };
  auto message = [](error_code e) { return std::string("bad JSON array: ") + simdjson::error_message(e); };

  od::parser parser;
  od::document doc;
  if (auto e = parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc))
    return rest(0, message(e));
  od::json_type type;
  if (auto e = doc.type().get(type)) return rest(0, message(e));
  if (type != od::json_type::array) {
    return rest(0, "the file is not a JSON array (a JSON Lines file converts with --from jsonl; one object is an array of one: [{...}])");
  }
  od::array arr;
  if (auto e = doc.get_array().get(arr)) return rest(0, message(e));
  size_t next = first + 1;  // after '[': where the next element's text may start
  for (auto element : arr) {
    od::value v;
    std::string_view raw;
    error_code e = element.get(v);
    if (!e) e = raw_of(v, raw);
    if (e) return rest(next, message(e));
    size_t offset = static_cast<size_t>(raw.data() - text.data());
    Element out;
    out.raw = raw;
    out.line = lines.line_at(offset);
    DQPREP_RETURN_IF_ERROR(visit(out));
    next = offset + raw.size();
  }
  return {};
}

}  // namespace dqprep::json_array
