// Fuzzes the comma-list flags (src/stages/common.hpp split_list, split_list_trimmed) and split's
// --ratios (src/stages/parsers.hpp parse_ratios, then split_plan::Parts::from_ratios and its
// counts). The input is the flag's value. Properties: split_list keeps every byte (joined with ','
// it gives the input back) and drops exactly the empty items; trimmed items have no edge spaces;
// ratios that validate give parts whose counts sum to n, each within 1 of n x ratio.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/split/split_plan.hpp"
#include "stages/common.hpp"
#include "stages/parsers.hpp"

using namespace dqprep;
using namespace dqprep::stages;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);

  std::vector<std::string> kept = split_list(input);
  std::string joined;
  size_t non_empty = 0;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i) joined += ',';
    joined += kept[i];
    non_empty += !kept[i].empty();
  }
  if (joined != input) __builtin_trap();
  std::vector<std::string> dropped = split_list(input, EmptyItems::drop);
  if (dropped.size() != non_empty) __builtin_trap();
  for (const std::string& item : dropped)
    if (item.empty() || item.find(',') != std::string::npos) __builtin_trap();

  Result<std::vector<std::string>> trimmed = split_list_trimmed("--fuzz", input);
  if (trimmed.ok()) {
    if (trimmed->size() != kept.size()) __builtin_trap();
    for (const std::string& item : *trimmed)
      if (item.empty() || item.front() == ' ' || item.back() == ' ') __builtin_trap();
  }

  Result<std::vector<double>> ratios = parse_ratios(input);
  if (!ratios.ok()) return 0;
  if (ratios->size() != kept.size()) __builtin_trap();
  Result<split_plan::Parts> parts = split_plan::Parts::from_ratios(*ratios);
  if (!parts.ok()) return 0;
  if (parts->size() != ratios->size()) __builtin_trap();
  for (uint64_t n : {uint64_t{0}, uint64_t{1}, uint64_t{7}, uint64_t{1000003}, UINT64_MAX / 3}) {
    std::vector<uint64_t> counts = parts->counts(n);
    if (counts.size() != parts->size()) __builtin_trap();
    uint64_t sum = 0;
    for (size_t p = 0; p < counts.size(); ++p) {
      sum += counts[p];
      double want = static_cast<double>(n) * parts->ratio(p);
      if (std::fabs(static_cast<double>(counts[p]) - want) > 1 + want * 1e-12) __builtin_trap();
    }
    if (sum != n) __builtin_trap();
  }
  for (uint64_t h : {uint64_t{0}, uint64_t{1} << 63, UINT64_MAX - 1, UINT64_MAX})
    if (parts->part_of_hash(h) >= parts->size()) __builtin_trap();
  Result<std::vector<uint64_t>> direct = split_plan::split_counts(10, *ratios);
  if (!direct.ok()) __builtin_trap();
  return 0;
}
