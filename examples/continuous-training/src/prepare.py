"""Builds the training table: the reference rows, plus the new rows when params.yaml's new_data names a file."""
import os

import pandas as pd
import yaml

params = yaml.safe_load(open("params.yaml"))
frames = [pd.read_csv("data/reference.csv")]
if params.get("new_data"):
    frames.append(pd.read_csv(params["new_data"]))
train = pd.concat(frames, ignore_index=True)
os.makedirs("data/prepared", exist_ok=True)
train.to_csv("data/prepared/train.csv", index=False)
print(f"prepare: {len(train)} rows ({len(frames[0])} reference, {len(train) - len(frames[0])} new)")
