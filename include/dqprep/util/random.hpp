#pragma once
// The one random number generator of dqprep. Every random choice derives from --seed and from the
// position of the record it concerns, never from thread timing, so output is identical for any
// number of threads. The distributions are written here (not <random>'s) so that the same seed gives
// the same bytes with any standard library.

#include <cmath>
#include <cstdint>

namespace dqprep {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A generator for one item (record index, class, ...) of a seeded run.
  Rng(uint64_t seed, uint64_t stream) : state_(mix(seed ^ mix(stream + 0x9e3779b97f4a7c15ULL))) {}

  uint64_t next_u64() {  // SplitMix64
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    return mix(z);
  }
  // Uniform in [0, n); n > 0. Lemire's multiply-shift with rejection: unbiased.
  uint64_t uniform(uint64_t n) {
    while (true) {
      __uint128_t m = static_cast<__uint128_t>(next_u64()) * n;
      uint64_t low = static_cast<uint64_t>(m);
      if (low >= n || low >= (-n) % n) return static_cast<uint64_t>(m >> 64);
    }
  }
  // Uniform in [0, 1).
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  bool bernoulli(double p) { return uniform01() < p; }
  // Standard normal by Box-Muller (one value per call; simple beats fast here).
  double normal() {
    double u1 = uniform01();
    double u2 = uniform01();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  // Gamma(shape, 1) by Marsaglia-Tsang; shape > 0.
  double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform01() + 1e-300, 1.0 / shape);
    double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    while (true) {
      double x = normal(), v = 1.0 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      double u = uniform01();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u + 1e-300) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }
  // Beta(a, b) from two gammas.
  double beta(double a, double b) {
    double x = gamma(a), y = gamma(b);
    return x / (x + y);
  }

 private:
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

}  // namespace dqprep
