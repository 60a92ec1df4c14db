#!/usr/bin/env python3
"""The input files that the commands of README.md, docs/*.md and the --help examples name, in the
current directory, for tests/cli/scripts/doc_commands.sh. English prose from WordNet's noun glosses
(Debian's wordnet-base), so that the language and Gopher filters keep it; labels that the commands'
gates accept (balanced classes, agreeing annotators, a model that can be right on test.jsonl).

usage: doc_fixtures.py   (writes the files; the compressed ones with gzip and zstd)
"""
import gzip
import json
import random
import subprocess

rng = random.Random(11)
glosses = []
with open("/usr/share/wordnet/data.noun", encoding="utf-8", errors="replace") as f:
    for line in f:
        if line.startswith("  ") or "|" not in line:
            continue
        gloss = line.split("|", 1)[1].strip().replace('"', "").replace(";", ",")
        if 8 <= len(gloss.split()) <= 30 and gloss[:1].isalpha():
            glosses.append(gloss[0].upper() + gloss[1:].rstrip(".") + ".")
rng.shuffle(glosses)
_next = [0]


def gloss():
    _next[0] += 1
    return glosses[_next[0] % len(glosses)]


def prose(words=60):
    """Fresh sentences (never repeated across records) until `words` words."""
    out = []
    while sum(len(s.split()) for s in out) < words:
        out.append(gloss())
    return " ".join(out)


# A sentence per class that a model and the weak-label rules can key on.
SAY = {"pos": "We loved it and the result was wonderful.",
       "neg": "We hated it and the result was terrible.",
       "neu": "It was an ordinary thing and the result was average."}
LONG = {"pos": "positive", "neg": "negative", "neu": "neutral"}


def write(path, records):
    text = "".join(json.dumps(r) + "\n" for r in records)
    if path.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(text)
    elif path.endswith(".zst"):
        subprocess.run(["zstd", "-q", "-f", "-o", path], input=text.encode(), check=True)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def agreeing(label, classes, k=3, p=0.93):
    return [label if rng.random() < p else rng.choice(classes) for _ in range(k)]


def probs_for(label, classes):
    top = 0.6 + 0.35 * rng.random()
    rest = (1 - top) / (len(classes) - 1)
    return [round(top if c == label else rest, 6) for c in classes]


def labelled(n, classes, words=60, long_names=False, start=0, **extra):
    recs = []
    for i in range(n):
        c = classes[i % len(classes)]
        r = {"id": "%s%d" % (extra.get("prefix", "r"), start + i), "text": prose(words) + " " + SAY[c],
             "label": LONG[c] if long_names else c}
        recs.append(r)
    return recs


short = ["pos", "neg", "neu"]

# data.jsonl: labels pos/neg/neu, agreeing annotators, probabilities, users and dates.
data = labelled(90, short, words=20)
for i, r in enumerate(data):
    r["annotations"] = agreeing(r["label"], short)
    r["probs"] = probs_for(r["label"], short)
    r["meta"] = {"user": "u%d" % (i % 23)}
    r["created_at"] = "2024-%02d-%02dT10:00:00Z" % (1 + i % 12, 1 + i % 28)
    r["source"] = ["web", "forum"][i % 2]
write("data.jsonl", data)
for k in range(2):  # what docs' train_predict.py writes: held-out records with "probs"
    write("probs_%d.jsonl" % k, data[k::2])

# train.jsonl / test.jsonl: positive/negative/neutral, a vector, annotators.
train = labelled(90, short, words=12, long_names=True, prefix="t")
for r in train:
    r["annotations"] = agreeing(r["label"], list(LONG.values()))
    r["emb"] = [round(rng.uniform(-1, 1), 4) for _ in range(4)]
    r["source"] = rng.choice(["web", "forum"])
write("train.jsonl", train)
test = labelled(30, short, words=12, long_names=True, prefix="e")
for r in test:
    r["source"] = rng.choice(["web", "forum"])
write("test.jsonl", test)

# reviews: positive/negative/neutral, unbalanced (augment --balance); the .gz one with raw spellings.
reviews = labelled(30, ["pos"], words=25, long_names=True, prefix="rv") + \
    labelled(14, ["neg"], words=25, long_names=True, prefix="rn") + labelled(8, ["neu"], words=25, long_names=True, prefix="ru")
write("reviews.jsonl", reviews)
write("reviews.jsonl.gz", [dict(r, label=r["label"].capitalize(), text="<p>" + r["text"] + "</p>") for r in reviews])
json.dump({"Positive": "positive", "Negative": "negative", "Neutral": "neutral"}, open("labels.json", "w"))

# Web-like prose long enough for Gopher (50+ words), balanced labels.
raw = labelled(120, short, words=70)
write("raw.jsonl.zst", raw)
write("raw.jsonl", raw)
for name in ("in.jsonl", "sample.jsonl", "books.jsonl", "crawl.jsonl", "all.jsonl", "c1to10k.jsonl"):
    recs = labelled(24, short, words=70, prefix=name[0])
    for r in recs:
        r["gold"] = r["label"]
    if name == "all.jsonl":
        recs += [dict(r, id=r["id"] + "-copy", text=r["text"].lower()) for r in recs[:4]]
    write(name, recs)
write("web.jsonl.zst", labelled(24, short, words=70, prefix="w"))
crawl = labelled(24, short, words=70, prefix="c")
for i, r in enumerate(crawl):
    r["meta"] = {"url": "https://example.org/page/%d" % (i % 20)}
write("crawl.jsonl.zst", crawl)
write("benchmark.jsonl", labelled(10, short, words=40, prefix="b") + [dict(train[0], id="leak")])
for name in ("shard-0.jsonl.zst", "shard-007.jsonl.zst", "shard-0001.jsonl.zst", "shard-1.jsonl"):
    write(name, [dict(r, label=["a", "b", "c"][i % 3]) for i, r in enumerate(labelled(15, short, words=30, prefix="s"))])
subprocess.run(["mkdir", "-p", "shards"], check=True)
write("shards/1.jsonl.zst", labelled(15, short, words=30, prefix="h"))
write("shard-017.jsonl.zst", [dict(r, doc_id="d%d" % i) for i, r in enumerate(labelled(15, short, words=30, prefix="z"))])
augmented = labelled(30, short, words=20, prefix="a")
for r in augmented[10:]:
    r["aug"] = {"op": "swap", "source_id": augmented[int(r["id"][1:]) % 10]["id"]}
write("augmented.jsonl", augmented)

# Instruction and chat data.
alpaca = [{"id": "p%d" % i, "instruction": gloss(), "input": "", "output": prose(20)} for i in range(20)]
write("alpaca.jsonl", alpaca)
write("sft.jsonl", alpaca)
write("instructions.jsonl", alpaca)
chats = []
for i in range(24):
    c = short[i % 3]
    chats.append({"id": "c%d" % i, "label": c, "messages": [{"role": "user", "content": prose(20)},
                                                           {"role": "assistant", "content": prose(30) + " " + SAY[c]}]})
write("chats.jsonl", chats)
write("raw.jsonl.gz", [dict(r, label=r["label"].upper()) for r in chats])
write("code.jsonl", [{"id": "k%d" % i, "text": "def f(x):\n    return x  # %s\n" % gloss()} for i in range(5)])

# Pools for select and model predict.
pool = []
for i in range(60):
    p = probs_for(short[i % 3], short)
    pool.append({"id": "q%d" % i, "text": prose(15), "probs": p, "pred": {"probs": p},
                 "emb": [round(rng.uniform(-1, 1), 4) for _ in range(4)]})
write("pool.jsonl", pool)

# Crowd ratings on a 1-5 scale, in both shapes: a record per rating (--long: item, worker, label)
# that also carries the item's ratings (--annotations-field annotations).
ratings = []
for item in range(30):
    truth = 1 + item % 5
    votes = [min(5, max(1, truth + (0 if rng.random() < 0.85 else rng.choice([-1, 1])))) for _ in range(3)]
    text = prose(12)
    for w, v in enumerate(votes):
        ratings.append({"item": "q%d" % item, "worker": "w%d" % w, "label": v, "annotations": votes, "text": text})
write("ratings.jsonl", ratings)

# Weak-label rules, metrics gates.
json.dump([{"name": "kw_pos", "label": "pos", "keywords": ["loved", "wonderful"]},
           {"name": "kw_neg", "label": "neg", "keywords": ["hated", "terrible"]},
           {"name": "kw_neu", "label": "neu", "keywords": ["ordinary", "average"]}], open("rules.json", "w"), indent=1)
with open("gates.txt", "w") as f:
    f.write("fail: noise_ratio <= 0.02\nwarn: class_balance >= 0.8\n")
