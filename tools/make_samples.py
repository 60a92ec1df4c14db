#!/usr/bin/env python3
"""Writes the small sample datasets of data/samples/ (deterministic; run from the repo root).

The samples are deliberately messy in the ways real fine-tuning data is: HTML, curly quotes,
odd white space, control characters, exact and near duplicates, inconsistent label spelling,
conflicting labels, annotator disagreement, short junk records and a line of broken JSON.
"""
import json
import random

rng = random.Random(7)

subjects = ["The battery", "This phone", "The camera", "Customer service", "The screen", "Delivery",
            "The app", "The price", "Setup", "The sound quality", "The keyboard", "The charger"]
positive = ["works perfectly and I would buy it again", "exceeded my expectations in every way",
            "is fast, reliable and easy to use", "was a pleasant surprise after years of bad devices",
            "is the best I have had so far", "made my daily commute much easier"]
negative = ["stopped working after two days", "is a complete waste of money",
            "was slow and the support never answered", "broke the first time I dropped it",
            "drains far too quickly to be useful", "feels cheap and rattles when you shake it"]
neutral = ["is about what you would expect for the price", "does the job, nothing more",
           "arrived on the date they promised", "is similar to the previous model",
           "has both good and bad sides", "is fine for light use at home"]
tails = ["", " Overall I am satisfied.", " I have used it for a month now.", " My brother has the same one.",
         " Would not recommend it to a friend.", " Five stars from me.", " Read the manual first."]


def review(label):
    phrase = rng.choice({"pos": positive, "neg": negative, "neu": neutral}[label])
    return f"{rng.choice(subjects)} {phrase}.{rng.choice(tails)}"


def messy(text):
    r = rng.random()
    if r < 0.08:
        return "<p>" + text.replace(" and ", " <b>and</b> ") + "</p>&nbsp;"
    if r < 0.14:
        return text.replace("I ", "I\u2019m sure I ").replace(".", " \u2026", 1)
    if r < 0.20:
        return "  " + text.replace(" ", "   ", 2) + "\t\n"
    if r < 0.24:
        return text.replace("e", "e\u200b", 1)
    if r < 0.28:
        return "\uff34\uff48\uff45 " + text  # full-width letters, folded by NFKC
    return text


label_spellings = {"pos": ["positive", "Positive", "POS", "positive "], "neg": ["negative", "Negative", "neg"],
                   "neu": ["neutral", "Neutral"]}
canonical = {"pos": "positive", "neg": "negative", "neu": "neutral"}

records = []
for i in range(240):
    label = rng.choices(["pos", "neg", "neu"], weights=[5, 3, 2])[0]
    text = messy(review(label))
    spelled = rng.choice(label_spellings[label]) if rng.random() < 0.25 else canonical[label]
    truth = canonical[label]
    annotations = []
    for a in range(3):
        if rng.random() < 0.85:
            annotations.append(truth)
        else:
            annotations.append(rng.choice([v for v in canonical.values() if v != truth]))
    rec = {"id": f"r{i:04d}", "text": text, "label": spelled, "annotations": annotations,
           "source": rng.choice(["web", "app", "email"]), "created": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z"}
    records.append(rec)

# Exact duplicates, near duplicates, a conflicting label, junk, a missing label.
for k, src in enumerate(rng.sample(records[:200], 12)):
    dup = dict(src, id=f"d{k:03d}")
    if k % 3 == 1:
        dup["text"] = src["text"].rstrip(".") + " indeed."
    if k % 4 == 0:
        dup["label"] = "negative" if src["label"].lower().startswith("pos") else "positive"
    records.append(dup)
records.append({"id": "j001", "text": "!!!", "label": "positive"})
records.append({"id": "j002", "text": "", "label": "neutral"})
records.append({"id": "j003", "text": "click here click here click here click here", "label": "positive"})
records.append({"id": "m001", "text": "The charger is fine for light use at home."})
rng.shuffle(records)

with open("data/samples/reviews.jsonl", "w", encoding="utf-8") as f:
    for i, rec in enumerate(records):
        f.write(json.dumps(rec, ensure_ascii=rng.random() < 0.5) + "\n")
        if i == 120:
            f.write('{"id": "broken", "text": "an unterminated record\n')

with open("data/samples/label_map.json", "w") as f:
    json.dump({"pos": "positive", "neg": "negative", "neu": "neutral"}, f, indent=1)
    f.write("\n")

tasks = [("Summarize the following text.", "The meeting was moved to Thursday because the room was booked.",
          "The meeting is now on Thursday."),
         ("Translate to French.", "Good morning, how are you?", "Bonjour, comment allez-vous ?"),
         ("Give three uses of a paperclip.", "", "Holding papers, resetting devices, and as a bookmark."),
         ("What is the capital of Japan?", "", "Tokyo."),
         ("Rewrite the sentence in passive voice.", "The cat chased the mouse.", "The mouse was chased by the cat."),
         ("Classify the sentiment.", "I love this song!", "Positive."),
         ("Explain recursion in one sentence.", "", "Recursion is when a function solves a problem by calling itself on smaller parts of it."),
         ("List two prime numbers.", "", "2 and 3.")]
with open("data/samples/instructions.jsonl", "w", encoding="utf-8") as f:
    for i in range(40):
        ins, inp, out = tasks[i % len(tasks)]
        if i % 5 == 3:
            out = "\u201c" + out + "\u201d"
        if i % 7 == 2:
            ins = "  " + ins + "  "
        f.write(json.dumps({"id": f"a{i:03d}", "instruction": ins, "input": inp, "output": out}) + "\n")

with open("data/samples/chat.jsonl", "w", encoding="utf-8") as f:
    for i in range(30):
        turns = [{"role": "system", "content": "You are a helpful assistant."},
                 {"role": "user", "content": rng.choice(["How do I reset my password?", "What time is it in Tokyo?",
                                                         "Can you recommend a book about <i>history</i>?"])},
                 {"role": "assistant", "content": rng.choice(["Go to Settings \u2014 Account \u2014 Reset.",
                                                              "I cannot see a clock, but Tokyo is UTC+9.",
                                                              "Try \u201cSapiens\u201d by Yuval Noah Harari."])}]
        f.write(json.dumps({"id": f"c{i:03d}", "messages": turns, "label": rng.choice(["support", "chitchat"])}) + "\n")

pairs = [("The weather is nice today.", "Das Wetter ist heute sch\u00f6n."),
         ("Where is the train station?", "Wo ist der Bahnhof?"),
         ("I would like a coffee, please.", "Ich h\u00e4tte gern einen Kaffee, bitte."),
         ("The book is on the table.", "Das Buch liegt auf dem Tisch."),
         ("We are going home.", "Wir gehen nach Hause.")]
with open("data/samples/pairs.jsonl", "w", encoding="utf-8") as f:
    for i in range(25):
        s, t = pairs[i % len(pairs)]
        f.write(json.dumps({"id": f"p{i:03d}", "source": s, "target": t, "lang": "en-de"}, ensure_ascii=False) + "\n")
