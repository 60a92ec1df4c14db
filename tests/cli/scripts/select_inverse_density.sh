# select --sampling inverse-density: P(x) ~ u(x) / density(x)^beta, a weighted sample without
# replacement (Efraimidis-Spirakis keys). A pool of three clusters of identical embeddings (a common,
# a middling and a planted rare one) makes every density exact (the whole pool is the sample), so
# the expected number of rare records in the sample is computable exactly: the inclusion
# probability of successive sampling, integrated numerically. The mean over 25 seeds must be within
# 4.5 standard errors of it (the spread measured over the runs), and more than 8 standard errors
# away from what uniform sampling, a top-k by weight, or another weight formula would give (so a
# wrong formula fails).
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(5)
clusters = (("A", 450, [1, 0, 0], [0.5, 0.5]), ("B", 120, [0.6, 0.8, 0], [0.8, 0.2]), ("C", 30, [0, 0, 1], [0.85, 0.15]))
records = [{"cluster": name, "emb": v, "probs": p} for name, n, v, p in clusters for _ in range(n)]
rng.shuffle(records)
words = "market shares investors bank today court appeal tax price".split()
rare = "purple giraffe volcano symphony frozen".split()
with open("pool.jsonl", "w") as f:
    for i, r in enumerate(records):
        r["id"] = i
        r["text"] = " ".join(rng.choice(rare if r["cluster"] == "C" else words) for _ in range(8))
        f.write(json.dumps(r) + "\n")
PY
cat > expected.py <<'PY'
import json, math, struct, sys
def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]
def unit(v):
    n = math.sqrt(sum(x * x for x in v))
    return [f32(x / n) for x in v]
def pmf(n, p, k):
    return [math.comb(n, m) * p**m * (1 - p)**(n - m) for m in range(min(n, k - 1) + 1)]
def inclusion(groups, k, steps=300):
    """Inclusion probability of one item of each group (n, weight) in a successive weighted sample
    of k: with exponential keys E_i ~ Exp(w_i) (E = -ln(u) / w, the smallest k drawn),
    pi_g = int_0^inf w_g exp(-w_g t) P(fewer than k others have E_j < t) dt, the others' counts
    binomial per group. Simpson's rule over ln t, which follows the integrand across the scales
    of very different weights."""
    ws = [w for _, w in groups]
    lo, hi = math.log(1e-7 / max(ws)), math.log(60 / min(ws))
    out = []
    for g, (_, wg) in enumerate(groups):
        def f(s):
            t = math.exp(s)
            dist = [1.0]
            for h, (nh, wh) in enumerate(groups):
                b = pmf(nh - (h == g), -math.expm1(-wh * t), k)
                new = [0.0] * k
                for i, x in enumerate(dist):
                    for j in range(min(len(b), k - i)):
                        new[i + j] += x * b[j]
                dist = new
            return wg * t * math.exp(-wg * t) * sum(dist)
        h = (hi - lo) / steps
        s = f(lo) + f(hi) + sum((4 if i % 2 else 2) * f(lo + i * h) for i in range(1, steps))
        out.append(s * h / 3)
    return out
mode, k, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
pool = [json.loads(l) for l in open("pool.jsonl")]
names = sorted({r["cluster"] for r in pool})
first = {c: next(r for r in pool if r["cluster"] == c) for c in names}
size = {c: sum(r["cluster"] == c for r in pool) for c in names}
# density: mean of max(0, cosine) over the whole pool (every record is in the sample)
dens = {}
for c in names:
    u = unit(first[c]["emb"])
    dens[c] = sum(size[h] * max(0.0, sum(a * b for a, b in zip(u, unit(first[h]["emb"])))) for h in names) / len(pool)
unc = {c: (1 - max(first[c]["probs"])) if mode == "probs" else 1.0 for c in names}
def expected_rare(w):
    pi = dict(zip(names, inclusion([(size[c], w[c]) for c in names], k)))
    assert abs(sum(size[c] * pi[c] for c in names) - k) < 1e-4, "the inclusion probabilities do not sum to k"
    return size["C"] * pi["C"]
weight = {c: unc[c] / dens[c] for c in names}
expected = expected_rare(weight)
counts = []
for path in runs:
    picked = [json.loads(l) for l in open(path)]
    assert len(picked) == k, path
    for r in picked:  # the reported weight is u / density
        w = weight[r["cluster"]]
        assert abs(r["_select"]["score"] - w) <= 1e-6 * w, (r["_select"], w)
    counts.append(sum(r["cluster"] == "C" for r in picked))
n = len(counts)
mean = sum(counts) / n
sd = math.sqrt(sum((c - mean) ** 2 for c in counts) / (n - 1))
se = sd / math.sqrt(n)
others = {
    "uniform sampling": k * size["C"] / len(pool),
    "top-k by weight": min(k, size["C"]),
    "weight 1/density^2": expected_rare({c: unc[c] / dens[c] ** 2 for c in names}),
}
if mode == "probs":
    others["weight u (no density)"] = expected_rare(unc)
    others["weight 1/density (no u)"] = expected_rare({c: 1 / dens[c] for c in names})
    others["weight u x density"] = expected_rare({c: unc[c] * dens[c] for c in names})
print(f"select_inverse_density [{mode}]: rare records per sample {mean:.2f} (sd {sd:.2f}, {n} seeds); exact "
      f"expectation {expected:.2f}; " + "; ".join(f"{name} {v:.2f}" for name, v in others.items()))
assert abs(mean - expected) <= 4.5 * se, "the rare cluster's share is not the exact expected share"
for name, v in others.items():  # the test tells the formula apart from its likely mistakes
    assert abs(v - expected) > 8 * se, (name, v, expected, se)
PY
for mode in coverage probs; do
  flags=""
  [[ $mode == probs ]] && flags="--probs-field probs"
  outs=()
  for seed in $(seq 1 25); do
    "$DQPREP" select -q -j 1 --seed "$seed" --sampling inverse-density --embedding-field emb --density-sample 1000 \
      --k 60 $flags pool.jsonl -o "out_${mode}_$seed.jsonl"
    outs+=("out_${mode}_$seed.jsonl")
  done
  python3 expected.py "$mode" 60 "${outs[@]}" || fail "[$mode] the sample does not follow P(x) ~ u(x) / density(x)"
done

# The same bytes for any -j and from stdin; selected + rest = the input; ranks 1..k in draw order.
for j in 1 2 4; do
  "$DQPREP" select -q -j "$j" --seed 9 --sampling inverse-density --density-sample 200 --k 100 pool.jsonl \
    -o "text$j.jsonl" --rest "rest$j.jsonl" --stats "s$j.json"
done
for j in 2 4; do
  cmp text1.jsonl "text$j.jsonl" || fail "-j $j sample differs from -j 1"
  cmp rest1.jsonl "rest$j.jsonl" || fail "-j $j --rest differs from -j 1"
done
"$DQPREP" select -q -j 2 --seed 9 --sampling inverse-density --density-sample 200 --k 100 - < pool.jsonl > stdin.jsonl
cmp text1.jsonl stdin.jsonl || fail "stdin sample differs from the file's"
expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' s1.json)" true "summary balances"
expect_eq "$(jq -r .sampling s1.json)" inverse-density "summary names the sampling"
expect_eq "$(jq -r '._select.rank' text1.jsonl | paste -sd,)" "$(seq 1 100 | paste -sd,)" "ranks in draw order"
cat <(jq -c 'del(._select)' text1.jsonl) <(jq -c . rest1.jsonl) | sort > together
jq -c . pool.jsonl | sort > all
cmp together all || fail "selected + rest is not the input"
# MinHash densities, pure coverage: score = 1 / density; the rare texts (5% of the pool) take far
# more than 5% of the sample. Another seed gives another sample.
jq -r '._select | (.score * .density - 1 | fabs) < 1e-9' text1.jsonl | sort -u | paste -sd, | grep -qx true ||
  fail "score is not 1 / density"
rare=$(jq -r .cluster text1.jsonl | grep -c C)
(( rare > 3 * 100 / 20 )) || fail "MinHash coverage: $rare rare texts of 100, not 3 times uniform sampling's 5"
"$DQPREP" select -q --seed 10 --sampling inverse-density --density-sample 200 --k 100 pool.jsonl -o other.jsonl
cmp -s text1.jsonl other.jsonl && fail "another seed gave the same sample"
# --beta 2: score = density^-2; zero uncertainty (p = 1) is never drawn.
"$DQPREP" select -q --seed 9 --sampling inverse-density --beta 2 --density-sample 200 --k 5 pool.jsonl |
  jq -r '._select | (.score * .density * .density - 1 | fabs) < 1e-9' | sort -u | paste -sd, | grep -qx true ||
  fail "--beta 2: score is not density^-2"
jq -c 'if .id < 590 then .probs = [1, 0] else . end' pool.jsonl > certain.jsonl
"$DQPREP" select -q --probs-field probs --sampling inverse-density --k 50 certain.jsonl --stats z.json -o z.jsonl
expect_eq "$(wc -l < z.jsonl)" 10 "only records of positive weight are drawn"
expect_eq "$(jq -r .zero_weight z.json)" 590 "zero-weight records counted"
echo "select_inverse_density: ok"
