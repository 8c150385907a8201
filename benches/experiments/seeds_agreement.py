#!/usr/bin/env python3
"""Tone agreement of models with data/seeds_gold.csv on the seed articles (as tests/score_seeds.rs).

Usage: python3 benches/experiments/seeds_agreement.py MODEL.json... [--bin target/release/tonetrack]
"""
import argparse, csv, json, subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ws = lambda s: " ".join(s.split())

ap = argparse.ArgumentParser()
ap.add_argument("models", nargs="+")
ap.add_argument("--bin", default=str(REPO / "target/release/tonetrack"))
args = ap.parse_args()
gold = list(csv.DictReader(open(REPO / "data/seeds_gold.csv", newline="", encoding="utf-8")))
for m in args.models:
    out = subprocess.run([args.bin, "score", str(REPO / "seeds"), "--model", m, "--all",
                          "--format", "jsonl"],
                         check=True, capture_output=True, text=True).stdout
    scored = [json.loads(l) for l in out.splitlines() if l.strip()]
    res = {"all": [0, 0], "relevant": [0, 0], "4+ words": [0, 0]}
    for g in gold:
        hit = next((q for q in scored if g["article_id"] in q["article"]
                    and (ws(q["quote"]) == ws(g["text"]) or ws(g["text"]) in ws(q["quote"]))), None)
        ok = hit is not None and hit["label"] == g["label"]
        for k, keep in [("all", True), ("relevant", g["relevant"] == "yes"),
                        ("4+ words", len(g["text"].split()) >= 4)]:
            if keep:
                res[k][0] += ok
                res[k][1] += 1
    print(m, "  ".join(f"{k} {a}/{n} ({a / n:.3f})" for k, (a, n) in res.items()))
