#!/usr/bin/env bash
# Peak memory of the cluster step of the sharded near dedup, in one job and in partitions
# (docs/dedup.md, "The cluster step in partitions"):
#   tools/measure_cluster_memory.sh DQPREP DIR [RECORDS] [PARTITIONS]
# Writes RECORDS (default 10 M) short records of 8-20 words from WordNet's noun lemmas, ~3% of them
# near copies of a recent one, in 4 shards under DIR (~200 bytes a record: keep DIR out of git),
# signs them, then runs dedup cluster once in one job and once as PARTITIONS (default 8)
# --partition jobs and the --edges union, each under GNU time, and compares the two cluster files.
set -euo pipefail
dqprep=$1 dir=$2 records=${3:-10000000} partitions=${4:-8}
mkdir -p "$dir"
cd "$dir"
python3 - "$records" <<'PY'
import json, random, sys
rng = random.Random(3)
words = []
with open("/usr/share/wordnet/index.noun", encoding="utf-8", errors="replace") as f:
    for line in f:
        if not line.startswith("  "):
            words.append(line.split(" ", 1)[0])
recent = []
n = int(sys.argv[1])
files = [open("shard%d.jsonl" % s, "w") for s in range(4)]
for i in range(n):
    if recent and rng.random() < 0.03:
        w = rng.choice(recent).split()
        w[rng.randrange(len(w))] = rng.choice(words)
        t = " ".join(w)
    else:
        t = " ".join(rng.choices(words, k=rng.randint(8, 20)))
        if len(recent) < 10000:
            recent.append(t)
        else:
            recent[rng.randrange(10000)] = t
    files[i * 4 // n].write('{"id":%d,"text":%s}\n' % (i, json.dumps(t)))
for f in files:
    f.close()
PY
T='%e s wall, %U s user, %S s sys, max RSS %M KB'
for s in 0 1 2 3; do
  /usr/bin/time -f "sign $s: $T" "$dqprep" dedup sign -q --mode near shard$s.jsonl -o shard$s.sig
done
sigs=(shard0.sig shard1.sig shard2.sig shard3.sig)
/usr/bin/time -f "one job: $T" "$dqprep" dedup cluster -q "${sigs[@]}" -o one.bin
edges=()
for ((i = 0; i < partitions; i++)); do
  /usr/bin/time -f "partition $i/$partitions: $T" "$dqprep" dedup cluster -q --partition "$i/$partitions" "${sigs[@]}" \
    -o part$i.edges
  edges+=(--edges part$i.edges)
done
/usr/bin/time -f "union: $T" "$dqprep" dedup cluster -q "${edges[@]}" "${sigs[@]}" -o union.bin
cmp one.bin union.bin && echo "the cluster files are identical"
