#!/usr/bin/env python3
"""Write a realistic JSON Lines corpus for the bench harness (standard library only, no network).

Each line is one record:
  {"id": "doc-000000001", "text": "...", "label": "news",
   "meta": {"source": "web", "url": "...", "created": "2021-03-04T05:06:07Z", "lang": "en", "paragraphs": 3},
   "probs": [...], "annotations": [...]}

text: 0.2-10 KB (log-uniform) of English-like prose: sentences of words drawn from a Zipf-shaped
vocabulary (real common English words at the head, English-looking coined words in the tail),
paragraphs, commas, quotes and dashes, accented words, curly quotes, stray white space, zero-width
and full-width characters; ~2% of records hold CJK sentences, ~5% HTML fragments; ~2% are exact
and ~3% near duplicates of an earlier text (some with another label). label: a skewed class set.
probs (class probabilities, in the order of CLASSES) on ~30% of records, annotations (three
annotators' labels) on ~10%. The same --seed and --size-mb always give the same bytes.

Usage: gen_corpus.py [--size-mb 200] [--seed 1] [--out FILE] [--weak-rules FILE]
"""

import argparse
import array
import bisect
import json
import math
import os
import random
import sys

CLASSES = ["news", "forum", "legal", "science", "fiction", "recipe", "spam"]
CLASS_SHARES = [0.38, 0.22, 0.13, 0.11, 0.08, 0.05, 0.03]

# Common English words, roughly in order of frequency: the head of the Zipf distribution.
COMMON = """
the of and to a in is that it was for on are as with he be at by i this had not but from or
have an they which one you were her all she there would their we him been has when who will more
no if out so said what up its about into than them can only other new some could time these two
may then do first any my now such like our over man me even most made after also did many before
must through back years where much your way well down should because each just those people mr how
too little state good very make world still own see men work long get here between both life being
under never day same another know while last might us great old year off come since against go came
right used take three states himself few house use during without again place american around
however home small found mrs thought went say part once general high upon school every don't does
got united left number course war until always away something fact though water less public put
think almost hand enough far took head yet government system better set told nothing night end why
called didn't eyes find going look asked later knew point next city business give group toward young
let room president side social given present several order national possible rather second face per
among form important often things looked early white case john become large big need four within
felt along children saw best church ever least power development light thing seemed family interest
want members others mind country area done turned although open god service problem certain kind
different thus began door help means sense whole matter perhaps itself york times law human line above
name example action company hands local show whether five history gave today either act feet across
taken past quite anything seen having death week experience body word half really field am car words
already themselves information tell together college shall money period held keep sure real probably
free seems political cannot behind miss question air office making brought whose special heard major
problems ago became federal moment study available known result street economic boy position reason
change south board individual job society areas west close turn love community true court force full
seem art ever am policy plan market research fire short process music data report figure value party
series light level century center food table water field control model energy language person health
student teacher program story article season team player game coach score league title film movie
book author page chapter letter paper method theory evidence analysis sample results effect cause
patient doctor hospital treatment disease risk rate growth price cost budget tax bank loan credit
contract agreement clause party parties court judge claim claims rights section pursuant herein
plaintiff defendant appeal statute liability damages notice terms provision provisions license
recipe cup cups flour sugar butter salt pepper oil garlic onion minutes oven heat stir bake mix bowl
pan dough cream cheese chicken beef sauce tomato lemon egg eggs vanilla chocolate serve slice fresh
forum thread post reply user users thanks anyone help issue issues version update install error
click link download free offer buy cheap deal discount winner prize guaranteed limited subscribe
village forest river mountain castle king queen knight dragon sword shadow whisper storm ship sea
cell cells protein gene genes species temperature pressure experiment measured observed significant
energy particles quantum model models network networks learning training dataset accuracy
""".split()

# Words with accents and other Latin letters outside ASCII, given mid-range ranks.
ACCENTED = ["café", "naïve", "résumé", "façade", "déjà", "crème", "brûlée", "jalapeño", "piñata",
            "Zürich", "São", "Ångström", "Málaga", "Kraków", "Ciudad", "señor", "über", "fiancée",
            "entrée", "rôle", "coöperate", "Montréal", "Øresund", "Dvořák", "Gödel", "Erdős"]

# A few hundred frequent Chinese characters and Japanese kana for the CJK sentences.
HANZI = ("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学"
         "对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公"
         "同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定"
         "女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由"
         "却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期"
         "叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉")
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼ"

SYLLABLE_ONSETS = ["b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w",
                   "br", "cl", "cr", "dr", "fl", "gr", "pl", "pr", "sc", "sh", "sl", "sp", "st",
                   "str", "th", "tr", "ch", "qu", ""]
SYLLABLE_VOWELS = ["a", "e", "i", "o", "u", "ea", "ou", "io", "ai", "ee", "oo", "y"]
SYLLABLE_CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "nt", "st", "ck", "ng", "rk", "x"]
SUFFIXES = ["", "", "", "", "s", "ed", "ing", "er", "ly", "tion", "ment", "ness", "able", "ity", "al",
            "ous", "ive", "ist"]

HTML_SNIPPETS = [
    "<p>{s}</p>", "<b>{s}</b>", "<i>{s}</i>", "<a href=\"https://example.org/{w}\">{s}</a>",
    "{s}<br/>", "<div class=\"content\">{s}</div>", "<span style=\"color:red\">{s}</span>",
    "<li>{s}</li>", "{s} &amp; {w}", "&quot;{s}&quot;", "{s}&nbsp;&mdash; {w}", "<h2>{s}</h2>",
    "<!-- {w} -->{s}", "<script>var {w} = 1;</script>{s}", "<td>{s}</td><td>{w}</td>",
]

SOURCES = ["web", "forum", "news", "books", "wiki", "legal", "recipes"]
NEAR_DUP_EDIT = 0.015  # share of words changed in a near duplicate: 5-gram Jaccard stays ~0.85


class Vocabulary:
    """A Zipf-Mandelbrot shaped vocabulary sampled through a 2^20-slot lookup table."""

    TABLE_BITS = 20

    def __init__(self, rng, size=30000):
        words = list(dict.fromkeys(COMMON))
        coined = set(words)
        while len(words) + len(ACCENTED) < size:
            w = "".join(rng.choice(SYLLABLE_ONSETS) + rng.choice(SYLLABLE_VOWELS) + rng.choice(SYLLABLE_CODAS)
                        for _ in range(rng.choice((1, 1, 2, 2, 2, 3))))
            w += rng.choice(SUFFIXES)
            if 2 <= len(w) <= 13 and w not in coined:
                coined.add(w)
                words.append(w)
        # Accented words sit at ranks ~600-1600, frequent enough to appear in most long texts.
        for i, w in enumerate(ACCENTED):
            words.insert(600 + 40 * i, w)
        self.words = words
        # Exponent 1.15: the ~600 common words then make ~75% of the running words, as in English.
        weights = [1.0 / (r + 2.7) ** 1.15 for r in range(len(words))]
        total = sum(weights)
        slots = 1 << self.TABLE_BITS
        # Every word gets at least one slot so the tail exists; the head takes the rest in proportion.
        table = []
        budget = slots - len(words)
        for w, wt in zip(words, weights):
            table.extend([w] * (1 + int(wt / total * budget)))
        table.extend(words[: slots - len(table)])
        self.table = table[:slots]
        self.mask = slots - 1

    def sample(self, rng, n):
        idx = array.array("I", rng.randbytes(4 * n))
        t, m = self.table, self.mask
        return [t[i & m] for i in idx]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.vocab = Vocabulary(self.rng)
        self.buf = []
        self.pos = 0
        self.pool = []  # earlier texts for duplicates (a reservoir)
        self.class_cum = list(_cumulate(CLASS_SHARES))

    def words(self, n):
        if self.pos + n > len(self.buf):
            self.buf = self.vocab.sample(self.rng, max(1 << 16, n))
            self.pos = 0
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def sentence(self):
        rng = self.rng
        n = int(rng.triangular(4, 32, 12))
        ws = self.words(n)
        ws[0] = ws[0].capitalize()
        if n > 8 and rng.random() < 0.5:
            k = rng.randrange(2, n - 2)
            ws[k] += ","
        r = rng.random()
        if r < 0.03:
            k = rng.randrange(1, n)
            ws[k] = "\u201c" + ws[k]
            ws[-1] += "\u201d"
        elif r < 0.06:
            ws.insert(rng.randrange(1, n), "\u2014")
        elif r < 0.09:
            ws[rng.randrange(n)] += "\u2019s"
        elif r < 0.10:
            k = rng.randrange(n)
            ws[k] = "(" + ws[k] + ")"
        s = " ".join(ws)
        r = rng.random()
        end = "." if r < 0.86 else "?" if r < 0.93 else "!" if r < 0.97 else "\u2026"
        return s + end

    def cjk_sentence(self):
        rng = self.rng
        if rng.random() < 0.75:
            chars = rng.choices(HANZI, k=rng.randint(8, 30))
            for k in range(rng.randint(0, 2)):
                chars.insert(rng.randrange(1, len(chars)), "\uff0c")
        else:
            chars = rng.choices(KANA, k=rng.randint(8, 25)) + rng.choices(HANZI, k=rng.randint(2, 6))
        return "".join(chars) + "\u3002"

    def text(self):
        rng = self.rng
        target = int(math.exp(rng.uniform(math.log(200), math.log(10000))))
        cjk = rng.random() < 0.02
        html = rng.random() < 0.05
        paragraphs = []
        length = 0
        while length < target:
            par = []
            for _ in range(rng.randint(2, 8)):
                s = self.cjk_sentence() if cjk and rng.random() < 0.8 else self.sentence()
                if html and rng.random() < 0.3:
                    s = rng.choice(HTML_SNIPPETS).format(s=s, w=self.words(1)[0])
                par.append(s)
                length += len(s) + 1
                if length >= target:
                    break
            sep = "" if cjk else " "
            paragraphs.append(sep.join(par))
        text = self.decorate("\n\n".join(paragraphs))
        # Texts are 0.2-10 KB in UTF-8 bytes: cut an overlong one at a white space.
        while len(text.encode("utf-8")) > 10240:
            cut = text.rfind(" ", 0, len(text) * 9 // 10)
            text = text[:cut] if cut > 0 else text[: len(text) * 9 // 10]
        return text

    def decorate(self, text):
        """Things normalize has to clean: stray white space, zero-width, full-width, ligatures."""
        rng = self.rng
        r = rng.random()
        if r < 0.05:
            text = "  " + text.replace(". ", ".  ", 3) + " \n"
        elif r < 0.08:
            text = text.replace(" ", "\u00a0", 2).replace(" ", "\t", 1)
        elif r < 0.10:
            k = rng.randrange(len(text))
            text = text[:k] + "\u200b" + text[k:]
        elif r < 0.11:
            text = text.replace("fi", "\ufb01", 2) + " \uff21\uff22\uff23 \uff11\uff12\uff13"
        elif r < 0.12:
            text = text.replace("\n\n", "\r\n\r\n", 1)
        return text

    def near_duplicate(self, text):
        rng = self.rng
        ws = text.split(" ")
        for _ in range(max(1, int(len(ws) * NEAR_DUP_EDIT))):
            ws[rng.randrange(len(ws))] = self.words(1)[0]
        out = " ".join(ws)
        r = rng.random()
        if r < 0.3:
            out = out + " " + self.sentence()
        elif r < 0.5:
            out = out.replace(",", "", 2)
        return out

    def label(self):
        return CLASSES[bisect.bisect(self.class_cum, self.rng.random())]

    def record(self, n):
        rng = self.rng
        r = rng.random()
        if self.pool and r < 0.02:
            text = rng.choice(self.pool)
        elif self.pool and r < 0.05:
            text = self.near_duplicate(rng.choice(self.pool))
        else:
            text = self.text()
        if len(self.pool) < 5000:
            self.pool.append(text)
        elif rng.random() < 0.1:
            self.pool[rng.randrange(5000)] = text
        label = self.label()
        rec = {
            "id": "doc-%09d" % n,
            "text": text,
            "label": label,
            "meta": {
                "source": rng.choice(SOURCES),
                "url": "https://example.%s/%s/%d" % (rng.choice(("com", "org", "net")), self.words(1)[0], n),
                "created": "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
                    rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28),
                    rng.randrange(24), rng.randrange(60), rng.randrange(60)),
                "lang": "zh" if any("\u3040" <= c <= "\u9fff" for c in text[:60]) else "en",
                "paragraphs": text.count("\n\n") + 1,
            },
        }
        if rng.random() < 0.30:
            rec["probs"] = self.probs(label)
        if rng.random() < 0.10:
            rec["annotations"] = [label if rng.random() < 0.85 else self.label() for _ in range(3)]
        return rec

    def probs(self, label):
        rng = self.rng
        # A mostly right, sometimes confidently wrong model: the peak is on the label 85% of the time.
        peak = CLASSES.index(label) if rng.random() < 0.85 else rng.randrange(len(CLASSES))
        raw = [rng.random() * 0.3 for _ in CLASSES]
        raw[peak] += rng.uniform(0.5, 3.0)
        total = sum(raw)
        return [round(x / total, 4) for x in raw]


def _cumulate(xs):
    acc = 0.0
    for x in xs:
        acc += x
        yield acc


def weak_rules(vocab):
    """50 keyword labeling functions over the corpus vocabulary (for the weak-label bench case)."""
    rules = []
    head = [w for w in vocab.words[150:2000] if w.isascii() and w.isalpha()]
    for i in range(50):
        label = CLASSES[i % len(CLASSES)]
        rules.append({"name": "kw_%02d" % i, "label": label, "keywords": head[i * 5:(i + 1) * 5]})
    return rules


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=200, help="size of the output in MB (10^6 bytes); default 200")
    ap.add_argument("--seed", type=int, default=1, help="seed; the same seed gives the same bytes (default 1)")
    ap.add_argument("--out", default="-", help="output file, - for stdout (default)")
    ap.add_argument("--weak-rules", metavar="FILE", help="also write 50 keyword rules for weak-label here")
    args = ap.parse_args()

    gen = Generator(args.seed)
    limit = int(args.size_mb * 1e6)
    if args.weak_rules:
        with open(args.weak_rules, "w", encoding="utf-8") as f:
            f.write("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in weak_rules(gen.vocab)) + "\n]\n")
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    tmp = None
    if args.out == "-":
        out = sys.stdout.buffer
    elif os.path.exists(args.out) and not os.path.isfile(args.out):
        out = open(args.out, "wb")  # a device or pipe: never rename a temp file onto it
    else:
        # A temp file renamed at the end, so an interrupted run never leaves a short corpus.
        tmp = args.out + ".tmp"
        out = open(tmp, "wb")
    written = 0
    n = 0
    chunk = []
    chunk_bytes = 0
    while written + chunk_bytes < limit:
        n += 1
        line = (encode(gen.record(n)) + "\n").encode("utf-8")
        chunk.append(line)
        chunk_bytes += len(line)
        if chunk_bytes >= 1 << 20:
            out.write(b"".join(chunk))
            written += chunk_bytes
            chunk, chunk_bytes = [], 0
    out.write(b"".join(chunk))
    written += chunk_bytes
    out.flush()
    if tmp:
        out.close()
        os.replace(tmp, args.out)
    print("gen_corpus: %d records, %d bytes, seed %d" % (n, written, args.seed), file=sys.stderr)


if __name__ == "__main__":
    main()
