#pragma once
// The report of a classifier on labelled records: accuracy, macro-F1, per-class precision / recall /
// F1 / support, the confusion matrix, the most confused pairs, and accuracy by slice (a field's
// value or a length bucket) with Wilson 95% intervals, worst slice first.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/report.hpp"

namespace dqprep::model {

// The Wilson score interval of `successes` out of `n` at 95% (z = 1.96); {0, 1} for n = 0.
struct Interval {
  double low = 0;
  double high = 1;
};
Interval wilson95(uint64_t successes, uint64_t n);
// The same for a proportion p estimated with an effective sample size n (a weighted sample).
Interval wilson95_weighted(double p, double n);

// The length bucket of a text of `chars` code points: "0-49", "50-99", "100-199", "200-499",
// "500-999", "1000-1999", "2000+".
std::string length_bucket(size_t chars);

class Evaluation {
 public:
  // `classes`: every class a true or predicted label can be, in report order.
  explicit Evaluation(std::vector<std::string> classes);

  void add(size_t truth, size_t predicted, std::string_view slice = {});

  uint64_t records() const { return records_; }
  uint64_t correct() const { return correct_; }
  double accuracy() const;
  // The mean F1 over the classes that occur as a truth or a prediction (scikit-learn's macro
  // average); a class never predicted has precision 0.
  double macro_f1() const;

  // Flat figures for a stage summary: records_scored, correct, accuracy, macro_f1, classes,
  // per_class, confusion, confused_pairs (the `top_pairs` largest off-diagonal cells) and, with
  // slices, slice_field and slices (worst accuracy first).
  void add_figures(report::Json& figures, std::string_view slice_field, size_t top_pairs = 10) const;
  // The same as a plain-text table (stderr) and as Markdown.
  std::string table(std::string_view slice_field, size_t top_pairs = 10) const;
  std::string markdown(std::string_view slice_field, size_t top_pairs = 10) const;

 private:
  struct ClassFigures {
    double precision = 0, recall = 0, f1 = 0;
    uint64_t support = 0, predicted = 0;
  };
  struct Pair {
    size_t truth, predicted;
    uint64_t count;
  };
  struct Slice {
    std::string name;
    uint64_t records = 0, correct = 0;
  };
  ClassFigures class_figures(size_t c) const;
  std::vector<Pair> confused_pairs(size_t top) const;
  std::vector<Slice> slices_worst_first() const;

  std::vector<std::string> classes_;
  std::vector<std::vector<uint64_t>> confusion_;  // [truth][predicted]
  std::map<std::string, Slice, std::less<>> slices_;
  uint64_t records_ = 0, correct_ = 0;
};

}  // namespace dqprep::model
