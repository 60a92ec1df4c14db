#include "dqprep/labels/findings_text.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace dqprep::label_findings {

namespace {

using report::Json;

// A const Json's operator[] on a missing key is undefined behaviour; a missing figure reads as null.
const Json& field(const Json& s, const char* key) {
  static const Json null;
  if (!s.is_object()) return null;
  auto it = s.find(key);
  return it != s.end() ? *it : null;
}

uint64_t count(const Json& s, const char* key) {
  auto it = s.find(key);
  return it != s.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// A ratio with 4 decimals, null as "-".
std::string ratio(const Json& j) {
  if (!j.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", j.get<double>());
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// "name  value" and, for a null figure, why it is null.
std::string figure(const Json& s, const char* key, const std::string& reading = "") {
  std::string why = field(s, key).is_null() && field(s, "notes").contains(key) ? field(field(s, "notes"), key).get<std::string>() : reading;
  std::string line = "    " + pad(key, 20) + ratio(field(s, key));
  if (!why.empty()) line = pad(line, 32) + "  " + why;
  return line + "\n";
}

// Krippendorff's reading of alpha (docs/label-check.md, "What the numbers mean").
std::string alpha_reading(const Json& alpha) {
  if (!alpha.is_number()) return "";
  double a = alpha.get<double>();
  if (a >= 0.8) return "reliable (>= 0.8)";
  if (a >= 0.667) return "tentative (0.667 to 0.8)";
  return "unreliable (< 0.667): the labels are ambiguous";
}

std::string list(const Json& values) {
  std::string out;
  for (const Json& v : values) out += (out.empty() ? "" : ", ") + v.dump();
  return out;
}

}  // namespace

std::string text(const Json& s) {
  std::string t;
  const uint64_t missing = count(s, "missing_labels"), empty = count(s, "empty_labels"),
                 invalid = count(s, "invalid_labels");
  t += "  labels: " + std::to_string(count(s, "labeled")) + " labeled, " + std::to_string(missing) + " missing, " +
       std::to_string(empty) + " empty, " + std::to_string(invalid) + " outside --labels; invalid_rate " +
       ratio(field(s, "invalid_rate")) + "\n";
  if (s.contains("invalid_label_values") && field(s, "invalid_label_values").is_array() && !field(s, "invalid_label_values").empty()) {
    t += "  labels outside --labels: " + list(field(s, "invalid_label_values")) + "\n";
  }

  uint64_t conflict_groups = 0, conflict_records = 0;
  if (s.contains("conflict_groups") && field(s, "conflict_groups").is_number()) {
    conflict_groups = count(s, "conflict_groups");
    conflict_records = count(s, "conflict_records");
    t += "  conflicts (" + field(s, "conflict_key").get<std::string>() + " texts): " +
         plural(conflict_groups, "group", "groups") + " with different labels, " +
         plural(conflict_records, "record", "records") + "; conflict_rate " + ratio(field(s, "conflict_rate")) + "; resolve " +
         field(s, "resolve").get<std::string>() + ", " + std::to_string(count(s, "relabeled")) + " relabeled\n";
  }

  if (s.contains("items_compared") && field(s, "items_compared").is_number()) {
    t += "  agreement: " + plural(count(s, "items_compared"), "item", "items") + " rated twice or more, " +
         plural(count(s, "annotator_count"), "annotator", "annotators") + ", " +
         plural(count(s, "ratings"), "rating", "ratings") + "\n";
    t += figure(s, "percent_agreement");
    t += figure(s, "cohen_kappa");
    t += figure(s, "fleiss_kappa");
    t += figure(s, "krippendorff_alpha", alpha_reading(field(s, "krippendorff_alpha")));
    // The annotator who agrees least with the consensus, when there is a choice.
    std::string lowest;
    double lowest_value = 2;
    for (const auto& [name, a] : field(s, "per_annotator").items()) {
      const Json& v = field(a, "agreement_with_consensus");
      if (v.is_number() && v.get<double>() < lowest_value) {
        lowest_value = v.get<double>();
        lowest = name;
      }
    }
    if (count(s, "annotator_count") > 1 && !lowest.empty()) {
      t += "    lowest agreement with the " + field(s, "per_annotator_consensus").get<std::string>() +
           " consensus: annotator " + lowest + ", " + ratio(lowest_value) + "\n";
    }
  }
  if (s.contains("consensus") && field(s, "consensus").is_string()) {
    t += "  consensus (" + field(s, "consensus").get<std::string>() + "): " +
         plural(count(s, "consensus_changed"), "label", "labels") + " set or changed (" +
         std::to_string(count(s, "consensus_filled")) + " missing or invalid before), " +
         plural(count(s, "consensus_ties"), "tie", "ties") + ", " + std::to_string(count(s, "consensus_unrated")) +
         " unrated\n";
  }

  uint64_t label_issues = 0;
  if (s.contains("label_issues") && field(s, "label_issues").is_number()) {
    label_issues = count(s, "label_issues");
    std::string method = field(s, "issue_method").get<std::string>();
    if (field(s, "joint_rule").is_string()) method += ", " + field(s, "joint_rule").get<std::string>() + " joint rule";
    t += "  likely label errors (" + method + "): " + std::to_string(label_issues) + " of " +
         std::to_string(count(s, "issues_scored")) + " scored records flagged; issue_rate " + ratio(field(s, "issue_rate")) +
         "; model_accuracy " + ratio(field(s, "model_accuracy")) + ", majority_rate " + ratio(field(s, "majority_rate")) + "\n";
  }

  std::vector<std::string> found;
  // A label the consensus gave in place of a missing, empty or undeclared one is no longer an issue.
  const uint64_t unfixed = missing + empty + invalid - std::min(missing + empty + invalid, count(s, "consensus_filled"));
  if (unfixed > 0) found.push_back(plural(unfixed, "invalid label", "invalid labels"));
  if (conflict_groups > 0) {
    found.push_back(plural(conflict_records, "record", "records") + " in " +
                    plural(conflict_groups, "conflicting group", "conflicting groups"));
  }
  if (s.contains("krippendorff_alpha") && field(s, "krippendorff_alpha").is_number() &&
      field(s, "krippendorff_alpha").get<double>() < 0.667) {
    found.push_back("low agreement (krippendorff_alpha " + ratio(field(s, "krippendorff_alpha")) + " < 0.667)");
  }
  if (label_issues > 0) found.push_back(plural(label_issues, "likely label error", "likely label errors"));
  std::string all;
  for (const std::string& f : found) all += (all.empty() ? "" : ", ") + f;
  t += "  issues found: " + (all.empty() ? std::string("none") : all) + "\n";
  return t;
}

}  // namespace dqprep::label_findings
