"""Fits the churn model on data/prepared/train.csv and writes it as an MLflow model folder (model/)."""
import io
import json
import os
import pickle
import shutil
import sys

import numpy as np
import pandas as pd
import sklearn
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

params = yaml.safe_load(open("params.yaml"))["train"]
train = pd.read_csv("data/prepared/train.csv")
x, y = train.drop(columns="churned"), train["churned"]
model = make_pipeline(StandardScaler(), LogisticRegression(C=params["C"], max_iter=params["max_iter"]))
model.fit(x, y)

shutil.rmtree("model", ignore_errors=True)
os.makedirs("model")
buffer = io.BytesIO()
pickle.dump(model, buffer)
with open("model/model.pkl", "wb") as out:
    out.write(buffer.getvalue())
signature = json.dumps([{"type": "double", "name": column, "required": True} for column in x.columns])
example = x.head(2)
split = {"columns": list(example.columns), "data": example.values.tolist()}
with open("model/MLmodel", "w") as out:
    out.write(
        "artifact_path: model\n"
        "flavors:\n"
        "  python_function:\n"
        "    loader_module: mlflow.sklearn\n"
        "    model_path: model.pkl\n"
        "    predict_fn: predict\n"
        f"    python_version: {sys.version.split()[0]}\n"
        "  sklearn:\n"
        "    pickled_model: model.pkl\n"
        "    serialization_format: pickle\n"
        f"    sklearn_version: {sklearn.__version__}\n"
        "saved_input_example_info:\n"
        "  artifact_path: input_example.json\n"
        "  type: dataframe\n"
        "  pandas_orient: split\n"
        "signature:\n"
        f"  inputs: '{signature}'\n"
        "  outputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"int64\", \"shape\": [-1]}}]'\n"
    )
with open("model/input_example.json", "w") as out:
    json.dump(split, out)
with open("model/serving_input_example.json", "w") as out:
    json.dump({"dataframe_split": split}, out)
with open("model/requirements.txt", "w") as out:
    out.write(f"numpy=={np.__version__}\npandas=={pd.__version__}\nscikit-learn=={sklearn.__version__}\n")
print(f"train: {len(train)} rows, training accuracy {model.score(x, y):.4f}")
