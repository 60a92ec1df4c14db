# The human review loop on WordNet glosses with 20% planted label flips: model crossval and
# label-check mark likely errors, `sample --review` draws a stratified sheet sized for a margin of
# error, two simulated reviewers fill it (anna knows the true labels, ben disagrees with her on 10%
# of records), and `label-check --review` estimates the noise rate. Every figure is recomputed
# here, independently, from the sheets.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
python3 "$HELPERS/wordnet_glosses.py" 300 3 > all.jsonl
python3 - <<'PY'
import json, random
rng = random.Random(5)
classes = ["noun.animal", "noun.artifact", "noun.food", "noun.person", "noun.plant"]
with open("all.jsonl") as f, open("noisy.jsonl", "w") as out:
    for line in f:
        r = json.loads(line); r["true_label"] = r["label"]
        if rng.random() < 0.2: r["label"] = rng.choice([c for c in classes if c != r["label"]])
        out.write(json.dumps(r) + "\n")
PY
classes=noun.animal,noun.artifact,noun.food,noun.person,noun.plant
"$DQPREP" model crossval -q --epoch 25 --seed 1 noisy.jsonl |
  "$DQPREP" label-check -q --probs-field _probs --classes "$classes" --no-conflicts -o marked.jsonl
"$DQPREP" sample -q --review --margin 0.1 --seed 3 -j1 marked.jsonl -o sheet.jsonl --rest rest.jsonl --stats sample.json
"$DQPREP" sample -q --review --margin 0.1 --seed 3 -j2 < marked.jsonl > sheet-j2.jsonl
cmp sheet.jsonl sheet-j2.jsonl || fail "the sheet differs between -j1 and stdin -j2"
expect_eq "$(( $(wc -l < sheet.jsonl) + $(wc -l < rest.jsonl) ))" "$(wc -l < marked.jsonl)" "sheet + rest = input"
# The allocation: Cochran's n for a 0.1 margin at 95% (p = 0.5), finite population corrected,
# proportional by largest remainder, each stratum raised to 10.
python3 - <<'PY' || fail "the sheet's strata are not the allocation computed here"
import json, math, collections
marked = [json.loads(l) for l in open("marked.jsonl")]
def stratum(r):
    flag = "label_issue" if r.get("_label_issue") is not None else "none"
    return r["label"] + " | " + flag
sizes = collections.Counter(map(stratum, marked))
N = len(marked); z = 1.959963984540054
n0 = z * z / (4 * 0.1 ** 2); n = math.ceil(n0 / (1 + (n0 - 1) / N) - 1e-9)
exact = {s: n * c / N for s, c in sizes.items()}
alloc = {s: math.floor(e) for s, e in exact.items()}
for s in sorted(exact, key=lambda s: -(exact[s] - alloc[s]))[: n - sum(alloc.values())]:
    alloc[s] += 1
alloc = {s: min(sizes[s], max(a, 10)) for s, a in alloc.items()}
sheet = [json.loads(l) for l in open("sheet.jsonl")]
got = collections.Counter(r["_sample"]["stratum"] for r in sheet)
assert got == alloc, (got, alloc)
assert all(r["_sample"]["stratum_size"] == sizes[r["_sample"]["stratum"]] for r in sheet)
assert all(r["verdict"] == "" and r["reviewer"] == "" for r in sheet)
print(f"review_loop: {len(sheet)} of {N} records in {len(sizes)} strata (n = {n} before the floor)")
PY
python3 - <<'PY'
import json, random
rng = random.Random(9)
with open("anna.jsonl", "w") as a, open("ben.jsonl", "w") as b:
    for line in open("sheet.jsonl"):
        r = json.loads(line)
        wrong = r["label"] != r["true_label"]
        ra = dict(r, verdict="wrong" if wrong else "ok", reviewer="anna")
        if wrong: ra["correct_label"] = r["true_label"]
        a.write(json.dumps(ra) + "\n")
        vb = wrong if rng.random() >= 0.1 else not wrong
        b.write(json.dumps(dict(r, verdict="wrong" if vb else "ok", reviewer="ben")) + "\n")
PY
"$DQPREP" label-check -q --review --stats anna.json anna.jsonl
"$DQPREP" label-check -q --review --stats both.json anna.jsonl ben.jsonl
expect_eq "$(jq '.in == .out + .rejected + .quarantined' both.json)" true "review summary balances"
python3 - <<'PY' || fail "label-check --review figures differ from the ones computed here"
import json, math, collections
z = 1.959963984540054
def wilson(p, n):
    d = 1 + z * z / n; c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0, c - h), min(1, c + h)
def estimate(items):  # items: (stratum, size, value)
    by = collections.defaultdict(list); size = {}
    for s, N, v in items: by[s].append(v); size[s] = N
    pop = sum(size.values())
    rate = sum(size[s] * sum(v) / len(v) for s, v in by.items()) / pop
    w = [size[s] / len(v) for s, v in by.items() for _ in v]
    neff = sum(w) ** 2 / sum(x * x for x in w)
    return rate, wilson(rate, neff)
def items_of(paths):
    verdicts = collections.defaultdict(list); meta = {}
    for p in paths:
        for line in open(p):
            r = json.loads(line)
            verdicts[r["id"]].append(r["verdict"] == "wrong"); meta[r["id"]] = r
    return [(meta[i]["_sample"]["stratum"], meta[i]["_sample"]["stratum_size"], sum(v) / len(v), meta[i])
            for i, v in verdicts.items()], verdicts
def close(a, b): return abs(a - b) < 1e-9
for stats, paths in (("anna.json", ["anna.jsonl"]), ("both.json", ["anna.jsonl", "ben.jsonl"])):
    got = json.load(open(stats))
    items, verdicts = items_of(paths)
    rate, (lo, hi) = estimate([i[:3] for i in items])
    assert close(got["noise_rate"], rate) and close(got["noise_rate_low"], lo) and close(got["noise_rate_high"], hi), (stats, got["noise_rate"], rate)
    flagged = [i[:3] for i in items if i[3]["_sample"]["flag"] == "label_issue"]
    assert close(got["flag_precision"]["label_issue"]["rate"], estimate(flagged)[0]), "flag precision"
    for c in {i[3]["label"] for i in items}:
        assert close(got["error_rate_per_class"][c]["rate"], estimate([i[:3] for i in items if i[3]["label"] == c])[0]), c
got = json.load(open("both.json"))
_, verdicts = items_of(["anna.jsonl", "ben.jsonl"])
pairs = [(v[0], v[1]) for v in verdicts.values()]
po = sum(a == b for a, b in pairs) / len(pairs)
pa, pb = sum(a for a, _ in pairs) / len(pairs), sum(b for _, b in pairs) / len(pairs)
pe = pa * pb + (1 - pa) * (1 - pb)
assert close(got["review_percent_agreement"], po) and close(got["review_cohen_kappa"], (po - pe) / (1 - pe)), "agreement"
# anna knows the truth: her interval holds the true noise rate of the marked file.
marked = [json.loads(l) for l in open("marked.jsonl")]
true = sum(r["label"] != r["true_label"] for r in marked) / len(marked)
a = json.load(open("anna.json"))
print(f"review_loop: true noise {true:.3f}; anna's estimate {a['noise_rate']:.3f} [{a['noise_rate_low']:.3f}, {a['noise_rate_high']:.3f}]; "
      f"with ben {got['noise_rate']:.3f}, kappa {got['review_cohen_kappa']:.3f}; flag precision {a['flag_precision']['label_issue']['rate']:.3f}")
assert a["noise_rate_low"] <= true <= a["noise_rate_high"], "the interval misses the true rate"
PY
# A verdict that is neither ok nor wrong is bad input, named by file and line.
sed '3s/"verdict": "ok"/"verdict": "maybe"/; 3s/"verdict": "wrong"/"verdict": "maybe"/' anna.jsonl > bad.jsonl
set +e
"$DQPREP" label-check -q --review bad.jsonl 2> err.txt; rc=$?
set -e
expect_eq "$rc" 3 "exit code of a bad verdict"
grep -qx "bad.jsonl:3: verdict must be ok, wrong or empty, not 'maybe'" err.txt || fail "message: $(cat err.txt)"
echo "review_loop: ok"
