// Pipelines as the main side reports them and the renderer (and the CLI) show them: a project's
// stages and edges, its params, what would run and why, the events of a running execution, and
// past executions with their stages. Plain readonly types (and one constant), no behaviour.

/** Where a stage stands in an execution. */
export type StageState =
  /** In the plan; waits for the stages it needs, or (checked and due to run) for one of the --jobs slots. */
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

/** A problem that makes a pipeline invalid, with where it is. */
export interface PipelineIssue {
  readonly file: string;
  readonly line: number | null;
  /** The stage it concerns, when it concerns one. */
  readonly stage: string | null;
  readonly message: string;
}

/** How an entry differs from dvc.lock, in DVC's words. */
export type EntryStatus = 'modified' | 'deleted' | 'new' | 'not in cache';

/** One reason a stage is not up to date. */
export type StageChange =
  | { readonly kind: 'command' }
  | { readonly kind: 'always-changed' }
  | { readonly kind: 'dep'; readonly path: string; readonly status: EntryStatus }
  /** `key` is null when the whole params file is new or deleted. */
  | { readonly kind: 'param'; readonly file: string; readonly key: string | null; readonly status: EntryStatus }
  | { readonly kind: 'out'; readonly path: string; readonly status: EntryStatus };

/** What a stage would do if the pipeline ran now. */
export type StageOutlook =
  | 'up-to-date'
  | 'will-run'
  /** Up to date itself, but after a stage it needs, which will run: it runs if that stage's outs change. */
  | 'after-upstream'
  | 'frozen';

/** One stage in a status. */
export interface StageStatusView {
  readonly name: string;
  readonly group: string | null;
  readonly cmd: string;
  readonly needs: readonly string[];
  readonly outlook: StageOutlook;
  readonly changes: readonly StageChange[];
  /** The changes in words. */
  readonly reasons: readonly string[];
}

/** What `dvc status` tells, for each stage of a plan. */
export interface PipelineStatus {
  readonly projectDir: string;
  readonly stages: readonly StageStatusView[];
}

/** A stage as the DAG view shows it. */
export interface StageView {
  readonly name: string;
  readonly group: string | null;
  readonly cmd: string;
  readonly wdir: string;
  readonly desc: string | null;
  readonly frozen: boolean;
  readonly alwaysChanged: boolean;
  readonly deps: readonly string[];
  readonly params: ReadonlyArray<{ readonly file: string; readonly keys: readonly string[] }>;
  readonly outs: ReadonlyArray<{ readonly path: string; readonly kind: 'out' | 'metric' | 'plot'; readonly cache: boolean; readonly persist: boolean }>;
  /** The stages whose outs it reads. */
  readonly needs: readonly string[];
}

/** A pipeline's stages in dependency order and its edges (`from` is read by `to`). */
export interface PipelineView {
  readonly projectDir: string;
  readonly stages: readonly StageView[];
  readonly edges: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

/** A tracked param with its current value and the stages that read it. */
export interface ParamView {
  /** The params file, relative to the project root. */
  readonly file: string;
  /** Dotted key. */
  readonly key: string;
  /** The value as plain JSON. */
  readonly value: unknown;
  /** The value as Python prints it, which is also how to write it in an override (`0.01`, `True` is `true`). */
  readonly text: string;
  readonly stages: readonly string[];
}

/** A project's pipeline as the Pipelines page opens it: its stages and params, or why it cannot run. */
export interface PipelineOverview {
  readonly projectDir: string;
  /** Null when the pipeline is invalid (then `issues` says why). */
  readonly pipeline: PipelineView | null;
  readonly params: readonly ParamView[];
  /** What makes the pipeline invalid, each with its file, line and stage; empty when it is valid. */
  readonly issues: readonly PipelineIssue[];
}

/** A project folder the user opened in the app (or ran from the CLI). */
export interface PipelineProject {
  readonly projectDir: string;
  /** The folder's name. */
  readonly name: string;
  /** Milliseconds since the epoch when it was opened in the app; null for one only run from the CLI. */
  readonly openedAt: number | null;
  /** When its newest execution started, if any. */
  readonly lastExecutionAt: number | null;
  /** Whether the folder still holds a dvc.yaml. */
  readonly hasPipeline: boolean;
}

/** The projects list, and whether this app can show a folder picker (the desktop app can; the browser mode takes a typed path). */
export interface PipelineProjects {
  readonly projects: readonly PipelineProject[];
  readonly folderPicker: boolean;
}

/** The options an execution was started with. */
export interface ExecutionOptionsRecord {
  readonly targets: readonly string[];
  readonly force: boolean;
  readonly downstream: boolean;
  readonly jobs: number;
  /** Params overrides as written (`train.lr=0.01`); a variant when there are any. */
  readonly setParams: readonly string[];
}

/** An execution as recorded. */
export interface ExecutionRecord {
  readonly executionId: string;
  readonly projectDir: string;
  readonly workspaceDir: string;
  readonly experimentId: string | null;
  readonly parentRunId: string | null;
  /** 'interrupted' when it was marked running but its process is gone. */
  readonly status: ExecutionStatus | 'running' | 'interrupted';
  readonly options: ExecutionOptionsRecord;
  readonly gitCommit: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

/** A dep or out with its hash, as recorded. */
export interface HashedPathRecord {
  readonly path: string;
  readonly md5: string | null;
  readonly size: number | null;
  readonly nfiles?: number;
}

/** A stage of an execution as recorded. */
export interface ExecutionStageRecord {
  readonly stage: string;
  readonly position: number;
  readonly cmd: string;
  readonly state: StageState;
  readonly reason: string | null;
  readonly runId: string | null;
  readonly exitCode: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** Param values by params file. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>> | null;
  readonly deps: readonly HashedPathRecord[] | null;
  readonly outs: readonly HashedPathRecord[] | null;
  /** Metrics read from its metrics files. */
  readonly metrics: Readonly<Record<string, number>> | null;
}

/** An execution and its stages, as recorded (a running one's stages as they stand now). */
export interface ExecutionDetail {
  readonly execution: ExecutionRecord;
  readonly stages: readonly ExecutionStageRecord[];
}

/** A value that differs between two executions (undefined: absent on that side). */
export interface ValueChange {
  readonly key: string;
  readonly a: unknown;
  readonly b: unknown;
}

/** One stage of two executions compared. */
export interface StageComparison {
  readonly stage: string;
  readonly a: ExecutionStageRecord | null;
  readonly b: ExecutionStageRecord | null;
  readonly stateChanged: boolean;
  readonly params: readonly ValueChange[];
  readonly metrics: readonly ValueChange[];
  /** Outs whose md5 differs (or that only one side has). */
  readonly outs: readonly string[];
}

/** Two executions compared, stage by stage (in the order of `a`, then stages only `b` has). */
export interface ExecutionComparison {
  readonly a: ExecutionRecord;
  readonly b: ExecutionRecord;
  readonly stages: readonly StageComparison[];
}

/** The end of a stage's output, as far as it is kept. */
export interface StageLogTail {
  readonly text: string;
  /** Bytes of output before `text` that are not in it (0: `text` is the whole output so far). */
  readonly omittedBytes: number;
  /** Whether the stage may still write more (its execution runs in this app). */
  readonly live: boolean;
}
