# --tokenizer: the token counts of metrics and filter equal spm_encode's on the same texts, with a
# SentencePiece model trained here by spm_train on WordNet glosses; the same figures for any -j.
source "$(dirname "$0")/lib.sh"
command -v spm_train > /dev/null || fail "spm_train missing: install the Debian package sentencepiece (tools/setup.sh)"
grep -v '^  ' /usr/share/wordnet/data.noun | sed -n 's/.*| //p' > glosses.txt
head -3000 glosses.txt > train.txt
spm_train --input=train.txt --model_prefix=tiny --vocab_size=400 --model_type=unigram --minloglevel=2 > /dev/null 2>&1 \
  || fail "spm_train failed"
# Unseen glosses: a record each (label and split alternate), and conversations of three turns.
sed -n '5001,5600p' glosses.txt > texts.txt
python3 - <<'PY'
import json
texts = [l.rstrip("\n") for l in open("texts.txt", encoding="utf-8")]
with open("records.jsonl", "w", encoding="utf-8") as f:
    for i, t in enumerate(texts):
        f.write(json.dumps({"id": i, "text": t, "label": "ab"[i % 2], "split": ["train", "train", "test"][i % 3]}) + "\n")
with open("chat.jsonl", "w", encoding="utf-8") as f, open("turns.txt", "w", encoding="utf-8") as g:
    for i in range(0, len(texts) - 2, 3):
        turns = texts[i:i + 3]
        f.write(json.dumps({"messages": [{"role": r, "content": t} for r, t in zip(["system", "user", "assistant"], turns)]}) + "\n")
        g.write("\n".join(turns) + "\n")
PY
spm_encode --model=tiny.model --output_format=id < texts.txt | awk '{print NF}' > counts.txt
spm_encode --model=tiny.model --output_format=id < turns.txt | awk '{print NF}' > turn_counts.txt
expect_eq "$(wc -l < counts.txt)" 600 "spm_encode lines"

# Expected figures from spm_encode's counts: total, and quantiles of rank floor(q (n - 1)) (exact
# below 256, as docs/metrics.md says).
python3 - <<'PY' > expected.json
import json
c = [int(x) for x in open("counts.txt")]
t = [int(x) for x in open("turn_counts.txt")]
def fig(v):
    s = sorted(v)
    q = lambda p: s[int(p * (len(s) - 1))]
    return {"count": len(v), "total": sum(v), "min": s[0], "p10": q(0.1), "p50": q(0.5), "p90": q(0.9), "max": s[-1]}
by = lambda key: {k: fig([n for i, n in enumerate(c) if key(i) == k]) for k in sorted(set(key(i) for i in range(len(c))))}
conv = [sum(t[i:i + 3]) for i in range(0, len(t), 3)]
print(json.dumps({"tokens": fig(c), "by_class": by(lambda i: "ab"[i % 2]),
                  "by_split": by(lambda i: ["train", "train", "test"][i % 3]),
                  "turns": fig(t), "conversations": fig(conv)}, sort_keys=True))
PY
strip='def f: {count, total, min, p10, p50, p90, max}; '
for j in 1 2 4; do
  "$DQPREP" metrics -q -j "$j" --tokenizer tiny.model --split-field split --json "m$j.json" records.jsonl
  "$DQPREP" metrics -q -j "$j" --format chat --tokenizer tiny.model --json "c$j.json" chat.jsonl
done
got=$(jq -cS "$strip"'{tokens: (.tokens | f), by_class: (.tokens_by_class | map_values(f)), by_split: (.tokens_by_split | map_values(f))}' m1.json)
want=$(jq -cS '{tokens, by_class, by_split}' expected.json)
expect_eq "$got" "$want" "metrics token figures against spm_encode"
got=$(jq -cS "$strip"'{turns: (.tokens_per_turn | f), conversations: (.tokens | f)}' c1.json)
want=$(jq -cS '{turns, conversations}' expected.json)
expect_eq "$got" "$want" "chat token figures against spm_encode"
for j in 2 4; do
  cmp <(jq -S 'del(.seconds)' m1.json) <(jq -S 'del(.seconds)' "m$j.json") || fail "metrics -j $j differs"
  cmp <(jq -S 'del(.seconds)' c1.json) <(jq -S 'del(.seconds)' "c$j.json") || fail "metrics --format chat -j $j differs"
done

# Shards merge into the report of one run; a state of another model does not merge.
head -250 records.jsonl > shard1.jsonl
tail -n +251 records.jsonl > shard2.jsonl
"$DQPREP" metrics -q --tokenizer tiny.model --split-field split --partial -o s1.state shard1.jsonl
"$DQPREP" metrics -q --tokenizer tiny.model --split-field split --partial -o s2.state.zst shard2.jsonl
"$DQPREP" metrics merge -q s1.state s2.state.zst --json merged.json
cmp <(jq -S 'del(.seconds)' m1.json) <(jq -S 'del(.seconds)' merged.json) || fail "merged report differs from one run"
# The same for conversations, whose turn sketch holds more values than there are records.
head -80 chat.jsonl > chat1.jsonl
tail -n +81 chat.jsonl > chat2.jsonl
"$DQPREP" metrics -q --format chat --tokenizer tiny.model --partial -o c1.state chat1.jsonl
"$DQPREP" metrics -q --format chat --tokenizer tiny.model --partial -o c2.state chat2.jsonl
"$DQPREP" metrics merge -q c1.state c2.state --json cmerged.json
cmp <(jq -S 'del(.seconds)' c1.json) <(jq -S 'del(.seconds)' cmerged.json) || fail "merged chat report differs from one run"
spm_train --input=texts.txt --model_prefix=other --vocab_size=300 --minloglevel=2 > /dev/null 2>&1 || fail "spm_train failed"
"$DQPREP" metrics -q --tokenizer other.model --split-field split --partial -o other.state shard2.jsonl
if "$DQPREP" metrics merge -q s1.state other.state 2> merge_err.txt; then fail "states of two models merged"; fi
grep -q tokenizer merge_err.txt || fail "merge refusal does not name the tokenizer: $(cat merge_err.txt)"

# filter keeps exactly the records whose spm_encode count is within the bounds.
paste -d' ' <(seq 0 599) counts.txt | awk '$2 >= 8 && $2 <= 30 {print $1}' > want_ids.txt
for j in 1 3; do
  "$DQPREP" filter -q -j "$j" --tokenizer tiny.model --min-tokens 8 --max-tokens 30 --rejects "rej$j.jsonl" records.jsonl -o "kept$j.jsonl"
done
cmp kept1.jsonl kept3.jsonl || fail "filter -j 3 differs"
cmp rej1.jsonl rej3.jsonl || fail "filter --rejects -j 3 differs"
cmp <(jq -r .id kept1.jsonl) want_ids.txt || fail "filter kept other records than spm_encode's counts say"
expect_eq "$(( $(wc -l < kept1.jsonl) + $(wc -l < rej1.jsonl) ))" 600 "kept + rejected"
# Each rejection carries the count spm_encode gives.
cmp <(jq -r '"\(.id) \(._reject.value)"' rej1.jsonl) <(paste -d' ' <(seq 0 599) counts.txt | awk '$2 < 8 || $2 > 30') \
  || fail "_reject values differ from spm_encode's counts"
echo "tokens_spm_encode: ok"
