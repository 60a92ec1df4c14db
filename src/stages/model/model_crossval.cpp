// dqprep model crossval: K-fold cross-fitting. One model per fold, trained on the other folds,
// gives every record out-of-sample class probabilities, written into the record (the input of
// `label-check --probs-field` and `select --probs-field`).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <new>
#include <thread>
#include <unordered_map>

#include "dqprep/io/state_bytes.hpp"
#include "dqprep/split/split_plan.hpp"
#include "dqprep/util/hash.hpp"
#include "dqprep/util/random.hpp"
#include "stages/model/model_eval_report.hpp"
#include "stages/model/model_shared.hpp"

namespace dqprep::stages::model_stage {

namespace {

struct CrossvalOptions {
  CommonOptions common;
  model::TrainOptions train;
  size_t kfold = 5;
  size_t repeats = 1;
  std::string group_field;
  std::string probs_field = "_probs";
  std::string args_from;
  ReportFlags report;
};

struct Setup {
  Fields fields;
  std::optional<record::Path> group;
  std::optional<record::Path> slice;
  bool slice_by_length = false;
};

// Pass 1, per record: index, a label flag (and the label), the prepared text, the group key, the
// slice.
class CollectProcessor : public stream::RecordProcessor {
 public:
  explicit CollectProcessor(const Setup& setup) : setup_(setup), reader_(setup.fields) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    DQPREP_RETURN_IF_ERROR(reader_.read(parser_, label_, text_));
    std::string& s = out.state();
    state_bytes::put(s, line.index);
    state_bytes::put(s, static_cast<uint8_t>(label_ ? 1 : 0));
    if (label_) state_bytes::put_bytes(s, *label_);
    state_bytes::put_bytes(s, text_);
    uint64_t group = 0;
    if (setup_.group) {
      std::optional<std::string_view> value;
      DQPREP_RETURN_IF_ERROR(parser_.raw_value(*setup_.group, value));
      // A record without a group is a group of its own.
      group = value && *value != "null" ? hash::xxh3_64(*value, 1) : hash::xxh3_64(std::to_string(line.index), 2);
    }
    state_bytes::put(s, group);
    std::string slice;
    if (setup_.slice_by_length) {
      slice = model::length_bucket(char_count(text_));
    } else if (setup_.slice) {
      std::optional<std::string_view> value;
      DQPREP_RETURN_IF_ERROR(parser_.scalar_text(*setup_.slice, value));
      slice = value ? (value->empty() ? "(empty)" : std::string(*value)) : "(missing)";
    }
    state_bytes::put_bytes(s, slice);
    return {};
  }

 private:
  const Setup& setup_;
  record::Parser parser_;
  RecordReader reader_;
  std::optional<std::string> label_;
  std::string text_;
};

// What pass 1 collected: the texts once, in input order (the only copy held in memory).
struct Corpus {
  std::vector<uint64_t> index;      // Line::index of each record
  std::vector<int32_t> label;       // id in `seen`, -1 unlabelled; class ids once classes are known
  std::vector<std::string> seen;    // labels in order of first sight
  std::unordered_map<std::string, int32_t> seen_id;
  std::string texts;
  std::vector<size_t> text_start;   // size n + 1
  std::vector<uint64_t> group;
  std::vector<std::string> slice;

  Status consume(std::string_view state) {
    state_bytes::Reader r(state);
    while (!r.done()) {
      index.push_back(r.get<uint64_t>());
      if (r.get<uint8_t>()) {
        std::string l(r.get_bytes());
        auto [it, added] = seen_id.emplace(l, static_cast<int32_t>(seen.size()));
        if (added) seen.push_back(l);
        label.push_back(it->second);
      } else {
        label.push_back(-1);
      }
      if (text_start.empty()) text_start.push_back(0);
      texts.append(r.get_bytes());
      text_start.push_back(texts.size());
      group.push_back(r.get<uint64_t>());
      slice.emplace_back(r.get_bytes());
    }
    return {};
  }
  size_t size() const { return index.size(); }
  std::string_view text(size_t i) const { return std::string_view(texts).substr(text_start[i], text_start[i + 1] - text_start[i]); }
};

uint64_t derive(uint64_t seed, uint64_t a, uint64_t b) { return Rng(Rng(seed, a).next_u64(), b).next_u64(); }

// One fold of one repeat: train on the labelled records of the other folds, add the probabilities
// of this fold's records to `sums`. Folds of one repeat touch disjoint records.
Status run_fold(const Corpus& corpus, const std::vector<std::string>& classes,
                const std::vector<std::string>& escaped_classes, const split_plan::Plan& plan, size_t fold,
                model::TrainOptions train, std::vector<double>& sums) {
  std::vector<size_t> training;
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (plan.part[i] != fold && corpus.label[i] >= 0) training.push_back(i);
  }
  Result<model::Classifier> classifier = model::Classifier::train(
      training.size(),
      [&](size_t t, std::string& out) {
        size_t i = training[t];
        out += "__label__";
        out += escaped_classes[static_cast<size_t>(corpus.label[i])];
        out += ' ';
        out += corpus.text(i);
        out += '\n';
      },
      train);
  if (!classifier.ok()) {
    const Status& s = classifier.status();
    std::string where = "fold " + std::to_string(fold) + ": ";
    return s.code() == StatusCode::bad_input ? Status::bad_input("dqprep model crossval: " + where + s.message())
                                             : Status(s.code(), where + s.message());
  }
  std::vector<int> model_of_class = model_index(classes, classifier->labels());
  std::vector<double> probs;
  const size_t c = classes.size();
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (plan.part[i] != fold) continue;
    classifier->predict(corpus.text(i), probs);
    for (size_t k = 0; k < c; ++k) {
      int m = model_of_class[k];
      if (m >= 0) sums[i * c + k] += probs[static_cast<size_t>(m)];
    }
  }
  return {};
}

// Pass 2: each record with its probabilities spliced in.
class WriteProcessor : public stream::RecordProcessor {
 public:
  WriteProcessor(const Corpus& corpus, const std::vector<double>& probs, size_t classes, const std::string& key)
      : corpus_(corpus), probs_(probs), classes_(classes), key_(key) {}

  Status process(const stream::Line& line, stream::Emitter& out) override {
    DQPREP_RETURN_IF_ERROR(parser_.parse(line.text));
    auto it = std::lower_bound(corpus_.index.begin(), corpus_.index.end(), line.index);
    if (it == corpus_.index.end() || *it != line.index) {
      return Status::io("the input changed between passes (record " + std::to_string(line.index) + ")");
    }
    size_t i = static_cast<size_t>(it - corpus_.index.begin());
    value_.clear();
    append_probs(value_, std::span<const double>(probs_).subspan(i * classes_, classes_));
    edits_.clear();
    DQPREP_RETURN_IF_ERROR(record::set_top_level(parser_, key_, value_, edits_));
    record::apply_edits(line.text, edits_, edited_);
    out.keep(edited_);
    return {};
  }

 private:
  const Corpus& corpus_;
  const std::vector<double>& probs_;
  size_t classes_;
  const std::string& key_;
  record::Parser parser_;
  std::vector<record::Edit> edits_;
  std::string value_, edited_;
};

Status run_crossval(const CrossvalOptions& o, const CLI::App& app) {
  auto start = std::chrono::steady_clock::now();
  DQPREP_ASSIGN_OR_RETURN(Fields fields, resolve_fields(o.common));
  DQPREP_ASSIGN_OR_RETURN(std::vector<checks::Check> gates, checks::load(o.report.gates));
  DQPREP_ASSIGN_OR_RETURN(split_plan::Parts parts, split_plan::Parts::folds(o.kfold));
  if (o.repeats < 1) return Status::usage("--repeats must be at least 1");
  model::TrainOptions train = o.train;
  DQPREP_RETURN_IF_ERROR(apply_args_from(o.args_from, app, train));
  DQPREP_RETURN_IF_ERROR(model::validate(train));
  DQPREP_ASSIGN_OR_RETURN(std::string probs_key, top_level_key("--probs-field", o.probs_field));
  Setup setup;
  setup.fields = fields;
  if (!o.group_field.empty()) {
    DQPREP_ASSIGN_OR_RETURN(record::Path group, record::parse_path(o.group_field));
    setup.group = group;
  }
  if (o.report.slice_field == "length") {
    setup.slice_by_length = true;
  } else if (!o.report.slice_field.empty()) {
    DQPREP_ASSIGN_OR_RETURN(record::Path slice, record::parse_path(o.report.slice_field));
    setup.slice = slice;
  }

  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> passes, open_passes(o.common, "model crossval"));
  Corpus corpus;
  DQPREP_ASSIGN_OR_RETURN(report::Summary pass1,
                          passes->collect({[&] { return std::make_unique<CollectProcessor>(setup); },
                                           [&](std::string_view s) { return corpus.consume(s); }}));

  DQPREP_ASSIGN_OR_RETURN(std::vector<std::string> classes, class_order(o.report.classes, corpus.seen));
  const size_t c = classes.size();
  std::vector<int32_t> class_of_seen(corpus.seen.size());
  for (size_t s = 0; s < corpus.seen.size(); ++s) {
    class_of_seen[s] =
        static_cast<int32_t>(std::find(classes.begin(), classes.end(), corpus.seen[s]) - classes.begin());
  }
  uint64_t labelled = 0;
  for (int32_t& l : corpus.label) {
    if (l >= 0) {
      l = class_of_seen[static_cast<size_t>(l)];
      ++labelled;
    }
  }
  if (labelled < o.kfold && corpus.size() > 0) {
    return Status::bad_input("dqprep model crossval: " + std::to_string(labelled) + " labelled records, fewer than --kfold " +
                             std::to_string(o.kfold));
  }
  std::vector<std::string> escaped;
  for (const std::string& name : classes) escaped.push_back(model::escape_label(name));

  // Strata: the class, and one more for unlabelled records (they get probabilities, never train).
  std::vector<uint32_t> strata(corpus.size());
  for (size_t i = 0; i < corpus.size(); ++i) {
    strata[i] = corpus.label[i] >= 0 ? static_cast<uint32_t>(corpus.label[i]) : static_cast<uint32_t>(c);
  }
  std::vector<double> sums(corpus.size() * c, 0.0);
  std::vector<uint64_t> first_fold_sizes;
  const unsigned threads = std::min<unsigned>(thread_count(o.common), static_cast<unsigned>(o.kfold));
  for (size_t r = 0; r < o.repeats && corpus.size() > 0; ++r) {  // an empty input: nothing to fit
    uint64_t fold_seed = derive(o.common.seed, 0x666f6c64, r);
    const uint32_t num_strata = static_cast<uint32_t>(c + 1);
    DQPREP_ASSIGN_OR_RETURN(split_plan::Plan plan,
                            setup.group ? split_plan::stratified_group_split(corpus.group, strata, num_strata, parts, fold_seed)
                                        : split_plan::stratified_split(strata, num_strata, parts, fold_seed));
    if (r == 0) first_fold_sizes = plan.totals;
    // Folds on `threads` threads; each fold is single-threaded and seeded by (seed, repeat, fold),
    // and writes only its own records' sums, so the result does not depend on the thread count.
    std::vector<Status> status(o.kfold);
    std::atomic<size_t> next{0};
    // A failed allocation must not leave a thread as an exception: it is flagged, and reported below.
    std::atomic<bool> out_of_memory{false};
    auto work = [&] {
      try {
        for (size_t k = next++; k < o.kfold; k = next++) {
          model::TrainOptions t = train;
          t.seed = fasttext_seed(derive(o.common.seed, r, k));
          t.shuffle = true;
          t.shuffle_seed = derive(o.common.seed, r + 0x73687566, k);
          status[k] = run_fold(corpus, classes, escaped, plan, k, t, sums);
        }
      } catch (const std::bad_alloc&) {
        out_of_memory = true;
      }
    };
    std::vector<std::thread> pool;
    try {
      for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    } catch (const std::exception&) {  // std::system_error, or std::bad_alloc for the thread's state
      // Out of threads: the ones that started and this one share the folds.
    }
    work();
    for (std::thread& t : pool) t.join();
    if (out_of_memory) return Status(StatusCode::io, "out of memory");
    for (const Status& s : status) DQPREP_RETURN_IF_ERROR(s);
  }
  for (double& p : sums) p /= static_cast<double>(o.repeats);

  model::Evaluation evaluation(classes);
  for (size_t i = 0; i < corpus.size(); ++i) {
    if (corpus.label[i] < 0) continue;
    size_t top = 0;
    for (size_t k = 1; k < c; ++k) {
      if (sums[i * c + k] > sums[i * c + top]) top = k;
    }
    evaluation.add(static_cast<size_t>(corpus.label[i]), top, corpus.slice[i]);
  }
  // The texts are no longer needed by the writing pass.
  std::string().swap(corpus.texts);

  DQPREP_ASSIGN_OR_RETURN(report::Summary pass2,
                          passes->write([&] { return std::make_unique<WriteProcessor>(corpus, sums, c, probs_key); }));
  report::Summary summary = std::move(pass2);
  summary.seconds = report::seconds_since(start);
  report::Json& f = summary.figures;
  f["kfold"] = o.kfold;
  f["repeats"] = o.repeats;
  f["probs_field"] = probs_key;
  f["labelled"] = labelled;
  f["unlabelled"] = corpus.size() - labelled;
  f["fold_sizes"] = first_fold_sizes;
  if (!o.group_field.empty()) f["group_field"] = o.group_field;
  std::string class_list;
  for (const std::string& name : classes) class_list += (class_list.empty() ? "" : ",") + name;
  f["classes_flag"] = class_list;
  if (!o.common.quiet) {
    std::fprintf(stderr, "model crossval: %s holds [%s] in this order: label-check --probs-field %s --classes %s\n",
                 probs_key.c_str(), class_list.c_str(), probs_key.c_str(), class_list.c_str());
  }
  std::vector<SchemaField> schema{{"kfold"}, {"repeats"}, {"probs_field"}, {"labelled"}, {"unlabelled"}, {"fold_sizes"}};
  schema.push_back(o.group_field.empty() ? not_applicable("group_field", "no --group-field") : SchemaField{"group_field"});
  schema.push_back({"classes_flag"});
  return report_evaluation(o.common, o.report, gates, evaluation, summary, std::move(schema), {});
}

}  // namespace

Subcommand setup_crossval(CLI::App& model) {
  auto o = std::make_shared<CrossvalOptions>();
  CLI::App* sub = model.add_subcommand("crossval", "Out-of-sample class probabilities by K-fold cross-fitting");
  sub->footer(
      "Folds are stratified by label (groups kept whole with --group-field), one model per fold is trained\n"
      "on the other folds, and each record gets its fold's probabilities in --probs-field, an array in the\n"
      "class order printed on stderr and kept in --stats (classes). Records without a label get\n"
      "probabilities too and are never trained on. The output is the same for any -j.\n"
      "Example:\n"
      "  dqprep model crossval data.jsonl | dqprep label-check --probs-field _probs --classes A,B,C --drop");
  add_common_options(*sub, o->common);
  add_train_flags(*sub, o->train);
  add_args_from_flag(*sub, o->args_from);
  sub->add_option("--kfold", o->kfold, "Folds (K models)")->check(whole_number())->capture_default_str();
  sub->add_option("--repeats", o->repeats, "Cross-fittings with different fold seeds; probabilities averaged")->check(whole_number())
      ->capture_default_str();
  sub->add_option("--group-field", o->group_field, "Records with the same value here stay in one fold")
      ->type_name("PATH");
  sub->add_option("--probs-field", o->probs_field, "Top-level field the probabilities go to")->capture_default_str();
  add_report_flags(*sub, o->report);
  return {sub, [o, sub] { return run_crossval(*o, *sub); }};
}

}  // namespace dqprep::stages::model_stage
