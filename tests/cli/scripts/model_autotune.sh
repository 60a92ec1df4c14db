# model train --autotune-validation: fastText's autotune strategy on WordNet glosses (5 classes).
# What is deterministic is tested exactly: with --autotune-trials alone the search is the same on
# any machine (same choice, same model bytes on a second run); the choice is valid and reported
# (stderr, --stats); fixed flags stay fixed; the model is the best trial's (model eval on the
# validation records gives the reported best score, --args-from gives the same model bytes, and
# crossval --args-from equals crossval with the printed flags); the tuned model beats a bad fixed
# setting on the test split. The time-bounded search (--autotune-duration) is only checked to
# stop and to report valid options: its choice depends on the machine's speed.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
python3 "$HELPERS/wordnet_glosses.py" 300 3 > all.jsonl
jq -c 'select(.split == "train")' all.jsonl > train_all.jsonl
head -n 700 train_all.jsonl > train.jsonl
tail -n +701 train_all.jsonl > val.jsonl
jq -c 'select(.split == "test")' all.jsonl > test.jsonl

tune=(--seed 1 --autotune-validation val.jsonl --autotune-trials 6 --dim 30 --bucket 100000)
"$DQPREP" model train "${tune[@]}" train.jsonl -o auto.bin --stats auto.json 2> err.txt
cat err.txt
expect_eq "$(jq -r '.autotune | [.trials, .trials_scored + .trials_skipped + .trials_cut] | @tsv' auto.json)" $'6\t6' "trials counted"
expect_eq "$(jq -r '.autotune.fixed | join(",")' auto.json)" "bucket,dim" "flags given are fixed"
expect_eq "$(jq -r '[.dim, .bucket] | @tsv' auto.json)" $'30\t100000' "fixed values kept"
expect_eq "$(jq -r '.autotune.best_score >= .autotune.first_score' auto.json)" true "best >= first trial"
# The stderr line gives the chosen options as flags, the same as --stats.
flags=$(sed -n 's/^model train: autotune chose \(.*\) ([0-9]* trials scored.*$/\1/p' err.txt)
[[ -n $flags ]] || fail "no 'autotune chose' line on stderr"
from_stats=$(jq -r '"--epoch \(.epoch) --word-ngrams \(.word_ngrams) --minn \(.minn) --maxn \(.maxn) --bucket \(.bucket) --dim \(.dim) --loss \(.loss)"' auto.json)
expect_eq "$(sed 's/ --lr [^ ]*//' <<< "$flags")" "$from_stats" "stderr flags = --stats figures"
# The same search again (another -j): the same choice and model.
"$DQPREP" model train -q -j 2 "${tune[@]}" train.jsonl -o again.bin --stats again.json
expect_eq "$(jq -c 'del(.seconds, .model, .autotune.search_seconds)' again.json)" \
  "$(jq -c 'del(.seconds, .model, .autotune.search_seconds)' auto.json)" "a trial-bounded search repeats"
cmp auto.bin again.bin || fail "a trial-bounded search gave another model"
# The model is the best trial's: its validation accuracy (= fastText's f1 with one label a line)
# is the reported best score, and --args-from (or the printed flags) trains the same bytes.
"$DQPREP" model eval -q --model auto.bin val.jsonl --json val_eval.json
python3 -c "import sys; sys.exit(0 if abs($(jq .accuracy val_eval.json) - $(jq .autotune.best_score auto.json)) < 1e-9 else 1)" ||
  fail "validation accuracy $(jq .accuracy val_eval.json) is not the reported best score $(jq .autotune.best_score auto.json)"
"$DQPREP" model train -q --seed 1 --args-from auto.json train.jsonl -o from_stats.bin
cmp auto.bin from_stats.bin || fail "--args-from does not give the autotuned model"
# shellcheck disable=SC2086
"$DQPREP" model train -q --seed 1 $flags train.jsonl -o from_flags.bin
cmp auto.bin from_flags.bin || fail "the printed flags do not give the autotuned model"
# crossval reuses the choice: --args-from equals the flags.
"$DQPREP" model crossval -q --kfold 2 --seed 2 --args-from auto.json train.jsonl > cv_args.jsonl
# shellcheck disable=SC2086
"$DQPREP" model crossval -q --kfold 2 --seed 2 $flags train.jsonl > cv_flags.jsonl
cmp cv_args.jsonl cv_flags.jsonl || fail "crossval --args-from differs from crossval with the flags"
# A flag given wins over the file.
"$DQPREP" model train -q --seed 1 --args-from auto.json --epoch 1 train.jsonl -o override.bin --stats override.json
expect_eq "$(jq -r '[.epoch, .dim] | @tsv' override.json)" $'1\t30' "--epoch given wins over --args-from"

# Better than a bad fixed setting, on the test split.
"$DQPREP" model train -q --seed 1 --epoch 1 --lr 0.01 --dim 30 train.jsonl -o bad.bin
"$DQPREP" model eval -q --model auto.bin test.jsonl --json auto_test.json
"$DQPREP" model eval -q --model bad.bin test.jsonl --json bad_test.json
tuned=$(jq .accuracy auto_test.json)
bad=$(jq .accuracy bad_test.json)
echo "model_autotune: test accuracy tuned $tuned (validation $(jq .autotune.best_score auto.json), first trial $(jq .autotune.first_score auto.json)); bad fixed setting $bad"
python3 -c "import sys; sys.exit(0 if $tuned >= $bad + 0.1 else 1)" || fail "the tuned model ($tuned) is not better than a bad setting ($bad)"

# Time-bounded: stops, reports valid options (the model they train is the one written).
"$DQPREP" model train -q --seed 1 --autotune-validation val.jsonl --autotune-duration 2 --dim 20 --bucket 50000 \
  train.jsonl -o timed.bin --stats timed.json
expect_eq "$(jq -r '.autotune | (.duration == 2 and .max_trials == null and .trials >= 1 and .trials_scored >= 1)' timed.json)" true "timed search"
"$DQPREP" model train -q --seed 1 --args-from timed.json train.jsonl -o timed_again.bin
cmp timed.bin timed_again.bin || fail "--args-from does not give the time-bounded search's model"

# Usage errors.
set +e
"$DQPREP" model train -q --autotune-duration 5 train.jsonl -o x.bin 2> e1.txt; expect_eq $? 2 "--autotune-duration alone"
"$DQPREP" model train -q --autotune-validation val.jsonl --args-from auto.json train.jsonl -o x.bin 2> e2.txt; expect_eq $? 2 "--args-from with autotune"
echo '{"stage": "select"}' > not_model.json
"$DQPREP" model crossval -q --args-from not_model.json train.jsonl > /dev/null 2> e3.txt; expect_eq $? 2 "--args-from a file without options"
set -e
grep -q "needs --autotune-validation" e1.txt || fail "message: $(cat e1.txt)"
grep -q "no training option in it" e3.txt || fail "message: $(cat e3.txt)"
echo "model_autotune: ok"
