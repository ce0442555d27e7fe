"""Writes the example's customer tables: a reference, a holdout like it, a drifted batch and a corrupted one.

    python3 src/make_data.py reference data/reference.csv
    python3 src/make_data.py holdout data/holdout.csv
    python3 src/make_data.py drifted data/incoming/batch-1.csv
    python3 src/make_data.py corrupted data/incoming/batch-2.csv

Churn depends on tenure, charges and support calls. In the drifted batch the customers are newer
and pay more, and heavy usage now drives churn too (a competitor's offer): a model trained on the
reference alone misses it; one retrained on the reference and the new rows learns it.
"""
import os
import sys

import numpy as np
import pandas as pd

KINDS = {"reference": (0, 3000), "holdout": (1, 800), "drifted": (2, 1500), "corrupted": (3, 600)}


def customers(kind):
    seed, rows = KINDS[kind]
    rng = np.random.default_rng(seed)
    drifted = kind in ("drifted", "corrupted")
    tenure = rng.gamma(2.0, 6.0 if drifted else 12.0, rows)
    charges = rng.normal(85 if drifted else 60, 15, rows)
    calls = rng.poisson(2.5 if drifted else 1.5, rows)
    usage = rng.normal(20, 6, rows)
    logit = -0.06 * (tenure - 20) + 0.04 * (charges - 60) + 0.5 * (calls - 1.5) - 0.5
    if drifted:
        logit = logit + 0.35 * (usage - 20)
    churned = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame({
        "tenure_months": tenure.round(1),
        "monthly_charges": charges.round(2),
        "support_calls": calls,
        "usage_hours": usage.round(1),
        "churned": churned,
    })
    if kind == "corrupted":
        frame.loc[frame.index[::7], "monthly_charges"] = np.nan
        frame.loc[frame.index[::11], "tenure_months"] = -999.0
    return frame


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in KINDS:
        sys.exit(f"usage: make_data.py {{{'|'.join(KINDS)}}} OUT.csv")
    kind, out = sys.argv[1], sys.argv[2]
    frame = customers(kind)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    temporary = out + ".tmp"  # written whole, then renamed: a watcher never sees half a batch
    frame.to_csv(temporary, index=False)
    os.replace(temporary, out)
    print(f"{kind}: {len(frame)} rows -> {out}")


if __name__ == "__main__":
    main()
