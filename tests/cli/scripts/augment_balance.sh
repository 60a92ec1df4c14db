# augment --balance: each class reaches the majority count (or --target-per-class), --max-ratio caps
# the new records per original, the new records keep their source's label, round-robin spreads them
# over the sources, and the class counts before and after are reported and true. Every class
# reaches its target exactly: a record that cannot be varied enough (class "tiny": one-word texts)
# makes copies of itself (aug.op "copy"), counted in "copies" and on stderr.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(3)
words = "quick brown fox lazy dog house city river market happy story teacher garden music friend book".split()
with open("in.jsonl", "w") as f:
    counts = {"pos": 300, "neg": 90, "neutral": 25, "rare": 4}
    recs = [lab for lab, n in counts.items() for _ in range(n)]
    rng.shuffle(recs)
    for i, lab in enumerate(recs):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 30)))
        f.write(json.dumps({"id": i, "text": text, "label": lab}) + "\n")
    f.write(json.dumps({"id": "nolabel", "text": "a quick dog with no label"}) + "\n")
    for i, text in enumerate(["ok", "zzz", "hm"]):
        f.write(json.dumps({"id": "tiny%d" % i, "text": text, "label": "tiny"}) + "\n")
PY
# verify OUT STATS TARGET [MAX_RATIO]
verify() {
  python3 - "$@" <<'PY' || fail "balance check: $*"
import json, sys
from collections import Counter, defaultdict
out, stats, target = sys.argv[1], json.load(open(sys.argv[2])), int(sys.argv[3])
ratio = float(sys.argv[4]) if len(sys.argv) > 4 else None
recs = [json.loads(l) for l in open(out)]
before = Counter(r["label"] for r in recs if "aug" not in r and "label" in r)
after = Counter(r["label"] for r in recs if "label" in r)
assert dict(before) == stats["classes_before"], (before, stats["classes_before"])
assert dict(after) == stats["classes_after"], (after, stats["classes_after"])
assert stats["balance_target"] == target
per_source = defaultdict(int)
source = None
for r in recs:
    if "aug" not in r:
        source = r
        continue
    assert r["aug"]["source_id"] == source["id"] and r["label"] == source["label"], (r, source)
    if r["aug"]["op"] == "copy":
        assert {k: v for k, v in r.items() if k != "aug"} == source, (r, source)
    else:
        assert r["text"] != source["text"]
    per_source[source["id"]] += 1
copies = sum(1 for r in recs if r.get("aug", {}).get("op") == "copy")
assert stats["copies"] == copies == stats["ops"]["copy"], (stats["copies"], copies)
assert per_source.get("nolabel", 0) == 0 and stats["unlabeled"] == 1
for label, n in before.items():
    want = max(target, n)
    if ratio is not None:
        want = min(want, n + int(ratio * n + 1e-9))
    assert after[label] == want, (label, after[label], want)
    # Round-robin: the sources of a class make k or k+1 new records each.
    ks = [per_source.get(r["id"], 0) for r in recs if "aug" not in r and r.get("label") == label]
    assert max(ks) - min(ks) <= 1, (label, Counter(ks))
assert stats["in"] == stats["originals_out"] + stats["rejected"] + stats["quarantined"]
assert stats["out"] == stats["originals_out"] + stats["augmented"] == len(recs)
PY
}
"$DQPREP" augment --balance --seed 1 in.jsonl -o out.jsonl --stats s.json 2>err
verify out.jsonl s.json 300
expect_eq "$(jq -c .classes_after s.json)" '{"neg":300,"pos":300,"neutral":300,"rare":300,"tiny":300}' "every class at the majority count"
grep -qF "classes before: neg 90, pos 300, neutral 25, rare 4, tiny 3; after: neg 300, pos 300, neutral 300, rare 300, tiny 300 (target 300)" err ||
  fail "stderr lacks the class counts: $(cat err)"
copies=$(jq .copies s.json)
[ "$copies" -gt 0 ] || fail "the one-word texts of class tiny make no copies"
grep -qF "augment: $copies of $(jq .augmented s.json) new records made by copying their source" err || fail "stderr does not count the copies: $(cat err)"
grep -qF "1 records have no label in 'label' and were not balanced" err || fail "no warning about the unlabeled record"

"$DQPREP" augment -q --balance --target-per-class 100 --seed 2 in.jsonl -o t.jsonl --stats t.json
verify t.jsonl t.json 100
expect_eq "$(jq -c .classes_after t.json)" '{"neg":100,"pos":300,"neutral":100,"rare":100,"tiny":100}' "--target-per-class"

"$DQPREP" augment -q --balance --max-ratio 3 --seed 2 in.jsonl -o r.jsonl --stats r.json
verify r.jsonl r.json 300 3
expect_eq "$(jq -c .classes_after r.json)" '{"neg":300,"pos":300,"neutral":100,"rare":16,"tiny":12}' "--max-ratio 3"

# Balancing without originals: only the new records, the originals to --rejects.
"$DQPREP" augment -q --balance --no-original --rejects rej.jsonl in.jsonl -o no.jsonl --stats no.json
expect_eq "$(wc -l < no.jsonl)" "$(jq .augmented no.json)" "--no-original writes only new records"
expect_eq "$(wc -l < rej.jsonl)" 423 "every original to --rejects"
expect_eq "$(jq -c .classes_after no.json)" '{"neg":210,"pos":0,"neutral":275,"rare":296,"tiny":297}' "classes_after counts the output"
echo "augment_balance: ok"
