#pragma once
// filter --drop-pii: the strict policy for personal data. A record whose text holds any of the
// chosen kinds (redact.hpp: email, phone, ip, url, credit_card, iban, api_key) is dropped by the
// rule `pii`, where `normalize --redact` would replace each item by a placeholder and keep the
// record.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/status.hpp"
#include "dqprep/text/redact.hpp"

namespace dqprep::stages {

class PiiRule {
 public:
  // `kinds`: the flag's value, a list of kinds or "all".
  static Result<PiiRule> create(std::string_view kinds);

  // The items of the chosen kinds in `text`; when there are any, `kinds_json` is set to their
  // counts by kind, {"email":1,"phone":2}. Thread-safe; `hits` is the caller's scratch space.
  size_t find(std::string_view text, std::vector<redact::Hit>& hits, std::string& kinds_json) const;

 private:
  std::shared_ptr<const redact::Detector> detector_;
};

}  // namespace dqprep::stages
