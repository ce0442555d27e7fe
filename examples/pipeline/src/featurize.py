"""Scale the prepared tables (fitted on the training rows) into data/features/{train,test}.csv."""
import os

import pandas as pd
import yaml
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

params = yaml.safe_load(open("params.yaml"))["featurize"]
train = pd.read_csv("data/prepared/train.csv")
test = pd.read_csv("data/prepared/test.csv")
scaler = StandardScaler().fit(train.drop(columns="target"))
poly = PolynomialFeatures(degree=params["degree"], include_bias=False)
poly.fit(scaler.transform(train.drop(columns="target")))
os.makedirs("data/features", exist_ok=True)
for name, table in (("train", train), ("test", test)):
    features = poly.transform(scaler.transform(table.drop(columns="target")))
    out = pd.DataFrame(features, columns=[f"f{i}" for i in range(features.shape[1])])
    out["target"] = table["target"].values
    out.to_csv(f"data/features/{name}.csv", index=False)
print(f"{features.shape[1]} features")
