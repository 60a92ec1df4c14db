# The sample pipeline's report (tools/sample_pipeline.sh) in a real browser: headless Chromium
# renders it to a 1280 x 2000 PNG that must not be blank (many colours, the funnel's bars drawn)
# and dumps its DOM, which must hold every section's heading. Without a browser the page is still
# checked (well-formed, a <title> in every <svg>, nothing fetched, at most 2 MB). Skipped (exit 77)
# only when chromium is absent: tools/setup.sh --test installs it.
source "$(dirname "$0")/lib.sh"
REPO=$(cd "$DATA/../.." && pwd)
HELPERS=$REPO/tests/cli/helpers
sections=("Gates" "Pipeline funnel" "Quality metrics" "Class distribution" "Lengths" "Duplicates"
          "Labels and annotators" "Split" "Model" "Every figure of each report")

bash "$REPO/tools/sample_pipeline.sh" "$DQPREP" out >pipeline.log 2>&1 || { cat pipeline.log >&2; fail "the sample pipeline failed"; }
page=$PWD/out/report.html
python3 "$HELPERS/check_report_page.py" "$page" "${sections[@]}" || fail "the page is not well-formed"
if command -v xmllint >/dev/null; then
  xmllint --noout "$page" || fail "xmllint: the page is not well-formed XML"
fi

if ! command -v chromium >/dev/null; then
  echo "report_chromium: SKIPPED: chromium is not installed (bash tools/setup.sh --test installs it)"
  exit 77
fi
browser=(timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$WORK/profile")
"${browser[@]}" --screenshot="$WORK/shot.png" --window-size=1280,2000 "file://$page" >chromium.log 2>&1 ||
  { tail -20 chromium.log >&2; fail "chromium could not take the screenshot"; }
[[ -s shot.png ]] || fail "no screenshot"
read -r width height colours top < <(python3 "$HELPERS/png_pixels.py" shot.png | head -1)
expect_eq "$width x $height" "1280 x 2000" "screenshot size"
(( colours >= 50 )) || fail "the screenshot has $colours colours: blank"
python3 -c "import sys; sys.exit(0 if float('$top') < 0.95 else 1)" || fail "one colour covers $top of the screenshot"
# The funnel's green (out) and red (rejected) bars, drawn by the SVG.
python3 "$HELPERS/png_pixels.py" shot.png 59a14f e15759 | tail -2 | grep -q no && fail "the funnel's bars are not drawn"

"${browser[@]}" --dump-dom "file://$page" >dom.html 2>chromium.log || { tail -20 chromium.log >&2; fail "chromium --dump-dom failed"; }
for heading in "${sections[@]}"; do
  grep -qF "<h2>$heading</h2>" dom.html || fail "no section '$heading' in the rendered DOM"
done
grep -q "<svg" dom.html || fail "no chart in the rendered DOM"
echo "report_chromium: ok ($colours colours, most common $top)"
