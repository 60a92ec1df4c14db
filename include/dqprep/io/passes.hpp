#pragma once
// The passes of a multi-pass stage: the driver, not the stage, decides how its inputs are read
// again (io::ReplayableInputs) and which options every pass before the writing one gets.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "dqprep/io/replay.hpp"
#include "dqprep/io/report.hpp"
#include "dqprep/io/status.hpp"
#include "dqprep/io/stream.hpp"

namespace dqprep::stream {

// A pass that only collects state: the workers that put compact per-record bytes in
// Emitter::state(), and the consumer that folds those bytes on the writing thread in input order.
struct Collect {
  ProcessorFactory processor;
  std::function<Status(std::string_view state)> consume;
};

class Passes {
 public:
  // `writing`: the options of the writing pass, with the inputs as the user gave them. Inputs that
  // cannot be read twice are spilled here.
  static Result<std::unique_ptr<Passes>> open(Options writing, std::string stage);

  // The options of a collecting pass: no records, rejects or quarantine written; under
  // --on-error fail the first malformed line ends the run, otherwise malformed lines are skipped
  // (the writing pass quarantines and counts them).
  Options collecting() const;
  // The options of the writing pass, reading the replayable inputs.
  Options writing() const;

  Result<report::Summary> collect(const Collect& pass);
  Result<report::Summary> write(const ProcessorFactory& processor,
                                std::function<Status(std::string_view state)> consume = {});
  // Any pass, with options derived from collecting() or writing(). Every pass after the first
  // checks first that the reread files did not change, and every pass checks again after it.
  Result<report::Summary> run(const Options& pass, const ProcessorFactory& processor);

  // How many passes the run will make, for the progress line (default 2; 0: not known in advance).
  // The writing pass is always the last.
  void plan(int passes) { planned_ = passes; }

  // For a stage that reads the inputs itself (a peek at the first record).
  const io::ReplayableInputs& inputs() const { return *inputs_; }
  int passes_run() const { return passes_run_; }

 private:
  Passes() = default;
  Options writing_;
  std::unique_ptr<io::ReplayableInputs> inputs_;
  std::string stage_;
  int passes_run_ = 0;
  int planned_ = 2;
};

}  // namespace dqprep::stream
