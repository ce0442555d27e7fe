"""Log to the stage's own run: with the mlflow package when it is installed, else through MLflow's
REST API with the standard library. Cairn sets MLFLOW_TRACKING_URI and MLFLOW_RUN_ID for every
stage, so what a stage logs lands in that stage's run; outside Cairn this does nothing."""
import json
import os
import time
import urllib.request


def log_metric(key, value, step=0):
    if not os.environ.get("MLFLOW_RUN_ID") or not os.environ.get("MLFLOW_TRACKING_URI"):
        return
    try:
        import mlflow

        with mlflow.start_run(run_id=os.environ["MLFLOW_RUN_ID"]):
            mlflow.log_metric(key, value, step=step)
        return
    except ImportError:
        pass
    body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "key": key, "value": value, "timestamp": int(time.time() * 1000), "step": step})
    request = urllib.request.Request(
        os.environ["MLFLOW_TRACKING_URI"].rstrip("/") + "/api/2.0/mlflow/runs/log-metric",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).read()
