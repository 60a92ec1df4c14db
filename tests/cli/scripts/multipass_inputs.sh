# Every multi-pass stage gives the same bytes whatever kind of input the shell hands it: a file,
# '-', /dev/stdin, a process substitution <(...), a FIFO, and the same compressed. No spill file
# is left behind, and a malformed line keeps its name and line number in every case.
source "$(dirname "$0")/lib.sh"
make_corpus corpus.jsonl 3000
# Near copies, exact copies and probabilities, so that every stage has something to decide.
python3 - <<'PY'
import json, random
rng = random.Random(5)
rows = [json.loads(l) for l in open("corpus.jsonl")]
with open("corpus.jsonl", "a") as f:
    for i in range(300):
        r = dict(rng.choice(rows))
        r["id"] = "copy%d" % i
        r["text"] = r["text"] + (" tail" if i % 2 else "")
        f.write(json.dumps(r) + "\n")
with open("pool.jsonl", "w") as f:
    for r in rows[:2000]:
        p = [rng.random() for _ in range(3)]
        r["probs"] = [x / sum(p) for x in p]
        f.write(json.dumps(r) + "\n")
json.dump([{"name": "kw_alpha", "label": "a", "keywords": ["alpha"]},
           {"name": "kw_beta", "label": "B", "keywords": ["beta", "gamma"]},
           {"name": "kw_end", "label": "a", "keywords": ["end"]}], open("rules.json", "w"))
PY
"$DQPREP" dedup sign -q --mode near corpus.jsonl -o corpus.sig
"$DQPREP" dedup cluster -q corpus.sig -o clusters.bin

commands=(
  "dedup --mode near --mark --verify"
  "dedup --mode exact --keep longest"
  "dedup apply --clusters clusters.bin --mark"
  "label-check --labels a,B --near"
  "split --by stratified --assign-field split --seed 3"
  "augment --balance --ops swap,delete --seed 2"
  "select --probs-field probs --k 100 --density --density-sample 50"
  "weak-label --rules rules.json --model dawid-skene --keep-unlabeled"
)
mkdir -p tmp
export TMPDIR=$WORK/tmp
for cmd in "${commands[@]}"; do
  input=corpus.jsonl
  [[ $cmd == select* ]] && input=pool.jsonl
  gzip -c "$input" > input.gz
  # shellcheck disable=SC2086
  run() { "$DQPREP" $cmd -q -j 2 "$@"; }
  run "$input" -o want.jsonl
  [[ -s want.jsonl ]] || fail "[$cmd] no output on a file"
  run - < "$input" > got-dash.jsonl
  cat "$input" | run /dev/stdin > got-devstdin.jsonl
  run <(cat "$input") > got-procsub.jsonl
  run <(cat input.gz) > got-procsub-gz.jsonl
  rm -f fifo && mkfifo fifo
  cat "$input" > fifo &
  run fifo > got-fifo.jsonl
  wait
  for got in got-*.jsonl; do
    cmp want.jsonl "$got" || fail "[$cmd] $got differs from the output on the file"
  done
  [[ -z "$(ls tmp)" ]] || fail "[$cmd] left files in TMPDIR: $(ls tmp)"
  rm -f got-*.jsonl
done

# A malformed line is named by the input's name, not by a spill file's.
{ head -5 corpus.jsonl; echo '{"id": broken'; } > bad.jsonl
set +e
msg=$(cat bad.jsonl | "$DQPREP" label-check -q - 2>&1 >/dev/null); code=$?
set -e
expect_eq "$code" 3 "exit code of a malformed line from stdin"
expect_eq "${msg%%: bad JSON*}" "<stdin>:6" "message of a malformed line from stdin"
set +e
msg=$("$DQPREP" split -q --assign-field split <(cat bad.jsonl) 2>&1 >/dev/null); code=$?
set -e
expect_eq "$code" 3 "exit code of a malformed line from a process substitution"
[[ $msg == /dev/fd/*:6:* ]] || fail "message names the process substitution: $msg"

# Standard input named twice is a usage error.
set +e
"$DQPREP" dedup --mode near - - < corpus.jsonl > /dev/null 2>&1; code=$?
set -e
expect_eq "$code" 2 "stdin given twice"
echo "multipass_inputs: ok"
