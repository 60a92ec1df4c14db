#include "dqprep/text/nearest_word.hpp"

#include <algorithm>

namespace dqprep::nearest_word {

size_t distance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  // Three rows of the dynamic programme: i - 2, i - 1, i.
  std::vector<size_t> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string>& candidates) {
  // The dashes of a flag are no part of the word: "-Z" is one letter, too short to guess from.
  const size_t letters = typed.size() - std::min(typed.size(), typed.find_first_not_of('-'));
  const size_t limit = letters < 3 ? 0 : std::max<size_t>(1, letters / 3);
  std::optional<std::string> best;
  size_t best_distance = SIZE_MAX;
  for (const std::string& c : candidates) {
    size_t d = distance(typed, c);
    // A prefix of a candidate is as good as a one-edit typo.
    if (letters >= 3 && c.size() > typed.size() && c.compare(0, typed.size(), typed) == 0) d = std::min<size_t>(d, 1);
    if (limit > 0 && d <= limit && d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace dqprep::nearest_word
