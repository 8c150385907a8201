#!/usr/bin/env python3
"""Which training options help tone on quotations from unseen pages? (issue #17, item 1)

Every option set is cross-validated by tonetrack itself (`tonetrack cv --format json`) on the
relevant rows of the *training split only* (data/quotes_train.csv), 5 folds grouped by
source_url, the same seeded folds for every set, so that each set can be compared with the
baseline fold by fold. With `--c auto` C is chosen inside each training fold (nested CV), by
macro-F1 unless the set says log-loss. Extra rows (NewsMTSC sentences with `--extra-data`,
irrelevant quotations with `--train-only-where relevant=no`) only ever train: every figure is
about relevant quotations of held-out pages.

For each set: mean ± sd over folds of macro-F1, accuracy, log-loss, expected calibration error
(10 bins) and mean |tone|; and the paired difference of macro-F1 against the plain defaults and
against the set it adds one option to (mean ± sd of the five per-fold differences, and
t = mean / (sd / sqrt(5))). An option is kept when its paired difference with its parent is
positive with t >= 2 (beats fold noise); a set within noise of a simpler one loses to it.

Usage: python3 benches/experiments/tone_options.py [--bin target/release/tonetrack]
           [--only NAME ...] [--out benches/experiments/results-tone-options.txt]
Needs ../shared/data/newsmtsc for the NewsMTSC sets (skipped without it). Standard library only.
"""
import argparse
import csv
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NEWSMTSC = REPO.parent / "shared/data/newsmtsc/train.csv"

# Speakers of the Russian side among the training split's speakers with 3+ relevant quotes
# (everyone else there speaks for the U.S.); for the speaker-side probe only.
RUSSIAN_SIDE = {
    "Vladimir Putin", "Dmitry Peskov", "Sergey Lavrov", "Sergey Ryabkov", "Anatoly Antonov",
    "Dmitry Medvedev", "Maria Zakharova", "Yury Ushakov", "Kirill Dmitriev", "Konstantin Kosachev",
    "Vyacheslav Volodin", "Leonid Slutsky", "Valentina Matviyenko", "Alexander Darchiev",
    "Dmitry Rogozin", "Sergey Kislyak", "Alexey Pushkov", "Pyotr Tolstoy", "Konstantin Dolgov",
    "Mikhail Gorbachev", "Sergei Shoigu", "Nikolai Patrushev", "Alexander Grushko",
    "Vassily Nebenzia", "Dmitry Polyanskiy", "Mikhail Ulyanov", "Grigory Karasin",
}

BASE = ["--group-col", "source_url", "--folds", "5"]
RELEVANT = ["--where", "relevant=yes"]
# Irrelevant quotations of the training pages train too, but are never scored; a page's
# irrelevant rows leave training when its relevant rows are the fold scored.
ALL_ROWS = ["--train-only-where", "relevant=no"]
LEX = ["--lexicon", "vader,diplomatic"]
LEX_ALL = LEX + ALL_ROWS


def NM(weight):
    return ["--extra-data", "{newsmtsc}", "--extra-weight", str(weight)]


# name -> (extra arguments, data variant, the set it adds one option to)
SETS = {
    "plain (defaults)": (RELEVANT, "train", None),
    "balanced weights": (RELEVANT + ["--class-weight", "balanced"], "train", "plain (defaults)"),
    "C by log-loss": (RELEVANT + ["--c-by", "log-loss"], "train", "plain (defaults)"),
    "negation scope": (RELEVANT + ["--negation"], "train", "plain (defaults)"),
    "char 3..5": (RELEVANT + ["--char-ngrams", "3..5"], "train", "plain (defaults)"),
    "char 2..5": (RELEVANT + ["--char-ngrams", "2..5"], "train", "plain (defaults)"),
    "word 1..3": (RELEVANT + ["--ngrams", "1..3"], "train", "plain (defaults)"),
    "min_df 1": (RELEVANT + ["--min-df", "1"], "train", "plain (defaults)"),
    "lexicon vader": (RELEVANT + ["--lexicon", "vader"], "train", "plain (defaults)"),
    "lexicon diplomatic": (RELEVANT + ["--lexicon", "diplomatic"], "train", "plain (defaults)"),
    "lexicons (vader+diplomatic)": (RELEVANT + LEX, "train", "plain (defaults)"),
    "speaker side marker": (RELEVANT, "side", "plain (defaults)"),
    "irrelevant rows train": (ALL_ROWS, "train", "plain (defaults)"),
    "NewsMTSC rows w=0.1": (RELEVANT + ["--extra-data", "{newsmtsc}", "--extra-weight", "0.1"], "train", "plain (defaults)"),
    "NewsMTSC rows w=0.3": (RELEVANT + ["--extra-data", "{newsmtsc}", "--extra-weight", "0.3"], "train", "plain (defaults)"),
    "NewsMTSC rows w=1": (RELEVANT + ["--extra-data", "{newsmtsc}", "--extra-weight", "1"], "train", "plain (defaults)"),
    "lexicons + balanced": (RELEVANT + LEX + ["--class-weight", "balanced"], "train", "lexicons (vader+diplomatic)"),
    "lexicons + C by log-loss": (RELEVANT + LEX + ["--c-by", "log-loss"], "train", "lexicons (vader+diplomatic)"),
    "lexicons + negation": (RELEVANT + LEX + ["--negation"], "train", "lexicons (vader+diplomatic)"),
    "lexicons + char 3..5": (RELEVANT + LEX + ["--char-ngrams", "3..5"], "train", "lexicons (vader+diplomatic)"),
    "lexicons + min_df 1": (RELEVANT + LEX + ["--min-df", "1"], "train", "lexicons (vader+diplomatic)"),
    "lexicons + side marker": (RELEVANT + LEX, "side", "lexicons (vader+diplomatic)"),
    "lexicons + NewsMTSC w=0.3": (RELEVANT + LEX + ["--extra-data", "{newsmtsc}", "--extra-weight", "0.3"], "train", "lexicons (vader+diplomatic)"),
    "lexicons + irrelevant rows": (LEX_ALL, "train", "lexicons (vader+diplomatic)"),
    "lex + irr + C by log-loss": (LEX_ALL + ["--c-by", "log-loss"], "train", "lexicons + irrelevant rows"),
    "lex + irr + char 3..5": (LEX_ALL + ["--char-ngrams", "3..5"], "train", "lexicons + irrelevant rows"),
    "lex + irr + min_df 1": (LEX_ALL + ["--min-df", "1"], "train", "lexicons + irrelevant rows"),
    "lex + irr + side marker": (LEX_ALL, "side", "lexicons + irrelevant rows"),
    "lex + irr + NewsMTSC w=0.1": (LEX_ALL + ["--extra-data", "{newsmtsc}", "--extra-weight", "0.1"], "train", "lexicons + irrelevant rows"),
    "lex + irr + balanced": (LEX_ALL + ["--class-weight", "balanced"], "train", "lexicons + irrelevant rows"),
    "lex + irr + NewsMTSC w=0.05": (LEX_ALL + NM(0.05), "train", "lexicons + irrelevant rows"),
    "lex + irr + NewsMTSC w=0.2": (LEX_ALL + NM(0.2), "train", "lexicons + irrelevant rows"),
    "lex + irr + nm 0.1 + side": (LEX_ALL + NM(0.1), "side", "lex + irr + NewsMTSC w=0.1"),
    "lex + irr + nm 0.1, temperature": (LEX_ALL + NM(0.1) + ["--calibration", "temperature"], "train", "lex + irr + NewsMTSC w=0.1"),
    "lex + irr + nm 0.1, biased temp.": (LEX_ALL + NM(0.1) + ["--calibration", "biased-temperature"], "train", "lex + irr + NewsMTSC w=0.1"),
    "lex + irr, temperature": (LEX_ALL + ["--calibration", "temperature"], "train", "lexicons + irrelevant rows"),
    "lex + irr, biased temp.": (LEX_ALL + ["--calibration", "biased-temperature"], "train", "lexicons + irrelevant rows"),
}
BASELINE = "plain (defaults)"


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def write(path, fields, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def mean_sd(values):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return mean, sd


def run_cv(binary, data, args, seeds):
    """The folds of every seed's 5-fold CV, pooled (paired by seed and fold across sets)."""
    folds = []
    for seed in seeds:
        cmd = [binary, "cv", "--data", str(data), *BASE, "--seed", str(seed), *args, "--format", "json"]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        folds.extend(json.loads(out)["folds"])
    return folds


def summary(folds, key):
    values = [f[key] for f in folds if key in f]
    if len(values) < len(folds):
        return None
    return mean_sd(values)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(REPO / "target/release/tonetrack"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--seeds", type=int, nargs="*", default=[42],
                    help="fold seeds; several repeat the CV, pooling the folds")
    ap.add_argument("--out", default=str(REPO / "benches/experiments/results-tone-options.txt"))
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tone-options-"))
    fields, train = read(REPO / "data/quotes_train.csv")
    files = {"train": REPO / "data/quotes_train.csv"}
    side_rows = []
    for row in train:
        side = "sideru" if row["speaker"] in RUSSIAN_SIDE else "sideus"
        side_rows.append({**row, "text": f"{row['text']} {side}"})
    files["side"] = tmp / "train_side.csv"
    write(files["side"], fields, side_rows)
    irrelevant = tmp / "irrelevant.csv"
    write(irrelevant, fields, [r for r in train if r["relevant"] != "yes"])
    placeholders = {"{irrelevant}": str(irrelevant), "{newsmtsc}": str(NEWSMTSC)}

    names = args.only or list(SETS)
    # Every set is compared with its parent: run the parents too.
    wanted = []
    for name in names:
        chain = []
        while name is not None and name not in wanted and name not in chain:
            chain.append(name)
            name = SETS[name][2]
        wanted.extend(reversed(chain))
    names = [n for n in SETS if n in wanted]
    results = {}
    for name in names:
        extra, variant, _ = SETS[name]
        if any("{newsmtsc}" in a for a in extra) and not NEWSMTSC.exists():
            print(f"skipping {name}: {NEWSMTSC} is absent", file=sys.stderr)
            continue
        cli = [placeholders.get(a, a) for a in extra]
        results[name] = run_cv(args.bin, files[variant], cli + ["--c", "auto"], args.seeds)
        print(f"done: {name}", file=sys.stderr, flush=True)

    def paired(name, other):
        a = [f["macro_f1"] for f in results[name]]
        b = [f["macro_f1"] for f in results[other]]
        mean, sd = mean_sd([x - y for x, y in zip(a, b)])
        t = mean / (sd / math.sqrt(len(a))) if sd > 0 else float("nan")
        return f"{mean:+.3f} ± {sd:.3f} ({t:+.1f})"

    lines = [
        f"Tone options: tonetrack cv, 5 folds grouped by source_url (seeds {', '.join(map(str, args.seeds))}: "
        f"{5 * len(args.seeds)} folds, the same for every set),",
        "scored on the relevant quotations of data/quotes_train.csv only; C chosen inside each training fold",
        "(nested CV). Mean ± sd over folds. Paired differences of macro-F1, per fold: mean ± sd (t = mean /",
        "(sd/√folds)), against the plain defaults and against the set this one adds an option to (its parent).",
        "",
        f"{'option set':30s} {'macro-F1':>13s} {'accuracy':>13s} {'log-loss':>13s} {'ECE':>13s} "
        f"{'|tone|':>13s} {'vs plain':>22s} {'vs parent':>22s}",
    ]
    for name, folds in results.items():
        def ms(key):
            m = summary(folds, key)
            return f"{m[0]:.3f} ± {m[1]:.3f}" if m else "—"

        parent = SETS[name][2]
        vs_plain = "—" if name == BASELINE else paired(name, BASELINE)
        vs_parent = "—" if parent in (None, BASELINE) or parent not in results else paired(name, parent)
        lines.append(
            f"{name:30s} {ms('macro_f1'):>13s} {ms('accuracy'):>13s} {ms('log_loss'):>13s} "
            f"{ms('ece'):>13s} {ms('mean_abs_tone'):>13s} {vs_plain:>22s} {vs_parent:>22s}"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.only:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
