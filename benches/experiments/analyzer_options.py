#!/usr/bin/env python3
"""Screen: the analyzer's own switches, never screened on the new data: stop words, stemming,
sublinear tf.

tone_options.py screened the options the issue named (lexicons, class weights, C by log-loss,
character n-grams, negation marks, 1-3-grams, min-df 1, NewsMTSC rows, the speaker's side). The
analyzer's defaults were taken from the start and never measured: the English stop-word list
drops "against", "but", "both", "between", "we", "our", "they", "should", "too", "very", words
that can carry tone toward a relationship; stemming merges "relations"/"relationship"; sublinear
tf damps repeated words.

Measurement on the *training split only* (data/quotes_train.csv; the test split is not read).
Folds and training rule: grouped_cv.py's (5 folds grouped by source_url; training: every row of
the other folds' pages, irrelevant ones too; scored: the relevant rows of the held-out pages).
Every model is `tonetrack train` with the Makefile's MODEL_OPTIONS (words 1..2, min-df 2, both
lexicons, temperature calibration, C by inner CV on macro-F1) plus the set's flags, then
`tonetrack predict`.

The sets, fixed here before any was measured:
  (S)  --keep-stop-words
  (N)  --no-stem
  (L)  --no-sublinear-tf
  (S3) --keep-stop-words --ngrams 1..3 (with function words kept, "ready to work" and "on the
       table" become trigrams worth having)
Protocol (as marker_features.py): discovery on the first seed's 5 folds, every set; the set with
the best mean macro-F1 gain alone is confirmed, with the baseline, on the other seeds' folds
(10 fresh folds). Bar, fixed in advance: on the confirmation folds a paired macro-F1 gain
>= +0.01 with t >= 3 (grouped_cv.meets_bar).

    python3 benches/experiments/analyzer_options.py [--bin target/release/tonetrack]
"""
import argparse
import json
import sys
import time

from grouped_cv import (CLASSES, add_common_args, cache_dir, chosen_c_lines, meets_bar,
                        read_training_split, report_lines, run_sets, train_predict)

SETS = {
    "S": ["--keep-stop-words"],
    "N": ["--no-stem"],
    "L": ["--no-sublinear-tf"],
    "S3": ["--keep-stop-words", "--ngrams", "1..3"],
}
BASE = "(M) split model"


def label(which):
    return f"({which}) {' '.join(SETS[which])}" if which else BASE


def fold_probs(args, tmp, which, seed, k, fields, rows, train, test):
    """tonetrack with set `which`'s flags (None: the baseline) trained on rows `train`,
    probabilities (rows × CLASSES) on `test`. Cached per set, seed and fold."""
    cache = tmp / f"{which or 'M'}-s{seed}-f{k}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    fit = train_predict(args.bin, tmp, f"{which or 'M'}-s{seed}-f{k}", fields,
                        [rows[i] for i in train], [rows[i] for i in test],
                        extra=SETS[which] if which else ())
    out = {"probs": [[fit["probs"][rows[i]["id"]][c] for c in CLASSES] for i in test],
           "C": fit["C"], "status": fit["status"], "seconds": fit["seconds"]}
    cache.write_text(json.dumps(out))
    return out


def main():
    ap = argparse.ArgumentParser()
    add_common_args(ap, "results-analyzer-options.txt")
    args = ap.parse_args()
    start = time.time()
    tmp = cache_dir(args, "analyzer-options-")
    log = lambda msg: print(msg + f"  [{time.time() - start:.0f} s]", file=sys.stderr, flush=True)
    data = read_training_split()
    fields, rows = data[0], data[1]
    probs = lambda w, seed, k, train, test: fold_probs(args, tmp, w, seed, k, fields, rows,
                                                       train, test)
    disc_seed, conf_seeds = args.seeds[:1], args.seeds[1:]

    d_res, d_names, d_c, d_secs, d_odd, d_ids = run_sets(data, [None, *SETS], disc_seed, label,
                                                         probs, log)
    d_table, d_gains = report_lines(d_res, d_names, "model", 36)
    best_name, best_gain, _ = max(d_gains, key=lambda g: g[1])
    best = next(w for w in SETS if label(w) == best_name)
    c_res, c_names, c_c, c_secs, c_odd, c_ids = run_sets(data, [None, best], conf_seeds, label,
                                                         probs, log)
    c_table, c_gains = report_lines(c_res, c_names, "model", 36)
    passed = meets_bar(c_gains)

    lines = [
        f"# python3 benches/experiments/analyzer_options.py --seeds "
        f"{' '.join(map(str, args.seeds))}   ({time.strftime('%Y-%m-%d')}, "
        f"{time.time() - start:.0f} s)",
        "",
        "The analyzer's switches on top of the split model's options (MODEL_OPTIONS: words 1..2,",
        "min-df 2, stop words dropped, Snowball stems, sublinear tf, both lexicons, temperature",
        "calibration, C by inner CV on macro-F1). Four sets, fixed in the docstring before any was",
        "measured. data/quotes_train.csv only; grouped_cv.py's folds and training rule; scored on the",
        "relevant rows of the held-out pages. Mean ± sd over folds; paired difference with (M) per",
        "fold: mean ± sd (t = mean / (sd/√folds)), folds better / worse (log-loss: lower is better).",
        "",
        f"## Discovery: seed {disc_seed[0]} ({len(d_ids)} folds), every set",
        "",
        *d_table,
        "",
        f"Best by mean macro-F1 gain: {best_name} ({best_gain:+.4f}); it alone goes to "
        "confirmation.",
        "",
        f"## Confirmation: seeds {', '.join(map(str, conf_seeds))} ({len(c_ids)} fresh folds), "
        f"(M) and {best_name}",
        "",
        *c_table,
        "",
        "Bar fixed in advance: on the confirmation folds a paired macro-F1 gain >= +0.01 with "
        "t >= 3. " + ("Met." if passed else "Not met.") + " The test split was not read.",
        "",
        "C chosen by tonetrack's inner CV (macro-F1), folds per value; training + predicting time:",
        *chosen_c_lines([("discovery", d_names, d_c, d_secs),
                         ("confirmation", c_names, c_c, c_secs)], 36),
    ]
    lines.append("Fits not converged: " + ("; ".join(d_odd + c_odd) if d_odd + c_odd else "none")
                 + ".")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
