#include "dqprep/model/classifier.hpp"

#include <fasttext/fasttext.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
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
  std::vector<size_t> order(n);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (o.shuffle) {
    Rng rng(o.shuffle_seed, 0x7472616e);  // Fisher-Yates
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.uniform(i)]);
  }

  TempFile file;
  file.path = temp_dir() + "/dqprep-" + std::to_string(::getpid()) + "-train.XXXXXX";
  int fd = ::mkstemp(file.path.data());
  if (fd < 0) {
    std::string path = file.path;
    file.path.clear();
    return Status::io("cannot create a training file " + path + ": " + std::strerror(errno));
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
  if (!written.ok()) return written;

  fasttext::Args args;  // `fasttext supervised` with -thread 1 -verbose 0
  args.input = file.path;
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

  Classifier c;
  try {
    c.impl_->fasttext.train(args);
  } catch (const std::exception& e) {
    return Status::bad_input(std::string("fastText could not train: ") + e.what());
  }
  auto dict = c.impl_->fasttext.getDictionary();
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    c.labels_.push_back(unescape_label(std::string_view(dict->getLabel(i)).substr(kLabelPrefix.size())));
  }
  return c;
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
