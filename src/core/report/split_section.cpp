// The split section of the quality page, from `split` reports: the size of each part, each class's
// share of each part (a heat map), classes a part did not get, leakage across parts.
#include "page_parts.hpp"

namespace dqprep::report::page {

void add_split(const Context& c, html::Page& page) {
  std::vector<const ReportInput*> reports = c.of_stage("split");
  std::string body;
  for (const ReportInput* r : reports) {
    const Json& j = r->json;
    body += Context::sub_heading(*r, reports.size());
    const Json* splits = object_at(j, "splits");
    if (splits && !splits->empty()) {
      svg::BarChart chart;
      chart.title = "Records in each part of the split";
      chart.axis_label = "records";
      html::Table t({"part", "records", "share"}, {false, true, true});
      for (const auto& [name, s] : splits->items()) {
        if (chart.bars.size() < kMaxBars) chart.bars.push_back({name_text(name), number_at(s, "count").value_or(0)});
        t.row({name_text(name), count_text(number_at(s, "count")), share_text(number_at(s, "share"))});
      }
      body += html::figure(svg::bar_chart(chart), t.render(kMaxRows, r->name),
                           "Split by " + string_at(j, "by") + ".");

      // Class shares of each part: rows classes, columns parts.
      svg::HeatMap map;
      map.title = "Share of each class in each part";
      map.row_title = "class";
      map.column_title = "part";
      map.format = svg::ValueFormat::share;
      map.max = 1;
      std::vector<std::string> header = {"class"};
      std::vector<bool> numeric = {false};
      for (const auto& [name, s] : splits->items()) {
        (void)s;
        if (map.columns.size() == kMaxMatrix) break;
        map.columns.push_back(name);
        header.push_back(name_text(name) + " records");
        header.push_back(name_text(name) + " share");
        numeric.push_back(true);
        numeric.push_back(true);
      }
      std::vector<std::string> labels;
      if (const Json* classes = object_at(j, "classes"))
        for (const auto& [label, n] : classes->items()) {
          (void)n;
          labels.push_back(label);
        }
      html::Table ct(header, numeric);
      std::vector<MemberIndex> classes_of;
      for (const std::string& part : map.columns) classes_of.emplace_back(object_at((*splits)[part], "classes"));
      for (const std::string& label : labels) {
        std::vector<std::optional<double>> row;
        std::vector<std::string> cells = {name_text(label)};
        for (size_t p = 0; p < map.columns.size(); ++p) {
          const Json* cls = classes_of[p].find(label);
          if (cls && !cls->is_object()) cls = nullptr;
          row.push_back(cls ? number_at(*cls, "share") : std::optional<double>(0));
          cells.push_back(cls ? count_text(number_at(*cls, "count")) : "0");
          cells.push_back(cls ? share_text(number_at(*cls, "share")) : "0%");
        }
        if (map.rows.size() < kMaxMatrix) {
          map.rows.push_back(label);
          map.cells.push_back(std::move(row));
        }
        ct.row(cells);
      }
      if (!labels.empty()) {
        body += html::element("h3", "Classes in each part");
        body += html::figure(svg::heat_map(map), ct.render(kMaxRows, r->name),
                             "A stratified split keeps each class's share the same in every part.");
      }
    }
    if (const Json* unreached = array_at(j, "unreached"); unreached && !unreached->empty()) {
      html::Table t({"class", "part without it"});
      for (const Json& u : *unreached)
        t.row({value_text(u.is_object() && u.contains("class") ? u["class"] : Json()), string_at(u, "split")});
      body += html::element("h3", "Classes a part did not get") + t.render(kMaxRows, r->name);
    }
    if (const Json* leakage = object_at(j, "leakage")) {
      html::Table t({"figure", "value"}, {false, true});
      for (const auto& [key, v] : leakage->items())
        if (!v.is_object() && !v.is_array()) t.row({key, value_text(v)});
      if (const Json* by = object_at(*leakage, "by_splits"))
        for (const auto& [pair, counts] : by->items())
          t.row({name_text(pair), "exact " + count_text(number_at(counts, "exact")) + ", near " +
                                      count_text(number_at(counts, "near"))});
      body += html::element("h3", "Leakage: duplicates across parts") + t.render();
    }
    body += source_note(*r);
  }
  if (!reports.empty()) page.add({"split", "Split", body});
}

}  // namespace dqprep::report::page
