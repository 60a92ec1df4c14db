// dqprep model predict: each record labelled by a trained model, with its confidence (and the full
// probability vector with --probs-field).
#include <cmath>

#include "dqprep/io/json_text.hpp"
#include "stages/model/model_shared.hpp"

namespace dqprep::stages::model_stage {

namespace {

struct PredictOptions {
  CommonOptions common;
  std::string model_path;
  std::string field = "label";
  double min_confidence = 0;
  std::string probs_field;
  std::string classes;
};

struct Setup {
  Fields fields;
  model::Classifier classifier;
  std::vector<std::string> classes;  // the order of --probs-field
  std::vector<int> model_of_class;   // index in classifier.labels(), or -1
  std::string field, probs_key;
  double min_confidence = 0;
};

class PredictProcessor : public stream::RecordProcessor {
 public:
  explicit PredictProcessor(const Setup& setup) : setup_(setup) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    DQPREP_RETURN_IF_ERROR(joined_text(parser_, setup_.fields.text, scratch_, joined_));
    setup_.classifier.predict(joined_, model_probs_);
    // The top class: ties go to the first in class order, so the choice does not depend on fastText's.
    size_t top = 0;
    probs_.assign(setup_.classes.size(), 0.0);
    for (size_t c = 0; c < setup_.classes.size(); ++c) {
      int m = setup_.model_of_class[c];
      probs_[c] = m < 0 ? 0.0 : model_probs_[static_cast<size_t>(m)];
      if (probs_[c] > probs_[top]) top = c;
    }
    double confidence = std::round(probs_[top] * 1e6) / 1e6;
    edits_.clear();
    if (confidence >= setup_.min_confidence) {
      value_.clear();
      json_text::append_string(value_, setup_.classes[top]);
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, setup_.field, value_, edits_));
      value_.clear();
      json_text::append_number(value_, confidence);
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "label_confidence", value_, edits_));
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, "label_source", "\"model\"", edits_));
      out.count("labelled");
    } else {
      out.count("below_min_confidence");
    }
    if (!setup_.probs_key.empty()) {
      value_.clear();
      append_probs(value_, probs_);
      DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, setup_.probs_key, value_, edits_));
    }
    record::apply_edits(line.text, edits_, edited_);
    out.keep(edited_);
    return {};
  }

 private:
  const Setup& setup_;
  record::Parser parser_;
  std::vector<record::StringValue> scratch_;
  std::vector<record::Edit> edits_;
  std::vector<double> model_probs_, probs_;
  std::string joined_, value_, edited_;
};

Status run_predict(const PredictOptions& o) {
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  if (!(o.min_confidence >= 0 && o.min_confidence <= 1)) return Status::usage("--min-confidence must be in [0, 1]");
  Setup setup;
  setup.fields = fields;
  setup.min_confidence = o.min_confidence;
  DQPREP_ASSIGN_OR_RETURN(std::string field, top_level_key("--field", o.field));
  setup.field = field;
  if (!o.probs_field.empty()) {
    DQPREP_ASSIGN_OR_RETURN(std::string key, top_level_key("--probs-field", o.probs_field));
    setup.probs_key = key;
  } else if (!o.classes.empty()) {
    return Status::usage("--classes needs --probs-field");
  }
  DQPREP_ASSIGN_OR_RETURN(model::Classifier classifier, model::Classifier::load(o.model_path));
  setup.classifier = std::move(classifier);
  DQPREP_ASSIGN_OR_RETURN(std::vector<std::string> classes, class_order(o.classes, setup.classifier.labels()));
  setup.classes = classes;
  setup.model_of_class = model_index(setup.classes, setup.classifier.labels());

  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  return run_streaming(
      o.common, so, [&] { return std::make_unique<PredictProcessor>(setup); }, "model predict",
      [&](report::Summary& s) -> Status {
        s.figures["model"] = o.model_path;
        s.figures["classes"] = setup.classes;
        fix_schema(s, {{"model"}, {"classes"}, {"labelled"}, {"below_min_confidence"}});
        return {};
      });
}

}  // namespace

Subcommand setup_predict(CLI::App& model) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* sub = model.add_subcommand("predict", "Label records with a trained model");
  sub->footer(
      "Writes the top class to --field, its probability to label_confidence and label_source: \"model\".\n"
      "A record whose top probability is below --min-confidence is written without them (counted as\n"
      "below_min_confidence). Every record is written; other fields pass through byte for byte.\n"
      "Example:\n"
      "  dqprep model predict --model m.bin --min-confidence 0.9 --probs-field probs pool.jsonl -o labelled.jsonl");
  add_common_options(*sub, o->common);
  sub->add_option("--model", o->model_path, "The model file (from model train, or fastText's .bin)")
      ->required()
      ->type_name("FILE");
  sub->add_option("--field", o->field, "Top-level field the predicted label goes to")->capture_default_str();
  sub->add_option("--min-confidence", o->min_confidence, "Records below this top probability stay unlabelled")
      ->capture_default_str();
  sub->add_option("--probs-field", o->probs_field, "Also write the probability of every class (top-level field)")
      ->type_name("FIELD");
  sub->add_option("--classes", o->classes, "The class order of --probs-field (default: the model's labels sorted)")
      ->type_name("A,B,...");
  return {sub, [o] { return run_predict(*o); }};
}

}  // namespace dqprep::stages::model_stage
