# Near dedup through the CLI against brute-force Jaccard of word 5-gram sets: recall >= 0.95 on
# pairs with Jaccard >= 0.9, and with the default verification precision >= 0.95 (pairs sharing a
# cluster that have Jaccard >= 0.8), --verify the same run, --no-verify well below; on a generated corpus of pairs whose Jaccard spreads over both sides of the
# threshold. (Clusters are connected components: a base with several variants forms chains whose
# far ends can be less similar than the threshold; pairs measure the verification itself.)
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(2024)
vocab = ["w%d" % i for i in range(5000)]
bases = [[rng.choice(vocab) for _ in range(rng.randint(60, 400))] for _ in range(1000)]
docs = list(bases)
for base in bases[:800]:
    src = list(base)
    rate = rng.choice([0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08])   # substituted words: J from 1 to ~0.5
    for k in range(len(src)):
        if rng.random() < rate: src[k] = rng.choice(vocab)
    if rng.random() < 0.3: src = [w.upper() if rng.random() < 0.5 else w + "," for w in src]  # case, punctuation
    docs.append(src)
rng.shuffle(docs)
with open("in.jsonl", "w") as f:
    for i, d in enumerate(docs): f.write(json.dumps({"id": i, "text": " ".join(d)}) + "\n")
PY
"$DQPREP" dedup -q --mode near --no-verify --mark in.jsonl -o plain.jsonl
"$DQPREP" dedup -q --mode near --mark in.jsonl -o verified.jsonl --stats v.json
"$DQPREP" dedup -q --mode near --verify --mark in.jsonl -o verified-flag.jsonl
cmp verified.jsonl verified-flag.jsonl || fail "--verify changes the default run"
python3 - <<'PY'
import json, re, sys
from collections import defaultdict
recs = [json.loads(l) for l in open("in.jsonl")]
def shingles(t, n=5):
    w = re.findall(r"[a-z0-9]+", t.lower())
    return {" ".join(w)} if len(w) <= n else {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}
sets = [shingles(r["text"]) for r in recs]
index = defaultdict(list)
for i, s in enumerate(sets):
    for g in s: index[g].append(i)
common = defaultdict(int)
for ids in index.values():
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)): common[(ids[a], ids[b])] += 1
jac = {p: c / (len(sets[p[0]]) + len(sets[p[1]]) - c) for p, c in common.items()}
def quality(path):
    cluster = [json.loads(l).get("dup_cluster", "self%d" % i) for i, l in enumerate(open(path))]
    n90 = sum(1 for j in jac.values() if j >= 0.9)
    hit90 = sum(1 for p, j in jac.items() if j >= 0.9 and cluster[p[0]] == cluster[p[1]])
    n80 = sum(1 for j in jac.values() if j >= 0.8)
    hit80 = sum(1 for p, j in jac.items() if j >= 0.8 and cluster[p[0]] == cluster[p[1]])
    members = defaultdict(list)
    for i, c in enumerate(cluster): members[c].append(i)
    pairs = good = 0
    for m in members.values():
        for a in range(len(m)):
            for b in range(a + 1, len(m)):
                pairs += 1
                good += jac.get((m[a], m[b]), 0.0) >= 0.8
    return n90, hit90 / n90, pairs, (good / pairs if pairs else 1.0), hit80 / n80
between = sum(1 for j in jac.values() if 0.5 < j < 0.8)
n90, r_plain, pairs_plain, p_plain, r80_plain = quality("plain.jsonl")
_, r_ver, pairs_ver, p_ver, r80_ver = quality("verified.jsonl")
print(f"{len(recs)} docs, {n90} pairs J>=0.9, {between} in (0.5, 0.8)")
print(f"--no-verify: recall@0.9 {r_plain:.4f}, recall@0.8 {r80_plain:.4f}, precision@0.8 {p_plain:.4f} ({pairs_plain} pairs in clusters)")
print(f"default:     recall@0.9 {r_ver:.4f}, recall@0.8 {r80_ver:.4f}, precision@0.8 {p_ver:.4f} ({pairs_ver} pairs in clusters)")
if n90 < 200 or between < 100: sys.exit("FAIL: the corpus lacks pairs on both sides of the threshold")
if r_plain < 0.95 or r_ver < 0.95: sys.exit("FAIL: recall@0.9 below 0.95")
if p_ver < 0.95: sys.exit("FAIL: precision@0.8 of the default (verified) run below 0.95")
if p_plain > 0.9: sys.exit("FAIL: --no-verify does not join candidates unchecked (precision@0.8 %.4f)" % p_plain)
PY
echo "dedup_quality: ok"
