# -o FILE.gz and -o FILE.zst are compressed on the -j threads: the same bytes for -j1 and -j2;
# gzip, zstd, Python and dqprep read them back to the records written. A .gz output is gzip
# members of 1 MiB of records each, deflated at level 6 as zlib does it (the bytes Python's zlib
# makes); a .zst output is one frame of libzstd's multi-threaded mode (the bytes of
# `zstd -3 -T1 -B4MiB`, jobs of 4 MiB).
# A signal in the middle of a compressed run leaves no temporary file.
source "$(dirname "$0")/lib.sh"
# About 10 MB of records: three zstd jobs of 4 MiB and ten gzip members.
make_corpus corpus.jsonl 45000
"$DQPREP" normalize -q -j1 corpus.jsonl -o plain.jsonl
size=$(stat -c %s plain.jsonl)
((size > 9000000)) || fail "the normalized corpus is only $size bytes"

for ext in gz zst; do
  "$DQPREP" normalize -q -j1 corpus.jsonl -o "j1.jsonl.$ext"
  "$DQPREP" normalize -q -j2 corpus.jsonl -o "j2.jsonl.$ext"
  cmp "j1.jsonl.$ext" "j2.jsonl.$ext" || fail "-o x.jsonl.$ext: -j1 and -j2 wrote different bytes"
  # dqprep reads its own output back to the same records.
  "$DQPREP" normalize -q -j2 "j2.jsonl.$ext" > back.jsonl
  cmp back.jsonl plain.jsonl || fail "dqprep read j2.jsonl.$ext back to other records"
done

gzip -t j2.jsonl.gz || fail "gzip -t rejects j2.jsonl.gz"
gzip -dc j2.jsonl.gz | cmp - plain.jsonl || fail "gzip -d: other bytes"
zstd -q -t j2.jsonl.zst || fail "zstd -t rejects j2.jsonl.zst"
zstd -q -dc j2.jsonl.zst | cmp - plain.jsonl || fail "zstd -d: other bytes"

python3 - plain.jsonl j2.jsonl.gz <<'PY' || fail "the gzip members are not the expected ones"
import gzip, sys, zlib
plain = open(sys.argv[1], "rb").read()
packed = open(sys.argv[2], "rb").read()
assert gzip.decompress(packed) == plain, "Python's gzip reads other bytes"
def member(chunk):
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(chunk) + c.flush()
mib = 1 << 20
expected = b"".join(member(plain[i:i + mib]) for i in range(0, len(plain), mib))
assert packed == expected, "not one level-6 member per MiB (%d bytes, expected %d)" % (len(packed), len(expected))
PY
zstd -q -3 -T1 -B4MiB --no-check -c < plain.jsonl | cmp - j2.jsonl.zst ||
  fail "j2.jsonl.zst is not the bytes of zstd's multi-threaded mode (zstd -3 -T1 -B4MiB)"

# An empty output is still a valid compressed file.
for ext in gz zst; do
  "$DQPREP" normalize -q -j2 /dev/null -o "empty.jsonl.$ext"
  "$DQPREP" normalize -q "empty.jsonl.$ext" > back.jsonl
  [[ ! -s back.jsonl ]] || fail "empty.jsonl.$ext has records"
done
gzip -t empty.jsonl.gz || fail "gzip -t rejects empty.jsonl.gz"
zstd -q -t empty.jsonl.zst || fail "zstd -t rejects empty.jsonl.zst"

# SIGINT and SIGTERM while the compressing threads work: no temporary file, the previous output
# as it was. The records come through a FIFO held open, so the run is still going on.
mkdir -p out
for sig in INT TERM; do
  for ext in gz zst; do
    echo previous > "out/result.jsonl.$ext"
    rm -f fifo && mkfifo fifo
    "$DQPREP" normalize -q -j2 fifo -o "out/result.jsonl.$ext" 2> err.txt &
    pid=$!
    exec 3> fifo
    cat corpus.jsonl corpus.jsonl >&3 &
    feeder=$!
    # Wait until compressed bytes reach the temporary file.
    for _ in $(seq 200); do
      temp=$(find out -name '.*.tmp.*' -size +0 | head -1)
      [[ -n $temp ]] && break
      sleep 0.05
    done
    [[ -n $temp ]] || fail "SIG$sig .$ext: no compressed bytes written before the signal"
    kill -s "$sig" "$pid"
    set +e; wait "$pid"; code=$?; set -e
    wait "$feeder" || true  # its reader is gone
    exec 3>&-
    case $sig in INT) want=130 ;; TERM) want=143 ;; esac
    expect_eq "$code" "$want" "normalize -o out/result.jsonl.$ext: exit code on SIG$sig"
    leftovers=$(find out -name '.*.tmp.*')
    [[ -z $leftovers ]] || fail "SIG$sig .$ext left temporary files: $leftovers"
    expect_eq "$(cat "out/result.jsonl.$ext")" previous "SIG$sig .$ext: the previous output"
  done
done
echo "compressed_outputs: ok"
