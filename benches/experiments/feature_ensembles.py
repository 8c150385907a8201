#!/usr/bin/env python3
"""Screen: do equal-weight averages of tonetrack models trained on different feature sets beat the
split model?

ensemble_minilm.py found +0.026 macro-F1 (grouped CV) from averaging tonetrack's probabilities
with those of a model on very different features (MiniLM sentence embeddings). Embeddings cannot
ship in the Rust scorer, but other tonetrack models can; this screen asks whether averaging
tonetrack models that differ only in their features gains as well.

Measurement only, on the *training split only* (data/quotes_train.csv; the test split is not
read). The folds are ensemble_minilm.py's (copied here, as ordinal_hierarchical.py copies them):
5 folds grouped by source_url, seeds 42, 43, 44 (15 folds), dealt as tonetrack's
`stratified_group_folds` deals them (pages shuffled, ordered by the label of their first relevant
row, dealt round-robin) but with numpy's shuffle, so they are not tonetrack cv's exact folds. As
in `tonetrack cv --train-only-where relevant=no`: only relevant rows are in folds and scored; the
irrelevant rows (which carry a tone label too) train, except those of the pages held out.

Every model is `tonetrack train` (C by the crate's inner CV on macro-F1, temperature calibration)
then `tonetrack predict --format jsonl --top 0` (full-precision probabilities), on the same
training rows per outer fold. The four models, fixed in advance:
  (M)  the split model: the Makefile's MODEL_OPTIONS (words 1..2, min-df 2, both lexicons);
  (C)  MODEL_OPTIONS + `--ngrams 1..1 --char-ngrams 3..5`: character 3-5-grams inside word
       boundaries. Word n-grams cannot be turned off (the analyzer needs 1 <= min <= max), so
       word unigrams stay, the least word content the CLI allows. 3..5 rather than 2..5, chosen
       before any result: it is the char setting tone_options.py screened on top of the split
       model's options, and char bigrams are mostly letter pairs every class shares while they
       add many, nearly dense, columns;
  (W3) MODEL_OPTIONS + `--ngrams 1..3 --min-df 1`: word 1-3-grams, every term kept;
  (B)  MODEL_OPTIONS + `--class-weight balanced`.
Ensembles, equal weights, fixed in advance: the mean of the probability vectors of
avg(M, C), avg(M, W3), avg(M, B), avg(M, C, B); label = argmax. Scored on the relevant rows of the
held-out pages: macro-F1 (and per-class F1), accuracy, multiclass log-loss (−mean ln P(true
class), P clipped at 1e-15). Reported: mean ± sd over the 15 folds, and the paired difference with
(M) per fold, mean ± sd, t = mean / (sd / sqrt(15)), folds better / worse. (M)'s per-fold
macro-F1 is checked against ensemble_minilm.py's (a) in results-ensemble-minilm.txt.

Bar fixed in advance for a --test run: an ensemble that beats (M) in this CV with t >= 3 and a
mean macro-F1 gain >= 0.01 (the one with the best CV mean if several did). None did (see
results-feature-ensembles.txt), so there is no --test mode and the test split was not read.

Needs numpy and scikit-learn (f1_score) and a built target/release/tonetrack (or --bin). Runs on
one thread (rayon); tonetrack's predictions are cached per fold and model (--cache). 60
trainings, about 4 minutes here at nice 10 on a busy 2-core machine (C and W3 take most of it).
(W3)'s inner CV chose C = 100, the top of tonetrack's grid, in 5 of 15 folds.

Usage: python3 benches/experiments/feature_ensembles.py [--bin target/release/tonetrack]
           [--cache DIR] [--seeds 42 43 44] [--out benches/experiments/results-feature-ensembles.txt]
Output: benches/experiments/results-feature-ensembles.txt (overwritten; per-fold lines on stderr
too).
"""
import os

for _v in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"]:
    os.environ.setdefault(_v, "1")

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from grouped_cv import (CLASSES, FOLDS, add_common_args, cache_dir, group_folds, metrics, read_training_split,
                        meets_bar, c_counts, per_fold_lines, report_lines, split,
                        train_predict)

REPO = Path(__file__).resolve().parents[2]
MINILM_RESULTS = REPO / "benches/experiments/results-ensemble-minilm.txt"

# Options added to MODEL_OPTIONS per model (later flags are the model's own; none repeats one of
# MODEL_OPTIONS).
MODELS = {
    "M": [],
    "C": ["--ngrams", "1..1", "--char-ngrams", "3..5"],
    "W3": ["--ngrams", "1..3", "--min-df", "1"],
    "B": ["--class-weight", "balanced"],
}
NAMES = {
    "M": "(M) split model",
    "C": "(C) word 1-grams + char 3..5",
    "W3": "(W3) word 1..3, min-df 1",
    "B": "(B) balanced class weights",
}
SHORT = {"avg(M, C)": "MC", "avg(M, W3)": "MW3", "avg(M, B)": "MB", "avg(M, C, B)": "MCB"}
ENSEMBLES = {
    "avg(M, C)": ["M", "C"],
    "avg(M, W3)": ["M", "W3"],
    "avg(M, B)": ["M", "B"],
    "avg(M, C, B)": ["M", "C", "B"],
}








def model_probs(binary, tmp, tag, model, fields, rows, train, test):
    """Trains tonetrack model `model` on rows `train`; returns {probs (rows × CLASSES) on `test`,
    chosen C, fit status, seconds}. Cached."""
    cache = tmp / f"{model}-{tag}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    fit = train_predict(binary, tmp, f"{model}-{tag}", fields, [rows[i] for i in train],
                        [rows[i] for i in test], MODELS[model])
    result = {"probs": [[fit["probs"][rows[i]["id"]][c] for c in CLASSES] for i in test], "C": fit["C"],
              "status": fit["status"], "seconds": fit["seconds"]}
    cache.write_text(json.dumps(result))
    return result






def minilm_a_per_fold():
    """ensemble_minilm.py's (a) macro-F1 per fold ("seed/fold" -> value), from its results file."""
    out = {}
    if not MINILM_RESULTS.exists():
        return out
    for line in MINILM_RESULTS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s+(\d+/\d+): ([0-9.]+)\s", line)
        if m:
            out.setdefault(m.group(1), float(m.group(2)))
    return out


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap, "results-feature-ensembles.txt")
    args = ap.parse_args()
    start = time.time()
    tmp = cache_dir(args, "feature-ensembles-")

    fields, rows, y, relevant, irrelevant = read_training_split()

    methods = [NAMES[m] for m in MODELS] + list(ENSEMBLES)
    short = {**{NAMES[m]: m for m in MODELS}, **SHORT}
    res = {m: {"f1": [], "acc": [], "ll": [], "per": []} for m in methods}
    chosen = {m: [] for m in MODELS}
    seconds = {m: 0.0 for m in MODELS}
    not_converged = []
    fold_ids = []
    for seed in args.seeds:
        outer = group_folds(rows, relevant, seed)
        for k in range(FOLDS):
            train, test = split(rows, outer, k, relevant, irrelevant)
            tag = f"s{seed}-f{k}"
            fold_ids.append(f"{seed}/{k}")
            yt = y[test]
            out = {m: model_probs(args.bin, tmp, tag, m, fields, rows, train, test) for m in MODELS}
            p = {m: np.array(o["probs"]) for m, o in out.items()}
            for m, o in out.items():
                chosen[m].append(o["C"])
                seconds[m] += o["seconds"]
                if o["status"] != "converged":
                    not_converged.append(f"{m} {tag}: {o['status']}")
            probs = {NAMES[m]: p[m] for m in MODELS}
            for e, members in ENSEMBLES.items():
                probs[e] = np.mean([p[m] for m in members], axis=0)
            for m in methods:
                assert np.allclose(probs[m].sum(1), 1, atol=1e-6), m
                f1, acc, ll, per = metrics(yt, probs[m])
                res[m]["f1"].append(f1)
                res[m]["acc"].append(acc)
                res[m]["ll"].append(ll)
                res[m]["per"].append(per)
            print(f"seed {seed} fold {k}: n={len(test)} "
                  + " ".join(f"{short[m]}={res[m]['f1'][-1]:.3f}" for m in methods)
                  + " C " + ",".join(f"{m}={out[m]['C']}" for m in MODELS)
                  + f"  [{time.time() - start:.0f} s]", file=sys.stderr, flush=True)

    n = len(fold_ids)
    base_name = NAMES["M"]
    lines = [
        f"# python3 benches/experiments/feature_ensembles.py --seeds {' '.join(map(str, args.seeds))}"
        f"   ({time.strftime('%Y-%m-%d')}, {time.time() - start:.0f} s)",
        "",
        "Feature-ensemble screen: equal-weight averages of the probability vectors of tonetrack models trained",
        "with different feature sets, every model `tonetrack train` with the Makefile's MODEL_OPTIONS (C by its",
        "inner CV, temperature calibration) plus its own flags, data/quotes_train.csv only:",
        "  (M)  MODEL_OPTIONS (words 1..2, min-df 2);  (C)  + --ngrams 1..1 --char-ngrams 3..5;",
        "  (W3) + --ngrams 1..3 --min-df 1;            (B)  + --class-weight balanced.",
        "5 folds grouped by source_url, dealt as in ensemble_minilm.py (seeds "
        f"{', '.join(map(str, args.seeds))}: {n} folds, the same for every",
        "model). Training: every row of the other folds' pages (irrelevant ones too); scored: the relevant rows",
        "of the held-out pages. Mean ± sd over folds; paired difference with (M) per fold: mean ± sd",
        "(t = mean / (sd/√folds)), folds better / worse (log-loss: lower is better).",
        "",
    ]
    table, verdict = report_lines(res, methods, "model", 30)
    lines += table
    verdict = [v for v in verdict if v[0] in ENSEMBLES]
    qualifies = meets_bar(verdict)
    lines += [
        "",
        "Bar fixed in advance for a --test run: an ensemble with t >= 3 and mean macro-F1 gain >= 0.01 over (M) "
        + ("(best CV mean if several). Met by: " + ", ".join(m for m, _, _ in qualifies) + "." if qualifies
           else "(best CV mean if several). Met by none: the test split was not read."),
        "",
        "C chosen by tonetrack's inner CV (macro-F1), folds per value; training + predicting time summed over folds:",
    ]
    for m in MODELS:
        lines.append(f"  {NAMES[m]:30s} " + c_counts(chosen[m]) + f"   ({seconds[m]:.0f} s)")
    ref = minilm_a_per_fold()
    mine = {fid: f"{v:.3f}" for fid, v in zip(fold_ids, res[base_name]["f1"])}
    same = [fid for fid in fold_ids if fid in ref and f"{ref[fid]:.3f}" == mine[fid]]
    differ = [f"{fid} {mine[fid]} vs {ref[fid]:.3f}" for fid in fold_ids
              if fid in ref and f"{ref[fid]:.3f}" != mine[fid]]
    lines += [
        f"(M) against ensemble_minilm.py's (a) (results-ensemble-minilm.txt, 3 decimals): {len(same)} of "
        f"{len(fold_ids)} folds equal" + (f"; differ: {'; '.join(differ)}" if differ else "")
        + (f"; missing there: {len(fold_ids) - len(same) - len(differ)}" if len(same) + len(differ) < len(fold_ids)
           else "") + ".",
        "Fits not converged: " + ("; ".join(not_converged) if not_converged else "none") + ".",
        "",
    ]
    lines += per_fold_lines(res, methods, short, fold_ids)
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
