#include "dqprep/report/svg.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace dqprep::svg {
namespace {

// The values of attribute `name` of every element `tag` in `svg`, in order.
std::vector<std::string> attributes(const std::string& svg, const std::string& tag, const std::string& name) {
  std::vector<std::string> out;
  std::regex element("<" + tag + " [^>]*>");
  std::regex attribute(" " + name + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element); it != std::sregex_iterator(); ++it) {
    std::smatch m;
    std::string e = it->str();
    if (std::regex_search(e, m, attribute)) out.push_back(m[1]);
  }
  return out;
}

TEST(SvgEscape, MarkupInATextIsText) {
  EXPECT_EQ(escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  EXPECT_EQ(escape("caf\xC3\xA9"), "caf\xC3\xA9");                    // UTF-8 passes
  EXPECT_EQ(escape("a\xFF" "b"), "a\xEF\xBF\xBD" "b");                // a stray byte is U+FFFD
  EXPECT_EQ(escape("a\x01" "b\tc"), "ab\tc");                         // no control characters in XML
  EXPECT_EQ(escape("\xEF\xBF\xBF"), "\xEF\xBF\xBD");                  // U+FFFF is no XML character
}

TEST(SvgShorten, CutsCodePointsWithAnEllipsis) {
  EXPECT_EQ(shorten("positive", 20), "positive");
  EXPECT_EQ(shorten("abcdefgh", 5), "abcd\xE2\x80\xA6");
  EXPECT_EQ(shorten("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");  // never inside a character
  EXPECT_EQ(shorten("abc", 3), "abc");
}

TEST(SvgAxis, NiceTicksAndValueFormats) {
  EXPECT_EQ(nice_ticks(0, 97), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(nice_ticks(0, 0.37), (std::vector<double>{0, 0.1, 0.2, 0.3, 0.4}));
  EXPECT_EQ(nice_ticks(36, 104), (std::vector<double>{20, 40, 60, 80, 100, 120}));
  EXPECT_EQ(nice_ticks(0, 10), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(nice_ticks(5, 5), (std::vector<double>{5, 6}));
  EXPECT_EQ(format_value(183, ValueFormat::count), "183");
  EXPECT_EQ(format_value(0.5246, ValueFormat::share), "52.5%");
  EXPECT_EQ(format_value(1, ValueFormat::share), "100%");
  EXPECT_EQ(format_value(0.0004, ValueFormat::share), "0.04%");
  EXPECT_EQ(format_value(0.012345, ValueFormat::number), "0.0123");
}

TEST(SvgBarChart, Golden) {
  BarChart chart;
  chart.title = "Records per class";
  chart.axis_label = "records";
  chart.bars = {{"positive", 10}, {"<script>", 5, std::nullopt, std::nullopt, Tone::bad}};
  EXPECT_EQ(bar_chart(chart),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"560\" height=\"88\" "
            "viewBox=\"0 0 560 88\" font-family=\"sans-serif\" font-size=\"12\"><title>Records per class</title>"
            "<text x=\"144\" y=\"23\" text-anchor=\"end\">positive</text>"
            "<rect x=\"150\" y=\"12\" width=\"340\" height=\"14\" fill=\"#4e79a7\"><title>positive: 10</title></rect>"
            "<text x=\"494\" y=\"23\" fill=\"#222\">10</text>"
            "<text x=\"144\" y=\"45\" text-anchor=\"end\">&lt;script&gt;</text>"
            "<rect x=\"150\" y=\"34\" width=\"170\" height=\"14\" fill=\"#e15759\"><title>&lt;script&gt;: 5</title></rect>"
            "<text x=\"324\" y=\"45\" fill=\"#222\">5</text>"
            "<line x1=\"150\" y1=\"54\" x2=\"490\" y2=\"54\" stroke=\"#555\"/>"
            "<line x1=\"150\" y1=\"54\" x2=\"150\" y2=\"58\" stroke=\"#555\"/>"
            "<text x=\"150\" y=\"70\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">0</text>"
            "<line x1=\"218\" y1=\"54\" x2=\"218\" y2=\"58\" stroke=\"#555\"/>"
            "<text x=\"218\" y=\"70\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">2</text>"
            "<line x1=\"286\" y1=\"54\" x2=\"286\" y2=\"58\" stroke=\"#555\"/>"
            "<text x=\"286\" y=\"70\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">4</text>"
            "<line x1=\"354\" y1=\"54\" x2=\"354\" y2=\"58\" stroke=\"#555\"/>"
            "<text x=\"354\" y=\"70\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">6</text>"
            "<line x1=\"422\" y1=\"54\" x2=\"422\" y2=\"58\" stroke=\"#555\"/>"
            "<text x=\"422\" y=\"70\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">8</text>"
            "<line x1=\"490\" y1=\"54\" x2=\"490\" y2=\"58\" stroke=\"#555\"/>"
            "<text x=\"490\" y=\"70\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">10</text>"
            "<text x=\"320\" y=\"85\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">records</text>"
            "</svg>");
}

TEST(SvgBarChart, NoMarkupFromLabelsAndAWhiskerForAnInterval) {
  BarChart chart;
  chart.title = "<script>alert(1)</script>";
  chart.format = ValueFormat::share;
  chart.bars = {{"<script>alert(1)</script>", 0.5, 0.25, 0.75}, {"b\"><script>", 0.1}};
  std::string svg = bar_chart(chart);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_NE(svg.find("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"), std::string::npos);
  // Shares on an axis from 0 to 100 %: the bar of 0.5 is half of the 340 px, the whisker 0.25 to 0.75.
  EXPECT_EQ(attributes(svg, "rect", "width"), (std::vector<std::string>{"170", "34"}));
  EXPECT_NE(svg.find("<line x1=\"235\" y1=\"19\" x2=\"405\" y2=\"19\" stroke=\"#222\"/>"), std::string::npos);
  EXPECT_NE(svg.find(">100%</text>"), std::string::npos);
}

TEST(SvgBarChart, ACountAxisHasWholeTicks) {
  BarChart chart;
  chart.title = "Noise";
  chart.bars = {{"a", 2}, {"b", 0}};
  std::string svg = bar_chart(chart);
  for (const char* tick : {">0</text>", ">1</text>", ">2</text>", ">3</text>", ">4</text>", ">5</text>"})
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  EXPECT_EQ(svg.find(">0.5</text>"), std::string::npos);
  EXPECT_EQ(attributes(svg, "rect", "width"), (std::vector<std::string>{"136", "0"}));  // 2 of 5 of 340 px
}

TEST(SvgHistogram, BarAreasAreShares) {
  Histogram h;
  h.title = "Lengths";
  h.x_label = "chars";
  // Quantiles 0, 10, 20, 40 of a length: 10% below 10, 40% in 10..20, 50% in 20..40.
  h.bins = {{0, 10, 0.1}, {10, 20, 0.4}, {20, 40, 0.5}};
  std::string svg = histogram(h);
  std::vector<std::string> heights = attributes(svg, "rect", "height");
  std::vector<std::string> widths = attributes(svg, "rect", "width");
  ASSERT_EQ(heights.size(), 3u);
  // Densities 0.01, 0.04, 0.025 a unit; the axis ends at 0.04: 138 px plot height (86.25 rounds to even).
  EXPECT_EQ(heights, (std::vector<std::string>{"34.5", "138", "86.2"}));
  EXPECT_EQ(widths, (std::vector<std::string>{"73.5", "73.5", "147"}));
  // The x axis: 0, 10, 20, 30, 40 under the plot.
  for (const char* tick : {">0</text>", ">10</text>", ">20</text>", ">30</text>", ">40</text>", ">chars</text>"})
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
}

TEST(SvgHeatMap, ColoursFromWhiteToBlueAndNumbersInCells) {
  HeatMap m;
  m.title = "Confusion of annotator <b>";
  m.row_title = "true";
  m.column_title = "said";
  m.rows = {"pos", "neg"};
  m.columns = {"pos", "neg"};
  m.cells = {{1.0, 0.0}, {0.5, std::nullopt}};
  std::string svg = heat_map(m);
  EXPECT_EQ(attributes(svg, "rect", "fill"), (std::vector<std::string>{"#08306b", "#f7fbff", "#8096b5", "#dddddd"}));
  EXPECT_NE(svg.find("<title>Confusion of annotator &lt;b&gt;</title>"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#ffffff\">100%</text>"), std::string::npos);  // white on dark
  EXPECT_NE(svg.find("fill=\"#222222\">0%</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>true neg, said neg: no value</title>"), std::string::npos);
}

TEST(SvgStackedBars, SegmentsShareOneAxis) {
  StackedBars f;
  f.title = "Funnel";
  f.series = {{"out", Tone::good}, {"rejected", Tone::bad}};
  f.rows = {{"normalize", {100, 0}}, {"filter", {60, 40}}};
  std::string svg = stacked_bars(f);
  // Legend squares (the second after 16 px, 3 characters of 6.6 px and 14 px), then the segments:
  // 100 of an axis ending at 100 is 340 px, 60 is 204, 40 is 136.
  EXPECT_EQ(attributes(svg, "rect", "width"), (std::vector<std::string>{"12", "12", "340", "204", "136"}));
  EXPECT_EQ(attributes(svg, "rect", "x"), (std::vector<std::string>{"150", "199.8", "150", "150", "354"}));
}

}  // namespace
}  // namespace dqprep::svg
