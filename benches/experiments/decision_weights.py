#!/usr/bin/env python3
"""Does a decision rule tuned for macro-F1 beat argmax? Chosen on the training split only.

Every relevant quotation of data/quotes_train.csv is scored out of fold (the folds and model of
trend_estimators.py). Class weights w (negative, positive; neutral fixed at 1) are chosen on a
grid of exp(-1..1) to maximise macro-F1 of argmax(w * p); a nested check fits them on four
folds and scores the fifth. Then the weights fitted on all training folds are applied once to
the split model's probabilities on the relevant test rows (target/split-model.json, from
`make split-model`), with a paired page-level bootstrap of the difference.

Usage (from the repository root, after `cargo build --release` and `make split-model`):
    python3 benches/experiments/decision_weights.py > benches/experiments/results-decision-weights.txt
Needs numpy.
"""
import sys, json, csv, subprocess, itertools
from pathlib import Path
import numpy as np
REPO=Path(__file__).resolve().parents[2]; sys.path.insert(0,str(REPO/'benches/experiments')); sys.path.insert(0,str(REPO/'docs'))
import trend_estimators as te
binary=str(REPO/'target/release/tonetrack')
CL=te.CLASSES
# training OOF, relevant only (all rows, not only with speakers)
with open(REPO/"data/quotes_train.csv", newline="", encoding="utf-8") as f:
    rd=csv.DictReader(f); fields, rows = rd.fieldnames, list(rd)
by_id={r["id"]:r for r in rows}
import tempfile
tmp=Path(tempfile.mkdtemp()); P=[];Y=[];G=[]
for k in range(te.FOLDS):
    tr,ts=te.write_fold(tmp,k,rows,fields,te.fold_of)
    m=tmp/f"m{k}.json"
    subprocess.run([binary,"train","--data",str(tr),*te.model_options(),"--out",str(m)],check=True,capture_output=True)
    out=subprocess.run([binary,"predict","--model",str(m),"--data",str(ts),"--format","jsonl"],check=True,capture_output=True,text=True)
    for line in out.stdout.splitlines():
        p=json.loads(line); r=by_id[p["id"]]
        if r["relevant"]=="yes": P.append([p["probabilities"][c] for c in CL]); Y.append(CL.index(r["label"])); G.append(k)
P=np.array(P);Y=np.array(Y);G=np.array(G)
def mf1(pred,y):
    f=[]
    for c in range(3):
        tp=((pred==c)&(y==c)).sum(); fp=((pred==c)&(y!=c)).sum(); fn=((pred!=c)&(y==c)).sum()
        f.append(0 if tp==0 else 2*tp/(2*tp+fp+fn))
    return np.mean(f)
grid=np.arange(-1.0,1.01,0.05)
def best_w(P,Y):
    best=(-1,None)
    for a,b in itertools.product(grid,grid):
        w=np.exp(np.array([a,0,b]))
        s=mf1((P*w).argmax(1),Y)
        if s>best[0]+1e-12: best=(s,w)
    return best
s0=mf1(P.argmax(1),Y); sb,w=best_w(P,Y)
print("train OOF macro-F1 argmax %.4f, weighted %.4f, w=%s"%(s0,sb,np.round(w,3)))
# nested check: weights fitted on 4 folds, applied to the 5th
d=[]
for k in range(te.FOLDS):
    _,wk=best_w(P[G!=k],Y[G!=k]); a=mf1(P[G==k].argmax(1),Y[G==k]); b=mf1((P[G==k]*wk).argmax(1),Y[G==k]); d.append(b-a)
print("nested per-fold diff", np.round(d,4), "mean %.4f sd %.4f"%(np.mean(d),np.std(d,ddof=1)))
# test split with split model
tst=list(csv.DictReader(open(REPO/"data/quotes_test.csv",newline="",encoding="utf-8")))
out=subprocess.run([binary,"predict","--model",str(REPO/"target/split-model.json"),"--data",str(REPO/"data/quotes_test.csv"),"--format","jsonl"],check=True,capture_output=True,text=True)
tb={r["id"]:r for r in tst}; PT=[];YT=[];U=[]
for line in out.stdout.splitlines():
    p=json.loads(line); r=tb[p["id"]]
    if r["relevant"]=="yes": PT.append([p["probabilities"][c] for c in CL]); YT.append(CL.index(r["label"])); U.append(r["source_url"])
PT=np.array(PT);YT=np.array(YT);U=np.array(U)
a=mf1(PT.argmax(1),YT); b=mf1((PT*w).argmax(1),YT)
print("test n=%d macro-F1 argmax %.4f weighted %.4f"%(len(YT),a,b))
pages=np.unique(U); idx={u:np.where(U==u)[0] for u in pages}; rng=np.random.default_rng(0); diffs=[]
pa=PT.argmax(1); pb=(PT*w).argmax(1)
for _ in range(2000):
    ii=np.concatenate([idx[u] for u in rng.choice(pages,len(pages))])
    diffs.append(mf1(pb[ii],YT[ii])-mf1(pa[ii],YT[ii]))
print("paired page bootstrap diff mean %.4f 95%% %.4f..%.4f"%(np.mean(diffs),*np.percentile(diffs,[2.5,97.5])))
