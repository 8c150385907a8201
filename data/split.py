#!/usr/bin/env python3
"""Split data/quotes.csv into train and test by source page (no page in both), seeded.

A page goes to the test split when sha256(seed + source_url) falls in the lowest
`TEST_FRACTION` of the hash space: stable, seeded, and independent of row order.
Run from the repository root:  python3 data/split.py
"""
import csv
import hashlib

SEED = "tonetrack-2026"
TEST_FRACTION = 0.25


def is_test(url: str) -> bool:
    h = hashlib.sha256((SEED + url).encode("utf-8")).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < TEST_FRACTION


with open("data/quotes.csv", newline="", encoding="utf-8") as f:
    reader = csv.DictReader(f)
    fields = reader.fieldnames
    rows = list(reader)

splits = {"train": [], "test": []}
for row in rows:
    splits["test" if is_test(row["source_url"]) else "train"].append(row)

for name, part in splits.items():
    with open(f"data/quotes_{name}.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(part)
    pages = len({r["source_url"] for r in part})
    labels = {}
    for r in part:
        labels[r["label"]] = labels.get(r["label"], 0) + 1
    print(f"{name}: {len(part)} rows from {pages} pages; labels {dict(sorted(labels.items()))}")
