// Fuzzes the rules file of weak-label (src/stages/weak_label_rules.hpp): the input is the file.
// A rules file parses into a rule set or a usage Status, never a crash, hang or exception. A rule
// set that parses is consistent: every rule votes for a known label, every keyword entry and regex
// names known rules; its matchers then run over the input itself.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stages/weak_label_rules.hpp"

using namespace dqprep;
using namespace dqprep::stages::weak_label;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Result<RuleSet> set = parse_rules(input, "fuzz.json");
  if (!set.ok()) {
    if (set.status().code() != StatusCode::usage) __builtin_trap();
    return 0;
  }
  if (set->rules.empty() || set->groups.empty() || set->labels.size() != set->label_ids.size()) __builtin_trap();
  for (const Rule& r : set->rules)
    if (r.label < 0 || static_cast<size_t>(r.label) >= set->labels.size()) __builtin_trap();
  std::vector<word_matcher::Hit> hits;
  std::vector<int> matched;
  for (const Group& g : set->groups) {
    if (!g.keywords && !g.regexes) __builtin_trap();
    if (g.keywords) {
      if (g.entry_rules.size() != g.keywords->entries().size()) __builtin_trap();
      for (const std::vector<uint16_t>& rules : g.entry_rules)
        for (uint16_t r : rules)
          if (r >= set->rules.size()) __builtin_trap();
      hits.clear();
      g.keywords->find_all(input, hits);
      for (const word_matcher::Hit& h : hits)
        if (h.entry >= g.entry_rules.size() || h.offset + h.length > input.size()) __builtin_trap();
    }
    if (g.regexes) {
      if (g.regex_rules.size() != g.each_regex.size()) __builtin_trap();
      for (uint16_t r : g.regex_rules)
        if (r >= set->rules.size()) __builtin_trap();
      matched.clear();
      RE2::Set::ErrorInfo info;
      if (g.regexes->Match(input, &matched, &info)) {
        for (int m : matched)
          if (m < 0 || static_cast<size_t>(m) >= g.regex_rules.size()) __builtin_trap();
      }
    }
  }
  return 0;
}
