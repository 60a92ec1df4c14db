#!/usr/bin/env python3
"""The JSON reports of a large pipeline run, for timing `dqprep report`: the reports that
tools/sample_pipeline.sh writes (OUT of a sample run), their counts scaled to RECORDS records, with
CLASSES classes, ANNOTATORS annotators (Dawid-Skene matrices for the first 200) and, with
--rejects N, a filter rejects file of N records.
    python3 tools/gen_reports.py SAMPLE_OUT DIR [--records 10000000] [--classes 1000]
        [--annotators 1000] [--rejects 0]"""
import argparse
import json
import os
import random

p = argparse.ArgumentParser()
p.add_argument("sample_out")
p.add_argument("dir")
p.add_argument("--records", type=int, default=10_000_000)
p.add_argument("--classes", type=int, default=1000)
p.add_argument("--annotators", type=int, default=1000)
p.add_argument("--rejects", type=int, default=0)
a = p.parse_args()
rng = random.Random(1)
os.makedirs(a.dir, exist_ok=True)


def load(name):
    with open(os.path.join(a.sample_out, name)) as f:
        return json.load(f)


def save(name, report):
    with open(os.path.join(a.dir, name), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


scale = a.records / 257
labels = [f"class-{i:04d}" for i in range(a.classes)]
weights = [1 / (i + 1) for i in range(a.classes)]
total_weight = sum(weights)


def split_count(n):
    counts = [int(n * w / total_weight) for w in weights]
    counts[0] += n - sum(counts)
    return dict(zip(labels, counts))


def scaled(report):
    for key in ("in", "out", "rejected", "quarantined", "clusters", "duplicates", "removed"):
        if isinstance(report.get(key), int):
            report[key] = int(report[key] * scale)
    report["rules"] = {k: int(v * scale) for k, v in report.get("rules", {}).items()}
    return report


for name in ("normalize.stats.json", "filter.stats.json", "dedup.stats.json", "dedup-near.stats.json"):
    save(name, scaled(load(name)))

lc = scaled(load("label-check.stats.json"))
lc["classes"] = split_count(lc["in"])
lc["classes_out"] = split_count(lc["out"])
annotators = [f"worker-{i:05d}" for i in range(a.annotators)]
lc["per_annotator"] = {w: {"ratings": 30000, "compared": 30000, "agreed": int(30000 * (0.5 + 0.5 * rng.random())),
                           "agreement_with_consensus": 0.5 + 0.5 * rng.random()} for w in annotators}
ds_classes = labels[:10]
lc["dawid_skene"] = {"iterations": 31, "converged": True, "log_likelihood": -1.5e7,
                     "class_priors": {c: 0.1 for c in ds_classes},
                     "annotators": {w: {"accuracy": rng.random(), "confusion": {
                         t: {s: (0.8 if s == t else 0.2 / 9) for s in ds_classes} for t in ds_classes}}
                         for w in annotators[:200]}}
save("label-check.stats.json", lc)

sp = scaled(load("split.stats.json"))
n = sp["in"]
sp["classes"] = split_count(n)
sp["splits"] = {}
for part, share in (("train", 0.8), ("val", 0.1), ("test", 0.1)):
    counts = split_count(int(n * share))
    sp["splits"][part] = {"count": int(n * share), "share": share,
                          "classes": {c: {"count": k, "share": k / max(1, int(n * share))} for c, k in counts.items()}}
sp["leakage"]["pairs"] = [{"kind": "near", "jaccard": 0.81, "a": {"id": f"r{i}", "split": "train"},
                           "b": {"id": f"s{i}", "split": "test"}} for i in range(1000)]
save("split.stats.json", sp)

m = load("metrics.json")
m["in"] = m["out"] = m["n"] = m["labelled"] = int(n * 0.8)
m["classes"] = split_count(m["n"])
m["class_share"] = {c: k / m["n"] for c, k in m["classes"].items()}
q = m["lengths"]["chars"]
m["lengths_by_class"] = {c: m["lengths"] for c in labels}
m["languages"] = {f"l{i:02d}": 1 / 60 for i in range(60)}
save("metrics.json", m)

e = load("model-eval.json")
model_classes = labels[:100]
e["classes"] = model_classes
e["per_class"] = {c: {"precision": 0.9, "recall": 0.9, "f1": 0.9, "support": 1000} for c in model_classes}
e["confusion"] = {t: {p: (900 if p == t else 1) for p in model_classes} for t in model_classes}
e["slices"] = [{"slice": f"source-{i}", "records": 10000, "accuracy": 0.9, "low": 0.89, "high": 0.91} for i in range(50)]
save("model-eval.json", e)

if a.rejects:
    with open(os.path.join(a.dir, "filter.rejects.jsonl"), "w") as f:
        rules = ["min_words", "gopher_top_2gram", "labels", "c4_javascript", "fineweb_line_punct"]
        for i in range(a.rejects):
            rule = rules[i % len(rules)]
            f.write(json.dumps({"id": f"r{i}", "text": "some rejected text " * 10, "label": labels[i % a.classes],
                                "_reject": {"rule": rule, "value": i % 7, "threshold": 3}}) + "\n")
print("reports in", a.dir)
