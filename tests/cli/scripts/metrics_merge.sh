# metrics merge over the partial states of shards gives the report of one run over all of them: the
# --json report is byte-identical apart from "seconds", for every metric (near duplicates, languages,
# coverage, annotations, noise from each source, malformed lines) and however the shards are cut.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(8)
words = ["alpha", "beta", "gamma", "delta", "caf\u00e9", "r\u00e9sum\u00e9", "\u201cquoted\u201d", "data", "model",
         "train", "label", "noise", "ship", "fast", "slow", "review", "price", "screen", "battery", "good"]
labels = ["pos", "neg", "neu", "other"]
texts = []
with open("all.jsonl", "w", encoding="utf-8") as f:
    for i in range(3000):
        if texts and rng.random() < 0.08:
            text = rng.choice(texts)                               # an exact repeat, maybe across shards
        elif texts and rng.random() < 0.08:
            text = rng.choice(texts) + " " + rng.choice(words)     # a near repeat
        else:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 40)))
        texts.append(text)
        r = {"id": i, "text": text, "source": rng.choice(["web", "app", "email", "fax"])}
        if rng.random() > 0.03:
            r["label"] = rng.choice(labels)
        if rng.random() < 0.5:
            r["annotations"] = [rng.choice(labels[:2]) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.02:
            r["_reject"] = {"rule": "min_words"}
        if rng.random() < 0.02:
            r["flag"] = True
        if rng.random() < 0.02:
            r["_label_issue"] = {"score": 0.1, "suggested": "neg"}
        line = json.dumps(r, ensure_ascii=False)
        if rng.random() < 0.01:
            line = line[:-3]                                       # malformed
        f.write(line + "\n")
        if rng.random() < 0.01:
            f.write("\n")
PY
printf 'web\napp\nemail\nphone\n' > sources.txt
opts=(-q --on-error skip --labels pos,neg,neu --annotations-field annotations --coverage-field source
      --domain sources.txt --noise-field flag --near --lang --seed 5)
report=(--min-per-class 700 --check 'n == 3000' --warn 'noise_ratio < 0.01')

"$DQPREP" metrics "${opts[@]}" "${report[@]}" -j 3 all.jsonl --json single.json --markdown single.md

head -1000 all.jsonl > s1.jsonl; sed -n '1001,1007p' all.jsonl > s2.jsonl; sed -n '1008,$p' all.jsonl > s3.jsonl
gzip -k s3.jsonl
"$DQPREP" metrics "${opts[@]}" --partial -o s1.state s1.jsonl
"$DQPREP" metrics "${opts[@]}" --partial -o s2.state.zst -j 2 s2.jsonl
"$DQPREP" metrics "${opts[@]}" --partial -o s3.state.gz s3.jsonl.gz
"$DQPREP" metrics merge "${report[@]}" -q s1.state s2.state.zst s3.state.gz --json merged.json --markdown merged.md
strip() { grep -v '"seconds":' "$1"; }
cmp <(strip single.json) <(strip merged.json) || { diff <(strip single.json) <(strip merged.json) | head; fail "merge differs from one run"; }
cmp single.md merged.md || fail "the Markdown of the merge differs"
# Merged states merge again: (s1 + s2) + s3.
"$DQPREP" metrics merge -q s1.state s2.state.zst -o s12.state
"$DQPREP" metrics merge "${report[@]}" -q s12.state s3.state.gz --json twice.json
cmp <(strip single.json) <(strip twice.json) || fail "a merge of merged states differs from one run"
# The figures are not trivially equal: repeats cross the shards and everything was measured.
expect_eq "$(jq '.in == .out + .rejected + .quarantined and .quarantined > 0' merged.json)" true "counts balance"
expect_eq "$(jq '.duplicates > 100 and .near_duplicates > .duplicates' merged.json)" true "repeats"
expect_eq "$(jq '[.noise[]] | all(. > 0)' merged.json)" true "every noise source seen"
expect_eq "$(jq -c '.field_coverage_missing' merged.json)" '["phone"]' "field coverage"
expect_eq "$(jq '.annotated_items > 0 and .languages.en > 0' merged.json)" true "annotations and languages"
# A shard's report is a report of its own.
"$DQPREP" metrics "${opts[@]}" s1.jsonl --json s1.json
expect_eq "$(jq .n s1.json)" "$(grep -c . s1.jsonl)" "shard report: one record a non-empty line"
echo "metrics_merge: ok"
