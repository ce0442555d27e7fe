#!/usr/bin/env python3
"""Train a scikit-learn classifier and log it to Cairn through MLflow's REST API.

Uses only Python's standard library to talk to the server (no mlflow package needed), so it
runs wherever Debian's python3-sklearn is installed:

    MLFLOW_TRACKING_URI=http://127.0.0.1:5151 /usr/bin/python3 examples/train_sklearn.py

It logs params, a loss and an accuracy per epoch, the trained model as an MLflow model (the
MLmodel file with a signature of 64 named pixel columns, the pickle, an input example and its
requirements, as mlflow.sklearn.log_model writes them), and registers the model as a new
version of "digits-classifier" with the alias "candidate".
"""
import argparse
import io
import json
import os
import pickle
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split


class MlflowRest:
    """The few MLflow REST calls a training script needs."""

    def __init__(self, tracking_uri):
        self.base = tracking_uri.rstrip("/")
        token = os.environ.get("MLFLOW_TRACKING_TOKEN")
        self.auth = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method, route, body=None):
        url = f"{self.base}/api/2.0/mlflow/{route}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"Content-Type": "application/json", **self.auth})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{method} {route} failed with {error.code}: {error.read().decode()}")

    def upload_artifact(self, artifact_uri, relative_path, payload):
        # artifact_uri is mlflow-artifacts:/<exp>/<run>/artifacts when the server proxies artifacts.
        prefix = "mlflow-artifacts:"
        if not artifact_uri.startswith(prefix):
            raise SystemExit(f"unexpected artifact URI {artifact_uri}")
        path = artifact_uri[len(prefix):].lstrip("/") + "/" + relative_path
        request = urllib.request.Request(f"{self.base}/api/2.0/mlflow-artifacts/artifacts/{path}", data=payload,
                                         method="PUT", headers={"Content-Type": "application/octet-stream", **self.auth})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()

    def get_experiment_id(self, name):
        request = urllib.request.Request(
            f"{self.base}/api/2.0/mlflow/experiments/get-by-name?experiment_name={urllib.parse.quote(name)}",
            headers=self.auth)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())["experiment"]["experiment_id"]
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return self.call("POST", "experiments/create", {"name": name})["experiment_id"]
            raise


def model_files(model, x_test, run_id):
    """The files of an MLflow model folder for a pickled scikit-learn model, as mlflow.sklearn.log_model writes them."""
    import sklearn

    buffer = io.BytesIO()
    pickle.dump(model, buffer)
    signature = json.dumps([{"type": "double", "name": column, "required": True} for column in x_test.columns])
    example = x_test.head(2)
    mlmodel = (
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
        f"run_id: {run_id}\n"
        "saved_input_example_info:\n"
        "  artifact_path: input_example.json\n"
        "  type: dataframe\n"
        "  pandas_orient: split\n"
        "signature:\n"
        f"  inputs: '{signature}'\n"
        "  outputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"int64\", \"shape\": [-1]}}]'\n"
    )
    split = {"columns": list(example.columns), "data": example.values.tolist()}
    requirements = f"mlflow\nnumpy=={np.__version__}\npandas=={pd.__version__}\nscikit-learn=={sklearn.__version__}\n"
    return {
        "MLmodel": mlmodel.encode(),
        "model.pkl": buffer.getvalue(),
        "input_example.json": json.dumps(split).encode(),
        "serving_input_example.json": json.dumps({"dataframe_split": split}, indent=2).encode(),
        "requirements.txt": requirements.encode(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experiment", default="sklearn-digits")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument("--model-name", default="digits-classifier")
    args = parser.parse_args()

    tracking_uri = os.environ.get("MLFLOW_TRACKING_URI")
    if not tracking_uri:
        raise SystemExit("Set MLFLOW_TRACKING_URI to the address `cairn serve` prints.")
    mlflow = MlflowRest(tracking_uri)

    experiment_id = mlflow.get_experiment_id(args.experiment)
    run = mlflow.call("POST", "runs/create", {
        "experiment_id": experiment_id,
        "run_name": f"sgd-alpha-{args.alpha:g}",
        "start_time": int(time.time() * 1000),
        "tags": [{"key": "mlflow.source.name", "value": "examples/train_sklearn.py"},
                 {"key": "mlflow.user", "value": os.environ.get("USER", "data-scientist")}],
    })["run"]
    run_id, artifact_uri = run["info"]["run_id"], run["info"]["artifact_uri"]

    digits = load_digits()
    features = pd.DataFrame(digits.data / 16.0, columns=[f"pixel_{i}" for i in range(digits.data.shape[1])])
    x_train, x_test, y_train, y_test = train_test_split(features, digits.target, test_size=0.25,
                                                        random_state=0, stratify=digits.target)
    mlflow.call("POST", "runs/log-inputs", {"run_id": run_id, "datasets": [{
        "tags": [{"key": "mlflow.data.context", "value": "training"}],
        "dataset": {"name": "digits", "digest": f"{len(x_train)}-rows-seed-0", "source_type": "code",
                    "source": json.dumps({"function": "sklearn.datasets.load_digits"}),
                    "profile": json.dumps({"num_rows": len(x_train), "num_elements": int(x_train.size)})}}]})
    classes = np.unique(digits.target)
    model = SGDClassifier(loss="log_loss", alpha=args.alpha, random_state=0)
    mlflow.call("POST", "runs/log-batch", {"run_id": run_id, "params": [
        {"key": "model", "value": "SGDClassifier"}, {"key": "alpha", "value": str(args.alpha)},
        {"key": "epochs", "value": str(args.epochs)}, {"key": "train_rows", "value": str(len(x_train))}]})

    for epoch in range(args.epochs):
        model.partial_fit(x_train, y_train, classes=classes)
        now = int(time.time() * 1000)
        train_loss = log_loss(y_train, model.predict_proba(x_train), labels=classes)
        test_accuracy = accuracy_score(y_test, model.predict(x_test))
        mlflow.call("POST", "runs/log-batch", {"run_id": run_id, "metrics": [
            {"key": "train_loss", "value": train_loss, "timestamp": now, "step": epoch},
            {"key": "test_accuracy", "value": test_accuracy, "timestamp": now, "step": epoch}]})

    for name, payload in model_files(model, x_test, run_id).items():
        mlflow.upload_artifact(artifact_uri, f"model/{name}", payload)
    mlflow.upload_artifact(artifact_uri, "metrics.json", json.dumps({"test_accuracy": test_accuracy}).encode())

    try:
        mlflow.call("POST", "registered-models/create", {"name": args.model_name})
    except SystemExit as error:
        if "RESOURCE_ALREADY_EXISTS" not in str(error):
            raise
    version = mlflow.call("POST", "model-versions/create", {
        "name": args.model_name, "source": f"runs:/{run_id}/model", "run_id": run_id})["model_version"]["version"]
    mlflow.call("POST", "registered-models/alias", {"name": args.model_name, "alias": "candidate", "version": version})
    mlflow.call("POST", "runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": int(time.time() * 1000)})
    print(f"run {run_id}: test_accuracy={test_accuracy:.4f}, registered {args.model_name} version {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
