// Migration 9: pipeline executions, kept for their history and to compare two of them: one row
// per execution (where it ran, with which options, how it ended, its parent run) and one per
// stage of its plan (its state and why, its run, its exit code, and the params, deps, outs and
// metrics it had, as JSON).
export const pipelineExecutionsSql = `
CREATE TABLE pipeline_executions (
  execution_id TEXT PRIMARY KEY,
  project_dir TEXT NOT NULL,
  workspace_dir TEXT NOT NULL,
  experiment_id TEXT,
  parent_run_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'stopped')),
  options TEXT NOT NULL,
  git_commit TEXT,
  pid INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX pipeline_executions_by_project ON pipeline_executions (project_dir, started_at DESC);
CREATE TABLE pipeline_execution_stages (
  execution_id TEXT NOT NULL REFERENCES pipeline_executions(execution_id) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  position INTEGER NOT NULL,
  cmd TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  run_id TEXT,
  exit_code INTEGER,
  started_at INTEGER,
  ended_at INTEGER,
  params TEXT,
  deps TEXT,
  outs TEXT,
  metrics TEXT,
  PRIMARY KEY (execution_id, stage)
);
`;
