# A cluster file is binary: whatever bytes it holds, dedup apply reads them unchanged. Record
# position 2573 (0x0A0D) of a shard is a member of a duplicate group, so the cluster file holds the
# bytes 0D 0A ("\r\n"), which a line reader would turn into "\n". Sharded dedup must still give the
# bytes of one `dqprep dedup` over the same shards.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(7)
def text(i):
    return " ".join("w%d" % rng.randrange(100000) for _ in range(12)) + " #%d" % i
for name, count in (("s0.jsonl", 3000), ("s1.jsonl", 400)):
    texts = []
    with open(name, "w") as f:
        for i in range(count):
            if name == "s0.jsonl" and i == 2573:
                t = texts[17]                        # position 2573: a copy of position 17
            elif i % 97 == 50:
                t = texts[i - 40]                    # a few more duplicate groups
            else:
                t = text(i)
            texts.append(t)
            f.write(json.dumps({"id": "%s-%d" % (name, i), "text": t}) + "\n")
PY
for mode in exact near; do
  "$DQPREP" dedup sign -q --mode $mode s0.jsonl -o $mode.s0.sig
  "$DQPREP" dedup sign -q --mode $mode s1.jsonl -o $mode.s1.sig
  "$DQPREP" dedup cluster -q $mode.s0.sig $mode.s1.sig -o $mode.clusters
  python3 -c 'import sys; sys.exit(0 if b"\r\n" in open(sys.argv[1], "rb").read() else 1)' $mode.clusters ||
    fail "$mode: the cluster file holds no CR LF: the test does not test what it says"
  for flags in "" "--mark"; do
    : >$mode.sharded
    for s in s0 s1; do
      "$DQPREP" dedup apply -q --clusters $mode.clusters $flags $s.jsonl -o $mode.$s.out ||
        fail "$mode $flags: dedup apply refused $s.jsonl (exit $?)"
      cat $mode.$s.out >>$mode.sharded
    done
    "$DQPREP" dedup -q --mode $mode $flags s0.jsonl s1.jsonl -o $mode.one
    cmp $mode.sharded $mode.one || fail "$mode $flags: sharded output differs from one process"
    [[ $(wc -l <$mode.one) -ne 3400 || -n $flags ]] || fail "$mode: no duplicate removed"
  done
  grep -q '"s0.jsonl-2573".*"dup_of"' $mode.one || fail "$mode: position 2573 is not marked as a duplicate"
done
echo "dedup_sharded_crlf: ok"
