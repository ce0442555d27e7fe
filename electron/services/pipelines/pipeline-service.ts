// The pipelines capability as plain service calls, for the CLI, the app's Pipelines page and a
// continuous-training trigger alike: load and check a project's dvc.yaml, tell what would run and
// why, start an execution (in the project, or as a variant in its own copy with params
// overrides) that reports progress as events and can be stopped, and read back past executions.
// Nothing here imports electron or knows about IPC or HTTP.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { CairnDatabase } from '../database/database';
import type { TrackerStore } from '../tracker/tracker-store';
import { ContentHasher } from './content-hasher';
import { LOCK_FILE, LockFileError, readDvcLock, type DvcLock } from './dvc-lock-file';
import { parseDvcYaml, PIPELINE_FILE } from './dvc-yaml-parser';
import { compareExecutions, type ExecutionComparison } from './execution-comparison';
import { headCommit } from './git-workspace';
import { HashState } from './hash-state';
import { HashingWorkerPool } from './hashing-worker-pool';
import { PipelineDefinitionError, type PipelineIssue, type StageSpec } from './pipeline-definition';
import type { PipelineEvent, PipelineEventListener, PlannedStage } from './pipeline-events';
import { PipelineExecutionStore, type ExecutionRecord } from './pipeline-execution-store';
import { buildPipelineGraph, planStages, type PipelineGraph } from './pipeline-graph';
import { PipelineRunRecorder, type TrackedExecution } from './pipeline-run-recorder';
import { PipelineRunner, type ExecutionResult, type StageSettledListener } from './pipeline-runner';
import {
  applyParamOverrides,
  createVariantWorkspace,
  openWorkspace,
  parseParamOverride,
  pipelinesDataDir,
  type PipelineWorkspace,
} from './pipeline-workspace';
import { DataFileError } from './python-data-file';
import { pyToJson, pythonStr, type PyValue } from './python-value';
import { describeChange, inspectStage, readStageParams } from './stage-status';
import { LocalProcessExecutor, type StageExecutor } from './stage-executor';
import { nextTurn } from '../http/event-loop-turns';
import type {
  ExecutionDetail,
  ParamView,
  PipelineStatus,
  PipelineView,
  StageOutlook,
  StageStatusView,
  StageView,
} from '../../../shared/pipelines';

export type { ExecutionDetail, ParamView, PipelineStatus, PipelineView, StageOutlook, StageStatusView, StageView } from '../../../shared/pipelines';

/** What the service is built on. */
export interface PipelineServiceOptions {
  /** Cairn's data folder: caches of projects without .dvc, hash states, variants' workspaces, logs. */
  readonly dataDir: string;
  /** Where stages are recorded as runs; null leaves them unrecorded. */
  readonly store?: TrackerStore | null;
  /** Where stage logs and plots are stored as artifacts. */
  readonly artifacts?: ArtifactStore | null;
  /** The tracker's database, for the execution history; null keeps no history. */
  readonly database?: CairnDatabase | null;
  /** The MLflow tracking server's address that stages log into (over the same store), when one listens. */
  readonly trackingUri?: () => string | null;
  /** Where stages run; local processes by default. */
  readonly executor?: StageExecutor;
  /** Environment added to every command's (on top of this process's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Hears each stage that settled with its deps and outs hashed (the app records the tabular ones in the data catalog). */
  readonly onStageSettled?: StageSettledListener;
}

/** A project's pipeline, checked and ready to run. */
export interface LoadedPipeline {
  readonly projectDir: string;
  readonly stages: readonly StageSpec[];
  readonly graph: PipelineGraph;
}

/** How to run a pipeline. */
export interface RunOptions {
  /** Stages (or foreach/matrix groups) to run with what they need; all when empty. */
  readonly targets?: readonly string[];
  /** Run the stages even when they are up to date (no restoring from the cache either). */
  readonly force?: boolean;
  /** Run the targets and what follows them, instead of what they need. */
  readonly downstream?: boolean;
  /** Stages run at the same time at most (default: the number of cores). */
  readonly jobs?: number;
  /** Params overrides, `[file:]key=value` as `dvc exp run -S` takes them; they make the execution a variant. */
  readonly setParams?: readonly string[];
  /** Run in a copy of the workspace (implied by setParams), leaving the project as it is. */
  readonly variant?: boolean;
  /** Stops the execution when aborted (as stop() does). */
  readonly signal?: AbortSignal;
  /** Receives this execution's events (service-wide listeners get them too). */
  readonly onEvent?: PipelineEventListener;
}

/** A started execution. */
export interface PipelineExecution {
  readonly executionId: string;
  /** Where its commands run: the project, or the variant's copy. */
  readonly workspaceDir: string;
  readonly plan: readonly PlannedStage[];
  /** Resolves when it has ended (never rejects: failures are in the result). */
  readonly done: Promise<ExecutionResult>;
  /** Stops it: running stages are ended with their process trees, nothing more starts. */
  stop(): void;
}

function commandText(stage: StageSpec): string {
  return typeof stage.cmd === 'string' ? stage.cmd : stage.cmd.join('\n');
}

/** A second in-place execution of the same project while one runs (in this process or another). */
export class PipelineBusyError extends Error {
  constructor(root: string, pid: number) {
    super(`a pipeline is already running in ${root} (process ${pid}); stop it or wait for it to end`);
    this.name = 'PipelineBusyError';
  }
}

/** Takes a workspace's run lock (a file holding this process's id); throws when a live process holds it. */
function acquireRunLock(file: string, root: string): () => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = true;
      } catch (probe) {
        alive = (probe as NodeJS.ErrnoException).code === 'EPERM';
      }
      if (alive && holder !== 0) throw new PipelineBusyError(root, holder);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`cannot take the run lock ${file}`);
}

/** The pipelines service. */
export class PipelineService {
  private readonly pool = new HashingWorkerPool();
  private readonly listeners = new Set<PipelineEventListener>();
  private readonly active = new Map<string, PipelineExecution>();
  private readonly executor: StageExecutor;
  private readonly history: PipelineExecutionStore | null;
  private readonly recorder: PipelineRunRecorder | null;

  constructor(private readonly options: PipelineServiceOptions) {
    this.executor = options.executor ?? new LocalProcessExecutor();
    this.history = options.database ? new PipelineExecutionStore(options.database) : null;
    this.recorder = options.store ? new PipelineRunRecorder(options.store, options.artifacts ?? null) : null;
  }

  /** Registers a listener for the events of every execution; returns the unsubscribe function. */
  onEvent(listener: PipelineEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads and checks a project's dvc.yaml; PipelineDefinitionError lists every problem (file, line, stage). */
  load(projectDir: string): LoadedPipeline {
    const root = path.resolve(projectDir);
    if (!fs.existsSync(path.join(root, PIPELINE_FILE))) {
      throw new PipelineDefinitionError([{ file: PIPELINE_FILE, line: null, stage: null, message: `no ${PIPELINE_FILE} in ${root}` }]);
    }
    const parsed = parseDvcYaml(root);
    if (parsed.issues.length) throw new PipelineDefinitionError(parsed.issues);
    const { graph, issues } = buildPipelineGraph(root, parsed.stages);
    const produced = new Set(parsed.stages.flatMap((stage) => stage.outs.map((out) => out.projectPath)));
    for (const stage of parsed.stages) {
      for (const spec of stage.params) {
        if (produced.has(spec.projectPath) || spec.keys.length === 0) continue;
        let values;
        try {
          values = readStageParams(root, spec);
        } catch (error) {
          if (!(error instanceof DataFileError)) throw error;
          issues.push({ file: error.file, line: error.line, stage: stage.name, message: error.reason });
          continue;
        }
        const missing = values ? spec.keys.filter((key) => !values.has(key)) : [];
        if (missing.length) issues.push({ file: PIPELINE_FILE, line: stage.line, stage: stage.name, message: `Parameters '${missing.join(', ')}' are missing from '${spec.file}'.` });
      }
    }
    if (issues.length) throw new PipelineDefinitionError(issues);
    return { projectDir: root, stages: parsed.stages, graph };
  }

  /** The stages and edges of a project's pipeline, as plain data. */
  describe(projectDir: string): PipelineView {
    const { projectDir: root, graph } = this.load(projectDir);
    const stages = graph.order.map((name): StageView => {
      const stage = graph.stages.get(name)!;
      return {
        name,
        group: stage.group,
        cmd: commandText(stage),
        wdir: stage.wdir,
        desc: stage.desc,
        frozen: stage.frozen,
        alwaysChanged: stage.alwaysChanged,
        deps: stage.deps.map((dep) => dep.path),
        params: stage.params.map((spec) => ({ file: spec.file, keys: [...spec.keys] })),
        outs: stage.outs.map((out) => ({ path: out.path, kind: out.kind, cache: out.cache, persist: out.persist })),
        needs: [...(graph.upstream.get(name) ?? [])],
      };
    });
    return { projectDir: root, stages, edges: stages.flatMap((stage) => stage.needs.map((from) => ({ from, to: stage.name }))) };
  }

  /** The params the stages read, with their values now (a whole tracked file gives its top-level keys). */
  params(projectDir: string): ParamView[] {
    const { projectDir: root, stages } = this.load(projectDir);
    const views = new Map<string, { file: string; key: string; value: PyValue; stages: string[] }>();
    for (const stage of stages) {
      for (const spec of stage.params) {
        const values = readStageParams(root, spec);
        for (const [key, value] of values ?? []) {
          const id = `${spec.projectPath}\0${key}`;
          const view = views.get(id) ?? { file: spec.projectPath, key, value, stages: [] };
          view.stages.push(stage.name);
          views.set(id, view);
        }
      }
    }
    return [...views.values()].map((view) => ({ file: view.file, key: view.key, value: pyToJson(view.value), text: pythonStr(view.value), stages: view.stages }));
  }

  private readLock(workspace: PipelineWorkspace): DvcLock {
    try {
      return readDvcLock(path.join(workspace.root, LOCK_FILE));
    } catch (error) {
      if (error instanceof LockFileError || error instanceof DataFileError) {
        const issue: PipelineIssue =
          error instanceof DataFileError ? { file: LOCK_FILE, line: error.line, stage: null, message: error.reason } : { file: LOCK_FILE, line: null, stage: null, message: error.message.replace(`${LOCK_FILE}: `, '') };
        throw new PipelineDefinitionError([issue]);
      }
      throw error;
    }
  }

  /**
   * A hasher for the workspace. When a stage's dep or out is a folder, a worker starts at once, so
   * that it boots while the hash state and dvc.lock are read rather than when the folder is listed.
   */
  private hasherFor(workspace: PipelineWorkspace, stages: readonly StageSpec[]): ContentHasher {
    const paths = stages.flatMap((stage) => [...stage.deps.map((dep) => dep.projectPath), ...stage.outs.map((out) => out.projectPath)]);
    if (paths.some((item) => fs.statSync(path.resolve(workspace.root, item), { throwIfNoEntry: false })?.isDirectory())) this.pool.warm();
    return new ContentHasher(workspace.root, HashState.load(workspace.stateFile), this.pool);
  }

  /** What would run and why, for the stages a run with these targets would cover. */
  async status(projectDir: string, options: { targets?: readonly string[]; downstream?: boolean } = {}): Promise<PipelineStatus> {
    const pipeline = this.load(projectDir);
    const workspace = openWorkspace(pipeline.projectDir, this.options.dataDir);
    const plan = planStages(pipeline.graph, options.targets ?? [], options.downstream ?? false);
    const hasher = this.hasherFor(workspace, plan.map((name) => pipeline.graph.stages.get(name)!));
    const lock = this.readLock(workspace);
    const planned = new Set(plan);
    const outlooks = new Map<string, StageOutlook>();
    const stages: StageStatusView[] = [];
    for (const name of plan) {
      const stage = pipeline.graph.stages.get(name)!;
      const inspection = await inspectStage(stage, lock.stages.get(name) ?? null, { root: workspace.root, hasher, cache: workspace.cache });
      const needs = stage.frozen ? [] : (pipeline.graph.upstream.get(name) ?? []).filter((need) => planned.has(need));
      let outlook: StageOutlook = 'up-to-date';
      if (stage.frozen) outlook = 'frozen';
      else if (inspection.changes.length) outlook = 'will-run';
      else if (needs.some((need) => outlooks.get(need) === 'will-run' || outlooks.get(need) === 'after-upstream')) outlook = 'after-upstream';
      outlooks.set(name, outlook);
      stages.push({ name, group: stage.group, cmd: commandText(stage), needs, outlook, changes: inspection.changes, reasons: inspection.changes.map(describeChange) });
    }
    hasher.hashState.save();
    return { projectDir: pipeline.projectDir, stages };
  }

  /** Starts an execution; resolves once it runs (invalid pipelines and unknown targets reject before anything runs). */
  async start(projectDir: string, options: RunOptions = {}): Promise<PipelineExecution> {
    let pipeline = this.load(projectDir);
    const overrides = (options.setParams ?? []).map(parseParamOverride);
    const targets = options.targets ?? [];
    let plan = planStages(pipeline.graph, targets, options.downstream ?? false);
    const executionId = randomUUID().replaceAll('-', '');
    const project = openWorkspace(pipeline.projectDir, this.options.dataDir);
    let workspace = project;
    if (overrides.length > 0 || options.variant) {
      workspace = await createVariantWorkspace(project, this.options.dataDir, executionId, pipeline.stages, this.readLock(project));
      try {
        applyParamOverrides(workspace.root, overrides);
        // The overrides may change commands and paths written with ${...}: read the copy's pipeline.
        pipeline = { ...this.load(workspace.root), projectDir: pipeline.projectDir };
        plan = planStages(pipeline.graph, targets, options.downstream ?? false);
      } catch (error) {
        fs.rmSync(workspace.root, { recursive: true, force: true });
        throw error;
      }
    }
    const releaseLock = acquireRunLock(`${workspace.stateFile}.run-lock`, workspace.root);
    try {
      // Read once the run lock is held (no other execution writes it now); an unreadable dvc.lock
      // makes the pipeline invalid: refused before anything runs.
      const lock = this.readLock(workspace);
      return await this.launch(executionId, pipeline, plan, lock, project, workspace, overrides.map((override) => override.text), options, releaseLock);
    } catch (error) {
      releaseLock();
      throw error;
    }
  }

  private async launch(
    executionId: string,
    pipeline: LoadedPipeline,
    plan: readonly string[],
    lock: DvcLock,
    project: PipelineWorkspace,
    workspace: PipelineWorkspace,
    setParams: readonly string[],
    options: RunOptions,
    releaseLock: () => void,
  ): Promise<PipelineExecution> {
    const targets = options.targets ?? [];
    const controller = new AbortController();
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const emit = (event: PipelineEvent): void => {
      options.onEvent?.(event);
      for (const listener of this.listeners) listener(event);
    };
    const plannedStages: PlannedStage[] = plan.map((name) => {
      const stage = pipeline.graph.stages.get(name)!;
      return { name, cmd: commandText(stage), needs: stage.frozen ? [] : (pipeline.graph.upstream.get(name) ?? []).filter((need) => plan.includes(need)) };
    });
    const jobs = Math.max(1, Math.floor(options.jobs ?? os.availableParallelism()));
    const startedAt = Date.now();
    const commit = headCommit(project.projectDir);
    const info = { executionId, projectDir: project.projectDir, workspaceDir: workspace.root, gitCommit: commit, targets, setParams };
    let tracking: TrackedExecution | null = null;
    const warnings: string[] = [];
    try {
      if (this.recorder) tracking = await this.recorder.startExecution(info, startedAt);
    } catch (error) {
      warnings.push(`the execution is not recorded as runs: ${error instanceof Error ? error.message : String(error)}`);
    }
    // Reading the pipeline and creating the parent run took one turn of the event loop; the rest of
    // the bookkeeping takes the next, so the window's calls are served in between.
    await nextTurn();
    try {
      this.history?.startExecution(
        {
          executionId,
          projectDir: pipeline.projectDir,
          workspaceDir: workspace.root,
          experimentId: tracking?.experimentId ?? null,
          parentRunId: tracking?.parentRunId ?? null,
          options: { targets, force: options.force ?? false, downstream: options.downstream ?? false, jobs, setParams: info.setParams },
          gitCommit: commit,
          startedAt,
        },
        plannedStages,
      );
    } catch (error) {
      warnings.push(`the execution is not kept in the history: ${error instanceof Error ? error.message : String(error)}`);
    }
    emit({
      type: 'execution-started',
      executionId,
      projectDir: pipeline.projectDir,
      workspaceDir: workspace.root,
      experimentId: tracking?.experimentId ?? null,
      parentRunId: tracking?.parentRunId ?? null,
      stages: plannedStages,
    });
    for (const message of warnings) emit({ type: 'warning', executionId, message });
    const logDir = path.join(pipelinesDataDir(this.options.dataDir), 'logs', executionId);
    const runner = new PipelineRunner({
      executionId,
      workspace,
      hasher: this.hasherFor(workspace, plan.map((name) => pipeline.graph.stages.get(name)!)),
      graph: pipeline.graph,
      plan,
      lock,
      force: options.force ?? false,
      jobs,
      executor: this.executor,
      env: { ...(process.env as Record<string, string>), ...this.options.env },
      trackingUri: this.options.trackingUri?.() ?? null,
      recorder: this.recorder,
      tracking,
      history: this.history,
      logDir,
      emit,
      onStageSettled: this.options.onStageSettled ?? null,
      signal: controller.signal,
    });
    const done = (async (): Promise<ExecutionResult> => {
      let result: ExecutionResult;
      try {
        result = await runner.run();
      } catch (error) {
        emit({ type: 'warning', executionId, message: `the execution failed: ${error instanceof Error ? error.message : String(error)}` });
        result = { executionId, status: 'failed', failedStages: [], stages: [], experimentId: tracking?.experimentId ?? null, parentRunId: tracking?.parentRunId ?? null };
      } finally {
        releaseLock();
        this.active.delete(executionId);
      }
      const endedAt = Date.now();
      if (tracking && this.recorder) {
        await this.recorder.finishExecution(tracking, result.status, endedAt).catch((error: unknown) => {
          emit({ type: 'warning', executionId, message: `the parent run was not completed: ${error instanceof Error ? error.message : String(error)}` });
        });
      }
      try {
        this.history?.finishExecution(executionId, result.status, endedAt);
      } catch (error) {
        emit({ type: 'warning', executionId, message: `the execution history was not completed: ${error instanceof Error ? error.message : String(error)}` });
      }
      // With artifacts the logs are kept with the runs; without, they stay in the data folder.
      if (this.recorder && this.options.artifacts) fs.rmSync(logDir, { recursive: true, force: true });
      emit({ type: 'execution-finished', executionId, status: result.status, failedStages: result.failedStages, at: endedAt });
      return result;
    })();
    const execution: PipelineExecution = { executionId, workspaceDir: workspace.root, plan: plannedStages, done, stop: () => controller.abort() };
    this.active.set(executionId, execution);
    return execution;
  }

  /** The executions running in this process. */
  runningExecutions(): PipelineExecution[] {
    return [...this.active.values()];
  }

  /** Past and running executions, newest first (of one project when given). */
  listExecutions(projectDir?: string, limit?: number): ExecutionRecord[] {
    return this.requireHistory().listExecutions(projectDir ? path.resolve(projectDir) : null, limit);
  }

  /** An execution with its stages, or null. */
  getExecution(executionId: string): ExecutionDetail | null {
    return this.requireHistory().getExecution(executionId);
  }

  /** Two executions side by side. */
  compareExecutions(a: string, b: string): ExecutionComparison {
    const left = this.getExecution(a);
    const right = this.getExecution(b);
    if (!left || !right) throw new Error(`no execution with id ${!left ? a : b}`);
    return compareExecutions(left, right);
  }

  /** Deletes a finished variant's copy of the workspace (its runs and cached outs stay). */
  removeVariantWorkspace(executionId: string): void {
    const detail = this.getExecution(executionId);
    if (!detail) throw new Error(`no execution with id ${executionId}`);
    if (this.active.has(executionId)) throw new Error('the execution is still running');
    const workspaces = path.join(pipelinesDataDir(this.options.dataDir), 'workspaces');
    if (path.dirname(detail.execution.workspaceDir) !== workspaces) throw new Error('the execution ran in the project itself, not in a copy');
    fs.rmSync(detail.execution.workspaceDir, { recursive: true, force: true });
  }

  private requireHistory(): PipelineExecutionStore {
    if (!this.history) throw new Error('this pipeline service keeps no execution history (it was started without a database)');
    return this.history;
  }

  /** Stops running executions, waits for them, and stops the hashing workers. */
  async close(): Promise<void> {
    const running = [...this.active.values()];
    for (const execution of running) execution.stop();
    await Promise.all(running.map((execution) => execution.done));
    await this.pool.close();
  }
}
