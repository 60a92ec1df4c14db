#!/usr/bin/env bash
# label-check's agreement figures in --stats against published values, to 3 decimals (the test
# vectors' own precision where it is finer): Krippendorff's alpha (Wikipedia's 3 coders x 15 units;
# Krippendorff 2011, 4 observers x 12 units, all four levels), Fleiss' kappa (Wikipedia, 10 subjects x
# 14 raters), Cohen's kappa (scikit-learn's test vectors, unweighted, linear, quadratic). The inputs in
# tests/data/label_check/ are tests/data/agreement_vectors.json and krippendorff_2011.json as JSONL.
set -u
DQPREP=$1
DATA=$2/label_check
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# figure FILE KEY: the top-level value of KEY in a pretty-printed --stats file.
figure() { sed -n "s/^  \"$2\": \(.*\),\{0,1\}\$/\1/p" "$1" | sed 's/,$//'; }

# check NAME ACTUAL EXPECTED DECIMALS
check() {
  if awk -v a="$2" -v e="$3" -v d="$4" 'BEGIN { t = 0.5 * 10 ^ -d; x = a - e; if (x < 0) x = -x; exit !(a != "null" && x <= t) }'; then
    echo "ok   $1: $2 (published $3)"
  else
    echo "FAIL $1: $2, published $3 to $4 decimals"; fail=1
  fi
}

run() {  # run STATS ARGS...: label-check with --stats, output discarded
  local stats=$1; shift
  "$DQPREP" label-check -q --no-conflicts -o /dev/null --stats "$stats" "$@" || { echo "FAIL: label-check $* exited $?"; fail=1; }
}

for level in nominal interval; do
  run "$work/kw_$level.json" --annotations-field annotations --level "$level" "$DATA/krippendorff_wikipedia.jsonl"
done
check "krippendorff_alpha nominal (Wikipedia)" "$(figure "$work/kw_nominal.json" krippendorff_alpha)" 0.691358 6
check "krippendorff_alpha interval (Wikipedia)" "$(figure "$work/kw_interval.json" krippendorff_alpha)" 0.810845 6

# The same ratings one a line (long form) give the same alpha.
"$DQPREP" label-check -q --long --item-field unit --annotator-field coder --level interval -o /dev/null \
  --stats "$work/kw_long.json" "$DATA/krippendorff_wikipedia_long.jsonl" || fail=1
check "krippendorff_alpha interval (Wikipedia, --long)" "$(figure "$work/kw_long.json" krippendorff_alpha)" 0.810845 6

declare -A k2011=([nominal]=0.743 [ordinal]=0.815 [interval]=0.849 [ratio]=0.797)
for level in nominal ordinal interval ratio; do
  run "$work/k2011_$level.json" --annotations-field annotations --level "$level" "$DATA/krippendorff_2011.jsonl"
  check "krippendorff_alpha $level (Krippendorff 2011)" "$(figure "$work/k2011_$level.json" krippendorff_alpha)" "${k2011[$level]}" 3
done

run "$work/fleiss.json" --annotations-field annotations "$DATA/fleiss_wikipedia.jsonl"
check "fleiss_kappa (Wikipedia)" "$(figure "$work/fleiss.json" fleiss_kappa)" 0.210 3

run "$work/cohen1.json" --annotations-field annotations "$DATA/cohen_sklearn_1.jsonl"
check "cohen_kappa (scikit-learn 1)" "$(figure "$work/cohen1.json" cohen_kappa)" 0.348 3
run "$work/cohen2.json" --annotations-field annotations "$DATA/cohen_sklearn_2.jsonl"
check "cohen_kappa (scikit-learn 2)" "$(figure "$work/cohen2.json" cohen_kappa)" 0.8013 4
declare -A c3=([none]=0.9315 [linear]=0.9412 [quadratic]=0.9541)
for w in none linear quadratic; do
  run "$work/cohen3_$w.json" --annotations-field annotations --weights "$w" "$DATA/cohen_sklearn_3.jsonl"
  check "cohen_kappa $w (scikit-learn 3)" "$(figure "$work/cohen3_$w.json" cohen_kappa)" "${c3[$w]}" 4
done
exit $fail
