#!/usr/bin/env python3
"""Which training options help tone on the domain split? (benches/experiments/domain_options.py)

For each option set: C is chosen by 5-fold grouped CV (groups = source_url) on the training
split only, scoring macro-F1 on held-out *quotes* only (extra NewsMTSC rows, when used, are only
ever added to the training folds). The option set is then trained on the whole training split
with that C and scored once on the test split: relevant rows, all rows, relevant rows of 4+ words.
Also reported: mean |tone| (P(pos) - P(neg)) and mean top probability on relevant test rows, to
see whether the probabilities carry information or are flat.

The lexicon option is *simulated* here by appending marker words (lexpos / lexneg) to each text,
counted with a simple negation scope that flips polarity; it is a probe of whether such features
help, not the crate's implementation.

Usage: python3 benches/experiments/domain_options.py [--bin target/release/tonetrack]
Needs ../shared/data/newsmtsc for the NewsMTSC rows. Uses only the standard library.
"""
import argparse, csv, hashlib, io, json, random, re, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GRID = [0.1, 0.3, 1, 3, 10, 30]
FOLDS = 5

POS = """dialogue dialog cooperat constructive ready readiness hope hopeful agreement agree
progress partner friend positive welcome respect mutual trust normaliz improve peace
success productive useful optimis engage resume restor settle compromise understanding pragmatic
willing support benefit opportunit common ground thank good great fruitful stabili detente""".split()
NEG = """sanction hostile hostility accus threat deteriorat unacceptable russophob aggress provocat
confront escalat tension crisis lie lies propaganda interfer meddl illegal violat condemn destroy
dangerous war hysteri blackmail pressure expel retaliat punish reckless bad worst enemy adversar
regret concern worr fail absurd unfriendly attack destabili lowest collapse""".split()
NEGATORS = {"not", "no", "never", "cannot", "without", "nor", "neither"}


def lexicon_markers(text):
    pos = neg = 0
    negated = False
    for tok in re.findall(r"[\w']+|[.,;:!?]", text.lower()):
        if tok in ".,;:!?":
            negated = False
            continue
        if tok in NEGATORS or tok.endswith("n't"):
            negated = True
            continue
        p = any(tok.startswith(w) for w in POS)
        n = any(tok.startswith(w) for w in NEG)
        if p != n:
            if negated:
                p, n = n, p
            pos += p
            neg += n
    return " ." + " lexpos" * pos + " ." + " lexneg" * neg


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["text", "label", "source_url"])
        w.writeheader()
        w.writerows({k: r[k] for k in ("text", "label", "source_url")} for r in rows)


def macro_f1(truth, pred):
    labels = sorted(set(truth))
    f = []
    for c in labels:
        tp = sum(t == c and p == c for t, p in zip(truth, pred))
        fp = sum(t != c and p == c for t, p in zip(truth, pred))
        fn = sum(t == c and p != c for t, p in zip(truth, pred))
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / len(f)


def accuracy(truth, pred):
    return sum(t == p for t, p in zip(truth, pred)) / len(truth)


def fold_of(url):
    return int(hashlib.sha256(("cv" + url).encode()).hexdigest(), 16) % FOLDS


class Runner:
    def __init__(self, binary, tmp):
        self.bin, self.tmp, self.n = binary, Path(tmp), 0

    def train_predict(self, train_rows, test_rows, flags, c):
        self.n += 1
        d = self.tmp / f"run{self.n}"
        d.mkdir()
        write(d / "train.csv", train_rows)
        write(d / "test.csv", test_rows)
        subprocess.run([self.bin, "train", "--data", d / "train.csv", "--group-col", "source_url",
                        "--c", str(c), "--out", d / "m.json", *flags],
                       check=True, capture_output=True)
        out = subprocess.run([self.bin, "predict", "--model", d / "m.json", "--data", d / "test.csv",
                              "--format", "csv", "--top", "1"],
                             check=True, capture_output=True, text=True).stdout
        rows = list(csv.reader(io.StringIO(out)))
        head = rows[0]
        # predict appends label,p_negative,p_neutral,p_positive,tone,top_terms after the input columns
        i = len(head) - 6
        return [(r[i], float(r[i + 1]), float(r[i + 2]), float(r[i + 3])) for r in rows[1:]]


def run_option(runner, name, flags, train, test, extra, transform, pool):
    tr = lambda rows: [dict(r, text=transform(r["text"])) for r in rows]
    train_t, test_t, extra_t = tr(train), tr(test), tr(extra)
    jobs = {}
    for c in GRID:
        for k in range(FOLDS):
            fit = [r for r in train_t if fold_of(r["source_url"]) != k] + extra_t
            held = [r for r in train_t if fold_of(r["source_url"]) == k]
            jobs[(c, k)] = (pool.submit(runner.train_predict, fit, held, flags, c), held)
    cv = {}
    for c in GRID:
        scores = []
        for k in range(FOLDS):
            fut, held = jobs[(c, k)]
            scores.append(macro_f1([r["label"] for r in held], [p[0] for p in fut.result()]))
        cv[c] = sum(scores) / len(scores)
    best = max(GRID, key=lambda c: (round(cv[c], 6), -c))
    pred = runner.train_predict(train_t + extra_t, test_t, flags, best)
    res = {"name": name, "C": best, "cv": cv[best]}
    subsets = {
        "relevant": [r["relevant"] == "yes" for r in test],
        "all": [True] * len(test),
        "rel4+": [r["relevant"] == "yes" and len(r["text"].split()) >= 4 for r in test],
    }
    for s, mask in subsets.items():
        t = [r["label"] for r, m in zip(test, mask) if m]
        p = [x[0] for x, m in zip(pred, mask) if m]
        res[s] = (accuracy(t, p), macro_f1(t, p), len(t))
    rel = [x for x, m in zip(pred, subsets["relevant"]) if m]
    res["tone"] = sum(abs(x[3] - x[1]) for x in rel) / len(rel)
    res["pmax"] = sum(max(x[1:]) for x in rel) / len(rel)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(REPO / "target/release/tonetrack"))
    ap.add_argument("--only", help="comma-separated option names")
    args = ap.parse_args()
    train = [r for r in read(REPO / "data/quotes_train.csv") if r["relevant"] == "yes"]
    test = read(REPO / "data/quotes_test.csv")
    news = read(REPO.parent / "shared/data/newsmtsc/train.csv")
    for r in news:  # one group per source article (id: allsides_ARTICLE_...)
        r["source_url"] = "newsmtsc:" + "_".join(r["id"].split("_")[:3])
    # one row per sentence: drop sentences whose targets disagree, keep the first target's row
    by_text = {}
    for r in news:
        by_text.setdefault(r["text"], []).append(r)
    news_agree = [rs[0] for rs in by_text.values() if len({r["label"] for r in rs}) == 1]
    random.Random(7).shuffle(news_agree)
    news_2k = sorted(news_agree[:2000], key=lambda r: r["id"])

    B = ["--class-weight", "balanced"]
    ident = lambda t: t
    options = [
        ("balanced (current)", B, [], ident),
        ("uniform weights", [], [], ident),
        ("balanced +negation", B + ["--negation"], [], ident),
        ("balanced +char 2..5", B + ["--char-ngrams", "2..5"], [], ident),
        ("balanced +char 3..5", B + ["--char-ngrams", "3..5"], [], ident),
        ("balanced min_df 1", B + ["--min-df", "1"], [], ident),
        ("balanced min_df 3", B + ["--min-df", "3"], [], ident),
        ("balanced ngrams 1..1", B + ["--ngrams", "1..1"], [], ident),
        ("balanced ngrams 1..3", B + ["--ngrams", "1..3"], [], ident),
        ("balanced keep stop words", B + ["--keep-stop-words"], [], ident),
        ("balanced no stem", B + ["--no-stem"], [], ident),
        ("balanced +lexicon (sim.)", B, [], lexicon_markers_app),
        ("balanced +NewsMTSC all", B, news, ident),
        ("balanced +NewsMTSC 2k agree", B, news_2k, ident),
        ("uniform +NewsMTSC all", [], news, ident),
        ("balanced +lexicon +negation", B + ["--negation"], [], lexicon_markers_app),
        ("balanced +lexicon +char 3..5", B + ["--char-ngrams", "3..5"], [], lexicon_markers_app),
        ("balanced +lex +neg +char 3..5", B + ["--negation", "--char-ngrams", "3..5"], [],
         lexicon_markers_app),
        ("balanced +negation +char 3..5", B + ["--negation", "--char-ngrams", "3..5"], [], ident),
        ("balanced +neg +char 3..5 min_df 1", B + ["--negation", "--char-ngrams", "3..5",
                                                 "--min-df", "1"], [], ident),
        ("balanced +neg +char 2..5", B + ["--negation", "--char-ngrams", "2..5"], [], ident),
    ]
    if args.only:
        keep = set(args.only.split(","))
        options = [o for o in options if o[0] in keep]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as pool:
        runner = Runner(args.bin, tmp)
        print(f"{'option':<34}{'C':>5}{'CV mF1':>8}  {'relevant acc/mF1':>17}  {'all acc/mF1':>13}"
              f"  {'rel 4+ acc/mF1':>15}{'|tone|':>8}{'pmax':>6}")
        for name, flags, extra, transform in options:
            r = run_option(runner, name, flags, train, test, extra, transform, pool)
            cell = lambda s: f"{r[s][0]:.3f}/{r[s][1]:.3f}"
            print(f"{name:<34}{r['C']:>5g}{r['cv']:>8.3f}  {cell('relevant'):>17}  {cell('all'):>13}"
                  f"  {cell('rel4+'):>15}{r['tone']:>8.3f}{r['pmax']:>6.3f}", flush=True)


def lexicon_markers_app(text):
    return text + lexicon_markers(text)


if __name__ == "__main__":
    main()
