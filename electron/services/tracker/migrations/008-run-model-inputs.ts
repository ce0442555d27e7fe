// Migration 8: the logged models a run used as inputs (MLflow 3's run.inputs.model_inputs), as
// an MLflow 3 client records them when it logs metrics for a model the run did not produce.
export const runModelInputsSql = `
CREATE TABLE run_model_inputs (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  model_id TEXT NOT NULL,
  PRIMARY KEY (run_uuid, model_id)
);
`;
