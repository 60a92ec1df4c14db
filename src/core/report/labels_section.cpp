// The labels section of the quality page, from `label-check` reports: annotator agreement, each
// annotator's agreement with the consensus, label conflicts, Dawid-Skene confusion matrices as
// heat maps, likely label errors.
#include "page_parts.hpp"

namespace dqprep::report::page {

namespace {

// A {row: {column: value}} object as a heat map and its table; columns in the order of first sight.
std::string matrix_figure(const Json& matrix, const std::string& title, const std::string& row_title,
                          const std::string& column_title, svg::ValueFormat format) {
  svg::HeatMap map;
  map.title = title;
  map.row_title = row_title;
  map.column_title = column_title;
  map.format = format;
  if (format == svg::ValueFormat::share) map.max = 1;
  for (const auto& [row, cells] : matrix.items()) {
    if (!cells.is_object()) continue;
    for (const auto& [column, v] : cells.items()) {
      (void)v;
      if (std::find(map.columns.begin(), map.columns.end(), column) == map.columns.end() && map.columns.size() < kMaxMatrix)
        map.columns.push_back(column);
    }
    if (map.rows.size() < kMaxMatrix) map.rows.push_back(row);
  }
  std::vector<std::string> header = {row_title + " \\ " + column_title};
  std::vector<bool> numeric = {false};
  for (const std::string& col : map.columns) {
    header.push_back(name_text(col));
    numeric.push_back(true);
  }
  html::Table t(header, numeric);
  for (const std::string& row : map.rows) {
    const Json& cells = matrix[row];
    std::vector<std::optional<double>> values;
    std::vector<std::string> cells_text = {name_text(row)};
    for (const std::string& col : map.columns) {
      std::optional<double> v = number_at(cells, col);
      values.push_back(v);
      cells_text.push_back(format == svg::ValueFormat::share ? ratio_text(v) : count_text(v));
    }
    map.cells.push_back(std::move(values));
    t.row(cells_text);
  }
  std::string note;
  if (matrix.size() > kMaxMatrix) note = "The first " + std::to_string(kMaxMatrix) + " rows and columns are shown.";
  return html::figure(svg::heat_map(map), t.render(kMaxMatrix), note);
}

}  // namespace

void add_labels(const Context& c, html::Page& page) {
  std::vector<const ReportInput*> reports = c.of_stage("label-check");
  std::string body;
  for (const ReportInput* r : reports) {
    const Json& j = r->json;
    body += Context::sub_heading(*r, reports.size());
    if (member(j, "percent_agreement") || member(j, "krippendorff_alpha")) {
      html::Table t({"figure", "value", "gate", "why null"}, {false, true, false, false});
      for (const char* key : {"percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "items",
                              "items_rated", "items_compared", "ratings", "annotator_count"}) {
        if (!member(j, key)) continue;
        std::optional<double> v = number_at(j, key);
        std::string status = metric_status(j, key);
        t.row_html({html::element("code", key), html::text(value_text(j[key])), status.empty() ? "" : badge(status),
                    html::text(v ? "" : note_of(j, key))});
      }
      body += html::element("h3", "Annotator agreement") + t.render();
    }
    if (const Json* annotators = object_at(j, "per_annotator"); annotators && !annotators->empty()) {
      svg::BarChart chart;
      chart.title = "Each annotator's agreement with the consensus";
      chart.axis_label = "share of the annotator's ratings equal to the consensus";
      chart.format = svg::ValueFormat::share;
      html::Table t({"annotator", "ratings", "compared", "agreed", "agreement"}, {false, true, true, true, true});
      for (const auto& [name, a] : annotators->items()) {
        std::optional<double> agreement = number_at(a, "agreement_with_consensus");
        if (chart.bars.size() < kMaxBars)
          chart.bars.push_back({name_text(name), agreement.value_or(0), {}, {},
                                agreement && *agreement < 0.7 ? svg::Tone::warn : svg::Tone::primary});
        t.row({name_text(name), count_text(number_at(a, "ratings")), count_text(number_at(a, "compared")),
               count_text(number_at(a, "agreed")), ratio_text(agreement)});
      }
      body += html::element("h3", "Annotators");
      body += html::figure(svg::bar_chart(chart), t.render(kMaxRows, r->name),
                           "Consensus: " + string_at(j, "per_annotator_consensus") + "; below 70% in orange.");
    }
    if (member(j, "conflict_groups")) {
      html::Table t({"figure", "value"}, {false, true});
      for (const char* key : {"conflict_key", "duplicate_groups", "conflict_groups", "conflict_records", "conflict_rate",
                              "resolve", "relabeled"})
        if (const Json* v = member(j, key)) t.row({key, value_text(*v)});
      body += html::element("h3", "Label conflicts: one text, different labels") + t.render();
      if (const Json* samples = array_at(j, "conflict_samples"); samples && !samples->empty()) {
        html::Table s({"group", "records", "labels", "action", "members"}, {true, true, false, false, false});
        for (const Json& g : *samples) {
          std::string labels, members;
          if (const Json* l = object_at(g, "labels"))
            for (const auto& [label, n] : l->items()) labels += (labels.empty() ? "" : ", ") + name_text(label) + " " + value_text(n);
          if (const Json* m = array_at(g, "members"))
            for (const Json& member_json : *m)
              members += (members.empty() ? "" : ", ") + value_text(member_json.is_object() && member_json.contains("id")
                                                                        ? member_json["id"] : member_json) +
                         (member_json.is_object() && member_json.contains("label") ? " (" + value_text(member_json["label"]) + ")" : "");
          s.row({value_text(g.is_object() && g.contains("group") ? g["group"] : Json()),
                 count_text(number_at(g, "size")), labels, string_at(g, "action"), svg::shorten(members, 400)});
        }
        body += s.render(20, r->name);
      }
    }
    if (const Json* ds = object_at(j, "dawid_skene")) {
      body += html::element("h3", "Dawid-Skene: each annotator's estimated confusion");
      html::Table t({"figure", "value"}, {false, true});
      for (const char* key : {"iterations", "converged", "log_likelihood"})
        if (const Json* v = member(*ds, key)) t.row({key, value_text(*v)});
      if (const Json* priors = object_at(*ds, "class_priors"))
        for (const auto& [label, p] : priors->items()) t.row({"prior of " + name_text(label), ratio_text(number_of(p))});
      body += t.render();
      if (const Json* annotators = object_at(*ds, "annotators")) {
        size_t drawn = 0;
        for (const auto& [name, a] : annotators->items()) {
          const Json* confusion = object_at(a, "confusion");
          if (!confusion) continue;
          if (drawn++ == kMaxAnnotatorMaps) {
            body += "<p class=\"note\">" + std::to_string(annotators->size() - kMaxAnnotatorMaps) +
                    " more annotators: see " + html::text(r->name) + ".</p>";
            break;
          }
          body += "<p><strong>Annotator " + html::text(name_text(name)) + "</strong>, estimated accuracy " +
                  html::text(ratio_text(number_at(a, "accuracy"))) + "</p>";
          body += matrix_figure(*confusion, "Annotator " + name_text(name) + ": P(says column | true row)", "true",
                                "said", svg::ValueFormat::share);
        }
      }
    }
    if (member(j, "label_issues")) {
      html::Table t({"figure", "value"}, {false, true});
      for (const char* key : {"issues_scored", "label_issues", "issue_rate", "issues_uncapped", "relabeled_issues",
                              "model_accuracy", "majority_rate", "weak_model", "weak_model_kept"})
        if (const Json* v = member(j, key)) t.row({key, value_text(*v)});
      body += html::element("h3", "Likely label errors") + t.render();
      if (const Json* samples = array_at(j, "issue_samples"); samples && !samples->empty()) {
        html::Table s({"record", "label", "suggested", "score"}, {false, false, false, true});
        for (const Json& e : *samples)
          s.row({value_text(e.is_object() && e.contains("id") ? e["id"] : Json()),
                 value_text(e.is_object() && e.contains("label") ? e["label"] : Json()),
                 value_text(e.is_object() && e.contains("suggested") ? e["suggested"] : Json()),
                 ratio_text(number_at(e, "score"))});
        body += s.render(20, r->name);
      }
    }
    const Json* before = object_at(j, "classes");
    const Json* after = object_at(j, "classes_out");
    if (before && !before->empty()) {
      html::Table t({"class", "records in", "records out"}, {false, true, true});
      MemberIndex out_of(after);
      for (const auto& [label, n] : before->items()) {
        const Json* out = out_of.find(label);
        t.row({name_text(label), value_text(n), after ? count_text(out ? number_of(*out) : std::nullopt) : "-"});
      }
      body += html::element("h3", "Labels in and out") + t.render(kMaxRows, r->name);
    }
    body += source_note(*r);
  }
  if (!reports.empty()) page.add({"labels", "Labels and annotators", body});
}

// Used by the model section too.
std::string confusion_figure(const Json& matrix, const std::string& title) {
  return matrix_figure(matrix, title, "true", "predicted", svg::ValueFormat::count);
}

}  // namespace dqprep::report::page
