#!/usr/bin/env python3
"""Coverage of diplomatic.csv on the training quotations.

Usage: python3 coverage.py [quotes_train.csv] [diplomatic.csv]
       (defaults: /work/main/data/quotes_train.csv, diplomatic.csv beside this file)

Reads ONLY the `text` and `relevant` columns of the training file (never `label`), keeps the
rows with relevant = yes, and matches the lexicon the way the README describes: lowercased
tonetrack tokens (stop words kept), Snowball English stems on both sides (negation words left
unstemmed), contiguous phrase match, leftmost-longest and non-overlapping. Negation scope is
not applied: this measures where the lexicon fires, not what the model makes of it.

Prints the share of quotations with at least one positive hit, at least one negative hit,
both, and none; and, per category, how many quotations it fires in.
"""

import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import check  # noqa: E402  (tokenize, stem_words)


def load_lexicon(path):
    lex = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            lex[check.stem_words(row["phrase"].split(" "))] = (row["polarity"], row["category"], row["phrase"])
    return lex


def matches(stems, lex, max_len=4):
    """Leftmost-longest, non-overlapping matches: (start, end, polarity, category, phrase)."""
    out, i, n = [], 0, len(stems)
    while i < n:
        for k in range(min(max_len, n - i), 0, -1):
            hit = lex.get(tuple(stems[i : i + k]))
            if hit:
                out.append((i, i + k) + hit)
                i += k
                break
        else:
            i += 1
    return out


def relevant_texts(path):
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["relevant"].strip().lower() == "yes":
                yield row["text"]


def main():
    train = sys.argv[1] if len(sys.argv) > 1 else "/work/main/data/quotes_train.csv"
    lexpath = sys.argv[2] if len(sys.argv) > 2 else str(Path(__file__).with_name("diplomatic.csv"))
    lex = load_lexicon(lexpath)
    n = pos = neg = both = none = 0
    cat_docs, phrase_docs = Counter(), Counter()
    for text in relevant_texts(train):
        stems = check.stem_words(check.tokenize(text))
        hits = matches(stems, lex)
        pols = {h[2] for h in hits}
        n += 1
        pos += "positive" in pols
        neg += "negative" in pols
        both += pols == {"positive", "negative"}
        none += not pols
        cat_docs.update({(h[2], h[3]) for h in hits})
        phrase_docs.update({h[4] for h in hits})
    pct = lambda k: f"{k:5d}  {100 * k / n:5.1f}%"  # noqa: E731
    print(f"snowballstemmer {check.snowball_version()}; {len(lex)} lexicon entries; {n} relevant training quotations")
    print(f"  >=1 positive hit   {pct(pos)}")
    print(f"  >=1 negative hit   {pct(neg)}")
    print(f"  both               {pct(both)}")
    print(f"  only positive      {pct(pos - both)}")
    print(f"  only negative      {pct(neg - both)}")
    print(f"  no hit             {pct(none)}")
    print("quotations with a hit, per category:")
    for (p, c), k in sorted(cat_docs.items(), key=lambda kv: -kv[1]):
        print(f"  {p:8} {c:12} {pct(k)}")
    fired = len(phrase_docs)
    print(f"entries that fire at least once: {fired} of {len(lex)}")


if __name__ == "__main__":
    main()
