# select --labelled / --strategy coreset: x* = argmax u(x) d(x, L ∪ S)^beta, k times (k-center greedy
# when u = 1), against a brute force written here from the definition: on a pool of random
# embeddings (with exact copies, so that ties occur and must go to the earlier record), every
# pick's distance to the labelled set and to the records already chosen is computed from scratch,
# with the arithmetic of the stage (float32 unit vectors, double distances and scores). The picks must
# be the same records in the same order, for coreset with and without a labelled set, and for
# margin and entropy weighted by distance (beta 1 and 2.5). Also: the same bytes for any -j, the
# output and --rest together are the input, and on texts (MinHash) the first pick is the planted
# topic that the labelled set lacks.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(11)
def vec():
    return [round(rng.gauss(0, 1), 4) for _ in range(5)]
with open("labelled.jsonl", "w") as f:
    for i in range(15):
        f.write(json.dumps({"id": "L%d" % i, "emb": vec(), "text": "t"}) + "\n")
pool = []
for i in range(120):
    p = [rng.random() for _ in range(3)]
    s = sum(p)
    pool.append({"id": i, "emb": vec(), "probs": [x / s for x in p], "text": "t"})
for i in range(0, 120, 10):  # exact copies of earlier records: equal distances, ties
    pool[i + 5]["emb"] = list(pool[i]["emb"])
with open("pool.jsonl", "w") as f:
    for r in pool:
        f.write(json.dumps(r) + "\n")
PY
cat > brute.py <<'PY'
import json, math, struct, sys
def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]
def unit(v):
    n = math.sqrt(sum(x * x for x in v))
    return [f32(x / n) for x in v]
def sim(a, b):
    return max(0.0, sum(x * y for x, y in zip(a, b)))
def uncertainty(p, strategy):
    if strategy == "coreset":
        return 1.0
    q = sorted(p, reverse=True)
    if strategy == "margin":
        return 1.0 - (q[0] - q[1])
    return -sum(x * math.log(x) for x in p if x > 0)
strategy, k, beta, labelled_path, out_path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
pool = [json.loads(l) for l in open("pool.jsonl")]
labelled = [unit(json.loads(l)["emb"]) for l in open(labelled_path)] if labelled_path != "-" else []
units = [unit(r["emb"]) for r in pool]
w = [uncertainty(r["probs"], strategy) for r in pool]
def score(i, d):
    return w[i] * d if beta == 1 else w[i] * d ** beta
chosen = []
while len(chosen) < min(k, len(pool)):
    best = None
    for i in range(len(pool)):
        if i in chosen:
            continue
        near = max([sim(units[i], l) for l in labelled], default=0.0)
        d = 1.0 - near
        for c in chosen:
            d = min(d, 1.0 - sim(units[i], units[c]))
        s = score(i, d)
        if best is None or s > best[0]:
            best = (s, i, d)
    chosen.append(best[1])
got = [json.loads(l) for l in open(out_path)]
want = [pool[i]["id"] for i in chosen]
assert [r["id"] for r in got] == want, f"picks {[r['id'] for r in got]}, brute force {want}"
print(f"select_coreset [{strategy}, beta {beta:g}, {len(labelled)} labelled]: {len(want)} picks as the brute force")
PY
for args in "coreset 25 1 labelled.jsonl" "coreset 10 1 -" "margin 20 1 labelled.jsonl" "entropy 20 2.5 labelled.jsonl"; do
  read -r strategy k beta labelled <<< "$args"
  flags=(--strategy "$strategy" --k "$k" --beta "$beta" --embedding-field emb)
  [[ $strategy != coreset ]] && flags+=(--probs-field probs)
  [[ $labelled != - ]] && flags+=(--labelled "$labelled")
  "$DQPREP" select -q -j 1 "${flags[@]}" pool.jsonl -o out1.jsonl --rest rest1.jsonl --stats s.json
  python3 brute.py "$strategy" "$k" "$beta" "$labelled" out1.jsonl || fail "[$args] picks differ from the brute force"
  for j in 3; do
    "$DQPREP" select -q -j "$j" "${flags[@]}" pool.jsonl -o "out$j.jsonl" --rest "rest$j.jsonl"
    cmp out1.jsonl "out$j.jsonl" || fail "[$args] -j $j output differs"
    cmp rest1.jsonl "rest$j.jsonl" || fail "[$args] -j $j --rest differs"
  done
  expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' s.json)" true "[$args] summary balances"
  expect_eq "$(jq -r '._select.rank' out1.jsonl | paste -sd,)" "$(seq 1 "$k" | paste -sd,)" "[$args] ranks"
  cat <(jq -c 'del(._select)' out1.jsonl) <(jq -c . rest1.jsonl) | sort > together
  jq -c . pool.jsonl | sort > all
  cmp together all || fail "[$args] selected + rest is not the input"
done
# Coreset's distances only shrink as the batch grows (each pick is the farthest left).
"$DQPREP" select -q --strategy coreset --k 40 --embedding-field emb --labelled labelled.jsonl pool.jsonl |
  jq -r '._select.distance' | sort -g -r -c || fail "coreset distances not in descending order"

# Texts (MinHash of word sets): the labelled set is all about markets, the pool mostly too, with a
# few texts about volcanoes: the first coreset pick is a volcano text, farther from L than any other.
python3 - <<'PY'
import json, random
rng = random.Random(4)
market = "market shares investors bank today court appeal tax price trade".split()
volcano = "purple giraffe volcano lava frozen ash crater eruption".split()
def text(words):
    return " ".join(rng.choice(words) for _ in range(10))
with open("labelled_text.jsonl", "w") as f:
    for i in range(40):
        f.write(json.dumps({"id": "L%d" % i, "text": text(market)}) + "\n")
with open("pool_text.jsonl", "w") as f:
    for i in range(200):
        f.write(json.dumps({"id": i, "topic": "volcano" if i % 40 == 7 else "market", "text": text(volcano if i % 40 == 7 else market)}) + "\n")
PY
"$DQPREP" select -q --strategy coreset --labelled labelled_text.jsonl --k 3 pool_text.jsonl -o picks.jsonl --stats t.json
expect_eq "$(head -1 picks.jsonl | jq -r .topic)" volcano "first pick on texts"
expect_eq "$(jq -r .labelled t.json)" 40 "labelled records read"
# A malformed labelled line fails the run under --on-error fail, with its file and line.
{ cat labelled_text.jsonl; echo '{"id": "bad"'; } > bad.jsonl
if "$DQPREP" select -q --strategy coreset --labelled bad.jsonl --k 3 pool_text.jsonl > /dev/null 2> err.txt; then
  fail "a malformed labelled file was accepted"
fi
grep -q '^dqprep select: bad.jsonl:41: ' err.txt || grep -q 'bad.jsonl:41' err.txt || fail "no FILE:LINE for the labelled file: $(cat err.txt)"
echo "select_coreset: ok"
