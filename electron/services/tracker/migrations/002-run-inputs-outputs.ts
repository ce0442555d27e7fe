// Migration 2: the datasets runs used (MLflow's log-inputs) and the models runs produced
// (MLflow 3's runs/outputs). Run searches compile `dataset.` filters against these tables.
export const runInputsOutputsSql = `
-- One row per distinct dataset of an experiment, as MLflow's Dataset message describes it.
CREATE TABLE datasets (
  dataset_uuid TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  digest TEXT NOT NULL,
  source_type TEXT,
  source TEXT,
  schema TEXT,
  profile TEXT,
  UNIQUE (experiment_id, name, digest)
);

-- Which datasets a run used; context is the input's mlflow.data.context tag, tags all its input tags as JSON.
CREATE TABLE run_inputs (
  run_uuid TEXT NOT NULL,
  dataset_uuid TEXT NOT NULL,
  context TEXT,
  tags TEXT,
  PRIMARY KEY (run_uuid, dataset_uuid)
);
CREATE INDEX run_inputs_by_dataset ON run_inputs (dataset_uuid);

-- Which logged models a run produced, and at which step.
CREATE TABLE run_outputs (
  run_uuid TEXT NOT NULL,
  model_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  PRIMARY KEY (run_uuid, model_id)
);
`;
