// Reads an MLflow file store (an mlruns folder) as MLflow's FileStore lays it out:
//   <root>/<experiment id>/meta.yaml, tags/<key>            an experiment (deleted ones under <root>/.trash/)
//   <experiment>/<run id>/meta.yaml                          a run (status as MLflow's 1..5 enum)
//   <run>/params/<key>, tags/<key>                           one value per file; '/' in a key is a subfolder
//   <run>/metrics/<key>                                      lines "timestamp value step" (older: no step;
//                                                            "... step dataset_name dataset_digest" when MLflow 3 names a dataset)
//   <run>/inputs/<id>/meta.yaml + <experiment>/datasets/<id>/meta.yaml   dataset inputs
//   <experiment>/models/<model id>/meta.yaml, params/, tags/  an MLflow 3 logged model (FileStore.create_logged_model)
//   <logged model>/metrics/<key>                             lines "timestamp value step run_id [dataset_name dataset_digest]"
//   <logged model>/artifacts/                                its files, when its artifact_location is the default
//   <root>/models/<name>/meta.yaml, aliases/, tags/, version-<n>/meta.yaml   the model registry
// Plain Node: no store, no Cairn state. Malformed files are reported as MalformedSourceError.
// Every folder and file is reached through a SourceTree, which decides which symbolic links are followed.
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { LifecycleStage, LoggedModelStatus, ModelVersionStage, ModelVersionStatus, RunStatus, Tag } from '../../../shared/models';
import type { DatasetInput, MetricInput } from '../tracker/tracker-store';
import { readYamlMapping, YamlError, type YamlMappingDocument, type YamlValue } from '../yaml/yaml-mapping-reader';
import type { SourceTree } from './source-tree';

/** The folder of deleted experiments inside an mlruns folder. */
const TRASH_FOLDER = '.trash';
/** The model registry's folder inside an mlruns folder. */
const REGISTRY_FOLDER = 'models';
/** The folder of MLflow 3's logged models inside an experiment folder. */
const LOGGED_MODELS_FOLDER = 'models';
/** Folders inside an experiment folder that are not runs: its tags, datasets, traces, and MLflow 3's logged models. */
const EXPERIMENT_RESERVED_FOLDERS: readonly string[] = ['tags', 'datasets', 'traces', LOGGED_MODELS_FOLDER];

/** A file or folder in the source that cannot be read as MLflow writes it. */
export class MalformedSourceError extends Error {
  readonly file: string;
  /** The 1-based line at fault, when one is. */
  readonly line: number | null;

  constructor(file: string, line: number | null, reason: string) {
    super(reason);
    this.name = 'MalformedSourceError';
    this.file = file;
    this.line = line;
  }
}

/** An experiment folder as found, before its meta.yaml is read. */
export interface ExperimentFolder {
  readonly folder: string;
  /** The folder's name: MLflow's experiment id. */
  readonly experimentId: string;
  /** Whether it is in the trash folder (a deleted experiment). */
  readonly inTrash: boolean;
}

/** An experiment's meta.yaml and tags. */
export interface MlflowExperiment extends ExperimentFolder {
  readonly name: string;
  readonly lifecycleStage: LifecycleStage;
  readonly artifactLocation: string | null;
  /** Milliseconds since the epoch; null when not recorded. */
  readonly creationTime: number | null;
  readonly tags: readonly Tag[];
  /** Fields of meta.yaml this reader does not know, which are ignored. */
  readonly unknownFields: readonly string[];
}

/** A run's meta.yaml. */
export interface MlflowRunMeta {
  readonly folder: string;
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string | null;
  readonly status: RunStatus;
  /** Milliseconds since the epoch; null when not recorded. */
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly lifecycleStage: LifecycleStage;
  readonly deletedTime: number | null;
  readonly userId: string | null;
  readonly artifactUri: string | null;
  readonly unknownFields: readonly string[];
}

/** One metric history file of a run. */
export interface MlflowMetricFile {
  readonly key: string;
  readonly file: string;
  readonly size: number;
}

/** A line of a metric file that MLflow could not read. */
export interface MalformedMetricLine {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** A registered model with its versions, as the file registry keeps them. */
export interface MlflowRegisteredModel {
  readonly folder: string;
  readonly name: string;
  readonly description: string | null;
  readonly creationTimestamp: number | null;
  readonly lastUpdatedTimestamp: number | null;
  readonly tags: readonly Tag[];
  readonly aliases: readonly { readonly alias: string; readonly version: number }[];
  readonly versions: readonly MlflowModelVersion[];
  readonly unknownFields: readonly string[];
}

/** A model version's meta.yaml and tags. */
export interface MlflowModelVersion {
  readonly folder: string;
  readonly version: number;
  readonly creationTimestamp: number | null;
  readonly lastUpdatedTimestamp: number | null;
  readonly description: string | null;
  readonly userId: string | null;
  /** MLflow's stage; 'Deleted_Internal' marks a version MLflow deleted. */
  readonly currentStage: ModelVersionStage | 'Deleted_Internal';
  readonly source: string;
  readonly storageLocation: string | null;
  readonly runId: string | null;
  readonly runLink: string | null;
  readonly status: ModelVersionStatus;
  readonly statusMessage: string | null;
  readonly modelId: string | null;
  readonly tags: readonly Tag[];
  readonly unknownFields: readonly string[];
}

/** An MLflow 3 logged model's meta.yaml; its params, tags and metrics are files beside it. */
export interface MlflowLoggedModel {
  readonly folder: string;
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string | null;
  /** Milliseconds since the epoch; null when not recorded. */
  readonly creationTimestamp: number | null;
  readonly lastUpdatedTimestamp: number | null;
  readonly status: LoggedModelStatus;
  readonly statusMessage: string | null;
  readonly modelType: string | null;
  readonly sourceRunId: string | null;
  readonly lifecycleStage: LifecycleStage;
  readonly unknownFields: readonly string[];
}

/** A point of a logged model's metric file, and the run that logged it. */
export interface LoggedModelMetricPoint {
  readonly runId: string;
  /** The point as logged to that run, with the model's id and the dataset when named. */
  readonly metric: MetricInput;
}

const META_FILE = 'meta.yaml';
const RUN_STATUS_BY_CODE: Readonly<Record<number, RunStatus>> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };
const EXPERIMENT_FIELDS = new Set(['experiment_id', 'name', 'artifact_location', 'lifecycle_stage', 'creation_time', 'last_update_time', 'tags']);
const RUN_FIELDS = new Set([
  'run_id',
  'run_uuid',
  'run_name',
  'experiment_id',
  'status',
  'start_time',
  'end_time',
  'lifecycle_stage',
  'deleted_time',
  'user_id',
  'artifact_uri',
  // Written for old MLflow versions to read; they carry nothing.
  'tags',
  'source_type',
  'source_name',
  'entry_point_name',
  'source_version',
  'name',
]);
const REGISTERED_MODEL_FIELDS = new Set(['name', 'description', 'creation_timestamp', 'last_updated_timestamp', 'aliases', 'tags', 'latest_versions']);
const MODEL_VERSION_FIELDS = new Set([
  'name',
  'version',
  'creation_timestamp',
  'last_updated_timestamp',
  'description',
  'user_id',
  'current_stage',
  'source',
  'storage_location',
  'run_id',
  'run_link',
  'status',
  'status_message',
  'model_id',
  'aliases',
  'tags',
  // MLflow 3 adds these to every version; they are empty in the file registry.
  'metrics',
  'params',
  'deployment_job_state',
]);
// What FileStore.create_logged_model writes: LoggedModel.to_dictionary() without tags, params and
// metrics, plus lifecycle_stage (which finalize_logged_model drops again when it rewrites the file).
const LOGGED_MODEL_FIELDS = new Set([
  'model_id',
  'experiment_id',
  'name',
  'artifact_location',
  'creation_timestamp',
  'last_updated_timestamp',
  'model_type',
  'source_run_id',
  'status',
  'status_message',
  'lifecycle_stage',
]);
// LoggedModelStatus as MLflow writes it: its name (str(status) in 3.x, 'LoggedModelStatus.READY'
// from builds whose enum had no __str__), or its number (to_int(), later). UNSPECIFIED is never
// written by MLflow's own calls; like PENDING, it says nothing about the files being complete.
const LOGGED_MODEL_STATUS_BY_NAME: Readonly<Record<string, LoggedModelStatus>> = {
  UNSPECIFIED: 'PENDING',
  PENDING: 'PENDING',
  READY: 'READY',
  FAILED: 'FAILED',
};
const LOGGED_MODEL_STATUS_BY_CODE: Readonly<Record<number, LoggedModelStatus>> = { 0: 'PENDING', 1: 'PENDING', 2: 'READY', 3: 'FAILED' };
const MLFLOW_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const MODEL_VERSION_STAGES: readonly string[] = ['None', 'Staging', 'Production', 'Archived', 'Deleted_Internal'];
const MODEL_VERSION_STATUSES: readonly string[] = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'];

/** Reads and parses a meta.yaml file; MalformedSourceError with the line when it is not one. */
async function readMetaFile(tree: SourceTree, folder: string): Promise<YamlMappingDocument> {
  const file = path.join(folder, META_FILE);
  const kind = await tree.kindOf(file);
  if (kind === 'missing') throw new MalformedSourceError(file, null, 'meta.yaml is missing');
  if (kind === 'skipped-link') throw new MalformedSourceError(file, null, 'meta.yaml is a symbolic link that is not followed (see the symbolic links skipped)');
  if (kind !== 'file') throw new MalformedSourceError(file, null, 'meta.yaml is not a file');
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new MalformedSourceError(file, null, String(error));
  }
  try {
    return readYamlMapping(text);
  } catch (error) {
    if (error instanceof YamlError) throw new MalformedSourceError(file, error.line, error.message.replace(/^line \d+: /, ''));
    throw error;
  }
}

/** The experiment folders of an mlruns folder: active ones, then those in the trash, each sorted by name. */
export async function listExperimentFolders(tree: SourceTree): Promise<ExperimentFolder[]> {
  const root = tree.root;
  const active = (await listSubfolders(tree, root)).filter((name) => name !== TRASH_FOLDER && name !== REGISTRY_FOLDER);
  const trashed = await listSubfolders(tree, path.join(root, TRASH_FOLDER));
  return [
    ...active.map((name) => ({ folder: path.join(root, name), experimentId: name, inTrash: false })),
    ...trashed.map((name) => ({ folder: path.join(root, TRASH_FOLDER, name), experimentId: name, inTrash: true })),
  ];
}

/** Whether a folder holds an experiment's meta.yaml (tells an mlruns folder from another). */
export async function hasMetaFile(tree: SourceTree, folder: string): Promise<boolean> {
  return (await tree.kindOf(path.join(folder, META_FILE))) === 'file';
}

/** Reads an experiment's meta.yaml and tags. */
export async function readExperiment(tree: SourceTree, found: ExperimentFolder): Promise<MlflowExperiment> {
  const meta = await readMetaFile(tree, found.folder);
  const file = path.join(found.folder, META_FILE);
  const field = fieldReader(meta, file);
  const recordedId = field.idText('experiment_id');
  if (recordedId !== null && recordedId !== found.experimentId) {
    throw new MalformedSourceError(file, meta.lineOf('experiment_id'), `experiment_id is ${recordedId}, but the folder is named ${found.experimentId}`);
  }
  const name = field.string('name');
  if (!name) throw new MalformedSourceError(file, meta.lineOf('name'), 'the experiment has no name');
  return {
    ...found,
    name,
    lifecycleStage: found.inTrash ? 'deleted' : field.lifecycleStage('lifecycle_stage'),
    artifactLocation: field.string('artifact_location'),
    creationTime: field.integer('creation_time'),
    tags: await readKeyValueFolder(tree, path.join(found.folder, 'tags')),
    unknownFields: Object.keys(meta.root).filter((key) => !EXPERIMENT_FIELDS.has(key)),
  };
}

/** The run folders of an experiment folder (sorted), and the reserved non-run folders it has. */
export async function listRunFolders(tree: SourceTree, experimentFolder: string): Promise<{ runs: string[]; reserved: string[] }> {
  const names = await listSubfolders(tree, experimentFolder);
  return {
    runs: names.filter((name) => !EXPERIMENT_RESERVED_FOLDERS.includes(name)).map((name) => path.join(experimentFolder, name)),
    reserved: names.filter((name) => EXPERIMENT_RESERVED_FOLDERS.includes(name)),
  };
}

/** Reads a run's meta.yaml, checking it against the folder it is in. */
export async function readRunMeta(tree: SourceTree, runFolder: string, experimentId: string): Promise<MlflowRunMeta> {
  const meta = await readMetaFile(tree, runFolder);
  const file = path.join(runFolder, META_FILE);
  const field = fieldReader(meta, file);
  const folderName = path.basename(runFolder);
  const runId = field.string('run_id') ?? field.string('run_uuid');
  if (runId === null) throw new MalformedSourceError(file, null, 'the run has no run_id');
  const runIdLine = meta.lineOf('run_id') ?? meta.lineOf('run_uuid');
  if (runId !== folderName) throw new MalformedSourceError(file, runIdLine, `run_id is ${runId}, but the folder is named ${folderName}`);
  if (!MLFLOW_ID.test(runId)) throw new MalformedSourceError(file, runIdLine, `'${runId}' is not a valid run id`);
  const recordedExperiment = field.idText('experiment_id');
  if (recordedExperiment !== null && recordedExperiment !== experimentId) {
    throw new MalformedSourceError(file, meta.lineOf('experiment_id'), `experiment_id is ${recordedExperiment}, but the run is in experiment folder ${experimentId}`);
  }
  return {
    folder: runFolder,
    runId,
    experimentId,
    runName: field.string('run_name'),
    status: field.runStatus('status'),
    startTime: field.integer('start_time'),
    endTime: field.integer('end_time'),
    lifecycleStage: field.lifecycleStage('lifecycle_stage'),
    deletedTime: field.integer('deleted_time'),
    userId: field.string('user_id'),
    artifactUri: field.string('artifact_uri'),
    unknownFields: Object.keys(meta.root).filter((key) => !RUN_FIELDS.has(key)),
  };
}

/** Every file under a folder as a key (its path, '/'-separated) and its whole text; [] when the folder is missing. */
export async function readKeyValueFolder(tree: SourceTree, folder: string): Promise<Tag[]> {
  const files = await listFilesRecursively(tree, folder);
  const entries: Tag[] = [];
  for (const file of files) entries.push({ key: file.key, value: await fs.promises.readFile(file.file, 'utf8') });
  return entries;
}

/** A run's metric files with their sizes, sorted by key. */
export async function listMetricFiles(tree: SourceTree, runFolder: string): Promise<MlflowMetricFile[]> {
  return listFilesRecursively(tree, path.join(runFolder, 'metrics'));
}

/** Points read from one piece of a metric file, and that piece's size in bytes. */
export interface MetricPointBatch<Point = MetricInput> {
  readonly points: Point[];
  readonly bytesRead: number;
}

/**
 * Streams a metric file's lines through parseLine, in batches as the file is read (never the whole
 * file at once). Lines parseLine refuses (it returns why) go to onMalformed; blank lines (null) are ignored.
 */
export async function* readMetricLines<Point>(
  metric: MlflowMetricFile,
  parseLine: (key: string, line: string) => Point | null | string,
  onMalformed: (line: MalformedMetricLine) => void,
): AsyncGenerator<MetricPointBatch<Point>> {
  const stream = fs.createReadStream(metric.file, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNumber = 0;
  const parseLines = (text: string, batch: Point[]): void => {
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      lineNumber++;
      const point = parseLine(metric.key, text.slice(start, end));
      if (typeof point === 'string') onMalformed({ file: metric.file, line: lineNumber, reason: point });
      else if (point !== null) batch.push(point);
      start = end + 1;
    }
    rest = text.slice(start);
  };
  for await (const chunk of stream) {
    const points: Point[] = [];
    parseLines(rest + decoder.write(chunk as Buffer), points);
    yield { points, bytesRead: (chunk as Buffer).length };
  }
  const tail = rest + decoder.end();
  if (tail !== '') {
    const points: Point[] = [];
    parseLines(`${tail}\n`, points);
    yield { points, bytesRead: 0 };
  }
}

const DECIMAL_WITH_UNDERSCORES = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const SPECIAL_FLOAT = /^([+-]?)(inf|infinity|nan)$/i;
const RUN_METRIC_LINE = '"timestamp value [step]" or "timestamp value step dataset_name dataset_digest"';
const LOGGED_MODEL_METRIC_LINE = '"timestamp value step run_id [dataset_name dataset_digest]"';

/**
 * One line of a run's metric file as MLflow reads it (FileStore._get_metric_from_line): "timestamp
 * value [step]", or MLflow 3's "timestamp value step dataset_name dataset_digest". Null for a blank
 * line, a reason when malformed.
 */
export function parseMetricLine(key: string, line: string): MetricInput | null | string {
  const trimmed = line.trim();
  if (trimmed === '') return null;
  // The common lines are read without splitting: a history can run to millions of them.
  const first = trimmed.indexOf(' ');
  const second = first < 0 ? -1 : trimmed.indexOf(' ', first + 1);
  if (second >= 0 && trimmed.indexOf(' ', second + 1) >= 0) {
    const fields = trimmed.split(' ');
    if (fields.length !== 5) return `expected ${RUN_METRIC_LINE}, found ${fields.length} field(s)`;
    const point = metricPoint(key, fields[0]!, fields[1]!, fields[2]!);
    return typeof point === 'string' ? point : { ...point, datasetName: fields[3]!, datasetDigest: fields[4]! };
  }
  if (first < 0) return `expected ${RUN_METRIC_LINE}, found 1 field(s)`;
  return second < 0
    ? metricPoint(key, trimmed.slice(0, first), trimmed.slice(first + 1), null)
    : metricPoint(key, trimmed.slice(0, first), trimmed.slice(first + 1, second), trimmed.slice(second + 1));
}

/**
 * One line of a logged model's metric file as MLflow reads it (FileStore._get_model_metric_from_line):
 * "timestamp value step run_id", with "dataset_name dataset_digest" after it when a dataset was named.
 */
export function parseLoggedModelMetricLine(key: string, modelId: string, line: string): LoggedModelMetricPoint | null | string {
  const trimmed = line.trim();
  if (trimmed === '') return null;
  const fields = trimmed.split(' ');
  if (fields.length !== 4 && fields.length !== 6) return `expected ${LOGGED_MODEL_METRIC_LINE}, found ${fields.length} field(s)`;
  const point = metricPoint(key, fields[0]!, fields[1]!, fields[2]!);
  if (typeof point === 'string') return point;
  const runId = fields[3]!;
  if (!MLFLOW_ID.test(runId)) return `'${runId}' is not a valid run id`;
  const dataset = fields.length === 6 ? { datasetName: fields[4]!, datasetDigest: fields[5]! } : {};
  return { runId, metric: { ...point, modelId, ...dataset } };
}

/** A point from the texts of its fields; a reason when one of them is not what MLflow writes. A missing step is 0. */
function metricPoint(key: string, timestampText: string, valueText: string, stepText: string | null): MetricInput | string {
  const timestamp = parsePythonInt(timestampText);
  if (timestamp === null) return `the timestamp '${timestampText}' is not an integer`;
  const value = parsePythonFloat(valueText);
  if (value === null) return `the value '${valueText}' is not a number`;
  if (stepText === null) return { key, timestamp, value, step: 0 };
  const step = parsePythonInt(stepText);
  if (step === null) return `the step '${stepText}' is not an integer`;
  return { key, timestamp, value, step };
}

/** Python's int() for what MLflow writes: an optional sign, digits, underscores between digits; null otherwise or when unsafe. */
function parsePythonInt(text: string): number | null {
  let i = 0;
  let sign = 1;
  const first = text.charCodeAt(0);
  if (first === 45 || first === 43) {
    sign = first === 45 ? -1 : 1;
    i = 1;
  }
  let value = 0;
  let afterDigit = false;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      afterDigit = true;
    } else if (code === 95 && afterDigit) {
      afterDigit = false;
    } else {
      return null;
    }
  }
  if (!afterDigit) return null;
  const result = sign * value;
  return Number.isSafeInteger(result) ? result + 0 : null;
}

/** Python's float() for what MLflow writes: decimals and exponents, inf, infinity and nan in any case. */
function parsePythonFloat(text: string): number | null {
  if (text === '') return null;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const plain = (code >= 48 && code <= 57) || code === 46 || code === 101 || code === 69 || code === 43 || code === 45;
    if (!plain) {
      const special = SPECIAL_FLOAT.exec(text);
      if (special) {
        if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
        return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      }
      return DECIMAL_WITH_UNDERSCORES.test(text) ? Number(text.replaceAll('_', '')) : null;
    }
  }
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

/** The dataset inputs of a run (MLflow 2.4+), joined with their datasets' meta.yaml. */
export async function readDatasetInputs(tree: SourceTree, runFolder: string, experimentFolder: string): Promise<DatasetInput[]> {
  const inputsFolder = path.join(runFolder, 'inputs');
  const inputs: DatasetInput[] = [];
  for (const name of await listSubfolders(tree, inputsFolder)) {
    const inputFolder = path.join(inputsFolder, name);
    const input = await readMetaFile(tree, inputFolder);
    const inputFile = path.join(inputFolder, META_FILE);
    const field = fieldReader(input, inputFile);
    if (field.string('source_type') !== 'DATASET') continue;
    const datasetId = field.string('source_id');
    if (!datasetId) throw new MalformedSourceError(inputFile, null, 'the input names no dataset (source_id)');
    if (!MLFLOW_ID.test(datasetId)) throw new MalformedSourceError(inputFile, input.lineOf('source_id'), `'${datasetId}' is not a valid dataset id`);
    const datasetFolder = path.join(experimentFolder, 'datasets', datasetId);
    const dataset = await readMetaFile(tree, datasetFolder);
    const datasetField = fieldReader(dataset, path.join(datasetFolder, META_FILE));
    const tags = input.root.tags;
    inputs.push({
      name: datasetField.requiredString('name'),
      digest: datasetField.requiredString('digest'),
      sourceType: datasetField.requiredString('source_type'),
      source: datasetField.requiredString('source'),
      schema: datasetField.string('schema'),
      profile: datasetField.string('profile'),
      tags: tags && typeof tags === 'object' && !Array.isArray(tags) ? Object.entries(tags).map(([key, value]) => ({ key, value: scalarText(value) })) : [],
    });
  }
  return inputs;
}

/** The registered models under <root>/models, each with its versions, aliases and tags. */
export async function listRegisteredModelFolders(tree: SourceTree): Promise<string[]> {
  const folder = path.join(tree.root, REGISTRY_FOLDER);
  return (await listSubfolders(tree, folder)).map((name) => path.join(folder, name));
}

/** Reads one registered model folder: meta.yaml, tags, aliases and every version-<n> folder. */
export async function readRegisteredModel(tree: SourceTree, folder: string): Promise<{ model: MlflowRegisteredModel; malformed: MalformedSourceError[] }> {
  const meta = await readMetaFile(tree, folder);
  const file = path.join(folder, META_FILE);
  const field = fieldReader(meta, file);
  const name = field.requiredString('name');
  const aliases: { alias: string; version: number }[] = [];
  const malformed: MalformedSourceError[] = [];
  for (const alias of await readKeyValueFolder(tree, path.join(folder, 'aliases'))) {
    const version = Number(alias.value.trim());
    if (Number.isSafeInteger(version) && version > 0) aliases.push({ alias: alias.key, version });
    else malformed.push(new MalformedSourceError(path.join(folder, 'aliases', alias.key), null, `the alias names no version ('${alias.value}')`));
  }
  const versions: MlflowModelVersion[] = [];
  for (const versionName of await listSubfolders(tree, folder)) {
    if (!versionName.startsWith('version-')) continue;
    try {
      versions.push(await readModelVersion(tree, path.join(folder, versionName)));
    } catch (error) {
      if (!(error instanceof MalformedSourceError)) throw error;
      malformed.push(error);
    }
  }
  versions.sort((a, b) => a.version - b.version);
  return {
    model: {
      folder,
      name,
      description: field.string('description'),
      creationTimestamp: field.integer('creation_timestamp'),
      lastUpdatedTimestamp: field.integer('last_updated_timestamp'),
      tags: await readKeyValueFolder(tree, path.join(folder, 'tags')),
      aliases,
      versions,
      unknownFields: Object.keys(meta.root).filter((key) => !REGISTERED_MODEL_FIELDS.has(key)),
    },
    malformed,
  };
}

async function readModelVersion(tree: SourceTree, folder: string): Promise<MlflowModelVersion> {
  const meta = await readMetaFile(tree, folder);
  const file = path.join(folder, META_FILE);
  const field = fieldReader(meta, file);
  const version = field.integer('version');
  if (version === null || version < 1) throw new MalformedSourceError(file, null, 'the model version has no version number');
  if (`version-${version}` !== path.basename(folder)) {
    throw new MalformedSourceError(file, meta.lineOf('version'), `version is ${version}, but the folder is named ${path.basename(folder)}`);
  }
  const stage = field.string('current_stage') ?? 'None';
  if (!MODEL_VERSION_STAGES.includes(stage)) throw new MalformedSourceError(file, meta.lineOf('current_stage'), `unknown stage '${stage}'`);
  const status = field.string('status') ?? 'READY';
  if (!MODEL_VERSION_STATUSES.includes(status)) throw new MalformedSourceError(file, meta.lineOf('status'), `unknown status '${status}'`);
  return {
    folder,
    version,
    creationTimestamp: field.integer('creation_timestamp'),
    lastUpdatedTimestamp: field.integer('last_updated_timestamp'),
    description: field.string('description'),
    userId: field.string('user_id'),
    currentStage: stage as MlflowModelVersion['currentStage'],
    source: field.requiredString('source'),
    storageLocation: field.string('storage_location'),
    runId: field.string('run_id'),
    runLink: field.string('run_link'),
    status: status as ModelVersionStatus,
    statusMessage: field.string('status_message'),
    modelId: field.string('model_id'),
    tags: await readKeyValueFolder(tree, path.join(folder, 'tags')),
    unknownFields: Object.keys(meta.root).filter((key) => !MODEL_VERSION_FIELDS.has(key)),
  };
}

/** The logged model folders of an experiment folder (<experiment>/models/<model id>), sorted; [] when it has none. */
export async function listLoggedModelFolders(tree: SourceTree, experimentFolder: string): Promise<string[]> {
  const folder = path.join(experimentFolder, LOGGED_MODELS_FOLDER);
  return (await listSubfolders(tree, folder)).map((name) => path.join(folder, name));
}

/** Reads a logged model's meta.yaml, checking it against the folders it is in. */
export async function readLoggedModel(tree: SourceTree, modelFolder: string, experimentId: string): Promise<MlflowLoggedModel> {
  const meta = await readMetaFile(tree, modelFolder);
  const file = path.join(modelFolder, META_FILE);
  const field = fieldReader(meta, file);
  const folderName = path.basename(modelFolder);
  const modelId = field.requiredString('model_id');
  if (modelId !== folderName) throw new MalformedSourceError(file, meta.lineOf('model_id'), `model_id is ${modelId}, but the folder is named ${folderName}`);
  if (!MLFLOW_ID.test(modelId)) throw new MalformedSourceError(file, meta.lineOf('model_id'), `'${modelId}' is not a valid model id`);
  const recordedExperiment = field.idText('experiment_id');
  if (recordedExperiment !== null && recordedExperiment !== experimentId) {
    throw new MalformedSourceError(
      file,
      meta.lineOf('experiment_id'),
      `experiment_id is ${recordedExperiment}, but the logged model is in experiment folder ${experimentId}`,
    );
  }
  const name = field.requiredString('name');
  if (name.trim() === '') throw new MalformedSourceError(file, meta.lineOf('name'), 'the logged model has no name');
  return {
    folder: modelFolder,
    modelId,
    experimentId,
    name,
    artifactLocation: field.string('artifact_location'),
    creationTimestamp: field.integer('creation_timestamp'),
    lastUpdatedTimestamp: field.integer('last_updated_timestamp'),
    status: field.loggedModelStatus('status'),
    statusMessage: field.string('status_message'),
    modelType: field.string('model_type'),
    sourceRunId: field.string('source_run_id'),
    lifecycleStage: field.lifecycleStage('lifecycle_stage'),
    unknownFields: Object.keys(meta.root).filter((key) => !LOGGED_MODEL_FIELDS.has(key)),
  };
}

// ---------------------------------------------------------------- internals

/** The names of a folder's subfolders (links that are followed included), sorted; [] when the folder is missing. */
export async function listSubfolders(tree: SourceTree, folder: string): Promise<string[]> {
  return (await tree.list(folder)).filter((entry) => entry.kind === 'directory').map((entry) => entry.name);
}

/** Files under a folder, recursively, keyed by their '/'-joined relative path; [] when the folder is missing. */
async function listFilesRecursively(tree: SourceTree, folder: string): Promise<MlflowMetricFile[]> {
  const found: MlflowMetricFile[] = [];
  for await (const entry of tree.walk(folder)) {
    if (entry.kind === 'file') found.push({ key: entry.key, file: entry.path, size: (await fs.promises.stat(entry.path)).size });
  }
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function scalarText(value: YamlValue): string {
  return value === null ? '' : typeof value === 'object' ? shownValue(value) : String(value);
}

/** A meta.yaml value as JSON, for messages and nested tag values; bigints as their digits. */
function shownValue(value: YamlValue | undefined): string {
  return JSON.stringify(value, (_, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? 'nothing';
}

/** Typed access to meta.yaml fields; a field of the wrong type is a MalformedSourceError naming it and its line. */
function fieldReader(document: YamlMappingDocument, file: string) {
  const meta = document.root;
  const wrong = (key: string, expected: string): MalformedSourceError =>
    new MalformedSourceError(file, document.lineOf(key), `${key} should be ${expected}, found ${shownValue(meta[key])}`);
  const reader = {
    string(key: string): string | null {
      const value = meta[key];
      if (value === undefined || value === null) return null;
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
      throw wrong(key, 'text');
    },
    requiredString(key: string): string {
      const value = reader.string(key);
      if (value === null) throw new MalformedSourceError(file, null, `${key} is missing`);
      return value;
    },
    /** An id MLflow wrote as a number (old versions; a long one is a bigint, every digit kept) or as text. */
    idText(key: string): string | null {
      const value = meta[key];
      if (value === undefined || value === null) return null;
      if (typeof value === 'string') return value;
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) return String(value);
      throw wrong(key, 'an id');
    },
    integer(key: string): number | null {
      const value = meta[key];
      if (value === undefined || value === null) return null;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
      throw wrong(key, 'an integer');
    },
    lifecycleStage(key: string): LifecycleStage {
      const value = meta[key] ?? 'active';
      if (value === 'active' || value === 'deleted') return value;
      throw wrong(key, "'active' or 'deleted'");
    },
    runStatus(key: string): RunStatus {
      const value = meta[key];
      if (value === undefined || value === null) return 'RUNNING';
      if (typeof value === 'number' && RUN_STATUS_BY_CODE[value]) return RUN_STATUS_BY_CODE[value];
      if (typeof value === 'string' && Object.values(RUN_STATUS_BY_CODE).includes(value as RunStatus)) return value as RunStatus;
      throw wrong(key, 'a run status (1 to 5)');
    },
    /** A status MLflow wrote as its name or its number; READY when absent, as LoggedModel's default. */
    loggedModelStatus(key: string): LoggedModelStatus {
      const value = meta[key];
      if (value === undefined || value === null) return 'READY';
      const name = typeof value === 'string' ? value.replace(/^LoggedModelStatus\./, '') : null;
      if (typeof value === 'number' && Object.hasOwn(LOGGED_MODEL_STATUS_BY_CODE, value)) return LOGGED_MODEL_STATUS_BY_CODE[value]!;
      if (name !== null && Object.hasOwn(LOGGED_MODEL_STATUS_BY_NAME, name)) return LOGGED_MODEL_STATUS_BY_NAME[name]!;
      throw wrong(key, 'a logged model status (PENDING, READY, FAILED, or 0 to 3)');
    },
  };
  return reader;
}
