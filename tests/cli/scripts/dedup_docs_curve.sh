# The candidate-probability table of docs/dedup.md is what `dqprep dedup --curve` prints.
source "$(dirname "$0")/lib.sh"
DOC=$DATA/../../docs/dedup.md
[[ -f $DOC ]] || fail "no $DOC"
"$DQPREP" dedup --curve > curve.md
while IFS= read -r line; do
  [[ -z $line ]] && continue
  grep -qxF -- "$line" "$DOC" || fail "docs/dedup.md lacks the --curve line: $line"
done < curve.md
echo "dedup_docs_curve: ok"
