#!/usr/bin/env python3
"""Validate diplomatic.csv (the tonetrack domain lexicon).

Usage: python3 check.py [path/to/diplomatic.csv]      (default: diplomatic.csv beside this file)

Checks, each reported with the line number; exit status 1 if any check fails:
  - UTF-8, header exactly `phrase,polarity,category,note`, four fields on every row;
  - phrase: lowercase, 1-4 words separated by single spaces, no leading/trailing space,
    apostrophes as `'`, and already in tonetrack's token form (tokenizing the phrase the way
    tonetrack's WordTokenizer does gives back the same words: no hyphens, no "can't"/"cannot",
    which the tokenizer turns into "can not", no other punctuation);
  - polarity is `positive` or `negative`; category is one of CATEGORIES and belongs to that
    polarity;
  - no two rows have the same stemmed phrase (Snowball English, negation words left unstemmed
    as tonetrack does), so in particular no phrase is both positive and negative.
It also prints, as information (not failures): counts per polarity and category, the phrases
that contain a negation word, and the phrases that contain a shorter listed phrase (with a
different polarity they need longest-match-first to be counted as intended).

Stemming: needs the `snowballstemmer` package. tonetrack uses the Rust crate rust-stemmers
1.2.0, whose English stemmer gives the same stems as snowballstemmer 2.2.0 (checked on every
word of the training texts and of this lexicon); snowballstemmer 3.x differs on a few words
(e.g. "interfered": "interf" in rust-stemmers, "interfer" in 3.x). Use
`pip install "snowballstemmer==2.2.0"` for stems identical to tonetrack's; with 3.x the check
still runs and says so.
"""

import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HEADER = ["phrase", "polarity", "category", "note"]

CATEGORIES = {
    # positive
    "readiness": "positive",
    "dialogue": "positive",
    "cooperation": "positive",
    "respect": "positive",
    "agreement": "positive",
    "hope": "positive",
    "rapport": "positive",
    # negative
    "accusation": "negative",
    "dismissal": "negative",
    "threat": "negative",
    "hysteria": "negative",
    "dead_end": "negative",
    "hostility": "negative",
    "sanctions": "negative",
    "refusal": "negative",
    "distrust": "negative",
}

# tonetrack src/text/filters.rs NEGATIONS: never stemmed, never stop words, open a scope.
NEGATIONS = {"n't", "neither", "never", "no", "nobody", "none", "nor", "not", "nothing", "nowhere"}

APOSTROPHES = "'\u2019\u02bc\u2018"


def _is_word_char(c):
    return c.isalnum() or (
        "\u0300" <= c <= "\u036f"
        or "\u1ab0" <= c <= "\u1aff"
        or "\u1dc0" <= c <= "\u1dff"
        or "\u20d0" <= c <= "\u20ff"
        or "\ufe20" <= c <= "\ufe2f"
    )


_ABBREV = re.compile(r"(?:[^\W\d_]\.){2,}|(?:[^\W\d_]\.)+[^\W\d_](?![\w])")


def tokenize(text):
    """Lowercased words as tonetrack's WordTokenizer + LowerCaser give them (a close emulation
    of src/text/tokenize.rs): dotted abbreviations ("u.s."), words joined by inner apostrophes
    (normalized to ') and by . or , between digits, "n't"/"cannot" split off as "not"."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if not _is_word_char(c):
            i += 1
            continue
        m = _ABBREV.match(text, i)
        if m and (m.end() >= n or not _is_word_char(text[m.end()]) or text[m.end() - 1] == "."):
            out.append(m.group(0).lower())
            i = m.end()
            continue
        j = i
        while j < n:
            ch = text[j]
            if _is_word_char(ch):
                j += 1
                continue
            if j + 1 < n and j > i:
                prev, nxt = text[j - 1], text[j + 1]
                if ch in APOSTROPHES and _is_word_char(prev) and _is_word_char(nxt):
                    j += 1
                    continue
                if ch in ".," and prev.isnumeric() and nxt.isnumeric():
                    j += 1
                    continue
            break
        word = text[i:j]
        for a in APOSTROPHES[1:]:
            word = word.replace(a, "'")
        low = word.lower()
        if low == "cannot":
            out += ["can", "not"]
        elif len(low) >= 3 and low.endswith("n't"):
            base = low[:-3]
            base = {"ca": "can", "wo": "will", "sha": "shall"}.get(base, base)
            if base:
                out.append(base)
            out.append("not")
        else:
            out.append(low)
        i = j
    return out


_STEMMER = None


def stemmer():
    global _STEMMER
    if _STEMMER is None:
        import snowballstemmer

        _STEMMER = snowballstemmer.stemmer("english")
    return _STEMMER


def stem_words(words):
    """Snowball English stems; negation words unchanged (as tonetrack's Stemmer does)."""
    s = stemmer()
    return tuple(w if w in NEGATIONS else s.stemWord(w) for w in words)


def snowball_version():
    try:
        from importlib.metadata import version

        return version("snowballstemmer")
    except Exception:
        return "unknown"


def load(path):
    """Rows of the lexicon as dicts with their line numbers; raises on a bad header."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = []
        for row in reader:
            rows.append((reader.line_num, row))
    return header, rows


def check(path):
    errors = []
    try:
        header, rows = load(path)
    except UnicodeDecodeError as e:
        return [f"{path}: not UTF-8: {e}"], []
    if header != HEADER:
        errors.append(f"line 1: header is {header!r}, expected {HEADER!r}")
    good = []
    for line, row in rows:
        if len(row) != 4:
            errors.append(f"line {line}: {len(row)} fields, expected 4: {row!r}")
            continue
        phrase, polarity, category, note = row
        where = f"line {line} ({phrase!r})"
        if phrase != phrase.lower():
            errors.append(f"{where}: phrase is not lowercase")
        if phrase != phrase.strip() or "  " in phrase or not phrase:
            errors.append(f"{where}: words must be separated by single spaces, no edge spaces")
        words = phrase.split(" ")
        if not 1 <= len(words) <= 4:
            errors.append(f"{where}: {len(words)} words, expected 1-4")
        if any(a in phrase for a in APOSTROPHES[1:]):
            errors.append(f"{where}: apostrophes must be written as '")
        if tokenize(phrase) != words:
            errors.append(
                f"{where}: not in token form: tonetrack tokenizes it as {' '.join(tokenize(phrase))!r}"
            )
        if polarity not in ("positive", "negative"):
            errors.append(f"{where}: polarity {polarity!r} is not positive/negative")
        if category not in CATEGORIES:
            errors.append(f"{where}: unknown category {category!r}")
        elif CATEGORIES[category] != polarity:
            errors.append(f"{where}: category {category} is {CATEGORIES[category]}, row says {polarity}")
        if note != note.strip():
            errors.append(f"{where}: note has edge spaces")
        good.append((line, phrase, polarity, category, words))

    by_stem = defaultdict(list)
    for line, phrase, polarity, category, words in good:
        by_stem[stem_words(words)].append((line, phrase, polarity))
    for stems, hits in by_stem.items():
        if len(hits) > 1:
            pols = {p for _, _, p in hits}
            kind = "both positive and negative" if len(pols) > 1 else "duplicate"
            listed = "; ".join(f"line {l} {ph!r} ({p})" for l, ph, p in hits)
            errors.append(f"stemmed phrase {' '.join(stems)!r} is {kind}: {listed}")
    return errors, good


def report(good):
    pol = Counter(p for _, _, p, _, _ in good)
    cat = Counter((p, c) for _, _, p, c, _ in good)
    print(f"{len(good)} entries: {pol['positive']} positive, {pol['negative']} negative")
    for (p, c), n in sorted(cat.items(), key=lambda kv: (kv[0][0] != "positive", kv[0][1])):
        print(f"  {p:8} {c:12} {n:4}")
    neg = [ph for _, ph, _, _, w in good if any(x in NEGATIONS for x in w)]
    print(f"{len(neg)} phrases contain a negation word (count them as listed, do not flip them):")
    print("  " + ", ".join(neg))
    stems = {stem_words(w): (ph, p) for _, ph, p, _, w in good}
    nested = []
    for _, ph, p, _, w in good:
        s = stem_words(w)
        for k in range(1, len(s)):
            for i in range(len(s) - k + 1):
                sub = s[i : i + k]
                if sub in stems:
                    nested.append((ph, p, stems[sub][0], stems[sub][1]))
    mixed = [x for x in nested if x[1] != x[3]]
    print(f"{len(nested)} (phrase, shorter listed phrase inside it) pairs, {len(mixed)} with opposite polarity:")
    for ph, p, sub, sp in mixed:
        print(f"  {ph!r} ({p}) contains {sub!r} ({sp})")


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("diplomatic.csv")
    v = snowball_version()
    print(f"checking {path} with snowballstemmer {v}")
    if not v.startswith("2."):
        print("  note: snowballstemmer 2.2.0 reproduces tonetrack's rust-stemmers 1.2.0; this version may differ on a few words")
    errors, good = check(path)
    report(good)
    if errors:
        print(f"FAILED: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
