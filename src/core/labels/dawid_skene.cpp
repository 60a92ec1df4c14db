#include "dqprep/labels/dawid_skene.hpp"

#include <algorithm>
#include <cmath>

namespace dqprep::dawid_skene {

using agreement::kNotRated;

namespace {

// The dense matrix and the sparse weighted patterns seen the same way by the EM below.
struct DenseItems {
  const agreement::Ratings& r;
  size_t size() const { return r.num_items; }
  double weight(size_t) const { return 1.0; }
  template <class F>
  void each(size_t i, F&& f) const {
    auto row = r.row(i);
    for (size_t a = 0; a < row.size(); ++a)
      if (row[a] != kNotRated) f(a, row[a]);
  }
};

struct SparseItems {
  const SparseRatings& r;
  size_t size() const { return r.num_items(); }
  double weight(size_t i) const { return r.weights.empty() ? 1.0 : r.weights[i]; }
  template <class F>
  void each(size_t i, F&& f) const {
    for (size_t v = r.offsets[i]; v < r.offsets[i + 1]; ++v) f(static_cast<size_t>(r.votes[v].annotator), r.votes[v].category);
  }
};

// The E-step of one item: its log scores (one per class, overwritten) become its posterior in `p`.
// Returns the item's log-likelihood and raises `max_change` to how far the posterior moved.
double update_posterior(std::vector<double>& score, double* p, double& max_change) {
  double top = *std::max_element(score.begin(), score.end());
  double sum = 0;
  for (double& x : score) sum += (x = std::exp(x - top));
  for (size_t t = 0; t < score.size(); ++t) {
    double q = score[t] / sum;
    max_change = std::max(max_change, std::abs(q - p[t]));
    p[t] = q;
  }
  return top + std::log(sum);
}

Status validate(const SparseRatings& r) {
  if (r.offsets.empty() || r.offsets.front() != 0 || r.offsets.back() != r.votes.size())
    return Status::bad_input("offsets do not span the votes");
  for (size_t i = 0; i + 1 < r.offsets.size(); ++i)
    if (r.offsets[i] > r.offsets[i + 1]) return Status::bad_input("offsets decrease at item " + std::to_string(i));
  if (!r.weights.empty() && r.weights.size() != r.num_items())
    return Status::bad_input(std::to_string(r.weights.size()) + " weights for " + std::to_string(r.num_items()) + " items");
  for (size_t i = 0; i < r.weights.size(); ++i)
    if (!(r.weights[i] > 0) || !std::isfinite(r.weights[i]))
      return Status::bad_input("weight of item " + std::to_string(i) + " is not a positive number");
  for (size_t i = 0; i < r.num_items(); ++i) {
    for (size_t v = r.offsets[i]; v < r.offsets[i + 1]; ++v) {
      const Vote& x = r.votes[v];
      if (x.annotator >= r.num_annotators || x.category < 0 || x.category >= r.num_categories)
        return Status::bad_input("item " + std::to_string(i) + " has a vote outside the annotators or categories");
    }
  }
  return {};
}

template <class Items>
Model fit_items(const Items& items, size_t na, int32_t num_categories, const Options& options) {
  Model model;
  model.num_categories = num_categories;
  const size_t n = items.size(), k = static_cast<size_t>(num_categories);
  std::vector<uint8_t> rated(n, 0);
  double rated_items = 0;  // total weight of the rated items
  for (size_t i = 0; i < n; ++i) {
    items.each(i, [&](size_t, int32_t) { rated[i] = 1; });
    if (rated[i]) rated_items += items.weight(i);
  }
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
    items.each(i, [&](size_t, int32_t v) { post[i * k + static_cast<size_t>(v)] += 1, m += 1; });
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
      const double w = items.weight(i);
      for (size_t c = 0; c < k; ++c) priors[c] += w * p[c];
      items.each(i, [&](size_t a, int32_t v) {
        double* cm = &confusion[a * k * k + static_cast<size_t>(v)];
        for (size_t t = 0; t < k; ++t) cm[t * k] += w * p[t];
      });
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
      items.each(i, [&](size_t a, int32_t v) {
        const double* lc = &log_conf[a * k * k + static_cast<size_t>(v)];
        for (size_t t = 0; t < k; ++t) score[t] += lc[t * k];
      });
      ll += items.weight(i) * update_posterior(score, &post[i * k], max_change);
    }
    model.iterations = iter;
    model.log_likelihood = ll;
    double mean_ll = ll / rated_items;
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
  double tied = 0;
  for (size_t i = 0; i < n; ++i) {
    double* p = &post[i * k];
    if (!rated[i]) {
      std::copy(priors.begin(), priors.end(), p);
      continue;
    }
    size_t best = 0;
    for (size_t t = 1; t < k; ++t)
      if (p[t] > p[best]) best = t;
    const double w = items.weight(i);
    for (size_t t = best + 1; t < k; ++t)
      if (p[t] == p[best]) {
        tied += w;
        break;
      }
    cons.labels[i] = static_cast<int32_t>(best);
    cons.confidence[i] = p[best];
    items.each(i, [&](size_t a, int32_t v) {
      expected_correct[a] += w * p[v];
      given[a] += w;
    });
  }
  cons.tied_items = static_cast<size_t>(tied);
  if (cons.tied_items > 0)
    cons.note = std::to_string(cons.tied_items) + " items with tied posteriors went to the lowest category id";
  model.accuracies.resize(na);
  for (size_t a = 0; a < na; ++a)
    if (given[a] > 0) model.accuracies[a] = expected_correct[a] / given[a];
  return model;
}

// EM when abstaining is an output: K classes, K + 1 outputs. An item's log posterior is
//   log prior[t] + sum over all annotators of log P(abstain | t)
//                + sum over its votes (a, v) of log P(v | t) - log P(abstain | t),
// so the cost per iteration stays O(votes x K + annotators x K) however few annotators vote.
Model fit_abstaining(const SparseRatings& r, const Options& options) {
  Model model;
  model.num_categories = r.num_categories;
  const SparseItems items{r};
  const size_t n = items.size(), na = r.num_annotators, k = static_cast<size_t>(r.num_categories), o = k + 1;
  double total_weight = 0, voted_weight = 0;
  for (size_t i = 0; i < n; ++i) {
    total_weight += items.weight(i);
    if (r.offsets[i + 1] > r.offsets[i]) voted_weight += items.weight(i);
  }
  if (k == 0 || voted_weight == 0) {
    model.note = "no rating to fit";
    return model;
  }
  const double smoothing = std::max(options.smoothing, 1e-12);

  // Start from the soft majority vote; items without votes from the mean of the others.
  std::vector<double>& post = model.posteriors;
  post.assign(n * k, 0.0);
  std::vector<double> mean(k, 0.0);
  for (size_t i = 0; i < n; ++i) {
    double m = 0;
    items.each(i, [&](size_t, int32_t v) { post[i * k + static_cast<size_t>(v)] += 1, m += 1; });
    if (m == 0) continue;
    for (size_t c = 0; c < k; ++c) {
      post[i * k + c] /= m;
      mean[c] += items.weight(i) * post[i * k + c] / voted_weight;
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (r.offsets[i + 1] == r.offsets[i]) std::copy(mean.begin(), mean.end(), post.begin() + static_cast<ptrdiff_t>(i * k));

  std::vector<double> priors(k), mass(k), confusion(na * k * o), log_prior(k), log_conf(na * k * o), base(k), score(k);
  double previous_mean_ll = 0;
  for (int iter = 1; iter <= options.max_iterations; ++iter) {
    // M-step. Abstentions of annotator a on class t: the class's whole mass minus where a voted.
    std::fill(priors.begin(), priors.end(), 0.0);
    std::fill(confusion.begin(), confusion.end(), 0.0);
    for (size_t i = 0; i < n; ++i) {
      const double* p = &post[i * k];
      const double w = items.weight(i);
      for (size_t c = 0; c < k; ++c) priors[c] += w * p[c];
      items.each(i, [&](size_t a, int32_t v) {
        double* cm = &confusion[a * k * o];
        for (size_t t = 0; t < k; ++t) {
          cm[t * o + static_cast<size_t>(v)] += w * p[t];
          cm[t * o + k] -= w * p[t];
        }
      });
    }
    mass = priors;
    double prior_total = 0;
    for (size_t c = 0; c < k; ++c) prior_total += (priors[c] += smoothing);
    for (size_t c = 0; c < k; ++c) {
      priors[c] /= prior_total;
      log_prior[c] = std::log(priors[c]);
    }
    for (size_t a = 0; a < na; ++a) {
      for (size_t t = 0; t < k; ++t) {
        double* row = &confusion[(a * k + t) * o];
        row[k] = std::max(0.0, row[k] + mass[t]);  // rounding must not make it negative
        double total = 0;
        for (size_t l = 0; l < o; ++l) total += (row[l] += smoothing);
        for (size_t l = 0; l < o; ++l) {
          row[l] /= total;
          log_conf[(a * k + t) * o + l] = std::log(row[l]);
        }
      }
    }
    for (size_t t = 0; t < k; ++t) {
      base[t] = log_prior[t];
      for (size_t a = 0; a < na; ++a) base[t] += log_conf[(a * k + t) * o + k];
    }

    // E-step.
    double ll = 0, max_change = 0;
    for (size_t i = 0; i < n; ++i) {
      std::copy(base.begin(), base.end(), score.begin());
      items.each(i, [&](size_t a, int32_t v) {
        const double* lc = &log_conf[a * k * o];
        for (size_t t = 0; t < k; ++t) score[t] += lc[t * o + static_cast<size_t>(v)] - lc[t * o + k];
      });
      ll += items.weight(i) * update_posterior(score, &post[i * k], max_change);
    }
    model.iterations = iter;
    model.log_likelihood = ll;
    double mean_ll = ll / total_weight;
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
    model.confusion[a].assign(confusion.begin() + static_cast<ptrdiff_t>(a * k * o),
                              confusion.begin() + static_cast<ptrdiff_t>((a + 1) * k * o));
  agreement::Consensus& cons = model.consensus;
  cons.labels.assign(n, kNotRated);
  cons.confidence.assign(n, 0.0);
  std::vector<double> expected_correct(na, 0.0), given(na, 0.0);
  double tied = 0;
  for (size_t i = 0; i < n; ++i) {
    const double* p = &post[i * k];
    size_t best = 0;
    for (size_t t = 1; t < k; ++t)
      if (p[t] > p[best]) best = t;
    const double w = items.weight(i);
    for (size_t t = best + 1; t < k; ++t)
      if (p[t] == p[best]) {
        tied += w;
        break;
      }
    cons.labels[i] = static_cast<int32_t>(best);
    cons.confidence[i] = p[best];
    items.each(i, [&](size_t a, int32_t v) {
      expected_correct[a] += w * p[v];
      given[a] += w;
    });
  }
  cons.tied_items = static_cast<size_t>(tied);
  if (cons.tied_items > 0)
    cons.note = std::to_string(cons.tied_items) + " items with tied posteriors went to the lowest category id";
  model.accuracies.resize(na);
  for (size_t a = 0; a < na; ++a)
    if (given[a] > 0) model.accuracies[a] = expected_correct[a] / given[a];
  return model;
}

}  // namespace

Model fit(const agreement::Ratings& r, const Options& options) {
  if (Status s = agreement::validate(r); !s.ok()) {
    Model model;
    model.num_categories = r.num_categories;
    model.note = "invalid ratings: " + s.message();
    return model;
  }
  return fit_items(DenseItems{r}, r.num_annotators, r.num_categories, options);
}

Model fit(const SparseRatings& r, const Options& options) {
  if (Status s = validate(r); !s.ok()) {
    Model model;
    model.num_categories = r.num_categories;
    model.note = "invalid ratings: " + s.message();
    return model;
  }
  if (r.abstain_is_output) return fit_abstaining(r, options);
  return fit_items(SparseItems{r}, r.num_annotators, r.num_categories, options);
}

}  // namespace dqprep::dawid_skene
