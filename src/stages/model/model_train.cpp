// dqprep model train: a fastText classifier from the records' text and label, saved as a .bin file.
#include <chrono>
#include <map>

#include "dqprep/io/state_bytes.hpp"
#include "stages/model/model_shared.hpp"

namespace dqprep::stages::model_stage {

namespace {

struct TrainStageOptions {
  CommonOptions common;
  std::string model_path;
  model::TrainOptions train;
  bool no_shuffle = false;
};

// Each record's state: a flag byte (1: labelled), then the training line when labelled.
class TrainProcessor : public stream::RecordProcessor {
 public:
  explicit TrainProcessor(const Fields& fields) : reader_(fields) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    DQPREP_RETURN_IF_ERROR(reader_.read(parser_, label_, text_));
    if (!label_) {
      state_bytes::put(out.state(), uint8_t{0});
      out.reject(line.text, "no_label");
      return {};
    }
    state_bytes::put(out.state(), uint8_t{1});
    state_bytes::put_bytes(out.state(), *label_);
    training_line_.clear();
    model::append_training_line(training_line_, *label_, text_);
    state_bytes::put_bytes(out.state(), training_line_);
    out.keep(line.text);
    return {};
  }

 private:
  record::Parser parser_;
  RecordReader reader_;
  std::optional<std::string> label_;
  std::string text_, training_line_;
};

Status run_train(const TrainStageOptions& o) {
  auto start = std::chrono::steady_clock::now();
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  model::TrainOptions train = o.train;
  train.seed = fasttext_seed(o.common.seed);
  train.shuffle = !o.no_shuffle;
  train.shuffle_seed = o.common.seed;
  DQPREP_RETURN_IF_ERROR(model::validate(train));

  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.write_records = false;
  std::string lines;  // the training lines, one after the other
  std::vector<size_t> starts;
  std::map<std::string, uint64_t> class_counts;
  so.consume_state = [&](std::string_view state) -> Status {
    state_bytes::Reader r(state);
    while (!r.done()) {
      if (r.get<uint8_t>() == 0) continue;
      ++class_counts[std::string(r.get_bytes())];
      starts.push_back(lines.size());
      lines.append(r.get_bytes());
    }
    return {};
  };
  const Fields& shared = fields;
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<TrainProcessor>(shared); }, "model train"));
  starts.push_back(lines.size());

  Result<model::Classifier> classifier = model::Classifier::train(
      starts.size() - 1,
      [&](size_t i, std::string& out) { out.append(lines, starts[i], starts[i + 1] - starts[i]); }, train);
  if (!classifier.ok()) {
    const Status& s = classifier.status();
    // A bad_input Status is printed as it is (FILE:LINE messages): this one names the stage itself.
    return s.code() == StatusCode::bad_input ? Status::bad_input("dqprep model train: " + s.message()) : s;
  }
  DQPREP_RETURN_IF_ERROR(classifier->save(o.model_path));

  summary.seconds = report::seconds_since(start);
  report::Json& f = summary.figures;
  f["model"] = o.model_path;
  f["classes"] = class_counts;
  f["epoch"] = train.epoch;
  f["lr"] = train.lr;
  f["word_ngrams"] = train.word_ngrams;
  f["bucket"] = train.bucket;
  f["minn"] = train.minn;
  f["maxn"] = train.maxn;
  f["dim"] = train.dim;
  f["min_count"] = train.min_count;
  f["loss"] = train.loss;
  f["fasttext_seed"] = train.seed;
  f["shuffled"] = train.shuffle;
  fix_schema(summary, {}, {"no_label"});
  return finish(o.common, summary);
}

}  // namespace

Subcommand setup_train(CLI::App& model) {
  auto o = std::make_shared<TrainStageOptions>();
  CLI::App* sub = model.add_subcommand("train", "Train a fastText classifier on the records' text and label");
  sub->footer(
      "Records without a label are not trained on (rejected as no_label). The training lines are shuffled\n"
      "with --seed, written to a temporary file in $TMPDIR and removed after training; fastText runs on one\n"
      "thread with -seed (--seed modulo 2^31), so the same input and flags give the same model.\n"
      "Example:\n"
      "  dqprep model train --epoch 25 train.jsonl -o m.bin");
  add_common_options(*sub, o->common, false);
  sub->add_option("-o,--output", o->model_path, "The model file (fastText .bin; `fasttext predict` reads it too)")
      ->required()
      ->type_name("FILE");
  add_train_flags(*sub, o->train);
  sub->add_flag("--no-shuffle", o->no_shuffle, "Train on the records in input order, as `fasttext supervised` does");
  return {sub, [o] { return run_train(*o); }};
}

}  // namespace dqprep::stages::model_stage
