#pragma once
// Format presets: which fields of a record hold its text, its label and its id.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::format {

// Where an instruction format keeps each role's text (for `filter --sft`): either one prompt (the
// texts at `prompt_paths`, joined with a newline) and one answer at `answer_path`, or a list of
// turns at `turns`, each an object with its role under `role_key` and its text under `text_key`.
struct Roles {
  std::vector<std::string> prompt_paths;
  std::string answer_path;
  std::string turns;
  std::string role_key;
  std::string text_key;
};

struct Format {
  std::string name;
  std::vector<std::string> text_paths;  // in the order their texts are joined
  std::string label_path = "label";
  std::string id_path = "id";
  std::optional<Roles> roles;  // instruction formats only
};

// The names accepted by --format, in the order --help lists them.
const std::vector<std::string>& preset_names();

// The preset called `name`, or a usage error naming the accepted ones.
Result<Format> preset(std::string_view name);

}  // namespace dqprep::format
