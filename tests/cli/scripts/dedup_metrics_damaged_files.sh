# A damaged signature, cluster or partial-state file (a changed byte anywhere, a cut) is bad input:
# exit 3 and "FILE: damaged <kind> file (...)", and nothing is written. So is a file of format
# version 1, with a request to re-create it.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json
with open("a.jsonl", "w") as f:
    for i in range(200):
        f.write(json.dumps({"id": i, "text": "record number %d of the shard" % (i % 150), "label": "ab"[i % 2]}) + "\n")
PY
"$DQPREP" dedup sign -q --mode near a.jsonl -o a.sig
"$DQPREP" dedup cluster -q a.sig -o a.clusters
"$DQPREP" metrics -q --partial -o a.state a.jsonl
"$DQPREP" metrics -q --near --partial -o near.state a.jsonl

# changed FILE OFFSET OUT: OUT is FILE with the byte at OFFSET (negative: from the end) inverted.
changed() {
  python3 - "$@" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[int(sys.argv[2])] ^= 0xFF
open(sys.argv[3], "wb").write(data)
PY
}
# expect_damaged KIND FILE COMMAND...: the command exits 3 with "FILE: damaged KIND file (".
expect_damaged() {
  local kind=$1 file=$2 code=0
  shift 2
  "$@" 2>err.txt >/dev/null || code=$?
  expect_eq "$code" 3 "$kind: exit code of '$*'"
  grep -q "^$file: damaged $kind file (" err.txt || fail "$kind: message of '$*': $(cat err.txt)"
}

for at in 10 40 200 -30 -1; do                         # header, entries, footer
  changed a.sig $at bad.sig
  expect_damaged signature bad.sig "$DQPREP" dedup cluster -q bad.sig -o out.clusters
done
head -c 300 a.sig > cut.sig
expect_damaged signature cut.sig "$DQPREP" dedup cluster -q cut.sig -o out.clusters
[[ ! -e out.clusters ]] || fail "dedup cluster wrote a cluster file from a damaged signature file"

for at in 9 30 -12 -1; do
  changed a.clusters $at bad.clusters
  expect_damaged cluster bad.clusters "$DQPREP" dedup apply -q --clusters bad.clusters a.jsonl -o out.jsonl
done
head -c 50 a.clusters > cut.clusters
expect_damaged cluster cut.clusters "$DQPREP" dedup apply -q --clusters cut.clusters a.jsonl -o out.jsonl
[[ ! -e out.jsonl ]] || fail "dedup apply wrote records with a damaged cluster file"

for at in 60 -100 -1; do                              # header line, key block, checksum
  changed a.state $at bad.state
  expect_damaged partial-state bad.state "$DQPREP" metrics merge -q a.state bad.state --json out.json
done
changed near.state -20 bad.state                      # the shingle sets, last block
expect_damaged partial-state bad.state "$DQPREP" metrics merge -q near.state bad.state --json out.json
head -c -3 a.state > cut.state
expect_damaged partial-state cut.state "$DQPREP" metrics merge -q cut.state --json out.json
[[ ! -e out.json ]] || fail "metrics merge wrote a report from a damaged partial state"

# Version 1 (no checksums): refused, with what to do.
python3 - <<'PY'
for name in ("a.sig", "a.clusters"):
    data = bytearray(open(name, "rb").read())
    data[8] = 1
    open("v1." + name.split(".")[1], "wb").write(data)
open("v1.state", "wb").write(open("a.state", "rb").read().replace(b'"version":3', b'"version":1', 1))
PY
code=0; "$DQPREP" dedup cluster -q v1.sig -o out.clusters 2>err.txt || code=$?
expect_eq "$code $(cat err.txt)" "3 v1.sig: written by an older dqprep (format version 1); re-create it with \`dqprep dedup sign\`" "v1 signature file"
code=0; "$DQPREP" dedup apply -q --clusters v1.clusters a.jsonl 2>err.txt >/dev/null || code=$?
expect_eq "$code $(cat err.txt)" "3 v1.clusters: written by an older dqprep (format version 1); re-create it with \`dqprep dedup cluster\`" "v1 cluster file"
code=0; "$DQPREP" metrics merge -q v1.state 2>err.txt || code=$?
expect_eq "$code $(cat err.txt)" "3 v1.state: written by an older dqprep (format version 1); re-create it with \`dqprep metrics --partial\`" "v1 partial state"

# The intact files still work.
"$DQPREP" dedup apply -q --clusters a.clusters a.jsonl -o ok.jsonl
expect_eq "$(wc -l < ok.jsonl)" 150 "records kept with the intact cluster file"
"$DQPREP" metrics merge -q a.state --json ok.json
expect_eq "$(jq .n ok.json)" 200 "records of the intact partial state"
echo "dedup_metrics_damaged_files: ok"
