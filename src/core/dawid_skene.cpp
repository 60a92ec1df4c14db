#include "dqprep/dawid_skene.hpp"

#include <algorithm>
#include <cmath>

namespace dqprep::dawid_skene {

using agreement::kNotRated;

Model fit(const agreement::Ratings& r, const Options& options) {
  Model model;
  model.num_categories = r.num_categories;
  if (Status s = agreement::validate(r); !s.ok()) {
    model.note = "invalid ratings: " + s.message();
    return model;
  }
  const size_t n = r.num_items, na = r.num_annotators, k = static_cast<size_t>(r.num_categories);
  std::vector<uint8_t> rated(n, 0);
  size_t rated_items = 0;
  for (size_t i = 0; i < n; ++i)
    for (int32_t v : r.row(i))
      if (v != kNotRated) rated[i] = 1;
  for (uint8_t x : rated) rated_items += x;
  if (k == 0 || rated_items == 0) {
    model.note = "no rating to fit";
    return model;
  }
  const double smoothing = std::max(options.smoothing, 1e-12);

  // Start from the soft majority vote: each item's posterior is its share of votes per class.
  std::vector<double>& post = model.posteriors;
  post.assign(n * k, 0.0);
  for (size_t i = 0; i < n; ++i) {
    if (!rated[i]) continue;
    double m = 0;
    for (int32_t v : r.row(i))
      if (v != kNotRated) post[i * k + v] += 1, m += 1;
    for (size_t c = 0; c < k; ++c) post[i * k + c] /= m;
  }

  std::vector<double> priors(k), confusion(na * k * k), log_prior(k), log_conf(na * k * k), score(k);
  double previous_mean_ll = 0;
  for (int iter = 1; iter <= options.max_iterations; ++iter) {
    // M-step: priors and confusion matrices from the current posteriors, plus the pseudo-counts.
    std::fill(priors.begin(), priors.end(), smoothing);
    std::fill(confusion.begin(), confusion.end(), smoothing);
    for (size_t i = 0; i < n; ++i) {
      if (!rated[i]) continue;
      const double* p = &post[i * k];
      for (size_t c = 0; c < k; ++c) priors[c] += p[c];
      auto row = r.row(i);
      for (size_t a = 0; a < na; ++a) {
        if (row[a] == kNotRated) continue;
        double* cm = &confusion[a * k * k + static_cast<size_t>(row[a])];
        for (size_t t = 0; t < k; ++t) cm[t * k] += p[t];
      }
    }
    double prior_total = 0;
    for (double x : priors) prior_total += x;
    for (size_t c = 0; c < k; ++c) {
      priors[c] /= prior_total;
      log_prior[c] = std::log(priors[c]);
    }
    for (size_t row_start = 0; row_start < confusion.size(); row_start += k) {
      double total = 0;
      for (size_t l = 0; l < k; ++l) total += confusion[row_start + l];
      for (size_t l = 0; l < k; ++l) {
        confusion[row_start + l] /= total;
        log_conf[row_start + l] = std::log(confusion[row_start + l]);
      }
    }

    // E-step: posteriors from priors and confusion matrices, in log space against underflow.
    double ll = 0, max_change = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!rated[i]) continue;
      std::copy(log_prior.begin(), log_prior.end(), score.begin());
      auto row = r.row(i);
      for (size_t a = 0; a < na; ++a) {
        if (row[a] == kNotRated) continue;
        const double* lc = &log_conf[a * k * k + static_cast<size_t>(row[a])];
        for (size_t t = 0; t < k; ++t) score[t] += lc[t * k];
      }
      double top = *std::max_element(score.begin(), score.end());
      double sum = 0;
      for (size_t t = 0; t < k; ++t) sum += (score[t] = std::exp(score[t] - top));
      ll += top + std::log(sum);
      double* p = &post[i * k];
      for (size_t t = 0; t < k; ++t) {
        double q = score[t] / sum;
        max_change = std::max(max_change, std::abs(q - p[t]));
        p[t] = q;
      }
    }
    model.iterations = iter;
    model.log_likelihood = ll;
    double mean_ll = ll / static_cast<double>(rated_items);
    bool ll_settled = iter > 1 && std::abs(mean_ll - previous_mean_ll) < options.tolerance;
    previous_mean_ll = mean_ll;
    if (ll_settled || max_change < options.tolerance) {
      model.converged = true;
      break;
    }
  }

  model.class_priors = priors;
  model.confusion.resize(na);
  for (size_t a = 0; a < na; ++a)
    model.confusion[a].assign(confusion.begin() + static_cast<ptrdiff_t>(a * k * k),
                              confusion.begin() + static_cast<ptrdiff_t>((a + 1) * k * k));

  agreement::Consensus& cons = model.consensus;
  cons.labels.assign(n, kNotRated);
  cons.confidence.assign(n, 0.0);
  std::vector<double> expected_correct(na, 0.0), given(na, 0.0);
  for (size_t i = 0; i < n; ++i) {
    double* p = &post[i * k];
    if (!rated[i]) {
      std::copy(priors.begin(), priors.end(), p);
      continue;
    }
    size_t best = 0;
    for (size_t t = 1; t < k; ++t)
      if (p[t] > p[best]) best = t;
    for (size_t t = best + 1; t < k; ++t)
      if (p[t] == p[best]) {
        ++cons.tied_items;
        break;
      }
    cons.labels[i] = static_cast<int32_t>(best);
    cons.confidence[i] = p[best];
    auto row = r.row(i);
    for (size_t a = 0; a < na; ++a) {
      if (row[a] == kNotRated) continue;
      expected_correct[a] += p[row[a]];
      given[a] += 1;
    }
  }
  if (cons.tied_items > 0)
    cons.note = std::to_string(cons.tied_items) + " items with tied posteriors went to the lowest category id";
  model.accuracies.resize(na);
  for (size_t a = 0; a < na; ++a)
    if (given[a] > 0) model.accuracies[a] = expected_correct[a] / given[a];
  return model;
}

}  // namespace dqprep::dawid_skene
