# split --check-leakage: exact and near duplicates planted across splits are found (and only
# they); --fail-on-leakage exits 1 after writing the splits; splitting by the duplicate cluster
# removes the leakage.
source "$(dirname "$0")/lib.sh"
# A time split puts records where the test wants them: t < 800 train, 800-899 val, 900-999 test.
python3 - <<'PY'
import json, random
rng = random.Random(4)
vocab = ["w%d" % i for i in range(5000)]
def text(): return " ".join(rng.choice(vocab) for _ in range(60))
recs = {t: {"id": "r%d" % t, "text": text(), "t": t, "cluster": "c%d" % t} for t in range(1000)}
def copy(src, dst, edit=None):
    words = recs[src]["text"].split()
    if edit: words = edit(words)
    recs[dst]["text"] = " ".join(words)
    recs[dst]["cluster"] = recs[src]["cluster"]
def one_word(w): w = list(w); w[30] = "changed"; return w          # Jaccard 51/61 = 0.84
def many_words(w): return [x if i % 4 else "other%d" % i for i, x in enumerate(w)]  # Jaccard ~0
def case_and_punct(w): return [x.upper() + "," for x in w]        # same normal form: near, not exact
copy(10, 950)            # exact: train - test
copy(11, 850); copy(11, 960)  # exact: one text in train, val and test (2 pairs)
copy(20, 870, one_word)  # near: train - val
copy(21, 970, case_and_punct)  # near (J = 1 on the normal form), not exact
copy(30, 31)             # exact, both in train: no leak
copy(40, 980, many_words)  # dissimilar: no leak
with open("in.jsonl", "w") as f:
    for t in rng.sample(range(1000), 1000):
        f.write(json.dumps(recs[t]) + "\n")
PY
set +e
"$DQPREP" split --by time --time-field t --out-dir parts --fail-on-leakage --leakage leak.jsonl \
  --stats s.json in.jsonl 2> err.txt
code=$?
set -e
expect_eq "$code" 1 "--fail-on-leakage exit code"
grep -q "leakage.exact_pairs = 3, required == 0" err.txt || fail "message: $(tail -3 err.txt)"
grep -q "leakage.near_pairs = 2, required == 0" err.txt || fail "message: $(tail -3 err.txt)"
# The splits are written all the same.
expect_eq "$(cat parts/train.jsonl parts/val.jsonl parts/test.jsonl | wc -l)" 1000 "splits written"
expect_eq "$(jq -c '[.kind, .a.id, .a.split, .b.id, .b.split]' leak.jsonl | sort | tr '\n' ' ')" \
  '["exact","r10","train","r950","test"] ["exact","r11","train","r850","val"] ["exact","r11","train","r960","test"] ["near","r20","train","r870","val"] ["near","r21","train","r970","test"] ' \
  "leak pairs"
expect_eq "$(jq -c '.leakage | [.exact_pairs, .exact_groups, .exact_records, .near_pairs, .near_records]' s.json)" \
  "[3,2,5,2,4]" "leakage counts"
expect_eq "$(jq -c '.leakage.by_splits' s.json)" \
  '{"train/test":{"exact":2,"near":1},"train/val":{"exact":1,"near":1}}' "by_splits"
expect_eq "$(jq -r 'select(.a.id == "r20") | .jaccard' leak.jsonl)" "0.8361" "near pair's Jaccard (51/61)"
expect_eq "$(jq '.leakage.pairs | length' s.json)" 5 "pairs in --stats"
# Records without an id are named FILE:LINE.
jq -c 'del(.id)' in.jsonl > noid.jsonl
"$DQPREP" split -q --by time --time-field t --assign-field s --leakage leak2.jsonl noid.jsonl > /dev/null
jq -r '.a.id' leak2.jsonl | grep -qE '^noid\.jsonl:[0-9]+$' || fail "FILE:LINE names: $(head -1 leak2.jsonl)"
# A stricter threshold keeps the 0.84 pair out; the case-and-punctuation copy (J = 1) stays.
"$DQPREP" split -q --by time --time-field t --assign-field s --leakage leak3.jsonl --near-threshold 0.9 in.jsonl > /dev/null
expect_eq "$(jq -r 'select(.kind == "near") | .b.id' leak3.jsonl)" "r970" "threshold 0.9"
# Split by duplicate cluster: no leakage, exit 0.
"$DQPREP" split -q --by group --group-field cluster --out-dir parts2 --fail-on-leakage --stats s2.json in.jsonl
expect_eq "$(jq -c '.leakage | [.exact_pairs, .near_pairs]' s2.json)" "[0,0]" "no leakage by cluster"
# The leakage check needs the text fields: a record without them is malformed.
echo '{"id":"x","t":1}' > notext.jsonl
set +e
"$DQPREP" split --check-leakage --assign-field s notext.jsonl > /dev/null 2> err2.txt
code=$?
set -e
expect_eq "$code" 3 "missing text exit code"
grep -q "^notext.jsonl:1: missing text field 'text'" err2.txt || fail "message: $(cat err2.txt)"
echo "split_leakage: ok"
