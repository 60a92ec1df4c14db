#include "dqprep/model/classifier.hpp"

#include <fasttext/autotune.h>
#include <fasttext/densematrix.h>
#include <fasttext/fasttext.h>
#include <fasttext/meter.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>

#include "dqprep/util/random.hpp"

namespace dqprep::model {

namespace {

constexpr std::string_view kLabelPrefix = "__label__";

// The bytes fastText's readWord splits words on.
bool is_fasttext_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

// A temporary file removed when this goes out of scope.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::io("cannot write " + path + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Writes the n lines (in a seeded shuffled order unless !shuffle) to a new temporary file in
// $TMPDIR named dqprep-<pid>-<what>.XXXXXX.
Status write_lines(TempFile& file, const std::string& what, size_t n,
                   const std::function<void(size_t, std::string&)>& append_line, bool shuffle, uint64_t shuffle_seed) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (shuffle) {
    Rng rng(shuffle_seed, 0x7472616e);  // Fisher-Yates
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform(i)]);
  }
  file.path = temp_dir() + "/dqprep-" + std::to_string(::getpid()) + "-" + what + ".XXXXXX";
  int fd = ::mkstemp(file.path.data());
  if (fd < 0) {
    std::string path = file.path;
    file.path.clear();
    return Status::io("cannot create a " + what + " file " + path + ": " + std::strerror(errno));
  }
  std::string buffer;
  Status written;
  for (size_t i : order) {
    append_line(i, buffer);
    if (buffer.size() >= (1u << 20)) {
      written = write_all(fd, buffer, file.path);
      if (!written.ok()) break;
      buffer.clear();
    }
  }
  if (written.ok()) written = write_all(fd, buffer, file.path);
  ::close(fd);
  return written;
}

// `fasttext supervised` with -thread 1 -verbose 0 and the options of `o`.
fasttext::Args supervised_args(const TrainOptions& o, const std::string& input) {
  fasttext::Args args;
  args.input = input;
  args.model = fasttext::model_name::sup;
  args.loss = o.loss == "hs"    ? fasttext::loss_name::hs
              : o.loss == "ova" ? fasttext::loss_name::ova
              : o.loss == "ns"  ? fasttext::loss_name::ns
                                : fasttext::loss_name::softmax;
  args.bucket = o.bucket;
  args.minn = o.minn;
  args.maxn = o.maxn;
  // fastText's CLI reads -lr as a float: the same rounding gives the same model.
  args.lr = static_cast<float>(o.lr);
  args.epoch = o.epoch;
  args.wordNgrams = o.word_ngrams;
  args.dim = o.dim;
  args.minCount = o.min_count;
  args.thread = 1;
  args.seed = o.seed;
  args.verbose = 0;
  if (args.wordNgrams <= 1 && args.maxn == 0) args.bucket = 0;  // as the CLI does
  return args;
}

std::string loss_option(fasttext::loss_name loss) {
  switch (loss) {
    case fasttext::loss_name::hs: return "hs";
    case fasttext::loss_name::ova: return "ova";
    case fasttext::loss_name::ns: return "ns";
    default: return "softmax";
  }
}

// Thrown from the training callback to stop a trial at the deadline.
struct DeadlineReached {};

}  // namespace

struct Classifier::Impl {
  fasttext::FastText fasttext;
};

Classifier::Classifier() : impl_(std::make_unique<Impl>()) {}
Classifier::~Classifier() = default;
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;

Status validate(const TrainOptions& o) {
  if (o.epoch < 1) return Status::usage("--epoch must be at least 1");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) return Status::usage("--lr must be a number > 0");
  if (o.word_ngrams < 1) return Status::usage("--word-ngrams must be at least 1");
  if (o.minn < 0 || o.maxn < 0) return Status::usage("--minn and --maxn must be at least 0");
  if (o.maxn > 0 && o.minn < 1) return Status::usage("--maxn needs --minn of at least 1");
  if (o.maxn < o.minn) return Status::usage("--maxn must be at least --minn");
  if (o.bucket < 1) return Status::usage("--bucket must be at least 1");
  if (o.dim < 1) return Status::usage("--dim must be at least 1");
  if (o.min_count < 1) return Status::usage("--min-count must be at least 1");
  if (o.loss != "softmax" && o.loss != "hs" && o.loss != "ova" && o.loss != "ns") {
    return Status::usage("--loss must be softmax, hs, ova or ns, not '" + o.loss + "'");
  }
  return {};
}

std::string escape_label(std::string_view label) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(label.size());
  for (char c : label) {
    if (is_fasttext_space(c) || c == '%') {
      auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_label(std::string_view token) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(token.size());
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '%' && i + 2 < token.size() && hex(token[i + 1]) >= 0 && hex(token[i + 2]) >= 0) {
      out += static_cast<char>(hex(token[i + 1]) * 16 + hex(token[i + 2]));
      i += 2;
    } else {
      out += token[i];
    }
  }
  return out;
}

void append_text(std::string& out, std::string_view text) {
  bool word_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') c = ' ';
    if (word_start && !is_fasttext_space(c) && text.substr(i).starts_with(kLabelPrefix)) out += '\\';
    out += c;
    word_start = is_fasttext_space(c);
  }
}

void append_training_line(std::string& out, std::string_view label, std::string_view text) {
  out += kLabelPrefix;
  out += escape_label(label);
  out += ' ';
  append_text(out, text);
  out += '\n';
}

Result<Classifier> Classifier::train(size_t n, const std::function<void(size_t, std::string&)>& append_line,
                                     const TrainOptions& o) {
  DQPREP_RETURN_IF_ERROR(validate(o));
  if (n == 0) return Status::bad_input("no labelled record to train on");
  TempFile file;
  DQPREP_RETURN_IF_ERROR(write_lines(file, "train", n, append_line, o.shuffle, o.shuffle_seed));
  fasttext::Args args = supervised_args(o, file.path);

  Classifier c;
  try {
    c.impl_->fasttext.train(args);
  } catch (const std::bad_alloc&) {
    throw;  // out of memory (exit 4), not a fault of the records
  } catch (const std::exception& e) {
    return Status::bad_input(std::string("fastText could not train: ") + e.what());
  }
  auto dict = c.impl_->fasttext.getDictionary();
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    c.labels_.push_back(unescape_label(std::string_view(dict->getLabel(i)).substr(kLabelPrefix.size())));
  }
  return c;
}

Result<AutotuneResult> Classifier::autotune(size_t n, const std::function<void(size_t, std::string&)>& append_line,
                                            size_t m, const std::function<void(size_t, std::string&)>& append_validation,
                                            const TrainOptions& start, const AutotuneOptions& tune) {
  DQPREP_RETURN_IF_ERROR(validate(start));
  if (n == 0) return Status::bad_input("no labelled record to train on");
  if (m == 0) return Status::bad_input("no labelled record in the validation set");
  if (tune.duration_seconds < 0 || tune.max_trials < 0 || (tune.duration_seconds == 0 && tune.max_trials == 0))
    return Status::usage("autotune needs a budget: seconds, trials, or both");
  std::string metric_label;
  if (tune.metric.rfind("f1:", 0) == 0 && tune.metric.size() > 3) {
    metric_label = "__label__" + escape_label(tune.metric.substr(3));
  } else if (tune.metric != "f1") {
    return Status::usage("--autotune-metric must be f1 or f1:LABEL, not '" + tune.metric + "'");
  }
  TempFile train_file, validation_file;
  DQPREP_RETURN_IF_ERROR(write_lines(train_file, "train", n, append_line, start.shuffle, start.shuffle_seed));
  DQPREP_RETURN_IF_ERROR(write_lines(validation_file, "validation", m, append_validation, false, 0));
  std::ifstream validation(validation_file.path);
  if (!validation.is_open()) return Status::io("cannot read " + validation_file.path + " back");

  fasttext::Args args = supervised_args(start, train_file.path);
  // The strategy's schedule runs from 0 to 1 over autotuneDuration units of what is passed to
  // ask(): seconds, or trials.
  args.autotuneDuration = tune.max_trials > 0 ? tune.max_trials : tune.duration_seconds;
  for (const std::string& name : tune.fixed) args.setManual(name);
  // A bucket given stays, also for trials with n-grams (0 there would divide by zero); one not given
  // is drawn by the strategy (0 for trials without n-grams, as for the first).
  if (args.isManual("bucket")) args.bucket = start.bucket;
  fasttext::AutotuneStrategy strategy(args, static_cast<std::minstd_rand::result_type>(args.seed));

  const auto began = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count(); };
  auto out_of_time = [&] { return tune.duration_seconds > 0 && elapsed() >= tune.duration_seconds; };
  fasttext::FastText fasttext;
  std::optional<fasttext::Args> best;
  AutotuneResult r;
  while (!out_of_time() && (tune.max_trials == 0 || r.trials < tune.max_trials)) {
    fasttext::Args trial = strategy.ask(tune.max_trials > 0 ? r.trials : elapsed());
    ++r.trials;
    trial.verbose = 0;
    trial.thread = 1;
    // As train() reads --lr: the best trial's model is then exactly what train(chosen) makes.
    trial.lr = static_cast<float>(trial.lr);
    uint64_t rows = static_cast<uint64_t>(std::max(trial.bucket, 0)) + n;  // words <= lines' tokens; a bound
    if (rows * static_cast<uint64_t>(std::max(trial.dim, 1)) * sizeof(float) > tune.max_matrix_bytes) {
      ++r.trials_skipped;
      continue;
    }
    double score = 0;
    try {
      fasttext.train(trial, [&](float, float, double, double, int64_t) {
        if (out_of_time()) throw DeadlineReached{};
      });
      fasttext::Meter meter(false);  // as Autotune and `fasttext test` count
      fasttext.test(validation, 1, 0.0, meter);
      if (metric_label.empty()) {
        score = meter.f1Score();
      } else {
        int32_t id = fasttext.getDictionary()->getId(metric_label);
        if (id < 0) return Status::usage("--autotune-metric " + tune.metric + ": no such label in the training records");
        score = meter.f1Score(id - fasttext.getDictionary()->nwords());
      }
    } catch (const DeadlineReached&) {
      ++r.trials_cut;
      break;
    } catch (const fasttext::DenseMatrix::EncounteredNaNError&) {  // a diverging trial, as Autotune skips it
      ++r.trials_skipped;
      continue;
    } catch (const std::bad_alloc&) {
      ++r.trials_skipped;
      continue;
    } catch (const std::exception& e) {
      return Status::bad_input(std::string("fastText could not train: ") + e.what());
    }
    if (std::isnan(score)) score = 0;  // no prediction and no gold label of the metric's class
    ++r.trials_scored;
    if (r.trials_scored == 1) r.first_score = score;
    if (!best || score > r.best_score) {
      best = trial;
      r.best_score = score;
      strategy.updateBest(trial);
    }
  }
  if (!best) {
    return Status::usage("the autotune budget (" + std::to_string(tune.duration_seconds) +
                         " s) is too short to train once on this data; give more seconds");
  }
  r.chosen = start;
  r.chosen.epoch = best->epoch;
  r.chosen.lr = static_cast<double>(static_cast<float>(best->lr));
  r.chosen.word_ngrams = best->wordNgrams;
  r.chosen.minn = best->minn;
  r.chosen.maxn = best->maxn;
  // A bucket of 0 (no n-gram features) is what train() sets itself then; a bucket given is kept.
  r.chosen.bucket = best->bucket > 0 ? best->bucket : start.bucket;
  r.chosen.dim = best->dim;
  r.chosen.min_count = best->minCount;
  r.chosen.loss = loss_option(best->loss);
  return r;
}

Result<Classifier> Classifier::load(const std::string& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe.is_open()) return Status::io("cannot open model " + path + ": " + std::strerror(errno));
  }
  Classifier c;
  try {
    c.impl_->fasttext.loadModel(path);
  } catch (const std::exception& e) {
    return Status::bad_input(path + ": not a fastText model (" + e.what() + ")");
  }
  if (c.impl_->fasttext.getArgs().model != fasttext::model_name::sup) {
    return Status::bad_input(path + ": a fastText word-vector model, not a supervised classifier");
  }
  auto dict = c.impl_->fasttext.getDictionary();
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    std::string token = dict->getLabel(i);
    std::string_view name = token;
    if (name.starts_with(kLabelPrefix)) name.remove_prefix(kLabelPrefix.size());
    c.labels_.push_back(unescape_label(name));
  }
  if (c.labels_.empty()) return Status::bad_input(path + ": the model has no labels");
  return c;
}

Status Classifier::save(const std::string& path) const {
  std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp.XXXXXX";
  std::string temp = (dir / name).string();
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return Status::io("cannot create " + path + ": " + std::strerror(errno));
  ::fchmod(fd, 0644);
  ::close(fd);
  TempFile file{temp};
  try {
    impl_->fasttext.saveModel(temp);
  } catch (const std::exception& e) {
    return Status::io("cannot write " + path + ": " + e.what());
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return Status::io("cannot write " + path + ": " + std::strerror(errno));
  }
  file.path.clear();
  return {};
}

void Classifier::predict(std::string_view text, std::vector<double>& probs) const {
  probs.assign(labels_.size(), 0.0);
  std::string line;
  append_text(line, text);
  line += '\n';
  std::istringstream in(line);
  std::vector<int32_t> words, line_labels;
  impl_->fasttext.getDictionary()->getLine(in, words, line_labels);
  fasttext::Predictions predictions;
  impl_->fasttext.predict(-1, words, predictions, 0.0);
  double sum = 0;
  for (const auto& [log_prob, id] : predictions) {
    // fastText returns log(p + 1e-5); its one-vs-all scores do not sum to 1: normalized below.
    double p = std::max(0.0, std::exp(static_cast<double>(log_prob)) - 1e-5);
    probs[static_cast<size_t>(id)] = p;
    sum += p;
  }
  if (sum > 0) {
    for (double& p : probs) p /= sum;
  } else {
    for (double& p : probs) p = 1.0 / static_cast<double>(probs.size());
  }
}

}  // namespace dqprep::model
