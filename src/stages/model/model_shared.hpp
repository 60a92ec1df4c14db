#pragma once
// What the subcommands of `dqprep model` share: fastText's training flags, a record's label and
// text as the classifier sees them, the order of the classes, and probability arrays as JSON.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dqprep/model/classifier.hpp"
#include "stages/common.hpp"

namespace dqprep::stages::model_stage {

// A subcommand of `dqprep model` and what runs it.
using Subcommand = std::pair<CLI::App*, StageRunner>;
Subcommand setup_train(CLI::App& model);
Subcommand setup_predict(CLI::App& model);
Subcommand setup_eval(CLI::App& model);
Subcommand setup_crossval(CLI::App& model);

// --epoch, --lr, --word-ngrams, --minn, --maxn, --bucket, --dim, --min-count, --loss (fastText's
// supervised defaults).
void add_train_flags(CLI::App& app, model::TrainOptions& options);

// fastText's -seed from --seed: an int, so the seed modulo 2^31.
int fasttext_seed(uint64_t seed);

// The training options as summary figures (epoch, lr, word_ngrams, minn, maxn, bucket, dim,
// min_count, loss): what `--args-from` reads back.
void put_train_figures(report::Json& figures, const model::TrainOptions& options);

// --args-from FILE: the training options of a summary written by --stats (`model train`, with or
// without autotune; `model crossval`), each figure that is there; a flag given on the command line
// wins over the file. A file that is not such a summary is a usage error.
void add_args_from_flag(CLI::App& app, std::string& path);
Status apply_args_from(const std::string& path, const CLI::App& app, model::TrainOptions& options);

// The fastText names (epoch, lr, wordNgrams, ...) of the training flags given on the command line.
std::vector<std::string> given_train_flags(const CLI::App& app);

// A record's label as the classifier knows it: nullopt when missing, null or empty; a number in
// its shortest form (as label-check reads it); a string or boolean as written.
Status read_label(record::Parser& parser, const record::Path& path, std::optional<std::string>& label);

// Reads one record: its label text (nullopt when missing, null or empty; a number in its shortest
// form, as label-check reads it) and its text fields joined, prepared as fastText reads a line
// (model::append_text). A missing text field is a bad_input Status.
class RecordReader {
 public:
  explicit RecordReader(const Fields& fields) : fields_(fields) {}
  Status read(record::Parser& parser, std::optional<std::string>& label, std::string& text);

 private:
  const Fields& fields_;
  std::vector<record::StringValue> scratch_;
  std::string joined_;
};

// The code points of a UTF-8 text (for length buckets).
size_t char_count(std::string_view text);

// The class order: --classes as given (every label in `seen` must be one of them), else `seen`
// sorted by bytes, duplicates removed.
Result<std::vector<std::string>> class_order(const std::string& classes_flag, std::vector<std::string> seen);

// For each class of `classes`, the index of that label among the model's labels, or -1.
std::vector<int> model_index(const std::vector<std::string>& classes, const std::vector<std::string>& model_labels);

// Appends a JSON array of the probabilities, each rounded to 6 decimals.
void append_probs(std::string& out, std::span<const double> probs);

// The key of a top-level field path (`_probs`); a nested path is a usage error naming `flag`.
Result<std::string> top_level_key(std::string_view flag, const std::string& path);

}  // namespace dqprep::stages::model_stage
