#pragma once
// Navigation and boilerplate lines: what `normalize --strip-html` leaves of menus, breadcrumbs and
// footers ("Help | Blog | Shop", "Home » Shoes", "Skip to content", "© 2024 Acme Inc."). Each of
// these has words, so a word count lets it pass; the share of such lines tells it from prose.
//
// A non-blank line (Python's splitlines, stripped) is a navigation line when it is
// - a menu bar: two or more items split by a separator standing alone between spaces
//   (| · • » › « ‹ / \ ~ :: ‣ ⋅ ∙ — –), each item at most four words, none ending in . ! ?;
// - a boilerplate phrase: one of a fixed list of site-chrome phrases ("skip to content", "log in",
//   "back to top", "read more", "accept all cookies", ...), compared lower-cased without trailing
//   punctuation, or a copyright line (starting with "©" or "copyright", or holding "all rights
//   reserved");
// - part of a menu column: three or more consecutive lines of at most three words each, none
//   ending in sentence punctuation, none starting with a list marker (- * • 1.) — the items of a
//   stripped <ul> of links.
// The rule is dqprep's own (no published reference); its default threshold is 0.5.

#include <string_view>

namespace dqprep::quality {

struct NavigationLines {
  size_t lines = 0;       // non-blank lines
  size_t navigation = 0;  // of which navigation or boilerplate
  double share() const { return lines ? static_cast<double>(navigation) / static_cast<double>(lines) : 0.0; }
};

NavigationLines count_navigation_lines(std::string_view text);

}  // namespace dqprep::quality
