# Signatures do not depend on the CPU: dedup sign with the AVX2 signature loop and with the portable
# one (DQPREP_PORTABLE=1) writes the same bytes, shard by shard, on WordNet's glosses with planted
# near duplicates; so do the one-process near dedup and the cluster file.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(9)
glosses = []
with open("/usr/share/wordnet/data.verb", encoding="utf-8", errors="replace") as f:
    for line in f:
        if not line.startswith("  ") and "|" in line:
            glosses.append(line.split("|", 1)[1].strip())
with open("all.jsonl", "w", encoding="utf-8") as f:
    for i, text in enumerate(glosses):
        f.write(json.dumps({"id": i, "text": text}) + "\n")
        words = text.split()
        if rng.random() < 0.2 and len(words) > 4:
            words.append("again")
            f.write(json.dumps({"id": "c%d" % i, "text": " ".join(words)}) + "\n")
PY
split -n l/3 -d --additional-suffix=.jsonl all.jsonl shard
have_avx2=no
grep -qw avx2 /proc/cpuinfo && have_avx2=yes
for s in shard00 shard01 shard02; do
  "$DQPREP" dedup sign -q --mode near --verify $s.jsonl -o $s.native.sig --stats $s.native.json
  DQPREP_PORTABLE=1 "$DQPREP" dedup sign -q --mode near --verify $s.jsonl -o $s.portable.sig --stats $s.portable.json
  expect_eq "$(jq -r .minhash_kernel $s.portable.json)" portable "$s: DQPREP_PORTABLE=1 takes the portable loop"
  if [[ $have_avx2 == yes ]]; then
    expect_eq "$(jq -r .minhash_kernel $s.native.json)" avx2 "$s: a CPU with AVX2 takes the AVX2 loop"
  fi
  cmp $s.native.sig $s.portable.sig || fail "$s: the signature files differ between the AVX2 and the portable loop"
done
DQPREP_PORTABLE=0 "$DQPREP" dedup sign -q --mode near shard00.jsonl -o zero.sig --stats zero.json
expect_eq "$(jq -r .minhash_kernel zero.json)" "$(jq -r .minhash_kernel shard00.native.json)" "DQPREP_PORTABLE=0 changes nothing"
# Shards signed each way cluster together into the cluster file of shards signed one way.
"$DQPREP" dedup cluster -q --verify shard00.native.sig shard01.native.sig shard02.native.sig -o native.bin --stats native.json
"$DQPREP" dedup cluster -q --verify shard00.portable.sig shard01.native.sig shard02.portable.sig -o mixed.bin
cmp native.bin mixed.bin || fail "a cluster file of mixed shards differs"
[[ $(jq -r .duplicates native.json) -gt 500 ]] || fail "only $(jq -r .duplicates native.json) duplicates"
"$DQPREP" dedup -q --mode near --mark all.jsonl -o native.jsonl
DQPREP_PORTABLE=1 "$DQPREP" dedup -q --mode near --mark all.jsonl -o portable.jsonl
cmp native.jsonl portable.jsonl || fail "one-process near dedup differs between the loops"
echo "dedup_portable: ok (CPU with AVX2: $have_avx2)"
