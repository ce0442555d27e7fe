// The pipelines as the app uses them: the projects the user opened, a project's overview and
// status, executions started and stopped from the UI, the end of each stage's output kept in
// memory while the app runs, and every execution's events pushed to the windows in batches
// (`pipelines.progress`), a stage's output merged and cut to its end so that a stage printing
// thousands of lines a second costs the window one event per interval. The output is cut to its
// end piece by piece (output-tail.ts), never joined whole, so following it keeps the main thread free.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PipelineProgress } from '../../../shared/contract';
import { createCoalescingThrottle, type CoalescingThrottle } from '../../../shared/coalescing-throttle';
import { CairnError } from '../../../shared/errors';
import type {
  ExecutionComparison,
  ExecutionDetail,
  ExecutionRecord,
  PipelineEvent,
  PipelineOverview,
  PipelineProjects,
  PipelineStatus,
  StageLogTail,
} from '../../../shared/pipelines';
import { PIPELINE_FILE } from './dvc-yaml-parser';
import { tailOfPieces } from './output-tail';
import { PipelineDefinitionError } from './pipeline-definition';
import { UnknownTargetError } from './pipeline-graph';
import type { PipelineProjectStore } from './pipeline-project-store';
import { PipelineBusyError, type PipelineService, type RunOptions } from './pipeline-service';

/** The most output kept per stage in memory (older output is in the stage's log artifact). */
export const STAGE_LOG_TAIL_BYTES = 256 * 1024;
/** The most output of one stage in one pushed batch; the rest of a burst is left to getStageLog. */
export const PUSHED_LOG_BYTES = 64 * 1024;
/** Executions whose output tails are kept. */
const KEPT_EXECUTIONS = 20;

/** What the app service is built on. */
export interface PipelineAppServiceOptions {
  readonly service: PipelineService;
  readonly projects: PipelineProjectStore;
  /** Hands a batch of events to the windows. */
  readonly publish: (progress: PipelineProgress) => void;
  /** Least time between two pushed batches, in milliseconds. */
  readonly intervalMs?: number;
  /** The desktop app's folder picker (the chosen folder, or null when cancelled); absent in the browser mode, which takes a typed path. */
  readonly pickFolder?: () => Promise<string | null>;
}

interface LogTail {
  chunks: string[];
  length: number;
  omitted: number;
}

interface ProgressBatch {
  readonly events: PipelineEvent[];
  /** Where each stage's output event is in `events`, by execution and stage. */
  readonly logIndex: Map<string, number>;
}

function addToBatch(batch: ProgressBatch, event: PipelineEvent): void {
  if (event.type !== 'stage-log') {
    if (event.type === 'stage-state') batch.logIndex.delete(`${event.executionId}\0${event.stage}`);
    batch.events.push(event);
    return;
  }
  const key = `${event.executionId}\0${event.stage}`;
  const index = batch.logIndex.get(key);
  const earlier = index === undefined ? undefined : batch.events[index];
  if (earlier?.type !== 'stage-log') {
    batch.logIndex.set(key, batch.events.length);
    batch.events.push({ ...event, text: tailOfPieces([event.text], PUSHED_LOG_BYTES).text });
    return;
  }
  batch.events[index!] = { ...earlier, text: tailOfPieces([earlier.text, event.text], PUSHED_LOG_BYTES).text };
}

/** The app's pipelines: opened projects, runs started from the UI, live progress and output. */
export class PipelineAppService {
  private readonly tails = new Map<string, Map<string, LogTail>>();
  private readonly throttle: CoalescingThrottle<PipelineEvent>;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: PipelineAppServiceOptions) {
    this.throttle = createCoalescingThrottle<PipelineEvent, ProgressBatch>({
      intervalMs: options.intervalMs ?? 100,
      edge: 'leading',
      createBatch: () => ({ events: [], logIndex: new Map() }),
      addToBatch,
      flush: (batch) => options.publish({ events: batch.events }),
    });
    this.unsubscribe = options.service.onEvent((event) => {
      this.keep(event);
      this.throttle.add(event);
    });
  }

  private keep(event: PipelineEvent): void {
    if (event.type === 'execution-started') {
      this.tails.set(event.executionId, new Map());
      for (const old of [...this.tails.keys()].slice(0, Math.max(0, this.tails.size - KEPT_EXECUTIONS))) this.tails.delete(old);
      return;
    }
    if (event.type !== 'stage-log') return;
    const stages = this.tails.get(event.executionId);
    if (!stages) return;
    const tail = stages.get(event.stage) ?? { chunks: [], length: 0, omitted: 0 };
    stages.set(event.stage, tail);
    tail.chunks.push(event.text);
    tail.length += event.text.length;
    // Whole chunks are dropped from the front while the rest still holds the kept end: nothing is joined here.
    while (tail.chunks.length > 1 && tail.length - tail.chunks[0]!.length >= STAGE_LOG_TAIL_BYTES) {
      const dropped = tail.chunks.shift()!;
      tail.length -= dropped.length;
      tail.omitted += dropped.length;
    }
  }

  /** The opened projects and those run from the CLI. */
  listProjects(): PipelineProjects {
    return { projects: this.options.projects.list(), folderPicker: this.options.pickFolder !== undefined };
  }

  /** Shows the folder picker; the chosen folder, or null when the person cancelled. Refused where there is no picker. */
  async pickProjectFolder(): Promise<string | null> {
    if (!this.options.pickFolder) {
      throw new CairnError('INVALID_STATE', `There is no folder picker in the browser mode: type the path of a folder that holds a ${PIPELINE_FILE}.`);
    }
    return this.options.pickFolder();
  }

  /** Opens a project folder: refused (and not remembered) unless it holds a dvc.yaml. */
  openProject(projectDir: string): PipelineOverview {
    const root = resolveProjectDir(projectDir);
    const stat = fs.statSync(root, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `There is no folder ${root}. Type the path of a folder that holds a ${PIPELINE_FILE}.`);
    if (!fs.existsSync(path.join(root, PIPELINE_FILE))) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `${root} holds no ${PIPELINE_FILE}. Open the folder of a DVC pipeline, such as Cairn's examples/pipeline.`);
    }
    const overview = this.overview(root);
    this.options.projects.open(root, Date.now());
    return overview;
  }

  /** Forgets an opened project. */
  closeProject(projectDir: string): boolean {
    return this.options.projects.close(resolveProjectDir(projectDir));
  }

  /** A project's DAG and params, or the issues that make its pipeline invalid. */
  overview(projectDir: string): PipelineOverview {
    const root = resolveProjectDir(projectDir);
    try {
      return { projectDir: root, pipeline: this.options.service.describe(root), params: this.options.service.params(root), issues: [] };
    } catch (error) {
      if (error instanceof PipelineDefinitionError) return { projectDir: root, pipeline: null, params: [], issues: error.issues };
      throw error;
    }
  }

  /** What would run now and why. */
  async status(projectDir: string): Promise<PipelineStatus> {
    try {
      return await this.options.service.status(resolveProjectDir(projectDir));
    } catch (error) {
      throw asRequestError(error);
    }
  }

  /** Starts an execution and returns its id once it runs. */
  async run(projectDir: string, options: Pick<RunOptions, 'targets' | 'force' | 'downstream' | 'jobs' | 'setParams'>): Promise<{ executionId: string }> {
    try {
      const execution = await this.options.service.start(resolveProjectDir(projectDir), options);
      return { executionId: execution.executionId };
    } catch (error) {
      throw asRequestError(error);
    }
  }

  /** Stops an execution running in this app; false when it is not running here. */
  stop(executionId: string): boolean {
    const execution = this.options.service.runningExecutions().find((running) => running.executionId === executionId);
    execution?.stop();
    return execution !== undefined;
  }

  /** A project's executions, newest first. */
  listExecutions(projectDir: string, limit: number): ExecutionRecord[] {
    return this.options.service.listExecutions(resolveProjectDir(projectDir), limit);
  }

  /** One execution with its stages. */
  getExecution(executionId: string): ExecutionDetail {
    const detail = this.options.service.getExecution(executionId);
    if (!detail) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `There is no pipeline execution ${executionId}.`);
    return detail;
  }

  /** Two executions compared. */
  compare(a: string, b: string): ExecutionComparison {
    this.getExecution(a);
    this.getExecution(b);
    return this.options.service.compareExecutions(a, b);
  }

  /** The end of a stage's output as kept in memory. */
  stageLog(executionId: string, stage: string): StageLogTail {
    const live = this.options.service.runningExecutions().some((running) => running.executionId === executionId);
    const tail = this.tails.get(executionId)?.get(stage);
    if (!tail) return { text: '', omittedBytes: 0, live };
    const { text, omitted } = tailOfPieces(tail.chunks, STAGE_LOG_TAIL_BYTES);
    return { text, omittedBytes: tail.omitted + omitted, live };
  }

  /** Stops the pushes and the running executions. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.throttle.stop();
    await this.options.service.close();
  }
}

/** An absolute project path from what the user typed (`~` is the home folder). */
function resolveProjectDir(projectDir: string): string {
  const typed = projectDir.trim();
  const expanded = typed === '~' || typed.startsWith('~/') ? path.join(os.homedir(), typed.slice(1)) : typed;
  return path.resolve(expanded).replace(/(.)\/+$/, '$1');
}

/** The errors of a request the user can fix, as CairnErrors saying so; others unchanged. */
function asRequestError(error: unknown): unknown {
  if (error instanceof PipelineBusyError) return new CairnError('INVALID_STATE', `${error.message}.`);
  if (error instanceof PipelineDefinitionError || error instanceof UnknownTargetError) {
    return new CairnError('INVALID_PARAMETER_VALUE', `The pipeline cannot run: ${error.message}`);
  }
  if (error instanceof Error && error.message.startsWith('--set-param')) {
    return new CairnError('INVALID_PARAMETER_VALUE', `A params override is invalid: ${error.message.replace('--set-param', '').replace(/^:\s*/, '')}`);
  }
  return error;
}
