// dqprep model train: a fastText classifier from the records' text and label, saved as a .bin file;
// with --autotune-validation, its training options searched first by fastText's Autotune.
#include <spdlog/spdlog.h>

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
  std::string args_from;
  std::vector<std::string> autotune_validation;
  int autotune_duration = 300;
  int autotune_trials = 0;
  std::string autotune_metric = "f1";
};

// The training lines of labelled records, one after the other.
struct TrainingLines {
  std::string lines;
  std::vector<size_t> starts;  // where each line starts; one more at the end once collected
  std::map<std::string, uint64_t> class_counts;

  Status consume(std::string_view state) {
    state_bytes::Reader r(state);
    while (!r.done()) {
      if (r.get<uint8_t>() == 0) continue;
      ++class_counts[std::string(r.get_bytes())];
      starts.push_back(lines.size());
      lines.append(r.get_bytes());
    }
    return {};
  }
  size_t size() const { return starts.empty() ? 0 : starts.size() - 1; }
  std::function<void(size_t, std::string&)> appender() const {
    return [this](size_t i, std::string& out) { out.append(lines, starts[i], starts[i + 1] - starts[i]); };
  }
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

// A bad_input Status is printed as it is (FILE:LINE messages): one from fastText names the stage.
Status named(const Status& s) {
  return s.code() == StatusCode::bad_input ? Status::bad_input("dqprep model train: " + s.message()) : s;
}

// The validation records (--autotune-validation) as training lines; records without a label are
// left out (counted).
Result<report::Json> read_validation(const TrainStageOptions& o, const Fields& fields, TrainingLines& validation) {
  DQPREP_ASSIGN_OR_RETURN(stream::Options base, stream_options(o.common));
  stream::Options so;
  so.inputs = o.autotune_validation;
  so.write_records = false;
  so.on_error = base.on_error == stream::ErrorPolicy::fail ? stream::ErrorPolicy::fail : stream::ErrorPolicy::skip;
  so.threads = base.threads;
  so.max_line_bytes = base.max_line_bytes;
  so.consume_state = [&](std::string_view state) { return validation.consume(state); };
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<TrainProcessor>(fields); }, "model train"));
  validation.starts.push_back(validation.lines.size());
  report::Json v;
  v["records"] = validation.size();
  v["unlabelled"] = summary.rules.count("no_label") ? summary.rules.at("no_label") : 0;
  v["malformed_skipped"] = summary.quarantined;
  return v;
}

std::string flags_text(const model::TrainOptions& t) {
  return "--epoch " + std::to_string(t.epoch) + " --lr " + util::number_text(t.lr, 9) + " --word-ngrams " +
         std::to_string(t.word_ngrams) + " --minn " + std::to_string(t.minn) + " --maxn " + std::to_string(t.maxn) +
         " --bucket " + std::to_string(t.bucket) + " --dim " + std::to_string(t.dim) + " --loss " + t.loss;
}

Status run_train(const TrainStageOptions& o, const CLI::App& app) {
  auto start = std::chrono::steady_clock::now();
  const bool autotune = !o.autotune_validation.empty();
  if (autotune && !o.args_from.empty()) {
    return Status::usage("--args-from gives the options autotune would search: give one of them");
  }
  for (const char* flag : {"--autotune-duration", "--autotune-trials", "--autotune-metric"}) {
    if (app.get_option(flag)->count() && !autotune) return Status::usage(std::string(flag) + " needs --autotune-validation");
  }
  // A number of trials alone is the whole budget (the same search on any machine); seconds cap it
  // when given too.
  const bool by_trials = app.get_option("--autotune-trials")->count() > 0;
  const int duration = by_trials && !app.get_option("--autotune-duration")->count() ? 0 : o.autotune_duration;
  if (by_trials && o.autotune_trials < 1) return Status::usage("--autotune-trials must be at least 1");
  for (const std::string& path : o.autotune_validation) {
    if (path == "-") return Status::usage("--autotune-validation needs files (standard input is for the training records)");
  }
  if (app.get_option("--autotune-duration")->count() && o.autotune_duration < 1)
    return Status::usage("--autotune-duration must be at least 1 second");
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  model::TrainOptions train = o.train;
  DQPREP_RETURN_IF_ERROR(apply_args_from(o.args_from, app, train));
  train.seed = fasttext_seed(o.common.seed);
  train.shuffle = !o.no_shuffle;
  train.shuffle_seed = o.common.seed;
  DQPREP_RETURN_IF_ERROR(model::validate(train));

  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.write_records = false;
  TrainingLines lines;
  so.consume_state = [&](std::string_view state) { return lines.consume(state); };
  const Fields& shared = fields;
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<TrainProcessor>(shared); }, "model train"));
  lines.starts.push_back(lines.lines.size());

  report::Json tuned;
  if (autotune) {
    TrainingLines validation;
    DQPREP_ASSIGN_OR_RETURN(report::Json v, read_validation(o, fields, validation));
    model::AutotuneOptions options;
    options.duration_seconds = duration;
    options.max_trials = by_trials ? o.autotune_trials : 0;
    options.metric = o.autotune_metric;
    options.fixed = given_train_flags(app);
    auto search_start = std::chrono::steady_clock::now();
    Result<model::AutotuneResult> result = model::Classifier::autotune(
        lines.size(), lines.appender(), validation.size(), validation.appender(), train, options);
    if (!result.ok()) return named(result.status());
    train = result->chosen;
    tuned["validation"] = o.autotune_validation;
    tuned["validation_records"] = v["records"];
    tuned["validation_unlabelled"] = v["unlabelled"];
    tuned["duration"] = duration > 0 ? report::Json(duration) : report::Json(nullptr);
    tuned["max_trials"] = by_trials ? report::Json(o.autotune_trials) : report::Json(nullptr);
    tuned["metric"] = o.autotune_metric;
    tuned["fixed"] = options.fixed;
    tuned["trials"] = result->trials;
    tuned["trials_scored"] = result->trials_scored;
    tuned["trials_cut"] = result->trials_cut;
    tuned["trials_skipped"] = result->trials_skipped;
    tuned["first_score"] = result->first_score;
    tuned["best_score"] = result->best_score;
    tuned["search_seconds"] = report::seconds_since(search_start);
    if (!o.common.quiet) {
      spdlog::info("model train: autotune chose {} ({} trials scored in {:.1f} s; validation {} {:.4f}, first trial {:.4f})",
                   flags_text(train), result->trials_scored, tuned["search_seconds"].get<double>(), o.autotune_metric,
                   result->best_score, result->first_score);
    }
  }

  Result<model::Classifier> classifier = model::Classifier::train(lines.size(), lines.appender(), train);
  if (!classifier.ok()) return named(classifier.status());
  DQPREP_RETURN_IF_ERROR(classifier->save(o.model_path));

  summary.seconds = report::seconds_since(start);
  report::Json& f = summary.figures;
  f["model"] = o.model_path;
  f["classes"] = lines.class_counts;
  put_train_figures(f, train);
  f["fasttext_seed"] = train.seed;
  f["shuffled"] = train.shuffle;
  if (autotune) f["autotune"] = tuned;
  fix_schema(summary, {autotune ? SchemaField{"autotune"} : not_applicable("autotune", "no --autotune-validation")},
             {"no_label"});
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
      "--autotune-validation VAL.jsonl searches the options with fastText's autotune strategy for\n"
      "--autotune-duration seconds (flags given are kept fixed) and reports the choice (stderr, --stats); a\n"
      "time-bounded search can choose differently on a faster or slower machine, --autotune-trials N alone\n"
      "cannot. The model is then trained with the choice; --args-from stats.json reuses it.\n"
      "Example:\n"
      "  dqprep model train --epoch 25 train.jsonl -o m.bin\n"
      "  dqprep model train --autotune-validation val.jsonl --autotune-duration 60 train.jsonl -o m.bin --stats s.json");
  add_common_options(*sub, o->common, false);
  sub->add_option("-o,--output", o->model_path, "The model file (fastText .bin; `fasttext predict` reads it too)")
      ->required()
      ->type_name("FILE");
  add_train_flags(*sub, o->train);
  sub->add_flag("--no-shuffle", o->no_shuffle, "Train on the records in input order, as `fasttext supervised` does");
  add_args_from_flag(*sub, o->args_from);
  sub->add_option("--autotune-validation", o->autotune_validation,
                  "Search the training options with fastText's Autotune, scored on these labelled records (repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  sub->add_option("--autotune-duration", o->autotune_duration, "Seconds the search may take (fastText -autotune-duration)")
      ->type_name("S")
      ->capture_default_str();
  sub->add_option("--autotune-trials", o->autotune_trials,
                  "Trials the search may take; alone (no --autotune-duration), the search is the same on any machine")
      ->type_name("N");
  sub->add_option("--autotune-metric", o->autotune_metric,
                  "What the search maximizes on the validation records: f1, or f1:LABEL (one class's F1)")
      ->capture_default_str();
  return {sub, [o, sub] { return run_train(*o, *sub); }};
}

}  // namespace dqprep::stages::model_stage
