"""Split the breast-cancer data set bundled with scikit-learn into data/prepared/{train,test}.csv."""
import os

import yaml
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

params = yaml.safe_load(open("params.yaml"))["prepare"]
frame = load_breast_cancer(as_frame=True).frame
train, test = train_test_split(frame, test_size=params["test_size"], random_state=params["seed"], stratify=frame["target"])
os.makedirs("data/prepared", exist_ok=True)
train.to_csv("data/prepared/train.csv", index=False)
test.to_csv("data/prepared/test.csv", index=False)
print(f"prepared {len(train)} training rows and {len(test)} test rows")
