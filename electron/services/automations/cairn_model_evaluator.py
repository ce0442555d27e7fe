"""Cairn's model evaluator for continuous training: the data work and the model scoring a gate needs.

Reads one JSON request on stdin and writes one JSON answer on stdout (errors as {"error": ...}
with exit status 1). Requests:

    {"command": "count", "files": [...]}
        -> {"rows": n}
    {"command": "split", "files": [...], "fraction": 0.3, "seed": 0, "train": path, "holdout": path or null}
        -> {"rows": n, "train_rows": a, "holdout_rows": b}
       The files are read as one table; a seeded random `fraction` of its rows is the holdout, the
       rest the part the pipeline trains on; both keep the rows' order, written as CSV.
    {"command": "evaluate", "data": path, "label": column, "task": "classification" | "regression",
     "models": {"candidate": folder, "production": folder}, "latency_repeats": 30}
        -> {"rows": n, "models": {"candidate": {"metrics": {...}, "error": null}, ...}}
       Each MLflow model folder is loaded (its scikit-learn flavour from the pickle, else through
       mlflow.pyfunc when this Python has mlflow) and scored on the same rows. Classification:
       accuracy, f1, precision, recall (binary on the greater class, else macro), auc and
       log_loss (from predict_proba; null without it); regression: rmse, mse, mae, r2. Both:
       latency_ms, the median time to predict one row in this process, and rows.
"""
import json
import os
import pickle
import sys
import time


def read_table(path):
    import pandas as pd

    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".csv"):
        return pd.read_csv(path)
    if name.endswith(".tsv") or name.endswith(".tab"):
        return pd.read_csv(path, sep="\t")
    if name.endswith(".jsonl") or name.endswith(".ndjson") or name.endswith(".json"):
        return pd.read_json(path, lines=True)
    if name.endswith(".parquet") or name.endswith(".pq"):
        return pd.read_parquet(path)
    raise ValueError(f"{path} is not a table file (csv, tsv, jsonl, parquet)")


def read_tables(files):
    import pandas as pd

    frames = [read_table(f) for f in files]
    if not frames:
        raise ValueError("no files to read")
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def count(request):
    return {"rows": int(len(read_tables(request["files"])))}


def split(request):
    import numpy as np

    frame = read_tables(request["files"])
    rows = len(frame)
    fraction = float(request.get("fraction") or 0)
    holdout_rows = int(round(rows * fraction)) if request.get("holdout") else 0
    if request.get("holdout") and rows >= 2:
        holdout_rows = min(max(holdout_rows, 1), rows - 1)
    order = np.random.default_rng(int(request.get("seed") or 0)).permutation(rows)
    held = np.sort(order[:holdout_rows])
    kept = np.sort(order[holdout_rows:])
    os.makedirs(os.path.dirname(request["train"]), exist_ok=True)
    frame.iloc[kept].to_csv(request["train"], index=False)
    if request.get("holdout"):
        frame.iloc[held].to_csv(request["holdout"], index=False)
    return {"rows": int(rows), "train_rows": int(len(kept)), "holdout_rows": int(len(held))}


def read_mlmodel(folder):
    path = os.path.join(folder, "MLmodel")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        import yaml

        return yaml.safe_load(text) or {}
    except ImportError:
        raise ValueError("reading MLmodel needs PyYAML in this Python (Debian: python3-yaml)")


def signature_columns(mlmodel):
    inputs = ((mlmodel.get("signature") or {}).get("inputs")) or None
    if not inputs:
        return None
    try:
        spec = json.loads(inputs)
    except ValueError:
        return None
    names = [item.get("name") for item in spec if isinstance(item, dict)]
    return names if names and all(names) else None


class LoadedModel:
    def __init__(self, folder):
        self.mlmodel = read_mlmodel(folder)
        flavors = self.mlmodel.get("flavors") or {}
        sklearn_conf = flavors.get("sklearn")
        pyfunc_conf = flavors.get("python_function") or {}
        self.columns = signature_columns(self.mlmodel)
        if sklearn_conf is not None or pyfunc_conf.get("loader_module") == "mlflow.sklearn":
            pickled = (sklearn_conf or {}).get("pickled_model") or pyfunc_conf.get("model_path") or "model.pkl"
            with open(os.path.join(folder, pickled), "rb") as handle:
                self.model = pickle.load(handle)
            self.predict = self.model.predict
            self.predict_proba = getattr(self.model, "predict_proba", None)
            names = getattr(self.model, "feature_names_in_", None)
            if self.columns is None and names is not None:
                self.columns = list(names)
        else:
            try:
                import mlflow.pyfunc
            except ImportError:
                raise ValueError(
                    f"the model in {folder} has flavours {sorted(flavors)}; Cairn reads the scikit-learn flavour itself, others need mlflow in this Python"
                )
            self.model = mlflow.pyfunc.load_model(folder)
            self.predict = self.model.predict
            self.predict_proba = None

    def features(self, frame, label):
        if self.columns is not None:
            missing = [c for c in self.columns if c not in frame.columns]
            if missing:
                raise ValueError(f"the data lacks the model's input columns {missing}")
            return frame[self.columns]
        return frame.drop(columns=[label])


def classification_metrics(model, x, y):
    import numpy as np
    from sklearn import metrics

    predicted = model.predict(x)
    classes = np.unique(np.concatenate([np.asarray(y), np.asarray(predicted)]))
    result = {"accuracy": float(metrics.accuracy_score(y, predicted))}
    if len(classes) <= 2:
        positive = classes.max()
        kwargs = {"average": "binary", "pos_label": positive, "zero_division": 0}
    else:
        kwargs = {"average": "macro", "zero_division": 0}
    result["f1"] = float(metrics.f1_score(y, predicted, **kwargs))
    result["precision"] = float(metrics.precision_score(y, predicted, **kwargs))
    result["recall"] = float(metrics.recall_score(y, predicted, **kwargs))
    result["auc"] = None
    result["log_loss"] = None
    if model.predict_proba is not None and len(np.unique(y)) >= 2:
        proba = model.predict_proba(x)
        known = list(getattr(model.model, "classes_", []))
        if known:
            try:
                if len(known) == 2:
                    result["auc"] = float(metrics.roc_auc_score(y, proba[:, known.index(max(known))]))
                else:
                    result["auc"] = float(metrics.roc_auc_score(y, proba, multi_class="ovr", labels=known))
                result["log_loss"] = float(metrics.log_loss(y, proba, labels=known))
            except ValueError:
                pass
    return result


def regression_metrics(model, x, y):
    import numpy as np
    from sklearn import metrics

    predicted = np.asarray(model.predict(x), dtype=float)
    mse = float(metrics.mean_squared_error(y, predicted))
    return {"rmse": mse ** 0.5, "mse": mse, "mae": float(metrics.mean_absolute_error(y, predicted)), "r2": float(metrics.r2_score(y, predicted))}


def latency_ms(model, x, repeats):
    rows = len(x)
    if rows == 0:
        return None
    for i in range(min(3, rows)):
        model.predict(x.iloc[[i]])
    samples = []
    for i in range(repeats):
        row = x.iloc[[i % rows]]
        started = time.perf_counter()
        model.predict(row)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return samples[len(samples) // 2]


def evaluate(request):
    frame = read_table(request["data"])
    label = request["label"]
    if label not in frame.columns:
        raise ValueError(f"the gate's data {request['data']} has no label column '{label}' (its columns: {list(frame.columns)})")
    frame = frame.dropna(subset=[label])
    y = frame[label]
    answer = {"rows": int(len(frame)), "models": {}}
    for key, folder in request["models"].items():
        try:
            model = LoadedModel(folder)
            x = model.features(frame, label)
            if request.get("task") == "regression":
                measured = regression_metrics(model, x, y)
            else:
                measured = classification_metrics(model, x, y)
            measured["latency_ms"] = latency_ms(model, x, int(request.get("latency_repeats") or 30))
            measured["rows"] = float(len(frame))
            answer["models"][key] = {"metrics": measured, "error": None}
        except Exception as error:  # reported per model: the other may still be measured
            answer["models"][key] = {"metrics": {}, "error": f"{type(error).__name__}: {error}"}
    return answer


COMMANDS = {"count": count, "split": split, "evaluate": evaluate}


def main():
    request = json.load(sys.stdin)
    try:
        answer = COMMANDS[request["command"]](request)
    except Exception as error:
        json.dump({"error": f"{type(error).__name__}: {error}"}, sys.stdout)
        return 1
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
