#!/usr/bin/env python3
"""Every labeled quotation scored by a model that never saw its page, for the trend figures.

The quotations of data/quotes.csv and data/quotes2.csv are split into 5 folds by page
(sha256 of source_url); each fold is scored (`tonetrack predict --format jsonl`) by the model of
the Makefile's MODEL_OPTIONS trained on the other four. Writes, for `tonetrack trends --scores`:
- docs/quotes_scored.jsonl: the model's labels, probabilities and tones, out of fold;
- docs/quotes_labeled.jsonl: the same quotations with their annotated tone (positive 1,
  neutral 0, negative −1) and label, for the chart of what the annotators saw.

Usage (from the repository root): python3 docs/out_of_fold.py BIN
"""
import csv
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDS = 5
TONE = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}


def model_options():
    text = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(l for l in text.splitlines() if l.startswith("MODEL_OPTIONS ="))
    return line.split("=", 1)[1].split()


def fold_of(url):
    return int.from_bytes(hashlib.sha256(url.encode("utf-8")).digest()[:8], "big") % FOLDS


def write_fold(tmp, k, rows, fields, fold):
    """Writes fold `k` of `rows` (`fold(source_url)` gives a row's fold) as tmp/train{k}.csv,
    every other fold, and tmp/test{k}.csv; returns both paths."""
    train, test = tmp / f"train{k}.csv", tmp / f"test{k}.csv"
    for path, part in [(train, [r for r in rows if fold(r["source_url"]) != k]),
                       (test, [r for r in rows if fold(r["source_url"]) == k])]:
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(part)
    return train, test


def main():
    binary = sys.argv[1]
    rows, fields = [], None
    for name in ["data/quotes.csv", "data/quotes2.csv"]:
        with open(REPO / name, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames
            rows.extend(reader)
    tmp = Path(tempfile.mkdtemp(prefix="out-of-fold-"))
    scored = {}
    for k in range(FOLDS):
        train, test = write_fold(tmp, k, rows, fields, fold_of)
        model = tmp / f"m{k}.json"
        subprocess.run([binary, "train", "--data", str(train), *model_options(), "--out", str(model)],
                       check=True, capture_output=True)
        out = subprocess.run([binary, "predict", "--model", str(model), "--data", str(test),
                              "--format", "jsonl"], check=True, capture_output=True, text=True)
        for line in out.stdout.splitlines():
            record = json.loads(line)
            scored[record["id"]] = line
    with open(REPO / "docs/quotes_scored.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(scored[r["id"]] + "\n")
    with open(REPO / "docs/quotes_labeled.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            record = {k: r[k] for k in ["id", "text", "speaker", "date", "source_url", "relevant"]}
            record.update(label=r["label"], tone=TONE[r["label"]])
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
