# convert: CSV -> JSONL -> CSV gives the same bytes, every input kind gives the same records, the
# output of JSONL -> CSV is the same for any -j, and a run with bad rows balances.
source "$(dirname "$0")/lib.sh"
# A table in convert's own quoting (quotes only where needed, '\n' line ends): commas, doubled
# quotes, line breaks (one blank line inside), edge spaces, an empty cell, UTF-8.
python3 - <<'PY'
import csv, random
rng = random.Random(7)
words = ["alpha", "beta,", "say \"hi\"", "caf\u00e9", "\u6570\u636e", "line\nbreak", "two\n\nbreaks", " edge ", "", "tab\tin"]
def quote(field):
    if field and (field[0] in " \t" or field[-1] in " \t") or any(c in field for c in ',"\n\r'):
        return '"' + field.replace('"', '""') + '"'
    return field
with open("table.csv", "w", encoding="utf-8", newline="") as f:
    f.write("id,review,stars,note\n")
    for i in range(3000):
        review = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        row = [str(i), review, str(rng.randint(1, 5)), rng.choice(words)]
        f.write(",".join(quote(x) for x in row) + "\n")
PY
flags=(--text-column review --label-column stars)
"$DQPREP" convert -q "${flags[@]}" table.csv -o table.jsonl
expect_eq "$(wc -l < table.jsonl)" 3000 "records"
# Python's csv module reads the same records out of the table.
python3 - <<'PY' || fail "records differ from Python's csv reader"
import csv, json
rows = list(csv.DictReader(open("table.csv", encoding="utf-8", newline="")))
recs = [json.loads(l) for l in open("table.jsonl", encoding="utf-8")]
assert len(rows) == len(recs)
for r, j in zip(rows, recs):
    assert j == {"id": r["id"], "text": r["review"], "label": r["stars"], "note": r["note"]}, (r, j)
PY
for j in 1 2 4; do "$DQPREP" convert -q -j "$j" "${flags[@]}" table.jsonl -o "back$j.csv"; done
cmp table.csv back1.csv || fail "CSV -> JSONL -> CSV changed the bytes"
for j in 2 4; do cmp back1.csv "back$j.csv" || fail "-j $j output differs from -j 1"; done
# TSV the same way round.
"$DQPREP" convert -q table.jsonl -o table.tsv
"$DQPREP" convert -q table.tsv -o fromtsv.jsonl
cmp <(jq -c '{id, review: .text, stars: .label, note}' table.jsonl) <(jq -c '{id, review: .text, stars: .label, note}' fromtsv.jsonl) \
  || fail "JSONL -> TSV -> JSONL changed a record"

# Every input kind a shell hands over, compressed or not.
gzip -c table.csv > table.csv.gz
zstd -q -c table.csv > table.csv.zst
run() { "$DQPREP" convert -q --from csv "${flags[@]}" "$@"; }
run table.csv.gz > got-gz.jsonl
run table.csv.zst > got-zst.jsonl
run - < table.csv > got-stdin.jsonl
run /dev/stdin < table.csv.gz > got-devstdin.jsonl
run <(cat table.csv) > got-procsub.jsonl
rm -f fifo && mkfifo fifo
(cat table.csv.zst > fifo &)
run fifo > got-fifo.jsonl
for kind in gz zst stdin devstdin procsub fifo; do
  cmp table.jsonl "got-$kind.jsonl" || fail "input kind $kind gives other records"
done
# A JSON array and plain text the same way.
jq -s . table.jsonl > table.json
gzip -c table.json > table.json.gz
"$DQPREP" convert -q table.json -o from-json.jsonl
cmp table.jsonl from-json.jsonl || fail "JSON array -> JSONL differs"
jq -r '.text | gsub("\n"; " ")' table.jsonl > text.txt
"$DQPREP" convert -q text.txt -o from-text.jsonl
for from in json lines; do
  src=table.json; [[ $from == lines ]] && src=text.txt
  "$DQPREP" convert -q --from "$from" - < "$src" > "k-stdin.jsonl"
  "$DQPREP" convert -q --from "$from" /dev/stdin < "$src" > "k-devstdin.jsonl"
  "$DQPREP" convert -q --from "$from" <(gzip -c "$src") > "k-procsub.jsonl"
  rm -f fifo && mkfifo fifo
  (zstd -q -c "$src" > fifo &)
  "$DQPREP" convert -q --from "$from" fifo > "k-fifo.jsonl"
  want=from-json.jsonl; [[ $from == lines ]] && want=from-text.jsonl
  for kind in stdin devstdin procsub fifo; do cmp "$want" "k-$kind.jsonl" || fail "--from $from: input kind $kind differs"; done
done
"$DQPREP" convert -q table.json.gz -o from-json-gz.jsonl
cmp table.jsonl from-json-gz.jsonl || fail "gzip JSON array differs"

# JSONL -> CSV from a pipe (read twice: spilled) equals the file's.
cat table.jsonl | "$DQPREP" convert -q --from jsonl --to csv "${flags[@]}" - > piped.csv
cmp table.csv piped.csv || fail "JSONL -> CSV from stdin differs"

# Bad rows: nothing lost. Two short rows, a bad quote, an unclosed quote at the end.
head -100 table.jsonl | "$DQPREP" convert -q --from jsonl --to csv "${flags[@]}" - > part1.csv
sed -n '101,200p' table.jsonl | "$DQPREP" convert -q --from jsonl --to csv "${flags[@]}" - | tail -n +2 > part2.csv
{ cat part1.csv; echo "9001,too few"; echo '9002,bad "quote",3,x'; cat part2.csv;
  echo "9003,only"; echo '9004,"never closed,1,x'; } > bad.csv
"$DQPREP" convert -q "${flags[@]}" --on-error quarantine --quarantine q.jsonl --stats s.json bad.csv -o ok.jsonl
expect_eq "$(jq -r '.in == .out + .quarantined' s.json)" true "summary balances"
expect_eq "$(jq -r .quarantined s.json)" 4 "bad rows"
expect_eq "$(wc -l < q.jsonl)" 4 "quarantined rows"
expect_eq "$(jq -r '._error.line' q.jsonl | tr '\n' ' ')" "$(grep -n -E '^900[1-4],' bad.csv | cut -d: -f1 | tr '\n' ' ')" "bad row lines"
expect_eq "$(jq -r .out s.json)" "$(( $(jq -r .in s.json) - 4 ))" "records kept"
if "$DQPREP" convert -q "${flags[@]}" bad.csv -o none.jsonl 2> err.txt; then fail "a bad row must fail by default"; fi
[[ ! -e none.jsonl ]] || fail "a failed run left its output"
grep -q "^bad.csv:$(grep -n '^9001,' bad.csv | cut -d: -f1): 2 fields, the header has 4" err.txt || fail "message: $(cat err.txt)"
echo "convert_roundtrip: ok"
