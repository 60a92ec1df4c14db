#include "dqprep/dedup/minhash.hpp"

#include <algorithm>
#include <cstddef>

#include "dqprep/util/random.hpp"

namespace dqprep::minhash {
namespace {

// Portable binaries (no -march) get SSE2 only, where the 64-bit multiply is emulated; a run-time
// clone for AVX2 doubles the lanes and is about twice as fast. -DDQPREP_MINHASH_CLONES= disables it.
#ifndef DQPREP_MINHASH_CLONES
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define DQPREP_MINHASH_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#endif
#ifndef DQPREP_MINHASH_CLONES
#define DQPREP_MINHASH_CLONES
#endif

DQPREP_MINHASH_CLONES
void update_minima(const uint64_t* __restrict shingles, size_t count, const uint64_t* __restrict a,
                   const uint64_t* __restrict b, uint32_t* __restrict minima, size_t num_perm) {
  for (size_t j = 0; j < count; ++j) {
    const uint64_t x = static_cast<uint32_t>(shingles[j]);
    for (size_t i = 0; i < num_perm; ++i) {
      const uint32_t v = static_cast<uint32_t>((a[i] * x + b[i]) >> 32);
      minima[i] = v < minima[i] ? v : minima[i];
    }
  }
}

}  // namespace

MinHasher::MinHasher(uint32_t num_perm, uint64_t seed) : a_(num_perm), b_(num_perm) {
  Rng rng(seed);
  for (uint32_t i = 0; i < num_perm; ++i) {
    a_[i] = rng.next_u64();
    b_[i] = rng.next_u64();
  }
}

void MinHasher::signature(std::span<const uint64_t> shingles, std::span<uint32_t> out) const {
  std::fill(out.begin(), out.end(), kEmptyValue);
  update_minima(shingles.data(), shingles.size(), a_.data(), b_.data(), out.data(),
                std::min(out.size(), a_.size()));
}

double estimate_jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  const size_t n = std::min(a.size(), b.size());
  if (n == 0) return 0.0;
  size_t equal = 0;
  for (size_t i = 0; i < n; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(n);
}

}  // namespace dqprep::minhash
