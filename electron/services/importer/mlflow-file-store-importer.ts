// Brings an MLflow file store (an mlruns folder) into Cairn: experiments (matched by name),
// runs with MLflow's own run ids, params, tags, metric histories, dataset inputs and artifacts,
// MLflow 3 logged models with their own ids, then the model registry. Importing again adds nothing.
//
// How a run is imported, and what an interruption leaves:
//   1. importRun writes the run row, params and tags in one transaction (the run is active);
//   2. metric histories follow through logBatch in chunks, streamed from the files, then the
//      dataset inputs, then the artifact files;
//   3. completeRunImport writes the cairn.import.source tag and the run's own lifecycle stage in
//      one transaction. Only then is the run complete.
// A run without cairn.import.source was interrupted: the next import resumes it, writing
// everything again. That is harmless: params must be equal, tags are overwritten with the same
// values, identical metric points and dataset inputs are ignored, artifact files are replaced.
// Everything that decides whether a run can be imported (meta.yaml, params, tags, inputs) is
// read before anything is written, so a malformed run is skipped whole. A malformed line in a
// metric file skips that line only, and is reported with its file and line.
//
// How a logged model is imported, after the runs of its experiment:
//   1. its metric points are logged, with its id, to the runs that logged them (logBatch keeps them
//      with the model too); a point whose run is not an active run in Cairn is skipped and reported;
//   2. its artifact files are copied;
//   3. importLoggedModel writes it with its tags and params in one transaction. Only then is it in Cairn.
// An interrupted model is therefore not in Cairn, and the next import writes all of it again:
// identical metric points are ignored, artifact files are replaced. A model that is in Cairn is skipped.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../../../shared/errors';
import { RUN_NAME_TAG, USER_TAG } from '../../../shared/mlflow-tags';
import type { LifecycleStage, LoggedModel, Run, Tag } from '../../../shared/models';
import { joinArtifactPath, parseArtifactRelativePath, storePathOfArtifactUri } from '../artifacts/artifact-path';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import type { ImportedModelVersion, RegistryStore } from '../registry/registry-store';
import type { DatasetInput, MetricInput, TrackerImportStore, TrackerStore } from '../tracker/tracker-store';
import {
  hasMetaFile,
  listExperimentFolders,
  listLoggedModelFolders,
  listMetricFiles,
  listRegisteredModelFolders,
  listRunFolders,
  listSubfolders,
  MalformedSourceError,
  parseLoggedModelMetricLine,
  readDatasetInputs,
  readExperiment,
  readKeyValueFolder,
  readLoggedModel,
  readMetricLines,
  readMetricPoints,
  readRegisteredModel,
  readRunMeta,
  type LoggedModelMetricPoint,
  type MalformedMetricLine,
  type MlflowExperiment,
  type MlflowLoggedModel,
  type MlflowMetricFile,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowRunMeta,
} from './mlflow-file-store-reader';

/** The run tag that marks a run as completely imported; its value is the mlruns folder it came from. */
export const IMPORT_SOURCE_TAG = 'cairn.import.source';

const DEFAULT_METRIC_CHUNK = 20_000;

/** What to import, from where, into which stores. */
export interface MlflowImportOptions {
  /** The mlruns folder, or a folder holding one named mlruns. */
  readonly source: string;
  /** The tracker to import into (in a dry run it is only read). */
  readonly store: TrackerStore & TrackerImportStore;
  /** Where run artifact files are copied to; null only in a dry run. */
  readonly artifacts: ArtifactStore | null;
  /** The model registry; when null, registered models are skipped with a reason. */
  readonly registry: RegistryStore | null;
  /** The store of MLflow 3 logged models (only read in a dry run); when null, logged models are skipped with a reason. */
  readonly loggedModels: LoggedModelStore | null;
  /** Report what would be imported and write nothing. */
  readonly dryRun?: boolean;
  /** Import only the experiment with this name (and not the registry). */
  readonly experimentName?: string;
  /** Called as the import advances (after each chunk of metric points, each run and each logged model). */
  readonly onProgress?: (progress: MlflowImportProgress) => void;
  /** Metric points per logBatch call. */
  readonly metricChunkSize?: number;
}

/** How far an import has come. */
export interface MlflowImportProgress {
  readonly runsDone: number;
  readonly runsTotal: number;
  readonly modelsDone: number;
  readonly modelsTotal: number;
  /** Metric points of runs and of logged models. */
  readonly metricPoints: number;
  /** Bytes of metric files read, of all the metric files of the runs and logged models to import. */
  readonly metricBytesDone: number;
  readonly metricBytesTotal: number;
  readonly elapsedMs: number;
}

/** Why something was not imported. */
export type ImportSkipKind =
  | 'already-imported'
  | 'malformed'
  | 'remote-artifacts'
  | 'unknown-field'
  | 'unsupported'
  | 'conflict'
  | 'failed';

/** Something in the source that was not imported, and why. */
export interface ImportSkip {
  readonly kind: ImportSkipKind;
  /** What was skipped, in words ("run 5f2c… in experiment 'churn'"). */
  readonly subject: string;
  /** The file or folder concerned. */
  readonly path: string | null;
  /** The 1-based line in `path`, when there is one. */
  readonly line: number | null;
  readonly reason: string;
  /** How many times the same thing was skipped for the same reason (unknown fields, bad metric lines). */
  readonly count: number;
}

/** What an import brought in (or, in a dry run, would bring in), and what it skipped. */
export interface MlflowImportSummary {
  readonly source: string;
  readonly dryRun: boolean;
  readonly experimentsCreated: number;
  /** Source experiments whose runs went into an existing Cairn experiment of the same name. */
  readonly experimentsMatched: number;
  readonly experimentTags: number;
  readonly runs: number;
  /** Of `runs`, those an interrupted import had begun. */
  readonly runsResumed: number;
  readonly params: number;
  readonly tags: number;
  readonly metricPoints: number;
  readonly datasetInputs: number;
  /** Of runs and logged models. */
  readonly artifactFiles: number;
  readonly artifactBytes: number;
  /** MLflow 3 logged models, with their params, tags and metric points (which are their runs' points too). */
  readonly loggedModels: number;
  readonly loggedModelParams: number;
  readonly loggedModelTags: number;
  readonly loggedModelMetricPoints: number;
  readonly registeredModels: number;
  readonly modelVersions: number;
  readonly aliases: number;
  readonly skipped: readonly ImportSkip[];
  readonly elapsedMs: number;
}

/** Imports an MLflow file store into Cairn's stores; never throws for a malformed source file, only reports it. */
export async function importMlflowFileStore(options: MlflowImportOptions): Promise<MlflowImportSummary> {
  const root = await resolveMlrunsFolder(options.source);
  if (!options.dryRun && !options.artifacts) throw new CairnError('INVALID_STATE', 'An import that writes needs an artifact store.');
  return new MlflowFileStoreImport(root, options).run();
}

/** The mlruns folder itself, or its `mlruns` subfolder; INVALID_PARAMETER_VALUE when neither is an MLflow file store. */
async function resolveMlrunsFolder(source: string): Promise<string> {
  const absolute = path.resolve(source);
  const stats = await fs.promises.stat(absolute).catch(() => null);
  if (!stats?.isDirectory()) throw new CairnError('INVALID_PARAMETER_VALUE', `${absolute} is not a folder.`);
  for (const candidate of [absolute, path.join(absolute, 'mlruns')]) {
    const experiments = await listExperimentFolders(candidate);
    const registry = await listRegisteredModelFolders(candidate);
    if (experiments.some((found) => hasMetaFile(found.folder)) || registry.length > 0) return candidate;
  }
  throw new CairnError(
    'INVALID_PARAMETER_VALUE',
    `${absolute} is not an MLflow file store: it has no <experiment id>/meta.yaml (and no mlruns folder that has one).`,
  );
}

/** Where a run's or logged model's artifacts come from and go to. */
interface ArtifactPlan {
  /** The imported run's or logged model's artifact URI. */
  readonly cairnUri: string;
  /** The local folder to copy from; null when there is nothing to copy. */
  readonly sourceFolder: string | null;
  /** The local path the source's artifact_uri named, which registered model sources may point into. */
  readonly originalPath: string | null;
  readonly skip: { readonly kind: ImportSkipKind; readonly reason: string } | null;
}

/** The Cairn experiment a source experiment's runs go into; ids are null in a dry run that would create it. */
interface TargetExperiment {
  readonly experimentId: string | null;
  readonly artifactLocation: string | null;
}

/** A run or logged model found in the source: its meta.yaml and its metric files. */
interface PlannedEntity<Meta> {
  readonly meta: Meta;
  readonly metricFiles: readonly MlflowMetricFile[];
  readonly metricBytes: number;
}

type PlannedRun = PlannedEntity<MlflowRunMeta>;
type PlannedLoggedModel = PlannedEntity<MlflowLoggedModel>;

interface PlannedExperiment {
  readonly experiment: MlflowExperiment;
  readonly runs: readonly PlannedRun[];
  readonly models: readonly PlannedLoggedModel[];
  readonly reserved: readonly string[];
}

type Counters = {
  -readonly [K in Exclude<keyof MlflowImportSummary, 'source' | 'dryRun' | 'skipped' | 'elapsedMs'>]: number;
};

class MlflowFileStoreImport {
  private readonly dryRun: boolean;
  private readonly started = Date.now();
  private readonly skipped: ImportSkip[] = [];
  private readonly unknownFields = new Map<string, { subject: string; path: string; count: number }>();
  private readonly counters: Counters = {
    experimentsCreated: 0,
    experimentsMatched: 0,
    experimentTags: 0,
    runs: 0,
    runsResumed: 0,
    params: 0,
    tags: 0,
    metricPoints: 0,
    datasetInputs: 0,
    artifactFiles: 0,
    artifactBytes: 0,
    loggedModels: 0,
    loggedModelParams: 0,
    loggedModelTags: 0,
    loggedModelMetricPoints: 0,
    registeredModels: 0,
    modelVersions: 0,
    aliases: 0,
  };
  /** Artifact plans of runs and logged models, by run id or model id (which never collide: a model id starts with 'm-'). */
  private readonly artifactPlans = new Map<string, ArtifactPlan>();
  /** The lifecycle stage each run imported (or, in a dry run, to be imported) ends in. */
  private readonly importedRunStages = new Map<string, LifecycleStage>();
  /** Why a run cannot take a logged model's metric points, by run id; null when it can. */
  private readonly modelMetricRunRefusals = new Map<string, string | null>();
  private runsDone = 0;
  private runsTotal = 0;
  private modelsDone = 0;
  private modelsTotal = 0;
  /** Metric bytes of the runs and models done, and bytes read so far of the one being imported. */
  private metricBytesSettled = 0;
  private currentEntryBytes = 0;
  private metricBytesTotal = 0;

  constructor(
    private readonly root: string,
    private readonly options: MlflowImportOptions,
  ) {
    this.dryRun = options.dryRun ?? false;
  }

  async run(): Promise<MlflowImportSummary> {
    const plan = await this.discover();
    this.runsTotal = plan.reduce((sum, entry) => sum + entry.runs.length, 0);
    this.modelsTotal = plan.reduce((sum, entry) => sum + entry.models.length, 0);
    const metricBytes = (entries: readonly { metricBytes: number }[]) => entries.reduce((sum, entry) => sum + entry.metricBytes, 0);
    this.metricBytesTotal = plan.reduce((sum, entry) => sum + metricBytes(entry.runs) + metricBytes(entry.models), 0);
    this.reportProgress();
    for (const entry of plan) await this.importExperiment(entry);
    if (this.options.experimentName === undefined) {
      await this.importRegistry();
    } else if ((await listRegisteredModelFolders(this.root)).length > 0) {
      this.skip('unsupported', 'the model registry', path.join(this.root, 'models'), null, 'only a full import (without --experiment) brings in registered models');
    }
    for (const [, entry] of this.unknownFields) {
      this.skipped.push({ kind: 'unknown-field', subject: entry.subject, path: entry.path, line: null, reason: 'ignored', count: entry.count });
    }
    return { source: this.root, dryRun: this.dryRun, ...this.counters, skipped: this.skipped, elapsedMs: Date.now() - this.started };
  }

  // ---------------------------------------------------------------- discovery

  /** Reads every experiment's, run's and logged model's meta.yaml and sizes the metric files, before anything is written. */
  private async discover(): Promise<PlannedExperiment[]> {
    const planned: PlannedExperiment[] = [];
    let matchedName = false;
    for (const found of await listExperimentFolders(this.root)) {
      if (!hasMetaFile(found.folder) && (await listRunFolders(found.folder)).runs.length === 0) continue;
      let experiment: MlflowExperiment;
      try {
        experiment = await readExperiment(found);
      } catch (error) {
        if (!(error instanceof MalformedSourceError)) throw error;
        const runCount = (await listRunFolders(found.folder)).runs.length;
        const modelCount = (await listLoggedModelFolders(found.folder)).length;
        const contents = `its ${runCount} run folder(s)${andLoggedModels(modelCount, 'logged model folder(s)')}`;
        this.skipMalformed(`experiment folder ${found.experimentId} and ${contents}`, error);
        continue;
      }
      if (this.options.experimentName !== undefined && experiment.name.trim() !== this.options.experimentName.trim()) continue;
      matchedName = true;
      this.noteUnknownFields('experiment meta.yaml', experiment.unknownFields, path.join(found.folder, 'meta.yaml'));
      const { runs: runFolders, reserved } = await listRunFolders(found.folder);
      const runs = await this.planFolders('run', runFolders, experiment.name, (folder) => readRunMeta(folder, found.experimentId));
      const models = await this.planFolders('logged model', await listLoggedModelFolders(found.folder), experiment.name, (folder) =>
        readLoggedModel(folder, found.experimentId),
      );
      planned.push({ experiment, runs, models, reserved });
    }
    if (this.options.experimentName !== undefined && !matchedName) {
      throw new CairnError('RESOURCE_DOES_NOT_EXIST', `${this.root} has no experiment named '${this.options.experimentName}'.`);
    }
    return planned;
  }

  // ---------------------------------------------------------------- experiments

  private async importExperiment(entry: PlannedExperiment): Promise<void> {
    const { experiment } = entry;
    for (const folder of entry.reserved) await this.skipReservedFolder(experiment, folder);
    const contents = `its ${entry.runs.length} run(s)${andLoggedModels(entry.models.length)}`;
    let target: TargetExperiment | null;
    try {
      target = await this.resolveExperiment(experiment, contents);
    } catch (error) {
      this.skip('failed', `experiment '${experiment.name}' and ${contents}`, experiment.folder, null, messageOf(error));
      target = null;
    }
    if (target === null) {
      for (const run of entry.runs) this.finishRunProgress(run);
      for (const model of entry.models) this.finishModelProgress(model);
      return;
    }
    for (const run of entry.runs) {
      await this.importRun(experiment, target, run);
      this.finishRunProgress(run);
    }
    for (const model of entry.models) {
      await this.importLoggedModel(experiment, target, model);
      this.finishModelProgress(model);
    }
  }

  /** Finds the Cairn experiment of the same name, or creates it (deleted when MLflow had deleted it); null to skip its contents. */
  private async resolveExperiment(experiment: MlflowExperiment, contents: string): Promise<TargetExperiment | null> {
    const store = this.options.store;
    const name = experiment.name.trim();
    const existing = await store.getExperimentByName(name);
    if (existing) {
      if (existing.lifecycleStage === 'deleted' && experiment.lifecycleStage === 'active') {
        this.skip(
          'conflict',
          `experiment '${name}' and ${contents}`,
          experiment.folder,
          null,
          `Cairn's experiment '${name}' is deleted; restore it in Cairn and import again`,
        );
        return null;
      }
      this.counters.experimentsMatched++;
      // An existing experiment receives the tags it lacks; tags it has keep their values.
      const missing = experiment.tags.filter((tag) => !existing.tags.some((own) => own.key === tag.key));
      if (missing.length > 0 && existing.lifecycleStage === 'active') {
        if (!this.dryRun) for (const tag of missing) await store.setExperimentTag(existing.experimentId, tag);
        this.counters.experimentTags += missing.length;
      }
      return { experimentId: existing.experimentId, artifactLocation: existing.artifactLocation };
    }
    this.counters.experimentsCreated++;
    this.counters.experimentTags += experiment.tags.length;
    if (this.dryRun) return { experimentId: null, artifactLocation: null };
    const created = await store.createExperiment({ name, tags: experiment.tags });
    if (experiment.lifecycleStage === 'deleted') await store.deleteExperiment(created.experimentId);
    return { experimentId: created.experimentId, artifactLocation: created.artifactLocation };
  }

  private async skipReservedFolder(experiment: MlflowExperiment, folder: string): Promise<void> {
    const full = path.join(experiment.folder, folder);
    const count = (await listSubfolders(full)).length;
    if (folder === 'traces' && count > 0) {
      this.skip('unsupported', `${count} trace(s) of experiment '${experiment.name}'`, full, null, 'Cairn does not store traces');
    }
  }

  // ---------------------------------------------------------------- runs

  private async importRun(experiment: MlflowExperiment, target: TargetExperiment, planned: PlannedRun): Promise<void> {
    const { meta } = planned;
    const subject = `run ${meta.runId} in experiment '${experiment.name}'`;
    const existing = await this.findRun(meta.runId);
    const plan = this.planArtifacts(meta.artifactUri, meta.folder, existing?.info.artifactUri ?? artifactUriIn(target, `${meta.runId}/artifacts`), 'run');
    this.artifactPlans.set(meta.runId, plan);
    if (existing?.tags.some((tag) => tag.key === IMPORT_SOURCE_TAG)) {
      this.skip('already-imported', subject, meta.folder, null, 'already imported');
      return;
    }
    if (existing && existing.info.experimentId !== target.experimentId) {
      this.skip('conflict', subject, meta.folder, null, `Cairn already has a run with this id in experiment ${existing.info.experimentId}`);
      return;
    }
    if (existing && existing.info.lifecycleStage !== 'active') {
      this.skip('conflict', subject, meta.folder, null, 'an earlier import of this run was interrupted and the run was deleted in Cairn since');
      return;
    }

    let params: Tag[];
    let tags: Tag[];
    let inputs: DatasetInput[];
    try {
      params = await readKeyValueFolder(path.join(meta.folder, 'params'));
      tags = (await readKeyValueFolder(path.join(meta.folder, 'tags'))).filter((tag) => tag.key !== IMPORT_SOURCE_TAG);
      inputs = await readDatasetInputs(meta.folder, experiment.folder);
    } catch (error) {
      if (error instanceof MalformedSourceError) this.skipMalformed(subject, error);
      else this.skip('malformed', subject, meta.folder, null, messageOf(error));
      return;
    }
    if (plan.skip) this.skip(plan.skip.kind, `artifacts of ${subject}`, meta.folder, null, plan.skip.reason);

    const tagValue = (key: string) => tags.find((tag) => tag.key === key)?.value;
    let step = 'writing the run';
    try {
      if (!this.dryRun) {
        const store = this.options.store;
        if (existing) {
          await store.logBatch(meta.runId, { params, tags });
        } else {
          await store.importRun({
            runId: meta.runId,
            experimentId: target.experimentId!,
            runName: meta.runName ?? tagValue(RUN_NAME_TAG) ?? '',
            status: meta.status,
            startTime: meta.startTime ?? 0,
            endTime: meta.endTime,
            userId: meta.userId ?? tagValue(USER_TAG) ?? '',
            artifactUri: plan.cairnUri,
            params,
            tags,
          });
        }
      }
      step = 'importing metrics';
      await this.importMetrics(meta, planned.metricFiles);
      step = 'recording dataset inputs';
      if (!this.dryRun && inputs.length > 0) await this.options.store.logInputs(meta.runId, inputs);
      step = 'copying artifacts';
      if (plan.sourceFolder) await this.copyArtifacts(plan, subject);
      step = 'completing the run';
      if (!this.dryRun) {
        await this.options.store.completeRunImport(meta.runId, {
          tags: [{ key: IMPORT_SOURCE_TAG, value: this.root }],
          lifecycleStage: meta.lifecycleStage,
          deletedTime: meta.deletedTime,
        });
      }
    } catch (error) {
      this.skip(
        'failed',
        subject,
        meta.folder,
        null,
        `${step} failed: ${messageOf(error)}` +
          (this.dryRun || step === 'writing the run' ? '' : '; the run stays incomplete (no cairn.import.source tag) and the next import resumes it'),
      );
      return;
    }
    this.counters.runs++;
    this.importedRunStages.set(meta.runId, meta.lifecycleStage);
    if (existing) this.counters.runsResumed++;
    this.counters.params += params.length;
    this.counters.tags += tags.length;
    this.counters.datasetInputs += inputs.length;
  }

  private async findRun(runId: string): Promise<Run | null> {
    try {
      return await this.options.store.getRun(runId);
    } catch (error) {
      if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw error;
    }
  }

  /** Streams every metric file into logBatch calls of up to metricChunkSize points. */
  private async importMetrics(meta: MlflowRunMeta, files: readonly MlflowMetricFile[]): Promise<void> {
    const chunkSize = this.options.metricChunkSize ?? DEFAULT_METRIC_CHUNK;
    let chunk: MetricInput[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      if (!this.dryRun) await this.options.store.logBatch(meta.runId, { metrics: chunk });
      this.counters.metricPoints += chunk.length;
      chunk = [];
      this.reportProgress();
    };
    const malformed = new MalformedLineTally();
    for (const file of files) {
      for await (const batch of readMetricPoints(file, (line) => malformed.add(line))) {
        this.currentEntryBytes += batch.bytesRead;
        for (const point of batch.points) {
          chunk.push(point);
          if (chunk.length >= chunkSize) await flush();
        }
      }
    }
    await flush();
    this.skipped.push(...malformed.skips(`run ${meta.runId}`));
  }

  // ---------------------------------------------------------------- logged models

  private async importLoggedModel(experiment: MlflowExperiment, target: TargetExperiment, planned: PlannedLoggedModel): Promise<void> {
    const { meta } = planned;
    const subject = `logged model ${meta.modelId} in experiment '${experiment.name}'`;
    const loggedModels = this.options.loggedModels;
    if (!loggedModels) {
      this.skip('unsupported', subject, meta.folder, null, 'no logged-model store is available');
      return;
    }
    const existing = await findLoggedModel(loggedModels, meta.modelId);
    const cairnUri = existing?.artifactLocation ?? artifactUriIn(target, `models/${meta.modelId}/artifacts`);
    const plan = this.planArtifacts(meta.artifactLocation, meta.folder, cairnUri, 'logged model');
    this.artifactPlans.set(meta.modelId, plan);
    if (existing) {
      if (existing.experimentId === target.experimentId) {
        this.skip('already-imported', subject, meta.folder, null, 'already imported');
      } else {
        this.skip('conflict', subject, meta.folder, null, `Cairn already has a logged model with this id in experiment ${existing.experimentId}`);
      }
      return;
    }

    let params: Tag[];
    let tags: Tag[];
    try {
      params = await readKeyValueFolder(path.join(meta.folder, 'params'));
      tags = await readKeyValueFolder(path.join(meta.folder, 'tags'));
    } catch (error) {
      this.skip('malformed', subject, meta.folder, null, messageOf(error));
      return;
    }
    if (plan.skip) this.skip(plan.skip.kind, `artifacts of ${subject}`, meta.folder, null, plan.skip.reason);

    const now = Date.now();
    let step = 'importing metrics';
    try {
      await this.importLoggedModelMetrics(meta, planned.metricFiles);
      step = 'copying artifacts';
      if (plan.sourceFolder) await this.copyArtifacts(plan, subject);
      step = 'writing the logged model';
      if (!this.dryRun) {
        await loggedModels.importLoggedModel({
          modelId: meta.modelId,
          experimentId: target.experimentId!,
          name: meta.name,
          artifactLocation: plan.cairnUri,
          creationTimestamp: meta.creationTimestamp ?? meta.lastUpdatedTimestamp ?? now,
          lastUpdatedTimestamp: meta.lastUpdatedTimestamp ?? meta.creationTimestamp ?? now,
          status: meta.status,
          statusMessage: meta.statusMessage,
          modelType: meta.modelType,
          sourceRunId: meta.sourceRunId,
          lifecycleStage: meta.lifecycleStage,
          tags,
          params,
        });
      }
    } catch (error) {
      this.skip(
        'failed',
        subject,
        meta.folder,
        null,
        `${step} failed: ${messageOf(error)}` + (this.dryRun ? '' : '; the logged model is not in Cairn, and the next import brings it in whole'),
      );
      return;
    }
    this.counters.loggedModels++;
    this.counters.loggedModelParams += params.length;
    this.counters.loggedModelTags += tags.length;
  }

  /**
   * Streams a logged model's metric files into logBatch calls, with the model's id, on the runs
   * that logged the points. Points of a run that is not an active run in Cairn are counted and reported.
   */
  private async importLoggedModelMetrics(model: MlflowLoggedModel, files: readonly MlflowMetricFile[]): Promise<void> {
    const chunkSize = this.options.metricChunkSize ?? DEFAULT_METRIC_CHUNK;
    let chunk: LoggedModelMetricPoint[] = [];
    const refused = new Map<string, { reason: string; count: number }>();
    const flush = async () => {
      const byRun = new Map<string, MetricInput[]>();
      for (const point of chunk) {
        const metrics = byRun.get(point.runId);
        if (metrics) metrics.push(point.metric);
        else byRun.set(point.runId, [point.metric]);
      }
      chunk = [];
      for (const [runId, metrics] of byRun) {
        const refusal = await this.refusalOfModelMetricRun(runId);
        if (refusal !== null) {
          const seen = refused.get(runId);
          if (seen) seen.count += metrics.length;
          else refused.set(runId, { reason: refusal, count: metrics.length });
          continue;
        }
        if (!this.dryRun) await this.options.store.logBatch(runId, { metrics });
        this.counters.loggedModelMetricPoints += metrics.length;
      }
      this.reportProgress();
    };
    const malformed = new MalformedLineTally();
    const parseLine = (key: string, line: string) => parseLoggedModelMetricLine(key, model.modelId, line);
    for (const file of files) {
      for await (const batch of readMetricLines(file, parseLine, (line) => malformed.add(line))) {
        this.currentEntryBytes += batch.bytesRead;
        for (const point of batch.points) {
          chunk.push(point);
          if (chunk.length >= chunkSize) await flush();
        }
      }
    }
    await flush();
    this.skipped.push(...malformed.skips(`logged model ${model.modelId}`));
    for (const [runId, { reason, count }] of refused) {
      this.skipped.push({
        kind: 'unsupported',
        subject: `${count} metric point(s) of logged model ${model.modelId} logged in run ${runId}`,
        path: path.join(model.folder, 'metrics'),
        line: null,
        reason,
        count,
      });
    }
  }

  /** Why a run cannot take a logged model's metric points (Cairn logs them to active runs only); null when it can. */
  private async refusalOfModelMetricRun(runId: string): Promise<string | null> {
    const known = this.modelMetricRunRefusals.get(runId);
    if (known !== undefined) return known;
    const stage = this.importedRunStages.get(runId) ?? (await this.findRun(runId))?.info.lifecycleStage;
    const refusal =
      stage === undefined
        ? `the run ${runId} is not in Cairn (it was not imported)`
        : stage === 'active'
          ? null
          : `the run ${runId} is deleted, and Cairn logs metrics to active runs only`;
    this.modelMetricRunRefusals.set(runId, refusal);
    return refusal;
  }

  // ---------------------------------------------------------------- artifacts

  /**
   * Decides where a run's or logged model's artifacts come from (a local folder: where `uri`, the
   * location MLflow recorded, points, else the artifacts folder inside `ownFolder`) and which
   * artifact URI it gets in Cairn (`cairnUri`, unless its files stay in a remote store).
   */
  private planArtifacts(uri: string | null, ownFolder: string, cairnUri: string, owner: 'run' | 'logged model'): ArtifactPlan {
    const fallback = path.join(ownFolder, 'artifacts');
    const scheme = uri === null ? null : /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(uri)?.[1]?.toLowerCase() ?? null;
    let originalPath: string | null = null;
    const candidates: string[] = [];
    if (uri !== null && scheme === 'file') {
      try {
        originalPath = fileURLToPath(uri);
        candidates.push(originalPath);
      } catch {
        // A file URI of another machine (a host, a drive letter): only the fallback can hold the files.
      }
    } else if (uri !== null && scheme === 'mlflow-artifacts') {
      // An MLflow server with proxied artifacts keeps them in ./mlartifacts beside ./mlruns by default.
      const storePath = uri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/*/, '');
      candidates.push(path.join(path.dirname(this.root), 'mlartifacts', ...storePath.split('/')));
    } else if (uri !== null && scheme !== null) {
      return {
        cairnUri: uri,
        sourceFolder: null,
        originalPath: null,
        skip: { kind: 'remote-artifacts', reason: `the artifacts stay at ${uri} (the imported ${owner} points there): remote artifact stores are not copied` },
      };
    } else if (uri !== null) {
      originalPath = path.isAbsolute(uri) ? uri : path.resolve(path.dirname(this.root), uri);
      candidates.push(originalPath);
    }
    candidates.push(fallback);
    const sourceFolder = candidates.find((candidate) => isDirectory(candidate)) ?? null;
    if (!cairnUri.startsWith('mlflow-artifacts:')) {
      return {
        cairnUri,
        sourceFolder: null,
        originalPath,
        skip: sourceFolder ? { kind: 'unsupported', reason: `the Cairn experiment keeps artifacts at ${cairnUri}, which the importer does not write to` } : null,
      };
    }
    // MLflow makes a run's artifacts folder with the run, but a logged model's only when files are logged to it.
    if (sourceFolder === null && uri !== null && owner === 'run') {
      return { cairnUri, sourceFolder, originalPath, skip: { kind: 'malformed', reason: `no artifact folder at ${candidates.join(' or ')}` } };
    }
    return { cairnUri, sourceFolder, originalPath, skip: null };
  }

  private async copyArtifacts(plan: ArtifactPlan, subject: string): Promise<void> {
    const base = plan.cairnUri.startsWith('mlflow-artifacts:') && !this.dryRun ? storePathOfArtifactUri(plan.cairnUri) : '';
    const walk = async (folder: string, relative: string): Promise<void> => {
      const entries = await fs.promises.readdir(folder, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        const stats = entry.isSymbolicLink() ? await fs.promises.stat(full).catch(() => null) : null;
        if (entry.isDirectory()) {
          await walk(full, child);
        } else if (entry.isFile() || stats?.isFile()) {
          try {
            parseArtifactRelativePath(child);
          } catch (error) {
            this.skip('unsupported', `artifact '${child}' of ${subject}`, full, null, messageOf(error));
            continue;
          }
          const size = this.dryRun ? (await fs.promises.stat(full)).size : await this.writeArtifact(joinArtifactPath(base, child), full);
          this.counters.artifactFiles++;
          this.counters.artifactBytes += size;
        } else {
          this.skip('unsupported', `artifact '${child}' of ${subject}`, full, null, 'not a regular file (a folder symlink, a socket or a device)');
        }
      }
    };
    await walk(plan.sourceFolder!, '');
  }

  private async writeArtifact(storePath: string, file: string): Promise<number> {
    const body = fs.createReadStream(file);
    try {
      return await this.options.artifacts!.write(storePath, body);
    } finally {
      body.destroy();
    }
  }

  // ---------------------------------------------------------------- registry

  private async importRegistry(): Promise<void> {
    const folders = await listRegisteredModelFolders(this.root);
    for (const folder of folders) {
      let read: { model: MlflowRegisteredModel; malformed: MalformedSourceError[] };
      try {
        read = await readRegisteredModel(folder);
      } catch (error) {
        if (!(error instanceof MalformedSourceError)) throw error;
        this.skipMalformed(`registered model folder ${path.basename(folder)}`, error);
        continue;
      }
      const { model } = read;
      for (const error of read.malformed) this.skipMalformed(`part of registered model '${model.name}'`, error);
      this.noteUnknownFields('registered model meta.yaml', model.unknownFields, path.join(folder, 'meta.yaml'));
      for (const version of model.versions) {
        this.noteUnknownFields('model version meta.yaml', version.unknownFields, path.join(version.folder, 'meta.yaml'));
      }
      const registry = this.options.registry;
      if (!registry) {
        this.skip('unsupported', `registered model '${model.name}' (${model.versions.length} version(s))`, folder, null, 'no model registry store is available');
        continue;
      }
      try {
        await this.importRegisteredModel(registry, model);
      } catch (error) {
        this.skip('failed', `registered model '${model.name}'`, folder, null, messageOf(error));
      }
    }
  }

  private async importRegisteredModel(registry: RegistryStore, model: MlflowRegisteredModel): Promise<void> {
    const now = Date.now();
    const existing = await registry.getRegisteredModel(model.name).catch((error: unknown) => {
      if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw error;
    });
    if (existing) {
      this.skip('already-imported', `registered model '${model.name}'`, model.folder, null, 'a registered model of this name exists; its missing versions are added');
    } else {
      if (!this.dryRun) {
        await registry.importRegisteredModel({
          name: model.name,
          description: model.description,
          creationTimestamp: model.creationTimestamp ?? now,
          lastUpdatedTimestamp: model.lastUpdatedTimestamp ?? model.creationTimestamp ?? now,
          tags: model.tags,
        });
      }
      this.counters.registeredModels++;
    }
    const present = new Set<number>();
    for (const version of model.versions) {
      const subject = `version ${version.version} of registered model '${model.name}'`;
      if (version.currentStage === 'Deleted_Internal') {
        this.skip('unsupported', subject, version.folder, null, 'MLflow had deleted this version');
        continue;
      }
      const known = existing ? await registry.getModelVersion(model.name, String(version.version)).then(() => true, () => false) : false;
      if (known) {
        this.skip('already-imported', subject, version.folder, null, 'this version number exists in Cairn');
        present.add(version.version);
        continue;
      }
      if (!this.dryRun) await registry.importModelVersion(this.toImportedVersion(model.name, version, now));
      this.counters.modelVersions++;
      present.add(version.version);
    }
    const aliases = existing?.aliases ?? [];
    for (const alias of model.aliases) {
      const subject = `alias '${alias.alias}' of registered model '${model.name}'`;
      if (aliases.some((own) => own.alias === alias.alias && own.version === String(alias.version))) {
        this.skip('already-imported', subject, model.folder, null, 'already set');
      } else if (!present.has(alias.version)) {
        this.skip('malformed', subject, path.join(model.folder, 'aliases', alias.alias), null, `it points at version ${alias.version}, which was not imported`);
      } else {
        if (!this.dryRun) await registry.setRegisteredModelAlias(model.name, alias.alias, String(alias.version));
        this.counters.aliases++;
      }
    }
  }

  private toImportedVersion(name: string, version: MlflowModelVersion, now: number): ImportedModelVersion {
    return {
      name,
      version: version.version,
      creationTimestamp: version.creationTimestamp ?? now,
      lastUpdatedTimestamp: version.lastUpdatedTimestamp ?? version.creationTimestamp ?? now,
      description: version.description,
      userId: version.userId,
      currentStage: version.currentStage as Exclude<MlflowModelVersion['currentStage'], 'Deleted_Internal'>,
      source: this.mapModelSource(version.source, version),
      storageLocation: version.storageLocation === null ? null : this.mapModelSource(version.storageLocation, version),
      runId: version.runId,
      runLink: version.runLink,
      status: version.status,
      statusMessage: version.statusMessage,
      modelId: version.modelId,
      tags: version.tags,
    };
  }

  /** A model source inside the local artifact folder of the version's imported run or logged model, as the same place in Cairn's copy. */
  private mapModelSource(source: string, version: MlflowModelVersion): string {
    let local: string;
    try {
      local = source.startsWith('file:') ? fileURLToPath(source) : source;
    } catch {
      return source;
    }
    if (!path.isAbsolute(local)) return source;
    for (const id of [version.runId, version.modelId]) {
      const plan = id === null ? undefined : this.artifactPlans.get(id);
      if (!plan?.sourceFolder || !plan.cairnUri.startsWith('mlflow-artifacts:')) continue;
      for (const folder of [plan.originalPath, plan.sourceFolder]) {
        if (folder === null) continue;
        const relative = path.relative(folder, local);
        if (relative === '') return plan.cairnUri;
        if (!relative.startsWith('..') && !path.isAbsolute(relative)) return `${plan.cairnUri}/${relative.split(path.sep).join('/')}`;
      }
    }
    return source;
  }

  // ---------------------------------------------------------------- bookkeeping

  private skip(kind: ImportSkipKind, subject: string, file: string | null, line: number | null, reason: string): void {
    this.skipped.push({ kind, subject, path: file, line, reason, count: 1 });
  }

  /** Reads each folder's meta.yaml and lists its metric files; a malformed folder is skipped with its reason. */
  private async planFolders<Meta extends { readonly unknownFields: readonly string[] }>(
    kind: 'run' | 'logged model',
    folders: readonly string[],
    experimentName: string,
    readMeta: (folder: string) => Promise<Meta>,
  ): Promise<Array<PlannedEntity<Meta>>> {
    const planned: Array<PlannedEntity<Meta>> = [];
    for (const folder of folders) {
      try {
        const meta = await readMeta(folder);
        this.noteUnknownFields(`${kind} meta.yaml`, meta.unknownFields, path.join(folder, 'meta.yaml'));
        const metricFiles = await listMetricFiles(folder);
        planned.push({ meta, metricFiles, metricBytes: metricFiles.reduce((sum, file) => sum + file.size, 0) });
      } catch (error) {
        if (!(error instanceof MalformedSourceError)) throw error;
        this.skipMalformed(`${kind} folder ${path.basename(folder)} in experiment '${experimentName}'`, error);
      }
    }
    return planned;
  }

  private skipMalformed(subject: string, error: MalformedSourceError): void {
    this.skip('malformed', subject, error.file, error.line, error.message);
  }

  private noteUnknownFields(kind: string, fields: readonly string[], file: string): void {
    for (const field of fields) {
      const key = `${kind}\0${field}`;
      const seen = this.unknownFields.get(key);
      if (seen) seen.count++;
      else this.unknownFields.set(key, { subject: `field '${field}' of ${kind}`, path: file, count: 1 });
    }
  }

  /** Counts a run as done, imported or skipped: all its metric bytes are settled, so the estimate stays right. */
  private finishRunProgress(run: PlannedRun): void {
    this.runsDone++;
    this.settleMetricBytes(run.metricBytes);
  }

  /** Counts a logged model as done, imported or skipped, as finishRunProgress does a run. */
  private finishModelProgress(model: PlannedLoggedModel): void {
    this.modelsDone++;
    this.settleMetricBytes(model.metricBytes);
  }

  private settleMetricBytes(bytes: number): void {
    this.metricBytesSettled += bytes;
    this.currentEntryBytes = 0;
    this.reportProgress();
  }

  private reportProgress(): void {
    this.options.onProgress?.({
      runsDone: this.runsDone,
      runsTotal: this.runsTotal,
      modelsDone: this.modelsDone,
      modelsTotal: this.modelsTotal,
      metricPoints: this.counters.metricPoints + this.counters.loggedModelMetricPoints,
      metricBytesDone: this.metricBytesSettled + this.currentEntryBytes,
      metricBytesTotal: this.metricBytesTotal,
      elapsedMs: Date.now() - this.started,
    });
  }
}

/** Malformed lines of metric files, tallied per file: each file is reported once, with its first bad line. */
class MalformedLineTally {
  private readonly byFile = new Map<string, { first: MalformedMetricLine; count: number }>();

  add(line: MalformedMetricLine): void {
    const seen = this.byFile.get(line.file);
    if (seen) seen.count++;
    else this.byFile.set(line.file, { first: line, count: 1 });
  }

  /** One skip per file, naming the run or logged model (`owner`) the file belongs to. */
  skips(owner: string): ImportSkip[] {
    return [...this.byFile.values()].map(({ first, count }) => ({
      kind: 'malformed',
      subject: `${count} line(s) of metric '${path.basename(first.file)}' of ${owner}`,
      path: first.file,
      line: first.line,
      reason: count > 1 ? `${first.reason} (first of ${count} malformed lines)` : first.reason,
      count,
    }));
  }
}

/** The artifact URI of `relative` under the target experiment's artifact location (a placeholder for one a dry run would create). */
function artifactUriIn(target: TargetExperiment, relative: string): string {
  const location = target.artifactLocation ?? 'mlflow-artifacts:/<new experiment>';
  return `${location.replace(/\/+$/, '')}/${relative}`;
}

/** " and N logged model(s)", when there are any, for the subject of a skipped experiment. */
function andLoggedModels(count: number, noun = 'logged model(s)'): string {
  return count > 0 ? ` and ${count} ${noun}` : '';
}

/** The logged model with this id, deleted or not; null when Cairn has none. */
async function findLoggedModel(store: LoggedModelStore, modelId: string): Promise<LoggedModel | null> {
  try {
    return await store.getLoggedModel(modelId, { allowDeleted: true });
  } catch (error) {
    if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw error;
  }
}

function isDirectory(folder: string): boolean {
  try {
    return fs.statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
