#!/usr/bin/env python3
"""A large table of articles for `tonetrack score TABLE`, made from the repository's own seed
articles (seeds/*.txt) only: each row's text is a title and 3-9 paragraphs sampled from the
seeds' paragraphs (seeded), so that its quotations, cues and speakers are real ones in new
combinations. Columns: id, date (Date32, 2015-2024), outlet, text.

    python3 benches/make_article_table.py --rows 1000000 --out /tmp/articles-1m.parquet

Written with pyarrow in row groups of 50,000 rows (pip install pyarrow).
"""
import argparse
import datetime
import os
import random
import re

import pyarrow as pa
import pyarrow.parquet as pq

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def seed_paragraphs():
    seeds = os.path.join(REPO, "seeds")
    titles, paragraphs = [], []
    for name in sorted(os.listdir(seeds)):
        text = open(os.path.join(seeds, name), encoding="utf-8").read()
        parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        # Header lines (`url: …`, `date: …`) stay out; the first prose paragraph is a title.
        parts = [p for p in parts if not re.match(r"^[a-z]+:\s", p)]
        titles.append(parts[0])
        paragraphs.extend(parts[1:])
    return titles, paragraphs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    titles, paragraphs = seed_paragraphs()
    rng = random.Random(args.seed)
    start = datetime.date(2015, 1, 1)
    schema = pa.schema([("id", pa.string()), ("date", pa.date32()), ("outlet", pa.string()),
                        ("text", pa.string())])
    group = 50_000
    with pq.ParquetWriter(args.out, schema, compression="snappy") as writer:
        for first in range(0, args.rows, group):
            n = min(group, args.rows - first)
            ids, dates, outlets, texts = [], [], [], []
            for i in range(first, first + n):
                ids.append(f"a{i:07d}")
                dates.append(start + datetime.timedelta(days=rng.randrange(3650)))
                outlets.append(f"outlet {rng.randrange(40)}")
                body = rng.sample(paragraphs, rng.randint(3, 9))
                texts.append("\n\n".join([rng.choice(titles)] + body) + "\n")
            writer.write_table(pa.table([ids, dates, outlets, texts], schema=schema))
    size = os.path.getsize(args.out)
    print(f"{args.rows} rows, {size / 1e6:.1f} MB ({args.out})")


if __name__ == "__main__":
    main()
