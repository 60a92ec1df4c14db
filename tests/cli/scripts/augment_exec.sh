# augment --exec: a real helper program (uppercases), the same bytes for any -j, and helpers that
# crash, stall, answer garbage or do not exist: a clear message, exit 4, no output file, no helper left.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
make_corpus full.jsonl
head -n 2000 full.jsonl > in.jsonl
for j in 1 2 4; do
  "$DQPREP" augment -q -j "$j" --exec "$HELPERS/upper.py" --num-aug 2 in.jsonl -o "out$j.jsonl" --stats "s$j.json"
done
cmp out1.jsonl out2.jsonl || fail "-j 2 output differs from -j 1"
cmp out1.jsonl out4.jsonl || fail "-j 4 output differs from -j 1"
python3 - out1.jsonl s1.json <<'PY' || fail "exec output"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
stats = json.load(open(sys.argv[2]))
source = None
new = 0
for r in lines:
    if "aug" not in r:
        source = r
        continue
    new += 1
    assert r["aug"] == {"op": "exec", "source_id": source["id"]}, r
    assert r["text"] == source["text"].upper(), (r, source)
    assert r["text"] != source["text"]
    assert {k: v for k, v in r.items() if k not in ("text", "aug")} == {k: v for k, v in source.items() if k != "text"}, r
assert stats["in"] == 2000 and stats["originals_out"] == 2000 and stats["augmented"] == new, stats
# The helper is deterministic: the second request of each record repeats the first.
assert stats["exec_requests"] == 4000 and stats["duplicate_variants"] + stats["unchanged_variants"] == 4000 - new, stats
assert stats["unchanged_variants"] > 0 and new > 1900, stats  # texts without lower-case letters stay as they are
assert stats["in"] == stats["originals_out"] + stats["rejected"] + stats["quarantined"]
assert stats["out"] == stats["originals_out"] + stats["augmented"]
PY

# Requests name the exact field of each user turn; the rest of the record is untouched.
cat > chat.jsonl <<'J'
{"id":"c1","messages":[{"role":"system","content":"sys"},{"role":"user","content":"hi"},{"role":"assistant","content":"yo"},{"role":"user","content":"bye"}]}
J
cat > echo_field.py <<'P'
import json, sys
for line in sys.stdin:
    q = json.loads(line)
    print(json.dumps({"text": "%s|%s|%d|%s" % (q["id"], q["field"], q["variant"], q["text"])}), flush=True)
P
"$DQPREP" augment -q --format chat --exec "python3 echo_field.py" --num-aug 2 chat.jsonl > chat.out
expect_eq "$(sed -n 2p chat.out)" '{"id":"c1","messages":[{"role":"system","content":"sys"},{"role":"user","content":"c1|messages[1].content|0|hi"},{"role":"assistant","content":"yo"},{"role":"user","content":"c1|messages[3].content|0|bye"}],"aug":{"op":"exec","source_id":"c1"}}' "chat request fields"
expect_eq "$(sed -n 3p chat.out | jq -r '.messages[3].content')" "c1|messages[3].content|1|bye" "second variant"

# Failures. Each must exit 4, name the helper and the record, and leave no output file.
expect_failure() {  # name, expected message part, extra flags...
  local name=$1 want=$2
  shift 2
  local start=$SECONDS code=0
  "$DQPREP" augment "$@" in.jsonl -o "fail_$name.jsonl" 2>"err_$name" || code=$?
  expect_eq "$code" 4 "$name: exit code"
  grep -qF -- "$want" "err_$name" || fail "$name: stderr lacks '$want': $(cat "err_$name")"
  grep -qF "(record in.jsonl:" "err_$name" || fail "$name: no record named: $(cat "err_$name")"
  [ ! -e "fail_$name.jsonl" ] || fail "$name: a partial output file was left"
  [ $((SECONDS - start)) -lt 20 ] || fail "$name: took $((SECONDS - start)) s"
}
expect_failure crash "the helper exited with status 7 after 1 of 4 answers" --exec "$HELPERS/crash.sh"
grep -qF "crash.sh: giving up" err_crash || fail "the helper's stderr is not passed through"
expect_failure stall "gave no answer within 0.5 s (--exec-timeout)" --exec "$HELPERS/stall.sh" --exec-timeout 0.5 -j 2
expect_failure garbage "wrote answer 1 that is not a JSON object with a string \"text\"" --exec "$HELPERS/garbage.sh"
expect_failure missing "exited with status 127 (command not found?)" --exec "./no-such-helper"
expect_failure early_exit "exited with status 0 after 0 of 4 answers" --exec "true"
sleep 0.2
if pgrep -f "sleep 60.0417" >/dev/null; then fail "a stalled helper was left running"; fi
echo "augment_exec: ok"
