#pragma once
// A text classifier: fastText's supervised model, linked as a library. Training is deterministic:
// one thread, a fixed seed, and the training lines shuffled by a seeded shuffle before fastText
// reads them (fastText learns badly from data sorted by class). Predictions are full probability
// vectors over the model's labels.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::model {

// fastText's supervised defaults (`fasttext supervised`).
struct TrainOptions {
  int epoch = 5;
  double lr = 0.1;
  int word_ngrams = 1;
  int minn = 0;  // character n-grams from minn to maxn letters; 0 = none
  int maxn = 0;
  int bucket = 2000000;  // hash buckets of word and character n-grams (dim floats each)
  int dim = 100;
  int min_count = 1;
  std::string loss = "softmax";  // softmax, hs, ova (one-vs-all) or ns
  int seed = 0;                  // fastText's -seed
  bool shuffle = true;           // false: train on the lines in the order given
  uint64_t shuffle_seed = 0;
};

// A usage Status when a value is out of range or the loss unknown.
Status validate(const TrainOptions& options);

// fastText's hyperparameter search (`fasttext supervised -autotune-validation`): trials of training
// options drawn by fastText's AutotuneStrategy around the best so far, each trained (one thread, the
// seed) and scored on the validation lines with fastText's Meter, until the budget is spent; the
// first trial is the starting options. The loop is dqprep's, not fastText::Autotune::train, whose
// timer thread can miss its start (it is started before the flag it waits for is set) and then
// never stops the search: seen with Debian's 0.9.2 on a loaded machine.
struct AutotuneOptions {
  // Budget: seconds (fastText's -autotune-duration; a trial running at the deadline is cut), and/or
  // a number of trials (0: no limit). With a number of trials, the strategy's schedule (how far
  // from the best it draws) follows the trial count instead of the clock, so the search is the
  // same on any machine; with seconds only, it depends on the machine's speed.
  int duration_seconds = 300;
  int max_trials = 0;
  std::string metric = "f1";  // -autotune-metric: "f1", or "f1:LABEL" (a dqprep label)
  // Options kept as given instead of searched, by fastText name: epoch, lr, dim, wordNgrams, minn,
  // maxn, bucket, loss (what the user set on the command line).
  std::vector<std::string> fixed;
  // A trial whose input matrix ((words + bucket) x dim floats) would take more is skipped: the
  // strategy draws buckets up to 10^7 and dims up to 1000.
  uint64_t max_matrix_bytes = uint64_t{2} << 30;
};

struct AutotuneResult {
  TrainOptions chosen;      // the best trial's options (lr in single precision, as train() reads it)
  int trials = 0;           // trials drawn
  int trials_scored = 0;    // trained to the end and scored
  int trials_cut = 0;       // stopped by the deadline (0 or 1)
  int trials_skipped = 0;   // over max_matrix_bytes, or diverged (NaN), or out of memory
  double best_score = 0;    // the metric of the best trial on the validation lines
  double first_score = 0;   // the metric of the first trial (the starting options)
};

// A label as one fastText token: the bytes fastText splits on (white space, NUL) and '%' as %XX.
// Any other label is written as it is, so ordinary labels match `fasttext supervised` files.
std::string escape_label(std::string_view label);
std::string unescape_label(std::string_view token);

// Appends `text` as fastText reads a line's words: newlines become spaces, and a word that starts
// with "__label__" gets a leading '\' so that it is not read as a label.
void append_text(std::string& out, std::string_view text);

// Appends one training line: "__label__<escaped label> <text>\n".
void append_training_line(std::string& out, std::string_view label, std::string_view text);

class Classifier {
 public:
  Classifier();
  ~Classifier();
  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;

  // Trains on `n` lines; append_line(i, out) appends line i (from append_training_line). The lines
  // are written, shuffled unless options.shuffle is false, to a temporary file in $TMPDIR
  // (dqprep-<pid>-train.XXXXXX) that is removed once fastText has trained: that file is the only
  // copy of the training text this makes.
  static Result<Classifier> train(size_t n, const std::function<void(size_t, std::string&)>& append_line,
                                  const TrainOptions& options);
  // Searches training options by fastText's Autotune, starting from `start` (its seed, shuffle and
  // fixed options kept): the n training lines as train() writes them, the m validation lines (from
  // append_training_line) in a second temporary file. Time-bounded: the number of trials, and so
  // the choice, depends on the machine's speed. train(n, append_line, chosen) then gives the model
  // of the best trial's options. fastText's progress output is not shown.
  static Result<AutotuneResult> autotune(size_t n, const std::function<void(size_t, std::string&)>& append_line,
                                         size_t m, const std::function<void(size_t, std::string&)>& append_validation,
                                         const TrainOptions& start, const AutotuneOptions& autotune);
  // A fastText .bin file of a supervised model. A missing file is an io Status, a file fastText
  // cannot read a bad_input one.
  static Result<Classifier> load(const std::string& path);
  // Written atomically (a temporary file next to `path`, renamed).
  Status save(const std::string& path) const;

  // The model's labels (unescaped), in fastText's order (by frequency in training).
  const std::vector<std::string>& labels() const { return labels_; }

  // The probability of each label of labels() for `text` (prepared as by append_text), summing to
  // 1. A text with no word the model knows gets fastText's output for the end-of-line token alone.
  // Thread-safe: many threads may predict with one model.
  void predict(std::string_view text, std::vector<double>& probs) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> labels_;
};

}  // namespace dqprep::model
