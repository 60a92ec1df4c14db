#include "dqprep/quality/navigation_lines.hpp"

#include <algorithm>
#include <string>

#include "dqprep/text/text.hpp"

namespace dqprep::quality {

namespace {

constexpr std::string_view kSeparators[] = {"|",  "\u00B7", "\u2022", "\u00BB", "\u203A", "\u00AB", "\u2039", "/", "\\",
                                            "~",  "::",     "\u2023", "\u22C5", "\u2219", "\u2014", "\u2013", ">"};

// Site chrome, lower case, without trailing punctuation.
constexpr std::string_view kBoilerplate[] = {
    "skip to content", "skip to main content", "skip to navigation", "jump to navigation", "toggle navigation",
    "main menu", "menu", "navigation", "home", "homepage", "search", "search this site", "log in", "login",
    "sign in", "sign up", "register", "create account", "my account", "logout", "log out", "subscribe",
    "subscribe now", "newsletter", "share", "share this", "share on facebook", "share on twitter", "tweet",
    "print", "email", "read more", "continue reading", "learn more", "back to top", "scroll to top", "next",
    "previous", "next page", "previous page", "older posts", "newer posts", "load more", "show more",
    "accept", "accept all", "accept cookies", "accept all cookies", "cookie settings", "manage cookies",
    "privacy policy", "privacy", "terms of use", "terms of service", "terms and conditions", "terms",
    "cookie policy", "contact", "contact us", "about", "about us", "follow us", "sitemap", "site map", "faq",
    "help", "blog", "shop", "cart", "view cart", "checkout", "advertisement", "sponsored", "related posts",
    "related articles", "leave a comment", "leave a reply", "comments", "powered by wordpress",
};

std::string_view strip(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t w = text::whitespace_length(s, b);
    if (!w) break;
    b += w;
  }
  size_t e = s.size();
  while (e > b) {
    size_t k = e - 1;
    while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
    if (text::whitespace_length(s, k) != e - k) break;
    e = k;
  }
  return s.substr(b, e - b);
}

bool ends_sentence(std::string_view s) {
  if (s.empty()) return false;
  char c = s.back();
  return c == '.' || c == '!' || c == '?' || c == ':';
}

bool is_separator(std::string_view word) {
  return std::find(std::begin(kSeparators), std::end(kSeparators), word) != std::end(kSeparators);
}

// Two or more items split by separators standing alone, each item at most four words and none
// ending a sentence.
bool is_menu_bar(std::string_view line) {
  size_t items = 0, words_in_item = 0, separators = 0;
  bool ok = true;
  std::string_view last_word;
  auto close_item = [&] {
    if (words_in_item == 0 || words_in_item > 4 || ends_sentence(last_word)) ok = false;
    ++items;
    words_in_item = 0;
  };
  text::for_each_word(line, [&](std::string_view w) {
    if (is_separator(w)) {
      ++separators;
      close_item();
    } else {
      ++words_in_item;
      last_word = w;
    }
  });
  close_item();
  return ok && separators >= 1 && items >= 2;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

bool is_boilerplate(std::string_view line) {
  std::string l = lower_ascii(line);
  while (!l.empty() && (l.back() == '.' || l.back() == '!' || l.back() == ':' || l.back() == '>' || l.back() == ' '))
    l.pop_back();
  if (l.starts_with("\u00A9") || l.starts_with("(c) ") || l.starts_with("copyright")) return true;
  if (l.find("all rights reserved") != std::string::npos) return true;
  return std::find(std::begin(kBoilerplate), std::end(kBoilerplate), std::string_view(l)) != std::end(kBoilerplate);
}

bool is_list_item(std::string_view line) {
  if (line.starts_with("- ") || line.starts_with("* ") || line.starts_with("\u2022")) return true;
  size_t i = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  return i > 0 && i < line.size() && (line[i] == '.' || line[i] == ')');
}

// A short line that could be one link of a stripped list of links.
bool is_menu_item(std::string_view line) {
  size_t words = 0;
  text::for_each_word(line, [&](std::string_view) { ++words; });
  return words <= 3 && !ends_sentence(line) && !is_list_item(line);
}

}  // namespace

NavigationLines count_navigation_lines(std::string_view text) {
  NavigationLines result;
  size_t run = 0;        // consecutive menu items
  size_t uncounted = 0;  // of which not yet counted as navigation
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = strip(text.substr(start, end - start));
    start = end + 1;
    if (line.empty()) {
      run = uncounted = 0;
    } else {
      ++result.lines;
      bool nav = is_menu_bar(line) || is_boilerplate(line);
      if (is_menu_item(line)) {
        ++run;
        if (run >= 3) {
          result.navigation += uncounted;  // the column is long enough: its earlier items count
          uncounted = 0;
          nav = true;
        } else if (!nav) {
          ++uncounted;
        }
      } else {
        run = uncounted = 0;
      }
      result.navigation += nav;
    }
    if (end == text.size()) break;
  }
  return result;
}

}  // namespace dqprep::quality
