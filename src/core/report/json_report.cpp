#include "dqprep/report/json_report.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "dqprep/io/io.hpp"
#include "dqprep/io/json_text.hpp"

namespace dqprep::report {

namespace {

// The byte at which nesting first goes deeper than `limit`, or npos.
size_t too_deep_at(std::string_view json, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// nlohmann's message without its "[json.exception...] parse error at line L, column C: " prefix.
std::string parse_message(const char* what) {
  std::string_view m = what;
  size_t column = m.find("column ");
  if (column != std::string_view::npos) {
    size_t colon = m.find(": ", column);
    if (colon != std::string_view::npos) return std::string(m.substr(colon + 2));
  }
  size_t bracket = m.find("] ");
  return std::string(bracket == std::string_view::npos ? m : m.substr(bracket + 2));
}

// Builds the ordered tree as nlohmann's own parser would (a repeated key: the last value wins), but
// appends members to an object's vector instead of searching it for each key: a report with
// 200 000 classes is read in linear time, not quadratic.
class TreeBuilder : public nlohmann::json_sax<Json> {
 public:
  explicit TreeBuilder(Json& root) : root_(root) {}

  bool null() override { return put(Json(nullptr)); }
  bool boolean(bool v) override { return put(Json(v)); }
  bool number_integer(number_integer_t v) override { return put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return put(Json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return put(Json(v)); }
  bool string(string_t& v) override { return put(Json(std::move(v))); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override {
    Json* at = place(Json::object());
    open_.push_back({at, {}});
    return true;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    Json* at = place(Json::array());
    open_.push_back({at, {}});
    return true;
  }
  bool end_array() override {
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    error_position_ = position;
    error_ = e.what();
    return false;
  }

  size_t error_position() const { return error_position_; }
  const std::string& error() const { return error_; }

 private:
  struct Open {
    Json* node;
    std::unordered_map<std::string, size_t> index;  // an object's keys: where each sits
  };

  bool put(Json value) {
    place(std::move(value));
    return true;
  }

  // Puts `value` where the parse is (the root, the next element, or the member of the last key) and
  // returns where it went. Pointers stay valid: a container is complete before its parent grows.
  Json* place(Json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Open& top = open_.back();
    if (top.node->is_array()) {
      auto& array = top.node->get_ref<Json::array_t&>();
      array.push_back(std::move(value));
      return &array.back();
    }
    auto& object = top.node->get_ref<Json::object_t&>();
    auto [it, fresh] = top.index.try_emplace(key_, object.size());
    if (!fresh) {
      Json& member = (object.begin() + static_cast<std::ptrdiff_t>(it->second))->second;
      member = std::move(value);
      return &member;
    }
    object.std::vector<std::pair<const std::string, Json>>::emplace_back(key_, std::move(value));
    return &object.back().second;
  }

  Json& root_;
  std::vector<Open> open_;
  std::string key_;
  size_t error_position_ = 0;
  std::string error_;
};

}  // namespace

size_t line_of(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(offset), '\n'));
}

Result<Json> parse_json_report(std::string_view text, const std::string& name) {
  auto at_line = [&](size_t line, const std::string& message) {
    return Status::bad_input(name + ":" + std::to_string(line) + ": " + message);
  };
  if (size_t deep = too_deep_at(text, json_text::kMaxConfigDepth); deep != std::string_view::npos)
    return at_line(line_of(text, deep),
                   "bad JSON: nested deeper than " + std::to_string(json_text::kMaxConfigDepth) + " levels");
  Json report;
  TreeBuilder builder(report);
  bool parsed = false;
  try {
    parsed = Json::sax_parse(text, &builder);
  } catch (const Json::exception& e) {
    return at_line(1, "bad JSON: " + parse_message(e.what()));
  }
  if (!parsed) {
    // The position is that of the byte after the one the parser stopped at.
    size_t at = builder.error_position();
    return at_line(line_of(text, at == 0 ? 0 : at - 1), "bad JSON: " + parse_message(builder.error().c_str()));
  }
  if (!report.is_object()) return at_line(1, "not a dqprep report (a JSON object with \"stage\" is expected)");
  auto stage = report.find("stage");
  if (stage == report.end() || !stage->is_string())
    return at_line(1, "not a dqprep report (no \"stage\": write it with a stage's --stats or --json)");
  return report;
}

Result<Json> read_json_report(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::string text, io::read_bytes(path));
  return parse_json_report(text, path == "-" ? "<stdin>" : path);
}

}  // namespace dqprep::report
