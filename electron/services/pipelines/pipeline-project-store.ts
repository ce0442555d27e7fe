// The pipeline projects the user opened in the app (table of migration 12), listed with the
// projects that only have executions (run from the CLI), newest activity first.
import fs from 'node:fs';
import path from 'node:path';
import type { PipelineProject } from '../../../shared/pipelines';
import type { CairnDatabase } from '../database/database';
import { PIPELINE_FILE } from './dvc-yaml-parser';

interface ProjectRow {
  project_dir: string;
  opened_at: number | null;
  last_execution_at: number | null;
}

/** Reads and writes the opened projects in the tracker's database. */
export class PipelineProjectStore {
  /** Keeps its table in `database`, which it neither opens nor closes. */
  constructor(private readonly database: CairnDatabase) {}

  /** Records that `projectDir` (an absolute path) was opened now; opening it again moves it to the top. */
  open(projectDir: string, at: number): void {
    this.database.write(() =>
      this.database.connection
        .prepare('INSERT INTO pipeline_projects (project_dir, opened_at) VALUES (?, ?) ON CONFLICT (project_dir) DO UPDATE SET opened_at = excluded.opened_at')
        .run(projectDir, at),
    );
  }

  /** Forgets an opened project (its executions stay in the history); returns whether it was listed. */
  close(projectDir: string): boolean {
    return this.database.write(() => this.database.connection.prepare('DELETE FROM pipeline_projects WHERE project_dir = ?').run(projectDir).changes > 0);
  }

  /** The opened projects and those with executions, most recently opened or run first. */
  list(): PipelineProject[] {
    const rows = this.database.read(() =>
      this.database.connection
        .prepare<[], ProjectRow>(
          `SELECT p.project_dir, p.opened_at, (SELECT MAX(started_at) FROM pipeline_executions e WHERE e.project_dir = p.project_dir) AS last_execution_at
             FROM pipeline_projects p
           UNION ALL
           SELECT project_dir, NULL, MAX(started_at) FROM pipeline_executions
            WHERE project_dir NOT IN (SELECT project_dir FROM pipeline_projects) GROUP BY project_dir`,
        )
        .all(),
    );
    return rows
      .map((row) => ({
        projectDir: row.project_dir,
        name: path.basename(row.project_dir),
        openedAt: row.opened_at,
        lastExecutionAt: row.last_execution_at,
        hasPipeline: fs.existsSync(path.join(row.project_dir, PIPELINE_FILE)),
      }))
      .sort((a, b) => Math.max(b.openedAt ?? 0, b.lastExecutionAt ?? 0) - Math.max(a.openedAt ?? 0, a.lastExecutionAt ?? 0));
  }
}
