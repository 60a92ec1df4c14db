#include "dqprep/report/quality_page.hpp"

#include <cmath>

#include "dqprep/util/number_text.hpp"
#include "page_parts.hpp"

namespace dqprep::report {

namespace page {

const Json* member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const Json* object_at(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  return m && m->is_object() ? m : nullptr;
}

const Json* array_at(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  return m && m->is_array() ? m : nullptr;
}

std::optional<double> number_of(const Json& j) {
  if (!j.is_number()) return std::nullopt;
  double v = j.get<double>();
  return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

MemberIndex::MemberIndex(const Json* object) {
  if (!object || !object->is_object()) return;
  members_.reserve(object->size());
  for (const auto& [key, value] : object->items()) members_.try_emplace(key, &value);
}

const Json* MemberIndex::find(std::string_view key) const {
  auto it = members_.find(key);
  return it == members_.end() ? nullptr : it->second;
}

std::optional<double> number_at(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  return m ? number_of(*m) : std::nullopt;
}

std::string string_at(const Json& j, std::string_view key) {
  const Json* m = member(j, key);
  return m && m->is_string() ? m->get<std::string>() : "";
}

std::string name_text(std::string_view name) { return svg::shorten(name, kLabelChars); }

std::string ratio_text(std::optional<double> v) { return v ? util::number_text(*v, 4) : "null"; }

std::string count_text(std::optional<double> v) { return v ? svg::format_value(*v, svg::ValueFormat::count) : "null"; }

std::string share_text(std::optional<double> v) { return v ? svg::format_value(*v, svg::ValueFormat::share) : "null"; }

std::string value_text(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number()) return ratio_text(number_of(v));
  if (v.is_string()) return name_text(v.get_ref<const std::string&>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return svg::shorten(v.dump(-1, ' ', false, Json::error_handler_t::replace), kLabelChars);
}

std::string note_of(const Json& report, std::string_view key) {
  const Json* notes = object_at(report, "notes");
  return notes ? string_at(*notes, key) : "";
}

std::string source_note(const ReportInput& input) {
  return "<p class=\"note\">From " + html::element("code", html::text(input.name)) + " (" +
         html::text(string_at(input.json, "stage")) + ").</p>";
}

std::string badge(std::string_view status) {
  std::string_view css = status == "pass" || status == "warn" || status == "fail" ? status : "none";
  return "<span class=\"badge " + std::string(css) + "\">" + html::text(status.empty() ? "no gate" : status) +
         "</span>";
}

std::string check_status(const Json& check) {
  const Json* passed = member(check, "passed");
  if (passed && passed->is_boolean() && passed->get<bool>()) return "pass";
  return string_at(check, "level") == "warn" ? "warn" : "fail";
}

std::string metric_status(const Json& report, std::string_view metric) {
  const Json* checks = array_at(report, "checks");
  if (!checks) return "";
  std::string worst;
  for (const Json& c : *checks) {
    if (string_at(c, "metric") != metric) continue;
    std::string s = check_status(c);
    if (s == "fail" || (s == "warn" && worst != "fail") || worst.empty()) worst = s;
  }
  return worst;
}

std::vector<const ReportInput*> Context::of_stage(std::string_view stage) const {
  std::vector<const ReportInput*> out;
  for (const ReportInput& r : reports)
    if (string_at(r.json, "stage") == stage) out.push_back(&r);
  return out;
}

std::vector<const ReportInput*> Context::of_model() const {
  std::vector<const ReportInput*> out;
  for (const ReportInput& r : reports) {
    std::string stage = string_at(r.json, "stage");
    if ((stage == "model eval" || stage == "model crossval") && member(r.json, "accuracy")) out.push_back(&r);
  }
  return out;
}

std::string Context::sub_heading(const ReportInput& input, size_t count) {
  if (count <= 1) return "";
  return html::element("h3", html::text(input.name));
}

void add_gates(const Context& c, html::Page& page) {
  html::Table table({"result", "check", "actual", "level", "report"});
  for (const ReportInput& r : c.reports) {
    const Json* checks = array_at(r.json, "checks");
    if (!checks) continue;
    for (const Json& check : *checks) {
      if (!check.is_object()) continue;
      std::string actual = value_text(member(check, "actual") ? check["actual"] : Json());
      if (actual != "null" && member(check, "relative") && check["relative"] == true) actual += "x";
      if (std::string note = string_at(check, "note"); !note.empty()) actual += " (" + note + ")";
      table.row_html({badge(check_status(check)), html::element("code", html::text(string_at(check, "check"))),
                      html::text(actual), html::text(string_at(check, "level")), html::text(r.name)});
    }
  }
  if (table.rows() == 0) return;
  page.add({"gates", "Gates",
            "<p class=\"note\">Every check of the reports (--check, --warn, --checks): a failed fail-level check "
            "made its stage exit 1; a warning did not.</p>" +
                table.render(kMaxRows * 4)});
}

void add_details(const Context& c, html::Page& page) {
  std::string body =
      "<p class=\"note\">The top-level figures of each report as it was given; lists and tables are in the "
      "sections above and in the JSON.</p>";
  size_t index = 0;
  for (const ReportInput& r : c.reports) {
    ++index;
    html::Table table({"figure", "value"}, {false, true});
    for (const auto& [key, value] : r.json.items()) {
      if (key == "stage" || key == "notes" || key == "checks") continue;
      if (value.is_object() || value.is_array()) {
        if (key != "rules") continue;
        for (const auto& [rule, n] : value.items()) table.row({"rules." + name_text(rule), value_text(n)});
        continue;
      }
      std::string shown = value_text(value);
      if (value.is_null()) {
        if (std::string note = note_of(r.json, key); !note.empty()) shown += " (" + note + ")";
      }
      table.row({key, shown});
    }
    body += html::element("h3", html::text(std::to_string(index) + ". " + string_at(r.json, "stage") + " — " + r.name));
    body += table.render(kMaxRows * 2);
  }
  page.add({"figures", "Every figure of each report", body});
}

}  // namespace page

bool is_measurement(const std::string& stage) {
  return stage == "metrics" || stage.rfind("metrics ", 0) == 0 || stage.rfind("model", 0) == 0;
}

Result<std::string> render_quality_page(const std::vector<ReportInput>& reports,
                                        const std::vector<RejectsSummary>& rejects, const PageOptions& options) {
  page::Context c{reports, rejects, options};
  size_t passed = 0, warned = 0, failed = 0;
  for (const ReportInput& r : reports) {
    const Json* checks = page::array_at(r.json, "checks");
    if (!checks) continue;
    for (const Json& check : *checks) {
      if (!check.is_object()) continue;
      std::string s = page::check_status(check);
      (s == "pass" ? passed : s == "warn" ? warned : failed)++;
    }
  }
  std::string subtitle = "<p class=\"sub\">Made by <code>dqprep report</code> from " + std::to_string(reports.size()) +
                         (reports.size() == 1 ? " report" : " reports") +
                         (rejects.empty() ? std::string() : " and " + std::to_string(rejects.size()) +
                                                                (rejects.size() == 1 ? " file" : " files") +
                                                                " of rejected records") +
                         ".</p>";
  if (passed + warned + failed) {
    std::string verdict = failed ? "fail" : warned ? "warn" : "pass";
    subtitle += "<p class=\"verdict\">" + page::badge(verdict) + " Gates: " + std::to_string(passed) + " passed, " +
                std::to_string(warned) + (warned == 1 ? " warning, " : " warnings, ") + std::to_string(failed) +
                " failed.</p>";
  }
  html::Page out(options.title, subtitle, options.max_bytes);
  page::add_gates(c, out);
  DQPREP_RETURN_IF_ERROR(page::add_funnel(c, out));
  page::add_quality(c, out);
  page::add_classes(c, out);
  page::add_lengths(c, out);
  page::add_languages(c, out);
  page::add_duplicates(c, out);
  page::add_labels(c, out);
  page::add_split(c, out);
  page::add_model(c, out);
  page::add_details(c, out);
  return out.render();
}

}  // namespace dqprep::report
