# split --kfold K with every --by: each record in exactly one fold, fold numbers 0..K-1, sizes
# within 1 of n/K (group folds: within the largest group), the same folds through --out-dir files.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(3)
with open("in.jsonl", "w") as f:
    for i in range(997):
        f.write(json.dumps({"id": i, "text": "text %d" % i, "label": rng.choice("aab"), "g": i // 3,
                            "t": 1_600_000_000 + rng.randrange(10**6)}) + "\n")
PY
check_folds() {  # FILE K SLACK
  python3 - "$@" <<'PY'
import json, sys
from collections import Counter
recs = [json.loads(l) for l in open(sys.argv[1])]
k, slack = int(sys.argv[2]), int(sys.argv[3])
ids = [r["id"] for r in recs]
assert sorted(ids) == list(range(997)), "each record exactly once"
folds = Counter(r["fold"] for r in recs)
assert set(folds) == set(range(k)), folds
assert all(type(r["fold"]) is int for r in recs)
for f, n in folds.items():
    assert abs(n - 997 / k) < 1 + slack, (f, n)
PY
}
for k in 2 5 7; do
  for by in random stratified "group --group-field g" "group --group-field g --stratify" "time --time-field t"; do
    # Group folds end above n/K by less than a group (3 records); stratified group folds trade
    # size for class balance, as StratifiedGroupKFold does.
    slack=0; [[ $by == group* ]] && slack=3; [[ $by == *stratify ]] && slack=12
    "$DQPREP" split -q --by $by --kfold "$k" in.jsonl > folds.jsonl
    check_folds folds.jsonl "$k" "$slack" || fail "folds of --by $by --kfold $k"
    # The same folds through files: fold-<k>.jsonl holds exactly the records marked fold k.
    rm -rf dir; "$DQPREP" split -q --by $by --kfold "$k" --out-dir dir in.jsonl
    expect_eq "$(ls dir | tr '\n' ' ')" "$(for i in $(seq 0 $((k - 1))); do printf 'fold-%d.jsonl ' "$i"; done)" "fold files"
    for i in $(seq 0 $((k - 1))); do
      [[ "$(jq -c "select(.fold == $i) | .id" folds.jsonl | sort | md5sum)" == "$(jq -c "select(.fold == $i) | .id" "dir/fold-$i.jsonl" | sort | md5sum)" ]] ||
        fail "fold-$i.jsonl does not hold the records of fold $i ($by)"
      expect_eq "$(wc -l < "dir/fold-$i.jsonl")" "$(jq "select(.fold == $i)" -c folds.jsonl | wc -l)" "fold $i size ($by)"
    done
  done
done
# --assign-field renames the fold field.
"$DQPREP" split -q --kfold 3 --assign-field cv in.jsonl | jq -e 'has("cv") and (has("fold") | not) and (.cv | type == "number")' > /dev/null ||
  fail "--assign-field with --kfold"
echo "split_kfold_coverage: ok"
