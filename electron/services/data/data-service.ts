// The data capability's service: the calls the CLI, the UI's handlers and (later) a
// continuous-training trigger make. Every long call takes an AbortSignal and a progress callback,
// runs on the data engine's worker, and records its results: versions by content digest,
// profiles per version, drift reports per pair of versions, checks as tracked runs.
import fs from 'node:fs';
import path from 'node:path';
import {
  shortDigest,
  type CheckReport,
  type DataJobProgress,
  type DatasetOrigin,
  type DatasetProfile,
  type DatasetSummary,
  type DatasetVersion,
  type DriftOptions,
  type DriftReport,
  type DriftSide,
  type DriftTimeline,
} from '../../../shared/data-models';
import { CairnError } from '../../../shared/errors';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { RegistryStore } from '../registry/registry-store';
import type { TrackerStore } from '../tracker/tracker-store';
import { CHECK_RUN_TAG, recordCheckRun } from './check-run-recorder';
import type { CheckRule } from './checks/check-rules';
import { parseChecksFile } from './checks/checks-file';
import type { DataStore } from './data-store';
import { checkedDriftSettings, withDriftSettings } from './drift-settings';
import type { DataEngine } from './engine/data-engine';
import type { DriftSideInput } from './engine/engine-protocol';
import { resolveTableFiles, tableFormatOf, type TableFiles } from './table-files';

/** A dataset to work on: a file or folder path, a stored version, or a dataset's newest version. */
export type DataRef = string | { readonly versionId: string } | { readonly dataset: string };

/** How a caller follows and stops a long call. */
export interface DataJobOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DataJobProgress) => void;
}

/** The batches of a timeline: a dataset's versions (oldest first), or a folder's table files (by name). */
export type TimelineBatches = { readonly dataset: string } | { readonly folder: string };

/** What became of one of a run's MLflow dataset inputs. */
export interface RunInputRegistration {
  readonly name: string;
  readonly mlflowDigest: string;
  /** The version it was recorded as, or null with the reason. */
  readonly version: DatasetVersion | null;
  readonly reason: string | null;
}

/** What the data service is built on; tracker and artifacts are needed to record checks and read run inputs. */
export interface DataServiceDeps {
  readonly store: DataStore;
  readonly engine: DataEngine;
  readonly tracker?: TrackerStore;
  readonly artifacts?: ArtifactStore | null;
  /** The model registry, to find the data the champion model trained on (the default drift reference). */
  readonly registry?: RegistryStore | null;
}

/** A check to run: the rules (from a checks file or given), and whether and where to record it. */
export interface CheckRequest {
  readonly data: DataRef;
  /** A checks file path, or rules already parsed. */
  readonly checks: string | { readonly rules: readonly CheckRule[]; readonly reference?: string | null };
  /** The reference for drift rules (else the checks file's `reference:`). */
  readonly reference?: DataRef | null;
  /** Record as a tracked run in this experiment (default "Data checks"); false to only compute. */
  readonly record?: false | { readonly experimentName?: string };
}

/** Datasets: add, profile, compare, check; each call is plain and can be driven without the CLI. */
export class DataService {
  constructor(private readonly deps: DataServiceDeps) {}

  /** Records the file or folder at `inputPath` as a version of a dataset (named after the file unless `name` is given). */
  async addDataset(
    inputPath: string,
    options: { readonly name?: string; readonly origin?: Omit<DatasetOrigin, 'time'> } & DataJobOptions = {},
  ): Promise<DatasetVersion> {
    const files = resolveTableFiles(inputPath);
    const digest = this.deps.store.knownDigest(files)?.digest ?? (await this.deps.engine.run({ kind: 'digest', files }, options)).digest;
    return this.deps.store.recordVersion(
      { datasetName: options.name ?? defaultDatasetName(files.root), digest, files },
      options.origin ?? { kind: 'added', runId: null, detail: null },
    );
  }

  /**
   * Profiles a dataset and stores the profile with its version; a version profiled before is
   * answered from the store (`cached`). A path is added as a version first: of the dataset that
   * already holds exactly these files (a pipeline's, say), else of one named after it.
   */
  async profile(
    ref: DataRef,
    options: { readonly name?: string; readonly refresh?: boolean } & DataJobOptions = {},
  ): Promise<{ version: DatasetVersion; profile: DatasetProfile; cached: boolean }> {
    if (typeof ref !== 'string') {
      const version = this.resolveVersion(ref);
      const stored = options.refresh ? null : this.deps.store.getProfile(version.versionId);
      if (stored) return { version, profile: stored, cached: true };
      return this.profileFiles(resolveTableFiles(version.path), version.datasetName, options, version);
    }
    const files = resolveTableFiles(ref);
    const known = this.deps.store.knownDigest(files);
    // Files the catalog knows unchanged keep their dataset and version (and its digest, which may be a pipeline's md5).
    const name = options.name ?? known?.datasetName ?? defaultDatasetName(files.root);
    const knownVersion = known ? this.deps.store.recordVersion({ datasetName: name, digest: known.digest, files }, { kind: 'added', runId: null, detail: null }) : null;
    const stored = knownVersion && !options.refresh ? this.deps.store.getProfile(knownVersion.versionId) : null;
    if (knownVersion && stored) return { version: knownVersion, profile: stored, cached: true };
    return this.profileFiles(files, name, options, knownVersion);
  }

  /** The stored profile of a version; null when it was never profiled. */
  getProfile(versionId: string): DatasetProfile | null {
    return this.deps.store.getProfile(versionId);
  }

  listDatasets(): DatasetSummary[] {
    return this.deps.store.listDatasets();
  }

  /** A dataset by name or id; RESOURCE_DOES_NOT_EXIST when there is none. */
  getDataset(nameOrId: string): DatasetSummary {
    const dataset = this.deps.store.findDataset(nameOrId);
    if (!dataset) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No dataset named ${nameOrId}. Add it with \`cairn data add PATH --name ${nameOrId}\`.`);
    return dataset;
  }

  /** A dataset's versions, oldest first. */
  listVersions(nameOrId: string): DatasetVersion[] {
    return this.deps.store.listVersions(this.getDataset(nameOrId).datasetId);
  }

  getVersion(versionId: string): DatasetVersion {
    return this.deps.store.getVersion(versionId);
  }

  /** The dataset versions a run used or produced, for its page. */
  datasetsOfRun(runId: string): DatasetVersion[] {
    return this.deps.store.versionsOfRun(runId);
  }

  /**
   * Reference vs current with Evidently's defaults, under the current dataset's stored drift
   * settings and `options`' choices (which win). When both are stored
   * versions (or `record` is set, which adds paths as versions), the report is stored and a
   * second call with the same versions and options is answered from the store.
   */
  async compare(
    reference: DataRef,
    current: DataRef,
    options: DriftOptions & DataJobOptions & { readonly record?: boolean } = {},
  ): Promise<DriftReport> {
    const record = options.record ?? (typeof reference !== 'string' && typeof current !== 'string');
    if (record) {
      const referenceVersion = typeof reference === 'string' ? await this.addDataset(reference, options) : this.resolveVersion(reference);
      const currentVersion = typeof current === 'string' ? await this.addDataset(current, options) : this.resolveVersion(current);
      const driftOptions = this.versionDriftOptions(currentVersion, options);
      const key = canonicalJson(driftOptions);
      const stored = this.deps.store.getDriftReport(referenceVersion.versionId, currentVersion.versionId, key);
      if (stored) return stored;
      const { reports } = await this.deps.engine.run(
        { kind: 'drift', reference: sideOfVersion(referenceVersion), currents: [sideOfVersion(currentVersion)], options: driftOptions },
        options,
      );
      this.deps.store.saveDriftReport(referenceVersion.versionId, currentVersion.versionId, key, reports[0]!);
      return reports[0]!;
    }
    const currentSide = this.sideOf(current);
    const stored = currentSide.versionId ? this.deps.store.getDriftSettings(this.getVersion(currentSide.versionId).datasetId) : null;
    return compareSides(this.deps.engine, this.sideOf(reference), currentSide, withDriftSettings(stored, driftOptionsOf(options)), options);
  }

  /** The stored report of two versions compared under the current dataset's drift settings; null when they were not compared so. */
  storedDrift(referenceVersionId: string, currentVersionId: string): DriftReport | null {
    const currentVersion = this.getVersion(currentVersionId);
    return this.deps.store.getDriftReport(referenceVersionId, currentVersionId, canonicalJson(this.versionDriftOptions(currentVersion, {})));
  }

  /** The drift options two versions are compared under: the current version's dataset's stored settings, with `options`' choices winning. */
  private versionDriftOptions(currentVersion: DatasetVersion, options: DriftOptions): DriftOptions {
    return withDriftSettings(this.deps.store.getDriftSettings(currentVersion.datasetId), driftOptionsOf(options));
  }

  /**
   * The version a dataset's drift is measured against when none was chosen: the version the
   * registered model version holding the `@champion` alias trained on (its run used it), else the
   * one the latest `Production` version trained on; null when no such model used this dataset.
   */
  async defaultDriftReference(nameOrId: string): Promise<DatasetVersion | null> {
    const registry = this.deps.registry;
    if (!registry) return null;
    const versions = this.listVersions(nameOrId);
    const trainedOn = (runId: string | null) =>
      runId ? (versions.find((version) => version.origins.some((origin) => origin.runId === runId && origin.kind !== 'check')) ?? null) : null;
    const models: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await registry.searchRegisteredModels({ maxResults: 1000, pageToken });
      models.push(...page.items.map((model) => model.name));
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
    for (const model of models) {
      const champion = await registry.getModelVersionByAlias(model, 'champion').catch(() => null);
      const found = trainedOn(champion?.runId ?? null);
      if (found) return found;
    }
    for (const model of models) {
      const [production] = await registry.getLatestVersions(model, ['Production']);
      const found = trainedOn(production?.runId ?? null);
      if (found) return found;
    }
    return null;
  }

  /** A dataset's drift choices (columns, tests and thresholds, drift share); empty when none were chosen. */
  getDriftSettings(nameOrId: string): DriftOptions {
    return this.deps.store.getDriftSettings(this.getDataset(nameOrId).datasetId) ?? {};
  }

  /**
   * Stores a dataset's drift choices, used whenever its versions are compared (the current
   * side's dataset) unless a comparison makes its own; empty settings forget them.
   */
  setDriftSettings(nameOrId: string, settings: DriftOptions): DriftOptions {
    const dataset = this.getDataset(nameOrId);
    const checked = checkedDriftSettings(settings);
    this.deps.store.setDriftSettings(dataset.datasetId, Object.keys(checked).length > 0 ? checked : null);
    return checked;
  }

  /**
   * registerRunInputs for every active run with dataset inputs (of one experiment, or all). Checks'
   * own runs are left out, as the live linker leaves them: the check linked its data when it ran.
   */
  async registerAllRunInputs(
    options: { readonly experimentName?: string } & DataJobOptions = {},
  ): Promise<Array<{ runId: string; runName: string; registration: RunInputRegistration }>> {
    const tracker = this.requireTracker();
    let experiments;
    if (options.experimentName) {
      const experiment = await tracker.getExperimentByName(options.experimentName);
      if (!experiment) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No experiment named ${options.experimentName}.`);
      experiments = [experiment];
    } else {
      experiments = await tracker.listExperiments('ACTIVE_ONLY');
    }
    const results: Array<{ runId: string; runName: string; registration: RunInputRegistration }> = [];
    for (const experiment of experiments) {
      let pageToken: string | undefined;
      do {
        const page = await tracker.searchRuns({ experimentIds: [experiment.experimentId], maxResults: 1000, pageToken });
        for (const run of page.items) {
          if (run.datasets.length === 0 || run.tags.some((tag) => tag.key === CHECK_RUN_TAG)) continue;
          for (const registration of await this.registerRunInputs(run.info.runId, options)) {
            results.push({ runId: run.info.runId, runName: run.info.runName, registration });
          }
        }
        pageToken = page.nextPageToken || undefined;
      } while (pageToken);
    }
    return results;
  }

  /** Drift over time: each batch against the reference, one point per batch, per column its score and missing share. */
  async driftTimeline(reference: DataRef, batches: TimelineBatches, options: DriftOptions & DataJobOptions = {}): Promise<DriftTimeline> {
    const currents: DriftSideInput[] =
      'dataset' in batches ? this.listVersions(batches.dataset).map(sideOfVersion) : batchFiles(batches.folder).map((file) => sideOfPath(file));
    if (currents.length === 0) throw new CairnError('INVALID_PARAMETER_VALUE', 'The timeline has no batches to compare.');
    const stored = 'dataset' in batches ? this.deps.store.getDriftSettings(this.getDataset(batches.dataset).datasetId) : null;
    const { reports } = await this.deps.engine.run(
      { kind: 'drift', reference: this.sideOf(reference), currents, options: withDriftSettings(stored, driftOptionsOf(options)), withoutDistributions: true },
      options,
    );
    return {
      reference: reports[0]!.reference,
      points: reports.map((report) => ({
        label: report.current.label,
        path: report.current.path,
        versionId: report.current.versionId,
        rows: report.current.rows,
        dataset: report.dataset,
        columns: report.columns.map((column) => ({
          column: column.column,
          test: column.test,
          score: column.score,
          drift: column.drift,
          missingShare: column.currentMissingShare,
        })),
      })),
    };
  }

  /** Runs a data check; records it as a tracked run (and the data as a dataset version) unless `record` is false. */
  async check(request: CheckRequest, options: DataJobOptions = {}): Promise<CheckReport> {
    const startedAt = Date.now();
    let rules: readonly CheckRule[];
    let fileReference: string | null = null;
    let checksFile: string | null = null;
    if (typeof request.checks === 'string') {
      checksFile = path.resolve(request.checks);
      let text: string;
      try {
        text = fs.readFileSync(checksFile, 'utf8');
      } catch {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No checks file at ${checksFile}.`);
      }
      const parsed = parseChecksFile(text, checksFile);
      rules = parsed.rules;
      fileReference = parsed.reference;
    } else {
      rules = request.checks.rules;
      fileReference = request.checks.reference ?? null;
    }
    const referenceRef = request.reference ?? fileReference;
    const recordTo = request.record === false || !this.deps.tracker ? null : (request.record ?? {});
    const recording = recordTo !== null;
    const data = this.sideOf(request.data);
    const reference = referenceRef ? this.sideOf(referenceRef) : null;
    const result = await this.deps.engine.run({ kind: 'check', data, reference, rules, digest: recording }, options);

    let version: DatasetVersion | null = null;
    if (recording && result.digest) {
      // Files the catalog knows unchanged are checked in the dataset that holds them, as profiling them is.
      const known = data.versionId ? null : this.deps.store.knownDigest(data.files);
      version = this.deps.store.recordVersion(
        {
          datasetName: data.versionId ? this.getVersion(data.versionId).datasetName : (known?.datasetName ?? defaultDatasetName(data.files.root)),
          digest: known?.digest ?? result.digest,
          files: data.files,
        },
        { kind: 'check', runId: null, detail: checksFile },
      );
    }
    const passed = result.rules.filter((rule) => rule.passed).length;
    let report: CheckReport = {
      data: { label: data.label, path: data.files.root, versionId: version?.versionId ?? data.versionId, rows: result.rows, digest: result.digest },
      reference: reference ? ({ label: reference.label, path: reference.files.root, versionId: reference.versionId, rows: result.referenceRows ?? 0 } satisfies DriftSide) : null,
      checksFile,
      rules: result.rules,
      passed,
      failed: result.rules.length - passed,
      issues: result.issues,
      runId: null,
      checkedTime: Date.now(),
      durationMs: Date.now() - startedAt,
    };
    if (recordTo) {
      const recorded = await recordCheckRun(
        { tracker: this.deps.tracker!, artifacts: this.deps.artifacts ?? null, experimentName: recordTo.experimentName },
        report,
      );
      report = { ...report, runId: recorded.runId };
      if (version) this.deps.store.addOrigin(version.versionId, { kind: 'check', runId: recorded.runId, detail: checksFile });
    }
    return report;
  }

  /**
   * Records the local files among a run's MLflow dataset inputs (mlflow.log_input with a local
   * source) as dataset versions linked to the run. Remote or relative sources are reported, not read.
   */
  async registerRunInputs(runId: string, options: DataJobOptions = {}): Promise<RunInputRegistration[]> {
    const run = await this.requireTracker().getRun(runId);
    const registrations: RunInputRegistration[] = [];
    for (const input of run.datasets) {
      const local = localSourcePath(input.sourceType, input.source);
      const base = { name: input.name, mlflowDigest: input.digest };
      if (!local.path) {
        registrations.push({ ...base, version: null, reason: local.reason });
        continue;
      }
      try {
        const version = await this.addDataset(local.path, {
          ...options,
          name: input.name,
          origin: { kind: 'run-input', runId, detail: JSON.stringify({ name: input.name, digest: input.digest, context: input.context }) },
        });
        registrations.push({ ...base, version, reason: null });
      } catch (error) {
        registrations.push({ ...base, version: null, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return registrations;
  }

  /**
   * Records a pipeline stage's tabular dep or out (a file or folder) as a dataset version linked to
   * the stage's run. With `digest` (the DVC md5 the pipeline runner computed, as 'md5:<hex>') the
   * files are not hashed again; files the catalog already knows keep the digest they have.
   */
  async registerPipelineData(
    inputPath: string,
    stage: {
      readonly runId: string | null;
      readonly pipeline: string;
      readonly stage: string;
      readonly role: 'dep' | 'out';
      readonly name?: string;
      readonly digest?: string;
    },
    options: DataJobOptions = {},
  ): Promise<DatasetVersion> {
    const origin = { kind: 'pipeline' as const, runId: stage.runId, detail: JSON.stringify({ pipeline: stage.pipeline, stage: stage.stage, role: stage.role }) };
    if (!stage.digest) return this.addDataset(inputPath, { ...options, name: stage.name, origin });
    const files = resolveTableFiles(inputPath);
    const digest = this.deps.store.knownDigest(files)?.digest ?? stage.digest;
    return this.deps.store.recordVersion({ datasetName: stage.name ?? defaultDatasetName(files.root), digest, files }, origin);
  }

  /**
   * Profiles files and stores the profile. A stored version whose files are unchanged keeps its
   * place among its dataset's versions (profiling it is not seeing it anew, so an older version
   * profiled last does not become the dataset's latest); anything else is recorded as seen now.
   */
  private async profileFiles(
    files: TableFiles,
    name: string,
    options: DataJobOptions,
    stored: DatasetVersion | null,
  ): Promise<{ version: DatasetVersion; profile: DatasetProfile; cached: boolean }> {
    const result = await this.deps.engine.run({ kind: 'profile', files, knownDigest: stored?.digest ?? null }, options);
    const version =
      stored !== null && result.digest === stored.digest
        ? stored
        : this.deps.store.recordVersion({ datasetName: name, digest: result.digest, files }, { kind: 'added', runId: null, detail: null });
    this.deps.store.saveProfile(version.versionId, result.profile);
    return { version: this.deps.store.getVersion(version.versionId), profile: result.profile, cached: false };
  }

  private requireTracker(): TrackerStore {
    if (!this.deps.tracker) throw new CairnError('INVALID_STATE', 'The data service was started without the tracker.');
    return this.deps.tracker;
  }

  /** A stored version from a version id or a dataset's name (its newest version). */
  private resolveVersion(ref: Exclude<DataRef, string>): DatasetVersion {
    if ('versionId' in ref) return this.deps.store.getVersion(ref.versionId);
    const dataset = this.getDataset(ref.dataset);
    if (!dataset.latestVersion) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `The dataset ${ref.dataset} has no version yet.`);
    return dataset.latestVersion;
  }

  private sideOf(ref: DataRef): DriftSideInput {
    return typeof ref === 'string' ? sideOfPath(ref) : sideOfVersion(this.resolveVersion(ref));
  }
}

/** Reference vs current for two files or folders, computed on `engine` and recorded nowhere (what `cairn data drift A B` runs). */
export function compareFiles(engine: DataEngine, reference: string, current: string, options: DriftOptions & DataJobOptions = {}): Promise<DriftReport> {
  return compareSides(engine, sideOfPath(reference), sideOfPath(current), driftOptionsOf(options), options);
}

async function compareSides(engine: DataEngine, reference: DriftSideInput, current: DriftSideInput, options: DriftOptions, job: DataJobOptions): Promise<DriftReport> {
  const { reports } = await engine.run({ kind: 'drift', reference, currents: [current], options }, job);
  return reports[0]!;
}

/** The name a dataset gets from its file or folder: the base name without table extensions. */
export function defaultDatasetName(root: string): string {
  let name = path.basename(root);
  if (name.toLowerCase().endsWith('.gz')) name = name.slice(0, -3);
  if (tableFormatOf(name)) name = name.slice(0, name.length - path.extname(name).length);
  return name || root;
}

/** Where an MLflow dataset source points on this machine, or why it does not. */
export function localSourcePath(sourceType: string | null, source: string | null): { path: string | null; reason: string | null } {
  if (!source) return { path: null, reason: 'The input has no source.' };
  let uri: string | null = null;
  try {
    const parsed = JSON.parse(source) as { uri?: unknown; path?: unknown };
    uri = typeof parsed.uri === 'string' ? parsed.uri : typeof parsed.path === 'string' ? parsed.path : null;
  } catch {
    uri = source;
  }
  if (!uri) return { path: null, reason: `The ${sourceType ?? 'unknown'} source names no file.` };
  if (uri.startsWith('file://')) uri = decodeURIComponent(new URL(uri).pathname);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return { path: null, reason: `The source ${uri} is not a local file.` };
  if (!path.isAbsolute(uri)) return { path: null, reason: `The source ${uri} is a relative path; Cairn cannot tell which folder it was relative to.` };
  return { path: uri, reason: null };
}

function sideOfVersion(version: DatasetVersion): DriftSideInput {
  return { label: `${version.datasetName}@${shortDigest(version.digest, 8)}`, files: resolveTableFiles(version.path), versionId: version.versionId };
}

function sideOfPath(inputPath: string): DriftSideInput {
  const files = resolveTableFiles(inputPath);
  return { label: path.basename(files.root), files, versionId: null };
}

/** The table files directly in a folder, sorted by name: one batch each. */
function batchFiles(folder: string): string[] {
  const root = path.resolve(folder);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No folder at ${root}.`);
  }
  const files = names.filter((name) => !name.startsWith('.') && tableFormatOf(name) && fs.statSync(path.join(root, name)).isFile()).sort();
  if (files.length === 0) throw new CairnError('INVALID_PARAMETER_VALUE', `The folder ${root} holds no table files to use as batches.`);
  return files.map((name) => path.join(root, name));
}

function driftOptionsOf(options: DriftOptions): DriftOptions {
  return {
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.only ? { only: options.only } : {}),
    ...(options.driftShare !== undefined ? { driftShare: options.driftShare } : {}),
  };
}

/** JSON with sorted keys, so equal options give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
