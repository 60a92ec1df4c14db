# A 64 MiB line is read, normalized and written whole.
source "$(dirname "$0")/lib.sh"
python3 -c "
import sys
sys.stdout.write('{\"text\":\"first\"}\n')
sys.stdout.write('{\"id\":\"big\",\"text\":\"' + ('word  ' * (64 * 1024 * 1024 // 6)) + '\"}\n')
sys.stdout.write('{\"text\":\"last\"}\n')" > big.jsonl
"$DQPREP" normalize -q big.jsonl -o out.jsonl
expect_eq "$(wc -l < out.jsonl)" 3 "lines"
expect_eq "$(sed -n 3p out.jsonl)" '{"text":"last"}' "line after the big one"
len=$(sed -n 2p out.jsonl | jq -r '.text | length')
expect_eq "$len" $(( 64 * 1024 * 1024 / 6 * 5 - 1 )) "folded length of the big text"
echo "long_line: ok"
