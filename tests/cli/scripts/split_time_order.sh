# split --by time: every train time <= every val time <= every test time, with ISO-8601 times in
# several zones and epoch seconds mixed; records without a usable time go to --rejects; time folds
# are consecutive periods.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random, datetime
rng = random.Random(5)
utc = datetime.timezone.utc
with open("in.jsonl", "w") as f, open("truth.json", "w") as t:
    truth = {}
    for i in range(3000):
        epoch = rng.randrange(1_500_000_000, 1_700_000_000)
        if rng.random() < 0.02:
            epoch = truth[rng.choice(list(truth))] if truth else epoch  # equal times
        d = datetime.datetime.fromtimestamp(epoch, utc)
        form = i % 6
        if form == 0: v = epoch
        elif form == 1: v = d.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif form == 2:  # another zone
            off = rng.choice([-8, -5, 0, 2, 9])
            z = datetime.timezone(datetime.timedelta(hours=off))
            v = d.astimezone(z).isoformat()
        elif form == 3: v = d.strftime("%Y-%m-%d %H:%M:%S")  # naive: UTC
        elif form == 4: v = d.strftime("%Y-%m-%dT%H:%M:%S") + ".000+00:00"
        else: v = epoch + 0.25; epoch = epoch + 0.25
        truth[i] = epoch
        rec = {"id": i, "text": "t%d" % i, "meta": {"created": v}}
        f.write(json.dumps(rec) + "\n")
    # No time, null, nonsense, an impossible date, a boolean.
    for j, v in enumerate([None, "yesterday", "2023-02-29", True, "missing"]):
        rec = {"id": "bad%d" % j, "text": "x", "meta": {"created": v}}
        if v == "missing": del rec["meta"]["created"]
        f.write(json.dumps(rec) + "\n")
    json.dump(truth, t)
PY
check_order() {  # FILE FIELD NPARTS
  python3 - "$@" <<'PY'
import json, sys
truth = json.load(open("truth.json"))
recs = [json.loads(l) for l in open(sys.argv[1])]
field, parts = sys.argv[2], int(sys.argv[3])
names = {}
for r in recs:
    names.setdefault(r[field], []).append(truth[str(r["id"])])
order = sorted(names, key=lambda k: min(names[k]))
assert len(order) == parts, order
for a, b in zip(order, order[1:]):
    assert max(names[a]) <= min(names[b]), (a, b, max(names[a]), min(names[b]))
assert sorted(str(r["id"]) for r in recs) == sorted(truth), "every timed record once"
print("ok", [(k, len(names[k])) for k in order])
PY
}
"$DQPREP" split -q --by time --time-field meta.created --assign-field split --rejects rej.jsonl in.jsonl \
  --stats s.json > out.jsonl
check_order out.jsonl split 3
expect_eq "$(jq -r '[.splits.train.count, .splits.val.count, .splits.test.count] | @csv' s.json)" "2400,300,300" "exact counts"
expect_eq "$(wc -l < rej.jsonl)" 5 "rejects"
expect_eq "$(jq .rules.missing_time s.json)" 5 "rules.missing_time"
expect_eq "$(jq -r '.in == .out + .rejected + .quarantined' s.json)" true "summary balances"
expect_eq "$(jq -c ._reject rej.jsonl | sort | tr '\n' ' ')" \
  '{"rule":"missing_time","value":"2023-02-29"} {"rule":"missing_time","value":"yesterday"} {"rule":"missing_time","value":true} {"rule":"missing_time"} {"rule":"missing_time"} ' \
  "reject reasons"
# Order kept within a split (input order), and the time split is deterministic without a seed.
"$DQPREP" split -q --by time --time-field meta.created --seed 9 --assign-field split in.jsonl > out9.jsonl
cmp out.jsonl out9.jsonl || fail "a time split depends on the seed"
python3 -c "
import json
ids = [json.loads(l)['id'] for l in open('out.jsonl')]
assert ids == sorted(ids), 'input order kept'
"
# Four parts, and folds.
"$DQPREP" split -q --by time --time-field meta.created --ratios 0.4,0.3,0.2,0.1 --out-dir parts in.jsonl
for p in 0 1 2 3; do jq -c ". + {part: \"p$p\"}" parts/part-$p.jsonl; done > parts.jsonl
check_order parts.jsonl part 4
"$DQPREP" split -q --by time --time-field meta.created --kfold 4 in.jsonl > folds.jsonl
check_order folds.jsonl fold 4
echo "split_time_order: ok"
