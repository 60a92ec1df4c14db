# --stats has a fixed schema per stage: the same keys whatever the data and whatever the flags
# (a figure that does not apply is null, with its reason in "notes"; a count is 0 when nothing was
# counted; "rules" lists every rule of the stage), and "notes" is an object (figure -> why it is
# null) in every stage. Each stage runs with several flag sets on an empty input, a clean one and
# one with malformed lines and duplicates; the key paths of its summaries must all be equal. Objects
# keyed by the data (classes, annotators, languages, ...) are compared as maps: their own keys may
# differ, not the keys inside their values.
source "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import json, random
rng = random.Random(5)
words = "the quick brown fox jumps over a lazy dog while it rains in the city and the river runs".split()
recs = []
for i in range(40):
    text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 25)))
    recs.append({"id": "r%d" % i, "text": text, "label": rng.choice(["pos", "neg"]),
                 "annotations": [rng.choice(["pos", "neg"]) for _ in range(3)],
                 "probs": [0.7, 0.3] if i % 2 else [0.2, 0.8], "emb": [rng.random(), rng.random()],
                 "group": "g%d" % (i % 7), "ts": "2024-01-%02d" % (1 + i % 28), "gold": rng.choice(["pos", "neg"])})
recs.append(dict(recs[0], id="dup"))
with open("clean.jsonl", "w") as f:
    for r in recs: f.write(json.dumps(r) + "\n")
with open("messy.jsonl", "w") as f:
    for r in recs[:20]: f.write(json.dumps(r) + "\n")
    f.write("nothing\n{\"id\": \"x\"}\n")
    f.write(json.dumps({"id": "nolabel", "text": "no label here"}) + "\n")
open("empty.jsonl", "w").close()
json.dump([{"name": "kw_pos", "label": "pos", "keywords": ["quick"]},
           {"name": "kw_neg", "label": "neg", "keywords": ["lazy"]}], open("rules.json", "w"))
PY
"$DQPREP" model train -q --epoch 2 clean.jsonl -o model.bin

# run NAME ARGS...: the stage on each input, its --stats to NAME.<input>.json (failures are fine:
# a usage error writes no summary and is left out; the schema is about the summaries written).
run() {
  local name=$1
  shift
  for input in empty clean messy; do
    "$DQPREP" "$@" -q --on-error skip --stats "$name.$input.json" "$input.jsonl" >/dev/null 2>&1 || true
  done
}
declare -A STAGES
stage() { STAGES[$1]="${STAGES[$1]:-} $2"; run "$2" "${@:3}"; }

stage normalize n1 normalize -o /dev/null
stage normalize n2 normalize --strip-html --lowercase --label-case lower -o /dev/null
stage normalize n3 normalize --fix-mojibake --redact email,phone -o /dev/null
stage dedup d1 dedup -o /dev/null
stage dedup d2 dedup --mode near --mark -o /dev/null
stage dedup d3 dedup --keep longest --removed removed.jsonl -o /dev/null
stage dedup d4 dedup --mode near --shingle char:5 --verify -o /dev/null
stage filter f1 filter --min-words 5 -o /dev/null
stage filter f2 filter --gopher --rejects rej.jsonl -o /dev/null
stage filter f3 filter --drop-pii --classifier model.bin --keep-label pos --min-score 0.1 --explain -o /dev/null
stage label-check l1 label-check -o /dev/null
stage label-check l2 label-check --labels pos,neg --annotations-field annotations --consensus dawid-skene -o /dev/null
stage label-check l3 label-check --probs-field probs --classes pos,neg --near -o /dev/null
stage label-check l4 label-check --no-conflicts --drop-invalid --labels pos -o /dev/null
stage augment a1 augment --ops swap,delete -o /dev/null
stage augment a2 augment --balance --ops swap -o /dev/null
stage augment a3 augment --numeric-field emb --gaussian 0.1 -o /dev/null
stage augment a4 augment --numeric-field emb --mixup 0.4 -o /dev/null
stage augment a5 augment --adversarial --model model.bin --budget 0.2 -o /dev/null
stage split s1 split -o split1.jsonl
stage split s2 split --by stratified --out-dir out2 --check-leakage
stage split s3 split --kfold 3 -o split3.jsonl
stage split s4 split --by group --group-field group --out-dir out4
stage select e1 select --probs-field probs --k 5 -o /dev/null
stage select e2 select --probs-field probs --k 5 --density --diverse -o /dev/null
stage select e3 select --sampling inverse-density --k 5 -o /dev/null
stage select e4 select --strategy coreset --labelled clean.jsonl --k 5 -o /dev/null
stage weak-label w1 weak-label --rules rules.json -o /dev/null
stage weak-label w2 weak-label --rules rules.json --model dawid-skene --gold-field gold --analysis -o /dev/null
stage metrics m1 metrics
stage metrics m2 metrics --labels pos,neg --annotations-field annotations --lang --near
stage metrics m3 metrics --pii
stage sample q1 sample --n 5 -o /dev/null
stage sample q2 sample --review --margin 0.2 -o /dev/null
stage "model predict" p1 model predict --model model.bin -o /dev/null
stage "model predict" p2 model predict --model model.bin --probs-field probs2 --classes pos,neg -o /dev/null
stage "model eval" v1 model eval --model model.bin
stage "model eval" v2 model eval --model model.bin --slice-field group
stage "model train" t1 model train --epoch 1 -o m1.bin
stage "model crossval" c1 model crossval --kfold 2 --epoch 1 -o /dev/null
stage "model crossval" c2 model crossval --kfold 2 --epoch 1 --group-field group --slice-field group -o /dev/null

# The sharded dedup: sign each input, cluster, apply.
for input in empty clean messy; do
  "$DQPREP" dedup sign -q --on-error skip --stats "g1.$input.json" "$input.jsonl" -o "$input.sig" >/dev/null 2>&1 || true
  "$DQPREP" dedup cluster -q --stats "k1.$input.json" "$input.sig" -o "$input.clusters" >/dev/null 2>&1 || true
  "$DQPREP" dedup apply -q --on-error skip --stats "y1.$input.json" --clusters "$input.clusters" "$input.jsonl" \
    -o /dev/null >/dev/null 2>&1 || true
done
STAGES["dedup sign"]=g1
STAGES["dedup cluster"]=k1
STAGES["dedup apply"]=y1

export STAGE_RUNS
STAGE_RUNS=$(for s in "${!STAGES[@]}"; do echo "$s:${STAGES[$s]}"; done)
python3 - <<'PY'
import glob, json, os, sys
# Objects keyed by the data: only the presence of the object counts.
MAPS = {"classes", "classes_out", "classes_before", "classes_after", "per_annotator", "rating_classes",
        "issue_thresholds", "class_priors", "annotators", "confusion", "lengths_by_class", "languages",
        "class_share", "undeclared_classes", "class_balance_by", "by_class", "per_class", "per_rule",
        "rule_stats", "label_counts", "slices", "shards", "missing_fields", "files", "names",
        "invalid_label_values", "conflict_samples", "issue_samples", "checks", "splits", "split_sizes",
        "folds", "fold_sizes", "per_split", "sources", "lengths_by_split", "samples", "classes_by_split",
        "by_splits", "ops", "strata"}
# The key paths of a summary, and those whose value is null (a figure that does not apply: what
# it would hold is not required).
def paths(j, prefix="", nulls=None):
    out = set()
    if isinstance(j, dict):
        for k, v in j.items():
            p = prefix + "." + k
            out.add(p)
            if v is None and nulls is not None: nulls.add(p)
            if k not in MAPS and k != "notes": out |= paths(v, p, nulls)
    return out
failed = False
for line in os.environ["STAGE_RUNS"].splitlines():
    stage, names = line.split(":", 1)
    schemas = {}
    for name in names.split():
        for f in sorted(glob.glob(name + ".*.json")):
            j = json.load(open(f))
            if not isinstance(j.get("notes"), dict):
                print("FAIL %s (%s): notes is %r, not an object" % (stage, f, j.get("notes"))); failed = True
            nulls = set()
            schemas[f] = (paths(j, "", nulls), nulls)
    if len(schemas) < 2:
        print("FAIL %s: fewer than two summaries written (%s)" % (stage, sorted(schemas))); failed = True
        continue
    # "rules" lists the rules the flags apply: the same for every input of one flag set.
    for f, (s, nulls) in sorted(schemas.items()):
        run = f.split(".")[0]
        others = set().union(*(p for p, _ in schemas.values()))
        same_flags = set().union(*(p for g, (p, _) in schemas.items() if g.split(".")[0] == run))
        want = {p for p in others if not p.startswith(".rules.")} | {p for p in same_flags if p.startswith(".rules.")}
        missing = sorted(p for p in want - s if not any(p.startswith(n + ".") for n in nulls))
        if missing:
            failed = True
            print("FAIL %s: %s lacks %s" % (stage, f, " ".join(missing)))
sys.exit(1 if failed else 0)
PY
echo "stats_schema: ok"
