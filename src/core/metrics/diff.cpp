#include "dqprep/metrics/diff.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "dqprep/metrics/metrics.hpp"
#include "dqprep/util/number_text.hpp"

namespace dqprep::metrics {

namespace {

using report::Json;

struct Leaf {
  std::string metric;
  std::vector<std::string> steps;
  const Json* value;
};

bool is_identifier(const std::string& key) {
  if (key.empty() || !(std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_')) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Every number or null reachable through objects, depth first in the report's order.
void collect(const Json& node, std::vector<std::string>& steps, std::string& metric, std::vector<Leaf>& out) {
  if (node.is_number() || node.is_null()) {
    out.push_back({metric, steps, &node});
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (steps.empty() && (key == "notes" || key == "seconds")) continue;
    size_t length = metric.size();
    if (steps.empty()) metric = key;
    else metric += is_identifier(key) ? "." + key : "[" + key + "]";
    steps.push_back(key);
    collect(value, steps, metric, out);
    steps.pop_back();
    metric.resize(length);
  }
}

std::vector<Leaf> leaves(const Json& report) {
  std::vector<Leaf> out;
  std::vector<std::string> steps;
  std::string metric;
  collect(report, steps, metric, out);
  return out;
}

// Sets `root`'s value at `steps`, making the objects on the way (a number already on the way, which
// only a report with a number and an object under one name could cause, is replaced).
void put(Json& root, const std::vector<std::string>& steps, Json value) {
  Json* at = &root;
  for (const std::string& step : steps) {
    if (!at->is_object()) *at = Json::object();
    at = &(*at)[step];
  }
  *at = std::move(value);
}

// Why a figure is null in one report: "null in FILE (its note)" or "not in FILE".
std::string absence(const Leaf* leaf, const Json& report, const std::string& name) {
  if (!leaf) return "not in " + name;
  std::string why = "null in " + name;
  auto notes = report.find("notes");
  if (notes != report.end() && notes->is_object()) {
    for (const std::string& key : {leaf->metric, leaf->steps[0]}) {
      auto note = notes->find(key);
      if (note != notes->end() && note->is_string()) return why + " (" + note->get<std::string>() + ")";
    }
  }
  return why;
}

std::string num(const std::optional<double>& v) { return v ? util::number_text(*v, 6) : "null"; }

std::string signed_num(const std::optional<double>& v) {
  if (!v) return "null";
  std::string s(*v > 0 ? "+" : "");
  s += util::number_text(*v, 6);  // not operator+ (GCC 12's -Wrestrict false positive)
  return s;
}

std::string ratio_text(const std::optional<double>& v) { return v ? util::number_text(*v, 4) + "x" : "-"; }

std::string md_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else if (c == '`') out += '\'';
    else out.push_back(c);
  }
  return out;
}

std::string actual_text(const checks::Outcome& o) {
  if (!o.actual) return "null";
  return o.check.relative ? util::number_text(*o.actual, 6) + "x" : signed_num(o.actual);
}

size_t count_changed(const ReportDiff& diff) {
  return static_cast<size_t>(std::count_if(diff.figures.begin(), diff.figures.end(), [](const FigureChange& f) { return f.changed(); }));
}

}  // namespace

Result<ReportDiff> diff_reports(const Json& old_report, const Json& new_report, const std::string& old_name,
                                const std::string& new_name) {
  std::string old_stage = old_report.value("stage", ""), new_stage = new_report.value("stage", "");
  if (old_stage != new_stage)
    return Status::usage(old_name + " is a '" + old_stage + "' report and " + new_name + " a '" + new_stage +
                         "' report: a diff compares two reports of one stage");
  ReportDiff diff;
  diff.stage = new_stage;
  std::vector<Leaf> old_leaves = leaves(old_report), new_leaves = leaves(new_report);
  std::map<std::string, const Leaf*> old_by_metric, new_by_metric;
  for (const Leaf& l : old_leaves) old_by_metric.emplace(l.metric, &l);
  for (const Leaf& l : new_leaves) new_by_metric.emplace(l.metric, &l);

  std::vector<const Leaf*> order;
  for (const Leaf& l : new_leaves) order.push_back(&l);
  for (const Leaf& l : old_leaves)
    if (!new_by_metric.count(l.metric)) order.push_back(&l);

  Json notes = Json::object();
  std::set<std::string_view> seen;
  for (const Leaf* leaf : order) {
    // Two keys spelled alike (a top-level "a.b", and "b" inside "a") name one figure; the first counts.
    if (!seen.insert(leaf->metric).second) continue;
    auto o = old_by_metric.find(leaf->metric);
    auto n = new_by_metric.find(leaf->metric);
    const Leaf* old_leaf = o == old_by_metric.end() ? nullptr : o->second;
    const Leaf* new_leaf = n == new_by_metric.end() ? nullptr : n->second;
    FigureChange f;
    f.metric = leaf->metric;
    if (old_leaf && old_leaf->value->is_number()) f.old_value = old_leaf->value->get<double>();
    if (new_leaf && new_leaf->value->is_number()) f.new_value = new_leaf->value->get<double>();
    if (f.old_value && f.new_value) {
      f.change = *f.new_value - *f.old_value;
      if (*f.old_value != 0) f.ratio = *f.new_value / *f.old_value;
      else if (*f.new_value == 0) f.ratio = 1;
      else f.note = "0 in " + old_name + ": no ratio";
    } else {
      std::vector<std::string> why;
      if (!f.old_value) why.push_back(absence(old_leaf, old_report, old_name));
      if (!f.new_value) why.push_back(absence(new_leaf, new_report, new_name));
      f.note = why[0] + (why.size() > 1 ? "; " + why[1] : "");
    }
    put(diff.changes, leaf->steps, f.change ? Json(*f.change) : Json(nullptr));
    put(diff.ratios, leaf->steps, f.ratio ? Json(*f.ratio) : Json(nullptr));
    if (!f.note.empty()) notes[f.metric] = f.note;
    diff.figures.push_back(std::move(f));
  }
  diff.changes["notes"] = notes;
  diff.ratios["notes"] = notes;
  return diff;
}

Result<std::vector<checks::Outcome>> evaluate_changes(const std::vector<checks::Check>& list, const ReportDiff& diff) {
  std::vector<checks::Outcome> outcomes;
  for (const checks::Check& c : list) {
    DQPREP_ASSIGN_OR_RETURN(checks::Outcome o,
                            checks::evaluate(c, c.relative ? diff.ratios : diff.changes, check_aliases()));
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

std::string diff_table(const ReportDiff& diff, const std::vector<checks::Outcome>& outcomes, const std::string& old_name,
                       const std::string& new_name) {
  size_t changed = count_changed(diff);
  std::string t = "metrics diff: " + old_name + " -> " + new_name + " ('" + diff.stage + "' reports): " +
                  std::to_string(changed) + " of " + std::to_string(diff.figures.size()) + " figures changed\n";
  char line[512];
  if (changed) {
    size_t width = 6;
    for (const FigureChange& f : diff.figures)
      if (f.changed()) width = std::max(width, std::min<size_t>(f.metric.size(), 48));
    std::snprintf(line, sizeof line, "  %-*s %12s %12s %12s %10s\n", static_cast<int>(width), "figure", "old", "new",
                  "change", "ratio");
    t += line;
    for (const FigureChange& f : diff.figures) {
      if (!f.changed()) continue;
      std::snprintf(line, sizeof line, "  %-*s %12s %12s %12s %10s\n", static_cast<int>(width), f.metric.c_str(),
                    num(f.old_value).c_str(), num(f.new_value).c_str(), signed_num(f.change).c_str(),
                    ratio_text(f.ratio).c_str());
      t += line;
    }
  }
  if (!outcomes.empty()) {
    t += "\n  checks (on the change NEW - OLD; on NEW / OLD for a value ending in x)\n";
    for (const checks::Outcome& o : outcomes) {
      const char* status = o.passed ? "ok" : o.check.level == checks::Level::warn ? "WARN" : "FAIL";
      std::snprintf(line, sizeof line, "  %-5s %-36s actual %s\n", status, o.check.text().c_str(), actual_text(o).c_str());
      t += line;
      if (!o.actual) t += "        " + o.note + "\n";
    }
  }
  return t;
}

std::string diff_markdown(const ReportDiff& diff, const std::vector<checks::Outcome>& outcomes,
                          const std::string& old_name, const std::string& new_name) {
  std::string m = "## dqprep metrics diff\n\n`" + md_cell(old_name) + "` → `" + md_cell(new_name) + "` ('" +
                  md_cell(diff.stage) + "' reports): **" + std::to_string(count_changed(diff)) + " of " +
                  std::to_string(diff.figures.size()) + " figures changed**\n\n";
  if (!outcomes.empty()) {
    size_t failed = 0, warned = 0;
    for (const checks::Outcome& o : outcomes)
      if (!o.passed) (o.check.level == checks::Level::warn ? warned : failed)++;
    m += "### Checks: " + std::string(failed ? "❌ " + std::to_string(failed) + " failed" : "✅ all passed");
    if (warned) m += ", ⚠️ " + std::to_string(warned) + " warning" + (warned > 1 ? "s" : "");
    m += "\n\n|  | check | actual | level |\n|---|---|---:|---|\n";
    for (const checks::Outcome& o : outcomes) {
      std::string icon = o.passed ? "✅" : o.check.level == checks::Level::warn ? "⚠️" : "❌";
      std::string actual = o.actual ? actual_text(o) : "null (" + o.note + ")";
      m += "| " + icon + " | `" + md_cell(o.check.text()) + "` | " + md_cell(actual) + " | " +
           std::string(checks::level_name(o.check.level)) + " |\n";
    }
    m += "\n";
  }
  if (count_changed(diff)) {
    m += "### Changed figures\n\n| figure | old | new | change | ratio |\n|---|---:|---:|---:|---:|\n";
    for (const FigureChange& f : diff.figures) {
      if (!f.changed()) continue;
      m += "| " + md_cell(f.metric) + " | " + num(f.old_value) + " | " + num(f.new_value) + " | " + signed_num(f.change) +
           " | " + ratio_text(f.ratio) + " |\n";
    }
  }
  return m;
}

Json diff_json(const ReportDiff& diff, const std::vector<checks::Outcome>& outcomes, const std::string& old_name,
               const std::string& new_name) {
  Json j = Json::object();
  j["stage"] = "metrics diff";
  j["old"] = old_name;
  j["new"] = new_name;
  j["report_stage"] = diff.stage;
  j["figures_changed"] = count_changed(diff);
  Json figures = Json::array();
  auto value = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
  for (const FigureChange& f : diff.figures) {
    Json row = {{"metric", f.metric}, {"old", value(f.old_value)}, {"new", value(f.new_value)},
                {"change", value(f.change)}, {"ratio", value(f.ratio)}};
    if (!f.note.empty()) row["note"] = f.note;
    figures.push_back(std::move(row));
  }
  j["figures"] = std::move(figures);
  j["checks"] = checks::to_json(outcomes);
  return j;
}

}  // namespace dqprep::metrics
