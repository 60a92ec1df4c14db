# Near dedup verifies candidates by default: on WordNet glosses (4 to a text, ~70 words) with planted
# copies of 1 to 3 edited words, whose Jaccard of word 5-grams falls on both sides of 0.8
# (tests/cli/helpers/short_texts.py), the default run removes a record only when its true Jaccard
# with its dup_of is >= 0.8 (brute force over every pair) and finds nearly every such pair;
# --verify is the same run; --no-verify joins LSH candidates unchecked, as the default did before,
# and removes pairs below 0.8 too. metrics --near counts what dedup removes, verified and not, in
# one run and merged from shards; the sharded dedup verifies by default as well.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
python3 "$HELPERS/short_texts.py" make 600 300 7 4 3 > corpus.jsonl

"$DQPREP" dedup -q --mode near --removed removed.jsonl corpus.jsonl -o kept.jsonl --stats default.json
"$DQPREP" dedup -q --mode near --verify --removed removed-flag.jsonl corpus.jsonl -o kept-flag.jsonl
cmp kept.jsonl kept-flag.jsonl && cmp removed.jsonl removed-flag.jsonl || fail "--verify changes the default run"
"$DQPREP" dedup -q --mode near --no-verify --removed removed-nv.jsonl corpus.jsonl -o kept-nv.jsonl --stats nv.json
echo "default: $(jq -c '{duplicates, pairs_verified, pairs_rejected}' default.json)"
echo "--no-verify: $(jq -c '{duplicates, pairs_verified, pairs_rejected}' nv.json)"

python3 - "$HELPERS" <<'PY' || fail "the default near dedup removed what it should not, or missed pairs"
import json, sys
from collections import defaultdict
sys.path.insert(0, sys.argv[1])
from short_texts import shingles
recs = [json.loads(l) for l in open("corpus.jsonl")]
index = {r["id"]: i for i, r in enumerate(recs)}
sets = [shingles(r["text"], "word:5") for r in recs]
def jaccard(a, b):
    return len(sets[a] & sets[b]) / len(sets[a] | sets[b])
# every pair sharing a shingle, brute force through an index of the shingles
by_shingle = defaultdict(list)
for i, s in enumerate(sets):
    for g in s:
        by_shingle[g].append(i)
pairs = {(ids[x], ids[y]) for ids in by_shingle.values() for x in range(len(ids)) for y in range(x + 1, len(ids))}
similar = {p for p in pairs if jaccard(*p) >= 0.8}
planted = [(index[r["planted_from"]], i) for i, r in enumerate(recs) if "planted_from" in r]
below = sum(jaccard(a, b) < 0.8 for a, b in planted)
print(f"{len(recs)} records, {len(similar)} pairs at Jaccard >= 0.8, {len(planted)} planted ({below} below 0.8)")
assert len(similar) >= 80 and below >= 80, "the corpus lacks pairs on one side of 0.8"

def removed(path):  # record -> its dup_of
    return {index[r["id"]]: index[r["dup_of"]] for r in map(json.loads, open(path))}
default, unverified = removed("removed.jsonl"), removed("removed-nv.jsonl")
low = {r: round(jaccard(r, d), 3) for r, d in default.items() if jaccard(r, d) < 0.8}
assert not low, f"removed below 0.8: {low}"
caught = sum(max(p) in default for p in similar)
print(f"default: {len(default)} removed, all at Jaccard >= 0.8 with their dup_of; {caught} of {len(similar)} pairs >= 0.8 caught")
assert caught >= 0.9 * len(similar)
low_nv = sum(jaccard(r, d) < 0.8 for r, d in unverified.items())
print(f"--no-verify: {len(unverified)} removed, {low_nv} below 0.8 with their dup_of")
assert low_nv >= 20, "--no-verify removed no pair below 0.8: it does not join candidates unchecked"
assert set(default) <= set(unverified), "--no-verify kept a record the verified run removed"
PY

# Decontamination in near mode verifies too: the planted copies against their sources.
jq -c 'select(.planted_from)' corpus.jsonl > copies.jsonl
jq -c 'select(.planted_from == null)' corpus.jsonl > sources.jsonl
"$DQPREP" dedup -q --mode near --against sources.jsonl --removed leak.jsonl copies.jsonl -o /dev/null
"$DQPREP" dedup -q --mode near --no-verify --against sources.jsonl --removed leak-nv.jsonl copies.jsonl -o /dev/null
python3 - "$HELPERS" <<'PY' || fail "dedup --against in near mode removed what it should not"
import json, sys
sys.path.insert(0, sys.argv[1])
from short_texts import shingles
text = {r["id"]: r["text"] for r in map(json.loads, open("corpus.jsonl"))}
def jaccard(a, b):
    x, y = shingles(text[a], "word:5"), shingles(text[b], "word:5")
    return len(x & y) / len(x | y)
copies = [json.loads(l) for l in open("copies.jsonl")]
similar = sum(jaccard(c["id"], c["planted_from"]) >= 0.8 for c in copies)
leak = [json.loads(l) for l in open("leak.jsonl")]
leak_nv = [json.loads(l) for l in open("leak-nv.jsonl")]
assert all(jaccard(r["id"], r["dup_of"]) >= 0.8 for r in leak), "--against removed a copy below 0.8"
assert len(leak) >= 0.9 * similar, (len(leak), similar)
below = sum(jaccard(r["id"], r["dup_of"]) < 0.8 for r in leak_nv)
print(f"--against: {len(leak)} of {len(copies)} copies removed ({similar} at >= 0.8); --no-verify {len(leak_nv)}, {below} below 0.8")
assert below >= 20
PY

# metrics --near counts what dedup removes: verified by default, the estimate with --no-verify;
# merged from shards, the same figures.
"$DQPREP" metrics -q --unlabeled --near corpus.jsonl --json m.json
"$DQPREP" metrics -q --unlabeled --near --no-verify corpus.jsonl --json m-nv.json
expect_eq "$(jq -r .near_duplicates m.json)" "$(jq -r .duplicates default.json)" "metrics --near against dedup"
expect_eq "$(jq -r .near_duplicates m-nv.json)" "$(jq -r .duplicates nv.json)" "metrics --near --no-verify against dedup --no-verify"
expect_eq "$(jq -r .near_threshold m.json)" 0.8 "near_threshold in the report"
expect_eq "$(jq -r .near_threshold m-nv.json)" null "near_threshold with --no-verify"
head -450 corpus.jsonl > a.jsonl
tail -n +451 corpus.jsonl > b.jsonl
for flag in "" --no-verify; do
  "$DQPREP" metrics -q --unlabeled --near $flag --partial -o "a$flag.state" a.jsonl
  "$DQPREP" metrics -q --unlabeled --near $flag --partial -o "b$flag.state.zst" b.jsonl
  "$DQPREP" metrics merge -q "a$flag.state" "b$flag.state.zst" --json "merged$flag.json"
done
diff <(jq 'del(.seconds)' merged.json) <(jq 'del(.seconds)' m.json) || fail "merged verified report differs from one run"
diff <(jq 'del(.seconds)' merged--no-verify.json) <(jq 'del(.seconds)' m-nv.json) || fail "merged --no-verify report differs"
# A threshold of the gate's own; states verified and not do not merge.
"$DQPREP" metrics -q --unlabeled --near --near-threshold 0.6 corpus.jsonl --json m60.json
[[ $(jq -r .near_duplicates m60.json) -gt $(jq -r .near_duplicates m.json) ]] || fail "--near-threshold 0.6 counts no more"
if "$DQPREP" metrics merge -q a.state b--no-verify.state.zst 2>err.txt; then fail "verified and unverified states merged"; fi
grep -q "near_verify" err.txt || fail "mixed states: $(cat err.txt)"

# Sharded dedup: verified by default, the one-process output; a shard signed with --no-verify is refused.
for s in a b; do "$DQPREP" dedup sign -q --mode near "$s.jsonl" -o "$s.sig"; done
"$DQPREP" dedup cluster -q a.sig b.sig -o clusters.bin --stats cluster.json
for s in a b; do "$DQPREP" dedup apply -q --clusters clusters.bin "$s.jsonl" -o "$s.out"; done
cat a.out b.out | cmp - kept.jsonl || fail "sharded dedup differs from the one-process default"
"$DQPREP" dedup sign -q --mode near --no-verify b.jsonl -o b-nv.sig
if "$DQPREP" dedup cluster -q a.sig b-nv.sig -o mixed.bin 2>err.txt; then fail "a shard signed with --no-verify was verified"; fi
grep -q "b-nv.sig was signed with --no-verify" err.txt || fail "mixed signature files: $(cat err.txt)"
[[ ! -e mixed.bin ]] || fail "a cluster file was written"
"$DQPREP" dedup cluster -q --no-verify a.sig b-nv.sig -o nv.bin 2>/dev/null
for s in a b; do "$DQPREP" dedup apply -q --clusters nv.bin "$s.jsonl" -o "$s.nv.out"; done
cat a.nv.out b.nv.out | cmp - kept-nv.jsonl || fail "sharded --no-verify differs from one process"
echo "dedup_verify_default: ok"
