#!/usr/bin/env python3
"""The input files that the commands of README.md, docs/*.md and the --help examples name, in the
current directory, for tests/cli/scripts/doc_commands.sh. English prose from WordNet's noun glosses
(Debian's wordnet-base), so that the language and Gopher filters keep it; labels that the commands'
gates accept (balanced classes, agreeing annotators, a model that can be right on test.jsonl).
What a command reads that an earlier stage writes is made by running that stage (dqprep on PATH):
the quality model, redacted.jsonl, marked.jsonl and the review sheets drawn from it, the metrics
reports for metrics diff, out/ by tools/sample_pipeline.sh, the signature and edge files of the
sharded dedup; the SentencePiece model by Debian's spm_train. No network; the same files every run
(only the "seconds" of the stages' reports differ).

usage: doc_fixtures.py   (writes the files; the compressed ones with gzip and zstd)
"""
import csv
import gzip
import json
import os
import random
import shutil
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


def write_gz(path, text):
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:  # no time stamp
        f.write(text.encode("utf-8"))


def write(path, records):
    text = "".join(json.dumps(r) + "\n" for r in records)
    if path.endswith(".gz"):
        write_gz(path, text)
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

# --- The files of the later examples, several made by running dqprep itself. ---
REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


def dqprep(*args, stdin=None):
    """Runs dqprep (from PATH) quietly; its standard output as text."""
    run = subprocess.run(["dqprep", *args], input=stdin, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("doc_fixtures: dqprep %s: exit %d\n%s" % (" ".join(args), run.returncode, run.stderr))
    return run.stdout


def jsonl(records):
    return "".join(json.dumps(r) + "\n" for r in records)


# The noun and its gloss, for question-answer records ("What is a lighthouse?").
nouns = []
with open("/usr/share/wordnet/data.noun", encoding="utf-8", errors="replace") as f:
    for line in f:
        if line.startswith("  ") or "|" not in line:
            continue
        word = line.split()[4].replace("_", " ")
        text = line.split("|", 1)[1].split(";")[0].strip()
        if word.isalpha() and word.islower() and 5 <= len(text.split()) <= 20:
            nouns.append((word, text[0].upper() + text[1:].rstrip(".") + "."))
rng.shuffle(nouns)


def a(word):
    return ("an " if word[0] in "aeiou" else "a ") + word

# convert: a spreadsheet export (README: review and stars columns; the Gopher and language filters
# of README's pipeline keep its reviews, its stars are balanced for the metrics gate), a smaller
# one with a quoted comma and a two-line cell (convert --help), paragraphs of notes, a JSON array.
STARS = {"pos": "5", "neg": "1", "neu": "3"}


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "review", "stars"])
        w.writerows(rows)


write_csv("export.csv", [(i + 1, prose(70) + " " + SAY[c], STARS[c]) for i, c in enumerate(short * 30)])
small = [(i + 1, prose(12) + " " + SAY[c], STARS[c]) for i, c in enumerate(short * 6)]
small[0] = (1, "Great, would buy again", "5")
small[1] = (2, "Two\nlines", "4")
write_csv("reviews.csv", small)
# paragraphs of two to four lines, separated by a blank line
write_gz("notes.txt.gz", "".join("\n".join(gloss() for _ in range(2 + i % 3)) + "\n\n" for i in range(12)))
with open("export.json", "w", encoding="utf-8") as f:
    json.dump([{"q": "What is %s?" % a(w), "a": g} for w, g in nouns[:20]], f, indent=1)

# Web pages as scraped HTML (normalize --strip-html, filter --rule nav_lines, --classifier): an
# article between a menu and a footer, and a few pages that are nothing but navigation.
pages = []
for i in range(24):
    menu = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/blog'>Blog</a></li><li><a href='/shop'>Shop</a></li><li><a href='/login'>Log in</a></li></ul></nav>"
    if i % 6 == 5:
        body = menu + "<p>Skip to content</p><p>Home | Blog | Shop | Contact</p><p>Accept all cookies</p>"
    else:
        body = menu + "<h1>%s</h1>" % nouns[100 + i][0].capitalize() + \
            "".join("<p>%s</p>" % prose(25) for _ in range(5 + i % 3))
    pages.append({"id": "page%d" % i, "url": "https://example.org/p/%d" % i,
                  "text": "<html><body>" + body + "<footer>&copy; 2024 Example Ltd. All rights reserved.</footer></body></html>"})
write("pages.jsonl", pages)

# A quality classifier's training set: hq prose, junk spam and site chrome (filter --classifier).
junk_lines = ["Home | Blog | Shop | Log in", "Click here to claim your free prize now", "Accept all cookies",
              "Buy cheap watches online best price", "Read more", "Sign up for our newsletter", "Back to top",
              "Limited offer, order today, free shipping", "Privacy policy | Terms of use"]
quality = []
for i in range(40):
    if i % 2:
        quality.append({"id": "qt%d" % i, "text": prose(40), "label": "hq"})
    else:
        quality.append({"id": "qt%d" % i, "label": "junk",
                        "text": " ".join(rng.choice(junk_lines) for _ in range(6))})
write("quality_train.jsonl", quality)
dqprep("model", "train", "-q", "--epoch", "25", "quality_train.jsonl", "-o", "quality.bin")

# A SentencePiece model (filter --tokenizer, metrics --tokenizer) on 3000 WordNet glosses, as
# docs/filter.md trains tok.model; deterministic (one thread, a fixed seed).
with open("/usr/share/wordnet/data.noun", encoding="utf-8", errors="replace") as f:
    lines = f.read().split("\n")[29:3029]
with open("glosses.txt", "w", encoding="utf-8") as f:
    f.write("".join(line.split("| ", 1)[1] + "\n" for line in lines if "| " in line))
subprocess.run(["spm_train", "--input=glosses.txt", "--model_prefix=tokenizer", "--vocab_size=400",
                "--minloglevel=2", "--num_threads=1", "--random_seed=1"], check=True)
os.remove("tokenizer.vocab")
os.remove("glosses.txt")

# Personal data: support tickets (normalize --redact, filter --drop-pii) and what redaction leaves
# (metrics --pii); chats get a few in their user turns (normalize --redact --format chat).
PII = ["You can reach me at jane.doe@example.com or on (415) 555-2671 after six.",
       "My card 4111 1111 1111 1111 was charged twice, please refund it.",
       "Please wire the refund to DE89 3704 0044 0532 0130 00, thanks.",
       "Call me back on +44 20 7946 0958, or mail bob.smith@example.org.",
       "The integration fails with api_key = sk-proj-9fK2mQ7xLp4vR8sT1wZ3yB6nC0dE5gH2 in the header.",
       "Our billing contact is accounts@example.net, phone 1-800-555-0199."]
support = []
for i in range(24):
    text = "Hello, I ordered %s last week. %s" % (a(nouns[200 + i][0]), gloss())
    if i % 2 == 0:
        text += " " + PII[(i // 2) % len(PII)]
    support.append({"id": "ticket-%d" % (1000 + i), "text": text + " Thank you for your help.",
                    "label": ["billing", "shipping", "account"][i % 3]})
write("support.jsonl", support)
dqprep("normalize", "-q", "--redact", "all", "support.jsonl", "-o", "redacted.jsonl")
for i, c in enumerate(chats):
    if i % 3 == 0:
        c["messages"][0]["content"] += " " + PII[i % len(PII)]
write("chats.jsonl", chats)

# Text that went through a wrong codec (UTF-8 read as Windows-1252, the bytes it lacks as Latin-1,
# as a browser shows them): normalize --fix-mojibake.
def mojibake(text):
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


scraped = []
for i in range(20):
    text = "The caf\u00e9\u2019s \u201c%s\u201d \u2014 %s" % (nouns[300 + i][0], gloss())
    if i % 2 == 0:
        text = mojibake(text)
    scraped.append({"id": "s%d" % i, "text": text})
write("scraped.jsonl", scraped)

# Active learning: what is labelled (select --labelled, model train), the adversarial attack's
# records (labels of train.jsonl, which m.bin is trained on), autotune's validation set.
write("labelled.jsonl", labelled(30, short, words=15, prefix="l"))
write("attack.jsonl", labelled(9, short, words=12, long_names=True, prefix="x"))
write("val.jsonl", labelled(30, short, words=12, long_names=True, prefix="v"))

# The review loop (docs/sample.md): label-check marks likely label errors from probabilities (6 of
# 60 labels flipped), sample --review draws the sheet, and two reviewers fill their copies: anna
# knows the true labels, ben disagrees with her on a few records.
truth, noisy = {}, []
for i, r in enumerate(labelled(60, short, words=20, prefix="m")):
    truth[r["id"]] = r["label"]
    r["probs"] = probs_for(r["label"], short)
    if i % 10 == 3:
        r["label"] = short[(short.index(r["label"]) + 1) % 3]
    noisy.append(r)
marked = dqprep("label-check", "-q", "--probs-field", "probs", "--classes", ",".join(short), "--no-conflicts",
                stdin=jsonl(noisy))
for name in ("marked.jsonl", "checked.jsonl"):
    with open(name, "w", encoding="utf-8") as f:
        f.write(marked)
sheet = [json.loads(line) for line in dqprep("sample", "-q", "--review", "--margin", "0.05", stdin=marked).splitlines()]
for reviewer, disagree in (("anna", 0), ("ben", 0.1)):
    rows = []
    for r in sheet:
        wrong = r["label"] != truth[r["id"]]
        if rng.random() < disagree:
            wrong = not wrong
        row = dict(r, verdict="wrong" if wrong else "ok", reviewer=reviewer)
        if wrong and r["label"] != truth[r["id"]]:
            row["correct_label"] = truth[r["id"]]
        rows.append(row)
    write("sheet-%s.jsonl" % reviewer, rows)

# Metrics reports to compare (metrics diff): main.json and pr.json as docs/metrics.md shows them
# (tests/cli/cases/metrics_diff_gates: 5 + 5 records, then two of one class lost and a repeat of the
# other added; both of its checks fail), main-metrics.json and metrics.json as in metrics diff
# --help (three records added: its checks pass).
two = labelled(10, ["pos", "neg"], words=20, prefix="d")
main = sorted(two, key=lambda r: r["label"] != "pos")
pr = main[:5] + [dict(main[0], id="d10")] + main[5:8]
dqprep("metrics", "-q", "--json", "main.json", stdin=jsonl(main))
dqprep("metrics", "-q", "--json", "pr.json", stdin=jsonl(pr))
dqprep("metrics", "-q", "--json", "main-metrics.json", "train.jsonl")
dqprep("metrics", "-q", "--json", "metrics.json", stdin=jsonl(train + labelled(3, short, words=12, long_names=True, prefix="n")))

# The reports of the sample pipeline (docs/report.md): out/*.stats.json, out/metrics.json, ... by
# the script that the main job runs.
subprocess.run(["bash", os.path.join(REPO, "tools/sample_pipeline.sh"), "dqprep", "out"], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

# The sharded dedup's inputs to its union step (docs/dedup.md, dedup cluster --help): a signature
# file per shard and the edge files of the eight partitions, by the commands the docs show.
shard_names = sorted(n for n in os.listdir(".") if n.startswith("shard-") and n.endswith(".jsonl.zst"))
for name in shard_names:
    dqprep("dedup", "sign", "-q", "--mode", "near", name, "-o", "sig/%s.sig" % name[:-len(".jsonl.zst")])
for i in range(8):
    dqprep("dedup", "cluster", "-q", "--partition", "%d/8" % i,
           *["sig/%s.sig" % n[:-len(".jsonl.zst")] for n in shard_names], "-o", "edges/part-%d.edges" % i)

# The hand-made instruction set that docs/filter.md measures its --sft rules on.
shutil.copytree(os.path.join(REPO, "examples", "sft"), os.path.join("examples", "sft"))
