# select on the probabilities dqprep's model writes, as docs/select.md shows: (1) an active-learning
# round — a model trained on a labelled seed scores an unlabelled pool (model predict --probs-field)
# and select picks the least certain; (2) re-annotation — model crossval's out-of-sample
# probabilities of a labelled set, and select picks the records to look at again.
# WordNet glosses, 5 classes.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
python3 "$HELPERS/wordnet_glosses.py" 300 5 0.5 > all.jsonl
jq -c 'select(.split == "train")' all.jsonl > seed.jsonl
jq -c 'select(.split == "test") | del(.label)' all.jsonl > pool.jsonl
"$DQPREP" model train -q --epoch 25 --seed 1 seed.jsonl -o m.bin
"$DQPREP" model predict -q --model m.bin --probs-field probs pool.jsonl |
  "$DQPREP" select -q --probs-field probs --strategy margin --k 50 -o batch.jsonl --rest pool.next.jsonl --stats sel.json
pool=$(wc -l < pool.jsonl)
expect_eq "$(wc -l < batch.jsonl)" 50 "records selected"
expect_eq "$(( $(wc -l < batch.jsonl) + $(wc -l < pool.next.jsonl) ))" "$pool" "selected + rest = pool"
# The batch is the 50 smallest margins of the pool, in rank order, computed here from the probabilities.
python3 - <<'PY' || fail "the batch is not the 50 records of smallest margin"
import json
def margin(r):
    p = sorted(r["probs"], reverse=True)
    return p[0] - p[1]
batch = [json.loads(l) for l in open("batch.jsonl")]
rest = [json.loads(l) for l in open("pool.next.jsonl")]
assert [r["_select"]["rank"] for r in batch] == list(range(1, 51)), "ranks"
assert max(map(margin, batch)) <= min(map(margin, rest)) + 1e-6, "a rest record has a smaller margin"
assert all(abs(r["_select"]["score"] - (1 - margin(r))) < 1e-6 for r in batch), "score = 1 - margin"
PY
# The uncertain records are harder: the seed model is less often right on the batch than on the rest.
python3 - <<'PY' || fail "the selected records are not the harder ones"
import json
gold = {json.loads(l)["id"]: json.loads(l)["label"] for l in open("all.jsonl")}
def accuracy(path):
    rs = [json.loads(l) for l in open(path)]
    return sum(r.get("label") == gold[r["id"]] for r in rs) / len(rs)
b, r = accuracy("batch.jsonl"), accuracy("pool.next.jsonl")
print(f"model_select_loop: seed-model accuracy on the batch {b:.3f}, on the rest {r:.3f}")
assert b < r
PY
# Re-annotation: crossval probabilities of the labelled seed, the 30 most uncertain by entropy.
"$DQPREP" model crossval -q --epoch 25 --seed 1 seed.jsonl |
  "$DQPREP" select -q --probs-field _probs --strategy entropy --k 30 -o recheck.jsonl
expect_eq "$(wc -l < recheck.jsonl)" 30 "records to re-check"
expect_eq "$(jq -s 'map(._select.score) | . == (sort | reverse)' recheck.jsonl)" true "recheck ranked by entropy"
echo "model_select_loop: ok"
