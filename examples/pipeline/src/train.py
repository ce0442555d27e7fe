"""Fit the model named on the command line (a key of `models` in params.yaml) into models/<name>.pkl."""
import os
import pickle
import sys
import time

import pandas as pd
import yaml
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from tracking import log_metric

name = sys.argv[1]
params = yaml.safe_load(open("params.yaml"))["models"][name]
train = pd.read_csv("data/features/train.csv")
x, y = train.drop(columns="target"), train["target"]
if name == "logreg":
    model = LogisticRegression(C=params["C"], max_iter=params["max_iter"])
elif name == "forest":
    model = RandomForestClassifier(n_estimators=params["n_estimators"], max_depth=params["max_depth"], random_state=0, n_jobs=1)
else:
    sys.exit(f"unknown model {name!r}: add it to src/train.py")
started = time.time()
model.fit(x, y)
log_metric("fit_seconds", time.time() - started)
log_metric("train_accuracy", model.score(x, y))
os.makedirs("models", exist_ok=True)
with open(f"models/{name}.pkl", "wb") as out:
    pickle.dump(model, out)
print(f"{name}: training accuracy {model.score(x, y):.4f}")
