#include "stages/model/model_shared.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "dqprep/io/json_text.hpp"
#include "dqprep/labels/label_vocabulary.hpp"

namespace dqprep::stages::model_stage {

void add_train_flags(CLI::App& app, model::TrainOptions& o) {
  app.add_option("--epoch", o.epoch, "Training epochs (fastText -epoch)")->capture_default_str();
  app.add_option("--lr", o.lr, "Learning rate (fastText -lr)")->capture_default_str();
  app.add_option("--word-ngrams", o.word_ngrams, "Word n-grams of the features (fastText -wordNgrams)")
      ->capture_default_str();
  app.add_option("--minn", o.minn, "Shortest character n-gram of the features, 0 = none (fastText -minn)")
      ->capture_default_str();
  app.add_option("--maxn", o.maxn, "Longest character n-gram (fastText -maxn)")->capture_default_str();
  app.add_option("--bucket", o.bucket,
                 "Hash buckets of word and character n-grams; memory is bucket x dim floats (fastText -bucket)")
      ->capture_default_str();
  app.add_option("--dim", o.dim, "Size of the word vectors (fastText -dim)")->capture_default_str();
  app.add_option("--min-count", o.min_count, "Words seen fewer times are ignored (fastText -minCount)")
      ->capture_default_str();
  app.add_option("--loss", o.loss, "softmax, hs, ova (one-vs-all) or ns (fastText -loss)")
      ->check(CLI::IsMember({"softmax", "hs", "ova", "ns"}))
      ->capture_default_str();
}

int fasttext_seed(uint64_t seed) { return static_cast<int>(seed % 2147483648ULL); }

namespace {

// A training flag, its summary figure and its fastText name.
struct TrainFlag {
  const char* flag;
  const char* figure;
  const char* fasttext;
};
constexpr TrainFlag kTrainFlags[] = {
    {"--epoch", "epoch", "epoch"}, {"--lr", "lr", "lr"},       {"--word-ngrams", "word_ngrams", "wordNgrams"},
    {"--minn", "minn", "minn"},    {"--maxn", "maxn", "maxn"}, {"--bucket", "bucket", "bucket"},
    {"--dim", "dim", "dim"},       {"--min-count", "min_count", "minCount"}, {"--loss", "loss", "loss"},
};

}  // namespace

void put_train_figures(report::Json& f, const model::TrainOptions& o) {
  f["epoch"] = o.epoch;
  f["lr"] = o.lr;
  f["word_ngrams"] = o.word_ngrams;
  f["bucket"] = o.bucket;
  f["minn"] = o.minn;
  f["maxn"] = o.maxn;
  f["dim"] = o.dim;
  f["min_count"] = o.min_count;
  f["loss"] = o.loss;
}

void add_args_from_flag(CLI::App& app, std::string& path) {
  app.add_option("--args-from", path,
                 "Training options from a --stats file of model train (e.g. the ones autotune chose); flags given win")
      ->type_name("FILE");
}

Status apply_args_from(const std::string& path, const CLI::App& app, model::TrainOptions& o) {
  if (path.empty()) return {};
  auto bad = [&](const std::string& why) { return Status::usage("--args-from " + path + ": " + why); };
  Result<std::string> text = io::read_file(path);
  if (!text.ok()) return bad(text.status().message());
  report::Json j = report::Json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object (give the file that --stats wrote)");
  int found = 0;
  for (const TrainFlag& t : kTrainFlags) {
    if (!j.contains(t.figure)) continue;
    ++found;
    if (app.get_option(t.flag)->count()) continue;  // given on the command line: it wins
    const report::Json& v = j[t.figure];
    std::string figure = t.figure;
    if (figure == "loss") {
      if (!v.is_string()) return bad("\"loss\" is not a string");
      o.loss = v.get<std::string>();
    } else if (figure == "lr") {
      if (!v.is_number()) return bad("\"lr\" is not a number");
      o.lr = v.get<double>();
    } else {
      if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
        return bad("\"" + figure + "\" is not an integer");
      int value = static_cast<int>(v.get<int64_t>());
      if (figure == "epoch") o.epoch = value;
      if (figure == "word_ngrams") o.word_ngrams = value;
      if (figure == "minn") o.minn = value;
      if (figure == "maxn") o.maxn = value;
      if (figure == "bucket") o.bucket = value;
      if (figure == "dim") o.dim = value;
      if (figure == "min_count") o.min_count = value;
    }
  }
  if (found == 0) return bad("no training option in it (epoch, lr, word_ngrams, ...)");
  Status valid = model::validate(o);
  return valid.ok() ? valid : bad(valid.message());
}

std::vector<std::string> given_train_flags(const CLI::App& app) {
  std::vector<std::string> given;
  for (const TrainFlag& t : kTrainFlags)
    if (app.get_option(t.flag)->count()) given.emplace_back(t.fasttext);
  return given;
}

Status read_label(record::Parser& parser, const record::Path& path, std::optional<std::string>& label) {
  label.reset();
  std::optional<std::string_view> raw_label;
  DQPREP_RETURN_IF_ERROR(parser.scalar_text(path, raw_label));
  if (raw_label && !raw_label->empty()) {
    std::optional<std::string_view> token;
    DQPREP_RETURN_IF_ERROR(parser.raw_value(path, token));
    if (token && !token->empty() && token->front() != '"' && token->front() != 't' && token->front() != 'f') {
      std::string canonical;
      labels::canonical_number(*token, canonical);
      label = std::move(canonical);
    } else {
      label = std::string(*raw_label);
    }
  }
  return {};
}

Status RecordReader::read(record::Parser& parser, std::optional<std::string>& label, std::string& text) {
  DQPREP_RETURN_IF_ERROR(read_label(parser, fields_.label, label));
  DQPREP_RETURN_IF_ERROR(joined_text(parser, fields_.text, scratch_, joined_));
  text.clear();
  model::append_text(text, joined_);
  return {};
}

size_t char_count(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Result<std::vector<std::string>> class_order(const std::string& classes_flag, std::vector<std::string> seen) {
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  if (classes_flag.empty()) return seen;
  DQPREP_ASSIGN_OR_RETURN(std::vector<std::string> given, split_list_trimmed("--classes", classes_flag));
  std::vector<std::string> sorted = given;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return Status::usage("--classes '" + classes_flag + "': a class is listed twice");
  }
  for (const std::string& label : seen) {
    if (!std::binary_search(sorted.begin(), sorted.end(), label)) {
      return Status::usage("--classes '" + classes_flag + "' does not list the label '" + label + "'");
    }
  }
  return given;
}

std::vector<int> model_index(const std::vector<std::string>& classes, const std::vector<std::string>& model_labels) {
  std::unordered_map<std::string, int> position;
  for (size_t i = 0; i < model_labels.size(); ++i) position[model_labels[i]] = static_cast<int>(i);
  std::vector<int> out;
  for (const std::string& c : classes) {
    auto it = position.find(c);
    out.push_back(it == position.end() ? -1 : it->second);
  }
  return out;
}

void append_probs(std::string& out, std::span<const double> probs) {
  out += '[';
  for (size_t i = 0; i < probs.size(); ++i) {
    if (i) out += ',';
    json_text::append_number(out, std::round(probs[i] * 1e6) / 1e6);
  }
  out += ']';
}

Result<std::string> top_level_key(std::string_view flag, const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(record::Path parsed, record::parse_path(path));
  if (parsed.steps.size() != 1 || parsed.steps[0].kind != record::PathStep::Kind::key) {
    return Status::usage(std::string(flag) + " '" + path + "': must be a top-level field name");
  }
  return parsed.steps[0].key;
}

}  // namespace dqprep::stages::model_stage
