# weak-label: the same bytes for any -j and from stdin for both models; the summary balances; on
# records whose labeling functions have known rates, Dawid-Skene labels more records correctly than
# the majority vote, and --analysis measures each rule's coverage and accuracy as simulated.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(11)
classes = ["a", "b", "c"]
# (label, trigger word, P(fires | its class), P(fires | another class)); the last two are noisy.
rules = [("a", "alpha", 0.6, 0.05), ("a", "apple", 0.3, 0.02), ("b", "bravo", 0.5, 0.05),
         ("b", "banana", 0.4, 0.10), ("c", "charlie", 0.7, 0.03), ("c", "cherry", 0.2, 0.01),
         ("a", "anything", 0.5, 0.45), ("b", "whatever", 0.35, 0.3)]
filler = "the of and to in is that it was for on are with as at by this from or an be".split()
# One regex rule: tokens like "x042", on 0.4 of class c and 0.02 of the others.
json.dump([{"name": "r_" + w, "label": l, "keywords": [w]} for l, w, _, _ in rules]
          + [{"name": "r_regex", "label": "c", "regex": "\\bx\\d{3}\\b"}], open("rules.json", "w"))
with open("data.jsonl", "w") as f:
    for i in range(20000):
        u = rng.random()
        t = "a" if u < 0.5 else "b" if u < 0.8 else "c"
        words = [rng.choice(filler) for _ in range(rng.randint(5, 30))]
        for l, w, on, off in rules:
            if rng.random() < (on if l == t else off):
                words.insert(rng.randrange(len(words) + 1), w.upper() if rng.random() < 0.2 else w)
        if rng.random() < (0.4 if t == "c" else 0.02):
            words.insert(rng.randrange(len(words) + 1), "x%03d" % rng.randrange(1000))
        f.write(json.dumps({"id": i, "text": " ".join(words), "gold": t}) + "\n")
PY
for model in majority dawid-skene; do
  for j in 1 2 5; do
    "$DQPREP" weak-label -q -j "$j" --model "$model" --rules rules.json --gold-field gold --analysis \
      --unlabeled "u$j.jsonl" data.jsonl -o "out$j.jsonl" --stats "s$j.json"
  done
  for j in 2 5; do
    cmp out1.jsonl "out$j.jsonl" || fail "$model: -j $j output differs from -j 1"
    cmp u1.jsonl "u$j.jsonl" || fail "$model: -j $j --unlabeled differs from -j 1"
    cmp <(jq 'del(.seconds)' s1.json) <(jq 'del(.seconds)' "s$j.json") || fail "$model: -j $j summary differs"
  done
  "$DQPREP" weak-label -q -j 3 --model "$model" --rules rules.json --gold-field gold - < data.jsonl > stdin.jsonl
  cmp out1.jsonl stdin.jsonl || fail "$model: stdin output differs from the file's"
  expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' s1.json)" true "$model: summary balances"
  expect_eq "$(( $(wc -l < out1.jsonl) + $(wc -l < u1.jsonl) ))" 20000 "$model: labeled + unlabeled"
  expect_eq "$(jq -r '.labeled == .out and .unlabeled + .tied == .rejected' s1.json)" true "$model: counts"
  # Every written record carries a label with its confidence in (0, 1].
  expect_eq "$(jq -r 'select(.label == null or .label_confidence <= 0 or .label_confidence > 1) | .id' out1.jsonl | wc -l)" 0 \
    "$model: labels and confidences"
  cp s1.json "$model.json"
done
ds=$(jq .gold_correct dawid-skene.json)
mv=$(jq .gold_correct majority.json)
echo "weak_label_threads: correct labels: dawid-skene $ds, majority $mv (of 20000)"
[[ $ds -gt $((mv + 500)) ]] || fail "dawid-skene ($ds correct) does not beat majority ($mv correct)"
# Analysis: r_alpha fires on 0.6 of class a (share 0.5) and 0.05 of the rest: coverage ~ 0.325,
# accuracy ~ 0.3 / 0.325 = 0.92; the noisy r_anything: coverage ~ 0.475, accuracy ~ 0.25 / 0.475.
row() { jq -r --arg n "$1" --arg k "$2" '.rules_analysis[] | select(.name == $n) | .[$k]' majority.json; }
near() { python3 -c "import sys; sys.exit(0 if abs($1 - $2) <= $3 else 1)" || fail "$4: $1, want $2 +- $3"; }
near "$(row r_alpha coverage)" 0.325 0.015 "r_alpha coverage"
near "$(row r_alpha accuracy)" 0.923 0.02 "r_alpha accuracy"
near "$(row r_anything coverage)" 0.475 0.015 "r_anything coverage"
near "$(row r_anything accuracy)" 0.526 0.03 "r_anything accuracy"
# Dawid-Skene's own estimate of each rule's accuracy agrees with the measured one.
for r in r_alpha r_charlie r_regex r_anything r_whatever; do
  est=$(jq -r --arg n "$r" '.rules_analysis[] | select(.name == $n) | .estimated_accuracy' dawid-skene.json)
  got=$(jq -r --arg n "$r" '.rules_analysis[] | select(.name == $n) | .accuracy' dawid-skene.json)
  near "$est" "$got" 0.05 "$r estimated accuracy"
done
echo "weak_label_threads: ok"
