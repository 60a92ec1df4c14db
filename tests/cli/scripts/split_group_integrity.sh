# split --by group: no group in two splits (with and without --stratify, for ratios and k-fold),
# records without a group key grouped by their id (an original with its augmented copies),
# sizes close to the ratios, classes even with --stratify.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(11)
with open("in.jsonl", "w") as f:
    i = 0
    for g in range(400):
        label = rng.choice("aaaabbc")
        for _ in range(rng.choice([1, 1, 2, 3, 5, 8])):
            rec = {"id": "r%d" % i, "text": "text %d" % i, "label": label if rng.random() < 0.9 else rng.choice("abc")}
            # group keys of every scalar type; some records without one
            kind = g % 4
            if kind == 0: rec["meta"] = {"user": "u%d" % g}
            elif kind == 1: rec["meta"] = {"user": g}
            elif kind == 2: rec["meta"] = {"user": g % 2 == 0 and "x%d" % g or "y%d" % g}
            if kind == 3 and rng.random() < 0.5: rec["meta"] = {"user": None}
            f.write(json.dumps(rec) + "\n"); i += 1
    # An original (no group key) and its augmented copies, which name it in aug.source_id.
    for k in range(30):
        f.write(json.dumps({"id": "orig%d" % k, "text": "original %d" % k, "label": "a"}) + "\n")
        for c in range(3):
            f.write(json.dumps({"id": "orig%d-aug%d" % (k, c), "text": "copy", "label": "a",
                                "aug": {"op": "swap", "source_id": "orig%d" % k}}) + "\n")
PY
check_groups() {  # FILE FIELD PATH
  python3 - "$@" <<'PY'
import json, sys
from collections import defaultdict
recs = [json.loads(l) for l in open(sys.argv[1])]
field, path = sys.argv[2], sys.argv[3]
where = defaultdict(set)
for r in recs:
    v = r
    for k in path.split("."):
        v = v.get(k) if isinstance(v, dict) else None
    if v is None:
        v = ("id", r["id"])
    where[json.dumps(v) if not isinstance(v, tuple) else v[1]].add(r[field])
bad = {g: s for g, s in where.items() if len(s) > 1}
assert not bad, list(bad.items())[:5]
print("ok", len(where), "groups whole")
PY
}
n=$(wc -l < in.jsonl)
for extra in "" "--stratify"; do
  for seed in 0 5; do
    "$DQPREP" split -q --by group --group-field meta.user $extra --seed "$seed" --assign-field split in.jsonl \
      --stats s.json > out.jsonl
    check_groups out.jsonl split meta.user
    expect_eq "$(jq .out s.json)" "$n" "every record written"
    # Sizes: each split within 8 records (the largest group) of its target.
    python3 -c "
import json; s = json.load(open('s.json')); n = s['out']
for name, r in zip(['train', 'val', 'test'], [0.8, 0.1, 0.1]):
    assert abs(s['splits'][name]['count'] - r * n) <= 8, (name, s['splits'][name]['count'], r * n)
"
  done
  "$DQPREP" split -q --by group --group-field meta.user $extra --kfold 5 in.jsonl > folds.jsonl
  check_groups folds.jsonl fold meta.user
  # --by stratified --group-field is the stratified group split.
done
"$DQPREP" split -q --by stratified --group-field meta.user --assign-field split in.jsonl --stats s2.json > out2.jsonl
"$DQPREP" split -q --by group --stratify --group-field meta.user --assign-field split in.jsonl > out3.jsonl
cmp out2.jsonl out3.jsonl || fail "--by stratified --group-field differs from --by group --stratify"
expect_eq "$(jq -r .by s2.json)" "group+stratify" "by"
# With --stratify, class shares of val and test within 3 points of the whole's; plain group split
# is not held to it.
python3 -c "
import json; s = json.load(open('s2.json'))
tot = s['classes']; n = sum(tot.values())
for name in ['train', 'val', 'test']:
    sp = s['splits'][name]
    for c, k in tot.items():
        assert abs(sp['classes'][c]['share'] - k / n) < 0.03, (name, c, sp['classes'][c]['share'], k / n)
print('ok class shares')
"
# Originals stay with their augmented copies.
"$DQPREP" split -q --by group --group-field aug.source_id --out-dir parts in.jsonl --stats s3.json
for k in 0 7 29; do
  expect_eq "$(grep -l "\"orig$k\"" parts/*.jsonl | sort -u | wc -l)" 1 "orig$k and its copies in one split"
done
expect_eq "$(jq .missing_group s3.json)" "$(grep -vc source_id in.jsonl)" "missing_group counts the records without a key"
# A group key that is an object is malformed: FILE:LINE, exit 3.
echo '{"id":1,"text":"x","meta":{"user":{"a":1}}}' > bad.jsonl
set +e
"$DQPREP" split --by group --group-field meta.user --assign-field s bad.jsonl 2> err.txt
code=$?
set -e
expect_eq "$code" 3 "object group key exit code"
grep -q "^bad.jsonl:1: field 'meta.user' is an object or an array" err.txt || fail "message: $(cat err.txt)"
echo "split_group_integrity: ok"
