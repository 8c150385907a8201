#!/usr/bin/env python3
"""Which trend estimate follows the labeled trends, chosen on the training split only.

Every quotation of data/quotes_train.csv is scored out of fold (5 folds by page, the model of
the Makefile's MODEL_OPTIONS at the C the split chose, C = 1; each fold's model carries its own
cross-validated class rates). Over speaker × year cells with >= 3 relevant quotes, each estimate's
tones are compared with the labeled mean tone (positive 1, neutral 0, negative -1) by Pearson r,
mean absolute error and the slope of predicted on labeled tone, as `tonetrack eval --trends` does:

- mean: the mean of P(positive) - P(negative);
- acc, pacc: adjusted classify-and-count and its probabilistic form (what `trends` offers);
- em: the maximum-likelihood prior shift of Saerens et al. (2002);
- map-em k: the same with a Dirichlet prior of strength k centred on the training shares
  (shrinks thin cells), tone of the shares and of the adjusted posteriors (Q);
- pacc shrunk k: PACC pulled toward the mean with weight k / (n + k).

A second table asks how good the per-quote classifier must be for the trend goals (r >= 0.90,
MAE <= 0.15): the out-of-fold probabilities are mixed with the one-hot gold label,
(1 - a) P + a gold, for a growing a, and per-quote macro-F1 is reported beside the PACC trend
figures. It is an idealised better classifier (its errors stay the model's), so read it as a
rough map, not a promise.

Usage: python3 benches/experiments/trend_estimators.py [--bin target/release/tonetrack]
Needs numpy and scipy. Output: benches/experiments/results-trend-estimators.txt.
"""
import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import nnls

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "docs"))
from out_of_fold import model_options as makefile_options, write_fold  # noqa: E402
CLASSES = ["negative", "neutral", "positive"]
TONE = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
FOLDS = 5


def model_options():
    """The Makefile's MODEL_OPTIONS at the C the training split chose."""
    return makefile_options() + ["--c", "1"]


def fold_of(url):
    return int.from_bytes(hashlib.sha256(("oof" + url).encode()).digest()[:8], "big") % FOLDS


def out_of_fold(binary):
    with open(REPO / "data/quotes_train.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    by_id = {r["id"]: r for r in rows}
    tmp = Path(tempfile.mkdtemp(prefix="trend-estimators-"))
    scored = []
    for k in range(FOLDS):
        train, test = write_fold(tmp, k, rows, fields, fold_of)
        model = tmp / f"m{k}.json"
        subprocess.run([binary, "train", "--data", str(train), *model_options(), "--out",
                        str(model)], check=True, capture_output=True)
        rates = json.loads(model.read_text())["body"]["classifiers"]["single"]["rates"]
        out = subprocess.run([binary, "predict", "--model", str(model), "--data", str(test),
                              "--format", "jsonl"], check=True, capture_output=True, text=True)
        for line in out.stdout.splitlines():
            p = json.loads(line)
            r = by_id[p["id"]]
            if r["relevant"] == "yes" and r["speaker"]:
                scored.append(dict(speaker=r["speaker"], year=r["date"][:4], label=r["label"],
                                   p=[p["probabilities"][c] for c in CLASSES], rates=rates))
    return scored


def simplex_least_squares(a, q, weight=1e3):
    """min ||Aᵀp − q|| over the probability simplex (the sum as a heavily weighted row)."""
    x = np.vstack([a.T, weight * np.ones(len(q))])
    p, _ = nnls(x, np.append(q, weight))
    return p / p.sum()


def prior_shift(probs, train_prior, strength=0.0, centre=None, iterations=500):
    """Saerens et al. (2002) EM; a Dirichlet(strength · centre) prior when strength > 0."""
    centre = train_prior if centre is None else centre
    prior = train_prior.copy()
    for _ in range(iterations):
        q = probs * (prior / train_prior)
        q /= q.sum(1, keepdims=True)
        new = (q.sum(0) + strength * centre) / (len(probs) + strength)
        done = np.abs(new - prior).max() < 1e-10
        prior = new
        if done:
            break
    q = probs * (prior / train_prior)
    q /= q.sum(1, keepdims=True)
    return prior, q


def tone(shares):
    return shares[2] - shares[0]


def fidelity(predicted, labeled):
    predicted, labeled = np.array(predicted), np.array(labeled)
    r = np.corrcoef(predicted, labeled)[0, 1]
    return r, np.abs(predicted - labeled).mean(), np.polyfit(labeled, predicted, 1)[0]


def macro_f1(pred, gold):
    f1 = []
    for c in range(3):
        tp = np.sum((pred == c) & (gold == c))
        p, r = tp / max(np.sum(pred == c), 1), tp / max(np.sum(gold == c), 1)
        f1.append(0 if p + r == 0 else 2 * p * r / (p + r))
    return float(np.mean(f1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(REPO / "target/release/tonetrack"))
    binary = ap.parse_args().bin
    scored = out_of_fold(binary)
    probability_rates = np.mean([np.array(s["rates"]["mean_probability"]) for s in scored], 0)
    confusion = np.mean([np.array(s["rates"]["confusion"]) for s in scored], 0)
    support = np.mean([np.array(s["rates"]["support"]) for s in scored], 0)
    train_prior = support / support.sum()
    cells = defaultdict(list)
    for s in scored:
        cells[(s["speaker"], s["year"])].append(s)
    cells = [v for _, v in sorted(cells.items()) if len(v) >= 3]
    labeled = [np.mean([TONE[s["label"]] for s in cell]) for cell in cells]

    estimates = defaultdict(list)
    for cell in cells:
        p = np.array([s["p"] for s in cell])
        n = len(cell)
        estimates["mean"].append(np.mean(p[:, 2] - p[:, 0]))
        pacc = tone(simplex_least_squares(probability_rates, p.mean(0)))
        estimates["pacc"].append(pacc)
        hard = np.eye(3)[p.argmax(1)]
        estimates["acc"].append(tone(simplex_least_squares(confusion, hard.mean(0))))
        estimates["em"].append(tone(prior_shift(p, train_prior)[0]))
        for k in [1, 2, 3, 5]:
            shares, q = prior_shift(p, train_prior, k)
            estimates[f"map-em k{k}"].append(tone(shares))
            estimates[f"map-em k{k} (Q)"].append(np.mean(q[:, 2] - q[:, 0]))
            w = n / (n + k)
            estimates[f"pacc shrunk k{k}"].append(w * pacc + (1 - w) * estimates["mean"][-1])

    lines = [f"Out of fold on the training split: {len(scored)} relevant attributed quotations, "
             f"{len(cells)} speaker x year cells with >= 3 quotes (labeled sd "
             f"{np.std(labeled):.3f}).", "", "| estimate | r | MAE | slope | sd |",
             "|---|---|---|---|---|"]
    for name, values in estimates.items():
        r, mae, slope = fidelity(values, labeled)
        lines.append(f"| {name} | {r:.3f} | {mae:.3f} | {slope:.3f} | {np.std(values):.3f} |")

    lines += ["", "A better classifier, idealised: P mixed with the gold label, PACC trends",
              "(rates re-measured on the mixed probabilities).", "",
              "| a | accuracy | macro-F1 | r | MAE | slope |", "|---|---|---|---|---|---|"]
    gold_all = np.array([CLASSES.index(s["label"]) for s in scored])
    p_all = np.array([s["p"] for s in scored])
    for a in [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]:
        mixed = (1 - a) * p_all + a * np.eye(3)[gold_all]
        rates = np.array([mixed[gold_all == t].mean(0) for t in range(3)])
        pred = mixed.argmax(1)
        at = {}
        for i, s in enumerate(scored):
            at.setdefault((s["speaker"], s["year"]), []).append(mixed[i])
        values = [tone(simplex_least_squares(rates, np.mean(at[(c[0]["speaker"], c[0]["year"])],
                                                             0))) for c in cells]
        r, mae, slope = fidelity(values, labeled)
        lines.append(f"| {a:.1f} | {np.mean(pred == gold_all):.3f} | "
                     f"{macro_f1(pred, gold_all):.3f} | {r:.3f} | {mae:.3f} | {slope:.3f} |")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    (REPO / "benches/experiments/results-trend-estimators.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
