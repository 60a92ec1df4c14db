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

Status RecordReader::read(record::Parser& parser, std::optional<std::string>& label, std::string& text) {
  label.reset();
  std::optional<std::string_view> raw_label;
  DQPREP_RETURN_IF_ERROR(parser.scalar_text(fields_.label, raw_label));
  if (raw_label && !raw_label->empty()) {
    std::optional<std::string_view> token;
    DQPREP_RETURN_IF_ERROR(parser.raw_value(fields_.label, token));
    if (token && !token->empty() && token->front() != '"' && token->front() != 't' && token->front() != 'f') {
      std::string canonical;
      labels::canonical_number(*token, canonical);
      label = std::move(canonical);
    } else {
      label = std::string(*raw_label);
    }
  }
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
