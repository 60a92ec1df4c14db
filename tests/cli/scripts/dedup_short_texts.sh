# Near duplicates of short texts: dedup --shingle char:5 against word 5-grams on WordNet glosses of
# 12-25 words (Debian's wordnet-base) with planted one-word edits, scored against brute-force
# Jaccard over every pair (tests/cli/helpers/short_texts.py). Character shingles catch most planted
# pairs where word 5-grams miss most; both find the pairs at Jaccard >= 0.8 of their own shingles,
# and only those (verified by default; --no-verify joins candidates below 0.8 too).
# docs/dedup.md gives the figures of the larger run.
HELPERS=$(cd "$(dirname "$0")/../helpers" && pwd)
source "$(dirname "$0")/lib.sh"
python3 "$HELPERS/short_texts.py" make 800 200 3 > corpus.jsonl
score() {  # SHINGLE [FLAG] -> the score line
  "$DQPREP" dedup -q --mode near --shingle "$1" ${2:-} --mark corpus.jsonl -o "marked_$1${2:-}.jsonl"
  python3 "$HELPERS/short_texts.py" score corpus.jsonl "marked_$1${2:-}.jsonl" "$1" 0.8
}
word=$(score word:5)
char=$(score char:5)
unverified=$(score char:5 --no-verify)
echo "dedup_short_texts: $word"
echo "dedup_short_texts: $char"
echo "dedup_short_texts: --no-verify $unverified"
python3 - "$word" "$char" "$unverified" <<'PY' || fail "character shingles do not do what docs/dedup.md says"
import json, sys
word, char, unverified = (json.loads(a) for a in sys.argv[1:])
assert unverified["planted_caught"] >= 0.85 * unverified["planted"], unverified
assert char["planted_caught"] >= 0.7 * char["planted"], char
assert word["planted_caught"] <= 0.5 * word["planted"], word
assert char["recall"] >= 0.95 and char["precision"] == 1.0, char
assert word["recall"] >= 0.9 and word["precision"] == 1.0, word
assert unverified["recall"] >= 0.95 and unverified["precision"] < 1.0, unverified
PY
# Usage: --shingle is near mode's, one of --ngram and --shingle, a unit and a count.
for args in "--shingle char:5" "--mode near --ngram 3 --shingle word:3" "--mode near --shingle chars:5" \
            "--mode near --shingle char:0"; do
  if "$DQPREP" dedup $args corpus.jsonl -o /dev/null 2>err.txt; then fail "dedup $args passed"; fi
  [ "$?" = 2 ] || true
  grep -q -- "--shingle\|--ngram" err.txt || fail "dedup $args: $(cat err.txt)"
done
# Sharded: two shards signed with char:5, clustered and applied give the one-process output; a
# signature file of other shingles is refused.
head -500 corpus.jsonl > a.jsonl
tail -n +501 corpus.jsonl > b.jsonl
for shard in a b; do "$DQPREP" dedup sign -q --mode near --shingle char:5 "$shard.jsonl" -o "$shard.sig"; done
"$DQPREP" dedup cluster -q a.sig b.sig -o clusters.bin
for shard in a b; do "$DQPREP" dedup apply -q --mark --clusters clusters.bin "$shard.jsonl" -o "$shard.out"; done
cat a.out b.out | cmp - marked_char:5.jsonl || fail "sharded char:5 dedup differs from one process"
"$DQPREP" dedup sign -q --mode near b.jsonl -o word.sig
if "$DQPREP" dedup cluster -q a.sig word.sig -o mixed.bin 2>err.txt; then fail "char and word signatures mixed"; fi
grep -q "signed with other options" err.txt || fail "mixed signatures: $(cat err.txt)"
echo "dedup_short_texts: ok"
