#pragma once
// Inter-annotator agreement on an items x annotators matrix of category ids: percent agreement,
// Cohen's kappa, Fleiss' kappa, Krippendorff's alpha, majority consensus, per-annotator figures.
// Callers map their labels (strings, numbers) to ids 0..num_categories-1 first.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"

namespace dqprep::agreement {

inline constexpr int32_t kNotRated = -1;

// Row-major items x annotators; ratings[item * num_annotators + annotator] is a category id in
// [0, num_categories) or kNotRated. Memory: 4 bytes per cell.
struct Ratings {
  size_t num_items = 0;
  size_t num_annotators = 0;
  int32_t num_categories = 0;
  std::vector<int32_t> ratings;

  Ratings() = default;
  Ratings(size_t items, size_t annotators, int32_t categories)
      : num_items(items),
        num_annotators(annotators),
        num_categories(categories),
        ratings(items * annotators, kNotRated) {}

  int32_t& at(size_t item, size_t annotator) { return ratings[item * num_annotators + annotator]; }
  int32_t at(size_t item, size_t annotator) const { return ratings[item * num_annotators + annotator]; }
  std::span<const int32_t> row(size_t item) const {
    return {ratings.data() + item * num_annotators, num_annotators};
  }
};

// Label ids of the ratings, items x annotators, grown as rows and annotators appear (a stream of
// (item, annotator, label) triples). Columns are laid out with a stride that doubles, so that
// annotators appearing one by one cost O(cells) in all, not O(cells) each.
class RatingMatrix {
 public:
  // false when the cell was already rated (the same annotator twice on one item): the first rating
  // stays.
  bool set(size_t row, size_t column, int32_t label);
  // Columns seen so far: the highest column set, plus one.
  size_t width() const { return width_; }
  // The cells, `rows` x `width` (>= width()), row-major, kNotRated where nothing was set; empties
  // this.
  std::vector<int32_t> take(size_t rows, size_t width);

 private:
  void widen(size_t stride);
  std::vector<int32_t> cells_;
  size_t rows_ = 0, stride_ = 0, width_ = 0;
};

// ok, or bad_input naming the first cell whose id is outside [0, num_categories) and not kNotRated,
// or whose size does not match. Every statistic below checks this and reports it in `note`.
Status validate(const Ratings& r);

// A figure that may be undefined for the data (one category only, fewer than two ratings, zero
// expected disagreement): then value is empty and note says why. value is never NaN or inf.
struct Statistic {
  std::optional<double> value;
  std::string note;
};

struct PercentAgreement {
  Statistic agreement;        // items_agreeing / items_counted
  size_t items_counted = 0;   // items with at least two ratings
  size_t items_agreeing = 0;  // of those, items whose ratings are all the same
};
PercentAgreement percent_agreement(const Ratings& r);

enum class Weights { none, linear, quadratic };
// "none", "linear" or "quadratic" (label-check --weights); anything else is a usage error.
Result<Weights> parse_weights(std::string_view text);

// Exactly two annotators; items rated by both. Equals scikit-learn's
// cohen_kappa_score(y1, y2, labels=range(num_categories), weights=...): weights use the distance
// between category ids, so ordered labels must be mapped to ids in their order.
Statistic cohen_kappa(const Ratings& r, Weights weights = Weights::none);

struct FleissKappa {
  Statistic kappa;
  std::optional<double> p_bar;    // mean observed agreement per item
  std::optional<double> p_e_bar;  // agreement expected by chance: sum of squared category shares
  size_t items = 0;               // items counted (those with at least one rating)
  int64_t raters_per_item = 0;
};
// counts: row-major items x num_categories, each cell the number of raters who chose that
// category. Items with no rating are skipped; the others must all have the same number (>= 2).
FleissKappa fleiss_kappa(std::span<const int64_t> counts, size_t num_categories);
// The same from ratings; undefined (with the reason) when rated items have different numbers of
// ratings.
FleissKappa fleiss_kappa(const Ratings& r);

enum class Level { nominal, ordinal, interval, ratio };
// "nominal", "ordinal", "interval" or "ratio" (label-check --level); anything else is a usage error.
Result<Level> parse_level(std::string_view text);

// Krippendorff's alpha on the coincidence matrix: any number of annotators, missing ratings
// allowed; units with fewer than two ratings are not pairable and are left out. nominal and
// ordinal use category ids (ordinal: their rank order, with Krippendorff's metric on the marginal
// counts of the categories between). interval and ratio use values[id], or the id itself when
// values is empty.
Statistic krippendorff_alpha(const Ratings& r, Level level, std::span<const double> values = {});

// One consensus label per item: label kNotRated (confidence 0) for items nobody rated.
struct Consensus {
  std::vector<int32_t> labels;
  std::vector<double> confidence;  // majority: share of the item's votes for the label
  size_t tied_items = 0;           // items whose top vote (or posterior) was shared
  std::string note;
};
// Majority vote; a tie goes to the lowest category id (counted in tied_items and said in note).
Consensus majority_consensus(const Ratings& r);

struct AnnotatorFigures {
  size_t ratings_given = 0;
  size_t compared = 0;  // ratings on items that have a consensus label
  size_t agreed = 0;    // of those, ratings equal to the consensus label
  Statistic agreement_with_consensus;  // agreed / compared
};
// One entry per annotator. consensus[i] is the consensus id of item i or kNotRated. The annotator's
// own rating is part of the consensus it is compared with (the usual convention).
std::vector<AnnotatorFigures> annotator_figures(const Ratings& r, std::span<const int32_t> consensus);

}  // namespace dqprep::agreement
