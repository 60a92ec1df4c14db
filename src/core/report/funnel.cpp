// The funnel of the quality page: each stage of the pipeline in the order its report was given,
// records in, out, rejected by reason and quarantined, and examples of each reason from the files
// of rejected records.
#include <cmath>
#include <map>
#include <set>

#include "page_parts.hpp"

namespace dqprep::report::page {

namespace {

struct Stage {
  const ReportInput* input = nullptr;
  std::string stage;
  uint64_t in = 0, out = 0, rejected = 0, quarantined = 0;
  std::vector<std::pair<std::string, uint64_t>> rules;  // rejections by reason
};

Result<uint64_t> whole(const ReportInput& r, std::string_view key) {
  std::optional<double> v = number_at(r.json, key);
  if (!v || *v < 0 || *v != std::floor(*v) || *v > 1.8e19)
    return Status::bad_input(r.name + ": not a stage summary: \"" + std::string(key) + "\" is not a count");
  return static_cast<uint64_t>(*v);
}

// The examples of one reason of one stage, from the file that held them.
struct Examples {
  const RejectsSummary* file;
  const RejectedReason* reason;
};

bool counts(const Stage& s, std::string_view reason) {
  if (reason == kMalformedReason) return s.quarantined > 0;
  for (const auto& [rule, n] : s.rules)
    if (rule == reason && n > 0) return true;
  return false;
}

}  // namespace

Status add_funnel(const Context& c, html::Page& page) {
  std::vector<Stage> stages;
  for (const ReportInput& r : c.reports) {
    std::string stage = string_at(r.json, "stage");
    if (is_measurement(stage)) continue;
    Stage s;
    s.input = &r;
    s.stage = stage;
    DQPREP_ASSIGN_OR_RETURN(s.in, whole(r, "in"));
    DQPREP_ASSIGN_OR_RETURN(s.out, whole(r, "out"));
    DQPREP_ASSIGN_OR_RETURN(s.rejected, whole(r, "rejected"));
    DQPREP_ASSIGN_OR_RETURN(s.quarantined, whole(r, "quarantined"));
    if (const Json* rules = object_at(r.json, "rules")) {
      for (const auto& [rule, n] : rules->items()) {
        std::optional<double> v = number_of(n);
        if (v && *v > 0) s.rules.emplace_back(rule, static_cast<uint64_t>(*v));
      }
    }
    stages.push_back(std::move(s));
  }

  // Each reason of each file goes to the first stage that counts it and has no examples of it yet.
  std::map<std::pair<size_t, std::string>, Examples> examples;
  std::vector<std::pair<const RejectsSummary*, const RejectedReason*>> unmatched;
  for (const RejectsSummary& file : c.rejects) {
    for (const RejectedReason& reason : file.reasons) {
      std::vector<std::string> names = {reason.reason};
      if (reason.from_dedup) names = {std::string(kDuplicateReason), "contaminated", "ngram_overlap"};
      bool placed = false;
      for (size_t i = 0; i < stages.size() && !placed; ++i) {
        for (const std::string& name : names) {
          if (!counts(stages[i], name) || examples.count({i, name})) continue;
          examples.emplace(std::pair{i, name}, Examples{&file, &reason});
          placed = true;
          break;
        }
      }
      if (!placed) unmatched.emplace_back(&file, &reason);
    }
  }
  if (stages.empty() && unmatched.empty()) return {};

  std::string body;
  if (!stages.empty()) {
    svg::StackedBars chart;
    chart.title = "Records of each stage: kept, rejected and quarantined";
    chart.axis_label = "records read by the stage";
    chart.series = {{"out", svg::Tone::good}, {"rejected", svg::Tone::bad}, {"quarantined", svg::Tone::muted}};
    html::Table table({"#", "stage", "in", "out", "rejected", "quarantined", "report"},
                      {true, false, true, true, true, true, false});
    for (size_t i = 0; i < stages.size(); ++i) {
      const Stage& s = stages[i];
      std::string label = std::to_string(i + 1) + ". " + s.stage;
      // augment adds records: its out counts them, so only its originals stand beside rejected.
      double kept = static_cast<double>(std::min<uint64_t>(s.out, s.in - std::min(s.in, s.rejected + s.quarantined)));
      if (i < kMaxBars)
        chart.rows.push_back({label, {kept, static_cast<double>(s.rejected), static_cast<double>(s.quarantined)}});
      std::string in = std::to_string(s.in);
      if (i > 0 && stages[i - 1].out != s.in) in += " (previous out: " + std::to_string(stages[i - 1].out) + ")";
      table.row({std::to_string(i + 1), s.stage, in, std::to_string(s.out), std::to_string(s.rejected),
                 std::to_string(s.quarantined), s.input->name});
    }
    body += "<p class=\"note\">Each stage in the order its report was given: records in, kept, rejected by a rule "
            "and quarantined (malformed). A stage reads what the one before it wrote; an <em>in</em> that "
            "differs from the previous <em>out</em> is marked.</p>";
    body += html::figure(svg::stacked_bars(chart), table.render(kMaxRows));

    html::Table reasons({"stage", "reason", "records", "share of its in", "examples from"}, {false, false, true, true, false});
    for (size_t i = 0; i < stages.size(); ++i) {
      const Stage& s = stages[i];
      auto share = [&](uint64_t n) { return share_text(s.in ? std::optional<double>(double(n) / double(s.in)) : std::nullopt); };
      auto source = [&](const std::string& reason) {
        auto e = examples.find({i, reason});
        return e == examples.end() ? std::string("-") : e->second.file->name;
      };
      for (const auto& [rule, n] : s.rules)
        reasons.row({std::to_string(i + 1) + ". " + s.stage, name_text(rule), std::to_string(n), share(n), source(rule)});
      if (s.quarantined)
        reasons.row({std::to_string(i + 1) + ". " + s.stage, std::string(kMalformedReason) + " (quarantined)",
                     std::to_string(s.quarantined), share(s.quarantined), source(std::string(kMalformedReason))});
    }
    if (reasons.rows()) {
      body += html::element("h3", "Why records were removed");
      body += reasons.render(kMaxRows * 2);
    }
  }

  auto example_table = [&](const RejectedReason& reason) {
    html::Table t({"record", "why", "text"});
    for (size_t k = 0; k < reason.examples.size() && k < c.options.examples; ++k) {
      const RejectExample& e = reason.examples[k];
      t.row_html({html::text(name_text(e.id)), html::element("code", html::text(svg::shorten(e.detail, 200))),
                  html::element("span", html::text(e.text), "record")});
    }
    return t.render();
  };
  if (!examples.empty() && c.options.examples > 0) {
    body += html::element("h3", "Examples of rejected records");
    for (const auto& [key, e] : examples) {
      (void)e;
      // In stage order, then by reason (the map's order).
      const Stage& s = stages[key.first];
      body += "<p><strong>" + html::text(std::to_string(key.first + 1) + ". " + s.stage + ": " + name_text(key.second)) +
              "</strong> <span class=\"note\">(" + std::to_string(e.reason->records) + " in " +
              html::text(e.file->name) + ")</span></p>";
      body += example_table(*e.reason);
    }
  }
  if (!unmatched.empty()) {
    body += html::element("h3", "Rejected records no report counts");
    body += "<p class=\"note\">Reasons of these files that no given stage report counts (give the stage's --stats "
            "to place them in the funnel).</p>";
    for (const auto& [file, reason] : unmatched) {
      body += "<p><strong>" + html::text(name_text(reason->reason)) + "</strong> <span class=\"note\">(" +
              std::to_string(reason->records) + " in " + html::text(file->name) + ")</span></p>";
      if (c.options.examples > 0) body += example_table(*reason);
    }
  }
  page.add({"funnel", "Pipeline funnel", body});
  return {};
}

}  // namespace dqprep::report::page
