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

// XXH3-64 of bytes given in pieces: the value xxh3_64 gives for their concatenation (seed 0).
class Xxh3Stream {
 public:
  Xxh3Stream() { XXH3_64bits_reset(&state_); }
  void update(std::string_view bytes) { XXH3_64bits_update(&state_, bytes.data(), bytes.size()); }
  uint64_t digest() const { return XXH3_64bits_digest(&state_); }

 private:
  XXH3_state_t state_;
};

// For unordered containers keyed by Key128: the bits are already uniformly mixed.
struct Key128Hasher {
  size_t operator()(const Key128& k) const { return static_cast<size_t>(k.low); }
};

}  // namespace dqprep::hash
