#include "dqprep/io/passes.hpp"

namespace dqprep::stream {

Result<std::unique_ptr<Passes>> Passes::open(Options writing, std::string stage) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::ReplayableInputs> inputs, io::ReplayableInputs::open(writing.inputs));
  std::unique_ptr<Passes> p(new Passes());
  p->inputs_ = std::move(inputs);
  writing.inputs = p->inputs_->paths();
  writing.names = p->inputs_->names();
  p->writing_ = std::move(writing);
  p->stage_ = std::move(stage);
  return p;
}

Options Passes::collecting() const {
  Options o = writing_;
  o.write_records = false;
  o.rejects.clear();
  o.quarantine.clear();
  if (o.on_error != ErrorPolicy::fail) o.on_error = ErrorPolicy::skip;
  o.consume_state = {};
  o.in_order = {};
  return o;
}

Options Passes::writing() const { return writing_; }

Result<report::Summary> Passes::collect(const Collect& pass) {
  Options o = collecting();
  o.consume_state = pass.consume;
  return run(o, pass.processor);
}

Result<report::Summary> Passes::write(const ProcessorFactory& processor,
                                      std::function<Status(std::string_view state)> consume) {
  Options o = writing();
  o.consume_state = std::move(consume);
  return run(o, processor);
}

Result<report::Summary> Passes::run(const Options& pass, const ProcessorFactory& processor) {
  if (passes_run_ > 0) DQPREP_RETURN_IF_ERROR(inputs_->check_unchanged());
  Options o = pass;
  o.pass = passes_run_ + 1;
  o.passes = pass.write_records ? o.pass : planned_ >= o.pass ? planned_ : 0;
  o.inputs = inputs_->paths();
  o.names = inputs_->names();
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary, stream::run(o, processor, stage_));
  DQPREP_RETURN_IF_ERROR(inputs_->check_unchanged());
  ++passes_run_;
  return summary;
}

}  // namespace dqprep::stream
