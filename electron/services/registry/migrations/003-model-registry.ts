// Migration 3: the model registry: registered models, their numbered versions, tags and aliases.
export const modelRegistrySql = `
-- A registered model. last_version only grows, so a deleted version's number is never reused (as in MLflow).
CREATE TABLE registered_models (
  registered_model_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  last_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE registered_model_tags (
  registered_model_id INTEGER NOT NULL REFERENCES registered_models(registered_model_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (registered_model_id, key)
) WITHOUT ROWID;

-- source is what the client registered; storage_location is where the files are when that differs
-- (a models:/ source resolved at registration), and is what the download URI answers.
CREATE TABLE model_versions (
  registered_model_id INTEGER NOT NULL REFERENCES registered_models(registered_model_id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  description TEXT,
  user_id TEXT,
  current_stage TEXT NOT NULL DEFAULT 'None' CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived')),
  source TEXT NOT NULL,
  storage_location TEXT,
  run_id TEXT,
  run_link TEXT,
  status TEXT NOT NULL DEFAULT 'READY' CHECK (status IN ('PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY')),
  status_message TEXT,
  model_id TEXT,
  PRIMARY KEY (registered_model_id, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX model_versions_by_logged_model ON model_versions (model_id) WHERE model_id IS NOT NULL;

CREATE TABLE model_version_tags (
  registered_model_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (registered_model_id, version, key),
  FOREIGN KEY (registered_model_id, version) REFERENCES model_versions(registered_model_id, version) ON DELETE CASCADE
) WITHOUT ROWID;

-- Deleting a version deletes the aliases that pointed at it, as MLflow does.
CREATE TABLE registered_model_aliases (
  registered_model_id INTEGER NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (registered_model_id, alias),
  FOREIGN KEY (registered_model_id, version) REFERENCES model_versions(registered_model_id, version) ON DELETE CASCADE
) WITHOUT ROWID;
`;
