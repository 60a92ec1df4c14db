#pragma once
// A small SVG writer for the charts of `dqprep report`: horizontal bars (with an optional interval
// whisker), stacked bars (the pipeline funnel), a histogram of bins of any width, and a heat map.
// Each chart is one <svg> element whose first child is a <title> saying what it shows; every text
// is XML-escaped, so a label such as "<script>" is drawn as text, never read as markup. Colours are
// attributes, not classes: a chart needs no style sheet. Coordinates have one decimal, so the same
// chart gives the same bytes.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dqprep::svg {

// Text for XML content and attribute values: & < > " ' as entities; bytes that are not UTF-8 as
// U+FFFD; control characters other than tab and newline (which XML 1.0 cannot hold) dropped.
std::string escape(std::string_view text);
void append_escaped(std::string& out, std::string_view text);

// At most `max_chars` code points of `text`, the last one "…" when cut.
std::string shorten(std::string_view text, size_t max_chars);

// Round axis values (1, 2 or 5 times a power of ten apart) from at most `low` to at least `high`,
// about `target` of them; {low} when low == high (then {low, low + 1}).
std::vector<double> nice_ticks(double low, double high, int target = 5);

// How values are written on a chart: counts as whole numbers, shares (0..1) as percentages,
// other numbers with up to 3 significant digits.
enum class ValueFormat { count, share, number };
std::string format_value(double value, ValueFormat format);

// Fill colours.
enum class Tone { primary, good, bad, warn, muted };
std::string_view colour(Tone tone);

struct Bar {
  Bar(std::string label_, double value_, Tone tone_ = Tone::primary)
      : label(std::move(label_)), value(value_), tone(tone_) {}
  Bar(std::string label_, double value_, std::optional<double> low_, std::optional<double> high_,
      Tone tone_ = Tone::primary)
      : label(std::move(label_)), value(value_), low(low_), high(high_), tone(tone_) {}

  std::string label;
  double value = 0;
  std::optional<double> low, high;  // an interval, drawn as a whisker over the bar
  Tone tone = Tone::primary;
};

struct BarChart {
  std::string title;       // the <title>
  std::string axis_label;  // under the value axis
  std::vector<Bar> bars;   // one row each, top to bottom
  ValueFormat format = ValueFormat::count;
  // The end of the value axis; default: 100 % for shares, else a tick at or above the largest value.
  std::optional<double> axis_max;
};
// Bars from a zero line at the left, each row 22 px high, the label left of it and the value right.
std::string bar_chart(const BarChart& chart);

struct StackedBars {
  std::string title, axis_label;
  struct Series {
    std::string name;
    Tone tone;
  };
  std::vector<Series> series;  // the segments of each row, left to right, with a legend
  struct Row {
    std::string label;
    std::vector<double> values;  // one a series
  };
  std::vector<Row> rows;
};
// One bar a row, its segments side by side; the axis is shared by all rows (the funnel).
std::string stacked_bars(const StackedBars& chart);

struct Bin {
  double low = 0, high = 0;  // the bin covers [low, high]
  double share = 0;          // of all values
};
struct Histogram {
  std::string title, x_label;
  std::vector<Bin> bins;  // in order, not overlapping; any widths
};
// Vertical bars whose areas are the shares: a bar's height is share / width (density), so bins of
// different widths compare. The y axis is the density (share per unit of x).
std::string histogram(const Histogram& chart);

struct HeatMap {
  std::string title;
  std::string row_title, column_title;  // what the rows and the columns are ("true", "said")
  std::vector<std::string> rows, columns;
  std::vector<std::vector<std::optional<double>>> cells;  // [row][column]; nullopt: no value (hatched grey)
  ValueFormat format = ValueFormat::share;
  std::optional<double> max;  // the value of the darkest colour; default: the largest cell
};
// A grid of cells coloured from white (0) to dark blue (max), the value written in each cell when
// cells are large enough (at most 16 columns).
std::string heat_map(const HeatMap& chart);

}  // namespace dqprep::svg
