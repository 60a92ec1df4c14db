// dqprep model: a classifier in the loop (fastText, linked as a library). The subcommands live in
// one file each: model_train.cpp, model_predict.cpp, model_eval.cpp, model_crossval.cpp.
#include <vector>

#include "stages/model/model_shared.hpp"
#include "stages/stages.hpp"

namespace dqprep::stages {

StageRunner setup_model(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("model", "Train, apply and evaluate a text classifier (fastText); cross-fit out-of-sample probabilities");
  sub->require_subcommand(1);
  sub->footer(
      "Subcommands: train, predict, eval, crossval. Run 'dqprep model SUBCOMMAND --help' for their flags.\n"
      "Example (label errors in one line):\n"
      "  dqprep model crossval data.jsonl | dqprep label-check --probs-field _probs --classes A,B,C --drop");
  std::vector<model_stage::Subcommand> subs = {model_stage::setup_train(*sub), model_stage::setup_predict(*sub),
                                               model_stage::setup_eval(*sub), model_stage::setup_crossval(*sub)};
  return [subs]() -> Status {
    for (const auto& [command, run] : subs) {
      if (command->parsed()) return run();
    }
    return Status::usage("a subcommand is required: train, predict, eval or crossval");
  };
}

}  // namespace dqprep::stages
