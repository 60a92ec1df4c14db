#include "dqprep/report/rejects.hpp"

#include <algorithm>

#include "dqprep/io/io.hpp"
#include "dqprep/report/svg.hpp"

namespace dqprep::report {

namespace {

record::Path path(const char* text) { return *record::parse_path(text); }

}  // namespace

RejectsReader::RejectsReader(std::string name, size_t examples_per_reason, size_t max_clusters)
    : name_(std::move(name)), examples_per_reason_(examples_per_reason), max_clusters_(max_clusters),
      rule_path_(path("_reject.rule")), error_message_path_(path("_error.message")), raw_path_(path("raw")),
      dup_of_path_(path("dup_of")), id_path_(path("id")), text_path_(path("text")) {
  summary_.name = name_;
}

Status RejectsReader::add(std::string_view line, uint64_t line_number) {
  auto bad = [&](const std::string& message) {
    return Status::bad_input(name_ + ":" + std::to_string(line_number) + ": " + message);
  };
  Status parsed = parser_.parse(line);
  if (!parsed.ok()) return bad(parsed.message());

  std::string reason;
  bool from_dedup = false;
  RejectExample example;
  std::optional<std::pair<size_t, size_t>> span;
  std::optional<std::string_view> value;
  std::string cluster;
  std::optional<std::pair<size_t, size_t>> error_span;
  DQPREP_RETURN_IF_ERROR(parser_.top_level_span("_reject", span));
  DQPREP_RETURN_IF_ERROR(parser_.top_level_span("_error", error_span));
  if (span && line.substr(span->first, span->second) != "null") {
    Status s = parser_.scalar_text(rule_path_, value);
    if (!s.ok() || !value || value->empty()) return bad("_reject has no rule (a string at _reject.rule)");
    reason = std::string(*value);
    example.detail = std::string(line.substr(span->first, span->second));
  } else if (error_span) {
    reason = kMalformedReason;
    Status s = parser_.scalar_text(error_message_path_, value);
    if (s.ok() && value) example.detail = std::string(*value);
    s = parser_.scalar_text(raw_path_, value);
    if (s.ok() && value) example.text = svg::shorten(*value, kExampleChars);
  } else {
    Status s = parser_.scalar_text(dup_of_path_, value);
    if (!s.ok() || !value) return bad("a rejected record has no _reject, dup_of or _error (is this a --rejects file?)");
    reason = kDuplicateReason;
    from_dedup = true;
    cluster = std::string(*value);
    example.detail = "dup_of " + cluster;
  }

  if (example.text.empty()) {
    strings_.clear();
    bool found = false;
    Status s = parser_.strings(text_path_, strings_, found);
    if (s.ok() && !strings_.empty()) example.text = svg::shorten(strings_[0].text, kExampleChars);
    else example.text = svg::shorten(line, kExampleChars);
  }
  {
    Status s = parser_.scalar_text(id_path_, value);
    example.id = s.ok() && value ? std::string(*value) : name_ + ":" + std::to_string(line_number);
  }

  ++summary_.records;
  auto [it, inserted] = reason_index_.try_emplace(reason, summary_.reasons.size());
  if (inserted) summary_.reasons.push_back({reason, from_dedup, 0, {}});
  RejectedReason& r = summary_.reasons[it->second];
  ++r.records;
  if (!cluster.empty()) {
    auto [c, fresh] = clusters_.try_emplace(cluster);
    if (fresh) c->second.first_seen = summary_.records;
    ++c->second.removed;
    if (c->second.texts.size() < 2) c->second.texts.push_back(example.text);
  }
  if (r.examples.size() < examples_per_reason_) r.examples.push_back(std::move(example));
  return {};
}

RejectsSummary RejectsReader::finish() {
  std::vector<std::pair<const std::string*, const ClusterFacts*>> order;
  order.reserve(clusters_.size());
  for (const auto& [kept, facts] : clusters_) order.emplace_back(&kept, &facts);
  auto larger = [](const auto& a, const auto& b) {
    if (a.second->removed != b.second->removed) return a.second->removed > b.second->removed;
    return a.second->first_seen < b.second->first_seen;
  };
  size_t keep = std::min(order.size(), max_clusters_);
  std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(keep), order.end(), larger);
  for (size_t i = 0; i < keep; ++i)
    summary_.clusters.push_back({*order[i].first, order[i].second->removed, order[i].second->texts});
  summary_.cluster_count = clusters_.size();
  return std::move(summary_);
}

Result<RejectsSummary> read_rejects(const std::string& path, size_t examples_per_reason, size_t max_clusters) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> lines, io::LineReader::open(path));
  RejectsReader reader(lines->name(), examples_per_reason, max_clusters);
  std::string_view line;
  while (true) {
    Result<bool> more = lines->next(line);
    if (!more.ok()) {
      const Status& s = more.status();
      if (s.code() == StatusCode::bad_input)
        return Status::bad_input(lines->name() + ":" + std::to_string(lines->line_number() + 1) + ": " + s.message());
      return s;
    }
    if (!*more) break;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    DQPREP_RETURN_IF_ERROR(reader.add(line, lines->line_number()));
  }
  return reader.finish();
}

}  // namespace dqprep::report
