# dedup sign / cluster / apply over 4 shards gives the same bytes as one `dqprep dedup` over the
# same 4 files (exact and near, near verified by default and with --verify --threshold, --no-verify
# with --keep longest, with and without --mark, --removed, and malformed lines quarantined); one-process runs are identical for -j 1, 2 and 4.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(11)
vocab = ["w%d" % i for i in range(4000)] + ["Caf\u00e9", "na\u00efve", "\u6570\u636e", "END."]
texts = []
with open("all.jsonl", "w", encoding="utf-8") as f:
    for i in range(3000):
        r = rng.random()
        if texts and r < 0.10:
            t = rng.choice(texts)                                  # exact copy
        elif texts and r < 0.35:
            w = rng.choice(texts).split()                          # near copy: a few words changed
            for _ in range(rng.randint(0, max(1, len(w) // 25))):
                w[rng.randrange(len(w))] = rng.choice(vocab)
            t = " ".join(w)
        else:
            t = " ".join(rng.choice(vocab) for _ in range(rng.randint(20, 300)))
        texts.append(t)
        rec = {"text": t, "label": rng.choice(["a", "b", "c"])}
        if rng.random() < 0.9:
            rec = {"id": "r%d" % i, **rec}                          # the others are named FILE:LINE
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        if i % 701 == 5:
            f.write('{"id": "broken", "text": \n')                  # malformed: quarantined
        if i % 997 == 3:
            f.write('{"id": "notext"}\n')                           # no text field: quarantined
PY
split -n l/4 -d --additional-suffix=.jsonl all.jsonl shard
SHARDS="shard00.jsonl shard01.jsonl shard02.jsonl shard03.jsonl"
Q="--on-error quarantine"

# run_case NAME "SIGN/DEDUP FLAGS" "CLUSTER FLAGS" --mark|--removed
run_case() {
  local name=$1 keyflags=$2 clusterflags=$3 outflags=""
  [[ $4 == --mark ]] && outflags=--mark
  local sigs=()
  for s in $SHARDS; do
    "$DQPREP" dedup sign -q $Q --quarantine "$name.$s.signq" $keyflags "$s" -o "$name.$s.sig"
    sigs+=("$name.$s.sig")
  done
  "$DQPREP" dedup cluster -q $clusterflags "${sigs[@]}" -o "$name.clusters" --stats "$name.cluster.json"
  : >"$name.sharded"; : >"$name.sharded.removed"; : >"$name.sharded.q"
  # Shards are applied in reverse order, each on its own: the cluster file says which is which.
  for s in $(echo $SHARDS | tr ' ' '\n' | tac); do
    "$DQPREP" dedup apply -q $Q --quarantine "$name.$s.q" --clusters "$name.clusters" $outflags \
      $( [[ $4 == --removed ]] && echo "--removed $name.$s.removed" ) "$s" -o "$name.$s.out"
  done
  for s in $SHARDS; do
    cat "$name.$s.out" >>"$name.sharded"
    [[ -f $name.$s.removed ]] && cat "$name.$s.removed" >>"$name.sharded.removed"
    cat "$name.$s.q" >>"$name.sharded.q"
  done
  for j in 1 2 4; do
    "$DQPREP" dedup -q -j "$j" $Q --quarantine "$name.one$j.q" $keyflags $clusterflags $outflags \
      $( [[ $4 == --removed ]] && echo "--removed $name.one$j.removed" ) $SHARDS -o "$name.one$j" --stats "$name.one$j.json"
  done
  cmp "$name.sharded" "$name.one1" || fail "$name: sharded output differs from one process"
  cmp "$name.sharded.q" "$name.one1.q" || fail "$name: sharded quarantine differs"
  if [[ $4 == --removed ]]; then
    cmp "$name.sharded.removed" "$name.one1.removed" || fail "$name: sharded --removed differs"
    [[ -s $name.one1.removed ]] || fail "$name: nothing removed"
  fi
  for j in 2 4; do
    cmp "$name.one1" "$name.one$j" || fail "$name: -j $j output differs from -j 1"
  done
  expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' "$name.one1.json")" true "$name: summary balances"
  expect_eq "$(jq -r .duplicates "$name.cluster.json")" "$(jq -r .duplicates "$name.one1.json")" "$name: cluster duplicates"
  expect_eq "$(jq -r .label_conflicts "$name.cluster.json")" "$(jq -r .label_conflicts "$name.one1.json")" "$name: label conflicts"
  expect_eq "$(jq -r .quarantined "$name.one1.json")" "$(grep -c '"broken"\|"notext"' all.jsonl)" "$name: quarantined"
  local dups; dups=$(jq -r .duplicates "$name.one1.json")
  [[ $dups -gt 300 ]] || fail "$name: only $dups duplicates found"
  echo "$name: $(jq -c '{in, out, rejected, quarantined, clusters, duplicates, label_conflicts}' "$name.one1.json")"
}

run_case exact "--mode exact" "" "--removed"
run_case exact-mark "--mode exact" "" "--mark"
run_case near "--mode near" "" "--removed"
run_case near-mark "--mode near" "" "--mark"
run_case near-verify "--mode near --verify" "--verify --threshold 0.85" "--mark"
run_case near-longest "--mode near --no-verify" "--no-verify --keep longest" "--removed"
expect_eq "$(jq -r .pairs_verified near-verify.cluster.json)" "$(jq -r .pairs_verified near-verify.one1.json)" "pairs verified"
expect_eq "$(jq -r .pairs_verified near.cluster.json)" "$(jq -r .pairs_verified near.one1.json)" "pairs verified by default"
[[ $(jq -r .pairs_verified near.one1.json) -gt 0 ]] || fail "the default near run verified no pair"
# the shards' own quarantine files, from sign, are the one-process quarantine too
cat near.shard0{0,1,2,3}.jsonl.signq | cmp - near.one1.q || fail "sign's quarantine differs"

# Without names in the output, one process over the concatenated file gives the same records.
"$DQPREP" dedup -q --mode near --on-error skip all.jsonl -o concat.out
expect_eq "$(grep -vc dup_ near.sharded || true)" "$(wc -l < concat.out)" "record count against the concatenation"
"$DQPREP" dedup -q --mode near --on-error skip $SHARDS -o near.plain
cmp near.plain concat.out || fail "one process over the shards differs from one over their concatenation"
# Standard input is spilled and read twice.
"$DQPREP" dedup -q --mode near --on-error skip < all.jsonl > stdin.out
cmp stdin.out concat.out || fail "stdin run differs"

# --shard names the shard explicitly; the wrong one is refused.
"$DQPREP" dedup apply -q --on-error skip --clusters near.clusters --shard 2 shard02.jsonl -o s2.out
cmp s2.out near.shard02.jsonl.out || fail "--shard 2"
if "$DQPREP" dedup apply -q --on-error skip --clusters near.clusters --shard 1 shard02.jsonl -o bad.out 2>err.txt; then
  fail "apply accepted the wrong --shard"
fi
grep -q "is not shard 1" err.txt || fail "wrong --shard message: $(cat err.txt)"
# Decontamination is one pass with any number of threads.
head -400 all.jsonl > ref.jsonl
for j in 1 4; do
  "$DQPREP" dedup -q -j "$j" --on-error skip --against ref.jsonl --mode near --verify --removed "against$j.removed" all.jsonl -o "against$j.out"
  "$DQPREP" dedup -q -j "$j" --on-error skip --against ref.jsonl --ngram-overlap=8 all.jsonl -o "overlap$j.out"
done
cmp against1.out against4.out && cmp against1.removed against4.removed || fail "--against differs between -j 1 and -j 4"
cmp overlap1.out overlap4.out || fail "--ngram-overlap differs between -j 1 and -j 4"
[[ $(wc -l < against1.removed) -ge 398 ]] || fail "--against missed copies of the references"
echo "dedup_sharded: ok"
