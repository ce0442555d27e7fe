// Migration 7: metrics linked to MLflow 3 logged models. A metric logged with a model_id (as
// MLflow 3 clients do once a run has logged a model, and as mlflow.evaluate does) is kept here
// too, with the dataset it was computed on, so that the logged model answers it in data.metrics
// and logged-model searches can test and order by it. One row per point, keyed as MLflow keys it.
// NaN is stored as value 0 with is_nan 1, as in metric_points.
export const loggedModelMetricsSql = `
CREATE TABLE logged_model_metrics (
  model_id TEXT NOT NULL,
  key TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  step INTEGER NOT NULL,
  run_uuid TEXT NOT NULL,
  value REAL NOT NULL,
  is_nan INTEGER NOT NULL,
  dataset_name TEXT,
  dataset_digest TEXT,
  PRIMARY KEY (model_id, key, timestamp, step, run_uuid)
) WITHOUT ROWID;
`;
