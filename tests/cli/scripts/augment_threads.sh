# augment writes the same bytes for any -j (EDA with WordNet, char noise, balancing, Gaussian
# noise, mixup), and its summary balances: in = originals_out + rejected + quarantined,
# out = originals_out + augmented.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(7)
words = ("the quick brown fox jumps over a lazy dog near river bank old house city market small "
         "happy story teacher child garden music bright cold water fire mountain friend walk talk "
         "strong weak light heavy clean warm book paper price road car green run play work").split()
with open("in.jsonl", "w") as f:
    for i in range(12000):
        n = rng.randint(1, 80)
        text = " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."
        label = rng.choices(["a", "b", "c"], weights=[6, 3, 1])[0]
        rec = {"id": "r%d" % i, "text": text, "label": label, "vec": [round(rng.gauss(0, 1), 4) for _ in range(4)]}
        if i % 97 == 0:
            del rec["id"]
        f.write(json.dumps(rec) + "\n")
PY
check_same() {  # name, flags...
  local name=$1
  shift
  for j in 1 2 4; do
    "$DQPREP" augment -q -j "$j" --seed 5 "$@" in.jsonl -o "$name.$j.jsonl" --stats "$name.$j.json"
  done
  cmp "$name.1.jsonl" "$name.2.jsonl" || fail "$name: -j 2 output differs from -j 1"
  cmp "$name.1.jsonl" "$name.4.jsonl" || fail "$name: -j 4 output differs from -j 1"
  expect_eq "$(jq -r '.in == .originals_out + .rejected + .quarantined and .out == .originals_out + .augmented' "$name.4.json")" \
    true "$name: summary balances"
  expect_eq "$(jq -r '.augmented == ([.ops[]] | add)' "$name.4.json")" true "$name: ops add up"
  expect_eq "$(grep -c '"aug":' "$name.1.jsonl")" "$(jq -r .augmented "$name.1.json")" "$name: new records counted"
}
check_same eda --ops synonym,insert,swap,delete,char-noise --num-aug 3
check_same balance --balance --ops synonym,swap,delete
check_same gaussian --numeric-field vec --gaussian 0.1 --num-aug 2
check_same mixup --numeric-field vec --mixup 0.4 --mixup-pool 50
# A different seed gives different variants.
"$DQPREP" augment -q --seed 6 --ops synonym,insert,swap,delete,char-noise --num-aug 3 in.jsonl -o eda.seed6.jsonl
if cmp -s eda.1.jsonl eda.seed6.jsonl; then fail "--seed 6 gave the same output as --seed 5"; fi
# Standard input is read twice by two-pass runs (spilled to a file): the same result.
# Records without an id are named FILE:LINE, here <stdin>:LINE.
"$DQPREP" augment -q -j 3 --seed 5 --balance --ops synonym,swap,delete < in.jsonl > balance.stdin.jsonl
grep -q '"source_id":"<stdin>:' balance.stdin.jsonl || fail "no record named <stdin>:LINE"
sed 's/"source_id":"<stdin>:/"source_id":"in.jsonl:/' balance.stdin.jsonl | cmp balance.1.jsonl - ||
  fail "--balance from stdin differs from the file"
echo "augment_threads: ok"
