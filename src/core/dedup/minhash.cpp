#include "dqprep/dedup/minhash.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <string_view>

#include "dqprep/util/random.hpp"

namespace dqprep::minhash {
namespace {

// Portable binaries (no -march) get SSE2 only, where the 64-bit multiply is emulated; an AVX2
// version chosen at run time doubles the lanes and is about twice as fast. Both compute the same
// integers, so signatures do not depend on the CPU; DQPREP_PORTABLE=1 in the environment takes the
// portable version anyway (to check exactly that, or to rule the vector unit out).
// -DDQPREP_MINHASH_AVX2=0 builds without the AVX2 version.
#ifndef DQPREP_MINHASH_AVX2
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DQPREP_MINHASH_AVX2 1
#else
#define DQPREP_MINHASH_AVX2 0
#endif
#endif

[[gnu::always_inline]] inline void update_minima_body(const uint64_t* __restrict shingles, size_t count,
                                                      const uint64_t* __restrict a, const uint64_t* __restrict b,
                                                      uint32_t* __restrict minima, size_t num_perm) {
  for (size_t j = 0; j < count; ++j) {
    const uint64_t x = static_cast<uint32_t>(shingles[j]);
    for (size_t i = 0; i < num_perm; ++i) {
      const uint32_t v = static_cast<uint32_t>((a[i] * x + b[i]) >> 32);
      minima[i] = v < minima[i] ? v : minima[i];
    }
  }
}

void update_minima_portable(const uint64_t* __restrict shingles, size_t count, const uint64_t* __restrict a,
                            const uint64_t* __restrict b, uint32_t* __restrict minima, size_t num_perm) {
  update_minima_body(shingles, count, a, b, minima, num_perm);
}

#if DQPREP_MINHASH_AVX2
[[gnu::target("avx2")]] void update_minima_avx2(const uint64_t* __restrict shingles, size_t count,
                                                const uint64_t* __restrict a, const uint64_t* __restrict b,
                                                uint32_t* __restrict minima, size_t num_perm) {
  update_minima_body(shingles, count, a, b, minima, num_perm);
}
#endif

using UpdateMinima = void (*)(const uint64_t*, size_t, const uint64_t*, const uint64_t*, uint32_t*, size_t);

struct Kernel {
  UpdateMinima update;
  std::string_view name;
};

const Kernel& kernel() {
  static const Kernel chosen = [] {
#if DQPREP_MINHASH_AVX2
    const char* portable = std::getenv("DQPREP_PORTABLE");
    const bool forced = portable != nullptr && std::string_view(portable) == "1";
    __builtin_cpu_init();
    if (!forced && __builtin_cpu_supports("avx2")) return Kernel{update_minima_avx2, "avx2"};
#endif
    return Kernel{update_minima_portable, "portable"};
  }();
  return chosen;
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
  kernel().update(shingles.data(), shingles.size(), a_.data(), b_.data(), out.data(),
                std::min(out.size(), a_.size()));
}

std::string_view kernel_name() { return kernel().name; }

double estimate_jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  const size_t n = std::min(a.size(), b.size());
  if (n == 0) return 0.0;
  size_t equal = 0;
  for (size_t i = 0; i < n; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(n);
}

}  // namespace dqprep::minhash
