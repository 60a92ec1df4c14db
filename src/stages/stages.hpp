#pragma once
// The subcommands. Each setup_<name> declares its subcommand on the app and returns what runs it.

#include "stages/common.hpp"

namespace dqprep::stages {

StageRunner setup_convert(CLI::App& app);
StageRunner setup_normalize(CLI::App& app);
StageRunner setup_dedup(CLI::App& app);
StageRunner setup_augment(CLI::App& app);
StageRunner setup_filter(CLI::App& app);
StageRunner setup_label_check(CLI::App& app);
StageRunner setup_metrics(CLI::App& app);
StageRunner setup_split(CLI::App& app);
StageRunner setup_select(CLI::App& app);
StageRunner setup_sample(CLI::App& app);
StageRunner setup_weak_label(CLI::App& app);
StageRunner setup_model(CLI::App& app);
StageRunner setup_report(CLI::App& app);

}  // namespace dqprep::stages
