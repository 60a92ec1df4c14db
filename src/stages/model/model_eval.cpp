// dqprep model eval: a trained model scored on labelled records (accuracy, macro-F1, per class,
// confusion, error analysis by slice), with gates.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "dqprep/io/io.hpp"
#include "dqprep/io/state_bytes.hpp"
#include "dqprep/model/evaluation.hpp"
#include "stages/model/model_eval_report.hpp"
#include "stages/model/model_shared.hpp"

namespace dqprep::stages::model_stage {

namespace {

struct EvalOptions {
  CommonOptions common;
  std::string model_path;
  ReportFlags report;
};

struct Setup {
  Fields fields;
  model::Classifier classifier;
  std::optional<record::Path> slice;
  bool slice_by_length = false;
};

// The state of a labelled record: its label, the index of the predicted model label, its slice.
class EvalProcessor : public stream::RecordProcessor {
 public:
  explicit EvalProcessor(const Setup& setup) : setup_(setup), reader_(setup.fields) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    DQPREP_RETURN_IF_ERROR(reader_.read(parser_, label_, text_));
    if (!label_) {
      out.reject(line.text, "no_label");
      return {};
    }
    setup_.classifier.predict(text_, probs_);
    const std::vector<std::string>& labels = setup_.classifier.labels();
    uint32_t top = 0;  // ties to the label first in byte order, whatever fastText's order
    for (uint32_t i = 1; i < probs_.size(); ++i) {
      if (probs_[i] > probs_[top] || (probs_[i] == probs_[top] && labels[i] < labels[top])) top = i;
    }
    state_bytes::put_bytes(out.state(), *label_);
    state_bytes::put(out.state(), top);
    std::string slice;
    DQPREP_RETURN_IF_ERROR(slice_of(slice));
    state_bytes::put_bytes(out.state(), slice);
    out.keep(line.text);
    return {};
  }

 private:
  Status slice_of(std::string& slice) {
    if (setup_.slice_by_length) {
      slice = model::length_bucket(char_count(text_));
    } else if (setup_.slice) {
      std::optional<std::string_view> value;
      DQPREP_RETURN_IF_ERROR(parser_.scalar_text(*setup_.slice, value));
      slice = value ? std::string(*value) : std::string("(missing)");
      if (slice.empty()) slice = "(empty)";
    }
    return {};
  }

  const Setup& setup_;
  record::Parser parser_;
  RecordReader reader_;
  std::optional<std::string> label_;
  std::string text_;
  std::vector<double> probs_;
};

struct Scored {
  std::string truth;
  uint32_t predicted;
  std::string slice;
};

Status run_eval(const EvalOptions& o) {
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> gates, checks::load(o.report.gates));
  Setup setup;
  setup.fields = fields;
  if (o.report.slice_field == "length") {
    setup.slice_by_length = true;
  } else if (!o.report.slice_field.empty()) {
    DQPREP_ASSIGN_OR_RETURN(record::Path slice, record::parse_path(o.report.slice_field));
    setup.slice = slice;
  }
  DQPREP_ASSIGN_OR_RETURN(model::Classifier classifier, model::Classifier::load(o.model_path));
  setup.classifier = std::move(classifier);

  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.write_records = false;
  std::vector<Scored> scored;
  so.consume_state = [&](std::string_view state) -> Status {
    state_bytes::Reader r(state);
    while (!r.done()) {
      Scored s;
      s.truth = std::string(r.get_bytes());
      s.predicted = r.get<uint32_t>();
      s.slice = std::string(r.get_bytes());
      scored.push_back(std::move(s));
    }
    return {};
  };
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<EvalProcessor>(setup); }, "model eval"));

  const std::vector<std::string>& labels = setup.classifier.labels();
  std::vector<std::string> seen = labels;
  for (const Scored& s : scored) seen.push_back(s.truth);
  DQPREP_ASSIGN_OR_RETURN(std::vector<std::string> classes, class_order(o.report.classes, seen));
  std::vector<size_t> class_of_label(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    class_of_label[i] = static_cast<size_t>(std::find(classes.begin(), classes.end(), labels[i]) - classes.begin());
  }
  model::Evaluation evaluation(classes);
  for (const Scored& s : scored) {
    size_t truth = static_cast<size_t>(std::find(classes.begin(), classes.end(), s.truth) - classes.begin());
    evaluation.add(truth, class_of_label[s.predicted], s.slice);
  }
  summary.figures["model"] = o.model_path;
  return report_evaluation(o.common, o.report, gates, evaluation, summary, {{"model"}}, {"no_label"});
}

}  // namespace

Subcommand setup_eval(CLI::App& model) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* sub = model.add_subcommand("eval", "Score a trained model on labelled records");
  sub->footer(
      "Records without a label are not scored (rejected as no_label). The report goes to stderr (a table),\n"
      "--json and --markdown; --stats holds the same figures. Gates: --check 'macro_f1 >= 0.8'.\n"
      "Example:\n"
      "  dqprep model eval --model m.bin --slice-field source --check 'accuracy >= 0.9' test.jsonl");
  add_common_options(*sub, o->common, false);
  sub->add_option("--model", o->model_path, "The model file (from model train, or fastText's .bin)")
      ->required()
      ->type_name("FILE");
  add_report_flags(*sub, o->report);
  return {sub, [o] { return run_eval(*o); }};
}

}  // namespace dqprep::stages::model_stage
