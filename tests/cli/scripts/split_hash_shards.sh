# split --hash-mode: shards split separately give every record the split that one run over all of
# them gives (by id, by text without an id, by group key); shares near the ratios.
source "$(dirname "$0")/lib.sh"
make_corpus full.jsonl
head -n 30000 full.jsonl > in.jsonl
# Some records without an id (their text decides), and a group field.
jq -c 'if .id % 10 == 3 then del(.id) else . end | . + {user: ("u" + ((.meta.n % 1013) | tostring))}' in.jsonl > all.jsonl
split_lines() { head -n 11111 all.jsonl > s1.jsonl; sed -n '11112,20000p' all.jsonl > s2.jsonl; tail -n +20001 all.jsonl | gzip > s3.jsonl.gz; }
split_lines
for mode in "random" "group --group-field user" "random --kfold 4"; do
  for seed in 0 9; do
    "$DQPREP" split -q --hash-mode --by $mode --seed "$seed" --assign-field split all.jsonl > whole.jsonl
    "$DQPREP" split -q --hash-mode --by $mode --seed "$seed" --assign-field split s1.jsonl > p1.jsonl
    "$DQPREP" split -q --hash-mode --by $mode --seed "$seed" --assign-field split - < s2.jsonl > p2.jsonl
    "$DQPREP" split -q -j 3 --hash-mode --by $mode --seed "$seed" --assign-field split s3.jsonl.gz > p3.jsonl
    cat p1.jsonl p2.jsonl p3.jsonl | cmp - whole.jsonl || fail "--hash-mode --by $mode --seed $seed: shards disagree with the whole"
  done
done
# Shares: binomial around the ratios (sd of the val count ~ 52 for n = 30000): within 5 sd.
"$DQPREP" split -q --hash-mode --out-dir parts all.jsonl --stats s.json
python3 -c "
import json, math; s = json.load(open('s.json')); n = s['out']
for name, r in [('train', .8), ('val', .1), ('test', .1)]:
    c = s['splits'][name]['count']; sd = math.sqrt(n * r * (1 - r))
    assert abs(c - r * n) < 5 * sd, (name, c, r * n)
"
# Groups stay whole under --hash-mode too, shard by shard.
"$DQPREP" split -q --hash-mode --by group --group-field user --assign-field split all.jsonl |
  jq -r '"\(.user) \(.split)"' | sort -u | cut -d' ' -f1 | uniq -d > dup_groups.txt
expect_eq "$(wc -l < dup_groups.txt)" 0 "groups in two splits"
# A record without an id falls back to its text: the same text always lands in the same split.
printf '{"text":"same"}\n{"text":"same"}\n{"text":"same"}\n' | "$DQPREP" split -q --hash-mode --assign-field s |
  jq -r .s | sort -u > one.txt
expect_eq "$(wc -l < one.txt)" 1 "same text, same split"
echo "split_hash_shards: ok"
