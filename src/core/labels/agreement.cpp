#include "dqprep/labels/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace dqprep::agreement {

bool RatingMatrix::set(size_t row, size_t column, int32_t label) {
  if (column >= stride_) widen(std::max<size_t>(column + 1, 2 * stride_));
  width_ = std::max(width_, column + 1);
  if (row >= rows_) {
    rows_ = row + 1;
    cells_.resize(rows_ * stride_, kNotRated);
  }
  int32_t& cell = cells_[row * stride_ + column];
  if (cell != kNotRated) return false;
  cell = label;
  return true;
}

std::vector<int32_t> RatingMatrix::take(size_t rows, size_t width) {
  widen(width);
  cells_.resize(rows * width, kNotRated);
  rows_ = 0;
  return std::move(cells_);
}

void RatingMatrix::widen(size_t stride) {
  if (stride == stride_) return;
  std::vector<int32_t> cells(rows_ * stride, kNotRated);
  for (size_t r = 0; r < rows_; ++r) {
    std::copy_n(cells_.data() + r * stride_, std::min(stride_, stride), cells.data() + r * stride);
  }
  cells_ = std::move(cells);
  stride_ = stride;
}

Result<Weights> parse_weights(std::string_view text) {
  if (text == "none") return Weights::none;
  if (text == "linear") return Weights::linear;
  if (text == "quadratic") return Weights::quadratic;
  return Status::usage("--weights must be none, linear or quadratic, not '" + std::string(text) + "'");
}

Result<Level> parse_level(std::string_view text) {
  if (text == "nominal") return Level::nominal;
  if (text == "ordinal") return Level::ordinal;
  if (text == "interval") return Level::interval;
  if (text == "ratio") return Level::ratio;
  return Status::usage("--level must be nominal, ordinal, interval or ratio, not '" + std::string(text) + "'");
}

namespace {

Statistic undefined(std::string why) { return {std::nullopt, std::move(why)}; }

// Copies the ratings of one item that are not kNotRated into buf; returns how many.
size_t gather(std::span<const int32_t> row, std::vector<int32_t>& buf) {
  buf.clear();
  for (int32_t v : row)
    if (v != kNotRated) buf.push_back(v);
  return buf.size();
}

}  // namespace

Status validate(const Ratings& r) {
  if (r.num_categories < 0) return Status::bad_input("negative number of categories");
  if (r.ratings.size() != r.num_items * r.num_annotators)
    return Status::bad_input("ratings hold " + std::to_string(r.ratings.size()) + " cells, expected " +
                             std::to_string(r.num_items) + " items x " + std::to_string(r.num_annotators) +
                             " annotators");
  for (size_t i = 0; i < r.ratings.size(); ++i) {
    int32_t v = r.ratings[i];
    if (v != kNotRated && (v < 0 || v >= r.num_categories))
      return Status::bad_input("item " + std::to_string(i / std::max<size_t>(r.num_annotators, 1)) +
                               ", annotator " + std::to_string(i % std::max<size_t>(r.num_annotators, 1)) +
                               ": category id " + std::to_string(v) + " outside [0, " +
                               std::to_string(r.num_categories) + ")");
  }
  return {};
}

PercentAgreement percent_agreement(const Ratings& r) {
  PercentAgreement out;
  if (Status s = validate(r); !s.ok()) {
    out.agreement = undefined("invalid ratings: " + s.message());
    return out;
  }
  for (size_t i = 0; i < r.num_items; ++i) {
    int32_t first = kNotRated;
    size_t m = 0;
    bool same = true;
    for (int32_t v : r.row(i)) {
      if (v == kNotRated) continue;
      if (m++ == 0) first = v;
      else if (v != first) same = false;
    }
    if (m < 2) continue;
    ++out.items_counted;
    if (same) ++out.items_agreeing;
  }
  if (out.items_counted == 0) {
    out.agreement = undefined("no item has two or more ratings");
    return out;
  }
  out.agreement.value = static_cast<double>(out.items_agreeing) / static_cast<double>(out.items_counted);
  return out;
}

Statistic cohen_kappa(const Ratings& r, Weights weights) {
  if (Status s = validate(r); !s.ok()) return undefined("invalid ratings: " + s.message());
  if (r.num_annotators != 2)
    return undefined("Cohen's kappa needs exactly two annotators, got " + std::to_string(r.num_annotators));
  const size_t k = static_cast<size_t>(r.num_categories);
  std::vector<double> a(k, 0.0), b(k, 0.0);  // marginal counts of annotator 0 and 1
  double n = 0, observed = 0;                // observed: sum of weights over the items
  for (size_t i = 0; i < r.num_items; ++i) {
    int32_t x = r.at(i, 0), y = r.at(i, 1);
    if (x == kNotRated || y == kNotRated) continue;
    a[x] += 1;
    b[y] += 1;
    n += 1;
    double d = std::abs(static_cast<double>(x) - static_cast<double>(y));
    observed += weights == Weights::none ? (x != y) : weights == Weights::linear ? d : d * d;
  }
  if (n == 0) return undefined("no item is rated by both annotators");
  // Expected weighted disagreement sum_ij w_ij a_i b_j / n in O(k) rather than over a k x k matrix,
  // so that many categories cost no quadratic memory.
  double expected = 0;
  if (weights == Weights::none) {
    double same = 0;
    for (size_t c = 0; c < k; ++c) same += a[c] * b[c];
    expected = n - same / n;
  } else if (weights == Weights::quadratic) {
    double sa = 0, sa2 = 0, sb = 0, sb2 = 0;
    for (size_t c = 0; c < k; ++c) {
      double v = static_cast<double>(c);
      sa += a[c] * v, sa2 += a[c] * v * v, sb += b[c] * v, sb2 += b[c] * v * v;
    }
    expected = (n * sa2 + n * sb2 - 2 * sa * sb) / n;
  } else {
    // sum_i a_i sum_j b_j |i - j| with running totals of b below and above i.
    double b_below = 0, bv_below = 0, b_total = 0, bv_total = 0, sum = 0;
    for (size_t c = 0; c < k; ++c) b_total += b[c], bv_total += b[c] * static_cast<double>(c);
    for (size_t c = 0; c < k; ++c) {
      double v = static_cast<double>(c);
      b_below += b[c], bv_below += b[c] * v;
      double b_above = b_total - b_below, bv_above = bv_total - bv_below;
      sum += a[c] * ((v * b_below - bv_below) + (bv_above - v * b_above));
    }
    expected = sum / n;
  }
  if (expected <= 0)
    return undefined("no disagreement expected by chance (both annotators used one and the same category)");
  return {1.0 - observed / expected, ""};
}

namespace {

FleissKappa fleiss_from_totals(size_t items, int64_t n, double sum_p_i, const std::vector<double>& category_totals) {
  FleissKappa out;
  out.items = items;
  out.raters_per_item = n;
  if (items == 0) {
    out.kappa = undefined("no rated items");
    return out;
  }
  if (n < 2) {
    out.kappa = undefined("fewer than two ratings per item");
    return out;
  }
  double total = static_cast<double>(items) * static_cast<double>(n);
  double p_e = 0;
  for (double t : category_totals) p_e += (t / total) * (t / total);
  double p_bar = sum_p_i / static_cast<double>(items);
  out.p_bar = p_bar;
  out.p_e_bar = p_e;
  if (p_e >= 1.0) {
    out.kappa = undefined("only one category is used: agreement expected by chance is 1");
    return out;
  }
  out.kappa.value = (p_bar - p_e) / (1.0 - p_e);
  return out;
}

std::string different_counts(int64_t a, int64_t b) {
  return "items have different numbers of ratings (" + std::to_string(a) + " and " + std::to_string(b) +
         "); Fleiss' kappa needs a fixed number per item (Krippendorff's alpha does not)";
}

}  // namespace

FleissKappa fleiss_kappa(std::span<const int64_t> counts, size_t num_categories) {
  FleissKappa out;
  if (num_categories == 0 || counts.size() % num_categories != 0) {
    out.kappa = undefined("count matrix size " + std::to_string(counts.size()) + " is not a multiple of " +
                          std::to_string(num_categories) + " categories");
    return out;
  }
  std::vector<double> totals(num_categories, 0.0);
  size_t items = 0;
  int64_t n = 0;
  double sum_p_i = 0;
  for (size_t row = 0; row < counts.size() / num_categories; ++row) {
    auto cells = counts.subspan(row * num_categories, num_categories);
    int64_t m = 0;
    double squares = 0;
    for (int64_t c : cells) {
      if (c < 0) {
        out.kappa = undefined("negative count in row " + std::to_string(row));
        return out;
      }
      m += c;
      squares += static_cast<double>(c) * static_cast<double>(c);
    }
    if (m == 0) continue;
    if (items > 0 && m != n) {
      out.kappa = undefined(different_counts(n, m));
      return out;
    }
    n = m;
    ++items;
    for (size_t c = 0; c < num_categories; ++c) totals[c] += static_cast<double>(cells[c]);
    double dm = static_cast<double>(m);
    if (m >= 2) sum_p_i += (squares - dm) / (dm * (dm - 1));
  }
  return fleiss_from_totals(items, n, sum_p_i, totals);
}

FleissKappa fleiss_kappa(const Ratings& r) {
  FleissKappa out;
  if (Status s = validate(r); !s.ok()) {
    out.kappa = undefined("invalid ratings: " + s.message());
    return out;
  }
  std::vector<double> totals(static_cast<size_t>(r.num_categories), 0.0);
  std::vector<int32_t> buf;
  size_t items = 0;
  int64_t n = 0;
  double sum_p_i = 0;
  for (size_t i = 0; i < r.num_items; ++i) {
    int64_t m = static_cast<int64_t>(gather(r.row(i), buf));
    if (m == 0) continue;
    if (items > 0 && m != n) {
      out.kappa = undefined(different_counts(n, m));
      return out;
    }
    n = m;
    ++items;
    // sum_j n_ij (n_ij - 1) is the number of ordered pairs of equal ratings.
    size_t equal_pairs = 0;
    for (size_t x = 0; x < buf.size(); ++x) {
      totals[buf[x]] += 1;
      for (size_t y = x + 1; y < buf.size(); ++y) equal_pairs += buf[x] == buf[y];
    }
    double dm = static_cast<double>(m);
    if (m >= 2) sum_p_i += 2.0 * static_cast<double>(equal_pairs) / (dm * (dm - 1));
  }
  return fleiss_from_totals(items, n, sum_p_i, totals);
}

Statistic krippendorff_alpha(const Ratings& r, Level level, std::span<const double> values) {
  if (Status s = validate(r); !s.ok()) return undefined("invalid ratings: " + s.message());
  const size_t k = static_cast<size_t>(r.num_categories);
  const bool metric = level == Level::interval || level == Level::ratio;
  if (metric && !values.empty() && values.size() != k)
    return undefined("expected one value per category (" + std::to_string(k) + "), got " +
                     std::to_string(values.size()));
  std::vector<double> value(k);
  for (size_t c = 0; c < k; ++c) {
    value[c] = values.empty() ? static_cast<double>(c) : values[c];
    if (metric && !std::isfinite(value[c])) return undefined("value of category " + std::to_string(c) + " is not finite");
  }

  // Marginals n_c of the coincidence matrix: the pairable values (units with >= 2 ratings).
  std::vector<double> n_c(k, 0.0);
  std::vector<int32_t> buf;
  for (size_t i = 0; i < r.num_items; ++i) {
    if (gather(r.row(i), buf) < 2) continue;
    for (int32_t v : buf) n_c[v] += 1;
  }
  double n = 0;
  for (double x : n_c) n += x;
  if (n < 2) return undefined("fewer than two pairable ratings (no unit is rated at least twice)");

  std::vector<double> cum(k + 1, 0.0);  // cum[c] = n_0 + ... + n_{c-1}
  for (size_t c = 0; c < k; ++c) cum[c + 1] = cum[c] + n_c[c];
  auto delta2 = [&](int32_t c, int32_t d) -> double {
    if (c == d) return 0.0;
    switch (level) {
      case Level::nominal:
        return 1.0;
      case Level::ordinal: {
        int32_t lo = std::min(c, d), hi = std::max(c, d);
        double s = cum[hi + 1] - cum[lo] - (n_c[lo] + n_c[hi]) / 2.0;
        return s * s;
      }
      case Level::interval: {
        double s = value[c] - value[d];
        return s * s;
      }
      case Level::ratio: {
        double sum = value[c] + value[d];
        if (sum == 0) return 0.0;
        double s = (value[c] - value[d]) / sum;
        return s * s;
      }
    }
    return 0.0;
  };

  // Observed: sum over c, k of o_ck delta2(c, k), accumulated unit by unit as each unit adds
  // 1 / (m_u - 1) per ordered pair of its values; no k x k matrix is kept.
  double observed = 0;
  for (size_t i = 0; i < r.num_items; ++i) {
    size_t m = gather(r.row(i), buf);
    if (m < 2) continue;
    double unit = 0;
    for (size_t x = 0; x < m; ++x)
      for (size_t y = x + 1; y < m; ++y) unit += delta2(buf[x], buf[y]);
    observed += 2.0 * unit / static_cast<double>(m - 1);
  }

  // Expected: sum over c, k of n_c n_k delta2(c, k).
  double expected = 0;
  if (level == Level::nominal) {
    double squares = 0;
    for (double x : n_c) squares += x * x;
    expected = n * n - squares;
  } else if (level == Level::interval) {
    double mean = 0;
    for (size_t c = 0; c < k; ++c) mean += n_c[c] * value[c];
    mean /= n;
    for (size_t c = 0; c < k; ++c) expected += n_c[c] * (value[c] - mean) * (value[c] - mean);
    expected *= 2.0 * n;
  } else {
    std::vector<int32_t> used;
    for (size_t c = 0; c < k; ++c)
      if (n_c[c] > 0) used.push_back(static_cast<int32_t>(c));
    for (size_t x = 0; x < used.size(); ++x)
      for (size_t y = x + 1; y < used.size(); ++y)
        expected += 2.0 * n_c[used[x]] * n_c[used[y]] * delta2(used[x], used[y]);
  }
  if (!(expected > 0))
    return undefined("no disagreement expected by chance (all pairable ratings have one value)");
  // alpha = 1 - D_o / D_e with D_o = observed / n and D_e = expected / (n (n - 1)).
  return {1.0 - (n - 1.0) * observed / expected, ""};
}

Consensus majority_consensus(const Ratings& r) {
  Consensus out;
  if (Status s = validate(r); !s.ok()) {
    out.note = "invalid ratings: " + s.message();
    return out;
  }
  out.labels.assign(r.num_items, kNotRated);
  out.confidence.assign(r.num_items, 0.0);
  std::vector<int32_t> buf;
  for (size_t i = 0; i < r.num_items; ++i) {
    size_t m = gather(r.row(i), buf);
    if (m == 0) continue;
    std::sort(buf.begin(), buf.end());
    int32_t best = buf[0];
    size_t best_count = 0;
    bool tied = false;
    for (size_t x = 0; x < m;) {
      size_t y = x;
      while (y < m && buf[y] == buf[x]) ++y;
      size_t count = y - x;
      // Runs come in ascending id order, so keeping the first of equal counts picks the lowest id.
      if (count > best_count) best = buf[x], best_count = count, tied = false;
      else if (count == best_count) tied = true;
      x = y;
    }
    out.labels[i] = best;
    out.confidence[i] = static_cast<double>(best_count) / static_cast<double>(m);
    if (tied) ++out.tied_items;
  }
  if (out.tied_items > 0)
    out.note = std::to_string(out.tied_items) + " tied items went to the lowest category id among the tied";
  return out;
}

std::vector<AnnotatorFigures> annotator_figures(const Ratings& r, std::span<const int32_t> consensus) {
  std::vector<AnnotatorFigures> out(r.num_annotators);
  std::string problem;
  if (Status s = validate(r); !s.ok()) problem = "invalid ratings: " + s.message();
  else if (consensus.size() != r.num_items)
    problem = "consensus has " + std::to_string(consensus.size()) + " labels for " + std::to_string(r.num_items) +
              " items";
  if (!problem.empty()) {
    for (auto& f : out) f.agreement_with_consensus = undefined(problem);
    return out;
  }
  for (size_t i = 0; i < r.num_items; ++i) {
    auto row = r.row(i);
    for (size_t a = 0; a < r.num_annotators; ++a) {
      if (row[a] == kNotRated) continue;
      ++out[a].ratings_given;
      if (consensus[i] == kNotRated) continue;
      ++out[a].compared;
      out[a].agreed += row[a] == consensus[i];
    }
  }
  for (auto& f : out) {
    if (f.compared == 0) f.agreement_with_consensus = undefined("no rating on an item with a consensus label");
    else f.agreement_with_consensus.value = static_cast<double>(f.agreed) / static_cast<double>(f.compared);
  }
  return out;
}

}  // namespace dqprep::agreement
