#include "stages/usage_errors.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "dqprep/text/nearest_word.hpp"

namespace dqprep::stages {

namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// "dqprep model train": the names from the root down to `app`.
std::string command_path(const CLI::App* app) {
  std::string path = app->get_name();
  for (const CLI::App* p = app->get_parent(); p; p = p->get_parent()) path = p->get_name() + " " + path;
  return path;
}

std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options()) {
    for (const std::string& l : opt->get_lnames()) names.push_back("--" + l);
    for (const std::string& s : opt->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::string suggestion(const std::optional<std::string>& nearest, const char* quote = "") {
  return nearest ? std::string(" (did you mean ") + quote + *nearest + quote + "?)" : "";
}

// What `app` itself did not know, or nothing.
std::optional<std::string> unknown_of(const CLI::App* app) {
  std::vector<std::string> extras = app->remaining(false);
  if (extras.empty()) return std::nullopt;
  const std::string where = command_path(app);
  const std::string& first = extras.front();
  if (first.size() > 1 && first[0] == '-') {
    std::string flag = first.substr(0, first.find('='));
    return where + ": unknown flag " + flag + suggestion(nearest_word::nearest(flag, flag_names(*app))) + "\nRun '" +
           where + " --help' for its flags.";
  }
  std::vector<std::string> commands = command_names(*app);
  if (!commands.empty()) {
    return where + ": unknown command '" + first + "'" + suggestion(nearest_word::nearest(first, commands), "'") +
           "; commands: " + joined(commands);
  }
  return where + ": unexpected argument '" + first + "'\nRun '" + where + " --help' for its arguments.";
}

}  // namespace

void keep_unknown_arguments(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->allow_extras();
    keep_unknown_arguments(*sub);
  }
}

std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> commands = command_names(app);
  const std::string name = app.get_name();
  if (argc < 2) {
    return name + ": a command is required: " + joined(commands) + "\nRun '" + name + " --help' for what each does.";
  }
  std::string_view first = argv[1];
  if (first == "-h" || first == "--help" || first == "--version") return std::nullopt;
  if (!first.empty() && first[0] == '-') {
    std::string flag(first.substr(0, first.find('=')));
    std::vector<std::string> owners;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      std::vector<std::string> flags = flag_names(*sub);
      if (std::find(flags.begin(), flags.end(), flag) != flags.end()) owners.push_back(sub->get_name());
    }
    return name + ": unknown flag " + flag + " before the command; a command comes first (" + name +
           " COMMAND [flags])" + (owners.empty() ? "" : "; " + flag + " is a flag of: " + joined(owners)) +
           "\ncommands: " + joined(commands);
  }
  for (const std::string& c : commands) {
    if (c == first) return std::nullopt;
  }
  return name + ": unknown command '" + std::string(first) + "'" +
         suggestion(nearest_word::nearest(first, commands), "'") + "; commands: " + joined(commands);
}

std::optional<std::string> unknown_arguments(CLI::App& app) {
  for (CLI::App* sub = &app; sub;) {
    if (sub != &app) {
      if (std::optional<std::string> message = unknown_of(sub)) return message;
    }
    std::vector<CLI::App*> parsed = sub->get_subcommands();
    if (parsed.empty() && sub != &app && sub->get_require_subcommand_min() > 0) {
      const std::string where = command_path(sub);
      return where + ": a command is required: " + joined(command_names(*sub)) + "\nRun '" + where +
             " --help' for what each does.";
    }
    sub = parsed.empty() ? nullptr : parsed.front();
  }
  return std::nullopt;
}

}  // namespace dqprep::stages
