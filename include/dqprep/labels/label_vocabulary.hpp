#pragma once
// Class labels as ids: a label is its text (a string's text, a number's shortest form, true/false),
// and ids count from 0 in the order labels are first seen (or declared).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dqprep::labels {

// How a label was written in JSON; a label written back (a consensus, a majority) keeps the kind it
// was first seen with.
enum class Kind : uint8_t { string, number, boolean };

// The label text of a JSON number token: an integer token as written ("7", "-12"), any other number
// in the shortest form that reads back exactly ("1.0" -> "1", "2.50" -> "2.5", "1e2" -> "100"), so
// that 1 and 1.0 are the same label. `out` is cleared first; a token that is not a number is copied.
void canonical_number(std::string_view token, std::string& out);

// The value of a label text that is wholly a number ("3", "-0.5", "1e3"), else nullopt. Orders
// numeric labels for ordinal, interval and ratio agreement.
std::optional<double> numeric_value(std::string_view text);

class Vocabulary {
 public:
  // The id of `text`; a new text is added with `kind` and gets the next id.
  int32_t intern(std::string_view text, Kind kind);
  // The id of `text`, or -1.
  int32_t find(std::string_view text) const;

  size_t size() const { return texts_.size(); }
  const std::string& text(int32_t id) const { return texts_[static_cast<size_t>(id)]; }
  Kind kind(int32_t id) const { return kinds_[static_cast<size_t>(id)]; }
  void set_kind(int32_t id, Kind kind) { kinds_[static_cast<size_t>(id)] = kind; }
  // Appends the label as a JSON value: a string literal, or the number / boolean as it reads.
  void append_json(int32_t id, std::string& out) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> texts_;
  std::vector<Kind> kinds_;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> ids_;
};

}  // namespace dqprep::labels
