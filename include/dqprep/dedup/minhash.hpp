#pragma once
// MinHash signatures of shingle sets: num_perm minima, one per hash function of a seeded family.
//
// Family: h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32 on the low 32 bits x of each base hash, with
// a_i, b_i uniform 64-bit values drawn from the seed by dqprep::Rng. This multiply-add-shift is
// strongly universal (pairwise independent) from 32-bit keys to 32-bit values (Dietzfelbinger 1996:
// needs 64 >= 32 + 32 - 1 bits of arithmetic), and the keys are themselves XXH3 outputs, i.e. of
// high entropy, for which 2-independent hashing behaves like a truly random function
// (Mitzenmacher & Vadhan 2008); the tests check the Jaccard estimate on sets of known similarity.
// One multiply and one add per (shingle, permutation), in a loop over permutations that GCC
// vectorizes (SSE2 by default; an AVX2 version is chosen at run time where the CPU has it, unless
// DQPREP_PORTABLE=1 is in the environment; both give the same values).
//
// Values are uint32: two distinct minima collide with probability ~ |A ∪ B| / 2^32 per position
// (2e-7 for a 1000-shingle pair), far below the sampling error of the estimate (~ 1/sqrt(num_perm)),
// while uint64 would double the memory and halve the SIMD lanes. Truncating keys to 32 bits merges
// two distinct shingles of a pair with probability ~ |A ∪ B|^2 / 2^33, equally negligible.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace dqprep::minhash {

inline constexpr uint32_t kDefaultNumPerm = 112;
// Every value of the signature of an empty set: texts without words all share one signature.
inline constexpr uint32_t kEmptyValue = UINT32_MAX;

class MinHasher {
 public:
  // The same (num_perm, seed) gives the same functions on every platform; a larger num_perm with
  // the same seed extends the family (its first functions are those of the smaller one).
  MinHasher(uint32_t num_perm, uint64_t seed);

  uint32_t num_perm() const { return static_cast<uint32_t>(a_.size()); }

  // The signature of a set of base hashes (duplicates are harmless; order does not matter) into
  // out, whose size must be num_perm().
  void signature(std::span<const uint64_t> shingles, std::span<uint32_t> out) const;

 private:
  std::vector<uint64_t> a_;
  std::vector<uint64_t> b_;
};

// The signature loop in use: "avx2" or "portable" (SSE2 or plain code), chosen at the first
// signature from the CPU and DQPREP_PORTABLE. Signatures are the same with either.
std::string_view kernel_name();

// The fraction of positions where two signatures of equal length agree: an unbiased estimate of
// the Jaccard similarity of the two sets. 0 for empty signatures.
double estimate_jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b);

}  // namespace dqprep::minhash
