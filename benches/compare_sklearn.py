#!/usr/bin/env python3
"""Fit time of scikit-learn and tonetrack on the same data at the same C, in one run.

scikit-learn: TfidfVectorizer(sublinear_tf, 1-2 grams, min_df 2) + LogisticRegression(lbfgs),
one BLAS/OpenMP thread. tonetrack: `train --c C --keep-stop-words --no-stem` (the whole command:
CSV, analysis, TF-IDF, L-BFGS, model file). Each fit runs in a fresh process, 3 times; the table
shows the median wall time, the peak RSS and the ratio.

Usage (repository root, after `cargo build --release`):
    python3 benches/compare_sklearn.py [--data ../shared/data/newsmtsc/train.csv] [--c 3]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(REPO, "..", "shared", "data", "newsmtsc", "train.csv")
TONETRACK = os.path.join(REPO, "target", "release", "tonetrack")

SKLEARN_FIT = r"""
import sys, time, csv
from threadpoolctl import threadpool_limits
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
with threadpool_limits(1):
    t0 = time.perf_counter()
    x = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2).fit_transform(texts)
    lr = LogisticRegression(C=float(sys.argv[2]), solver="lbfgs", max_iter=1000).fit(x, labels)
    t1 = time.perf_counter()
print(t1 - t0, int(lr.n_iter_[0]))
"""


def run_child(cmd):
    """Wall time, peak RSS (MB, measured by GNU time for this child alone) and stdout."""
    with tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.perf_counter()
        out = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd],
            check=True, capture_output=True, text=True,
        ).stdout
        wall = time.perf_counter() - t0
        return wall, int(rss.read().strip().splitlines()[-1]) / 1024, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--c", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if not os.path.exists(TONETRACK):
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    import sklearn

    lines = [
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, nproc {os.cpu_count()}, "
        f"load {os.getloadavg()[0]:.2f}",
        f"python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        + subprocess.run([TONETRACK, "--version"], capture_output=True, text=True).stdout.strip(),
        f"data: {os.path.relpath(args.data, REPO)}, C = {args.c}",
    ]
    sk_fit, sk_rss, sk_iter = [], 0.0, 0
    for _ in range(args.runs):
        # Python's own start-up and imports are not timed: the script times the fit itself.
        _, rss, out = run_child([sys.executable, "-c", SKLEARN_FIT, args.data, str(args.c)])
        seconds, sk_iter = out.split()
        sk_fit.append(float(seconds))
        sk_rss = max(sk_rss, rss)
    tt_wall, tt_rss, fit_line = [], 0.0, ""
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            wall, rss, out = run_child([
                TONETRACK, "train", "--data", args.data, "--c", str(args.c),
                "--tokenizer", "sklearn", "--keep-stop-words", "--no-stem", "--max-iter", "1000",
                "--out", os.path.join(tmp, "m.json"),
            ])
            tt_wall.append(wall)
            tt_rss = max(tt_rss, rss)
            fit_line = next(l for l in out.splitlines() if l.startswith("fit:"))
    sk, tt = statistics.median(sk_fit), statistics.median(tt_wall)
    lines += [
        "",
        f"{'tool':<34} {'fit s (median)':>14}  {'runs':<22} {'peak RSS MB':>11}",
        f"{'scikit-learn (vectorize + LR fit)':<34} {sk:>14.2f}  "
        f"{', '.join(f'{s:.2f}' for s in sk_fit):<22} {sk_rss:>11.0f}",
        f"{'tonetrack train (whole command)':<34} {tt:>14.2f}  "
        f"{', '.join(f'{s:.2f}' for s in tt_wall):<22} {tt_rss:>11.0f}",
        "",
        f"scikit-learn lbfgs iterations: {sk_iter}; tonetrack {fit_line}",
        f"ratio tonetrack/scikit-learn = {tt / sk:.2f} (goal <= 0.25); "
        f"load after {os.getloadavg()[0]:.2f}",
    ]
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(REPO, "benches", "compare_sklearn.txt"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
