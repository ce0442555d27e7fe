// Migration 10: the data catalog. Datasets Cairn met (added, a run's input, a pipeline's dep or
// out, a data check), their versions by content digest, where each version was met, the profile
// stored per version, and drift reports between two versions (so opening one again is instant).
export const dataCatalogSql = `
CREATE TABLE data_datasets (
  dataset_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_time INTEGER NOT NULL
);

-- files is JSON: [{path, size, modifiedTime}] as they were when the version was read.
CREATE TABLE data_versions (
  version_id TEXT PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES data_datasets(dataset_id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  gzip INTEGER NOT NULL,
  files TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_time INTEGER NOT NULL,
  last_seen_time INTEGER NOT NULL,
  UNIQUE (dataset_id, digest)
);
CREATE INDEX data_versions_by_path ON data_versions (path);

-- kind: added | run-input | pipeline | check; detail says more (the MLflow dataset, the stage).
CREATE TABLE data_origins (
  version_id TEXT NOT NULL REFERENCES data_versions(version_id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  run_uuid TEXT,
  detail TEXT,
  time INTEGER NOT NULL
);
CREATE UNIQUE INDEX data_origins_once ON data_origins (version_id, kind, coalesce(run_uuid, ''), coalesce(detail, ''));
CREATE INDEX data_origins_by_run ON data_origins (run_uuid);

CREATE TABLE data_profiles (
  version_id TEXT PRIMARY KEY REFERENCES data_versions(version_id) ON DELETE CASCADE,
  profile TEXT NOT NULL,
  created_time INTEGER NOT NULL
);

-- options is the canonical JSON of the comparison's choices (tests, thresholds, columns, drift share).
CREATE TABLE data_drift_reports (
  reference_version_id TEXT NOT NULL REFERENCES data_versions(version_id) ON DELETE CASCADE,
  current_version_id TEXT NOT NULL REFERENCES data_versions(version_id) ON DELETE CASCADE,
  options TEXT NOT NULL,
  report TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  PRIMARY KEY (reference_version_id, current_version_id, options)
);
`;
