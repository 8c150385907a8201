#!/usr/bin/env python3
"""Screen: does tonetrack's tone model gain from a hierarchical or an ordinal model structure?

Measurement only, on the *training split only* (data/quotes_train.csv; data/quotes_test.csv is
read only by --test, which exists only if the CV below met the bar fixed in advance). The folds
are ensemble_minilm.py's (copied here): 5 folds grouped by source_url, seeds 42, 43, 44 (15
folds), dealt as tonetrack's `stratified_group_folds` deals them (pages shuffled, ordered by the
label of their first relevant row, dealt round-robin) but with numpy's shuffle, so they are not
tonetrack cv's exact folds. As in `tonetrack cv --train-only-where relevant=no`: only relevant
rows are in folds and scored; the irrelevant rows (which carry a tone label too) train, except
those of the pages held out.

Every model is tonetrack's own trainer and features: `tonetrack train` with the Makefile's
MODEL_OPTIONS (C by the crate's inner CV on macro-F1 of the model's own classes, relevant rows
only scored there; temperature calibration), on CSVs whose `label` column is rewritten for the
binary stages, then `tonetrack predict --format jsonl` (full-precision probabilities). Per outer
fold, on the same training rows:
  (M) multinomial: one 3-class model (negative / neutral / positive), as tonetrack trains today;
  (H) hierarchical: stage 1 `polar` (positive or negative) vs `neutral` on all training rows;
      stage 2 `positive` vs `negative` on the training rows labeled positive or negative
      (relevant and irrelevant ones alike, as every other model here trains on both);
      P(neutral) = 1 − p1, P(positive) = p1·p2, P(negative) = p1·(1 − p2);
  (O) ordinal, Frank & Hall (2001): A `not_negative` (neutral or positive) vs `negative`,
      B `positive` vs `not_positive` (negative or neutral), both on all training rows;
      P(negative) = 1 − pA, P(positive) = pB, P(neutral) = max(pA − pB, 0), renormalised
      (rows with pB > pA are counted).
Label = argmax of the three probabilities. Scored on the relevant rows of the held-out pages:
macro-F1 (and per-class F1), accuracy, multiclass log-loss (−mean ln P(true class), P clipped at
1e-15). Reported: mean ± sd over the 15 folds, and the paired difference with (M) per fold, mean ±
sd, t = mean / (sd / sqrt(15)), folds better / worse.

Bar fixed in advance: --test would exist only for a structure that beats (M) in this CV with
t >= 3 and mean macro-F1 gain >= 0.01 (the larger gain if both did). Neither did (see
results-ordinal-hierarchical.txt), so there is no --test mode and the test split was not read.

Needs numpy and scikit-learn (f1_score) and a built target/release/tonetrack. Runs on one
thread (rayon); tonetrack's predictions are cached per fold and model (--cache). 75 trainings,
about 1 minute here at nice 10 on a busy 2-core machine.

Usage: python3 benches/experiments/ordinal_hierarchical.py [--bin target/release/tonetrack]
           [--cache DIR] [--seeds 42 43 44] [--out benches/experiments/results-ordinal-hierarchical.txt]
Output: benches/experiments/results-ordinal-hierarchical.txt (overwritten; per-fold lines on
stderr too).
"""
import os

for _v in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"]:
    os.environ.setdefault(_v, "1")

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from grouped_cv import (CLASSES, FOLDS, add_common_args, cache_dir, group_folds, metrics, read_training_split,
                        meets_bar, c_counts, per_fold_lines, report_lines, split,
                        train_predict)

REPO = Path(__file__).resolve().parents[2]

# The binary stages: name -> (relabel function, or None to drop the row; positive-side class).
# The probability used is that of the second element (the "upper" class of the stage).
STAGES = {
    "M": (lambda l: l, None),
    "H1": (lambda l: "neutral" if l == "neutral" else "polar", "polar"),
    "H2": (lambda l: l if l in ("positive", "negative") else None, "positive"),
    "OA": (lambda l: "negative" if l == "negative" else "not_negative", "not_negative"),
    "OB": (lambda l: "positive" if l == "positive" else "not_positive", "positive"),
}
STRUCTURES = ["(M) multinomial", "(H) hierarchical", "(O) ordinal (Frank & Hall)"]








def stage_probs(binary, tmp, tag, stage, fields, rows, train, test):
    """Trains tonetrack on rows `train` relabelled for `stage`; returns (probabilities on `test`
    as rows × classes dict list, chosen C). Cached."""
    cache = tmp / f"{stage}-{tag}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    relabel, _ = STAGES[stage]
    train_rows = []
    for i in train:
        lab = relabel(rows[i]["label"])
        if lab is not None:
            train_rows.append({**rows[i], "label": lab})
    fit = train_predict(binary, tmp, f"{stage}-{tag}", fields, train_rows, [rows[i] for i in test])
    result = {"probs": [fit["probs"][rows[i]["id"]] for i in test], "C": fit["C"], "status": fit["status"],
              "n_train": len(train_rows)}
    cache.write_text(json.dumps(result))
    return result


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap, "results-ordinal-hierarchical.txt")
    args = ap.parse_args()
    start = time.time()
    tmp = cache_dir(args, "ordinal-hierarchical-")

    fields, rows, y, relevant, irrelevant = read_training_split()

    res = {m: {"f1": [], "acc": [], "ll": [], "per": []} for m in STRUCTURES}
    zero_true = {m: 0 for m in STRUCTURES}  # scored rows whose true class got P < 1e-12
    chosen = {s: [] for s in STAGES}
    not_converged = []
    crossings, n_scored = 0, 0
    fold_ids = []
    for seed in args.seeds:
        outer = group_folds(rows, relevant, seed)
        for k in range(FOLDS):
            train, test = split(rows, outer, k, relevant, irrelevant)
            tag = f"s{seed}-f{k}"
            fold_ids.append(f"{seed}/{k}")
            yt = y[test]
            out = {s: stage_probs(args.bin, tmp, tag, s, fields, rows, train, test) for s in STAGES}
            for s, o in out.items():
                chosen[s].append(o["C"])
                if o["status"] != "converged":
                    not_converged.append(f"{s} {tag}: {o['status']}")

            def up(s):
                return np.array([p[STAGES[s][1]] for p in out[s]["probs"]])

            p_m = np.array([[p[c] for c in CLASSES] for p in out["M"]["probs"]])
            p1, p2 = up("H1"), up("H2")
            p_h = np.stack([p1 * (1 - p2), 1 - p1, p1 * p2], axis=1)
            pa, pb = up("OA"), up("OB")
            crossings += int((pb > pa).sum())
            n_scored += len(test)
            p_o = np.stack([1 - pa, np.maximum(pa - pb, 0), pb], axis=1)
            p_o /= p_o.sum(1, keepdims=True)
            for m, p in zip(STRUCTURES, (p_m, p_h, p_o)):
                assert np.allclose(p.sum(1), 1, atol=1e-9)
                f1, acc, ll, per = metrics(yt, p)
                res[m]["f1"].append(f1)
                res[m]["acc"].append(acc)
                res[m]["ll"].append(ll)
                res[m]["per"].append(per)
                zero_true[m] += int((p[np.arange(len(yt)), yt] < 1e-12).sum())
            print(f"seed {seed} fold {k}: n={len(test)} "
                  + " ".join(f"{m[:3]}={res[m]['f1'][-1]:.3f}" for m in STRUCTURES)
                  + " C " + ",".join(f"{s}={out[s]['C']}" for s in STAGES)
                  + f"  [{time.time() - start:.0f} s]", file=sys.stderr, flush=True)

    n = len(fold_ids)
    lines = [
        f"# python3 benches/experiments/ordinal_hierarchical.py --seeds {' '.join(map(str, args.seeds))}"
        f"   ({time.strftime('%Y-%m-%d')}, {time.time() - start:.0f} s)",
        "",
        "Model-structure screen: (M) tonetrack's multinomial model, (H) hierarchical (polar vs neutral, then",
        "positive vs negative on polar rows), (O) ordinal (Frank & Hall: >negative, >neutral), every model",
        "`tonetrack train` with the Makefile's MODEL_OPTIONS (C by its inner CV, temperature calibration) on",
        "relabelled CSVs, data/quotes_train.csv only. 5 folds grouped by source_url, dealt as in",
        f"ensemble_minilm.py (seeds {', '.join(map(str, args.seeds))}: {n} folds, the same for every structure).",
        "Training: every row of the other folds' pages (irrelevant ones too; H's stage 2 on those labeled",
        "positive or negative); scored: the relevant rows of the held-out pages.",
        "Mean ± sd over folds; paired difference with (M) per fold: mean ± sd (t = mean / (sd/√folds)),",
        "folds better / worse (log-loss: lower is better).",
        "",
    ]
    table, verdict = report_lines(res, STRUCTURES, "structure", 28)
    lines += table
    qualifies = meets_bar(verdict)
    lines += [
        "",
        "Bar fixed in advance for a --test run: t >= 3 and mean macro-F1 gain >= 0.01 over (M). "
        + ("Met by: " + ", ".join(m for m, _, _ in qualifies) + "." if qualifies
           else "Met by neither (H) nor (O): the test split was not read."),
        "",
        "C chosen by tonetrack's inner CV (macro-F1 of each model's own classes), folds per value:",
    ]
    for s in STAGES:
        desc = {"M": "3-class", "H1": "H stage 1, polar vs neutral", "H2": "H stage 2, positive vs negative",
                "OA": "O model A, not_negative vs negative", "OB": "O model B, positive vs not_positive"}[s]
        lines.append(f"  {desc:38s} " + c_counts(chosen[s]))
    lines += [
        f"O: rows with pB > pA (P(neutral) clipped to 0 before renormalising): {crossings} of {n_scored} scored"
        f" ({100 * crossings / n_scored:.1f} %).",
        "Scored rows whose true class got P < 1e-12 (each costs ln(1e15) = 34.5 in log-loss): "
        + ", ".join(f"{m[:3]} {zero_true[m]}" for m in STRUCTURES) + ".",
        "(M) reproduces ensemble_minilm.py's (a) fold for fold (same folds, same trainer and options).",
        "Fits not converged: " + ("; ".join(not_converged) if not_converged else "none") + ".",
        "",
    ]
    lines += per_fold_lines(res, STRUCTURES, {m: m[:3] for m in STRUCTURES}, fold_ids)
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
