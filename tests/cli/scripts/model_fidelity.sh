# model train + model eval agree with fastText's own CLI (fasttext supervised + fasttext test) on a
# real corpus: WordNet noun glosses, 5 lexicographer classes x 400 synsets (80% train, 20% test).
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
command -v fasttext >/dev/null || fail "the fasttext CLI is missing: apt-get install fasttext (tools/setup.sh)"
python3 "$HELPERS/wordnet_glosses.py" 400 11 > all.jsonl
jq -c 'select(.split == "train")' all.jsonl > train.jsonl
jq -c 'select(.split == "test")' all.jsonl > test.jsonl
to_fasttext() { jq -r '"__label__" + .label + " " + (.text | gsub("\n"; " "))' "$1"; }
to_fasttext train.jsonl > ft.train
to_fasttext test.jsonl > ft.test
fasttext supervised -input ft.train -output ft -epoch 25 -lr 0.1 -thread 1 -seed 3 -verbose 0 >/dev/null
cli=$(fasttext test ft.bin ft.test | awk '$1 == "P@1" {print $2}')

# Shuffled training (the default): another order of the same data, so close but not equal.
"$DQPREP" model train -q --epoch 25 --lr 0.1 --seed 3 train.jsonl -o ours.bin
"$DQPREP" model eval -q --model ours.bin test.jsonl --json ours.json
ours=$(jq .accuracy ours.json)
echo "model_fidelity: fasttext CLI accuracy $cli, dqprep (shuffled) $ours"
python3 -c "import sys; d = abs($cli - $ours); sys.exit(0 if d <= 0.02 else 1)" ||
  fail "accuracy $ours is not within 0.02 of fastText's $cli"

# In input order, as the CLI reads its file: the same model, byte for byte, and the same accuracy.
"$DQPREP" model train -q --no-shuffle --epoch 25 --lr 0.1 --seed 3 train.jsonl -o ordered.bin
cmp ordered.bin ft.bin || fail "--no-shuffle: the model differs from fasttext supervised's"
"$DQPREP" model eval -q --model ordered.bin test.jsonl --json ordered.json
# fasttext test prints 3 digits: equal up to that rounding.
close() { python3 -c "import sys; sys.exit(0 if abs($1 - $2) <= 0.0006 else 1)" || fail "$3: $1 vs $2"; }
close "$(jq .accuracy ordered.json)" "$cli" "--no-shuffle accuracy"
# fastText's CLI reads our model.
close "$(fasttext test ours.bin ft.test | awk '$1 == "P@1" {print $2}')" "$ours" "fasttext test on our model"
# Character and word n-grams in hash buckets: the same flags give the same model as the CLI's.
# (-lr given: the CLI reads it in single precision, as dqprep does; its own default is the double 0.1.)
fasttext supervised -input ft.train -output ftn -lr 0.1 -epoch 5 -thread 1 -seed 3 -verbose 0 \
  -wordNgrams 2 -minn 2 -maxn 4 -bucket 20000 -dim 20 >/dev/null
"$DQPREP" model train -q --no-shuffle --epoch 5 --seed 3 --word-ngrams 2 --minn 2 --maxn 4 --bucket 20000 --dim 20 \
  train.jsonl -o ngrams.bin --stats ngrams.json
cmp ngrams.bin ftn.bin || fail "--minn/--maxn/--bucket: the model differs from fasttext supervised's"
expect_eq "$(jq -c '[.minn, .maxn, .bucket]' ngrams.json)" "[2,4,20000]" "n-gram flags in --stats"
echo "model_fidelity: ok"
