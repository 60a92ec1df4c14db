# Runs every row of the matrix in docs/reliability.md: the command must exit with the code given
# and print the text given on standard error. The table is the test, so it cannot drift.
source "$(dirname "$0")/lib.sh"
DOC=$(cd "$(dirname "$0")/../../.." && pwd)/docs/reliability.md
export DQPREP

# The fixtures the table names.
printf '%s\n' '{"id":1,"text":"one two three","label":"a"}' '{"id":2,"text":"four five","label":"b"}' \
  '{"id":3,"text":"six","label":"a"}' > good.jsonl
printf '%s\n' '{"id":1,"text":"ok"}' '{"id": broken' '{"id":3,"text":"ok"}' > bad.jsonl
seq 1 20000 | sed 's/.*/{"id":&,"text":"record &"}/' > many.jsonl
gzip -c many.jsonl > many.jsonl.gz && head -c 2000 many.jsonl.gz > trunc.jsonl.gz
zstd -q -c many.jsonl > many.jsonl.zst && head -c 2000 many.jsonl.zst > trunc.jsonl.zst
python3 -c "print('{\"id\":1,\"text\":\"short\"}'); print('{\"id\":2,\"text\":\"' + 'x' * 5000 + '\"}')" > long.jsonl
: > empty.jsonl
echo '{"id":1,"text":"t","label":"a","label":"Z"}' > dup.jsonl
echo '{"id":1,"text":"t","n":18446744073709551616,"f":1e309,"d":123456789012345678901234567890}' > big.jsonl
echo '{"id":1,"text":"t","label":"a","p":[0.6,0.6]}' > probs.jsonl
python3 -c "print('n' + '[' * 100000 + ' >= 1')" > nested.checks
python3 -c "print('[' * 85000 + ']' * 85000)" > deep.json
printf 'caf\xe9' > bad-utf8.txt
{ head -2 good.jsonl; printf '{"id": broken'; } > badlast.jsonl
printf '#!/bin/sh\nwhile :; do printf xxxxxxxxxxxxxxxx; done\n' > stream.sh && chmod +x stream.sh
"$DQPREP" dedup sign -q good.jsonl -o good.sig
"$DQPREP" metrics -q --partial good.jsonl -o good.state
for f in good.sig good.state; do
  python3 - "$f" "damaged.${f#good.}" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0x40
open(sys.argv[2], "wb").write(bytes(data))
PY
done

rows=0
while IFS= read -r line; do
  IFS='|' read -r _ name cmd code want _ <<<"$(sed 's/\\|/\x01/g' <<<"$line")"
  name=$(xargs <<<"$name")
  cmd=$(sed -E 's/^ *`//; s/` *$//; s/\x01/|/g' <<<"$cmd")
  code=$(xargs <<<"$code")
  want=$(sed -E 's/^ *`?//; s/`? *$//' <<<"$want")
  mkdir -p "run$rows" && cp ./*.jsonl ./*.json ./*.gz ./*.zst ./*.checks ./*.txt ./*.sig ./*.state ./*.sh "run$rows"/
  set +e
  (cd "run$rows" && bash -c "$cmd" > /dev/null 2> ../err.txt)
  got=$?
  set -e
  [[ "$got" == "$code" ]] || fail "[$name] exit $got, want $code: $(head -3 err.txt)"
  if [[ -n "$want" ]]; then
    grep -qF -- "$want" err.txt || fail "[$name] stderr lacks '$want': $(head -3 err.txt)"
  fi
  rows=$((rows + 1))
done < <(sed -n '/<!-- matrix:/,/<!-- end of matrix -->/p' "$DOC" | grep '^| ' | tail -n +2)
(( rows >= 20 )) || fail "only $rows rows read from $DOC"
echo "reliability_matrix: $rows rows ok"
