# augment --adversarial on WordNet glosses (5 classes): a model trained on 800 glosses is attacked on
# 200 test glosses with a budget of 0.15. Checked exactly, record by record: each copy's p_before and
# p_after are the model's probabilities of the label for the original and the copy (model predict),
# p_after < p_before; the copy differs from its source in 1..floor(0.15 x words) words, none of them
# a stop word or a word of the label's name; the same bytes for any -j. Measured and printed: the
# mean drop of the true-label probability, the accuracy on the attacked copies, and whether a model
# trained with attacked copies of the training set does better on attacked test sets.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
python3 "$HELPERS/wordnet_glosses.py" 200 5 > all.jsonl
jq -c 'select(.split == "train")' all.jsonl > train.jsonl
jq -c 'select(.split == "test")' all.jsonl > test.jsonl
"$DQPREP" model train -q --epoch 25 --seed 1 train.jsonl -o m.bin

"$DQPREP" augment -q -j 1 --adversarial --model m.bin --budget 0.15 --no-original test.jsonl -o adv.jsonl --stats s.json
"$DQPREP" augment -q -j 3 --adversarial --model m.bin --budget 0.15 --no-original test.jsonl -o adv3.jsonl
cmp adv.jsonl adv3.jsonl || fail "-j 3 differs from -j 1"
copies=$(wc -l < adv.jsonl)
expect_eq "$(jq -r .adversarial.attacked s.json)" "$copies" "copies counted"
(( copies >= 50 )) || fail "only $copies of 200 test glosses attacked"
expect_eq "$(jq -r '.in == .originals_out + .rejected + .quarantined and .out == .originals_out + .augmented' s.json)" true "invariant"

# The model's probabilities of the label, for the sources and the copies.
"$DQPREP" model predict -q --model m.bin --probs-field probs --field predicted test.jsonl > test_pred.jsonl
"$DQPREP" model predict -q --model m.bin --probs-field probs --field predicted adv.jsonl > adv_pred.jsonl
python3 - <<'PY' || fail "the attacked copies are not what the method says"
import json, math, re
STOP = set("""i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that these those am
is are was were be been being have has had having do does did doing a an the and but if or because as until
while of at by for with about against between into through during before after above below to from up down in
out on off over under again further then once here there when where why how all any both each few more most
other some such no nor not only own same so than too very s t can will just don should now""".split())
classes = sorted({json.loads(l)["label"] for l in open("train.jsonl")})
source = {r["id"]: r for r in map(json.loads, open("test_pred.jsonl"))}
copies = [json.loads(l) for l in open("adv_pred.jsonl")]
drops = []
for c in copies:
    s = source[c["aug"]["source_id"]]
    k = classes.index(s["label"])
    a = c["aug"]
    assert a["op"] == "adversarial"
    assert abs(a["p_before"] - s["probs"][k]) <= 2e-6, (a, s["probs"][k])
    assert abs(a["p_after"] - c["probs"][k]) <= 2e-6, (a, c["probs"][k])
    assert a["p_after"] < a["p_before"], a
    before, after = s["text"].split(), c["text"].split()
    assert len(before) == len(after), (s["text"], c["text"])
    words = sum(1 for w in before if re.search(r"\w", w))
    changed = [(x, y) for x, y in zip(before, after) if x != y]
    assert 1 <= len(changed) == a["substitutions"] <= math.floor(0.15 * words + 1e-9), (s["text"], c["text"])
    cue = set(re.split(r"[^a-z0-9]+", s["label"].lower())) - {""}
    for x, _ in changed:
        core = re.sub(r"^\W+|\W+$", "", x).lower()
        assert core not in STOP and core not in cue and not re.search(r"\d", core), (x, s["text"])
    drops.append(a["p_before"] - a["p_after"])
print(f"augment_adversarial: {len(copies)} copies of 200 glosses; mean true-label probability drop {sum(drops) / len(drops):.3f}")
PY

# Measured: accuracy on the sources of the copies and on the copies; adversarial training.
jq -c '.aug.source_id' adv.jsonl | sort > attacked_ids
jq -c 'select(.id as $i | $i)' test.jsonl | python3 -c "
import json, sys
ids = {json.loads(l) for l in open('attacked_ids')}
for l in sys.stdin:
    if json.loads(l)['id'] in ids: sys.stdout.write(l)" > attacked_sources.jsonl
accuracy() { "$DQPREP" model eval -q --model "$1" "$2" --json e.json && jq .accuracy e.json; }
clean=$(accuracy m.bin attacked_sources.jsonl)
attacked=$(accuracy m.bin adv.jsonl)
python3 -c "import sys; sys.exit(0 if $attacked < $clean else 1)" || fail "the attack did not lower the accuracy ($clean -> $attacked)"
"$DQPREP" augment -q --adversarial --model m.bin --budget 0.15 train.jsonl -o train_adv.jsonl --stats st.json
"$DQPREP" model train -q --epoch 25 --seed 1 train_adv.jsonl -o m2.bin
"$DQPREP" augment -q --adversarial --model m2.bin --budget 0.15 --no-original test.jsonl -o adv2.jsonl
echo "augment_adversarial: model m (800 glosses): accuracy $clean on the $(wc -l < adv.jsonl) attacked sources, $attacked on their copies attacked against m"
echo "augment_adversarial: model m2 (+ $(jq .augmented st.json) copies of the training set attacked against m): $(accuracy m2.bin adv.jsonl) on the copies attacked against m, $(accuracy m2.bin adv2.jsonl) on $(wc -l < adv2.jsonl) copies attacked against m2 (m on its own: $attacked), $(accuracy m2.bin test.jsonl) on the clean test set (m: $(accuracy m.bin test.jsonl))"
echo "augment_adversarial: ok"
