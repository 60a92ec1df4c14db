#include "dqprep/labels/label_issues.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dqprep::label_issues {

Result<Method> parse_method(std::string_view text) {
  if (text == "confident-learning") return Method::confident_learning;
  if (text == "self-confidence") return Method::self_confidence;
  if (text == "normalized-margin") return Method::normalized_margin;
  return Status::usage("--method must be confident-learning, self-confidence or normalized-margin, not '" +
                       std::string(text) + "'");
}

Result<JointRule> parse_joint_rule(std::string_view text) {
  if (text == "cleanlab") return JointRule::cleanlab;
  if (text == "paper") return JointRule::paper;
  return Status::usage("--joint-rule must be cleanlab or paper, not '" + std::string(text) + "'");
}

namespace {

// Rounds each value to an integer (half to even, as numpy) and then moves the ones with the
// largest rounding loss by one so that the integers keep the rounded total: cleanlab's
// round_preserving_sum, which the calibrated joint needs to keep its row totals (label counts).
void round_preserving_sum(std::span<const double> values, std::span<int64_t> out) {
  const size_t k = values.size();
  double total = 0;
  int64_t int_total = 0;
  for (size_t j = 0; j < k; ++j) {
    out[j] = static_cast<int64_t>(std::nearbyint(values[j]));
    total += values[j];
    int_total += out[j];
  }
  int64_t target = static_cast<int64_t>(std::nearbyint(total));
  std::vector<size_t> order(k);
  while (int_total != target) {
    int64_t step = target > int_total ? 1 : -1;
    size_t changes = std::min<size_t>(static_cast<size_t>(std::llabs(target - int_total)), k);
    std::iota(order.begin(), order.end(), size_t{0});
    // Raise the values rounded down the most, or lower those rounded up the most.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      double da = values[a] - static_cast<double>(out[a]), db = values[b] - static_cast<double>(out[b]);
      return step > 0 ? da > db : da < db;
    });
    for (size_t x = 0; x < changes; ++x) out[order[x]] += step;
    int_total += step * static_cast<int64_t>(changes);
  }
}

size_t argmax(const double* p, size_t k) {
  size_t best = 0;
  for (size_t j = 1; j < k; ++j)
    if (p[j] > p[best]) best = j;
  return best;
}

}  // namespace

Result<Findings> find_label_issues(std::span<const int32_t> given, std::span<const double> probs, size_t k,
                                   Method method, double max_flag_rate, JointRule joint_rule) {
  const size_t n = given.size();
  if (k == 0) return Status::bad_input("no classes");
  if (!(max_flag_rate >= 0.0 && max_flag_rate <= 1.0)) return Status::bad_input("max_flag_rate outside [0, 1]");
  if (probs.size() != n * k)
    return Status::bad_input("expected " + std::to_string(n) + " x " + std::to_string(k) + " probabilities, got " +
                             std::to_string(probs.size()));
  for (size_t i = 0; i < n; ++i) {
    if (given[i] != kMissing && (given[i] < 0 || static_cast<size_t>(given[i]) >= k))
      return Status::bad_input("record " + std::to_string(i) + ": class id " + std::to_string(given[i]) +
                               " outside [0, " + std::to_string(k) + ")");
    for (size_t j = 0; j < k; ++j) {
      double p = probs[i * k + j];
      // A little slack for probabilities stored as float32 or rounded in text.
      if (!std::isfinite(p) || p < -1e-6 || p > 1.0 + 1e-6)
        return Status::bad_input("record " + std::to_string(i) + ": probability of class " + std::to_string(j) +
                                 " is not a number in [0, 1]");
    }
  }

  Findings f;
  f.records.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const double* p = &probs[i * k];
    Issue& issue = f.records[i];
    issue.suggested = static_cast<int32_t>(argmax(p, k));
    if (given[i] == kMissing) continue;
    ++f.labeled;
    const size_t g = static_cast<size_t>(given[i]);
    f.correct += issue.suggested == given[i];
    double other = 0;  // max_{j != g} p_j
    for (size_t j = 0; j < k; ++j)
      if (j != g) other = std::max(other, p[j]);
    double score = method == Method::normalized_margin ? (p[g] - other + 1.0) / 2.0 : p[g];
    issue.score = std::clamp(score, 0.0, 1.0);
    if (method != Method::confident_learning) issue.flagged = other > p[g];
  }

  if (method == Method::confident_learning) {
    // Records grouped by given class (a counting sort), and the per-class thresholds.
    std::vector<size_t> label_count(k, 0), start(k + 1, 0), by_class(f.labeled);
    for (size_t i = 0; i < n; ++i)
      if (given[i] != kMissing) ++label_count[given[i]];
    for (size_t c = 0; c < k; ++c) start[c + 1] = start[c] + label_count[c];
    std::vector<size_t> fill(start.begin(), start.end() - 1);
    for (size_t i = 0; i < n; ++i)
      if (given[i] != kMissing) by_class[fill[given[i]]++] = i;
    f.thresholds.assign(k, 2.0);
    for (size_t c = 0; c < k; ++c) {
      if (label_count[c] == 0) continue;
      double sum = 0;
      for (size_t x = start[c]; x < start[c + 1]; ++x) sum += probs[by_class[x] * k + c];
      f.thresholds[c] = sum / static_cast<double>(label_count[c]);
    }

    // Confident joint [given][true]: a record confident about one class counts toward it; one
    // confident about several counts toward the overall argmax (cleanlab) or the most probable of
    // the confident classes (paper). The two differ only when the overall argmax is not confident.
    std::vector<int64_t> cj(k * k, 0);
    for (size_t i = 0; i < n; ++i) {
      if (given[i] == kMissing) continue;
      const double* p = &probs[i * k];
      int64_t best = -1;
      size_t confident = 0;
      for (size_t j = 0; j < k; ++j) {
        if (p[j] < f.thresholds[j] - 1e-6) continue;
        ++confident;
        if (best < 0 || p[j] > p[best]) best = static_cast<int64_t>(j);
      }
      if (confident > 1 && joint_rule == JointRule::cleanlab) best = static_cast<int64_t>(f.records[i].suggested);
      if (best >= 0) ++cj[static_cast<size_t>(given[i]) * k + static_cast<size_t>(best)];
    }
    for (size_t c = 0; c < k; ++c) cj[c * k + c] = std::max<int64_t>(cj[c * k + c], 1);

    // Calibrate: each row scaled to its class's label count, rounded keeping the row total.
    std::vector<double> row(k);
    for (size_t c = 0; c < k; ++c) {
      double total = 0;
      for (size_t j = 0; j < k; ++j) total += static_cast<double>(cj[c * k + j]);
      for (size_t j = 0; j < k; ++j)
        row[j] = static_cast<double>(cj[c * k + j]) / total * static_cast<double>(label_count[c]);
      round_preserving_sum(row, std::span<int64_t>(&cj[c * k], k));
    }
    f.confident_joint = cj;

    // Prune counts: cleanlab's _keep_at_least_n_per_class with n = 1 leaves at least one record of
    // each given class unflagged, taking what it adds to the diagonal evenly off the noise cells.
    std::vector<std::pair<double, size_t>> margin;
    for (size_t g = 0; g < k; ++g) {
      if (label_count[g] <= 1) continue;
      int64_t diag = cj[g * k + g];
      double raise = static_cast<double>(std::max<int64_t>(diag, 1) - diag);
      size_t nonzero = 0;
      for (size_t j = 0; j < k; ++j) nonzero += cj[g * k + j] != 0;
      double per_cell = raise / std::max(static_cast<double>(nonzero) - 1.0, 1.0);
      for (size_t j = 0; j < k; ++j) {
        if (j == g) continue;
        auto to_prune = static_cast<size_t>(std::max(static_cast<double>(cj[g * k + j]) - per_cell, 0.0));
        if (to_prune == 0) continue;
        to_prune = std::min(to_prune, label_count[g]);
        margin.clear();
        for (size_t x = start[g]; x < start[g + 1]; ++x) {
          size_t i = by_class[x];
          margin.emplace_back(probs[i * k + j] - probs[i * k + g], i);
        }
        // Largest margin first; equal margins by record order, so the choice is reproducible.
        auto larger = [](const auto& a, const auto& b) {
          return a.first > b.first || (a.first == b.first && a.second < b.second);
        };
        std::nth_element(margin.begin(), margin.begin() + static_cast<ptrdiff_t>(to_prune - 1), margin.end(), larger);
        for (size_t x = 0; x < to_prune; ++x) f.records[margin[x].second].flagged = true;
      }
    }
    for (size_t i = 0; i < n; ++i)
      if (f.records[i].flagged && f.records[i].suggested == given[i]) f.records[i].flagged = false;
  }

  {
    std::vector<size_t> count(k, 0);
    for (int32_t g : given)
      if (g != kMissing) ++count[static_cast<size_t>(g)];
    f.majority = *std::max_element(count.begin(), count.end());
  }

  std::vector<std::pair<double, size_t>> ranked;  // (p_suggested - p_given, record)
  for (size_t i = 0; i < n; ++i) {
    if (!f.records[i].flagged) continue;
    const double* p = &probs[i * k];
    ranked.emplace_back(p[f.records[i].suggested] - p[given[i]], i);
  }
  f.uncapped = ranked.size();
  // floor, with a little slack so that 0.3 * 10 is 3 and not 2.
  auto limit = static_cast<size_t>(std::floor(max_flag_rate * static_cast<double>(f.labeled) + 1e-9));
  if (ranked.size() > limit) {
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    for (size_t x = limit; x < ranked.size(); ++x) f.records[ranked[x].second].flagged = false;
  }
  for (const Issue& issue : f.records) f.flagged += issue.flagged;
  return f;
}

}  // namespace dqprep::label_issues
