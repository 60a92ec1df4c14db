#include "dqprep/report/html.hpp"

#include <gtest/gtest.h>

namespace dqprep::html {
namespace {

TEST(HtmlTable, CellsEscapedNumbersRightAlignedRowsCapped) {
  Table t({"class", "records"}, {false, true});
  t.row({"<b>", "3"});
  t.row({"a&b", "4"});
  t.row({"c", "5"});
  EXPECT_EQ(t.render(2, "r.json"),
            "<table><thead><tr><th>class</th><th class=\"num\">records</th></tr></thead><tbody>"
            "<tr><td>&lt;b&gt;</td><td class=\"num\">3</td></tr>"
            "<tr><td>a&amp;b</td><td class=\"num\">4</td></tr>"
            "<tr><td class=\"more\" colspan=\"2\">1 more rows: see r.json</td></tr></tbody></table>");
}

TEST(HtmlPage, NeverPassesItsCap) {
  Page page("Title <x>", "<p>sub</p>", 40'000);
  const size_t empty = page.size();
  EXPECT_EQ(page.render().size(), empty);
  page.add({"small", "Small", "<p>ok</p>"});
  page.add({"big", "Big", std::string(60'000, 'x')});  // left out, with a stub
  page.add({"after", "After", "<p>still here</p>"});
  std::string html = page.render();
  EXPECT_EQ(html.size(), page.size());
  EXPECT_LE(html.size(), 40'000u);
  EXPECT_NE(html.find("<h2>Big</h2><p class=\"note\">Left out"), std::string::npos);
  EXPECT_NE(html.find("<p>still here</p>"), std::string::npos);
  EXPECT_NE(html.find("<title>Title &lt;x&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<li><a href=\"#after\">After</a></li>"), std::string::npos);

  Page tiny("t", "", empty + 100);  // no room even for a stub: the section is dropped
  tiny.add({"big", "Big", std::string(1000, 'x')});
  EXPECT_LE(tiny.render().size(), empty + 100);
}

}  // namespace
}  // namespace dqprep::html
