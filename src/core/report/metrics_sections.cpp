// The sections of the quality page drawn from `metrics` reports: the seed metrics and their gates,
// noise and missing fields, classes, lengths, languages, and (with dedup's reports and files) duplicates.
#include <algorithm>

#include "page_parts.hpp"

namespace dqprep::report::page {

namespace {

// What a headline metric is made of, from the figures beside it.
std::string made_of(const Json& r, std::string_view key) {
  auto n = [&](std::string_view k) { return count_text(number_at(r, k)); };
  if (key == "class_balance") return n("num_classes") + " classes, " + n("labelled") + " labelled records";
  if (key == "coverage") {
    const Json* missing = array_at(r, "label_coverage_missing");
    if (member(r, "field_coverage") && !r["field_coverage"].is_null()) missing = array_at(r, "field_coverage_missing");
    return missing && !missing->empty() ? std::to_string(missing->size()) + " values never seen" : "none missing";
  }
  if (key == "noise_ratio") return n("noisy") + " of " + n("n") + " records";
  if (key == "annotation_consistency") return n("agreeing_items") + " of " + n("annotated_items") + " items agree";
  if (key == "duplicate_ratio") return n("duplicates") + " exact repeats";
  if (key == "near_duplicate_ratio") return n("near_duplicates") + " near duplicates";
  if (key == "imbalance_ratio") return "largest / smallest class: " + n("max_class_count") + " / " + n("min_class_count");
  return "";
}

const char* kSeed[] = {"class_balance", "coverage", "noise_ratio", "annotation_consistency"};
const char* kHeadline[] = {"class_balance",   "coverage",        "noise_ratio",        "annotation_consistency",
                           "duplicate_ratio", "near_duplicate_ratio", "normalized_entropy", "imbalance_ratio"};

// A [min, p10] .. [p90, max] histogram from a quantile object (shares 0.1, 0.4, 0.4, 0.1); bins of no
// width give their share to the next one. Empty when a quantile is null.
std::vector<svg::Bin> quantile_bins(const Json& q) {
  const char* keys[] = {"min", "p10", "p50", "p90", "max"};
  const double shares[] = {0.1, 0.4, 0.4, 0.1};
  double edges[5];
  for (int i = 0; i < 5; ++i) {
    std::optional<double> v = number_at(q, keys[i]);
    if (!v) return {};
    edges[i] = *v;
  }
  std::vector<svg::Bin> bins;
  double carried = 0;
  for (int i = 0; i < 4; ++i) {
    if (edges[i + 1] <= edges[i] && i < 3) {
      carried += shares[i];
      continue;
    }
    bins.push_back({edges[i], std::max(edges[i], edges[i + 1]), shares[i] + carried});
    carried = 0;
  }
  return bins;
}

std::vector<std::pair<std::string, const Json*>> sorted_by_count(const Json& counts, size_t limit) {
  std::vector<std::pair<std::string, const Json*>> out;
  for (const auto& [k, v] : counts.items()) out.emplace_back(k, &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return number_of(*a.second).value_or(0) > number_of(*b.second).value_or(0);
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace

void add_quality(const Context& c, html::Page& page) {
  std::vector<const ReportInput*> reports = c.of_stage("metrics");
  if (reports.empty()) return;
  std::string body;
  for (const ReportInput* r : reports) {
    const Json& j = r->json;
    body += Context::sub_heading(*r, reports.size());
    body += "<p>" + count_text(number_at(j, "n")) + " records, " + count_text(number_at(j, "quarantined")) +
            " malformed.</p><div class=\"cards\">";
    for (const char* key : kSeed) {
      std::optional<double> v = number_at(j, key);
      std::string status = metric_status(j, key);
      body += "<div class=\"card\"><div class=\"name\">" + html::text(key) + "</div><div class=\"value\">" +
              html::text(ratio_text(v)) + "</div><div>" + badge(status) + " <span class=\"note\">" +
              html::text(v ? made_of(j, key) : note_of(j, key)) + "</span></div></div>";
    }
    body += "</div>";
    html::Table table({"metric", "value", "gate", "made of, or why null"}, {false, true, false, false});
    for (const char* key : kHeadline) {
      if (!member(j, key)) continue;
      std::optional<double> v = number_at(j, key);
      table.row_html({html::element("code", html::text(key)), html::text(ratio_text(v)),
                      metric_status(j, key).empty() ? "" : badge(metric_status(j, key)),
                      html::text(v ? made_of(j, key) : note_of(j, key))});
    }
    body += table.render();

    if (const Json* noise = object_at(j, "noise")) {
      svg::BarChart chart;
      chart.title = "Noisy records by source";
      chart.axis_label = "records";
      html::Table t({"source", "records"}, {false, true});
      for (const auto& [source, n] : noise->items()) {
        double v = number_of(n).value_or(0);
        if (chart.bars.size() < kMaxBars) chart.bars.push_back({name_text(source), v, {}, {}, svg::Tone::bad});
        t.row({name_text(source), value_text(n)});
      }
      body += html::element("h3", "Noise by source");
      body += html::figure(svg::bar_chart(chart), t.render(),
                           "A record noisy for several reasons counts once in noise_ratio and under each source here.");
    }
    if (const Json* missing = object_at(j, "missing_fields"); missing && !missing->empty()) {
      html::Table t({"field", "share of records without it"}, {false, true});
      for (const auto& [field, share] : missing->items()) t.row({name_text(field), share_text(number_of(share))});
      body += html::element("h3", "Missing fields") + t.render();
    }
    body += source_note(*r);
  }
  page.add({"quality", "Quality metrics", body});
}

void add_classes(const Context& c, html::Page& page) {
  std::string body;
  std::vector<const ReportInput*> reports = c.of_stage("metrics");
  for (const ReportInput* r : reports) {
    const Json* classes = object_at(r->json, "classes");
    if (!classes || classes->empty()) continue;
    const Json* shares = object_at(r->json, "class_share");
    const Json* by_class = object_at(r->json, "lengths_by_class");
    svg::BarChart chart;
    chart.title = "Records per class";
    chart.axis_label = "records";
    html::Table t({"class", "records", "share", "chars p50", "words p50"}, {false, true, true, true, true});
    MemberIndex share_of(shares), lengths_of(by_class);
    for (const auto& [label, n] : classes->items()) {
      if (chart.bars.size() < kMaxBars) chart.bars.push_back({name_text(label), number_of(n).value_or(0)});
      const Json* share_json = share_of.find(label);
      std::optional<double> share = share_json ? number_of(*share_json) : std::nullopt;
      const Json* q = lengths_of.find(label);
      if (q && !q->is_object()) q = nullptr;
      auto p50 = [&](const char* measure) {
        const Json* m = q ? object_at(*q, measure) : nullptr;
        return m ? count_text(number_at(*m, "p50")) : std::string("-");
      };
      t.row({name_text(label), value_text(n), share_text(share), p50("chars"), p50("words")});
    }
    body += Context::sub_heading(*r, reports.size());
    std::string balance = "class_balance " + ratio_text(number_at(r->json, "class_balance")) + ", imbalance ratio " +
                          ratio_text(number_at(r->json, "imbalance_ratio"));
    body += html::figure(svg::bar_chart(chart), t.render(kMaxRows, r->name), balance);
    if (const Json* small = array_at(r->json, "small_classes"); small && !small->empty()) {
      std::string names;
      for (const Json& s : *small) names += (names.empty() ? "" : ", ") + value_text(s);
      body += "<p>Classes below --min-per-class: " + html::text(names) + "</p>";
    }
    if (const Json* missing = array_at(r->json, "label_coverage_missing"); missing && !missing->empty()) {
      std::string names;
      for (const Json& s : *missing) names += (names.empty() ? "" : ", ") + value_text(s);
      body += "<p>Declared classes with no record: " + html::text(names) + "</p>";
    }
    body += source_note(*r);
  }
  if (!body.empty()) page.add({"classes", "Class distribution", body});
}

void add_lengths(const Context& c, html::Page& page) {
  std::string body;
  std::vector<const ReportInput*> reports = c.of_stage("metrics");
  for (const ReportInput* r : reports) {
    const Json* lengths = object_at(r->json, "lengths");
    if (!lengths) continue;
    const Json* by_class = object_at(r->json, "lengths_by_class");
    const Json* classes = object_at(r->json, "classes");
    std::vector<std::pair<std::string, const Json*>> largest =
        classes ? sorted_by_count(*classes, kMaxLengthClasses) : std::vector<std::pair<std::string, const Json*>>{};
    html::Table t({"class", "measure", "min", "p10", "p50", "p90", "max"}, {false, false, true, true, true, true, true});
    std::string charts;
    for (const auto& [key, q] : lengths->items()) {
      if (!q.is_object()) continue;
      const std::string measure = key;  // a lambda below uses it (clang 14 captures no binding)
      std::string grid;
      auto draw = [&](const std::string& who, const Json& quantiles) {
        std::vector<svg::Bin> bins = quantile_bins(quantiles);
        if (bins.empty()) return;
        grid += svg::histogram({measure + " of " + who, measure + " (" + who + ")", bins});
      };
      draw("all records", q);
      std::vector<std::string> row = {"(all)", measure};
      for (const char* k : {"min", "p10", "p50", "p90", "max"}) row.push_back(count_text(number_at(q, k)));
      t.row(row);
      for (const auto& [label, n] : largest) {
        const Json* cq = by_class ? object_at(*by_class, label) : nullptr;
        const Json* mq = cq ? object_at(*cq, measure) : nullptr;
        if (mq) draw("class " + name_text(label), *mq);
      }
      if (by_class) {
        for (const auto& [label, cq] : by_class->items()) {
          const Json* mq = object_at(cq, measure);
          if (!mq) continue;
          std::vector<std::string> crow = {name_text(label), measure};
          for (const char* k : {"min", "p10", "p50", "p90", "max"}) crow.push_back(count_text(number_at(*mq, k)));
          t.row(crow);
        }
      }
      charts += "<div class=\"grid\">" + grid + "</div>";
    }
    body += Context::sub_heading(*r, reports.size());
    body += "<p class=\"note\">Drawn from the quantiles of each length: the bars from min to p10 and from p90 to max "
            "hold 10% of the records each, those from p10 to p50 and p50 to p90 40% each; a bar's area is its share. "
            "The largest " + std::to_string(kMaxLengthClasses) + " classes are drawn; the table has every class.</p>";
    body += charts + t.render(kMaxRows * 2, r->name) + source_note(*r);
  }
  if (!body.empty()) page.add({"lengths", "Lengths", body});
}

void add_languages(const Context& c, html::Page& page) {
  std::string body;
  std::vector<const ReportInput*> reports = c.of_stage("metrics");
  for (const ReportInput* r : reports) {
    const Json* languages = object_at(r->json, "languages");
    if (!languages || languages->empty()) continue;
    svg::BarChart chart;
    chart.title = "Share of the records with text in each language";
    chart.axis_label = "share of records";
    chart.format = svg::ValueFormat::share;
    html::Table t({"language", "share"}, {false, true});
    for (const auto& [code, share] : languages->items()) {
      if (chart.bars.size() < kMaxBars) chart.bars.push_back({name_text(code), number_of(share).value_or(0)});
      t.row({name_text(code), share_text(number_of(share))});
    }
    body += Context::sub_heading(*r, reports.size()) + html::figure(svg::bar_chart(chart), t.render()) + source_note(*r);
  }
  if (!body.empty()) page.add({"languages", "Languages", body});
}

void add_duplicates(const Context& c, html::Page& page) {
  std::string body;
  for (const ReportInput* r : c.of_stage("metrics")) {
    html::Table t({"figure", "value", "why null"}, {false, true, false});
    for (const char* key : {"duplicates", "duplicate_ratio", "near_duplicates", "near_duplicate_ratio"}) {
      if (!member(r->json, key)) continue;
      std::optional<double> v = number_at(r->json, key);
      t.row({key, ratio_text(v), v ? "" : note_of(r->json, key)});
    }
    if (t.rows()) body += html::element("h3", html::text("Measured by metrics: " + r->name)) + t.render();
  }
  for (const ReportInput* r : c.of_stage("dedup")) {
    html::Table t({"figure", "value"}, {false, true});
    for (const char* key : {"mode", "in", "clusters", "duplicates", "removed", "duplicate_ratio", "label_conflicts",
                            "contaminated", "pairs_verified", "pairs_rejected"}) {
      if (const Json* v = member(r->json, key)) t.row({key, value_text(*v)});
    }
    body += html::element("h3", html::text("dedup: " + r->name)) + t.render();
  }
  for (const RejectsSummary& file : c.rejects) {
    if (file.clusters.empty()) continue;
    svg::BarChart chart;
    chart.title = "Largest duplicate clusters: records removed as copies of one kept record";
    chart.axis_label = "records removed";
    html::Table t({"kept record", "removed copies", "removed texts"}, {false, true, false});
    for (const DuplicateCluster& cl : file.clusters) {
      if (chart.bars.size() < 15) chart.bars.push_back({name_text(cl.kept), static_cast<double>(cl.removed)});
      std::string texts;
      for (const std::string& text : cl.texts) texts += html::element("span", html::text(text), "record");
      t.row_html({html::text(name_text(cl.kept)), std::to_string(cl.removed), texts});
    }
    body += html::element("h3", html::text("Clusters in " + file.name + " (" + std::to_string(file.cluster_count) +
                                          (file.cluster_count == 1 ? " cluster)" : " clusters, largest first)")));
    body += html::figure(svg::bar_chart(chart), t.render(kMaxRows, file.name));
  }
  if (!body.empty()) page.add({"duplicates", "Duplicates", body});
}

}  // namespace dqprep::report::page
