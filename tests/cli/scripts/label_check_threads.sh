#!/usr/bin/env bash
# label-check writes the same bytes (records, rejects, conflict listing, summary without seconds) for
# -j 1, 2 and 4, and from standard input as from a file: record form with every feature on, --near
# conflicts, and the long form with a consensus.
set -u
DQPREP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# 30000 records: texts drawn from 9000 (duplicates, some with other labels), 5 positional annotators
# with missing ratings, 3-class probabilities, a few missing labels.
awk 'BEGIN {
  srand(7); split("pos neg neu", L, " ");
  for (i = 0; i < 30000; i++) {
    t = int(rand() * 3) + 1; text = int(rand() * 9000);
    label = rand() < 0.1 ? L[int(rand() * 3) + 1] : L[t];
    ann = "";
    for (a = 0; a < 5; a++) {
      r = rand();
      v = r < 0.15 ? "null" : (r < 0.8 ? "\"" L[t] "\"" : "\"" L[int(rand() * 3) + 1] "\"");
      ann = ann (a ? "," : "") v;
    }
    p1 = rand(); p2 = rand() * (1 - p1); p3 = 1 - p1 - p2;
    lab = rand() < 0.01 ? "" : ",\"label\":\"" label "\"";
    printf "{\"id\":\"r%d\",\"text\":\"Review %d, said%s\"%s,\"annotations\":[%s],\"probs\":[%.4f,%.4f,%.4f]}\n",
      i, text, (rand() < 0.2 ? "!" : ""), lab, ann, p1, p2, p3;
  }
}' >in.jsonl
awk 'BEGIN {
  srand(3); split("1 2 3 4 5", L, " ");
  for (i = 0; i < 20000; i++) { it = int(rand() * 4000); an = int(rand() * 12);
    printf "{\"item\":\"i%d\",\"who\":\"a%d\",\"label\":%s}\n", it, an, L[int(rand() * 5) + 1]; }
}' >long.jsonl

fail=0
record_flags=(--annotations-field annotations --consensus dawid-skene --labels pos,neg,neu --normalize-key
  --resolve majority --probs-field probs --explain --level nominal)
for j in 1 2 4; do
  "$DQPREP" label-check -q -j "$j" "${record_flags[@]}" --rejects "rej$j.jsonl" --conflicts "conf$j.jsonl" \
    --stats "stats$j.json" in.jsonl -o "out$j.jsonl" || { echo "FAIL: -j $j exited $?"; fail=1; }
  "$DQPREP" label-check -q -j "$j" --long --item-field item --annotator-field who --level ordinal \
    --consensus majority --rejects "lrej$j.jsonl" --stats "lstats$j.json" long.jsonl -o "lout$j.jsonl" ||
    { echo "FAIL: --long -j $j exited $?"; fail=1; }
  "$DQPREP" label-check -q -j "$j" --near --resolve majority --rejects "nrej$j.jsonl" --conflicts "nconf$j.jsonl" \
    --stats "nstats$j.json" in.jsonl -o "nout$j.jsonl" || { echo "FAIL: --near -j $j exited $?"; fail=1; }
  grep -v '"seconds"' "nstats$j.json" >"nstats$j.masked"
  grep -v '"seconds"' "stats$j.json" >"stats$j.masked"
  grep -v '"seconds"' "lstats$j.json" >"lstats$j.masked"
done
"$DQPREP" label-check -q -j 2 "${record_flags[@]}" --rejects rej_stdin.jsonl --conflicts conf_stdin.jsonl \
  --stats stats_stdin.json <in.jsonl >out_stdin.jsonl || { echo "FAIL: stdin run exited $?"; fail=1; }
grep -v '"seconds"' stats_stdin.json >stats_stdin.masked

for f in out rej conf stats lout lrej lstats nout nrej nconf nstats; do
  ext=jsonl; case $f in *stats) ext=masked ;; esac
  for j in 2 4; do
    cmp -s "${f}1.$ext" "$f$j.$ext" || { echo "FAIL: $f differs between -j 1 and -j $j"; fail=1; }
  done
done
for f in out rej conf; do
  cmp -s "${f}1.jsonl" "${f}_stdin.jsonl" || { echo "FAIL: $f from stdin differs from the file run"; fail=1; }
done
cmp -s stats1.masked stats_stdin.masked || { echo "FAIL: summary from stdin differs"; fail=1; }

# The run did something in every part, so that the comparison means something.
for want in '"conflict_groups": [1-9]' '"relabeled": [1-9]' '"label_issues": [1-9]' '"consensus_changed": [1-9]' \
            '"label_conflict_tie": [1-9]'; do
  grep -q "$want" stats1.json || { echo "FAIL: expected $want in the summary"; fail=1; }
done
grep -q '"merged_into_item": [1-9]' lstats1.json || { echo "FAIL: long form merged nothing"; fail=1; }
grep -q '"conflict_key": "near"' nstats1.json && grep -q '"conflict_groups": [1-9]' nstats1.json ||
  { echo "FAIL: --near found no conflict"; fail=1; }
in=$(sed -n 's/^  "in": \([0-9]*\),/\1/p' stats1.json)
out=$(wc -l <out1.jsonl); rej=$(wc -l <rej1.jsonl)
[ "$in" = 30000 ] && [ $((out + rej)) = 30000 ] || { echo "FAIL: in $in != out $out + rejected $rej"; fail=1; }
[ $fail = 0 ] && echo "ok: identical for -j 1/2/4 and stdin ($out out, $rej rejected)"
exit $fail
