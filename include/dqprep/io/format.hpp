#pragma once
// Format presets: which fields of a record hold its text, its label and its id.

#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::format {

struct Format {
  std::string name;
  std::vector<std::string> text_paths;  // in the order their texts are joined
  std::string label_path = "label";
  std::string id_path = "id";
};

// The names accepted by --format, in the order --help lists them.
const std::vector<std::string>& preset_names();

// The preset called `name`, or a usage error naming the accepted ones.
Result<Format> preset(std::string_view name);

}  // namespace dqprep::format
