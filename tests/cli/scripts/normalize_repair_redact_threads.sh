# normalize --fix-mojibake --redact, filter --drop-pii and metrics --pii: the same bytes for any -j,
# summaries that balance, and redaction that leaves nothing for a second pass.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(11)
words = ["alpha", "beta", "caf\u00e9", "na\u00efve", "Stra\u00dfe", "\u0434\u043e\u0440\u043e\u0433\u0430", "\u201cq\u201d",
         "2023-01-15", "v1.2.3", "$19.99", "order #123-456-7890", "the", "and", "12", "3.5"]
pii = ["jane.doe@example.com", "+1 415 555 2671", "192.168.1.1", "https://example.com/a?b=1",
       "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "AKIAIOSFODNN7EXAMPLE", "020 7946 0958"]
with open("in.jsonl", "w", encoding="utf-8") as f:
    for i in range(10000):
        ws = [rng.choice(words) for _ in range(rng.randint(1, 40))]
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            ws.insert(rng.randint(0, len(ws)), rng.choice(pii))
        text = " ".join(ws)
        if i % 7 == 0:
            text = text.encode("utf-8").decode(rng.choice(["cp1252", "latin-1", "mac_roman"]), errors="replace")
        f.write(json.dumps({"id": i, "text": text, "label": rng.choice(["a", "b"])}) + "\n")
PY
for j in 1 2 4 7; do
  "$DQPREP" normalize -q -j "$j" --fix-mojibake --redact all in.jsonl -o "n$j.jsonl" --stats "ns$j.json"
  "$DQPREP" filter -q -j "$j" --drop-pii in.jsonl -o "f$j.jsonl" --rejects "r$j.jsonl" --stats "fs$j.json"
  "$DQPREP" metrics -q -j "$j" --pii in.jsonl --json "m$j.json"
done
for j in 2 4 7; do
  cmp n1.jsonl "n$j.jsonl" || fail "normalize -j $j output differs from -j 1"
  cmp f1.jsonl "f$j.jsonl" || fail "filter -j $j output differs from -j 1"
  cmp r1.jsonl "r$j.jsonl" || fail "filter -j $j rejects differ from -j 1"
  expect_eq "$(jq -c 'del(.seconds)' "m$j.json")" "$(jq -c 'del(.seconds)' m1.json)" "metrics -j $j report"
done
expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' ns4.json)" true "normalize summary balances"
expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' fs4.json)" true "filter summary balances"
expect_eq "$(jq -r '.mojibake_fixed > 1000' ns1.json)" true "mojibake repaired"
# Every record filter drops is one normalize redacts, and the other way round.
expect_eq "$(jq -r .rejected fs1.json)" "$(jq -r .redacted_records ns1.json)" "dropped = redacted records"
expect_eq "$(jq -r '.pii.any * .n | round' m1.json)" "$(jq -r .redacted_records ns1.json)" "metrics pii.any = redacted records"
# A second pass finds nothing more; metrics sees no personal data in the redacted text.
"$DQPREP" normalize -q --fix-mojibake --redact all n1.jsonl -o again.jsonl --stats again.json
cmp n1.jsonl again.jsonl || fail "a second normalize --fix-mojibake --redact changed the output"
"$DQPREP" metrics -q --pii --check 'pii.any <= 0' n1.jsonl || fail "personal data left after --redact"
echo "normalize_repair_redact_threads: ok"
