#!/usr/bin/env python3
"""scikit-learn reference for tonetrack on NewsMTSC (target-dependent news sentiment).

TF-IDF (sublinear, 1-2 grams, min_df 2) + multinomial LogisticRegression (lbfgs),
C chosen by 5-fold CV grouped by sentence on macro-F1, refit on all of train, scored on
test_rw and test_mt. Two variants: plain text, and the target mention replaced by
" tgtmention " (tonetrack's marker). Also times the final fit (wall and CPU seconds, one
thread: BLAS/OpenMP pools limited to 1) and reports peak RSS.

    python3 benches/reference/sklearn_newsmtsc.py [--data DIR]
    python3 benches/reference/sklearn_newsmtsc.py --fit-only C [--mark]   # RSS of one fit
"""
import argparse
import csv
import resource
import statistics
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[2]
C_GRID = [0.1, 0.3, 1, 3, 10, 30, 100]
MARKER = "tgtmention"


def load(path, mark):
    """Returns (texts, labels, sentences); `mark` replaces the target span by the marker."""
    texts, labels, sentences = [], [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            text, start, end = row["text"], int(row["target_start"]), int(row["target_end"])
            assert text[start:end] == row["target"], row["id"]
            texts.append(f"{text[:start]} {MARKER} {text[end:]}" if mark else text)
            labels.append(row["label"])
            sentences.append(text)
    return texts, labels, sentences


def vectorizer():
    return TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)


def classifier(c=1.0):
    return LogisticRegression(C=c, solver="lbfgs", max_iter=1000)


def median_time(fn, repeats=3):
    """Median (wall, CPU) seconds of `repeats` calls."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_variant(data, mark):
    x, y, sentences = load(data / "train.csv", mark)
    # Sentence ids in sorted-text order: the same folds as grouping by the text itself, without
    # the fixed-width string arrays (~0.8 GB: one sentence has 6321 characters) that implies.
    ids = {text: i for i, text in enumerate(sorted(set(sentences)))}
    groups = [ids[text] for text in sentences]
    search = GridSearchCV(
        Pipeline([("tfidf", vectorizer()), ("lr", classifier())]),
        {"lr__C": C_GRID},
        scoring="f1_macro",
        cv=StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0),
        n_jobs=1,
    )
    search.fit(x, y, groups=groups)
    c = search.best_params_["lr__C"]
    cv_scores = dict(zip(C_GRID, search.cv_results_["mean_test_score"]))

    scores = {}
    for split in ("test_rw", "test_mt"):
        xt, yt, _ = load(data / f"{split}.csv", mark)
        pred = search.best_estimator_.predict(xt)
        scores[split] = (f1_score(yt, pred, average="macro"), accuracy_score(yt, pred), len(yt))

    features = vectorizer().fit_transform(x)
    t_full = median_time(lambda: classifier(c).fit(vectorizer().fit_transform(x), y))
    t_lr = median_time(lambda: classifier(c).fit(features, y))
    n_iter = int(classifier(c).fit(features, y).n_iter_[0])
    return c, cv_scores, scores, t_full, t_lr, features.shape[1], n_iter, len(y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared/data/newsmtsc",
                        help="NewsMTSC CSV dir (default: <repo>/../shared/data/newsmtsc)")
    parser.add_argument("--fit-only", type=float, metavar="C",
                        help="only fit once at this C (no CV) and print peak RSS")
    parser.add_argument("--mark", action="store_true", help="with --fit-only: mark the mention")
    args = parser.parse_args()
    data = args.data
    if args.fit_only is not None:
        print(f"peak RSS after imports {peak_rss_mib():.0f} MiB")
        x, y, _ = load(data / "train.csv", args.mark)
        with threadpool_limits(limits=1):
            classifier(args.fit_only).fit(vectorizer().fit_transform(x), y)
        print(f"peak RSS after one fit at C={args.fit_only:g} (mark={args.mark}) "
              f"{peak_rss_mib():.0f} MiB")
        return

    results = {}
    for name, mark in (("plain", False), ("mention marked", True)):
        with threadpool_limits(limits=1):
            results[name] = run_variant(data, mark)
        c, cv_scores, *_ = results[name]
        print(f"[{name}] CV macro-F1 by C: "
              + ", ".join(f"{k:g}={v:.4f}" for k, v in cv_scores.items()) + f"  -> C={c:g}"
              + f"  (peak RSS so far {peak_rss_mib():.0f} MiB)", flush=True)

    print()
    print(f"{'variant':<15} {'C':>4} {'CV mF1':>7} {'rw mF1':>7} {'rw acc':>7} {'mt mF1':>7} "
          f"{'mt acc':>7} {'fit wall/cpu s':>15} {'LR wall/cpu s':>14} {'iters':>6} {'feats':>6}")
    for name, (c, cv_scores, s, t_full, t_lr, n_feat, n_iter, n_train) in results.items():
        print(f"{name:<15} {c:>4g} {cv_scores[c]:>7.3f} {s['test_rw'][0]:>7.3f} "
              f"{s['test_rw'][1]:>7.3f} {s['test_mt'][0]:>7.3f} {s['test_mt'][1]:>7.3f} "
              f"{t_full[0]:>7.2f}/{t_full[1]:<7.2f} {t_lr[0]:>6.2f}/{t_lr[1]:<7.2f} "
              f"{n_iter:>6} {n_feat:>6}")
    print(f"\ntrain rows {n_train}, test_rw rows {s['test_rw'][2]}, test_mt rows {s['test_mt'][2]}")
    print("fit = median of 3 of vectorizer fit_transform + LR fit at the chosen C; "
          "LR = LR fit only; iters = lbfgs iterations of the final LR fit")
    print(f"peak RSS of the process {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
