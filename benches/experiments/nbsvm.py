#!/usr/bin/env python3
"""Issue #17, one more lever: NB-SVM (Wang & Manning 2012: features scaled by the naive-Bayes
log-count ratio, one-vs-rest logistic regression) against plain logistic regression, both on
scikit-learn's TF-IDF word 1-2-grams (min_df 2, sublinear tf), grouped 5-fold CV by page on the
training split (seeds 42 and 43: 10 folds), macro-F1 on the relevant rows of each held-out fold.
A quick screen before building it into tonetrack: it would be worth building only if it beat
plain LR by more than fold noise.

    python3 benches/experiments/nbsvm.py   # scikit-learn, scipy; output in results-nbsvm.txt
"""
import csv, os
import numpy as np
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.metrics import f1_score
from scipy import sparse
rows=[r for r in csv.DictReader(open('data/quotes_train.csv')) if r['label'].strip()]
rel=np.array([r['relevant']=='yes' for r in rows])
X_text=[r['text'] for r in rows]; y=np.array([r['label'] for r in rows]); g=np.array([r['source_url'] for r in rows])
classes=sorted(set(y))
def folds(seed):
    rng=np.random.RandomState(seed); pages=np.unique(g); rng.shuffle(pages)
    fold_of={p:i%5 for i,p in enumerate(pages)}
    f=np.array([fold_of[p] for p in g])
    for k in range(5): yield np.where(f!=k)[0], np.where((f==k)&rel)[0]
def lr(C):
    def fit_pred(tr,te):
        v=TfidfVectorizer(sublinear_tf=True,ngram_range=(1,2),min_df=2)
        Xtr=v.fit_transform([X_text[i] for i in tr]); Xte=v.transform([X_text[i] for i in te])
        m=LogisticRegression(C=C,max_iter=2000).fit(Xtr,y[tr]); return m.predict(Xte)
    return fit_pred
def nbsvm(C, alpha=1.0, beta=0.25):
    def fit_pred(tr,te):
        v=TfidfVectorizer(sublinear_tf=True,ngram_range=(1,2),min_df=2)
        Xtr=v.fit_transform([X_text[i] for i in tr]); Xte=v.transform([X_text[i] for i in te])
        B=(Xtr>0).astype(float); Bte=(Xte>0).astype(float)
        scores=[]
        for c in classes:
            pos=(y[tr]==c)
            p=alpha+B[pos].sum(0); q=alpha+B[~pos].sum(0)
            r=np.asarray(np.log((p/p.sum())/(q/q.sum()))).ravel()
            m=LogisticRegression(C=C,max_iter=2000).fit(Xtr.multiply(r).tocsr(),pos)
            scores.append(m.decision_function(Xte.multiply(r).tocsr()))
        return np.array(classes)[np.argmax(np.vstack(scores),0)]
    return fit_pred
import sys
for name,f in [('lr C=1',lr(1)),('lr C=3',lr(3)),('nbsvm C=1',nbsvm(1)),('nbsvm C=0.3',nbsvm(0.3)),('nbsvm C=3',nbsvm(3))]:
    s=[]
    for seed in (42,43):
        for tr,te in folds(seed):
            s.append(f1_score(y[te],f(tr,te),average='macro'))
    print(name, f"{np.mean(s):.3f} ± {np.std(s,ddof=1):.3f}", [round(x,3) for x in s], flush=True)
