# normalize writes the same bytes for any number of threads, and the summary balances.
source "$(dirname "$0")/lib.sh"
make_corpus in.jsonl
for j in 1 2 4 7; do
  "$DQPREP" normalize -q -j "$j" --strip-html --unify-punct --label-case lower in.jsonl -o "out$j.jsonl" --stats "s$j.json"
done
for j in 2 4 7; do cmp out1.jsonl "out$j.jsonl" || fail "-j $j output differs from -j 1"; done
expect_eq "$(wc -l < out1.jsonl)" 60000 "records out"
expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' s4.json)" true "summary balances"
# Several inputs, one of them stdin, read in order.
head -5 in.jsonl > a.jsonl
tail -3 in.jsonl | "$DQPREP" normalize -q --strip-html --unify-punct --label-case lower a.jsonl - -o both.jsonl
expect_eq "$(wc -l < both.jsonl)" 8 "records from a file and stdin"
expect_eq "$(head -5 out1.jsonl | tail -1)" "$(sed -n 5p both.jsonl)" "order kept"
echo "normalize_threads: ok"
