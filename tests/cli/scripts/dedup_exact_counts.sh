# Exact dedup against an independent computation: distinct texts by jq | sort -u, first occurrence
# kept, --keep longest, --normalize-key, label conflicts by Python; the summary balances.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(5)
base = [" ".join(rng.choice(["alpha", "Beta", "gamma", "delta", "eps", "\u00e9t\u00e9", "zeta", "eta"])
                 for _ in range(rng.randint(1, 12))) for _ in range(400)]
with open("in.jsonl", "w", encoding="utf-8") as f:
    for i in range(5000):
        t = rng.choice(base)
        if rng.random() < 0.2:
            t = t.upper() + rng.choice(["", "!", " .", "  "])          # same under --normalize-key only
        if rng.random() < 0.1:
            t = t + "\n" + rng.choice(base)                              # a newline inside the text
        f.write(json.dumps({"id": i, "text": t, "group": rng.randrange(300),
                            "label": rng.choice(["pos", "neg"]) if rng.random() < 0.95 else None},
                           ensure_ascii=rng.random() < 0.5) + "\n")
PY
n=$(wc -l < in.jsonl)
distinct=$(jq -c .text in.jsonl | sort -u | wc -l)
"$DQPREP" dedup -q -j 3 in.jsonl -o out.jsonl --removed removed.jsonl --stats s.json
expect_eq "$(wc -l < out.jsonl)" "$distinct" "records out = distinct texts (jq | sort -u)"
expect_eq "$(wc -l < removed.jsonl)" "$((n - distinct))" "records removed"
expect_eq "$(jq -r .in s.json),$(jq -r .out s.json),$(jq -r .rejected s.json),$(jq -r .removed s.json)" \
  "$n,$distinct,$((n - distinct)),$((n - distinct))" "summary counts"
expect_eq "$(jq -c .text out.jsonl | sort | uniq -d | wc -l)" 0 "no duplicate left"
# Two-pass exact (--mark) agrees with the one-pass streaming path.
"$DQPREP" dedup -q --mark in.jsonl -o marked.jsonl --stats m.json
expect_eq "$(jq -c 'select(.dup_of == null) | del(.dup_cluster)' marked.jsonl | md5sum)" "$(jq -c . out.jsonl | md5sum)" "--mark keeps what the filter keeps"
expect_eq "$(jq -r .clusters m.json),$(jq -r .label_conflicts m.json)" "$(jq -r .clusters s.json),$(jq -r .label_conflicts s.json)" "figures of both paths"

python3 - <<'PY'
import json, re, sys
recs = [json.loads(l) for l in open("in.jsonl", encoding="utf-8")]
def check(name, got, want):
    if got != want:
        sys.exit(f"FAIL: {name}: got {got!r:.200}, want {want!r:.200}")
# first occurrence kept; dup_of names it
first, dup_of = {}, {}
for r in recs:
    first.setdefault(r["text"], r["id"])
    if first[r["text"]] != r["id"]: dup_of[r["id"]] = first[r["text"]]
out = [json.loads(l) for l in open("out.jsonl", encoding="utf-8")]
check("ids kept", [r["id"] for r in out], sorted(set(first.values())))
removed = [json.loads(l) for l in open("removed.jsonl", encoding="utf-8")]
check("dup_of", {r["id"]: r["dup_of"] for r in removed}, dup_of)
# label conflicts: groups of 2+ whose non-null labels differ
groups = {}
for r in recs: groups.setdefault(r["text"], []).append(r["label"])
conflicts = sum(1 for g in groups.values() if len(g) > 1 and len({l for l in g if l is not None}) > 1)
check("label_conflicts", json.load(open("s.json"))["label_conflicts"], conflicts)
check("clusters", json.load(open("s.json"))["clusters"], sum(1 for g in groups.values() if len(g) > 1))
PY

# --keep longest over --key group: the kept record of each group is its longest text (first of equals).
"$DQPREP" dedup -q --key group --keep longest --mark in.jsonl -o longest.jsonl
# --normalize-key: for this ASCII-and-accents corpus, the normal form is the lowercase letters and digits.
"$DQPREP" dedup -q --normalize-key in.jsonl -o norm.jsonl
python3 - <<'PY'
import json, re, sys
recs = [json.loads(l) for l in open("in.jsonl", encoding="utf-8")]
best = {}
for r in recs:
    g = r["group"]; n = len(r["text"].encode())
    if g not in best or n > best[g][0]: best[g] = (n, r["id"])
size = {}
for r in recs: size[r["group"]] = size.get(r["group"], 0) + 1
for r in (json.loads(l) for l in open("longest.jsonl", encoding="utf-8")):
    if size[r["group"]] < 2:
        if "dup_cluster" in r: sys.exit(f"FAIL: {r['id']} alone but marked")
        continue
    want = best[r["group"]][1]
    if r["dup_cluster"] != want: sys.exit(f"FAIL: group {r['group']}: kept {r['dup_cluster']}, longest is {want}")
    if (r["id"] == want) == ("dup_of" in r): sys.exit(f"FAIL: dup_of on {r['id']}")
seen, want_ids = set(), []
for r in recs:
    k = re.sub(r"[^a-z0-9\u00e9]", "", r["text"].lower())
    if k not in seen: seen.add(k); want_ids.append(r["id"])
got = [json.loads(l)["id"] for l in open("norm.jsonl", encoding="utf-8")]
if got != want_ids: sys.exit(f"FAIL: --normalize-key kept {len(got)}, want {len(want_ids)}")
print(f"keep longest: {len(best)} groups; normalize-key: {len(want_ids)} distinct")
PY

# Balance with malformed lines quarantined, in both paths.
{ head -100 in.jsonl; echo '{"id": 1, "text": '; echo '{"id": 2}'; head -50 in.jsonl; } > mixed.jsonl
for flags in "" "--mark" "--keep longest" "--mode near"; do
  "$DQPREP" dedup -q $flags --on-error quarantine --quarantine q.jsonl mixed.jsonl -o m.out --stats m.json
  expect_eq "$(jq -r '[.in, .out + .rejected + .quarantined, .quarantined] | map(tostring) | join(",")' m.json)" "152,152,2" "balance ($flags)"
  expect_eq "$(wc -l < q.jsonl)" 2 "quarantine lines ($flags)"
  expect_eq "$(wc -l < m.out)" "$(jq -r .out m.json)" "records written ($flags)"
done
echo "dedup_exact_counts: ok"
