#include "stages/filter_pii.hpp"

#include "dqprep/io/json_text.hpp"

namespace dqprep::stages {

Result<PiiRule> PiiRule::create(std::string_view kinds) {
  DQPREP_ASSIGN_OR_RETURN(redact::KindSet set, redact::parse_kinds("--drop-pii", kinds));
  PiiRule rule;
  rule.detector_ = std::make_shared<const redact::Detector>(set);
  return rule;
}

size_t PiiRule::find(std::string_view text, std::vector<redact::Hit>& hits, std::string& kinds_json) const {
  detector_->find(text, hits);
  if (hits.empty()) return 0;
  redact::Counts counts{};
  for (const redact::Hit& h : hits) ++counts[static_cast<size_t>(h.kind)];
  kinds_json.assign(1, '{');  // not = "{" (GCC 12's -Wrestrict false positive)
  for (size_t k = 0; k < redact::kKinds; ++k) {
    if (counts[k] == 0) continue;
    if (kinds_json.size() > 1) kinds_json.push_back(',');
    json_text::append_string(kinds_json, redact::kind_name(static_cast<redact::Kind>(k)));
    kinds_json.push_back(':');
    json_text::append_number(kinds_json, counts[k]);
  }
  kinds_json.push_back('}');
  return hits.size();
}

}  // namespace dqprep::stages
