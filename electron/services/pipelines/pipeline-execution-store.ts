// Pipeline executions in SQLite (tables of migration 9, in the tracker's database): written as an
// execution starts, as each stage ends (with the other writes of that turn, so that 50 stages
// found up to date at once cost one commit), and as it finishes, so that the history survives the
// process (the CLI writes while the app may be open; SQLite's WAL lets both read and write). An
// execution still marked running whose process is gone was interrupted.
import type { CairnDatabase, SqliteDatabase } from '../database/database';
import type { ExecutionOptionsRecord, ExecutionRecord, ExecutionStageRecord, ExecutionStatus, StageState } from '../../../shared/pipelines';

export type { ExecutionOptionsRecord, ExecutionRecord, ExecutionStageRecord, HashedPathRecord } from '../../../shared/pipelines';

interface ExecutionRow {
  execution_id: string;
  project_dir: string;
  workspace_dir: string;
  experiment_id: string | null;
  parent_run_id: string | null;
  status: ExecutionRecord['status'];
  options: string;
  git_commit: string | null;
  pid: number;
  started_at: number;
  ended_at: number | null;
}

interface StageRow {
  stage: string;
  position: number;
  cmd: string;
  state: StageState;
  reason: string | null;
  run_id: string | null;
  exit_code: number | null;
  started_at: number | null;
  ended_at: number | null;
  params: string | null;
  deps: string | null;
  outs: string | null;
  metrics: string | null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function json<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Reads and writes executions in the tracker's database. */
export class PipelineExecutionStore {
  private readonly db: SqliteDatabase;
  private readonly updateStageStatement;

  /** Keeps its tables in `database`, which it neither opens nor closes; every write goes through database.write. */
  constructor(private readonly database: CairnDatabase) {
    this.db = database.connection;
    this.updateStageStatement = this.db.prepare(
      `UPDATE pipeline_execution_stages SET state = ?, reason = ?, run_id = ?, exit_code = ?, started_at = ?, ended_at = ?,
         params = ?, deps = ?, outs = ?, metrics = ?
       WHERE execution_id = ? AND stage = ?`,
    );
  }

  /** Records an execution as it starts, with the stages of its plan waiting. */
  startExecution(execution: Omit<ExecutionRecord, 'status' | 'endedAt'>, stages: ReadonlyArray<{ name: string; cmd: string }>): void {
    this.database.write(() => {
        this.db
          .prepare(
            `INSERT INTO pipeline_executions (execution_id, project_dir, workspace_dir, experiment_id, parent_run_id, status, options, git_commit, pid, started_at)
             VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
          )
          .run(
            execution.executionId,
            execution.projectDir,
            execution.workspaceDir,
            execution.experimentId,
            execution.parentRunId,
            JSON.stringify(execution.options),
            execution.gitCommit,
            process.pid,
            execution.startedAt,
          );
        const insert = this.db.prepare(`INSERT INTO pipeline_execution_stages (execution_id, stage, position, cmd, state) VALUES (?, ?, ?, ?, 'waiting')`);
        stages.forEach((stage, position) => insert.run(execution.executionId, stage.name, position, stage.cmd));
    });
  }

  /** Records where a stage ended (or stands), committed with the other writes of this turn; resolves once committed. */
  updateStage(executionId: string, stage: Omit<ExecutionStageRecord, 'position' | 'cmd'>): Promise<void> {
    return this.database.writeGrouped(() => {
      this.updateStageStatement.run(
        stage.state,
        stage.reason,
        stage.runId,
        stage.exitCode,
        stage.startedAt,
        stage.endedAt,
        stage.params === null ? null : JSON.stringify(stage.params),
        stage.deps === null ? null : JSON.stringify(stage.deps),
        stage.outs === null ? null : JSON.stringify(stage.outs),
        stage.metrics === null ? null : JSON.stringify(stage.metrics),
        executionId,
        stage.stage,
      );
    });
  }

  /** Records how an execution ended. */
  finishExecution(executionId: string, status: ExecutionStatus, endedAt: number): void {
    this.database.write(() =>
      this.db.prepare('UPDATE pipeline_executions SET status = ?, ended_at = ? WHERE execution_id = ?').run(status, endedAt, executionId),
    );
  }

  private toRecord(row: ExecutionRow): ExecutionRecord {
    const interrupted = row.status === 'running' && !processAlive(row.pid);
    return {
      executionId: row.execution_id,
      projectDir: row.project_dir,
      workspaceDir: row.workspace_dir,
      experimentId: row.experiment_id,
      parentRunId: row.parent_run_id,
      status: interrupted ? 'interrupted' : row.status,
      options: JSON.parse(row.options) as ExecutionOptionsRecord,
      gitCommit: row.git_commit,
      startedAt: row.started_at,
      endedAt: row.ended_at,
    };
  }

  /** Executions, newest first; of one project when `projectDir` is given. */
  listExecutions(projectDir: string | null, limit = 100): ExecutionRecord[] {
    const rows = projectDir
      ? this.db.prepare<[string, number], ExecutionRow>('SELECT * FROM pipeline_executions WHERE project_dir = ? ORDER BY started_at DESC LIMIT ?').all(projectDir, limit)
      : this.db.prepare<[number], ExecutionRow>('SELECT * FROM pipeline_executions ORDER BY started_at DESC LIMIT ?').all(limit);
    return rows.map((row) => this.toRecord(row));
  }

  /** An execution and its stages in plan order, or null when there is none with that id. */
  getExecution(executionId: string): { execution: ExecutionRecord; stages: ExecutionStageRecord[] } | null {
    const row = this.db.prepare<[string], ExecutionRow>('SELECT * FROM pipeline_executions WHERE execution_id = ?').get(executionId);
    if (!row) return null;
    const stages = this.db
      .prepare<[string], StageRow>('SELECT * FROM pipeline_execution_stages WHERE execution_id = ? ORDER BY position')
      .all(executionId)
      .map(
        (stage): ExecutionStageRecord => ({
          stage: stage.stage,
          position: stage.position,
          cmd: stage.cmd,
          state: stage.state,
          reason: stage.reason,
          runId: stage.run_id,
          exitCode: stage.exit_code,
          startedAt: stage.started_at,
          endedAt: stage.ended_at,
          params: json(stage.params),
          deps: json(stage.deps),
          outs: json(stage.outs),
          metrics: json(stage.metrics),
        }),
      );
    return { execution: this.toRecord(row), stages };
  }
}
