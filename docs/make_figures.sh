#!/usr/bin/env bash
# Rebuilds the figures in docs/ from the repository's data with the built-in model.
# Run from the repository root: bash docs/make_figures.sh
set -euo pipefail
tt() { cargo run --release --quiet -- "$@"; }

# Every labeled quotation, scored by the built-in model (predict passes id, speaker, date,
# relevant through), then the tone trend of the five most quoted speakers by year.
tt predict --model models/default.json --data data/quotes.csv --format jsonl > docs/quotes_scored.jsonl
top5=$(python3 - <<'PY'
import csv, collections
rows = [r for r in csv.DictReader(open("data/quotes.csv", encoding="utf-8")) if r["relevant"] == "yes"]
print(",".join(s for s, _ in collections.Counter(r["speaker"] for r in rows).most_common(5)))
PY
)
tt trends --scores docs/quotes_scored.jsonl --period year --speakers "$top5" \
  --chart docs/trends_top5.svg --html docs/trends_top5.html > docs/trends_top5.txt
tt trends --scores docs/quotes_scored.jsonl --period year --speakers "$top5" --chart docs/trends_top5.png > /dev/null
tt trends seeds/ --dates data/seeds_dates.csv --period year > docs/trends_seeds.txt
cat docs/trends_top5.txt
