#pragma once
// Usage errors that CLI11 words poorly: an unknown command ("A subcommand is required") and an
// unknown flag (not naming the command, no suggestion). Each function returns the message to
// print (exit 2), or nothing when the command line has no such error.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace dqprep::stages {

// Lets every subcommand of `app` (recursively) keep the arguments it does not know, so that
// unknown_arguments() can name them with their subcommand; call before parsing.
void keep_unknown_arguments(CLI::App& app);

// Before parsing: the first argument is neither a command nor a flag of `app`, or there is none.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv);

// After parsing (also after a failed parse): the arguments a parsed subcommand did not know, as
// "dqprep filter: unknown flag --min-word (did you mean --min-words?)", or the command a parsed
// subcommand needs and was not given ("dqprep model: a command is required: train, ...").
std::optional<std::string> unknown_arguments(CLI::App& app);

}  // namespace dqprep::stages
