# The --sft recipe of docs/filter.md on the hand-made set examples/sft (106 good and 106 bad
# instruction records in the alpaca, chat and sharegpt formats): every good record is kept, every
# bad one is dropped, and by the rule made for its defect (the "defect" field each bad record has).
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
source "$(dirname "$0")/lib.sh"
PLACEHOLDERS='(?im)\[(?:insert|your|product|company|employee|target|department)[^\]]*\]|lorem ipsum|^todo\b'
good_in=0 good_out=0 bad_in=0 bad_out=0
for format in alpaca chat sharegpt; do
  "$DQPREP" filter -q --format "$format" --sft --drop-regex "$PLACEHOLDERS" --rejects "good.$format.rej" \
    "$REPO/examples/sft/$format.good.jsonl" -o "good.$format.kept"
  "$DQPREP" filter -q --format "$format" --sft --drop-regex "$PLACEHOLDERS" --rejects "bad.$format.rej" \
    "$REPO/examples/sft/$format.bad.jsonl" -o "bad.$format.kept"
  good_in=$((good_in + $(wc -l < "$REPO/examples/sft/$format.good.jsonl")))
  good_out=$((good_out + $(wc -l < "good.$format.kept")))
  bad_in=$((bad_in + $(wc -l < "$REPO/examples/sft/$format.bad.jsonl")))
  bad_out=$((bad_out + $(wc -l < "bad.$format.kept")))
  jq -r '._reject.rule' "good.$format.rej" | sed 's/^/good record dropped by /' >&2
done
echo "good: $good_out of $good_in kept; bad: $((bad_in - bad_out)) of $bad_in dropped"
[[ $good_in -ge 100 && $bad_in -ge 100 ]] || fail "the set shrank: $good_in good, $bad_in bad"
expect_eq "$good_out" "$good_in" "good records kept"
expect_eq "$bad_out" 0 "bad records kept"
# The rule that dropped each bad record is one made for its defect.
cat bad.*.rej | jq -r '[.id, .defect, ._reject.rule] | @tsv' | while IFS=$'\t' read -r id defect rule; do
  case "$defect:$rule" in
    empty_answer:sft_empty_answer | empty_prompt:sft_empty_prompt | truncated:sft_truncated_answer | \
    restated:sft_restated_prompt | refusal:sft_refusal | boilerplate:sft_boilerplate | \
    ratio_min:sft_answer_ratio_min | ratio_min:sft_truncated_answer | ratio_max:sft_answer_ratio_max | \
    ratio_max:sft_answer_repetition | code_fence:sft_code_fence | repetition:sft_answer_repetition | \
    placeholder:drop_regex | turn_order:sft_turn_order | final_turn:sft_final_turn) ;;
    *) fail "$id ($defect) dropped by $rule" ;;
  esac
done
echo "filter_sft_recipe: ok"
