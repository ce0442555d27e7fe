// Writes folders in MLflow's file-store layout, as MLflow 2.x writes them, for the importer's
// tests and benchmark: experiments (also in .trash), runs with params, tags, metric files and
// artifacts, dataset inputs, and registered models with versions and aliases; and MLflow 3's
// logged models, as its FileStore.create_logged_model and _log_model_metric write them.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DATASET_CONTEXT_TAG } from '../../../shared/mlflow-tags';

/** A meta.yaml value, as MLflow's PyYAML writes it. */
export type MetaYamlInput = string | number | null | readonly string[] | Readonly<Record<string, string>>;

/** An experiment to write under <root>/<id> (or <root>/.trash/<id>). */
export interface MlflowExperimentFixture {
  readonly experimentId: string;
  readonly name: string;
  readonly trashed?: boolean;
  readonly creationTime?: number;
  readonly tags?: Readonly<Record<string, string>>;
  /** Extra or replacing meta.yaml fields. */
  readonly meta?: Readonly<Record<string, MetaYamlInput>>;
}

/** A run to write under its experiment's folder. */
export interface MlflowRunFixture {
  readonly experimentId: string;
  readonly runId: string;
  readonly trashedExperiment?: boolean;
  readonly runName?: string;
  /** MLflow's status enum: 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED. */
  readonly status?: number;
  readonly startTime?: number;
  readonly endTime?: number | null;
  readonly lifecycleStage?: 'active' | 'deleted';
  readonly userId?: string;
  /** The artifact_uri field; the run's own artifacts folder as a file:// URI when absent. */
  readonly artifactUri?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** Metric files: key to lines ("timestamp value step"), each written with a trailing newline. */
  readonly metrics?: Readonly<Record<string, readonly string[]>>;
  /** Artifact files: path relative to the run's artifacts folder to content. */
  readonly artifacts?: Readonly<Record<string, string>>;
  readonly datasets?: readonly MlflowDatasetFixture[];
  readonly meta?: Readonly<Record<string, MetaYamlInput>>;
}

/** A dataset input of a run (MLflow 2.4+ log_input). */
export interface MlflowDatasetFixture {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string;
  readonly context?: string;
}

/** A registered model with its versions, written under <root>/models/<name>. */
export interface MlflowRegisteredModelFixture {
  readonly name: string;
  readonly description?: string | null;
  readonly creationTimestamp: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly aliases?: Readonly<Record<string, number>>;
  readonly versions: readonly {
    readonly version: number;
    readonly source: string;
    readonly runId?: string;
    readonly stage?: string;
    readonly creationTimestamp: number;
    readonly description?: string | null;
    readonly tags?: Readonly<Record<string, string>>;
    /** The logged model an MLflow 3 version was made from; its storage_location is then the model's artifact location. */
    readonly modelId?: string;
    /** storage_location; `source` when absent. */
    readonly storageLocation?: string;
  }[];
}

/** An MLflow 3 logged model, written under <experiment>/models/<model id>. */
export interface MlflowLoggedModelFixture {
  readonly experimentId: string;
  readonly modelId: string;
  readonly trashedExperiment?: boolean;
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp?: number;
  /** As MLflow wrote it: its name ('READY', MLflow 3.0 to 3.x) or its number (2, later). */
  readonly status?: string | number;
  readonly statusMessage?: string | null;
  readonly modelType?: string | null;
  readonly sourceRunId?: string | null;
  /** Left out of meta.yaml when null, as finalize_logged_model leaves it out. */
  readonly lifecycleStage?: 'active' | 'deleted' | null;
  /** The artifact_location field; the model's own artifacts folder as a file:// URI when absent. */
  readonly artifactLocation?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** Metric files: key to lines ("timestamp value step run_id [dataset_name dataset_digest]"). */
  readonly metrics?: Readonly<Record<string, readonly string[]>>;
  /** Artifact files: path relative to the model's artifacts folder to content. */
  readonly artifacts?: Readonly<Record<string, string>>;
  readonly meta?: Readonly<Record<string, MetaYamlInput>>;
}

const YAML_SPECIAL = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_.eE+-]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** A scalar as PyYAML writes it: plain when that reads back as the same string, else quoted. */
function formatScalar(value: string | number | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  // eslint-disable-next-line no-control-regex -- control characters are what PyYAML quotes, so the pattern names them.
  if (/[\x00-\x1f\x7f\u0085\u2028\u2029]/.test(value)) return JSON.stringify(value);
  const plain = /^[A-Za-z0-9_/.][A-Za-z0-9_/.:=+ -]*$/.test(value) && !/: |:$|\s$/.test(value) && !YAML_SPECIAL.test(value);
  return plain ? value : `'${value.replaceAll("'", "''")}'`;
}

/** Formats a flat map as PyYAML's safe_dump does for MLflow (keys sorted, block style). */
function formatMetaYaml(fields: Readonly<Record<string, MetaYamlInput>>): string {
  let text = '';
  for (const key of Object.keys(fields).sort()) {
    const value = fields[key]!;
    if (Array.isArray(value)) {
      // Array.isArray narrows a readonly array to any[]: name what it is.
      const items = value as readonly string[];
      text += items.length === 0 ? `${key}: []\n` : `${key}:\n${items.map((item) => `- ${formatScalar(item)}\n`).join('')}`;
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, string>);
      text += entries.length === 0 ? `${key}: {}\n` : `${key}:\n${entries.map(([k, v]) => `  ${k}: ${formatScalar(v)}\n`).join('')}`;
    } else {
      text += `${key}: ${formatScalar(value)}\n`;
    }
  }
  return text;
}

function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function writeKeyValues(folder: string, values: Readonly<Record<string, string>> | undefined): void {
  for (const [key, value] of Object.entries(values ?? {})) writeFile(path.join(folder, ...key.split('/')), value);
}

/** The folder of an experiment in a file store. */
function experimentFolder(root: string, experimentId: string, trashed = false): string {
  return trashed ? path.join(root, '.trash', experimentId) : path.join(root, experimentId);
}

/** Writes an experiment's meta.yaml and tags. */
export function writeMlflowExperiment(root: string, experiment: MlflowExperimentFixture): string {
  const folder = experimentFolder(root, experiment.experimentId, experiment.trashed);
  const time = experiment.creationTime ?? 1_700_000_000_000;
  writeFile(
    path.join(folder, 'meta.yaml'),
    formatMetaYaml({
      artifact_location: pathToFileURL(path.join(root, experiment.experimentId)).href,
      creation_time: time,
      experiment_id: experiment.experimentId,
      last_update_time: time,
      lifecycle_stage: experiment.trashed ? 'deleted' : 'active',
      name: experiment.name,
      ...experiment.meta,
    }),
  );
  fs.mkdirSync(path.join(folder, 'tags'), { recursive: true });
  writeKeyValues(path.join(folder, 'tags'), experiment.tags);
  return folder;
}

/** Writes a run: meta.yaml, params, tags, metric files, artifacts and dataset inputs. Returns its folder. */
export function writeMlflowRun(root: string, run: MlflowRunFixture): string {
  const folder = path.join(experimentFolder(root, run.experimentId, run.trashedExperiment), run.runId);
  writeFile(
    path.join(folder, 'meta.yaml'),
    formatMetaYaml({
      artifact_uri: run.artifactUri ?? pathToFileURL(path.join(root, run.experimentId, run.runId, 'artifacts')).href,
      end_time: run.endTime === undefined ? (run.startTime ?? 1_700_000_000_000) + 60_000 : run.endTime,
      entry_point_name: '',
      experiment_id: run.experimentId,
      lifecycle_stage: run.lifecycleStage ?? 'active',
      run_id: run.runId,
      run_name: run.runName ?? `run-${run.runId.slice(0, 6)}`,
      run_uuid: run.runId,
      source_name: '',
      source_type: 4,
      source_version: '',
      start_time: run.startTime ?? 1_700_000_000_000,
      status: run.status ?? 3,
      tags: [],
      user_id: run.userId ?? 'alice',
      ...run.meta,
    }),
  );
  for (const sub of ['metrics', 'params', 'tags', 'artifacts']) fs.mkdirSync(path.join(folder, sub), { recursive: true });
  writeKeyValues(path.join(folder, 'params'), run.params);
  writeKeyValues(path.join(folder, 'tags'), run.tags);
  for (const [key, lines] of Object.entries(run.metrics ?? {})) {
    writeFile(path.join(folder, 'metrics', ...key.split('/')), lines.map((line) => `${line}\n`).join(''));
  }
  writeKeyValues(path.join(folder, 'artifacts'), run.artifacts);
  for (const [index, dataset] of (run.datasets ?? []).entries()) {
    const datasetId = `dataset${index}${dataset.digest}`;
    writeFile(
      path.join(experimentFolder(root, run.experimentId, run.trashedExperiment), 'datasets', datasetId, 'meta.yaml'),
      formatMetaYaml({
        digest: dataset.digest,
        name: dataset.name,
        profile: null,
        schema: dataset.schema ?? null,
        source: dataset.source,
        source_type: dataset.sourceType,
      }),
    );
    writeFile(
      path.join(folder, 'inputs', `input${index}`, 'meta.yaml'),
      formatMetaYaml({
        destination_id: datasetId,
        destination_type: 'RUN',
        source_id: datasetId,
        source_type: 'DATASET',
        tags: dataset.context ? { [DATASET_CONTEXT_TAG]: dataset.context } : {},
      }),
    );
  }
  return folder;
}

/** Writes a registered model, its versions, tags and aliases under <root>/models. */
export function writeMlflowRegisteredModel(root: string, model: MlflowRegisteredModelFixture): string {
  const folder = path.join(root, 'models', model.name);
  const last = Math.max(model.creationTimestamp, ...model.versions.map((version) => version.creationTimestamp));
  writeFile(
    path.join(folder, 'meta.yaml'),
    formatMetaYaml({
      aliases: Object.fromEntries(Object.entries(model.aliases ?? {}).map(([alias, version]) => [alias, String(version)])),
      creation_timestamp: model.creationTimestamp,
      description: model.description ?? null,
      last_updated_timestamp: last,
      name: model.name,
    }),
  );
  writeKeyValues(path.join(folder, 'tags'), model.tags);
  for (const [alias, version] of Object.entries(model.aliases ?? {})) writeFile(path.join(folder, 'aliases', alias), String(version));
  for (const version of model.versions) {
    const versionFolder = path.join(folder, `version-${version.version}`);
    writeFile(
      path.join(versionFolder, 'meta.yaml'),
      formatMetaYaml({
        aliases: Object.entries(model.aliases ?? {})
          .filter(([, v]) => v === version.version)
          .map(([alias]) => alias),
        creation_timestamp: version.creationTimestamp,
        current_stage: version.stage ?? 'None',
        description: version.description ?? null,
        last_updated_timestamp: version.creationTimestamp,
        name: model.name,
        run_id: version.runId ?? null,
        run_link: null,
        source: version.source,
        status: 'READY',
        status_message: null,
        storage_location: version.storageLocation ?? version.source,
        user_id: null,
        version: version.version,
        ...(version.modelId === undefined ? {} : { model_id: version.modelId }),
      }),
    );
    writeKeyValues(path.join(versionFolder, 'tags'), version.tags);
  }
  return folder;
}

/** Writes a logged model: meta.yaml, params, tags, metric files and artifacts. Returns its folder. */
export function writeMlflowLoggedModel(root: string, model: MlflowLoggedModelFixture): string {
  const folder = path.join(experimentFolder(root, model.experimentId, model.trashedExperiment), 'models', model.modelId);
  const lifecycleStage = model.lifecycleStage === undefined ? 'active' : model.lifecycleStage;
  writeFile(
    path.join(folder, 'meta.yaml'),
    formatMetaYaml({
      artifact_location: model.artifactLocation ?? pathToFileURL(path.join(root, model.experimentId, 'models', model.modelId, 'artifacts')).href,
      creation_timestamp: model.creationTimestamp,
      experiment_id: model.experimentId,
      last_updated_timestamp: model.lastUpdatedTimestamp ?? model.creationTimestamp,
      ...(lifecycleStage === null ? {} : { lifecycle_stage: lifecycleStage }),
      model_id: model.modelId,
      model_type: model.modelType ?? null,
      name: model.name,
      source_run_id: model.sourceRunId ?? null,
      status: model.status ?? 'READY',
      status_message: model.statusMessage ?? null,
      ...model.meta,
    }),
  );
  for (const sub of ['metrics', 'params']) fs.mkdirSync(path.join(folder, sub), { recursive: true });
  writeKeyValues(path.join(folder, 'params'), model.params);
  writeKeyValues(path.join(folder, 'tags'), model.tags);
  for (const [key, lines] of Object.entries(model.metrics ?? {})) {
    writeFile(path.join(folder, 'metrics', ...key.split('/')), lines.map((line) => `${line}\n`).join(''));
  }
  writeKeyValues(path.join(folder, 'artifacts'), model.artifacts);
  return folder;
}
