# metrics gives the same report and the same partial state for any number of threads, and from
# standard input; the summary counts balance.
source "$(dirname "$0")/lib.sh"
make_corpus corpus.jsonl
head -20000 corpus.jsonl > in.jsonl
opts=(-q --labels a,b,c --near --lang --min-per-class 1000)
for j in 1 2 4 7; do
  "$DQPREP" metrics "${opts[@]}" -j "$j" in.jsonl --json "r$j.json" --partial -o "s$j.state"
  grep -v '"seconds":' "r$j.json" > "m$j.json"
done
for j in 2 4 7; do
  cmp m1.json "m$j.json" || fail "-j $j report differs from -j 1"
  cmp s1.state "s$j.state" || fail "-j $j partial state differs from -j 1"
done
"$DQPREP" metrics "${opts[@]}" -j 3 --json stdin.json < in.jsonl
cmp m1.json <(grep -v '"seconds":' stdin.json) || fail "standard input gives another report"
expect_eq "$(jq '.n' r1.json)" 20000 "records"
expect_eq "$(jq '.in == .out + .rejected + .quarantined' r1.json)" true "summary balances"
expect_eq "$(jq '.classes.a + .classes.b + .undeclared_classes["c "] + .undeclared_classes.B' r1.json)" 20000 "every label counted"
echo "metrics_threads: ok"
