#!/usr/bin/env python3
"""`tonetrack score TABLE --format parquet --out OUT` against scikit-learn's transform +
predict_proba on the same article texts, in one run (as benches/compare_sklearn.py does).

tonetrack: the whole command, timed by GNU time (`/usr/bin/time -v`: wall time and peak RSS):
reading the Parquet table by record batches, reading every article (quotations, speakers,
dates, relevance), scoring every quotation with the built-in model (9,659 features) and
writing the typed Parquet output, on every core.

scikit-learn: TfidfVectorizer(sublinear_tf, word 1-2 grams, min_df 2, max_features 9659 — a
model of the built-in model's size) + LogisticRegression(lbfgs, C=1), fitted (untimed) on the
built-in model's training data (data/quotes.csv, data/quotes2.csv); then transform +
predict_proba of each article's whole text, the table read with pyarrow in batches of 10,000
rows (reading not timed: only transform + predict_proba count), one BLAS thread.

    python3 benches/make_article_table.py --rows 1000000 --out /tmp/articles-1m.parquet
    python3 benches/compare_tables.py --table /tmp/articles-1m.parquet

The result is printed and appended to benches/compare_tables.txt (--out to change).
"""
import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TONETRACK = os.path.join(REPO, "target", "release", "tonetrack")

SKLEARN = r"""
import csv, sys, time
import pyarrow.parquet as pq
from threadpoolctl import threadpool_limits
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
rows = []
for path in sys.argv[2:]:
    rows += [r for r in csv.DictReader(open(path, encoding="utf-8")) if r["label"].strip()]
with threadpool_limits(1):
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, max_features=9659)
    x = vec.fit_transform([r["text"] for r in rows])
    lr = LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000).fit(x, [r["label"] for r in rows])
    seconds, n, size = 0.0, 0, 0
    for batch in pq.ParquetFile(sys.argv[1]).iter_batches(batch_size=10000, columns=["text"]):
        texts = batch.column(0).to_pylist()
        size += sum(len(t.encode("utf-8")) for t in texts)
        t0 = time.perf_counter()
        p = lr.predict_proba(vec.transform(texts))
        seconds += time.perf_counter() - t0
        n += p.shape[0]
print(seconds, n, size, len(vec.vocabulary_))
"""


def gnu_time(cmd):
    """Wall seconds, peak RSS in MB and stdout of a child, by /usr/bin/time -v."""
    with tempfile.NamedTemporaryFile("r") as report:
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *cmd], check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        text = report.read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return seconds, rss, proc.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", required=True)
    ap.add_argument("--out", default=os.path.join(REPO, "benches", "compare_tables.txt"))
    args = ap.parse_args()
    if not os.path.exists(TONETRACK):
        subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True)
    import sklearn
    lines = []
    say = lambda s="": (print(s), lines.append(s))
    say(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC: "
        f"python3 benches/compare_tables.py --table {args.table}")
    say(f"nproc {os.cpu_count()}, load {os.getloadavg()[0]:.2f} (the machine is shared: wall "
        f"times are noisy); python {platform.python_version()}, scikit-learn {sklearn.__version__}")
    size_mb = os.path.getsize(args.table) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "scored.parquet")
        tt_s, tt_rss, _ = gnu_time([TONETRACK, "score", args.table, "--format", "parquet",
                                    "--out", out])
        out_mb = os.path.getsize(out) / 1e6
        import pyarrow.parquet as pq
        meta = pq.ParquetFile(out).metadata
        quotes, groups = meta.num_rows, meta.num_row_groups
    data = [os.path.join(REPO, "data", f) for f in ("quotes.csv", "quotes2.csv")]
    sk_wall, sk_rss, sk_out = gnu_time([sys.executable, "-c", SKLEARN, args.table, *data])
    sk_s, rows, text_bytes, features = sk_out.split()
    sk_s, rows, text_bytes = float(sk_s), int(rows), int(text_bytes)
    say(f"table: {rows} articles, {text_bytes / 1e6:.1f} MB of text, {size_mb:.1f} MB of Parquet")
    say(f"tonetrack score --format parquet: {tt_s:.1f} s wall, peak RSS {tt_rss:.0f} MB; "
        f"{quotes} quotations scored, {out_mb:.1f} MB of Parquet in {groups} row groups; "
        f"{rows / tt_s:,.0f} articles/s, {text_bytes / 1e6 / tt_s:.1f} MB/s")
    say(f"scikit-learn transform + predict_proba ({features} features): {sk_s:.1f} s "
        f"(whole child {sk_wall:.1f} s, peak RSS {sk_rss:.0f} MB); "
        f"{text_bytes / 1e6 / sk_s:.1f} MB/s")
    say(f"ratio: tonetrack's whole command is {sk_s / tt_s:.1f}x faster than scikit-learn's "
        f"transform + predict_proba alone")
    say()
    with open(args.out, "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
