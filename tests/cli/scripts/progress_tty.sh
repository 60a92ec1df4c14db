# The progress line, which is shown only when stderr is a terminal: `script` (util-linux's bsdutils,
# essential in Debian) runs dqprep on a pseudo-terminal. With a file input the line shows the pass
# of a multi-pass stage, the share of the input done and an ETA; with a pipe (size unknown) the
# megabytes read. Without a terminal there is no progress line.
source "$(dirname "$0")/lib.sh"
make_corpus corpus.jsonl 60000
gzip -k -1 corpus.jsonl
on_tty() { script -qec "$1" /dev/null | tr '\r' '\n'; }

on_tty "'$DQPREP' label-check --no-conflicts corpus.jsonl -o /dev/null" > two_pass.txt
grep -qE '^pass 1 of 2: [0-9]+ records, [0-9]+% of [0-9.]+ MB, ETA [0-9]+s' two_pass.txt ||
  fail "label-check: no 'pass 1 of 2' line with percent and ETA: $(head -c 400 two_pass.txt)"
size=$(python3 -c "import os; print('%.1f' % (os.path.getsize('corpus.jsonl') / 1e6))")
grep -qE "^pass 2 of 2: 60000 records, 100% of $size MB" two_pass.txt ||
  fail "label-check: no 'pass 2 of 2' line at 100%: $(tail -c 400 two_pass.txt)"
grep -qE '^pass 1 of 2: [1-9][0-9]* records' two_pass.txt || fail "the collecting pass counts the records it reads"

on_tty "'$DQPREP' normalize corpus.jsonl.gz -o /dev/null" > gzip.txt
grep -qE '^[0-9]+ records, [0-9]+% of [0-9.]+ MB, ETA [0-9]+s' gzip.txt ||
  fail "normalize of a .gz: no percent of the compressed size: $(head -c 400 gzip.txt)"
grep -q '^pass' gzip.txt && fail "a one-pass stage names no pass"

on_tty "cat corpus.jsonl | '$DQPREP' normalize -o /dev/null" > pipe.txt
grep -qE '^[0-9]+ records, [0-9.]+ MB read' pipe.txt || fail "a pipe: no 'MB read' line: $(head -c 400 pipe.txt)"
grep -q '%' pipe.txt && fail "a pipe has no known size, so no percent"

"$DQPREP" label-check --no-conflicts corpus.jsonl -o /dev/null 2> no_tty.txt
grep -q $'\r' no_tty.txt && fail "progress written to a stderr that is not a terminal"
echo "progress_tty: ok"
