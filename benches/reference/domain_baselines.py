#!/usr/bin/env python3
"""Baselines on tonetrack's domain split (data/quotes_train.csv -> data/quotes_test.csv).

Tone (positive/neutral/negative), scored on three test subsets (all rows; relevant == yes;
relevant rows of 4+ words) by accuracy and macro-F1, for: VADER (compound >= 0.05 positive,
<= -0.05 negative, else neutral), the training majority class, scikit-learn TF-IDF + LR trained
on quotes_train.csv (C by 5-fold CV grouped by source_url), and the same trained on
quotes_train.csv + NewsMTSC train (plain text). Then the relevance baseline: TF-IDF + LR
predicting `relevant`.

    python3 benches/reference/domain_baselines.py [--data DIR] [--newsmtsc DIR]
"""
import argparse
import csv
from collections import Counter
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

REPO = Path(__file__).resolve().parents[2]
C_GRID = [0.1, 0.3, 1, 3, 10, 30, 100]


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def tfidf_lr(texts, labels, groups, **lr_args):
    """TF-IDF + LR with C chosen by 5-fold CV grouped by `groups` on macro-F1."""
    search = GridSearchCV(
        Pipeline([("tfidf", TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)),
                  ("lr", LogisticRegression(solver="lbfgs", max_iter=1000, **lr_args))]),
        {"lr__C": C_GRID},
        scoring="f1_macro",
        cv=StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0),
        n_jobs=1,
    )
    search.fit(texts, labels, groups=groups)
    return search.best_estimator_, search.best_params_["lr__C"], search.best_score_


def vader(texts):
    analyzer = SentimentIntensityAnalyzer()
    out = []
    for text in texts:
        c = analyzer.polarity_scores(text)["compound"]
        out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--newsmtsc", type=Path, default=REPO.parent / "shared/data/newsmtsc")
    args = parser.parse_args()

    train, test = read(args.data / "quotes_train.csv"), read(args.data / "quotes_test.csv")
    x, y, g = [r["text"] for r in train], [r["label"] for r in train], [r["source_url"] for r in train]
    xt = [r["text"] for r in test]

    majority = Counter(y).most_common(1)[0][0]
    domain_model, c_dom, cv_dom = tfidf_lr(x, y, g)
    news = read(args.newsmtsc / "train.csv")
    mixed_model, c_mix, cv_mix = tfidf_lr(
        x + [r["text"] for r in news], y + [r["label"] for r in news],
        g + ["newsmtsc:" + r["text"] for r in news])  # NewsMTSC grouped by sentence

    predictions = {
        "VADER": vader(xt),
        f"majority ({majority})": [majority] * len(test),
        f"TF-IDF+LR quotes (C={c_dom:g})": list(domain_model.predict(xt)),
        f"TF-IDF+LR quotes+NewsMTSC (C={c_mix:g})": list(mixed_model.predict(xt)),
    }
    subsets = {
        "all": [True] * len(test),
        "relevant": [r["relevant"] == "yes" for r in test],
        "relevant, 4+ words": [r["relevant"] == "yes" and len(r["text"].split()) >= 4 for r in test],
    }

    print(f"train {len(train)} rows ({dict(Counter(y))}), test {len(test)} rows")
    print(f"CV macro-F1 at chosen C: quotes {cv_dom:.3f}, quotes+NewsMTSC {cv_mix:.3f} "
          f"(+{len(news)} NewsMTSC rows; CV folds mix both sources)")
    print("\nTone on quotes_test.csv: accuracy / macro-F1")
    print(f"{'model':<38}" + "".join(f"{f'{s} (n={sum(m)})':>28}" for s, m in subsets.items()))
    for name, pred in predictions.items():
        cells = []
        for mask in subsets.values():
            yt = [r["label"] for r, keep in zip(test, mask) if keep]
            yp = [p for p, keep in zip(pred, mask) if keep]
            cells.append(f"{accuracy_score(yt, yp):.3f} / {f1_score(yt, yp, average='macro'):.3f}")
        print(f"{name:<38}" + "".join(f"{c:>28}" for c in cells))

    print("\nRelevance on quotes_test.csv (TF-IDF+LR trained on quotes_train.csv `relevant`)")
    rel, rel_t = [r["relevant"] for r in train], [r["relevant"] for r in test]
    print(f"'no' rows: train {rel.count('no')} of {len(rel)}, test {rel_t.count('no')} of {len(rel_t)}")
    print(f"{'model':<34}{'C':>5}{'CV mF1':>8}{'accuracy':>10}{'F1(no)':>8}{'pred no':>9}")
    for name, extra in (("TF-IDF+LR", {}), ("TF-IDF+LR class_weight=balanced", {"class_weight": "balanced"})):
        model, c, cv = tfidf_lr(x, rel, g, **extra)
        pred = list(model.predict(xt))
        print(f"{name:<34}{c:>5g}{cv:>8.3f}{accuracy_score(rel_t, pred):>10.3f}"
              f"{f1_score(rel_t, pred, pos_label='no', average='binary', zero_division=0):>8.3f}"
              f"{pred.count('no'):>9}")


if __name__ == "__main__":
    main()
