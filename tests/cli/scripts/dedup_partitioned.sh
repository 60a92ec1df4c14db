# dedup cluster in partitions (--partition I/N, then --edges) writes the same cluster file, byte for
# byte, as one dedup cluster, on WordNet's glosses (wordnet-base) with planted near duplicates:
# 1, 3, 8 and 20 partitions (more partitions than bands), verified (the default, and --verify with
# another --threshold), --no-verify with --keep longest and other bands, edge files given in any
# order. Damaged, missing, duplicated and foreign edge files are refused.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(5)
glosses = []
for pos in ("noun", "verb", "adj", "adv"):
    with open("/usr/share/wordnet/data." + pos, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("  ") and "|" in line:
                glosses.append((line.split(" ", 1)[0], line.split("|", 1)[1].strip()))
rng.shuffle(glosses)
glosses = glosses[:12000]
with open("all.jsonl", "w", encoding="utf-8") as f:
    for i, (offset, text) in enumerate(glosses):
        f.write(json.dumps({"id": "g%s-%d" % (offset, i), "text": text, "label": "L%d" % (i % 3)}) + "\n")
        r = rng.random()
        words = text.split()
        if r < 0.15 and len(words) > 6:                    # a near copy: one word changed or dropped
            k = rng.randrange(len(words))
            if rng.random() < 0.5:
                words[k] = rng.choice(words)
            else:
                del words[k]
            f.write(json.dumps({"id": "c%d" % i, "text": " ".join(words), "label": "L%d" % (i % 2)}) + "\n")
        elif r < 0.22:
            f.write(json.dumps({"text": text.upper() + "!"}) + "\n")  # the same words; named FILE:LINE
        if i % 2999 == 7:
            f.write('{"id": "broken", "text": \n')          # malformed: quarantined
PY
split -n l/4 -d --additional-suffix=.jsonl all.jsonl shard
SHARDS=(shard00.jsonl shard01.jsonl shard02.jsonl shard03.jsonl)

# check NAME "SIGN FLAGS" "CLUSTER FLAGS" PARTITIONS...
check() {
  local name=$1 signflags=$2 clusterflags=$3; shift 3
  local sigs=()
  for s in "${SHARDS[@]}"; do
    "$DQPREP" dedup sign -q --on-error skip --mode near $signflags "$s" -o "$name.$s.sig"
    sigs+=("$name.$s.sig")
  done
  "$DQPREP" dedup cluster -q $clusterflags "${sigs[@]}" -o "$name.one.bin" --stats "$name.one.json"
  local dups; dups=$(jq -r .duplicates "$name.one.json")
  [[ $dups -gt 1000 ]] || fail "$name: only $dups duplicates: the test does not test what it says"
  for n in "$@"; do
    local edges=()
    for ((i = n - 1; i >= 0; i--)); do  # edge files in reverse order: the union sorts them by partition
      "$DQPREP" dedup cluster -q --partition "$i/$n" "${sigs[@]}" -o "$name.$n.$i.edges" --stats "$name.$n.$i.json"
      edges+=(--edges "$name.$n.$i.edges")
    done
    "$DQPREP" dedup cluster -q $clusterflags "${edges[@]}" "${sigs[@]}" -o "$name.$n.bin" --stats "$name.$n.json"
    cmp "$name.one.bin" "$name.$n.bin" || fail "$name: $n partitions give another cluster file than one job"
    for key in clusters duplicates label_conflicts; do
      expect_eq "$(jq -r .$key "$name.$n.json")" "$(jq -r .$key "$name.one.json")" "$name, $n partitions: $key"
    done
    local buckets; buckets=$(cat "$name.$n".*.json | jq -s 'map(.buckets) | add')
    [[ $buckets -gt 0 ]] || fail "$name: no buckets in $n partitions"
  done
  echo "$name: $(jq -c '{in, out, rejected, quarantined, clusters, duplicates, label_conflicts}' "$name.one.json")"
}

check near "" "" 1 3 20
check verify "--verify" "--verify --threshold 0.7" 8
check longest "--bands 20 --num-perm 120 --no-verify" "--keep longest --no-verify" 8
expect_eq "$(jq -r .pairs_verified verify.8.json)" "$(jq -r .pairs_verified verify.one.json)" "pairs verified"
[[ $(jq -r .pairs_rejected verify.8.json) -gt 0 ]] || fail "--verify rejected no pair"
expect_eq "$(jq -r .pairs_verified near.20.json)" "$(jq -r .pairs_verified near.one.json)" "pairs verified by default"
expect_eq "$(jq -r .pairs_verified longest.one.json)" null "--no-verify checks no pair"

SIGS=(near.shard0{0,1,2,3}.jsonl.sig)
EDGES=()
for i in 0 1 2; do EDGES+=(--edges near.3.$i.edges); done
# refused (exit 2, nothing written): a missing partition, one given twice, other signature files or
# the same in another order, partitions of different counts, exact mode, a bad I/N, union flags
expect_refused() {
  local want=$1 what=$2; shift 2
  local code=0
  "$DQPREP" dedup cluster -q "$@" -o refused.bin 2>err.txt || code=$?
  expect_eq "$code" "$want" "$what: exit code ($(cat err.txt))"
  [[ ! -e refused.bin ]] || fail "$what: an output was written"
  echo "$what: $(head -c 200 err.txt)"
}
expect_refused 2 "missing partition" --edges near.3.0.edges --edges near.3.2.edges "${SIGS[@]}"
expect_refused 2 "partition twice" "${EDGES[@]}" --edges near.3.1.edges "${SIGS[@]}"
sed 1d shard03.jsonl > other03.jsonl
"$DQPREP" dedup sign -q --on-error skip --mode near other03.jsonl -o other03.sig
expect_refused 2 "other signature files" "${EDGES[@]}" near.shard0{0,1,2}.jsonl.sig other03.sig
expect_refused 2 "signature files in another order" "${EDGES[@]}" near.shard0{1,0,2,3}.jsonl.sig
expect_refused 2 "partition counts differ" --edges near.3.0.edges --edges near.20.1.edges --edges near.3.2.edges "${SIGS[@]}"
expect_refused 2 "bad I/N" --partition 3/3 "${SIGS[@]}"
expect_refused 2 "union flag with --partition" --partition 0/3 --keep longest "${SIGS[@]}"
expect_refused 2 "--no-verify with --partition" --partition 0/3 --no-verify "${SIGS[@]}"
# the union step verifies by default: signature files without shingle sets are refused there
expect_refused 2 "union of files signed with --no-verify" --edges near.1.0.edges longest.shard0{0,1,2,3}.jsonl.sig
grep -q "signed with --no-verify" err.txt || fail "union of files signed with --no-verify: $(cat err.txt)"
"$DQPREP" dedup sign -q --on-error skip shard00.jsonl -o exact.sig
expect_refused 2 "exact mode" --partition 0/2 exact.sig
expect_refused 2 "not an edge file" --edges near.shard00.jsonl.sig --edges near.3.1.edges --edges near.3.2.edges "${SIGS[@]}"
grep -q "is not a dqprep edge file" err.txt || fail "not an edge file: $(cat err.txt)"
# damaged (exit 3, nothing written): cut short, a flipped byte in a bucket
size=$(stat -c %s near.3.1.edges)
[[ $size -gt 1000 ]] || fail "edge file of partition 1/3 too small to damage: $size bytes"
head -c $((size - 100)) near.3.1.edges > cut.edges
cp near.3.1.edges flipped.edges
printf '\x55' | dd of=flipped.edges bs=1 seek=$((size / 2)) conv=notrunc status=none
# a changed key that stays in its partition and in order: only the checksum tells
python3 - near.3.1.edges keyed.edges <<'PY2'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
pos = 44 + struct.unpack_from("<I", data, 40)[0]
last = None
while pos < len(data) - 24:
    last = pos
    pos += 16 + 4 * struct.unpack_from("<I", data, pos + 12)[0]
data[last + 4] ^= 1  # the lowest byte of the last bucket's key
open(sys.argv[2], "wb").write(data)
PY2
for bad in cut flipped keyed; do
  expect_refused 3 "$bad edge file" --edges near.3.0.edges --edges $bad.edges --edges near.3.2.edges "${SIGS[@]}"
  grep -q "damaged edge file" err.txt || fail "$bad: $(cat err.txt)"
done
echo "dedup_partitioned: ok"
