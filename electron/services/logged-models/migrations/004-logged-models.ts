// Migration 4: MLflow 3 logged models, with their tags and params.
export const loggedModelsSql = `
-- status holds MLflow's LoggedModelStatus without its LOGGED_MODEL_ prefix (UPLOAD_FAILED is FAILED).
CREATE TABLE logged_models (
  model_id TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  artifact_location TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'READY', 'FAILED')),
  status_message TEXT,
  model_type TEXT,
  source_run_id TEXT,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted'))
);
CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, lifecycle_stage, creation_time DESC);
CREATE INDEX logged_models_by_run ON logged_models (source_run_id) WHERE source_run_id IS NOT NULL;

CREATE TABLE logged_model_tags (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
) WITHOUT ROWID;

CREATE TABLE logged_model_params (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
) WITHOUT ROWID;
`;
