# select: the same bytes for any -j and from stdin, with and without --density and --diverse; the
# output and --rest together are the input; --diverse keeps planted near duplicates apart even when
# they fill the first window of the ranking.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(3)
words = ("market shares court appeal recipe flour oven goal match team software update error forum "
         "thread river castle dragon protein cell energy model data train test price tax bank").split()
with open("pool.jsonl", "w") as f:
    for i in range(6000):
        r = {"id": i, "text": " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))}
        if rng.random() < 0.8:
            p = [rng.random() for _ in range(4)]
            s = sum(p)
            r["probs"] = [x / s for x in p]
        f.write(json.dumps(r) + "\n")
# 100 near copies of one long text, all more uncertain than any other record, then 200 records.
base = " ".join(rng.choice(words) for _ in range(80))
with open("dups.jsonl", "w") as f:
    for i in range(100):
        f.write(json.dumps({"id": "dup%d" % i, "text": base + " tail%d" % i, "probs": [0.5, 0.5 - i * 1e-4, i * 1e-4]}) + "\n")
    for i in range(200):
        text = " ".join(rng.choice(words) for _ in range(30)) + " unique%d" % i
        f.write(json.dumps({"id": "u%d" % i, "text": text, "probs": [0.6 + i * 1e-3, 0.4 - i * 1e-3]}) + "\n")
PY
for flags in "" "--strategy margin --density" "--strategy entropy --diverse" "--density --diverse --beta 2"; do
  for j in 1 2 5; do
    "$DQPREP" select -q -j "$j" --seed 7 --probs-field probs --k 300 --density-sample 200 $flags pool.jsonl \
      -o "out$j.jsonl" --rest "rest$j.jsonl" --stats "s$j.json"
  done
  for j in 2 5; do
    cmp out1.jsonl "out$j.jsonl" || fail "[$flags] -j $j output differs from -j 1"
    cmp rest1.jsonl "rest$j.jsonl" || fail "[$flags] -j $j --rest differs from -j 1"
  done
  "$DQPREP" select -q -j 3 --seed 7 --probs-field probs --k 300 --density-sample 200 $flags - < pool.jsonl > stdin.jsonl
  cmp out1.jsonl stdin.jsonl || fail "[$flags] stdin output differs from the file's"
  expect_eq "$(wc -l < out1.jsonl)" 300 "[$flags] records selected"
  expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' s1.json)" true "[$flags] summary balances"
  # Selected (without _select) + rest = the input, and the ranks run 1..300 in order.
  cat <(jq -c 'del(._select)' out1.jsonl) <(jq -c . rest1.jsonl) | sort > together
  jq -c . pool.jsonl | sort > all
  cmp together all || fail "[$flags] selected + rest is not the input"
  expect_eq "$(jq -r '._select.rank' out1.jsonl | paste -sd, | md5sum)" "$(seq 1 300 | paste -sd, | md5sum)" "[$flags] ranks in order"
  # Scores never increase down the ranking.
  jq -r '._select.score' out1.jsonl | sort -g -r -c || fail "[$flags] scores not in descending order"
  # The rest keeps input order.
  expect_eq "$(jq -r .id rest1.jsonl | paste -sd,)" "$(jq -r .id rest1.jsonl | sort -n | paste -sd,)" "[$flags] rest in input order"
done

# Planted near duplicates: without --diverse they take the top 100 ranks; with it one of them is
# chosen, then the 200 distinct records (a second, larger window is needed for them).
"$DQPREP" select -q --probs-field probs --k 50 dups.jsonl > plain.jsonl
expect_eq "$(jq -r .id plain.jsonl | grep -c '^dup')" 50 "near duplicates fill the plain ranking"
"$DQPREP" select -q --probs-field probs --k 50 --diverse dups.jsonl --stats d.json > diverse.jsonl
expect_eq "$(jq -r .id diverse.jsonl | head -3 | paste -sd,)" "dup0,u0,u1" "diverse ranking"
expect_eq "$(jq -r .id diverse.jsonl | grep -c '^dup')" 1 "one near duplicate kept"
expect_eq "$(jq -r .near_duplicates_skipped d.json)" 99 "near duplicates skipped"
expect_eq "$(jq -r .diverse_windows d.json)" 2 "windows walked"
# --diverse-threshold 1: only identical signatures are near duplicates, so the copies stay.
"$DQPREP" select -q --probs-field probs --k 50 --diverse --diverse-threshold 1 dups.jsonl > loose.jsonl
expect_eq "$(jq -r .id loose.jsonl | grep -c '^dup')" 50 "threshold 1 keeps distinct copies"
echo "select_threads: ok"
