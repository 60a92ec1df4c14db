#!/usr/bin/env bash
# Likely label errors through the CLI on a simulated noisy dataset: 6000 records of 3 classes whose
# calibrated probabilities are a softmax around a random class, the true class drawn from them, and
# 10% of the labels flipped (the planted flips carry "flipped": true, which label-check ignores).
# Confident learning must find most planted flips with few false flags, --drop must reject exactly
# the flagged records, and the labels written as numbers must map to --classes 0,1,2.
set -u
DQPREP=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk 'BEGIN {
  srand(11);
  for (i = 0; i < 6000; i++) {
    c = int(rand() * 3); boost = 5 + 3 * rand(); s = 0;
    for (j = 0; j < 3; j++) { g = sqrt(-2 * log(rand() + 1e-12)) * cos(6.283185307 * rand());
      e[j] = exp((j == c ? boost : 0) + g); s += e[j]; }
    u = rand(); acc = 0; t = 2;
    for (j = 0; j < 3; j++) { p[j] = e[j] / s; }
    for (j = 0; j < 3; j++) { acc += p[j]; if (u < acc) { t = j; break } }
    flip = rand() < 0.1; label = flip ? (t + 1 + int(rand() * 2)) % 3 : t;
    printf "{\"id\":\"r%d\",\"text\":\"record %d\",\"label\":%d,\"flipped\":%s,\"probs\":[%.6f,%.6f,%.6f]}\n",
      i, i, label, flip ? "true" : "false", p[0], p[1], p[2];
  }
}' >"$work/noisy.jsonl"

fail=0
"$DQPREP" label-check -q --probs-field probs --classes 0,1,2 --explain --stats "$work/s.json" \
  "$work/noisy.jsonl" -o "$work/explained.jsonl" || { echo "FAIL: --explain run exited $?"; fail=1; }
read -r planted found flagged < <(awk '
  { f = index($0, "\"flipped\":true") > 0; g = index($0, "\"flagged\":true") > 0;
    planted += f; found += f && g; flagged += g }
  END { print planted, found, flagged }' "$work/explained.jsonl")
recall=$(awk -v a="$found" -v b="$planted" 'BEGIN { printf "%.3f", a / b }')
false_share=$(awk -v a="$found" -v b="$flagged" 'BEGIN { printf "%.3f", (b - a) / b }')
echo "confident learning: $found of $planted planted flips found (recall $recall), $flagged flagged, false-flag share $false_share"
awk -v r="$recall" -v f="$false_share" 'BEGIN { exit !(r > 0.85 && f < 0.2) }' ||
  { echo "FAIL: recall $recall (want > 0.85), false-flag share $false_share (want < 0.2)"; fail=1; }
grep -q "\"label_issues\": $flagged," "$work/s.json" || { echo "FAIL: summary label_issues differs from $flagged"; fail=1; }
grep -q '"issues_scored": 6000,' "$work/s.json" || { echo "FAIL: every record should be scored"; fail=1; }
# Suggested classes are written as the labels are (numbers).
grep -q '"suggested":[012],' "$work/explained.jsonl" || { echo "FAIL: suggested is not a number"; fail=1; }

"$DQPREP" label-check -q --probs-field probs --classes 0,1,2 --drop --rejects "$work/rej.jsonl" \
  "$work/noisy.jsonl" -o "$work/kept.jsonl" || { echo "FAIL: --drop run exited $?"; fail=1; }
rejected=$(wc -l <"$work/rej.jsonl"); kept=$(wc -l <"$work/kept.jsonl")
[ "$rejected" = "$flagged" ] && [ $((rejected + kept)) = 6000 ] ||
  { echo "FAIL: --drop rejected $rejected and kept $kept; want $flagged flagged of 6000"; fail=1; }
grep -v -q '"rule":"label_issue"' "$work/rej.jsonl" && { echo "FAIL: a reject without the label_issue rule"; fail=1; }
exit $fail
