#include "dqprep/augment/balance.hpp"

#include <algorithm>
#include <cmath>

namespace dqprep::balance {

Plan plan(const std::vector<uint64_t>& counts, std::optional<uint64_t> target_per_class,
          std::optional<double> max_ratio) {
  Plan p;
  p.target = target_per_class ? *target_per_class
                              : (counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end()));
  p.add.resize(counts.size());
  for (size_t c = 0; c < counts.size(); ++c) {
    uint64_t need = p.target > counts[c] ? p.target - counts[c] : 0;
    if (max_ratio) {
      // The small epsilon keeps 0.3 * 10 at 3 despite binary fractions.
      double cap = std::floor(*max_ratio * static_cast<double>(counts[c]) + 1e-9);
      need = std::min<uint64_t>(need, static_cast<uint64_t>(cap));
    }
    p.add[c] = need;
  }
  return p;
}

}  // namespace dqprep::balance
