// Migration 12: the pipeline projects the user opened in the app (a folder holding a dvc.yaml),
// so that the Pipelines page lists them again after a restart.
export const pipelineProjectsSql = `
CREATE TABLE pipeline_projects (
  project_dir TEXT PRIMARY KEY,
  opened_at INTEGER NOT NULL
);
`;
