#pragma once
// Augmentation of numeric feature vectors: Gaussian noise and mixup (Zhang et al. 2018, "mixup:
// Beyond Empirical Risk Minimization"), with the partners of mixup drawn from a bounded, seeded
// reservoir per group (class and vector length).

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dqprep/util/random.hpp"

namespace dqprep::numeric_aug {

// out[i] = x[i] + sigma * e_i, e_i ~ N(0, 1) independent (one Rng::normal() per element, in order).
void gaussian(std::span<const double> x, double sigma, Rng& rng, std::vector<double>& out);

// out[i] = lambda * x1[i] + (1 - lambda) * x2[i]; the spans have the same length.
void mix(std::span<const double> x1, std::span<const float> x2, double lambda, std::vector<double>& out);

// Mixup partners. Vectors are offered in input order (the writing thread of a first pass); each
// group (class, vector length) keeps a uniform sample of at most `capacity` of its vectors
// (Algorithm R with its own Rng(seed, group ordinal)), stored as 32-bit floats with the record's
// index, class and name. Memory: capacity * (4 * length + the name + 24) bytes per group, at most.
class PartnerPool {
 public:
  static constexpr uint32_t kAnyClass = 0xFFFFFFFFu;

  struct Partner {
    uint64_t index = 0;        // the record's position in the run
    uint32_t class_id = 0;     // its class (the caller's numbering)
    std::string_view name;     // its id as JSON text (or a "FILE:LINE" JSON string)
    std::span<const float> values;
  };

  PartnerPool(size_t capacity, uint64_t seed) : capacity_(capacity), seed_(seed) {}

  // `group_class` is the class the record is pooled under (kAnyClass to pool every class together);
  // `class_id` its own class, kept for label weights.
  void offer(uint32_t group_class, uint32_t class_id, uint64_t index, std::span<const double> values,
             std::string_view name);

  // A partner for record `self` of group (group_class, length): uniform over the group's sample,
  // never `self` itself. False when the sample holds no other record.
  bool draw(uint32_t group_class, size_t length, uint64_t self, Rng& rng, Partner& out) const;

  size_t groups() const { return groups_.size(); }
  // Vectors held in all groups.
  size_t held() const;

 private:
  struct Group {
    Rng rng{0};
    uint64_t seen = 0;
    size_t length = 0;
    std::vector<float> values;  // entry k at [k * length, (k + 1) * length)
    std::vector<uint64_t> index;
    std::vector<uint32_t> class_id;
    std::vector<std::string> name;
  };
  size_t capacity_;
  uint64_t seed_;
  std::map<std::pair<uint32_t, size_t>, Group> groups_;
};

}  // namespace dqprep::numeric_aug
