#!/usr/bin/env python3
"""scikit-learn and tonetrack side by side on the same data, in one run: fit time, scoring
time and peak RSS, with their ratios.

scikit-learn: TfidfVectorizer(sublinear_tf, word 1-2 grams, min_df 2) + LogisticRegression(lbfgs,
C), one BLAS/OpenMP thread. tonetrack: `train --c C --tokenizer sklearn --keep-stop-words
--no-stem` and
`predict --data … --format csv` (whole commands: CSV, analysis, TF-IDF, L-BFGS or scoring,
output), on every core.

Tasks (each in a fresh process, measured by GNU time for that child alone):
  fit-newsmtsc   fit on NewsMTSC's training sentences
  fit-newsmtsc-lib
                 the same fit at library level, text in memory, as scikit-learn's side is
                 timed: tonetrack's `cargo bench --bench train` (`train/newsmtsc`: analysis,
                 vocabulary, TF-IDF matrix and L-BFGS; the median of criterion's samples),
                 taking turns with scikit-learn's runs
  fit-200k       fit on 200,000 sentences: NewsMTSC's sentences (train, test_rw, test_mt)
                 repeated with word dropout (seeded)
  fit-1m         the same with 1,000,000 sentences
  predict-1m     score 1,000,000 such sentences with the model fitted on NewsMTSC: scikit-learn
                 transform + predict_proba; tonetrack predict --data 1m.csv --format csv
  score-newsmtsc library-level scoring of NewsMTSC's sentences, text in memory: scikit-learn
                 transform + predict_proba (best of 5); tonetrack's `cargo bench --bench score`
                 (`score/probabilities/rayon`: analyzer, TF-IDF row and probabilities on every
                 core; criterion's mean throughput), taking turns with scikit-learn's runs
scikit-learn's times are of the work itself (the script times fit / transform+predict inside
the child; Python start-up, imports and CSV reading are not counted); tonetrack's are the
whole command (CSV reading, process start-up and writing the model file counted), except in
fit-newsmtsc-lib and score-newsmtsc, which time the same work as scikit-learn's side.
Wall time is the median of N runs (--runs-small for the NewsMTSC tasks, --runs-big for the
larger ones), the runs of the two tools taking turns; peak RSS the largest over the runs.

Usage (repository root; builds the release binary if missing, pip-installs scikit-learn if
missing):
    python3 benches/compare_sklearn.py                  # every task (about 10 minutes)
    python3 benches/compare_sklearn.py --skip-big       # fit-newsmtsc and fit-200k only
    python3 benches/compare_sklearn.py --tasks fit-newsmtsc,predict-1m --runs-big 3
The table is printed and saved to benches/compare_sklearn.txt (--out to change).
"""
import argparse
import csv
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEWSMTSC = os.path.join(REPO, "..", "shared", "data", "newsmtsc")
TONETRACK = os.path.join(REPO, "target", "release", "tonetrack")
TASKS = ["fit-newsmtsc", "fit-newsmtsc-lib", "fit-200k", "fit-1m", "predict-1m",
         "score-newsmtsc"]
BIG = {"fit-1m", "predict-1m"}

SKLEARN_FIT = r"""
import sys, time, csv
from threadpoolctl import threadpool_limits
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
del rows
with threadpool_limits(1):
    t0 = time.perf_counter()
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)
    x = vec.fit_transform(texts)
    lr = LogisticRegression(C=float(sys.argv[2]), solver="lbfgs", max_iter=1000).fit(x, labels)
    t1 = time.perf_counter()
print(t1 - t0, int(lr.n_iter_[0]), len(vec.vocabulary_), x.nnz)
"""

# Fits on the NewsMTSC sentences (untimed), then times transform + predict_proba of the same
# sentences, text already in memory: the library-level scoring that `cargo bench --bench score`
# measures for tonetrack. Prints the best of the passes and the number of bytes of text.
SKLEARN_SCORE = r"""
import sys, time, csv
from threadpoolctl import threadpool_limits
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
texts = [r["text"] for r in rows]
with threadpool_limits(1):
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)
    lr = LogisticRegression(C=float(sys.argv[2]), solver="lbfgs", max_iter=1000)
    lr.fit(vec.fit_transform(texts), [r["label"] for r in rows])
    best = float("inf")
    for _ in range(int(sys.argv[3])):
        t0 = time.perf_counter()
        lr.predict_proba(vec.transform(texts))
        best = min(best, time.perf_counter() - t0)
print(best, sum(len(t.encode("utf-8")) for t in texts))
"""

# Fits on the first file (untimed), then times transform + predict_proba of the second, read
# in chunks so that memory stays bounded as tonetrack's does.
SKLEARN_PREDICT = r"""
import sys, time, csv, itertools
from threadpoolctl import threadpool_limits
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
with threadpool_limits(1):
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)
    x = vec.fit_transform([r["text"] for r in rows])
    lr = LogisticRegression(C=float(sys.argv[3]), solver="lbfgs", max_iter=1000)
    lr.fit(x, [r["label"] for r in rows])
    reader = csv.DictReader(open(sys.argv[2], encoding="utf-8"))
    seconds, n = 0.0, 0
    while True:
        texts = [r["text"] for r in itertools.islice(reader, 100000)]
        if not texts:
            break
        t0 = time.perf_counter()
        p = lr.predict_proba(vec.transform(texts))
        seconds += time.perf_counter() - t0
        n += p.shape[0]
print(seconds, n)
"""


def run_child(cmd, stdout=subprocess.PIPE):
    """Wall time, peak RSS (MB, measured by GNU time for this child alone) and stdout."""
    with tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd],
            check=True, stdout=stdout, stderr=subprocess.PIPE, text=True,
        )
        wall = time.perf_counter() - t0
        return wall, int(rss.read().strip().splitlines()[-1]) / 1024, proc.stdout or ""


def newsmtsc_rows():
    rows = []
    for name in ["train.csv", "test_rw.csv", "test_mt.csv"]:
        with open(os.path.join(NEWSMTSC, name), encoding="utf-8") as f:
            rows += [(r["text"], r["label"]) for r in csv.DictReader(f)]
    return rows


def make_corpus(path, n, seed, dropout):
    """`n` rows `text,label`: NewsMTSC sentences drawn at random, each word dropped with
    probability `dropout` (at least one word kept), so that repeats are not identical."""
    if os.path.exists(path):
        return
    rng = random.Random(seed)
    source = newsmtsc_rows()
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for _ in range(n):
            text, label = source[rng.randrange(len(source))]
            words = text.split()
            kept = [word for word in words if rng.random() >= dropout] or words[:1]
            w.writerow([" ".join(kept), label])
    os.replace(tmp, path)


def alternating_runs(runs, *fns):
    """Runs each of `fns` `runs` times, taking turns (a, b, a, b, ...), so that both see the
    same load on a shared machine. For each: median seconds, every run's seconds, max RSS and
    the last run's extra."""
    results = [([], 0.0, None) for _ in fns]
    for _ in range(runs):
        for k, fn in enumerate(fns):
            s, r, extra = fn()
            seconds, rss, _ = results[k]
            results[k] = (seconds + [s], max(rss, r), extra)
    return [(statistics.median(seconds), seconds, rss, extra)
            for seconds, rss, extra in results]


def run_criterion(bench, name):
    """Output of `cargo bench --bench BENCH -- NAME` (criterion prints on both streams)."""
    out = subprocess.run(["cargo", "bench", "--bench", bench, "--", "--noplot", name],
                         cwd=REPO, capture_output=True, text=True, check=True)
    return out.stdout + out.stderr


def criterion_median_seconds(name):
    """Median time per iteration over the samples of criterion's last run of bench `name`
    (its `sample.json`: total nanoseconds and iterations of each sample)."""
    path = os.path.join(REPO, "target", "criterion", *name.split("/"), "new", "sample.json")
    with open(path) as f:
        sample = json.load(f)
    return statistics.median(t / n * 1e-9 for t, n in zip(sample["times"], sample["iters"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tasks", default=",".join(TASKS),
                    help=f"comma-separated, among {', '.join(TASKS)}")
    ap.add_argument("--skip-big", action="store_true", help="skip fit-1m and predict-1m")
    ap.add_argument("--runs-small", type=int, default=3, help="runs of the NewsMTSC tasks")
    ap.add_argument("--runs-big", type=int, default=1, help="runs of the other tasks")
    ap.add_argument("--c", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--corpora", default=os.path.join(tempfile.gettempdir(), "tonetrack-corpora"),
                    help="where the generated corpora are kept between runs")
    ap.add_argument("--out", default=os.path.join(REPO, "benches", "compare_sklearn.txt"))
    ap.add_argument("--tonetrack", default=TONETRACK,
                    help="the binary to measure (default: target/release/tonetrack); the "
                         "criterion tasks run the benches of this checkout")
    args = ap.parse_args()
    tonetrack_bin = args.tonetrack
    tasks = [t for t in args.tasks.split(",") if t]
    unknown = set(tasks) - set(TASKS)
    if unknown:
        ap.error(f"unknown task(s) {', '.join(sorted(unknown))}; choose among {', '.join(TASKS)}")
    if args.skip_big:
        tasks = [t for t in tasks if t not in BIG]

    try:
        import sklearn
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "scikit-learn"], check=True)
        import sklearn
    if not os.path.exists(tonetrack_bin):
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)

    os.makedirs(args.corpora, exist_ok=True)
    train_csv = os.path.join(NEWSMTSC, "train.csv")
    corpus = {}
    for name, n in [("200k", 200_000), ("1m", 1_000_000)]:
        if any(t.endswith(name) for t in tasks):
            path = os.path.join(args.corpora, f"newsmtsc-{name}-seed{args.seed}-drop{args.dropout}.csv")
            make_corpus(path, n, args.seed, args.dropout)
            corpus[name] = path

    lines = [
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, nproc {os.cpu_count()}, "
        f"load {os.getloadavg()[0]:.2f} (the machine is shared: wall times are noisy)",
        f"python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        + subprocess.run([tonetrack_bin, "--version"], capture_output=True, text=True).stdout.strip(),
        f"C = {args.c}; corpora: NewsMTSC sentences repeated with word dropout {args.dropout}, "
        f"seed {args.seed}",
        "",
        f"{'task':<14} {'sklearn s':>10} {'tonetrack s':>12} {'ratio':>6}   "
        f"{'sklearn MB':>10} {'tonetrack MB':>12} {'ratio':>6}   runs (sklearn | tonetrack)",
    ]
    notes = []
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        # One model file per fit; predict-1m scores with the NewsMTSC one, as scikit-learn does.
        def model_of(task):
            return os.path.join(tmp, f"{task}.json")

        def tonetrack_train(data, out):
            def run():
                wall, rss, out_text = run_child([
                    tonetrack_bin, "train", "--data", data, "--c", str(args.c),
                    "--tokenizer", "sklearn", "--keep-stop-words", "--no-stem",
                    "--max-iter", "1000", "--out", out,
                ])
                fit = next((l for l in out_text.splitlines() if l.startswith("fit:")), "")
                return wall, rss, fit
            return run

        def sklearn_fit(data):
            def run():
                _, rss, out = run_child([sys.executable, "-c", SKLEARN_FIT, data, str(args.c)])
                seconds, iters, vocab, nnz = out.split()
                return float(seconds), rss, f"{iters} iterations, {vocab} features, {nnz} nnz"
            return run

        for task in tasks:
            runs = args.runs_small if "newsmtsc" in task else args.runs_big
            if task == "fit-newsmtsc-lib":
                def tt_fit():
                    bench = run_criterion("train", "train/newsmtsc")
                    iterations = re.search(r"C = \S+: (\d+) iterations", bench).group(1)
                    return criterion_median_seconds("train/newsmtsc"), 0.0, iterations

                sk, tt = alternating_runs(runs, sklearn_fit(train_csv), tt_fit)
                notes.append(
                    f"{task}: text in memory to fitted model, the two taking turns {runs} times; "
                    f"scikit-learn fit_transform + fit, one fit per run ({sk[3]}); tonetrack "
                    f"criterion `train/newsmtsc` on {os.cpu_count()} threads, each run's figure "
                    f"the median of its samples ({tt[3]} L-BFGS iterations)")
            elif task.startswith("fit-"):
                data = train_csv if task == "fit-newsmtsc" else corpus[task[4:]]
                sk, tt = alternating_runs(runs, sklearn_fit(data),
                                          tonetrack_train(data, model_of(task)))
                notes.append(f"{task}: scikit-learn {sk[3]}; tonetrack {tt[3]}")
            elif task == "score-newsmtsc":
                def sk_score():
                    _, rss, out = run_child([sys.executable, "-c", SKLEARN_SCORE, train_csv,
                                             str(args.c), "5"])
                    seconds, n_bytes = out.split()
                    return float(seconds), rss, int(n_bytes)

                def tt_score():
                    # criterion's throughput of `score/probabilities/rayon` (text -> analyzer ->
                    # TF-IDF row -> probabilities, both cores), turned into seconds per pass.
                    bench = run_criterion("score", "score/probabilities/rayon")
                    n_bytes = int(re.search(r"(\d+) bytes", bench).group(1))
                    mib_s = float(re.search(r"thrpt:\s+\[\S+ \S+ (\S+) MiB/s", bench).group(1))
                    return n_bytes / (mib_s * 2**20), 0.0, n_bytes

                sk, tt = alternating_runs(runs, sk_score, tt_score)
                notes.append(
                    f"{task}: {sk[3]} bytes of NewsMTSC sentences, text in memory; scikit-learn "
                    f"transform + predict_proba {sk[3] / sk[0] / 1e6:.2f} MB/s (best of 5), "
                    f"tonetrack analyzer + TF-IDF + probabilities on {os.cpu_count()} threads "
                    f"(criterion, "
                    f"mean) {tt[3] / tt[0] / 1e6:.2f} MB/s ({sk[0] / tt[0]:.1f}x faster)")
            else:
                data = corpus["1m"]
                mb = os.path.getsize(data) / 1e6
                model = model_of("fit-newsmtsc")
                if not os.path.exists(model):
                    tonetrack_train(train_csv, model)()

                def sk_predict():
                    _, rss, out = run_child(
                        [sys.executable, "-c", SKLEARN_PREDICT, train_csv, data, str(args.c)])
                    seconds, n = out.split()
                    return float(seconds), rss, int(n)

                def tt_predict():
                    with open(os.devnull, "w") as null:
                        wall, rss, _ = run_child([
                            tonetrack_bin, "predict", "--model", model, "--data", data,
                            "--format", "csv",
                        ], stdout=null)
                    return wall, rss, None

                sk, tt = alternating_runs(runs, sk_predict, tt_predict)
                notes.append(
                    f"{task}: {sk[3]} sentences, {mb:.1f} MB of CSV; scikit-learn "
                    f"{mb / sk[0]:.2f} MB/s, tonetrack {mb / tt[0]:.2f} MB/s "
                    f"({sk[0] / tt[0]:.1f}x faster)")
            # No RSS for a criterion measurement (it runs inside the bench harness).
            rss = (f"{sk[2]:>10.0f} {tt[2]:>12.0f} {tt[2] / sk[2]:>6.2f}" if tt[2] > 0
                   else f"{sk[2]:>10.0f} {'-':>12} {'-':>6}")
            row = (
                f"{task:<14} {sk[0]:>10.3f} {tt[0]:>12.3f} {tt[0] / sk[0]:>6.2f}   {rss}   "
                f"{', '.join(f'{s:.2f}' for s in sk[1])} | {', '.join(f'{s:.2f}' for s in tt[1])}"
            )
            lines.append(row)
            print(row, flush=True)
    lines += ["", "ratio = tonetrack / scikit-learn (goals: fit time <= 0.25 on NewsMTSC and "
              "<= 0.3 on 1M, fit RSS <= 0.5 on 1M, scoring time <= 0.1)", *notes,
              f"load after: {os.getloadavg()[0]:.2f}"]
    text = "\n".join(lines)
    print("\n".join(lines[len(lines) - len(notes) - 3:]))
    with open(args.out, "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
