#pragma once
// The HTML of `dqprep report`: tables whose every cell is escaped, sections, and a page of one file
// (inline CSS and SVG, nothing fetched) that stays under a size cap: a section that would pass it
// is left out, with a line saying so.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dqprep::html {

// Escaped text (svg::escape: & < > " ' as entities, invalid UTF-8 as U+FFFD, no control characters).
std::string text(std::string_view s);

// An HTML element around already-escaped inner HTML: element("p", text("a < b"), "note").
std::string element(std::string_view tag, std::string_view inner_html, std::string_view css_class = "");

class Table {
 public:
  // Columns whose name is in `numeric` are right-aligned.
  explicit Table(std::vector<std::string> columns, std::vector<bool> numeric = {});
  // One row of plain texts (escaped here); missing cells are left empty.
  void row(const std::vector<std::string>& cells);
  // One row of HTML (already escaped), for a cell holding a badge or a code element.
  void row_html(const std::vector<std::string>& cells);
  size_t rows() const { return rows_.size(); }
  // The table; at most `max_rows` rows, then one saying how many were left out and where they are.
  std::string render(size_t max_rows = 60, std::string_view rest_where = "the JSON report") const;

 private:
  std::vector<std::string> columns_;
  std::vector<bool> numeric_;
  std::vector<std::vector<std::string>> rows_;  // escaped HTML
};

// A chart and its table side by side (one above the other on a narrow screen).
std::string figure(std::string_view svg, std::string_view table_html, std::string_view caption = "");

struct Section {
  std::string id;       // the anchor, [a-z0-9-]
  std::string heading;  // plain text
  std::string body;     // HTML
};

class Page {
 public:
  // The title is cut to 200 characters.
  Page(std::string title, std::string subtitle_html, size_t max_bytes);
  // Adds the section, or, when the page would pass max_bytes with it, a stub saying it was left out
  // (or nothing, when not even the stub fits): render() never passes max_bytes.
  void add(Section section);
  // The whole document: <!DOCTYPE html>, head with the style sheet, a table of contents, sections.
  std::string render() const;
  size_t size() const;  // of render(), exactly

 private:
  std::string title_, subtitle_;
  size_t max_bytes_;
  std::vector<Section> sections_;
  size_t bytes_ = 0;
};

}  // namespace dqprep::html
