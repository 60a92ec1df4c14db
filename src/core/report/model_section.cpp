// The model section of the quality page, from `model eval` and `model crossval` reports: accuracy and
// macro-F1, per-class figures, the confusion matrix as a heat map, accuracy per slice with its
// Wilson interval.
#include "page_parts.hpp"

namespace dqprep::report::page {

std::string confusion_figure(const Json& matrix, const std::string& title);  // labels_section.cpp

void add_model(const Context& c, html::Page& page) {
  std::vector<const ReportInput*> reports = c.of_model();
  std::string body;
  for (const ReportInput* r : reports) {
    const Json& j = r->json;
    body += Context::sub_heading(*r, reports.size());
    html::Table t({"figure", "value", "gate"}, {false, true, false});
    for (const char* key : {"accuracy", "macro_f1", "records_scored", "correct", "kfold", "repeats"}) {
      if (!member(j, key)) continue;
      std::string status = metric_status(j, key);
      t.row_html({html::element("code", key), html::text(value_text(j[key])), status.empty() ? "" : badge(status)});
    }
    body += t.render();
    if (const Json* per_class = object_at(j, "per_class"); per_class && !per_class->empty()) {
      svg::BarChart chart;
      chart.title = "F1 of each class";
      chart.axis_label = "F1";
      chart.format = svg::ValueFormat::share;
      html::Table pc({"class", "precision", "recall", "F1", "support"}, {false, true, true, true, true});
      for (const auto& [label, f] : per_class->items()) {
        if (chart.bars.size() < kMaxBars) chart.bars.push_back({name_text(label), number_at(f, "f1").value_or(0)});
        pc.row({name_text(label), ratio_text(number_at(f, "precision")), ratio_text(number_at(f, "recall")),
                ratio_text(number_at(f, "f1")), count_text(number_at(f, "support"))});
      }
      body += html::element("h3", "Classes") + html::figure(svg::bar_chart(chart), pc.render(kMaxRows, r->name));
    }
    if (const Json* confusion = object_at(j, "confusion"); confusion && !confusion->empty()) {
      body += html::element("h3", "Confusion matrix");
      body += confusion_figure(*confusion, "Records by true class (rows) and predicted class (columns)");
    }
    if (const Json* slices = array_at(j, "slices"); slices && !slices->empty()) {
      svg::BarChart chart;
      chart.title = "Accuracy of each slice with its 95% Wilson interval";
      chart.axis_label = "accuracy";
      chart.format = svg::ValueFormat::share;
      html::Table st({"slice", "records", "accuracy", "low", "high"}, {false, true, true, true, true});
      for (const Json& s : *slices) {
        std::string name = value_text(s.is_object() && s.contains("slice") ? s["slice"] : Json());
        if (chart.bars.size() < kMaxBars)
          chart.bars.push_back({name, number_at(s, "accuracy").value_or(0), number_at(s, "low"), number_at(s, "high")});
        st.row({name, count_text(number_at(s, "records")), ratio_text(number_at(s, "accuracy")),
                ratio_text(number_at(s, "low")), ratio_text(number_at(s, "high"))});
      }
      body += html::element("h3", html::text("Slices by " + string_at(j, "slice_field")));
      body += html::figure(svg::bar_chart(chart), st.render(kMaxRows, r->name), "Worst first.");
    }
    body += source_note(*r);
  }
  if (!reports.empty()) page.add({"model", "Model", body});
}

}  // namespace dqprep::report::page
