# The Slurm recipe's chain (tools/slurm/pipeline.sh) under GNU parallel on this machine, over 4
# shards of WordNet's glosses (a real file, with its own near duplicates): every output is the
# same bytes as the chain run as one process (tools/slurm/compare.sh); a shard with a malformed
# line fails the run, which then leaves no output directory. tools/slurm/test_slurm.sh runs the same
# on a real Slurm.
RECIPE=$(cd "$(dirname "$0")/../../../tools/slurm" && pwd)
source "$(dirname "$0")/lib.sh"
command -v parallel >/dev/null || fail "GNU parallel is not installed (tools/setup.sh installs it)"
python3 - <<'PY'
import json
with open("glosses.jsonl", "w", encoding="utf-8") as out:
    for pos in ("adj", "adv"):
        with open("/usr/share/wordnet/data." + pos, encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.startswith("  ") and "|" in line:
                    out.write(json.dumps({"id": pos[0] + line.split(" ", 1)[0], "text": line.split("|", 1)[1].strip(),
                                          "label": pos}) + "\n")
PY
split -n l/4 -d --additional-suffix=.jsonl glosses.jsonl shard
FLAGS=(--filter "--min-words 3" --cluster "--keep longest" --report "--check 'duplicate_ratio < 0.05'"
       --split "--ratios 0.8,0.1,0.1 --names train,dev,test")
bash "$RECIPE/pipeline.sh" --runner parallel --jobs 2 --work work --out out --dqprep "$DQPREP" --partitions 3 \
  "${FLAGS[@]}" shard0{0,1,2,3}.jsonl >run.log 2>&1 || { cat run.log; fail "the pipeline failed"; }
bash "$RECIPE/compare.sh" --out out --dqprep "$DQPREP" "${FLAGS[@]}" shard0{0,1,2,3}.jsonl
# the glosses' own near duplicates, verified (Jaccard >= 0.8): 14
[[ $(jq .duplicates out/report/dedup.json) -gt 10 ]] || fail "only $(jq .duplicates out/report/dedup.json) duplicates"
[[ -s out/report/metrics.md ]] || fail "no Markdown report"
expect_eq "$(jq -c '[.[] | .jobs]' out/report/stages.json)" "[4,4,4,1,4,4]" "jobs per stage"

# One shard fails (a malformed line under the default --on-error fail): the run fails, nothing is
# published, and the failed task is named.
(head -50 shard02.jsonl; echo '{"id": "broken", "text": '; tail -n +51 shard02.jsonl) >bad02.jsonl
code=0
bash "$RECIPE/pipeline.sh" --runner parallel --jobs 2 --work work2 --out out2 --dqprep "$DQPREP" --partitions 3 \
  "${FLAGS[@]}" shard00.jsonl shard01.jsonl bad02.jsonl shard03.jsonl >run2.log 2>&1 || code=$?
expect_eq "$code" 1 "exit code of a failed run ($(cat run2.log))"
[[ ! -e out2 && ! -e out2.partial ]] || fail "a failed run left an output"
grep -q "prep.2" run2.log || fail "the failed task is not named: $(cat run2.log)"
grep -q "bad02.jsonl:51: bad JSON" work2/logs/prep-2.out || fail "the log of the failed task: $(cat work2/logs/prep-2.out)"
# A gate that fails (metrics merge --check; shards 0 and 3 hold adjectives and adverbs, 5:1) fails
# the publish step: no output either.
code=0
bash "$RECIPE/pipeline.sh" --runner parallel --jobs 2 --work work3 --out out3 --dqprep "$DQPREP" --partitions 2 \
  --filter "--min-words 3" --report "--check 'class_balance >= 0.99'" shard0{0,3}.jsonl >run3.log 2>&1 || code=$?
expect_eq "$code" 1 "exit code of a failed gate ($(cat run3.log))"
[[ ! -e out3 && ! -e out3.partial ]] || fail "a failed gate left an output"
grep -q "publish.0" run3.log || fail "the failed publish is not named: $(cat run3.log)"
echo "slurm_recipe_parallel: ok"
