// Migration 11: deployments of model versions to deploy targets, and every operation on them with
// its steps (who asked, when, which version, each step's times and outcome). A succeeded create,
// update or rollback is a revision: the deployment points at the one serving, and each operation
// at the one that was serving when it began, which is where a rollback returns.
export const deploymentsSql = `
CREATE TABLE deployments (
  name TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('creating', 'serving', 'failed', 'deleted')),
  endpoint_url TEXT,
  serving_operation_id INTEGER,
  created_at INTEGER NOT NULL,
  created_by_user TEXT NOT NULL,
  created_via TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE deployment_operations (
  operation_id INTEGER PRIMARY KEY,
  deployment_name TEXT NOT NULL REFERENCES deployments(name),
  kind TEXT NOT NULL CHECK (kind IN ('create', 'update', 'rollback', 'delete')),
  target TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled')),
  model_name TEXT,
  model_version TEXT,
  model_uri TEXT,
  -- The deployment's own copy of the model's files, and what the target recorded (JSON).
  package_dir TEXT,
  target_state TEXT,
  endpoint_url TEXT,
  -- The revision serving when this operation began.
  replaced_operation_id INTEGER REFERENCES deployment_operations(operation_id),
  requested_by_user TEXT NOT NULL,
  requested_via TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  failed_step TEXT,
  error TEXT,
  -- The process running it (a stale 'running' row of a process that died is closed as failed)
  -- and whether another process asked it to stop.
  owner_pid INTEGER NOT NULL,
  cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deployment_operations_by_deployment ON deployment_operations (deployment_name, operation_id);
-- One running operation per deployment, across every process using this data folder.
CREATE UNIQUE INDEX deployment_operations_one_running ON deployment_operations (deployment_name) WHERE outcome = 'running';

CREATE TABLE deployment_steps (
  operation_id INTEGER NOT NULL REFERENCES deployment_operations(operation_id) ON DELETE CASCADE,
  step_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled')),
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  detail TEXT,
  PRIMARY KEY (operation_id, step_index)
) WITHOUT ROWID;
`;
