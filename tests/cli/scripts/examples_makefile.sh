# examples/Makefile fails every time it should: a malformed line in the raw data (a stage failing
# inside a pipe) and a failed quality gate each fail `make`, and fail it again on a second `make`
# (no truncated output or report left to be taken as up to date); a good input builds, and a second
# `make` has nothing to do.
EXAMPLES=$(cd "$(dirname "$0")/../../../examples" && pwd)
source "$(dirname "$0")/lib.sh"
cp "$EXAMPLES/Makefile" "$EXAMPLES/quality-gates.txt" .
python3 - <<'PY'
import json, random
rng = random.Random(7)
words = "the quick brown fox jumps over a lazy dog while rain falls on the quiet city river".split()
with open("good.jsonl", "w") as f:
    for i in range(30000):  # more than one batch: the failing stage leaves a partial stream behind
        text = " ".join(rng.choice(words) for _ in range(rng.randint(4, 30)))
        f.write(json.dumps({"id": i, "text": text + " %d" % i, "label": ["pos", "neg", "neu"][i % 3]}) + "\n")
PY
{ cat good.jsonl; echo '{"id": "broken", "text": "no closing brace"'; } > bad.jsonl
mk() { make --no-print-directory DQPREP="$DQPREP" "$@" >make.log 2>&1; }

# A good input: built, the gate passed, and a second make does nothing.
mk RAW=good.jsonl OUT=good || fail "make on good data failed: $(cat make.log)"
[ -f good/gate.ok ] && [ -s good/splits/train.jsonl ] || fail "no gate.ok or train split after a passing make"
mk RAW=good.jsonl OUT=good -q || fail "a second make on good data is not up to date"

# A malformed line: normalize exits 3 in the middle of the pipe; dedup, at its end, succeeds on
# the truncated stream. Both runs must fail, and leave no clean.jsonl behind.
for run in 1 2; do
  if mk RAW=bad.jsonl OUT=bad; then fail "make run $run passed on a malformed line"; fi
  grep -q 'bad.jsonl:30001: bad JSON' make.log || fail "run $run: the error is not reported: $(cat make.log)"
  [ -e bad/clean.jsonl ] && fail "run $run left a truncated bad/clean.jsonl"
  [ -e bad/gate.ok ] && fail "run $run created gate.ok"
done

# A failed gate: the report is written (post-mortem) but the gate is not passed, twice.
echo 'fail: n >= 1000000' > strict-gates.txt
for run in 1 2; do
  if mk RAW=good.jsonl OUT=strict GATES=strict-gates.txt; then fail "make run $run passed a failed gate"; fi
  grep -q 'n = 2[0-9]*, required >= 1000000' make.log || fail "run $run: the failed check is not reported: $(cat make.log)"
  [ -f strict/quality.json ] || fail "run $run: no quality.json for the post-mortem"
  [ -e strict/gate.ok ] && fail "run $run created gate.ok"
done

# The recipe the stamp replaces (docs/metrics.md before): the report as the target passes a failed
# gate the second time. (.DELETE_ON_ERROR would remove the report, and the post-mortem with it.)
cat > naive.mk <<'MK'
naive/quality.json: good.jsonl
	$(DQPREP) metrics -q $< --checks strict-gates.txt --json $@
MK
if make -f naive.mk DQPREP="$DQPREP" >make.log 2>&1; then fail "the naive recipe passed the first time"; fi
make -f naive.mk DQPREP="$DQPREP" >make.log 2>&1 || fail "expected: the naive recipe passes a failed gate the second time (it did not)"
echo "examples_makefile: ok"
