#!/usr/bin/env python3
"""`tonetrack.score` on a pandas DataFrame against `tonetrack score TABLE --format parquet` on
the same article table, in one run (the issue's "within 1.5x of the CLI's time").

CLI: the whole command, timed by GNU time (wall time and peak RSS): the Parquet table read by
record batches, every article read and scored on every core, typed Parquet written.
Python: the same work from a notebook's point of view, in a child process timed the same way:
`pd.read_parquet(TABLE)`, `tonetrack.score(df, id_col="id", date_col="date")`,
`scored.to_parquet(OUT)`; the three steps are also timed inside.

    python3 benches/make_article_table.py --rows 1000000 --out /tmp/articles-1m.parquet
    python3 benches/python_vs_cli.py --table /tmp/articles-1m.parquet [--python .venv/bin/python]

The result is printed and appended to benches/python_vs_cli.txt (--out to change).
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TONETRACK = os.path.join(REPO, "target", "release", "tonetrack")

PYTHON = r"""
import sys, time
import pandas as pd, tonetrack
t0 = time.perf_counter()
df = pd.read_parquet(sys.argv[1])
t1 = time.perf_counter()
scored = tonetrack.score(df, id_col="id", date_col="date")
t2 = time.perf_counter()
scored.to_parquet(sys.argv[2], index=False)
t3 = time.perf_counter()
print(f"rows {len(df)} quotations {len(scored)} read {t1 - t0:.1f} s score {t2 - t1:.1f} s write {t3 - t2:.1f} s")
"""


def timed(cmd):
    """Runs `cmd` under GNU time: (wall seconds, peak RSS MB, stdout)."""
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr).group(1)
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
    return seconds, rss, done.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table", required=True)
    ap.add_argument("--python", default=sys.executable, help="a Python with tonetrack installed")
    ap.add_argument("--out", default=os.path.join(REPO, "benches", "python_vs_cli.txt"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="python-vs-cli-")
    load = os.getloadavg()[0]
    cli_s, cli_mb, _ = timed([TONETRACK, "score", a.table, "--format", "parquet", "--out", os.path.join(tmp, "cli.parquet")])
    py_s, py_mb, inside = timed([a.python, "-c", PYTHON, a.table, os.path.join(tmp, "py.parquet")])
    lines = [
        f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC: python3 benches/python_vs_cli.py --table {a.table}",
        f"nproc {os.cpu_count()}, load before {load:.2f} (the machine is shared: wall times are noisy)",
        f"CLI    `tonetrack score TABLE --format parquet`: {cli_s:.1f} s wall, peak RSS {cli_mb:.0f} MB",
        f"Python read_parquet + tonetrack.score + to_parquet: {py_s:.1f} s wall, peak RSS {py_mb:.0f} MB ({inside})",
        f"ratio Python / CLI: {py_s / cli_s:.2f} (goal <= 1.5)",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    with open(a.out, "a", encoding="utf-8") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
