#include "dqprep/model/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dqprep::model {

namespace {

std::string fixed(double v, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Figures rounded to 6 decimals, so reports do not show float noise.
double round6(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

Interval wilson95(uint64_t successes, uint64_t n) {
  if (n == 0) return {0, 1};
  return wilson95_weighted(static_cast<double>(successes) / static_cast<double>(n), static_cast<double>(n));
}

Interval wilson95_weighted(double p, double nn) {
  if (!(nn > 0)) return {0, 1};
  const double z = 1.959963984540054;
  double denom = 1 + z * z / nn;
  double centre = (p + z * z / (2 * nn)) / denom;
  double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::string length_bucket(size_t chars) {
  if (chars < 50) return "0-49";
  if (chars < 100) return "50-99";
  if (chars < 200) return "100-199";
  if (chars < 500) return "200-499";
  if (chars < 1000) return "500-999";
  if (chars < 2000) return "1000-1999";
  return "2000+";
}

Evaluation::Evaluation(std::vector<std::string> classes)
    : classes_(std::move(classes)), confusion_(classes_.size(), std::vector<uint64_t>(classes_.size(), 0)) {}

void Evaluation::add(size_t truth, size_t predicted, std::string_view slice) {
  ++confusion_[truth][predicted];
  ++records_;
  bool right = truth == predicted;
  if (right) ++correct_;
  if (!slice.empty()) {
    auto it = slices_.find(slice);
    if (it == slices_.end()) it = slices_.emplace(std::string(slice), Slice{std::string(slice)}).first;
    ++it->second.records;
    if (right) ++it->second.correct;
  }
}

double Evaluation::accuracy() const {
  return records_ ? static_cast<double>(correct_) / static_cast<double>(records_) : 0.0;
}

Evaluation::ClassFigures Evaluation::class_figures(size_t c) const {
  ClassFigures f;
  for (size_t j = 0; j < classes_.size(); ++j) {
    f.support += confusion_[c][j];
    f.predicted += confusion_[j][c];
  }
  double tp = static_cast<double>(confusion_[c][c]);
  f.precision = f.predicted ? tp / static_cast<double>(f.predicted) : 0.0;
  f.recall = f.support ? tp / static_cast<double>(f.support) : 0.0;
  f.f1 = f.precision + f.recall > 0 ? 2 * f.precision * f.recall / (f.precision + f.recall) : 0.0;
  return f;
}

double Evaluation::macro_f1() const {
  double sum = 0;
  size_t n = 0;
  for (size_t c = 0; c < classes_.size(); ++c) {
    ClassFigures f = class_figures(c);
    if (f.support == 0 && f.predicted == 0) continue;
    sum += f.f1;
    ++n;
  }
  return n ? sum / static_cast<double>(n) : 0.0;
}

std::vector<Evaluation::Pair> Evaluation::confused_pairs(size_t top) const {
  std::vector<Pair> pairs;
  for (size_t t = 0; t < classes_.size(); ++t) {
    for (size_t p = 0; p < classes_.size(); ++p) {
      if (t != p && confusion_[t][p] > 0) pairs.push_back({t, p, confusion_[t][p]});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.count > b.count; });
  if (pairs.size() > top) pairs.resize(top);
  return pairs;
}

std::vector<Evaluation::Slice> Evaluation::slices_worst_first() const {
  std::vector<Slice> out;
  for (const auto& [name, s] : slices_) out.push_back(s);
  // Lower accuracy first (compared exactly as fractions), then more records, then by name.
  std::stable_sort(out.begin(), out.end(), [](const Slice& a, const Slice& b) {
    __uint128_t left = static_cast<__uint128_t>(a.correct) * b.records;
    __uint128_t right = static_cast<__uint128_t>(b.correct) * a.records;
    if (left != right) return left < right;
    return a.records > b.records;
  });
  return out;
}

void Evaluation::add_figures(report::Json& f, std::string_view slice_field, size_t top_pairs) const {
  f["records_scored"] = records_;
  f["correct"] = correct_;
  f["accuracy"] = round6(accuracy());
  f["macro_f1"] = round6(macro_f1());
  f["classes"] = classes_;
  report::Json per_class = report::Json::object();
  report::Json confusion = report::Json::object();
  for (size_t c = 0; c < classes_.size(); ++c) {
    ClassFigures cf = class_figures(c);
    per_class[classes_[c]] = {{"precision", round6(cf.precision)},
                              {"recall", round6(cf.recall)},
                              {"f1", round6(cf.f1)},
                              {"support", cf.support}};
    report::Json row = report::Json::object();
    for (size_t p = 0; p < classes_.size(); ++p) row[classes_[p]] = confusion_[c][p];
    confusion[classes_[c]] = row;
  }
  f["per_class"] = per_class;
  f["confusion"] = confusion;
  report::Json pairs = report::Json::array();
  for (const Pair& p : confused_pairs(top_pairs)) {
    pairs.push_back({{"true", classes_[p.truth]}, {"predicted", classes_[p.predicted]}, {"count", p.count}});
  }
  f["confused_pairs"] = pairs;
  if (!slice_field.empty()) {
    f["slice_field"] = std::string(slice_field);
    report::Json slices = report::Json::array();
    for (const Slice& s : slices_worst_first()) {
      Interval ci = wilson95(s.correct, s.records);
      slices.push_back({{"slice", s.name},
                        {"records", s.records},
                        {"accuracy", round6(static_cast<double>(s.correct) / static_cast<double>(s.records))},
                        {"low", round6(ci.low)},
                        {"high", round6(ci.high)}});
    }
    f["slices"] = slices;
  }
}

std::string Evaluation::table(std::string_view slice_field, size_t top_pairs) const {
  size_t width = 5;
  for (const std::string& c : classes_) width = std::max(width, c.size());
  std::string out = std::to_string(records_) + " records: accuracy " + fixed(accuracy()) + ", macro-F1 " +
                    fixed(macro_f1()) + "\n";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-*s %9s %9s %9s %9s\n", static_cast<int>(width), "class", "precision", "recall",
                "f1", "support");
  out += buf;
  for (size_t c = 0; c < classes_.size(); ++c) {
    ClassFigures f = class_figures(c);
    std::snprintf(buf, sizeof buf, "%-*s %9s %9s %9s %9llu\n", static_cast<int>(width), classes_[c].c_str(),
                  fixed(f.precision).c_str(), fixed(f.recall).c_str(), fixed(f.f1).c_str(),
                  static_cast<unsigned long long>(f.support));
    out += buf;
  }
  out += "confusion (rows: true, columns: predicted, in the order above)\n";
  for (size_t t = 0; t < classes_.size(); ++t) {
    std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(width), classes_[t].c_str());
    out += buf;
    for (size_t p = 0; p < classes_.size(); ++p) {
      std::snprintf(buf, sizeof buf, " %7llu", static_cast<unsigned long long>(confusion_[t][p]));
      out += buf;
    }
    out += '\n';
  }
  std::vector<Pair> pairs = confused_pairs(top_pairs);
  if (!pairs.empty()) {
    out += "most confused (true -> predicted):\n";
    for (const Pair& p : pairs) {
      out += "  " + classes_[p.truth] + " -> " + classes_[p.predicted] + ": " + std::to_string(p.count) + "\n";
    }
  }
  if (!slice_field.empty()) {
    out += "accuracy by " + std::string(slice_field) + " (worst first, Wilson 95%):\n";
    for (const Slice& s : slices_worst_first()) {
      Interval ci = wilson95(s.correct, s.records);
      out += "  " + s.name + ": " + fixed(static_cast<double>(s.correct) / static_cast<double>(s.records)) + " [" +
             fixed(ci.low) + ", " + fixed(ci.high) + "] of " + std::to_string(s.records) + "\n";
    }
  }
  return out;
}

std::string Evaluation::markdown(std::string_view slice_field, size_t top_pairs) const {
  std::string out = "## Model evaluation\n\n";
  out += "- records: " + std::to_string(records_) + "\n- accuracy: " + fixed(accuracy()) +
         "\n- macro-F1: " + fixed(macro_f1()) + "\n\n";
  out += "| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n";
  for (size_t c = 0; c < classes_.size(); ++c) {
    ClassFigures f = class_figures(c);
    out += "| " + classes_[c] + " | " + fixed(f.precision) + " | " + fixed(f.recall) + " | " + fixed(f.f1) + " | " +
           std::to_string(f.support) + " |\n";
  }
  out += "\n### Confusion matrix (rows: true, columns: predicted)\n\n| |";
  for (const std::string& c : classes_) out += " " + c + " |";
  out += "\n|---|";
  for (size_t i = 0; i < classes_.size(); ++i) out += "---:|";
  out += "\n";
  for (size_t t = 0; t < classes_.size(); ++t) {
    out += "| " + classes_[t] + " |";
    for (size_t p = 0; p < classes_.size(); ++p) out += " " + std::to_string(confusion_[t][p]) + " |";
    out += "\n";
  }
  std::vector<Pair> pairs = confused_pairs(top_pairs);
  if (!pairs.empty()) {
    out += "\n### Most confused pairs\n\n| true | predicted | count |\n|---|---|---:|\n";
    for (const Pair& p : pairs) {
      out += "| " + classes_[p.truth] + " | " + classes_[p.predicted] + " | " + std::to_string(p.count) + " |\n";
    }
  }
  if (!slice_field.empty()) {
    out += "\n### Accuracy by " + std::string(slice_field) +
           " (worst first)\n\n| slice | records | accuracy | Wilson 95% |\n|---|---:|---:|---|\n";
    for (const Slice& s : slices_worst_first()) {
      Interval ci = wilson95(s.correct, s.records);
      out += "| " + s.name + " | " + std::to_string(s.records) + " | " +
             fixed(static_cast<double>(s.correct) / static_cast<double>(s.records)) + " | [" + fixed(ci.low) + ", " +
             fixed(ci.high) + "] |\n";
    }
  }
  return out;
}

}  // namespace dqprep::model
