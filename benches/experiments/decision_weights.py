#!/usr/bin/env python3
"""Does a decision rule tuned for macro-F1 beat argmax? Chosen on the training split only.

Every relevant quotation of data/quotes_train.csv is scored out of fold (the folds and model of
trend_estimators.py). Class weights w (negative, positive; neutral fixed at 1) are chosen on a
grid of exp(-1..1) to maximise macro-F1 of argmax(w * p); a nested check fits them on four
folds and scores the fifth. Then the weights fitted on all training folds are applied once to
the split model's probabilities on the relevant test rows (target/split-model.json, from
`make split-model`), with a paired page-level bootstrap of the difference.

Usage (from the repository root, after `cargo build --release` and `make split-model`):
    python3 benches/experiments/decision_weights.py > benches/experiments/results-decision-weights.txt
Needs numpy.
"""
import sys, json, csv, subprocess, itertools
