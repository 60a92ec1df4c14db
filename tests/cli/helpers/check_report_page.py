"""Checks a page of `dqprep report` without a browser: well-formed (every element closed, in order),
every <svg> starts with a non-empty <title>, no script, nothing fetched (no src, no href but
#anchors, no url() or @import in the style), at most 2 MB, and the section headings given.
Usage: check_report_page.py PAGE HEADING ..."""
import html.parser
import sys

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source", "track"}


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.headings = [], [], []
        self.svgs = self.svg_titles = 0
        self.expect_title = False
        self.text = ""

    def fail(self, message):
        self.errors.append(f"line {self.getpos()[0]}: {message}")

    def handle_starttag(self, tag, attrs):
        self.check_attrs(tag, attrs)
        if self.expect_title and tag != "title":
            self.fail("an <svg> whose first child is not <title>")
        self.expect_title = tag == "svg"
        if tag == "svg":
            self.svgs += 1
        if tag == "script":
            self.fail("a <script> element")
        if tag not in VOID:
            self.stack.append((tag, len(self.text)))

    def handle_startendtag(self, tag, attrs):
        self.check_attrs(tag, attrs)
        if self.expect_title:
            self.fail("an <svg> whose first child is not <title>")
        self.expect_title = False

    def check_attrs(self, tag, attrs):
        for name, value in attrs:
            if name == "src" or name.startswith("on"):
                self.fail(f"<{tag} {name}=...>")
            if name == "href" and not (value or "").startswith("#"):
                self.fail(f"<{tag} href={value!r}>: a link out of the page")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.fail(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        _, start = self.stack.pop()
        inner = self.text[start:].strip()
        if tag == "title" and self.stack and self.stack[-1][0] == "svg":
            if not inner:
                self.fail("an empty <svg> <title>")
            self.svg_titles += 1
        if tag == "h2":
            self.headings.append(inner)

    def handle_data(self, data):
        if data.strip() and self.expect_title:
            self.fail("text before the <title> of an <svg>")
        self.text += data


def main():
    page, wanted = sys.argv[1], sys.argv[2:]
    raw = open(page, "rb").read()
    problems = []
    if len(raw) > 2_000_000:
        problems.append(f"{len(raw)} bytes, over the 2 MB cap")
    text = raw.decode("utf-8")
    style = text[text.find("<style>"):text.find("</style>")]
    if "url(" in style or "@import" in style:
        problems.append("the style sheet fetches something")
    checker = Checker()
    checker.feed(text)
    checker.close()
    problems += checker.errors
    if checker.stack:
        problems.append("unclosed: " + ", ".join(t for t, _ in checker.stack))
    if checker.svgs == 0 or checker.svg_titles != checker.svgs:
        problems.append(f"{checker.svgs} <svg> elements, {checker.svg_titles} with a <title>")
    for heading in wanted:
        if heading not in checker.headings:
            problems.append(f"no section '{heading}' (sections: {checker.headings})")
    for p in problems[:20]:
        print("FAIL:", p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{page}: {len(raw)} bytes, {checker.svgs} charts each with a title, {len(checker.headings)} sections")


main()
