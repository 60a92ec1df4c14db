#pragma once
// Weighted random sampling without replacement by Efraimidis & Spirakis (2006, algorithm A-Res):
// item i gets the key u_i^(1/w_i), u_i uniform in (0, 1]; the k items of largest key are a sample
// of k drawn one after another, each with probability w_i / (sum of the weights not drawn yet),
// and the descending key order is the order of those draws. Every key depends only on the seed,
// the item's position and its weight, so the sample streams (a bounded heap of k keys) and is the
// same for any number of threads.
//
// Keys are kept as logarithms, ln(u) / w (<= 0), so that small weights do not underflow to 0.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace dqprep::weighted_sampling {

// The uniform u in (0, 1] of item `index` for a run seeded with `seed` (independent of every other
// draw dqprep makes from the same seed).
double uniform_of(uint64_t seed, uint64_t index);

// ln(u^(1/w)) = ln(u) / w; -infinity for w == 0 (never drawn while a positive weight is left).
// w must be finite and >= 0.
double log_key(double u, double weight);

// The positions of a sample of min(k, items of positive weight) items, in draw order (largest key
// first; equal keys by position). The streaming stage computes the same keys record by record; this
// is the whole-array form, for tests and small inputs.
std::vector<size_t> sample(std::span<const double> weights, size_t k, uint64_t seed);

}  // namespace dqprep::weighted_sampling
