"""Scores the model on its training table (the gate, not this stage, compares it with production on held-out rows)."""
import json
import pickle

import pandas as pd
from sklearn.metrics import accuracy_score, roc_auc_score

model = pickle.load(open("model/model.pkl", "rb"))
train = pd.read_csv("data/prepared/train.csv")
x, y = train.drop(columns="churned"), train["churned"]
metrics = {"train_accuracy": accuracy_score(y, model.predict(x)), "train_auc": roc_auc_score(y, model.predict_proba(x)[:, 1]), "rows": len(train)}
json.dump(metrics, open("metrics.json", "w"), indent=2)
print(f"evaluate: {metrics}")
