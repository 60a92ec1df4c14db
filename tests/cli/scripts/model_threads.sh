# model crossval writes the same bytes for any -j and from stdin, the summary balances, and its
# --repeats averages stay deterministic too.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
python3 "$HELPERS/wordnet_glosses.py" 100 3 > in.jsonl
flags=(-q --kfold 4 --epoch 5 --seed 5)
"$DQPREP" model crossval "${flags[@]}" -j 1 in.jsonl -o out1.jsonl --stats s1.json
"$DQPREP" model crossval "${flags[@]}" -j 2 in.jsonl -o out2.jsonl --stats s2.json
cmp out1.jsonl out2.jsonl || fail "-j 2 output differs from -j 1"
"$DQPREP" model crossval "${flags[@]}" -j 2 < in.jsonl > out_stdin.jsonl
cmp out1.jsonl out_stdin.jsonl || fail "stdin output differs from the file's"
"$DQPREP" model crossval "${flags[@]}" -j 2 <(cat in.jsonl) > out_fd.jsonl
cmp out1.jsonl out_fd.jsonl || fail "<(...) output differs from the file's"
expect_eq "$(wc -l < out1.jsonl)" 500 "records out"
expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' s2.json)" true "summary balances"
expect_eq "$(jq -c 'del(.seconds)' s1.json)" "$(jq -c 'del(.seconds)' s2.json)" "same summary for -j 1 and 2"
# Every record keeps its bytes and gains _probs: 5 numbers summing to 1.
expect_eq "$(jq -c 'del(._probs)' out1.jsonl | cmp - <(jq -c . in.jsonl) && echo same)" same "other fields unchanged"
expect_eq "$(jq -r '._probs | length == 5 and ((add - 1) | fabs) < 1e-4' out1.jsonl | sort -u)" true "probability vectors"
# Repeats: deterministic, and a different (averaged) result from one repeat.
"$DQPREP" model crossval "${flags[@]}" --repeats 2 -j 1 in.jsonl -o rep1.jsonl
"$DQPREP" model crossval "${flags[@]}" --repeats 2 -j 2 in.jsonl -o rep2.jsonl
cmp rep1.jsonl rep2.jsonl || fail "--repeats 2: -j 2 output differs from -j 1"
cmp -s rep1.jsonl out1.jsonl && fail "--repeats 2 gave the same probabilities as one repeat"
# Groups stay whole: with --group-field, every record of a group is in the same fold, so two
# records of one group (here: same id prefix) never train each other. Checked through fold sizes
# summing to the input.
jq -c '.grp = (.id[0:6])' in.jsonl > grouped.jsonl
"$DQPREP" model crossval "${flags[@]}" --group-field grp grouped.jsonl -o g.jsonl --stats g.json
expect_eq "$(jq '.fold_sizes | add' g.json)" 500 "group folds cover every record"
echo "model_threads: ok"
