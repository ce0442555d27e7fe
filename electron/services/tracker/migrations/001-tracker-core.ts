// Migration 1: experiments, runs, params, tags and metric series, and MLflow's Default experiment.
export const trackerCoreSql = `
-- Experiments, runs, params, tags and metric series.
CREATE TABLE experiments (
  experiment_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
  creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL
);

CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

CREATE TABLE runs (
  run_uuid TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
  user_id TEXT NOT NULL DEFAULT '',
  artifact_uri TEXT NOT NULL,
  parent_run_id TEXT,
  deleted_time INTEGER
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC);
CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;

CREATE TABLE params (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID;
CREATE INDEX params_by_key ON params (key, value);

CREATE TABLE tags (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key ON tags (key, value);

-- One row per (run, metric key): the latest point (highest step, then latest timestamp),
-- the extremes and the point count, kept up to date on every write so searches never scan points.
CREATE TABLE metric_series (
  series_id INTEGER PRIMARY KEY,
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  last_step INTEGER NOT NULL,
  last_timestamp INTEGER NOT NULL,
  last_value REAL,
  last_is_nan INTEGER NOT NULL,
  min_value REAL,
  max_value REAL,
  point_count INTEGER NOT NULL,
  UNIQUE (run_uuid, key)
);
CREATE INDEX metric_series_by_key ON metric_series (key, last_value);

-- Every logged point, clustered by series and step so a history is one range scan.
-- NaN is stored as value 0 with is_nan 1 (SQLite turns NaN into NULL).
CREATE TABLE metric_points (
  series_id INTEGER NOT NULL REFERENCES metric_series(series_id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value REAL NOT NULL,
  is_nan INTEGER NOT NULL,
  PRIMARY KEY (series_id, step, timestamp, value, is_nan)
) WITHOUT ROWID;

INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active',
        CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER));
`;
