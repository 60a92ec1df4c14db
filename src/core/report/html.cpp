#include "dqprep/report/html.hpp"

#include "dqprep/report/svg.hpp"

namespace dqprep::html {

namespace {

const char* kStyle = R"(
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328;
       background: #f6f7f9; margin: 0; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 0 0 10px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 14px 18px; margin: 14px 0; }
nav ul { list-style: none; padding: 0; margin: 8px 0; display: flex; flex-wrap: wrap; gap: 6px 14px; }
nav a { color: #0969da; text-decoration: none; }
.sub { color: #57606a; margin: 0 0 6px; }
.note { color: #57606a; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; }
th, td { border-bottom: 1px solid #e6e8eb; padding: 3px 10px 3px 4px; text-align: left; vertical-align: top; }
th { background: #f0f2f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.more { color: #57606a; font-style: italic; }
.figure { display: flex; flex-wrap: wrap; gap: 10px 24px; align-items: flex-start; margin: 6px 0 10px; }
.figure > .plot { flex: 0 1 580px; min-width: 0; }
.figure > .numbers { flex: 1 1 300px; min-width: 0; overflow-x: auto; }
.grid { display: flex; flex-wrap: wrap; gap: 8px 16px; }
svg.chart { max-width: 100%; height: auto; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 12px; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; min-width: 200px; }
.card .value { font-size: 24px; font-weight: 600; }
.card .name { color: #57606a; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; color: #fff; }
.pass { background: #1a7f37; } .warn { background: #bc4c00; } .fail { background: #cf222e; } .none { background: #8c959f; }
.verdict { font-size: 16px; margin: 8px 0; }
code, .record { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.record { white-space: pre-wrap; word-break: break-word; max-width: 640px; display: block; }
)";

}  // namespace

std::string text(std::string_view s) { return svg::escape(s); }

std::string element(std::string_view tag, std::string_view inner_html, std::string_view css_class) {
  std::string out;
  out.reserve(2 * tag.size() + inner_html.size() + css_class.size() + 16);
  out.append("<").append(tag);
  if (!css_class.empty()) out.append(" class=\"").append(css_class).append("\"");
  out.append(">").append(inner_html).append("</").append(tag).append(">");
  return out;
}

Table::Table(std::vector<std::string> columns, std::vector<bool> numeric)
    : columns_(std::move(columns)), numeric_(std::move(numeric)) {
  numeric_.resize(columns_.size(), false);
}

void Table::row(const std::vector<std::string>& cells) {
  std::vector<std::string> escaped;
  escaped.reserve(cells.size());
  for (const std::string& c : cells) escaped.push_back(text(c));
  rows_.push_back(std::move(escaped));
}

void Table::row_html(const std::vector<std::string>& cells) { rows_.push_back(cells); }

std::string Table::render(size_t max_rows, std::string_view rest_where) const {
  std::string out = "<table><thead><tr>";
  for (size_t c = 0; c < columns_.size(); ++c)
    out += std::string(numeric_[c] ? "<th class=\"num\">" : "<th>") + text(columns_[c]) + "</th>";
  out += "</tr></thead><tbody>";
  size_t shown = std::min(rows_.size(), max_rows);
  for (size_t r = 0; r < shown; ++r) {
    out += "<tr>";
    for (size_t c = 0; c < columns_.size(); ++c) {
      out += numeric_[c] ? "<td class=\"num\">" : "<td>";
      if (c < rows_[r].size()) out += rows_[r][c];
      out += "</td>";
    }
    out += "</tr>";
  }
  if (shown < rows_.size()) {
    out += "<tr><td class=\"more\" colspan=\"" + std::to_string(columns_.size()) + "\">" +
           std::to_string(rows_.size() - shown) + " more rows: see " + text(rest_where) + "</td></tr>";
  }
  out += "</tbody></table>";
  return out;
}

std::string figure(std::string_view svg, std::string_view table_html, std::string_view caption) {
  std::string out = "<div class=\"figure\"><div class=\"plot\">";
  out += svg;
  if (!caption.empty()) out += "<p class=\"note\">" + text(caption) + "</p>";
  out += "</div><div class=\"numbers\">";
  out += table_html;
  out += "</div></div>";
  return out;
}

namespace {

std::string nav_item(const Section& s) { return "<li><a href=\"#" + s.id + "\">" + text(s.heading) + "</a></li>"; }

std::string section_html(const Section& s) {
  return "<section id=\"" + s.id + "\"><h2>" + text(s.heading) + "</h2>" + s.body + "</section>\n";
}

}  // namespace

Page::Page(std::string title, std::string subtitle_html, size_t max_bytes)
    : title_(svg::shorten(title, 200)), subtitle_(std::move(subtitle_html)), max_bytes_(max_bytes) {
  bytes_ = render().size();
}

void Page::add(Section section) {
  size_t cost = section_html(section).size() + nav_item(section).size();
  // Room is kept for the stubs of the sections that may still come.
  const size_t reserve = 16 * 1024;
  if (bytes_ + cost + reserve > max_bytes_) {
    section.body = "<p class=\"note\">Left out: with this section the page would pass its size cap of " +
                   std::to_string(max_bytes_) + " bytes. The numbers are in the JSON reports.</p>";
    cost = section_html(section).size() + nav_item(section).size();
    if (bytes_ + cost > max_bytes_) return;  // not even the stub fits
  }
  bytes_ += cost;
  sections_.push_back(std::move(section));
}

size_t Page::size() const { return bytes_; }

std::string Page::render() const {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
                    "<meta name=\"generator\" content=\"dqprep report\"/><title>";
  out += text(title_);
  out += "</title><style>";
  out += kStyle;
  out += "</style></head>\n<body><header><h1>" + text(title_) + "</h1>" + subtitle_;
  out += "<nav><ul>";
  for (const Section& s : sections_) out += nav_item(s);
  out += "</ul></nav></header>\n<main>\n";
  for (const Section& s : sections_) out += section_html(s);
  out += "</main></body></html>\n";
  return out;
}

}  // namespace dqprep::html
