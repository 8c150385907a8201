#!/usr/bin/env python3
"""Split the labeled quotations into train and test by source page (no page in both), seeded.

Reads data/quotes.csv and data/quotes2.csv (same columns) and writes data/quotes_train.csv and
data/quotes_test.csv. A page goes to the test split when sha256(seed + source_url) falls in the
lowest `TEST_FRACTION` of the hash space: stable, seeded, and independent of row order, so a
page keeps its side when more files are added.
Run from the repository root:  python3 data/split.py
"""
import csv
import hashlib

SEED = "tonetrack-2026"
TEST_FRACTION = 0.25
SOURCES = ["data/quotes.csv", "data/quotes2.csv"]


def is_test(url: str) -> bool:
    h = hashlib.sha256((SEED + url).encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < TEST_FRACTION


fields = None
rows = []
for source in SOURCES:
    with open(source, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if fields is None:
            fields = reader.fieldnames
        elif reader.fieldnames != fields:
            raise SystemExit(f"{source}: columns {reader.fieldnames} differ from {fields}")
        rows.extend(reader)

ids = [r["id"] for r in rows]
if len(set(ids)) != len(ids):
    raise SystemExit("duplicate ids across the source files")

splits = {"train": [], "test": []}
for row in rows:
    splits["test" if is_test(row["source_url"]) else "train"].append(row)

for name, part in splits.items():
    with open(f"data/quotes_{name}.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(part)
    pages = len({r["source_url"] for r in part})
    relevant = sum(r["relevant"] == "yes" for r in part)
    labels = {}
    for r in part:
        labels[r["label"]] = labels.get(r["label"], 0) + 1
    print(f"{name}: {len(part)} rows ({relevant} relevant) from {pages} pages; "
          f"labels {dict(sorted(labels.items()))}")
