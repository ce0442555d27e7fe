// Records a pipeline execution as tracked runs: a parent run per execution in an experiment
// named after the project, and a child run per stage, whether it ran, was restored from the cache
// or was up to date. A stage's run holds its command, the params it read (as MLflow params),
// why it ran as a tag, its deps and outs with their hashes (tabular deps also as dataset inputs),
// its metrics files as metrics, its plots files and its combined output as artifacts, and the git
// commit. The run exists before the command starts, so the stage's own `mlflow.log_*` calls (told
// MLFLOW_RUN_ID) land in it; params are logged then too, before the stage could log its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunStatus, Tag } from '../../../shared/models';
import type { ArtifactStore } from '../artifacts/artifact-store';
import { joinArtifactPath, storePathOfArtifactUri } from '../artifacts/artifact-path';
import type { DatasetInput, MetricInput, TrackerStore } from '../tracker/tracker-store';
import type { PathDigest } from './content-hasher';
import { PIPELINE_FILE } from './dvc-yaml-parser';
import type { MetricFilePoint } from './metrics-file-reader';
import type { StageSpec } from './pipeline-definition';
import type { ExecutionStatus, StageState } from './pipeline-events';
import type { HashedPathRecord } from './pipeline-execution-store';
import { isPyMap, pythonStr, type PyMap, type PyValue } from './python-value';

/** Tag keys Cairn sets on pipeline runs. */
export const PIPELINE_TAGS = {
  execution: 'cairn.pipeline.execution',
  project: 'cairn.pipeline.project',
  stage: 'cairn.pipeline.stage',
  cmd: 'cairn.pipeline.cmd',
  outcome: 'cairn.pipeline.outcome',
  reason: 'cairn.pipeline.reason',
  exitCode: 'cairn.pipeline.exitCode',
  deps: 'cairn.pipeline.deps',
  outs: 'cairn.pipeline.outs',
  setParams: 'cairn.pipeline.setParams',
  targets: 'cairn.pipeline.targets',
  workspace: 'cairn.pipeline.workspace',
} as const;

/** MLflow's limits on a tag's and a param's value. */
const MAX_TAG_LENGTH = 8000;
const MAX_PARAM_LENGTH = 6000;
/** Dep files that are recorded as dataset inputs too. */
const TABULAR_EXTENSIONS = new Set(['.csv', '.tsv', '.parquet', '.pq', '.json', '.jsonl', '.feather', '.arrow', '.xlsx', '.xls', '.txt']);

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** The hashed paths of a stage, as recorded in tags and the execution history. */
export function hashedPaths(paths: readonly string[], digests: ReadonlyMap<string, PathDigest | null>): HashedPathRecord[] {
  return paths.map((item) => {
    const digest = digests.get(item) ?? null;
    if (!digest) return { path: item, md5: null, size: null };
    return digest.kind === 'dir' ? { path: item, md5: digest.md5, size: digest.size, nfiles: digest.nfiles } : { path: item, md5: digest.md5, size: digest.size };
  });
}

/** The params a stage read, as MLflow params: dotted keys, `file:key` for files other than params.yaml. */
export function paramsAsMlflow(params: ReadonlyMap<string, PyMap | null>): Array<{ key: string; value: string }> {
  const result: Array<{ key: string; value: string }> = [];
  const add = (prefix: string, key: string, value: PyValue): void => {
    if (isPyMap(value) && value.size > 0) {
      for (const [child, item] of value) add(prefix, `${key}.${child}`, item);
      return;
    }
    result.push({ key: `${prefix}${key}`, value: clip(pythonStr(value), MAX_PARAM_LENGTH) });
  };
  for (const [file, values] of params) {
    if (!values) continue;
    const prefix = file === 'params.yaml' ? '' : `${file}:`;
    for (const [key, value] of values) add(prefix, key, value);
  }
  return result;
}

/** What the recorder needs to know about an execution. */
export interface ExecutionInfo {
  readonly executionId: string;
  readonly projectDir: string;
  readonly workspaceDir: string;
  readonly gitCommit: string | null;
  readonly targets: readonly string[];
  readonly setParams: readonly string[];
}

/** The runs of an execution once its parent run exists. */
export interface TrackedExecution extends ExecutionInfo {
  readonly experimentId: string;
  readonly parentRunId: string;
}

/** A stage's run once created. */
export interface StageRun {
  readonly runId: string;
  readonly artifactUri: string;
}

/** How a stage ended, for its run. */
export interface StageRunRecord {
  readonly stage: StageSpec;
  readonly state: StageState;
  readonly reason: string | null;
  readonly exitCode: number | null;
  readonly endedAt: number;
  readonly deps: ReadonlyMap<string, PathDigest | null>;
  readonly outs: ReadonlyMap<string, PathDigest | null>;
  readonly metrics: ReadonlyArray<MetricFilePoint & { readonly file: string }>;
  /** Plots files and folders to attach, as absolute paths with their project paths. */
  readonly plots: ReadonlyArray<{ readonly absolute: string; readonly projectPath: string }>;
  /** The stage's combined output, when it ran. */
  readonly logFile: string | null;
  readonly workspaceRoot: string;
}

function runStatusOf(state: StageState): RunStatus {
  if (state === 'failed' || state === 'blocked') return 'FAILED';
  if (state === 'killed' || state === 'cancelled') return 'KILLED';
  return 'FINISHED';
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

/** The tags that say how a stage ended: outcome, why, exit code, hashed deps and outs. */
function outcomeTags(record: StageRunRecord): Tag[] {
  const { stage } = record;
  const tags: Tag[] = [
    { key: PIPELINE_TAGS.outcome, value: record.state },
    { key: PIPELINE_TAGS.deps, value: clip(JSON.stringify(hashedPaths(stage.deps.map((dep) => dep.path), record.deps)), MAX_TAG_LENGTH) },
    { key: PIPELINE_TAGS.outs, value: clip(JSON.stringify(hashedPaths(stage.outs.map((out) => out.path), record.outs)), MAX_TAG_LENGTH) },
  ];
  if (record.reason) tags.push({ key: PIPELINE_TAGS.reason, value: clip(record.reason, MAX_TAG_LENGTH) });
  if (record.exitCode !== null) tags.push({ key: PIPELINE_TAGS.exitCode, value: String(record.exitCode) });
  return tags;
}

/** The points of a stage's metrics files; a key two files share is prefixed with the file of the later one. */
function metricInputs(record: StageRunRecord): MetricInput[] {
  const owners = new Map<string, string>();
  for (const point of record.metrics) if (!owners.has(point.key)) owners.set(point.key, point.file);
  return record.metrics.map((point) => ({
    key: owners.get(point.key) === point.file ? point.key : `${point.file}:${point.key}`,
    value: point.value,
    step: point.step,
    timestamp: record.endedAt,
  }));
}

/** A stage's tabular dep files, as dataset inputs. */
function datasetInputs(record: StageRunRecord): DatasetInput[] {
  const inputs: DatasetInput[] = [];
  for (const dep of record.stage.deps) {
    const digest = record.deps.get(dep.path);
    if (!digest || digest.kind !== 'file' || !TABULAR_EXTENSIONS.has(path.extname(dep.path).toLowerCase())) continue;
    const absolute = path.isAbsolute(dep.projectPath) ? dep.projectPath : path.join(record.workspaceRoot, dep.projectPath);
    inputs.push({
      name: dep.path,
      digest: digest.md5,
      sourceType: 'local',
      source: JSON.stringify({ uri: absolute }),
      profile: JSON.stringify({ size: digest.size }),
      tags: [{ key: 'mlflow.data.context', value: 'input' }],
    });
  }
  return inputs;
}

/** Writes an execution's runs into a tracker store (and their files into an artifact store). */
export class PipelineRunRecorder {
  private readonly user = userName();

  constructor(
    private readonly store: TrackerStore,
    private readonly artifacts: ArtifactStore | null,
  ) {}

  /** The experiment named after the project (created when missing) and the execution's parent run. */
  async startExecution(info: ExecutionInfo, startedAt: number): Promise<TrackedExecution> {
    const name = path.basename(info.projectDir);
    const experiment =
      (await this.store.getExperimentByName(name)) ??
      (await this.store.createExperiment({ name, tags: [{ key: PIPELINE_TAGS.project, value: info.projectDir }] }));
    const label = info.setParams.length ? `variant ${info.setParams.join(' ')}` : `pipeline ${info.targets.join(' ') || PIPELINE_FILE}`;
    const tags: Tag[] = [
      { key: PIPELINE_TAGS.execution, value: info.executionId },
      { key: PIPELINE_TAGS.project, value: info.projectDir },
      { key: PIPELINE_TAGS.workspace, value: info.workspaceDir },
      { key: PIPELINE_TAGS.targets, value: JSON.stringify(info.targets) },
      { key: PIPELINE_TAGS.setParams, value: JSON.stringify(info.setParams) },
      { key: 'mlflow.user', value: this.user },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.source.name', value: path.join(info.projectDir, PIPELINE_FILE) },
    ];
    if (info.gitCommit) tags.push({ key: 'mlflow.source.git.commit', value: info.gitCommit });
    const run = await this.store.createRun({ experimentId: experiment.experimentId, runName: clip(label, 250), startTime: startedAt, userId: this.user, tags });
    return { ...info, experimentId: experiment.experimentId, parentRunId: run.info.runId };
  }

  private stageTags(execution: TrackedExecution, stage: StageSpec): Tag[] {
    const cmd = typeof stage.cmd === 'string' ? stage.cmd : stage.cmd.join('\n');
    const tags: Tag[] = [
      { key: 'mlflow.parentRunId', value: execution.parentRunId },
      { key: 'mlflow.user', value: this.user },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.source.name', value: `${PIPELINE_FILE}:${stage.name}` },
      { key: PIPELINE_TAGS.execution, value: execution.executionId },
      { key: PIPELINE_TAGS.stage, value: stage.name },
      { key: PIPELINE_TAGS.cmd, value: clip(cmd, MAX_TAG_LENGTH) },
    ];
    if (execution.gitCommit) tags.push({ key: 'mlflow.source.git.commit', value: execution.gitCommit });
    return tags;
  }

  /** A stage's run, RUNNING, with its command, params and tags (before its command starts). */
  async startStageRun(execution: TrackedExecution, stage: StageSpec, params: ReadonlyMap<string, PyMap | null>, startedAt: number): Promise<StageRun> {
    const run = await this.store.createRun({ experimentId: execution.experimentId, runName: stage.name, startTime: startedAt, userId: this.user, tags: this.stageTags(execution, stage) });
    const mlflowParams = paramsAsMlflow(params);
    if (mlflowParams.length) await this.store.logBatch(run.info.runId, { params: mlflowParams });
    return { runId: run.info.runId, artifactUri: run.info.artifactUri };
  }

  /** A stage that ran no command (up to date, frozen): its whole run in one write, committed with the other writes of this turn. */
  async recordStageWithoutCommand(execution: TrackedExecution, params: ReadonlyMap<string, PyMap | null>, startedAt: number, record: StageRunRecord): Promise<string> {
    return this.store.recordFinishedRun({
      experimentId: execution.experimentId,
      runName: record.stage.name,
      startTime: startedAt,
      userId: this.user,
      tags: [...this.stageTags(execution, record.stage), ...outcomeTags(record)],
      params: paramsAsMlflow(params),
      metrics: metricInputs(record),
      inputs: datasetInputs(record),
      status: runStatusOf(record.state),
      endTime: record.endedAt,
    });
  }

  /** Completes a stage's run: outcome tags, metrics, dataset inputs, artifacts, status and end time; returns warnings. */
  async finishStageRun(run: StageRun, record: StageRunRecord): Promise<string[]> {
    const warnings: string[] = [];
    await this.store.logBatch(run.runId, { tags: outcomeTags(record), metrics: metricInputs(record) });
    const inputs = datasetInputs(record);
    if (inputs.length) await this.store.logInputs(run.runId, inputs);
    if (this.artifacts) {
      try {
        await this.storeArtifacts(this.artifacts, run.artifactUri, record);
      } catch (error) {
        warnings.push(`the artifacts of stage '${record.stage.name}' were not stored: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.store.updateRun(run.runId, { status: runStatusOf(record.state), endTime: record.endedAt });
    return warnings;
  }

  private async storeArtifacts(artifacts: ArtifactStore, artifactUri: string, record: StageRunRecord): Promise<void> {
    const root = storePathOfArtifactUri(artifactUri);
    if (record.logFile && fs.existsSync(record.logFile)) {
      await artifacts.write(joinArtifactPath(root, 'stage.log'), fs.createReadStream(record.logFile));
    }
    for (const plot of record.plots) {
      for (const file of filesUnder(plot.absolute)) {
        const relative = path.relative(plot.absolute, file).split(path.sep).join('/');
        await artifacts.write(joinArtifactPath(root, 'plots', ...plot.projectPath.split('/'), relative), fs.createReadStream(file));
      }
    }
  }

  /** Ends the parent run. */
  async finishExecution(execution: TrackedExecution, status: ExecutionStatus, endedAt: number): Promise<void> {
    await this.store.logBatch(execution.parentRunId, { tags: [{ key: PIPELINE_TAGS.outcome, value: status }] });
    const runStatus: RunStatus = status === 'succeeded' ? 'FINISHED' : status === 'failed' ? 'FAILED' : 'KILLED';
    await this.store.updateRun(execution.parentRunId, { status: runStatus, endTime: endedAt });
  }
}

/** A file, or the files under a folder. */
function filesUnder(absolute: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    return [];
  }
  if (stat.isFile()) return [absolute];
  if (!stat.isDirectory()) return [];
  return fs.readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => filesUnder(path.join(absolute, entry.name)));
}
