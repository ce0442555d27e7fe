// Runs the stages of a plan as `dvc repro` would decide them, independent stages at the same time
// (up to `jobs` restoring or running commands; checking a stage takes no slot, so a pipeline found
// up to date is checked, and its skipped runs recorded, all at once, in one commit). For each
// stage, once the stages it needs have ended well:
//   1. compare it with dvc.lock (its command, deps, params and outs);
//   2. up to date: skip it. Frozen: never run it (a frozen stage whose outs changed gets them
//      recorded, as DVC does);
//   3. else delete its outs (unless persist) and, unless forced, restore them from the cache when
//      dvc.lock or the run-cache holds an entry for exactly these inputs ("is cached - skipping
//      run, checking out outputs");
//   4. else run its commands, streaming their output;
//   5. on success hash its outs, store them in the cache, record the run-cache entry, write its
//      entry into dvc.lock (so an interrupted run resumes where it stopped) and its .gitignore lines.
// A failing stage blocks what depends on it while the others finish; its dvc.lock entry and outs
// are left alone. Stopping ends running stages (their whole process tree), removes their partial
// outs and starts nothing more. Every stage is recorded as a run and in the execution history.
import fs from 'node:fs';
import path from 'node:path';
import type { ContentHasher, PathDigest } from './content-hasher';
import { runCacheKey } from './dvc-cache';
import { dvcLockText, LOCK_FILE, lockEntry, stageRunKeyEntry, type DvcLock, type LockedStage } from './dvc-lock-file';
import { nextTurn } from '../http/event-loop-turns';
import { ignoreOut } from './git-workspace';
import { readMetricsFile, type MetricFilePoint } from './metrics-file-reader';
import { lastLinesOfPieces } from './output-tail';
import type { StageSpec } from './pipeline-definition';
import { FINAL_STAGE_STATES, type ExecutionStatus, type PipelineEvent, type StageState } from './pipeline-events';
import type { PipelineExecutionStore } from './pipeline-execution-store';
import type { PipelineGraph } from './pipeline-graph';
import { hashedPaths, type PipelineRunRecorder, type StageRun, type TrackedExecution } from './pipeline-run-recorder';
import type { PipelineWorkspace } from './pipeline-workspace';
import { isPyList, isPyMap, pyToJson, type PyMap, type PyValue } from './python-value';
import type { StageExecutor, StageOutcome } from './stage-executor';
import { describeChange, inputsUnchanged, inspectStage, MissingParamsError, readStageParams, type StageInspection } from './stage-status';

/** Lines of a stage's output kept for the summary of a failure. */
const TAIL_LINES = 20;
/** How often a stage's output is sent to watchers, at most. */
const LOG_FLUSH_MS = 50;
const LOG_FLUSH_BYTES = 64 * 1024;

/** How one stage of an execution ended. */
export interface StageResult {
  readonly name: string;
  readonly state: StageState;
  readonly reason: string | null;
  readonly runId: string | null;
  readonly exitCode: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** The last lines of its output (for a failure's summary). */
  readonly outputTail: readonly string[];
}

/** How an execution ended. */
export interface ExecutionResult {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly failedStages: readonly string[];
  readonly stages: readonly StageResult[];
  readonly experimentId: string | null;
  readonly parentRunId: string | null;
}

/** A dep or out of a settled stage with the digest the runner computed for it (DVC's md5; a folder's ends in `.dir`). */
export interface SettledStagePath {
  /** As dvc.yaml names it. */
  readonly path: string;
  /** From the project folder, with '/' separators (absolute when it lies outside the project). */
  readonly projectPath: string;
  readonly absolute: string;
  readonly kind: 'file' | 'dir';
  readonly md5: string;
}

/** A stage that ended with its deps and outs hashed (done, restored, frozen or up to date). */
export interface SettledStage {
  readonly executionId: string;
  /** The user's project (the folder holding dvc.yaml). */
  readonly projectDir: string;
  /** Where the stage ran: the project, or a variant's copy of it. */
  readonly workspaceDir: string;
  readonly stage: string;
  readonly state: StageState;
  /** Its run in the tracker; null when the execution is not tracked. */
  readonly runId: string | null;
  readonly deps: readonly SettledStagePath[];
  readonly outs: readonly SettledStagePath[];
}

/** Hears each stage that settled with its deps and outs hashed; the execution ends once the promise it returns settles. */
export type StageSettledListener = (stage: SettledStage) => void | Promise<void>;

/** Everything a runner needs. */
export interface PipelineRunnerInput {
  readonly executionId: string;
  readonly workspace: PipelineWorkspace;
  readonly hasher: ContentHasher;
  readonly graph: PipelineGraph;
  /** The stages to cover, in dependency order. */
  readonly plan: readonly string[];
  /** dvc.lock as the execution found it. */
  readonly lock: DvcLock;
  readonly force: boolean;
  readonly jobs: number;
  readonly executor: StageExecutor;
  /** The environment of the commands (DVC_* and MLFLOW_* are added per stage). */
  readonly env: Readonly<Record<string, string>>;
  /** The MLflow tracking server stages log into; null leaves MLFLOW_* as they are. */
  readonly trackingUri: string | null;
  readonly recorder: PipelineRunRecorder | null;
  readonly tracking: TrackedExecution | null;
  readonly history: PipelineExecutionStore | null;
  /** A folder for the stages' log files. */
  readonly logDir: string;
  readonly emit: (event: PipelineEvent) => void;
  /** Called when a stage settles with its deps and outs hashed (the data catalog records the tabular ones). */
  readonly onStageSettled?: StageSettledListener | null;
  readonly signal: AbortSignal;
}

/** Whether DVC would look up and restore a stage from the cache (dvc/stage/cache.py `_can_hash`). */
function canRestore(stage: StageSpec): boolean {
  return !stage.alwaysChanged && stage.deps.length + stage.params.length > 0 && stage.outs.length > 0 && !stage.outs.some((out) => out.persist);
}

/** Whether DVC records a run-cache entry after the stage: not when an out that is not a metric or plot has `cache: false`. */
function savesRunCache(stage: StageSpec): boolean {
  return canRestore(stage) && !stage.outs.some((out) => !out.cache && out.kind === 'out');
}

/** At most `size` holders at once; the others wait in turn. */
class JobSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  /** A free slot's release function, or null when none is free. */
  tryAcquire(): (() => void) | null {
    if (this.free === 0) return null;
    this.free--;
    return this.releaser();
  }

  /** Waits for a slot; resolves with the function that gives it back. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const granted = this.tryAcquire();
      if (granted) resolve(granted);
      else this.waiting.push(() => resolve(this.releaser()));
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter, else it is free again.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

/** Characters of a stage's output kept for its last lines at most (a line without an end cannot grow it past this). */
const RECENT_OUTPUT_CHARS = 64 * 1024;

/**
 * A stage's output: written to its log file, its last lines kept, sent to watchers in batches.
 * The file gets the bytes the stage wrote through a stream, on libuv's thread pool: a synchronous
 * write per chunk held the main thread (and the window) for as long as the disk took, up to 50 ms
 * a chunk on a busy disk, and encoding the text back to bytes cost more than decoding it.
 */
class StageOutput {
  private readonly stream: fs.WriteStream;
  /** The first error writing the log file; the output still reaches watchers and the tail. */
  private writeError: Error | null = null;
  private pending = '';
  private timer: NodeJS.Timeout | null = null;
  /** The end of the output: its last TAIL_LINES lines and the line being written (found from the end, not by splitting every chunk or joining it to the end). */
  private recent = '';
  private closed = false;

  constructor(
    readonly file: string,
    private readonly send: (text: string) => void,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Opened here, so a log file that cannot be created fails the stage before its command starts, as before.
    this.stream = fs.createWriteStream(file, { fd: fs.openSync(file, 'w') });
    this.stream.on('error', (error) => {
      this.writeError ??= error;
    });
  }

  /** The last lines of the output (and, once closed, its unterminated last line). */
  get tail(): string[] {
    const lines = this.recent.split('\n');
    const partial = lines.pop()!;
    if (this.closed && partial) lines.push(partial);
    return lines.slice(-TAIL_LINES);
  }

  /** Takes a chunk: its bytes go to the log file as they are (no encoding back from the text), its text to the tail and the watchers. */
  write(text: string, bytes: Uint8Array): void {
    if (bytes.length > 0 && !this.writeError) this.stream.write(bytes);
    if (!text) return;
    this.recent = lastLinesOfPieces([this.recent, text], TAIL_LINES, RECENT_OUTPUT_CHARS);
    // A batch stays within LOG_FLUSH_BYTES unless one piece is larger (see output-tail.ts on large strings).
    if (this.pending.length + text.length > LOG_FLUSH_BYTES) this.flush();
    this.pending += text;
    if (this.pending.length >= LOG_FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending) this.send(this.pending);
    this.pending = '';
  }

  /** Sends what is pending and waits until the log file holds all the output; the error writing it, if one happened. */
  async close(): Promise<Error | null> {
    this.flush();
    this.closed = true;
    if (!this.stream.destroyed) {
      await new Promise<void>((resolve) =>
        this.stream.end((error?: Error | null) => {
          if (error) this.writeError ??= error;
          resolve();
        }),
      );
    }
    return this.writeError;
  }
}

/** One execution of a plan. */
export class PipelineRunner {
  private readonly lockPath: string;
  private lock: DvcLock;
  private readonly lockUpdates = new Map<string, PyMap>();
  private lockText: string | null = null;
  private readonly results = new Map<string, StageResult>();
  private readonly running = new Set<{ stop(): void }>();
  private readonly planned: ReadonlySet<string>;
  private readonly slots: JobSlots;
  /** History writes not yet committed; the run ends once they are. */
  private readonly pendingWrites = new Set<Promise<unknown>>();

  constructor(private readonly input: PipelineRunnerInput) {
    this.lockPath = path.join(input.workspace.root, LOCK_FILE);
    this.lock = input.lock;
    this.planned = new Set(input.plan);
    this.slots = new JobSlots(Math.max(1, input.jobs));
    input.signal.addEventListener('abort', () => {
      for (const process of this.running) process.stop();
    });
  }

  /** The stages of the plan a stage waits for (a frozen stage waits for none, as in DVC's active graph). */
  needs(name: string): string[] {
    const stage = this.input.graph.stages.get(name)!;
    if (stage.frozen) return [];
    return (this.input.graph.upstream.get(name) ?? []).filter((need) => this.planned.has(need));
  }

  /** Runs the plan to its end (or until stopped). */
  async run(): Promise<ExecutionResult> {
    const { plan } = this.input;
    const waiting = new Set(plan);
    const active = new Map<string, Promise<void>>();
    while (waiting.size > 0 || active.size > 0) {
      for (const name of [...waiting]) {
        const needs = this.needs(name);
        if (!needs.every((need) => this.results.has(need) && FINAL_STAGE_STATES.has(this.results.get(need)!.state))) continue;
        waiting.delete(name);
        const bad = needs.find((need) => !['done', 'restored', 'skipped', 'frozen'].includes(this.results.get(need)!.state));
        if (this.input.signal.aborted) {
          this.settle(name, { state: 'cancelled', reason: 'the execution was stopped before it started' });
        } else if (bad) {
          this.settle(name, { state: 'blocked', reason: `stage '${bad}' it needs did not succeed` });
        } else {
          const work = this.processStage(name)
            .catch((error: unknown) => {
              this.settle(name, { state: 'failed', reason: error instanceof Error ? error.message : String(error) });
            })
            .finally(() => active.delete(name));
          active.set(name, work);
        }
      }
      if (active.size > 0) await Promise.race(active.values());
      else if (waiting.size > 0 && ![...waiting].some((name) => this.needs(name).every((need) => this.results.has(need)))) break;
    }
    this.input.hasher.hashState.save();
    await Promise.all(this.pendingWrites);
    const stages = plan.map((name) => this.results.get(name) ?? this.blank(name, 'cancelled', null));
    const failedStages = stages.filter((stage) => stage.state === 'failed' || stage.state === 'killed').map((stage) => stage.name);
    const status: ExecutionStatus = this.input.signal.aborted ? 'stopped' : stages.some((s) => s.state === 'failed' || s.state === 'blocked') ? 'failed' : 'succeeded';
    return {
      executionId: this.input.executionId,
      status,
      failedStages,
      stages,
      experimentId: this.input.tracking?.experimentId ?? null,
      parentRunId: this.input.tracking?.parentRunId ?? null,
    };
  }

  private blank(name: string, state: StageState, reason: string | null): StageResult {
    return { name, state, reason, runId: null, exitCode: null, startedAt: null, endedAt: null, outputTail: [] };
  }

  private emitState(name: string, state: StageState, reason: string | null, runId: string | null = null, exitCode: number | null = null): void {
    this.input.emit({ type: 'stage-state', executionId: this.input.executionId, stage: name, state, reason, runId, exitCode, at: Date.now() });
  }

  private warn(message: string): void {
    this.input.emit({ type: 'warning', executionId: this.input.executionId, message });
  }

  /** Runs a write to the tracker or the history; a failure there is reported and does not stop the pipeline. */
  private async safely<T>(what: string, work: () => Promise<T> | T): Promise<T | null> {
    try {
      return await work();
    } catch (error) {
      this.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  /** Records a stage's end: the result, the event, the history row. */
  private settle(
    name: string,
    outcome: { state: StageState; reason: string | null; runId?: string | null; exitCode?: number | null; startedAt?: number | null; tail?: readonly string[] },
    details?: { params: ReadonlyMap<string, PyMap | null>; deps: ReadonlyMap<string, PathDigest | null>; outs: ReadonlyMap<string, PathDigest | null>; metrics: readonly MetricFilePoint[] },
  ): StageResult {
    const stage = this.input.graph.stages.get(name)!;
    const result: StageResult = {
      name,
      state: outcome.state,
      reason: outcome.reason,
      runId: outcome.runId ?? null,
      exitCode: outcome.exitCode ?? null,
      startedAt: outcome.startedAt ?? null,
      endedAt: Date.now(),
      outputTail: outcome.tail ?? [],
    };
    this.results.set(name, result);
    this.emitState(name, result.state, result.reason, result.runId, result.exitCode);
    const history = this.input.history;
    if (history) {
      const written = this.safely('the execution history was not updated', () =>
        history.updateStage(this.input.executionId, {
          stage: name,
          state: result.state,
          reason: result.reason,
          runId: result.runId,
          exitCode: result.exitCode,
          startedAt: result.startedAt,
          endedAt: result.endedAt,
          params: details ? Object.fromEntries([...details.params].map(([file, values]) => [file, (values ? pyToJson(values) : {}) as Record<string, unknown>])) : null,
          deps: details ? hashedPaths(stage.deps.map((dep) => dep.path), details.deps) : null,
          outs: details ? hashedPaths(stage.outs.map((out) => out.path), details.outs) : null,
          metrics: details ? Object.fromEntries(details.metrics.filter((point) => point.step === 0).map((point) => [point.key, point.value])) : null,
        }),
      );
      this.track(written);
    }
    const listener = this.input.onStageSettled;
    if (listener && details) {
      const settled: SettledStage = {
        executionId: this.input.executionId,
        projectDir: this.input.workspace.projectDir,
        workspaceDir: this.input.workspace.root,
        stage: name,
        state: result.state,
        runId: result.runId,
        deps: this.settledPaths(stage.deps, details.deps),
        outs: this.settledPaths(stage.outs, details.outs),
      };
      this.track(this.safely(`the data of stage '${name}' was not recorded`, () => listener(settled)));
    }
    return result;
  }

  /** Keeps a write pending until it settles, so the run ends after it. */
  private track(write: Promise<unknown>): void {
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }

  private settledPaths(specs: ReadonlyArray<{ path: string; projectPath: string }>, digests: ReadonlyMap<string, PathDigest | null>): SettledStagePath[] {
    return specs.flatMap((spec) => {
      const digest = digests.get(spec.path);
      return digest ? [{ path: spec.path, projectPath: spec.projectPath, absolute: this.absolute(spec.projectPath), kind: digest.kind, md5: digest.md5 }] : [];
    });
  }

  private absolute(projectPath: string): string {
    return path.isAbsolute(projectPath) ? projectPath : path.join(this.input.workspace.root, projectPath);
  }

  private removeOuts(stage: StageSpec, includePersist: boolean): void {
    for (const out of stage.outs) if (includePersist || !out.persist) fs.rmSync(this.absolute(out.projectPath), { recursive: true, force: true });
  }

  private writeLock(name: string, entry: PyMap): void {
    this.lockUpdates.set(name, entry);
    const text = dvcLockText(this.lock, this.lockUpdates);
    if (text === this.lockText) return;
    const temporary = `${this.lockPath}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, this.lockPath);
    this.lockText = text;
  }

  private async processStage(name: string): Promise<void> {
    const stage = this.input.graph.stages.get(name)!;
    const { workspace, hasher } = this.input;
    this.emitState(name, 'checking', null);
    const locked = this.lock.stages.get(name) ?? null;
    const inspection = await inspectStage(stage, locked, { root: workspace.root, hasher, cache: workspace.cache });
    const startedAt = Date.now();
    if (this.input.signal.aborted) {
      this.settle(name, { state: 'cancelled', reason: 'the execution was stopped before it started' });
      return;
    }
    if (stage.frozen) {
      if (inspection.changes.length === 0) {
        await this.finishWithoutCommand(stage, inspection, 'frozen', 'frozen', startedAt);
        return;
      }
      // DVC verifies a changed frozen stage's outs and records them, without running it.
      const missing = stage.outs.filter((out) => inspection.outs.get(out.path) === null);
      if (missing.length) {
        this.settle(name, { state: 'failed', reason: `frozen stage: missing outputs ${missing.map((out) => `'${out.path}'`).join(', ')}`, startedAt });
        return;
      }
      await this.complete(stage, { state: 'frozen', reason: 'frozen; dvc.lock updated with its outputs as they are', startedAt, run: null, exitCode: null, output: null });
      return;
    }
    if (!this.input.force && inspection.changes.length === 0) {
      await this.finishWithoutCommand(stage, inspection, 'skipped', 'up to date', startedAt);
      return;
    }
    const why = this.input.force ? 'forced' : inspection.changes.map(describeChange).join('; ');
    const release = await this.takeSlot(name, why);
    try {
      if (this.input.signal.aborted) {
        this.settle(name, { state: 'cancelled', reason: 'the execution was stopped before it started', startedAt });
        return;
      }
      await this.restoreOrExecute(stage, inspection, why, Date.now());
    } finally {
      release();
    }
  }

  /** One of the --jobs slots; the stage shows as waiting for it when none is free. */
  private async takeSlot(name: string, why: string): Promise<() => void> {
    const free = this.slots.tryAcquire();
    if (free) return free;
    this.emitState(name, 'waiting', `${why}; waiting for a free job slot (--jobs ${this.input.jobs})`);
    return this.slots.acquire();
  }

  private async restoreOrExecute(stage: StageSpec, inspection: StageInspection, why: string, startedAt: number): Promise<void> {
    this.removeOuts(stage, false);
    if (!this.input.force && canRestore(stage)) {
      const restoredFrom = await this.restore(stage, inspection);
      if (restoredFrom) {
        await this.complete(stage, { state: 'restored', reason: `${why}; restored from ${restoredFrom}`, startedAt, run: null, exitCode: null, output: null });
        return;
      }
    }
    await this.execute(stage, inspection, why, startedAt);
  }

  /** Restores a stage's outs from the cache: from dvc.lock when its inputs are unchanged, else from the run-cache. */
  private async restore(stage: StageSpec, inspection: StageInspection): Promise<string | null> {
    const cache = this.input.workspace.cache;
    const fromLock = inspection.locked && inputsUnchanged(inspection) ? this.lockedOuts(stage, inspection.locked) : null;
    let source = fromLock ? 'the cache (dvc.lock)' : null;
    let outs = fromLock;
    if (!outs && [...inspection.deps.values()].every((digest) => digest !== null) && [...inspection.params.values()].every((values) => values !== null)) {
      const key = runCacheKey(stageRunKeyEntry(stage, inspection.deps as ReadonlyMap<string, PathDigest>, inspection.params as ReadonlyMap<string, PyMap>));
      const entry = cache.findRun(key);
      if (entry) {
        outs = this.entryOuts(stage, entry.get('outs'));
        source = 'the run-cache';
      }
    }
    if (!outs || ![...outs.values()].every((out) => cache.has(out.md5))) return null;
    this.emitState(stage.name, 'restoring', `restoring from ${source}`);
    for (const out of stage.outs) {
      const cached = outs.get(out.path)!;
      if (!(await cache.checkout(cached.md5, this.absolute(out.projectPath), cached.isExec))) return null;
    }
    return source;
  }

  private lockedOuts(stage: StageSpec, locked: LockedStage): Map<string, { md5: string; isExec: boolean }> | null {
    const outs = new Map<string, { md5: string; isExec: boolean }>();
    for (const out of stage.outs) {
      const item = locked.outs.get(out.path);
      if (!item?.md5) return null;
      const rawOuts = locked.raw.get('outs');
      const raw = isPyList(rawOuts) ? rawOuts.find((entry) => isPyMap(entry) && entry.get('path') === out.path) : undefined;
      outs.set(out.path, { md5: item.md5, isExec: isPyMap(raw) && raw.get('isexec') === true });
    }
    return outs;
  }

  private entryOuts(stage: StageSpec, value: PyValue | undefined): Map<string, { md5: string; isExec: boolean }> | null {
    if (!isPyList(value)) return null;
    const byPath = new Map<string, { md5: string; isExec: boolean }>();
    for (const entry of value) {
      if (!isPyMap(entry)) continue;
      const itemPath = entry.get('path');
      const md5 = entry.get('md5');
      if (typeof itemPath === 'string' && typeof md5 === 'string') byPath.set(itemPath, { md5, isExec: entry.get('isexec') === true });
    }
    return stage.outs.every((out) => byPath.has(out.path)) ? byPath : null;
  }

  /** An up-to-date or unchanged frozen stage: a finished run that says so. */
  private async finishWithoutCommand(stage: StageSpec, inspection: StageInspection, state: 'skipped' | 'frozen', reason: string, startedAt: number): Promise<void> {
    const metrics = this.readMetrics(stage);
    const { recorder, tracking } = this.input;
    let runId: string | null = null;
    if (recorder && tracking) {
      const record = { stage, state, reason, exitCode: null, endedAt: Date.now(), deps: inspection.deps, outs: inspection.outs, metrics, plots: [], logFile: null, workspaceRoot: this.input.workspace.root };
      runId = await this.safely(`the run of stage '${stage.name}' was not recorded`, () => recorder.recordStageWithoutCommand(tracking, inspection.params, startedAt, record));
    }
    this.settle(stage.name, { state, reason, runId, startedAt }, { params: inspection.params, deps: inspection.deps, outs: inspection.outs, metrics });
  }

  private async startRun(stage: StageSpec, params: ReadonlyMap<string, PyMap | null>, startedAt: number): Promise<StageRun | null> {
    const { recorder, tracking } = this.input;
    if (!recorder || !tracking) return null;
    return this.safely(`the run of stage '${stage.name}' was not created`, () => recorder.startStageRun(tracking, stage, params, startedAt));
  }

  private async finishRun(
    stage: StageSpec,
    run: StageRun,
    state: StageState,
    reason: string | null,
    exitCode: number | null,
    deps: ReadonlyMap<string, PathDigest | null>,
    outs: ReadonlyMap<string, PathDigest | null>,
    metrics: ReadonlyArray<MetricFilePoint & { file: string }>,
    logFile: string | null,
  ): Promise<void> {
    const recorder = this.input.recorder;
    if (!recorder) return;
    const plots = stage.outs.filter((out) => out.kind === 'plot').map((out) => ({ absolute: this.absolute(out.projectPath), projectPath: out.projectPath }));
    const warnings = await this.safely(`the run of stage '${stage.name}' was not completed`, () =>
      recorder.finishStageRun(run, { stage, state, reason, exitCode, endedAt: Date.now(), deps, outs, metrics, plots, logFile, workspaceRoot: this.input.workspace.root }),
    );
    for (const warning of warnings ?? []) this.warn(warning);
  }

  private readMetrics(stage: StageSpec): Array<MetricFilePoint & { file: string }> {
    const points: Array<MetricFilePoint & { file: string }> = [];
    for (const out of stage.outs) {
      if (out.kind !== 'metric') continue;
      const absolute = this.absolute(out.projectPath);
      if (!fs.existsSync(absolute) || !fs.statSync(absolute).isFile()) continue;
      try {
        for (const point of readMetricsFile(absolute, out.projectPath)) points.push({ ...point, file: out.path });
      } catch (error) {
        this.warn(`metrics file '${out.projectPath}' of stage '${stage.name}' could not be read: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return points;
  }

  private async execute(stage: StageSpec, inspection: StageInspection, why: string, startedAt: number): Promise<void> {
    const { workspace, tracking, trackingUri } = this.input;
    const run = await this.startRun(stage, inspection.params, startedAt);
    const runId = run?.runId ?? null;
    // Creating the run and spawning the command each hold the main thread a few milliseconds: in two turns of the event loop.
    await nextTurn();
    if (this.input.signal.aborted) {
      if (run) await this.finishRun(stage, run, 'cancelled', 'the execution was stopped before it started', null, inspection.deps, new Map(), [], null);
      this.settle(stage.name, { state: 'cancelled', reason: 'the execution was stopped before it started', runId, startedAt });
      return;
    }
    const env: Record<string, string> = { ...this.input.env, DVC_ROOT: workspace.root, DVC_STAGE: stage.name };
    if (trackingUri && tracking && runId) {
      env.MLFLOW_TRACKING_URI = trackingUri;
      env.MLFLOW_EXPERIMENT_ID = tracking.experimentId;
      env.MLFLOW_RUN_ID = runId;
    }
    const output = new StageOutput(path.join(this.input.logDir, `${stage.name.replace(/[^\w.@-]/g, '_')}.log`), (text) =>
      this.input.emit({ type: 'stage-log', executionId: this.input.executionId, stage: stage.name, text }),
    );
    this.emitState(stage.name, 'running', why, runId);
    let outcome: StageOutcome;
    const process = this.input.executor.start({ commands: stage.commands, cwd: path.join(workspace.root, stage.wdir), env, onOutput: (text, bytes) => output.write(text, bytes) });
    this.running.add(process);
    try {
      outcome = await process.done;
    } finally {
      this.running.delete(process);
      const logError = await output.close();
      if (logError) this.warn(`the log file of stage '${stage.name}' is incomplete: ${logError.message}`);
    }
    if (outcome.stopped) {
      this.removeOuts(stage, false);
      const reason = 'stopped; its partial outputs were removed and dvc.lock was left as it was';
      if (run) await this.finishRun(stage, run, 'killed', reason, outcome.exitCode, inspection.deps, new Map(), [], output.file);
      this.settle(stage.name, { state: 'killed', reason, runId, exitCode: outcome.exitCode, startedAt, tail: output.tail });
      return;
    }
    if (outcome.exitCode !== 0) {
      const how = outcome.exitCode === null ? `was ended by ${outcome.signal ?? 'an error'}` : `exited with code ${outcome.exitCode}`;
      const reason = `'${outcome.failedCommand ?? stage.commands.join('; ')}' ${how}`;
      if (run) await this.finishRun(stage, run, 'failed', reason, outcome.exitCode, inspection.deps, new Map(), [], output.file);
      this.settle(stage.name, { state: 'failed', reason, runId, exitCode: outcome.exitCode, startedAt, tail: output.tail });
      return;
    }
    await this.complete(stage, { state: 'done', reason: why, startedAt, run, exitCode: 0, output });
  }

  /** After a stage ran, was restored, or was a changed frozen stage: hash, cache, lock, run-cache, .gitignore, run. */
  private async complete(
    stage: StageSpec,
    result: { state: 'done' | 'restored' | 'frozen'; reason: string; startedAt: number; run: StageRun | null; exitCode: number | null; output: StageOutput | null },
  ): Promise<void> {
    const { workspace, hasher } = this.input;
    const depDigests = await hasher.digest(stage.deps.map((dep) => dep.projectPath));
    // Outs are stored in the cache: their folders' listings are needed.
    const outDigests = await hasher.digest(stage.outs.map((out) => out.projectPath), { listings: true });
    const deps = new Map(stage.deps.map((dep) => [dep.path, depDigests.get(dep.projectPath) ?? null]));
    const outs = new Map(stage.outs.map((out) => [out.path, outDigests.get(out.projectPath) ?? null]));
    const params = new Map(stage.params.map((spec) => [spec.file, readStageParams(workspace.root, spec)]));
    const run = result.run ?? (await this.startRun(stage, params, result.startedAt));
    const runId = run?.runId ?? null;
    const fail = async (reason: string): Promise<void> => {
      if (run) await this.finishRun(stage, run, 'failed', reason, result.exitCode, deps, outs, [], result.output?.file ?? null);
      this.settle(stage.name, { state: 'failed', reason, runId, exitCode: result.exitCode, startedAt: result.startedAt, tail: result.output?.tail });
    };
    const missingOut = stage.outs.find((out) => outs.get(out.path) === null);
    if (missingOut) return fail(`output '${missingOut.path}' does not exist`);
    const missingDep = stage.deps.find((dep) => deps.get(dep.path) === null);
    if (missingDep) return fail(`dependency '${missingDep.path}' does not exist`);
    for (const spec of stage.params) {
      const values = params.get(spec.file);
      if (!values) return fail(`params file '${spec.file}' does not exist`);
      const missing = spec.keys.filter((key) => !values.has(key));
      if (missing.length) return fail(new MissingParamsError(spec.file, missing).message);
    }
    const keepsRunCache = savesRunCache(stage);
    for (const out of stage.outs) {
      // Metrics and plots kept out of the cache still go in when the run-cache records them, as DVC commits them then.
      if (out.cache || keepsRunCache) await workspace.cache.commit(this.absolute(out.projectPath), outs.get(out.path)!);
    }
    const record = { deps: deps as ReadonlyMap<string, PathDigest>, params: params as ReadonlyMap<string, PyMap>, outs: outs as ReadonlyMap<string, PathDigest> };
    const entry = lockEntry(stage, record);
    this.writeLock(stage.name, entry);
    if (keepsRunCache) workspace.cache.saveRun(entry);
    if (workspace.inGit) for (const out of stage.outs) if (out.cache) ignoreOut(this.absolute(out.projectPath));
    const metrics = this.readMetrics(stage);
    if (run) await this.finishRun(stage, run, result.state, result.reason, result.exitCode, deps, outs, metrics, result.output?.file ?? null);
    this.settle(stage.name, { state: result.state, reason: result.reason, runId, exitCode: result.exitCode, startedAt: result.startedAt, tail: result.output?.tail }, { params, deps, outs, metrics });
  }
}
