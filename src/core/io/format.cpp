#include "dqprep/io/format.hpp"

namespace dqprep::format {

namespace {

const std::vector<Format>& presets() {
  static const std::vector<Format> all = {
      {"text", {"text"}, "label", "id", std::nullopt},
      {"alpaca", {"instruction", "input", "output"}, "label", "id", Roles{{"instruction", "input"}, "output", "", "", ""}},
      {"chat", {"messages[*].content"}, "label", "id", Roles{{}, "", "messages", "role", "content"}},
      {"sharegpt", {"conversations[*].value"}, "label", "id", Roles{{}, "", "conversations", "from", "value"}},
      {"pair", {"source", "target"}, "label", "id", std::nullopt},
      {"prompt-completion", {"prompt", "completion"}, "label", "id", Roles{{"prompt"}, "completion", "", "", ""}},
  };
  return all;
}

}  // namespace

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Format& f : presets()) n.push_back(f.name);
    return n;
  }();
  return names;
}

Result<Format> preset(std::string_view name) {
  for (const Format& f : presets()) {
    if (f.name == name) return f;
  }
  std::string known;
  for (const std::string& n : preset_names()) known += (known.empty() ? "" : ", ") + n;
  return Status::usage("unknown format '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace dqprep::format
