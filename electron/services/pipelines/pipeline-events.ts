// What a pipeline execution tells its watchers while it runs (the CLI's live display, the app's
// Pipelines page): the plan, each stage's state as it changes, the stages' output in batches, and
// the end. Plain serialisable objects, so they can cross IPC and HTTP unchanged.

/** Where a stage stands in an execution. */
export type StageState =
  /** In the plan; waits for the stages it needs. */
  | 'waiting'
  /** Its deps, params and outs are being compared with dvc.lock. */
  | 'checking'
  | 'running'
  /** Its outs are being restored from the cache instead of running it. */
  | 'restoring'
  /** Ran and succeeded. */
  | 'done'
  /** Its outs came from the cache (dvc.lock or the run-cache); its command did not run. */
  | 'restored'
  /** Up to date: nothing to do. */
  | 'skipped'
  /** Frozen: never runs. */
  | 'frozen'
  | 'failed'
  /** Stopped while it ran. */
  | 'killed'
  /** Not run because a stage it needs failed or was stopped. */
  | 'blocked'
  /** Not run because the execution was stopped before it started. */
  | 'cancelled';

/** States a stage ends in. */
export const FINAL_STAGE_STATES: ReadonlySet<StageState> = new Set(['done', 'restored', 'skipped', 'frozen', 'failed', 'killed', 'blocked', 'cancelled']);

/** How an execution ended. */
export type ExecutionStatus = 'succeeded' | 'failed' | 'stopped';

/** A stage in an execution's plan. */
export interface PlannedStage {
  readonly name: string;
  readonly cmd: string;
  /** The stages of the plan it waits for. */
  readonly needs: readonly string[];
}

/** An event of one execution. */
export type PipelineEvent =
  | {
      readonly type: 'execution-started';
      readonly executionId: string;
      readonly projectDir: string;
      /** Where the commands run: the project, or a variant's own copy of it. */
      readonly workspaceDir: string;
      readonly experimentId: string | null;
      readonly parentRunId: string | null;
      readonly stages: readonly PlannedStage[];
    }
  | {
      readonly type: 'stage-state';
      readonly executionId: string;
      readonly stage: string;
      readonly state: StageState;
      /** Why it runs or not, in words ("dep modified: data/raw.csv", "up to date", "restored from the run-cache"). */
      readonly reason: string | null;
      /** The stage's tracked run, once it has one. */
      readonly runId: string | null;
      readonly exitCode: number | null;
      /** Milliseconds since the epoch. */
      readonly at: number;
    }
  | {
      /** A batch of a stage's combined stdout and stderr. */
      readonly type: 'stage-log';
      readonly executionId: string;
      readonly stage: string;
      readonly text: string;
    }
  | { readonly type: 'warning'; readonly executionId: string; readonly message: string }
  | {
      readonly type: 'execution-finished';
      readonly executionId: string;
      readonly status: ExecutionStatus;
      readonly failedStages: readonly string[];
      /** Milliseconds since the epoch. */
      readonly at: number;
    };

/** Receives events. */
export type PipelineEventListener = (event: PipelineEvent) => void;
