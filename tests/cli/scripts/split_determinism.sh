# split: the same seed and input give the same bytes for -j 1, 2 and 4, from a file or from stdin,
# in every mode; another seed gives another split; --by random shuffles each split's order
# (--order input keeps it) without changing which records go where.
source "$(dirname "$0")/lib.sh"
make_corpus full.jsonl
head -n 20000 full.jsonl > in.jsonl
# Add a group and a time field to the corpus records.
jq -c '. + {g: (.id % 997), t: (1600000000 + ((.id * 7919) % 100000))}' in.jsonl > in2.jsonl
modes=("random" "stratified" "group --group-field g" "group --group-field g --stratify" "time --time-field t"
       "stratified --kfold 5" "random --hash-mode" "random --check-leakage")
for mode in "${modes[@]}"; do
  for j in 1 2 4; do
    "$DQPREP" split -q -j "$j" --seed 7 --by $mode --assign-field split in2.jsonl > "a$j.jsonl"
    rm -rf "d$j"; "$DQPREP" split -q -j "$j" --seed 7 --by $mode --out-dir "d$j" --compress zst in2.jsonl
  done
  for j in 2 4; do
    cmp a1.jsonl "a$j.jsonl" || fail "--by $mode: -j $j output differs from -j 1"
    for f in d1/*; do cmp "$f" "d$j/${f#d1/}" || fail "--by $mode: -j $j file ${f#d1/} differs"; done
  done
  "$DQPREP" split -q -j 2 --seed 7 --by $mode --assign-field split < in2.jsonl > stdin.jsonl
  cmp a1.jsonl stdin.jsonl || fail "--by $mode: stdin differs from the file"
  expect_eq "$(wc -l < a1.jsonl)" 20000 "--by $mode: records out"
done
# Another seed, another assignment (modes that use the seed).
for mode in random stratified "group --group-field g"; do
  "$DQPREP" split -q --seed 1 --by $mode --order input --assign-field split in2.jsonl | jq -r .split > s1.txt
  "$DQPREP" split -q --seed 2 --by $mode --order input --assign-field split in2.jsonl | jq -r .split > s2.txt
  cmp -s s1.txt s2.txt && fail "--by $mode: seeds 1 and 2 give the same split"
done
# --by random: shuffled output; --order input: the same assignment in input order.
"$DQPREP" split -q --seed 3 --out-dir shuf in2.jsonl
"$DQPREP" split -q --seed 3 --order input --out-dir kept in2.jsonl
for name in train val test; do
  cmp -s "shuf/$name.jsonl" "kept/$name.jsonl" && fail "$name is not shuffled"
  expect_eq "$(sort "shuf/$name.jsonl" | md5sum)" "$(sort "kept/$name.jsonl" | md5sum)" "$name: same records"
  jq .id "kept/$name.jsonl" | sort -c -n || fail "$name: input order not kept"
done
expect_eq "$(cat shuf/*.jsonl | sort | md5sum)" "$(sort in2.jsonl | md5sum)" "every record once, unchanged"
# --order shuffled for another mode: the same records as in input order.
"$DQPREP" split -q --by stratified --order shuffled --out-dir s_shuf in2.jsonl
"$DQPREP" split -q --by stratified --out-dir s_kept in2.jsonl
expect_eq "$(sort s_shuf/val.jsonl | md5sum)" "$(sort s_kept/val.jsonl | md5sum)" "shuffled stratified: same records"
echo "split_determinism: ok"
