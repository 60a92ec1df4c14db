# Statistical sanity of augment on generated files: --alpha is the share of words deleted;
# --gaussian adds N(0, sigma^2) noise; --mixup mixes with lambda ~ Beta(alpha, alpha) and a partner of
# the same class (hard labels) or any class with label weights (soft labels).
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(11)
words = "quick brown fox lazy dog house city river market happy story teacher garden music".split()
with open("text.jsonl", "w") as f:
    for i in range(2000):
        f.write(json.dumps({"id": i, "text": " ".join(rng.choice(words) for _ in range(100))}) + "\n")
with open("vec.jsonl", "w") as f:
    for i in range(3000):
        label = ["a", "b", "c"][i % 3]
        centre = {"a": 0.0, "b": 10.0, "c": -10.0}[label]
        f.write(json.dumps({"id": "v%d" % i, "label": label,
                            "x": [round(centre + rng.gauss(0, 1), 6) for _ in range(8)]}) + "\n")
PY
# Deletion: each word goes with probability alpha, so the share of words kept is about 1 - alpha.
for alpha in 0.1 0.3; do
  "$DQPREP" augment -q --ops delete --alpha "$alpha" --num-aug 1 text.jsonl -o "del$alpha.jsonl"
  python3 - "del$alpha.jsonl" "$alpha" <<'PY' || fail "delete --alpha $alpha"
import json, sys
alpha = float(sys.argv[2])
kept = total = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "aug" in r:
        kept += len(r["text"].split())
        total += 100
share = 1 - kept / total
assert abs(share - alpha) < 0.01, share  # 200000 words: standard error < 0.001
PY
done

# Gaussian: x' - x has mean 0 and standard deviation sigma, element by element, for every class.
"$DQPREP" augment -q --numeric-field x --gaussian 0.5 --num-aug 2 vec.jsonl -o g.jsonl --stats g.json
python3 - g.jsonl <<'PY' || fail "gaussian"
import json, math, sys
source = None
diffs = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "aug" not in r:
        source = r
        continue
    assert r["aug"] == {"op": "gaussian", "source_id": source["id"]} and r["label"] == source["label"]
    assert len(r["x"]) == 8
    diffs += [a - b for a, b in zip(r["x"], source["x"])]
n = len(diffs)
assert n == 3000 * 2 * 8, n
mean = sum(diffs) / n
sd = math.sqrt(sum(d * d for d in diffs) / n - mean * mean)
assert abs(mean) < 5 * 0.5 / math.sqrt(n), mean
assert abs(sd - 0.5) < 0.01, sd
PY

# Mixup, hard labels: x' = lambda x + (1 - lambda) partner, the partner of the same class and not the
# record itself; lambda ~ Beta(0.4, 0.4): mean 1/2, variance 1 / (4 (2 alpha + 1)) = 0.1389.
"$DQPREP" augment -q --numeric-field x --mixup 0.4 --num-aug 2 vec.jsonl -o m.jsonl --stats m.json
python3 - m.jsonl vec.jsonl <<'PY' || fail "mixup hard"
import json, sys
by_id = {r["id"]: r for r in map(json.loads, open(sys.argv[2]))}
lams = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "aug" not in r:
        continue
    a = r["aug"]
    src, partner, lam = by_id[a["source_id"]], by_id[a["partner_id"]], a["lambda"]
    assert a["op"] == "mixup" and src["id"] != partner["id"] and src["label"] == partner["label"] == r["label"]
    assert "label_weights" not in r
    for x, x1, x2 in zip(r["x"], src["x"], partner["x"]):
        assert abs(x - (lam * x1 + (1 - lam) * x2)) < 1e-5 * (1 + abs(x2)), (x, x1, x2, lam)  # partner kept as float
    lams.append(lam)
n = len(lams)
assert n == 6000, n
mean = sum(lams) / n
var = sum((l - mean) ** 2 for l in lams) / n
assert abs(mean - 0.5) < 0.015, mean
assert abs(var - 1 / (4 * 1.8)) < 0.01, var
PY
expect_eq "$(jq -c '[.ops.mixup, .mixup_no_partner, .mixup_pool_held]' m.json)" "[6000,0,3000]" "mixup figures"

# Mixup, soft labels: partners from any class, label_weights {source label: lambda, partner label: 1 - lambda}.
"$DQPREP" augment -q --numeric-field x --mixup 1 --mixup-labels soft --num-aug 1 --mixup-pool 500 vec.jsonl -o s.jsonl
python3 - s.jsonl vec.jsonl <<'PY' || fail "mixup soft"
import json, sys
by_id = {r["id"]: r for r in map(json.loads, open(sys.argv[2]))}
cross = partners = 0
seen = set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "aug" not in r:
        continue
    a = r["aug"]
    src, partner, lam = by_id[a["source_id"]], by_id[a["partner_id"]], a["lambda"]
    w = r["label_weights"]
    seen.add(partner["id"])
    if src["label"] == partner["label"]:
        assert w == {src["label"]: 1}, w
    else:
        cross += 1
        assert list(w) == [src["label"], partner["label"]] and abs(w[src["label"]] - lam) < 1e-12
        assert abs(sum(w.values()) - 1) < 1e-12
assert 1800 < cross < 2200, cross  # two classes of three differ from the source's
assert len(seen) <= 500, len(seen)  # partners come from the bounded pool
PY
echo "augment_statistics: ok"
