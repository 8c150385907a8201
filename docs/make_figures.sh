#!/usr/bin/env bash
# Rebuilds the figures in docs/ from the repository's data. Run from the repository root:
#   bash docs/make_figures.sh
set -euo pipefail
cargo build --release --quiet
bin=target/release/tonetrack

# Every labeled quotation scored by a model that never saw its page (5 folds by page), and
# the same quotations with their annotated tone.
python3 docs/out_of_fold.py "$bin"

# The five most quoted speakers, by relevant quotations.
top5=$(python3 - <<'PY'
import csv, collections
rows = [r for f in ["data/quotes.csv", "data/quotes2.csv"]
        for r in csv.DictReader(open(f, encoding="utf-8")) if r["relevant"] == "yes"]
print(",".join(s for s, _ in collections.Counter(r["speaker"] for r in rows).most_common(5)))
PY
)
# The model's trends (period tone estimated by PACC with the built-in model's rates) …
"$bin" trends --scores docs/quotes_scored.jsonl --period year --speakers "$top5" --estimate pacc \
  --chart docs/trends_top5.svg --html docs/trends_top5.html > docs/trends_top5.txt
"$bin" trends --scores docs/quotes_scored.jsonl --period year --speakers "$top5" --estimate pacc \
  --chart docs/trends_top5.png > /dev/null
# … and the annotators' (mean of +1 / 0 / −1), on the same y axis for comparison.
"$bin" trends --scores docs/quotes_labeled.jsonl --period year --speakers "$top5" --estimate mean \
  --y-scale fixed --chart docs/trends_top5_labeled.png > docs/trends_top5_labeled.txt
"$bin" trends --scores docs/quotes_scored.jsonl --period year --speakers "$top5" --estimate pacc \
  --y-scale fixed --chart docs/trends_top5_fixed.png > /dev/null
"$bin" trends seeds/ --dates data/seeds_dates.csv --period year > docs/trends_seeds.txt
cat docs/trends_top5.txt docs/trends_top5_labeled.txt
