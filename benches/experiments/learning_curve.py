#!/usr/bin/env python3
"""What more labels buy: macro-F1 on the test split against the size of the training set.

For 25 %, 50 %, 75 % and 100 % of the training split's pages (3 seeds: the pages shuffled with
each seed, the first share taken, so every quotation of a page comes along), the model of the
Makefile's MODEL_OPTIONS is trained with `tonetrack train` (C by its own CV) and scored on the
relevant quotations of the test split. A line a + b·ln(n) is fitted by least squares to
macro-F1 against n, the relevant training quotations, so that b·ln 2 is what a doubling buys.

Usage: python3 benches/experiments/learning_curve.py [--bin target/release/tonetrack]
Standard library only. Output: benches/experiments/results-learning-curve.txt.
"""
import argparse
import csv
import json
import math
import random
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARES = [0.25, 0.5, 0.75, 1.0]
SEEDS = [1, 2, 3]


def model_options():
    text = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(l for l in text.splitlines() if l.startswith("MODEL_OPTIONS ="))
    return line.split("=", 1)[1].split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(REPO / "target/release/tonetrack"))
    args = ap.parse_args()
    with open(REPO / "data/quotes_train.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    pages = sorted({r["source_url"] for r in rows})
    tmp = Path(tempfile.mkdtemp(prefix="learning-curve-"))
    points = []  # (share, seed, n relevant, macro-F1)
    for share in SHARES:
        for seed in SEEDS:
            order = pages[:]
            random.Random(seed).shuffle(order)
            keep = set(order[: round(share * len(order))])
            subset = [r for r in rows if r["source_url"] in keep]
            data = tmp / f"train_{share}_{seed}.csv"
            with open(data, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
                writer.writeheader()
                writer.writerows(subset)
            model = tmp / "m.json"
            subprocess.run([args.bin, "train", "--data", str(data), *model_options(),
                            "--out", str(model)], check=True, capture_output=True)
            out = subprocess.run([args.bin, "eval", "--model", str(model), "--data",
                                  str(REPO / "data/quotes_test.csv"), "--where", "relevant=yes",
                                  "--format", "json"], check=True, capture_output=True, text=True)
            f1 = json.loads(out.stdout)["macro_f1"]
            n = sum(r["relevant"] == "yes" for r in subset)
            points.append((share, seed, n, f1))
            print(f"{share:.0%} seed {seed}: {n} relevant quotations, macro-F1 {f1:.3f}", flush=True)

    xs = [math.log(p[2]) for p in points]
    ys = [p[3] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    a = my - b * mx
    lines = [
        "Learning curve: the Makefile's MODEL_OPTIONS trained on a share of the training split's pages",
        "(3 seeds), scored on the 1,337 relevant quotations of the test split.",
        "",
        f"{'pages':>6} {'relevant quotations':>20} {'macro-F1 (mean ± sd over seeds)':>32}",
    ]
    for share in SHARES:
        ps = [p for p in points if p[0] == share]
        n = sum(p[2] for p in ps) / len(ps)
        f = [p[3] for p in ps]
        m = sum(f) / len(f)
        sd = math.sqrt(sum((v - m) ** 2 for v in f) / (len(f) - 1))
        lines.append(f"{share:>6.0%} {n:>20.0f} {m:>22.3f} ± {sd:.3f}")
    lines += [
        "",
        f"fit: macro-F1 = {a:.3f} + {b:.4f} · ln(n)   (a doubling of the labels: {b * math.log(2):+.3f};",
        f"at n = 2 × {max(p[2] for p in points)}: {a + b * math.log(2 * max(p[2] for p in points)):.3f},"
        f" 0.70 reached at n ≈ {math.exp((0.70 - a) / b):,.0f} if the line held)",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (REPO / "benches/experiments/results-learning-curve.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
