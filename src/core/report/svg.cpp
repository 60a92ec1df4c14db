#include "dqprep/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dqprep::svg {

namespace {

constexpr double kCharWidth = 6.6;  // a 12 px sans-serif character, on average
constexpr double kRow = 22, kBarHeight = 14;
constexpr double kWidth = 560, kLabelWidth = 150, kValueWidth = 70;
constexpr double kAxisHeight = 36;

// The length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) -> unsigned { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  auto cont = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  unsigned c = byte(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if ((c == 0xE0 && byte(1) < 0xA0) || (c == 0xED && byte(1) > 0x9F)) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if ((c == 0xF0 && byte(1) < 0x90) || (c == 0xF4 && byte(1) > 0x8F)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

std::string num(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s == "-0.0") s = "0.0";
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

// <svg ...><title>TITLE</title>
std::string open_svg(double width, double height, std::string_view title) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"" + num(width) +
                  "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
                  "\" font-family=\"sans-serif\" font-size=\"12\"><title>";
  append_escaped(s, title);
  s += "</title>";
  return s;
}

std::string text(double x, double y, std::string_view content, std::string_view anchor = "start",
                 std::string_view extra = "") {
  std::string s = "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
  if (anchor != "start") s += " text-anchor=\"" + std::string(anchor) + "\"";
  if (!extra.empty()) s += " " + std::string(extra);
  s += ">";
  append_escaped(s, content);
  s += "</text>";
  return s;
}

std::string line(double x1, double y1, double x2, double y2, std::string_view stroke = "#555") {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
         "\" stroke=\"" + std::string(stroke) + "\"/>";
}

// A rectangle with a tooltip.
std::string rect(double x, double y, double w, double h, std::string_view fill, std::string_view tip) {
  std::string s = "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(w, 0.0)) + "\" height=\"" +
                  num(std::max(h, 0.0)) + "\" fill=\"" + std::string(fill) + "\"><title>";
  append_escaped(s, tip);
  s += "</title></rect>";
  return s;
}

// The end of a value axis from zero: the last nice tick at or above `largest`. Counts get an axis of
// at least 5, so that its ticks (1 apart or more) are whole numbers.
double axis_end(double largest, ValueFormat format) {
  double end = !(largest > 0) || !std::isfinite(largest) ? 1 : nice_ticks(0, largest).back();
  return format == ValueFormat::count ? std::max(end, 5.0) : end;
}

// A horizontal value axis under the rows: a line, ticks and their values, the axis label.
std::string value_axis(double x0, double width, double y, double end, ValueFormat format, std::string_view label) {
  std::string s = line(x0, y, x0 + width, y);
  for (double t : nice_ticks(0, end)) {
    if (t > end * (1 + 1e-9)) break;
    double x = x0 + width * t / end;
    s += line(x, y, x, y + 4);
    s += text(x, y + 16, format_value(t, format), "middle", "font-size=\"11\" fill=\"#444\"");
  }
  if (!label.empty()) s += text(x0 + width / 2, y + 31, label, "middle", "font-size=\"11\" fill=\"#444\"");
  return s;
}

}  // namespace

void append_escaped(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    if (n == 1) {
      char c = s[i];
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
          if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out.push_back(c);
          else if (c == '\r') out.push_back(' ');
      }
    } else {
      // U+FFFE and U+FFFF are not characters in XML; neither are C1 controls wanted in a label.
      std::string_view seq = s.substr(i, n);
      if (seq == "\xEF\xBF\xBE" || seq == "\xEF\xBF\xBF") out += "\xEF\xBF\xBD";
      else out.append(seq);
    }
    i += n;
  }
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

std::string shorten(std::string_view text, size_t max_chars) {
  size_t chars = 0, i = 0;
  while (i < text.size()) {
    if (chars == max_chars) break;
    size_t n = utf8_length(text, i);
    i += n == 0 ? 1 : n;
    ++chars;
  }
  if (i >= text.size()) return std::string(text);
  if (max_chars == 0) return "";
  // Cut one character earlier to make room for the ellipsis.
  size_t j = 0, kept = 0;
  while (kept + 1 < max_chars && j < text.size()) {
    size_t n = utf8_length(text, j);
    j += n == 0 ? 1 : n;
    ++kept;
  }
  return std::string(text.substr(0, j)) + "\xE2\x80\xA6";
}

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!std::isfinite(low) || !std::isfinite(high)) return {0, 1};
  if (high < low) std::swap(low, high);
  if (high == low) return {low, low + 1};
  target = std::max(target, 1);
  double raw = (high - low) / target;
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (step >= raw) break;
  }
  double first = std::floor(low / step + 1e-9);
  double last = std::ceil(high / step - 1e-9);
  std::vector<double> ticks;
  for (double k = first; k <= last && ticks.size() < 1000; ++k) {
    double t = k * step;
    // Snap away the floating-point residue of k * step (0.30000000000000004 -> 0.3).
    double snapped = std::round(t / power * 1e6) / 1e6 * power;
    ticks.push_back(snapped == 0 ? 0 : snapped);
  }
  return ticks;
}

std::string format_value(double v, ValueFormat format) {
  char buf[48];
  if (!std::isfinite(v)) return "-";
  switch (format) {
    case ValueFormat::count: std::snprintf(buf, sizeof buf, "%.0f", v); break;
    case ValueFormat::share: {
      double p = v * 100;
      if (p != 0 && std::fabs(p) < 0.1) std::snprintf(buf, sizeof buf, "%.2g%%", p);
      else std::snprintf(buf, sizeof buf, "%.1f%%", p);
      std::string s = buf;
      size_t dot = s.find(".0%");
      if (dot != std::string::npos && dot + 3 == s.size()) s.erase(dot, 2);
      return s;
    }
    case ValueFormat::number: std::snprintf(buf, sizeof buf, "%.3g", v); break;
  }
  std::string s = buf;
  return s == "-0" ? "0" : s;
}

std::string_view colour(Tone tone) {
  switch (tone) {
    case Tone::primary: return "#4e79a7";
    case Tone::good: return "#59a14f";
    case Tone::bad: return "#e15759";
    case Tone::warn: return "#f28e2b";
    case Tone::muted: return "#bab0ac";
  }
  return "#4e79a7";
}

std::string bar_chart(const BarChart& chart) {
  const double plot = kWidth - kLabelWidth - kValueWidth;
  const double top = 8;
  const double height = top + kRow * static_cast<double>(chart.bars.size()) + kAxisHeight;
  double largest = 0;
  for (const Bar& b : chart.bars) largest = std::max({largest, b.value, b.high.value_or(0)});
  // Shares are drawn on their whole scale, 0 to 100 %.
  const double default_end = chart.format == ValueFormat::share && largest <= 1 ? 1 : axis_end(largest, chart.format);
  const double end = chart.axis_max && *chart.axis_max > 0 ? *chart.axis_max : default_end;
  const size_t label_chars = static_cast<size_t>((kLabelWidth - 8) / kCharWidth);

  std::string s = open_svg(kWidth, height, chart.title);
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& b = chart.bars[i];
    const double y = top + kRow * static_cast<double>(i);
    const double mid = y + kRow / 2;
    s += text(kLabelWidth - 6, mid + 4, shorten(b.label, label_chars), "end");
    double w = std::clamp(b.value, 0.0, end) / end * plot;
    if (b.value > 0 && w < 1) w = 1;  // a value that rounds to nothing still shows
    std::string tip = b.label + ": " + format_value(b.value, chart.format);
    if (b.low && b.high)
      tip += " (" + format_value(*b.low, chart.format) + " to " + format_value(*b.high, chart.format) + ")";
    s += rect(kLabelWidth, mid - kBarHeight / 2, w, kBarHeight, colour(b.tone), tip);
    double after = kLabelWidth + w;
    if (b.low && b.high) {
      double x1 = kLabelWidth + std::clamp(*b.low, 0.0, end) / end * plot;
      double x2 = kLabelWidth + std::clamp(*b.high, 0.0, end) / end * plot;
      s += line(x1, mid, x2, mid, "#222") + line(x1, mid - 4, x1, mid + 4, "#222") + line(x2, mid - 4, x2, mid + 4, "#222");
      after = std::max(after, x2);
    }
    s += text(after + 4, mid + 4, format_value(b.value, chart.format), "start", "fill=\"#222\"");
  }
  s += value_axis(kLabelWidth, plot, top + kRow * static_cast<double>(chart.bars.size()) + 2, end, chart.format,
                  chart.axis_label);
  s += "</svg>";
  return s;
}

std::string stacked_bars(const StackedBars& chart) {
  const double plot = kWidth - kLabelWidth - kValueWidth;
  const double legend = 24;
  const double top = legend + 4;
  const double height = top + kRow * static_cast<double>(chart.rows.size()) + kAxisHeight;
  double largest = 0;
  for (const StackedBars::Row& r : chart.rows) {
    double total = 0;
    for (double v : r.values) total += std::max(v, 0.0);
    largest = std::max(largest, total);
  }
  const double end = axis_end(largest, ValueFormat::count);
  const size_t label_chars = static_cast<size_t>((kLabelWidth - 8) / kCharWidth);

  std::string s = open_svg(kWidth, height, chart.title);
  double x = kLabelWidth;
  for (const StackedBars::Series& series : chart.series) {
    s += "<rect x=\"" + num(x) + "\" y=\"6\" width=\"12\" height=\"12\" fill=\"" + std::string(colour(series.tone)) + "\"/>";
    s += text(x + 16, 16, series.name);
    x += 16 + kCharWidth * static_cast<double>(series.name.size()) + 14;
  }
  for (size_t i = 0; i < chart.rows.size(); ++i) {
    const StackedBars::Row& r = chart.rows[i];
    const double y = top + kRow * static_cast<double>(i);
    const double mid = y + kRow / 2;
    s += text(kLabelWidth - 6, mid + 4, shorten(r.label, label_chars), "end");
    double at = kLabelWidth, total = 0;
    for (size_t k = 0; k < r.values.size() && k < chart.series.size(); ++k) {
      double v = std::max(r.values[k], 0.0);
      total += v;
      double w = v / end * plot;
      if (v > 0 && w < 1) w = 1;
      if (v > 0)
        s += rect(at, mid - kBarHeight / 2, w, kBarHeight, colour(chart.series[k].tone),
                  r.label + ", " + chart.series[k].name + ": " + format_value(v, ValueFormat::count));
      at += w;
    }
    s += text(at + 4, mid + 4, format_value(total, ValueFormat::count), "start", "fill=\"#222\"");
  }
  s += value_axis(kLabelWidth, plot, top + kRow * static_cast<double>(chart.rows.size()) + 2, end, ValueFormat::count,
                  chart.axis_label);
  s += "</svg>";
  return s;
}

std::string histogram(const Histogram& chart) {
  const double width = 360, height = 200;
  const double left = 52, right = 14, top = 22, bottom = 40;
  const double plot_w = width - left - right, plot_h = height - top - bottom;
  std::string s = open_svg(width, height, chart.title);
  if (chart.bins.empty()) {
    s += text(width / 2, height / 2, "no values", "middle", "fill=\"#666\"") + "</svg>";
    return s;
  }
  double lo = chart.bins.front().low, hi = chart.bins.front().high;
  for (const Bin& b : chart.bins) {
    lo = std::min({lo, b.low, b.high});
    hi = std::max({hi, b.low, b.high});
  }
  std::vector<double> xticks = nice_ticks(lo, hi);
  const double x0 = xticks.front(), x1 = xticks.back();
  // A bin of no width (every value in it equal) is drawn 1/100 of the axis wide.
  const double min_width = (x1 - x0) / 100;
  auto density = [&](const Bin& b) { return std::max(b.share, 0.0) / std::max(b.high - b.low, min_width); };
  double top_density = 0;
  for (const Bin& b : chart.bins) top_density = std::max(top_density, density(b));
  std::vector<double> yticks = nice_ticks(0, top_density > 0 ? top_density : 1, 4);
  const double y_end = yticks.back();
  auto px = [&](double v) { return left + (v - x0) / (x1 - x0) * plot_w; };
  auto py = [&](double d) { return top + plot_h - d / y_end * plot_h; };

  s += text(left - 4, 12, "share per unit", "start", "font-size=\"11\" fill=\"#444\"");
  for (double t : yticks) {
    s += line(left - 4, py(t), left, py(t));
    s += text(left - 6, py(t) + 4, format_value(t, ValueFormat::number), "end", "font-size=\"11\" fill=\"#444\"");
  }
  s += line(left, top, left, top + plot_h);
  for (const Bin& b : chart.bins) {
    double xa = px(b.low);
    double w = std::max(px(std::max(b.high, b.low + min_width)) - xa, 1.0);
    double d = density(b);
    std::string tip = format_value(b.low, ValueFormat::number) + " to " + format_value(b.high, ValueFormat::number) +
                      ": " + format_value(b.share, ValueFormat::share) + " of the values";
    s += rect(xa, py(d), w, top + plot_h - py(d), colour(Tone::primary), tip);
  }
  s += line(left, top + plot_h, left + plot_w, top + plot_h);
  for (double t : xticks) {
    s += line(px(t), top + plot_h, px(t), top + plot_h + 4);
    s += text(px(t), top + plot_h + 16, format_value(t, ValueFormat::number), "middle", "font-size=\"11\" fill=\"#444\"");
  }
  if (!chart.x_label.empty())
    s += text(left + plot_w / 2, height - 6, chart.x_label, "middle", "font-size=\"11\" fill=\"#444\"");
  s += "</svg>";
  return s;
}

std::string heat_map(const HeatMap& chart) {
  const size_t n_rows = chart.rows.size(), n_cols = chart.columns.size();
  const bool numbers = n_cols <= 16;
  const double cell = numbers ? 40 : std::max(12.0, 480.0 / static_cast<double>(std::max<size_t>(n_cols, 1)));
  const double left = 130, top = 96;
  const double width = left + cell * static_cast<double>(n_cols) + 16;
  const double height = top + cell * static_cast<double>(n_rows) + 10;
  double largest = 0;
  for (const auto& row : chart.cells)
    for (const auto& v : row)
      if (v) largest = std::max(largest, *v);
  const double max = chart.max && *chart.max > 0 ? *chart.max : (largest > 0 ? largest : 1);

  std::string s = open_svg(width, height, chart.title);
  s += text(4, 14, chart.row_title + " \xE2\x86\x93  " + chart.column_title + " \xE2\x86\x92", "start",
            "font-size=\"11\" fill=\"#444\"");
  for (size_t c = 0; c < n_cols; ++c) {
    double x = left + cell * (static_cast<double>(c) + 0.5);
    s += text(x, top - 6, shorten(chart.columns[c], 14), "start",
              "transform=\"rotate(-45 " + num(x) + " " + num(top - 6) + ")\"");
  }
  for (size_t r = 0; r < n_rows; ++r) {
    double y = top + cell * static_cast<double>(r);
    s += text(left - 6, y + cell / 2 + 4, shorten(chart.rows[r], 18), "end");
    for (size_t c = 0; c < n_cols; ++c) {
      double x = left + cell * static_cast<double>(c);
      std::optional<double> v;
      if (r < chart.cells.size() && c < chart.cells[r].size()) v = chart.cells[r][c];
      std::string tip = chart.row_title + " " + chart.rows[r] + ", " + chart.column_title + " " + chart.columns[c] + ": " +
                        (v ? format_value(*v, chart.format) : "no value");
      std::string fill = "#dddddd";
      double t = 0;
      if (v) {
        t = std::clamp(*v / max, 0.0, 1.0);
        auto mix = [&](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * t)); };
        char buf[8];
        std::snprintf(buf, sizeof buf, "#%02x%02x%02x", mix(0xf7, 0x08), mix(0xfb, 0x30), mix(0xff, 0x6b));
        fill = buf;
      }
      s += rect(x, y, cell - 1, cell - 1, fill, tip);
      if (numbers && v)
        s += text(x + cell / 2, y + cell / 2 + 4, format_value(*v, chart.format), "middle",
                  std::string("font-size=\"11\" fill=\"") + (t > 0.55 ? "#ffffff" : "#222222") + "\"");
    }
  }
  s += "</svg>";
  return s;
}

}  // namespace dqprep::svg
