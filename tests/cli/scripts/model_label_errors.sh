# The loop in one line: model crossval | label-check --drop finds planted label errors. WordNet
# glosses, 5 classes x 400, 20% of the labels flipped to another class (seeded).
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
python3 "$HELPERS/wordnet_glosses.py" 400 21 > clean.jsonl
python3 - <<'PY'
import json, random
rng = random.Random(4)
classes = ["noun.animal", "noun.artifact", "noun.food", "noun.person", "noun.plant"]
with open("clean.jsonl") as f, open("noisy.jsonl", "w") as out:
    for line in f:
        r = json.loads(line)
        r["true_label"] = r["label"]
        if rng.random() < 0.2:
            r["label"] = rng.choice([c for c in classes if c != r["label"]])
        out.write(json.dumps(r) + "\n")
PY
classes=noun.animal,noun.artifact,noun.food,noun.person,noun.plant
"$DQPREP" model crossval -q --epoch 25 --seed 1 noisy.jsonl --stats cv.json |
  "$DQPREP" label-check -q --probs-field _probs --classes "$classes" --no-conflicts --drop \
    --rejects flagged.jsonl -o kept.jsonl --stats lc.json
expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' lc.json)" true "label-check summary balances"
read -r flips flagged hits <<<"$(python3 - <<'PY'
import json
noisy = [json.loads(l) for l in open("noisy.jsonl")]
flagged = [json.loads(l) for l in open("flagged.jsonl")]
flips = sum(r["label"] != r["true_label"] for r in noisy)
hits = sum(r["label"] != r["true_label"] for r in flagged)
print(flips, len(flagged), hits)
PY
)"
recall=$(python3 -c "print(round($hits / $flips, 3))")
precision=$(python3 -c "print(round($hits / $flagged, 3))")
echo "model_label_errors: $flips flips planted, $flagged flagged, $hits of them flips: recall $recall, precision $precision"
python3 -c "import sys; sys.exit(0 if $recall >= 0.8 and $precision >= 0.5 else 1)" ||
  fail "recall $recall (want >= 0.8) or precision $precision (want >= 0.5) too low"
echo "model_label_errors: ok"
