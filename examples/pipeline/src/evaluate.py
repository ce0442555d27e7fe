"""Score every model in models/ on the test table: metrics.json and one ROC curve per model in plots/."""
import json
import os
import pickle

import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score, roc_curve

test = pd.read_csv("data/features/test.csv")
x, y = test.drop(columns="target"), test["target"]
metrics = {}
os.makedirs("plots", exist_ok=True)
for file in sorted(os.listdir("models")):
    name = file.removesuffix(".pkl")
    with open(os.path.join("models", file), "rb") as model_file:
        model = pickle.load(model_file)
    scores = model.predict_proba(x)[:, 1]
    predictions = model.predict(x)
    metrics[name] = {
        "accuracy": round(float(accuracy_score(y, predictions)), 4),
        "f1": round(float(f1_score(y, predictions)), 4),
        "roc_auc": round(float(roc_auc_score(y, scores)), 4),
    }
    fpr, tpr, _ = roc_curve(y, scores)
    pd.DataFrame({"fpr": fpr, "tpr": tpr}).to_csv(f"plots/roc_{name}.csv", index=False)
    print(f"{name}: {metrics[name]}")
with open("metrics.json", "w") as out:
    json.dump(metrics, out, indent=2)
