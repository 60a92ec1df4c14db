#include "dqprep/labels/label_vocabulary.hpp"

#include <charconv>
#include <cmath>

#include "dqprep/io/json_text.hpp"

namespace dqprep::labels {

void canonical_number(std::string_view token, std::string& out) {
  out.clear();
  bool integer = !token.empty();
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if (!(c >= '0' && c <= '9') && !(c == '-' && i == 0)) integer = false;
  }
  if (integer && token != "-") {
    out.assign(token == "-0" ? std::string_view("0") : token);
    return;
  }
  double value = 0;
  auto r = std::from_chars(token.data(), token.data() + token.size(), value);
  if (r.ec != std::errc() || r.ptr != token.data() + token.size() || !std::isfinite(value)) {
    out.assign(token);
    return;
  }
  if (value == 0) value = 0;  // -0.0 -> 0
  char buf[32];
  auto w = std::to_chars(buf, buf + sizeof buf, value);
  out.assign(buf, w.ptr);
}

std::optional<double> numeric_value(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

int32_t Vocabulary::intern(std::string_view text, Kind kind) {
  // Most label sets are small: a scan of a few short strings beats hashing.
  if (texts_.size() <= 8) {
    for (size_t i = 0; i < texts_.size(); ++i) {
      if (texts_[i] == text) return static_cast<int32_t>(i);
    }
  } else {
    auto it = ids_.find(text);
    if (it != ids_.end()) return it->second;
  }
  auto id = static_cast<int32_t>(texts_.size());
  texts_.emplace_back(text);
  kinds_.push_back(kind);
  ids_.emplace(std::string(text), id);
  return id;
}

int32_t Vocabulary::find(std::string_view text) const {
  auto it = ids_.find(text);
  return it == ids_.end() ? -1 : it->second;
}

void Vocabulary::append_json(int32_t id, std::string& out) const {
  const std::string& t = text(id);
  if (kind(id) == Kind::string) {
    json_text::append_string(out, t);
  } else {
    out += t;
  }
}

}  // namespace dqprep::labels
