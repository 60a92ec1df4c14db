# filter: the same bytes for any -j (records, rejects, explain); the summary balances; --explain
# marks exactly the records a normal run drops, with the same _reject, and otherwise writes the
# same records.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(7)
common = ("the of and to in is that it was for on are as with be at by this from or have an they which one "
          "you were all there would their we been has when who will more if out so what up about into than "
          "river city people water history school music market energy garden summer winter morning evening").split()
de = "der die das und ist nicht ein eine mit auf für von dem den zu im sich auch wie noch Haus Stadt Wasser Garten".split()
def sentence(words, n):
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + rng.choice([".", ".", ".", "!", "?"])
def paragraph(words, k):
    return " ".join(sentence(words, rng.randint(6, 18)) for _ in range(k))
kinds = ["clean", "clean", "clean", "boiler", "repeat", "german", "short", "c4lines", "lorem", "symbols"]
with open("in.jsonl", "w", encoding="utf-8") as f:
    for i in range(4000):
        kind = rng.choice(kinds)
        if kind == "clean":
            text = "\n".join(paragraph(common, rng.randint(3, 6)) for _ in range(rng.randint(1, 4)))
        elif kind == "boiler":
            text = "Home\nAbout\nContact us\nWe use cookies.\nPrivacy Policy\n" + sentence(common, 8)
        elif kind == "repeat":
            line = sentence(common, 12)
            text = "\n".join([line] * rng.randint(3, 30))
        elif kind == "german":
            text = paragraph(de, rng.randint(4, 8))
        elif kind == "short":
            text = sentence(common, rng.randint(1, 6))
        elif kind == "c4lines":
            text = ("Menu\n" + paragraph(common, 3) + "\nPlease enable javascript to continue.\n" +
                    paragraph(common, 3) + "\nShare on Twitter")
        elif kind == "lorem":
            text = paragraph(common, 5) + "\nLorem ipsum dolor sit amet."
        else:
            text = paragraph(common, 4) + " " + " ".join(["#tag"] * rng.randint(1, 40))
        if rng.random() < 0.05:
            text += " Click here for free money!"
        rec = {"id": i, "text": text, "label": rng.choice(["a", "b", "c"]), "meta": {"n": i}}
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        if i % 997 == 5:
            f.write('{"id": "broken", "text": \n')
PY
printf 'free money\nclick here\n' > words.txt
rules=(--gopher --c4 --fineweb --lang en,de --lang-threshold 0.7 --labels a,b --drop-words words.txt
       --drop-regex '(?i)#tag( #tag){20}' --rule gopher_min_words=20 --disable-rule gopher_stop_words)
for j in 1 2 4 7; do
  "$DQPREP" filter -q -j "$j" "${rules[@]}" --on-error quarantine --quarantine "bad$j.jsonl" \
    --rejects "rej$j.jsonl" --stats "s$j.json" in.jsonl -o "out$j.jsonl"
  "$DQPREP" filter -q -j "$j" "${rules[@]}" --explain --on-error skip in.jsonl -o "explain$j.jsonl"
done
for j in 2 4 7; do
  cmp out1.jsonl "out$j.jsonl" || fail "-j $j output differs from -j 1"
  cmp rej1.jsonl "rej$j.jsonl" || fail "-j $j rejects differ from -j 1"
  cmp bad1.jsonl "bad$j.jsonl" || fail "-j $j quarantine differs from -j 1"
  cmp explain1.jsonl "explain$j.jsonl" || fail "-j $j explain output differs from -j 1"
  expect_eq "$(jq -c 'del(.seconds)' "s$j.json")" "$(jq -c 'del(.seconds)' s1.json)" "-j $j summary"
done

# The summary balances and says what happened to every record.
expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' s1.json)" true "in = out + rejected + quarantined"
expect_eq "$(jq -r '.in' s1.json)" "$(grep -c . in.jsonl)" "records in"
expect_eq "$(jq -r '.quarantined' s1.json)" 5 "malformed lines quarantined"
expect_eq "$(jq -r '.out' s1.json)" "$(wc -l < out1.jsonl | tr -d ' ')" "records out"
expect_eq "$(jq -r '.rejected' s1.json)" "$(wc -l < rej1.jsonl | tr -d ' ')" "records in --rejects"
expect_eq "$(jq -r '[.rules[]] | add' s1.json)" "$(jq -r '.rejected' s1.json)" "per-rule counts add up"
# Each rule's count is the number of rejects that name it.
jq -r '.rules | to_entries[] | select(.value > 0) | "\(.key) \(.value)"' s1.json | sort > rules_summary.txt
jq -r '._reject.rule' rej1.jsonl | sort | uniq -c | awk '{print $2, $1}' > rules_rejects.txt
cmp rules_summary.txt rules_rejects.txt || fail "summary rules differ from the rules in --rejects"
# The corpus exercises many rules (not one rule dropping everything).
[[ $(jq -r '[.rules[] | select(. > 0)] | length' s1.json) -ge 8 ]] || fail "expected at least 8 different rules to fire: $(jq -c .rules s1.json)"
[[ $(jq -r '.out' s1.json) -ge 500 ]] || fail "expected at least 500 records kept"
[[ $(jq -r '.c4_lines_removed' s1.json) -ge 100 ]] || fail "expected C4 to remove lines"

# --explain: every record kept; _reject on exactly the dropped ones, with the same reason in order.
expect_eq "$(wc -l < explain1.jsonl | tr -d ' ')" "$(( $(jq -r '.in - .quarantined' s1.json) ))" "explain keeps every record"
jq -c 'select(._reject != null) | [.id, ._reject]' explain1.jsonl > explain_rejects.txt
jq -c '[.id, ._reject]' rej1.jsonl > rejects.txt
cmp explain_rejects.txt rejects.txt || fail "explain's _reject differs from --rejects"
jq -c 'select(._reject == null) | del(._quality, ._reject)' explain1.jsonl > explain_kept.txt
jq -c . out1.jsonl > kept.txt
cmp explain_kept.txt kept.txt || fail "explain's passing records differ from the output"
# Every kept record's measured values meet their thresholds (spot check two rules).
expect_eq "$(jq -r 'select(._reject == null) | ._quality | select(.gopher_min_words < 20 or .fineweb_char_dup_ratio >= 0.01) | 1' explain1.jsonl | wc -l | tr -d ' ')" 0 "kept records pass"
echo "filter_threads: ok"
