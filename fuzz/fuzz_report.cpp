// Fuzzes what `dqprep report` and `metrics diff` read (include/dqprep/report/): a JSON report
// (parse_json_report, then the whole page: render_quality_page, with the report given twice so that
// the funnel compares stages), or, after a first byte 1, a file of rejected records (RejectsReader,
// line by line, then a page with a filter report whose reasons are those of the file).
// Properties: errors are bad_input only; the page starts with <!DOCTYPE html>, stays under its cap,
// never holds a <script element, and every <svg> opens with its <title>.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dqprep/io/io.hpp"
#include "dqprep/report/json_report.hpp"
#include "dqprep/report/quality_page.hpp"
#include "dqprep/report/rejects.hpp"

using namespace dqprep;

namespace {

constexpr size_t kCap = 300'000;

void check_page(const Result<std::string>& html) {
  if (!html.ok()) {
    if (html.status().code() != StatusCode::bad_input) __builtin_trap();
    return;
  }
  const std::string& page = *html;
  if (page.rfind("<!DOCTYPE html>", 0) != 0 || page.size() > kCap) __builtin_trap();
  if (page.find("<script") != std::string::npos) __builtin_trap();
  for (size_t at = page.find("<svg"); at != std::string::npos; at = page.find("<svg", at + 1)) {
    size_t end = page.find('>', at);
    if (end == std::string::npos || page.compare(end + 1, 7, "<title>") != 0) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  report::PageOptions options;
  options.max_bytes = kCap;
  options.examples = 2;

  if ((data[0] & 1) == 0) {
    Result<report::Json> json = report::parse_json_report(input, "fuzz.json");
    if (!json.ok()) {
      if (json.status().code() != StatusCode::bad_input) __builtin_trap();
      return 0;
    }
    std::vector<report::ReportInput> reports = {{"a.json", *json}, {"b.json", *json}};
    check_page(report::render_quality_page(reports, {}, options));
    return 0;
  }

  report::RejectsReader reader("fuzz.jsonl", 2, 5);
  std::string padded;
  uint64_t number = 0;
  while (!input.empty()) {
    size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    ++number;
    padded.assign(line);
    padded.append(io::kPadding, '\0');
    Status s = reader.add(std::string_view(padded.data(), line.size()), number);
    if (!s.ok()) {
      if (s.code() != StatusCode::bad_input) __builtin_trap();
      return 0;
    }
  }
  report::RejectsSummary summary = reader.finish();
  uint64_t total = 0;
  report::Json rules = report::Json::object();
  for (const report::RejectedReason& r : summary.reasons) {
    if (r.examples.size() > 2 || r.records == 0) __builtin_trap();
    total += r.records;
    rules[r.reason] = r.records;
  }
  if (total != summary.records || summary.clusters.size() > 5) __builtin_trap();
  for (size_t i = 1; i < summary.clusters.size(); ++i)
    if (summary.clusters[i].removed > summary.clusters[i - 1].removed) __builtin_trap();  // largest first
  report::Json filter = {{"stage", "filter"}, {"in", total}, {"out", 0}, {"rejected", total}, {"quarantined", 0},
                         {"rules", rules}};
  std::vector<report::ReportInput> reports = {{"f.json", filter}};
  check_page(report::render_quality_page(reports, {summary}, options));
  return 0;
}
