"""The grouped cross-validation that the tone screens share (ensemble_minilm.py,
ordinal_hierarchical.py, feature_ensembles.py): tonetrack's folds dealt in Python, tonetrack
trained and asked for probabilities per fold, and the figures reported per fold.

Folds: 5 grouped by `source_url` page, dealt as tonetrack's `stratified_group_folds` deals them
(pages shuffled, ordered by the label of their first relevant row, dealt round-robin) but with
numpy's shuffle. Only relevant rows are in folds and scored; the irrelevant rows train, except
those of the pages held out (as `tonetrack cv --train-only-where relevant=no`).
"""
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from tone_options import read, write  # the same CSV helpers (this folder is on sys.path)

REPO = Path(__file__).resolve().parents[2]
TRAIN = REPO / "data/quotes_train.csv"
CLASSES = ["negative", "neutral", "positive"]
FOLDS = 5
EPS = 1e-15  # log-loss clip


def model_options():
    """The Makefile's MODEL_OPTIONS (the split model's options; C stays `auto`)."""
    text = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(l for l in text.splitlines() if l.startswith("MODEL_OPTIONS ="))
    return line.split("=", 1)[1].split()


def group_folds(rows, idx, seed, k=FOLDS):
    """Stratified group folds of the relevant rows `idx` (indices into rows), as tonetrack deals
    them: pages shuffled (numpy, seeded), stably ordered by their first row's label, dealt
    round-robin. Returns k sorted lists of row indices."""
    groups = {}
    for i in idx:
        groups.setdefault(rows[i]["source_url"], []).append(i)
    order = list(groups.values())
    perm = np.random.default_rng(seed).permutation(len(order))
    order = [order[p] for p in perm]
    order.sort(key=lambda g: rows[g[0]]["label"])
    folds = [[] for _ in range(k)]
    for j, g in enumerate(order):
        folds[j % k].extend(g)
    return [sorted(f) for f in folds]


def split(rows, folds, k, pool_relevant, pool_irrelevant):
    """Training rows of fold k: relevant rows of the other folds, and the irrelevant rows of the
    pool whose page fold k does not hold; test rows: fold k."""
    held = {rows[i]["source_url"] for i in folds[k]}
    test = set(folds[k])
    train = [i for i in pool_relevant if i not in test]
    train += [i for i in pool_irrelevant if rows[i]["source_url"] not in held]
    return sorted(train), folds[k]


def add_common_args(ap, results, cache_help="directory for cached tonetrack predictions"):
    """A screen's common flags: --bin, --cache, --seeds, --out (default: `results` in this
    folder)."""
    ap.add_argument("--bin", default=str(REPO / "target/release/tonetrack"))
    ap.add_argument("--cache", help=cache_help)
    ap.add_argument("--seeds", type=int, nargs="*", default=[42, 43, 44])
    ap.add_argument("--out", default=str(REPO / "benches/experiments" / results))


def cache_dir(args, prefix):
    """Where a screen keeps its per-fold predictions: --cache, else a new temporary directory
    named with `prefix`."""
    tmp = Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix=prefix))
    tmp.mkdir(parents=True, exist_ok=True)
    return tmp


def read_training_split():
    """data/quotes_train.csv: (fields, rows, class index per row, relevant rows, irrelevant
    rows)."""
    fields, rows = read(TRAIN)
    y = np.array([CLASSES.index(r["label"]) for r in rows])
    relevant = [i for i, r in enumerate(rows) if r["relevant"] == "yes"]
    irrelevant = [i for i, r in enumerate(rows) if r["relevant"] != "yes"]
    return fields, rows, y, relevant, irrelevant


def train_predict(binary, tmp, name, fields, train_rows, test_rows, extra=()):
    """`tonetrack train` with MODEL_OPTIONS and `extra` on `train_rows`, then `tonetrack predict`
    on `test_rows` (files named after `name` in `tmp`, removed after). Returns
    {"probs": {id: {class: probability}}, "C": chosen C, "status": fit status,
    "seconds": wall time}."""
    t0 = time.time()
    train_csv, test_csv, model = (tmp / f"train-{name}.csv", tmp / f"test-{name}.csv",
                                  tmp / f"m-{name}.json")
    write(train_csv, fields, train_rows)
    write(test_csv, fields, test_rows)
    log = subprocess.run([binary, "train", "--data", str(train_csv), *model_options(), *extra,
                          "--out", str(model)], check=True, capture_output=True, text=True)
    fit = re.search(r"C = ([0-9.e+-]+), \d+ L-BFGS iterations, (\w+)", log.stdout + log.stderr)
    out = subprocess.run([binary, "predict", "--model", str(model), "--data", str(test_csv),
                          "--format", "jsonl", "--top", "0"], check=True, capture_output=True,
                         text=True).stdout
    probs = {}
    for line in out.splitlines():
        rec = json.loads(line)
        probs[rec["id"]] = rec["probabilities"]
    for p in (train_csv, test_csv, model):
        p.unlink()
    return {"probs": probs, "C": fit.group(1), "status": fit.group(2),
            "seconds": round(time.time() - t0, 1)}


def metrics(y, p):
    """(macro-F1, accuracy, log-loss, per-class F1) of probabilities `p` (rows × 3) against class
    indices `y`."""
    pred = p.argmax(1)
    f1 = f1_score(y, pred, labels=[0, 1, 2], average="macro", zero_division=0)
    per = f1_score(y, pred, labels=[0, 1, 2], average=None, zero_division=0)
    acc = float((pred == y).mean())
    ll = float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], EPS, 1))))
    return f1, acc, ll, per


def mean_sd(values):
    v = np.asarray(values, dtype=float)
    return v.mean(), (v.std(ddof=1) if len(v) > 1 else 0.0)


def report_lines(res, names, label, width):
    """The two tables of a screen's report: per model (names[0] first, the baseline), macro-F1,
    accuracy and log-loss as mean ± sd over folds with per-class F1; then each other model's
    paired difference with the baseline per fold (mean ± sd, t = mean / (sd/√folds), folds
    better / worse; log-loss: lower is better). `res[name]` holds per-fold lists "f1", "acc",
    "ll" and "per". Returns (lines, [(name, mean macro-F1 difference, t)])."""
    n = len(res[names[0]]["f1"])
    lines = [f"{label:{width}s} {'macro-F1':>14s} {'accuracy':>14s} {'log-loss':>14s}   F1 neg / neu / pos"]
    for m in names:
        cells = []
        for key in ("f1", "acc", "ll"):
            mu, sd = mean_sd(res[m][key])
            cells.append(f"{mu:.3f} ± {sd:.3f}")
        per = np.mean(res[m]["per"], axis=0)
        lines.append(f"{m:{width}s} " + " ".join(f"{c:>14s}" for c in cells)
                     + f"   {per[0]:.3f} / {per[1]:.3f} / {per[2]:.3f}")
    lines += ["", "Paired difference with (M), per fold:",
              f"{label:{width}s} {'metric':9s} {'mean ± sd':>17s} {'t':>6s} {'better/worse':>13s}"]
    base = {key: np.array(res[names[0]][key]) for key in ("f1", "acc", "ll")}
    f1_gains = []
    for m in names[1:]:
        for key, name, sign in (("f1", "macro-F1", 1), ("acc", "accuracy", 1), ("ll", "log-loss", -1)):
            d = np.array(res[m][key]) - base[key]
            dm, ds = mean_sd(d)
            t = dm / (ds / np.sqrt(n)) if ds > 0 else float("nan")
            better, worse = int((sign * d > 0).sum()), int((sign * d < 0).sum())
            lines.append(f"{m:{width}s} {name:9s} {dm:+.4f} ± {ds:.4f} {t:+6.1f} {better:>6d}/{worse:<6d}")
            if key == "f1":
                f1_gains.append((m, dm, t))
    return lines, f1_gains


def meets_bar(f1_gains):
    """The screens' bar, fixed in advance, for a --test run: t >= 3 and a mean macro-F1 gain of
    at least 0.01 over the baseline."""
    return [(m, dm, t) for m, dm, t in f1_gains if t >= 3 and dm >= 0.01]


def c_counts(values):
    """"C = 1 ×14, C = 3 ×1": how often the inner CV chose each C, smallest first."""
    counts = {}
    for c in values:
        counts[c] = counts.get(c, 0) + 1
    return ", ".join(f"C = {c} ×{k}" for c, k in sorted(counts.items(), key=lambda kv: float(kv[0])))


def chosen_c_lines(stages, width):
    """Per stage ("discovery", "confirmation") and model: how often the inner CV chose each C,
    and the training + predicting time. `stages`: (stage, names, C per name, seconds per
    name)."""
    return [f"  {stage:12s} {n:{width}s} {c_counts(c[n])}   ({secs[n]:.0f} s)"
            for stage, names, c, secs in stages for n in names]


def per_fold_lines(res, names, short, fold_ids):
    """Each fold's macro-F1 per model, a line per fold."""
    lines = ["Per fold macro-F1 (seed/fold: " + "  ".join(short[m] for m in names) + "):"]
    for i, fid in enumerate(fold_ids):
        lines.append(f"  {fid}: " + "  ".join(f"{res[m]['f1'][i]:.3f}" for m in names))
    return lines


def run_sets(data, sets, seeds, label, fold_probs, log):
    """Every model in `sets` on every fold of `seeds`: per-fold metrics. `label(w)` names a
    model in the report; `fold_probs(w, seed, k, train, test)` trains model `w` on row indices
    `train` and returns {"probs": rows × CLASSES for `test`, "C", "status", "seconds"}.
    Returns (metrics per name, names, C chosen per name, seconds per name, fits not
    converged, fold ids "seed/fold")."""
    fields, rows, y, relevant, irrelevant = data
    res = {label(w): {"f1": [], "acc": [], "ll": [], "per": []} for w in sets}
    chosen = {label(w): [] for w in sets}
    secs = {label(w): 0.0 for w in sets}
    odd, fold_ids = [], []
    for seed in seeds:
        outer = group_folds(rows, relevant, seed)
        for k in range(FOLDS):
            train, test = split(rows, outer, k, relevant, irrelevant)
            fold_ids.append(f"{seed}/{k}")
            for w in sets:
                o = fold_probs(w, seed, k, train, test)
                p = np.array(o["probs"])
                assert np.allclose(p.sum(1), 1, atol=1e-6)
                f1, acc, ll, per = metrics(y[test], p)
                r = res[label(w)]
                r["f1"].append(f1); r["acc"].append(acc); r["ll"].append(ll); r["per"].append(per)
                chosen[label(w)].append(o["C"])
                secs[label(w)] += o["seconds"]
                if o["status"] != "converged":
                    odd.append(f"{label(w)} {seed}/{k}: {o['status']}")
            log(f"seed {seed} fold {k}: n={len(test)} "
                + " ".join(f"{label(w)}={res[label(w)]['f1'][-1]:.3f}" for w in sets))
    return res, [label(w) for w in sets], chosen, secs, odd, fold_ids

