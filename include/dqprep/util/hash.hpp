#pragma once
// XXH3 keys. Records are compared by hash, never by string.

#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace dqprep::hash {

struct Key128 {
  uint64_t low = 0;
  uint64_t high = 0;
  friend bool operator==(const Key128&, const Key128&) = default;
  friend auto operator<=>(const Key128&, const Key128&) = default;
};

inline uint64_t xxh3_64(std::string_view bytes, uint64_t seed = 0) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

inline Key128 xxh3_128(std::string_view bytes, uint64_t seed = 0) {
  XXH128_hash_t h = XXH3_128bits_withSeed(bytes.data(), bytes.size(), seed);
  return {h.low64, h.high64};
}

// For unordered containers keyed by Key128: the bits are already uniformly mixed.
struct Key128Hasher {
  size_t operator()(const Key128& k) const { return static_cast<size_t>(k.low); }
};

}  // namespace dqprep::hash
