#pragma once
// The subcommands. Each setup_<name> declares its subcommand on the app and returns what runs it.

#include "stages/common.hpp"

namespace dqprep::stages {

StageRunner setup_normalize(CLI::App& app);
StageRunner setup_metrics(CLI::App& app);

}  // namespace dqprep::stages
