// The SQLite implementation of the tracker store (better-sqlite3, WAL).
// Rows are turned into plain entities here and never leave this module.
import { randomUUID } from 'node:crypto';
import { CairnError } from '../../../shared/errors';
import { quotedValue, shortText } from '../../../shared/quoted-value';
import { DATASET_CONTEXT_TAG, LOGGED_MODELS_TAG, PARENT_RUN_TAG, RUN_NAME_TAG, USER_TAG } from '../../../shared/mlflow-tags';
import type {
  Experiment,
  ExperimentSummary,
  LatestMetric,
  LifecycleStage,
  MetricPoint,
  Page,
  Param,
  Run,
  RunDataset,
  RunInfo,
  RunModelOutput,
  RunStatus,
  Tag,
  ViewType,
} from '../../../shared/models';
import type { CairnDatabase, SqliteDatabase } from '../database/database';
import { generateRunName } from './run-name-generator';
import { decodePagePosition, decodePageToken, encodePageToken } from './page-token';
import type {
  CreateRunInput,
  DatasetInput,
  FinishedRunInput,
  ImportedRun,
  LogBatchInput,
  MetricHistoryJsonPage,
  MetricHistoryQuery,
  MetricInput,
  RunImportCompletion,
  SearchExperimentsQuery,
  SearchRunsQuery,
  StoreChange,
  TrackerImportStore,
  TrackerStore,
  UpdateRunInput,
} from './tracker-store';
import { buildRunSearchSql } from './run-search-sql';
import { buildExperimentSearchSql } from './experiment-search-sql';
import { RunCache } from './run-cache';
import { MetricBlockWriter } from './metric-block-writer';

/** Points inserted per statement when writing metrics (a multi-row INSERT is faster than one per point). */
const POINTS_PER_INSERT = 50;

const DEFAULT_METRIC_HISTORY_PAGE = 25_000;
const MAX_METRIC_HISTORY_PAGE = 1_000_000;

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
  run_count?: number;
}

interface RunRow {
  run_uuid: string;
  experiment_id: number;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  user_id: string;
  artifact_uri: string;
  parent_run_id: string | null;
}

/** A point's key in a history's order: step, timestamp, value (0 for NaN) and whether it is NaN. */
type HistoryKey = [step: number, timestamp: number, value: number, isNan: number];
type HistoryRow = HistoryKey;
/** A key before every point: step is compared first, and no step is below -Infinity. */
const BEFORE_FIRST_POINT: HistoryKey = [Number.NEGATIVE_INFINITY, 0, 0, 0];

/** The token of the history page after `last`; the value goes as text, which keeps ±Infinity and every digit. */
function historyPageToken(offset: number, last: HistoryRow): string {
  return encodePageToken(offset, [last[0], last[1], String(last[2]), last[3]]);
}

/** The key a history page token carries; a token whose key is not one is an INVALID_PARAMETER_VALUE. */
function historyKeyOf(after: readonly (number | string)[], token: string | undefined): HistoryKey {
  const [step, timestamp, value, isNan] = after;
  const number = typeof value === 'string' ? Number(value) : Number.NaN;
  if (after.length !== 4 || !Number.isSafeInteger(step) || !Number.isSafeInteger(timestamp) || Number.isNaN(number) || (isNan !== 0 && isNan !== 1)) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Invalid page token ${quotedValue(token)}.`);
  }
  return [step as number, timestamp as number, number, isNan];
}

interface SeriesRow {
  series_id: number;
  run_uuid: string;
  key: string;
  last_step: number;
  last_timestamp: number;
  last_value: number | null;
  last_is_nan: number;
  min_value: number | null;
  max_value: number | null;
  point_count: number;
}

/** A run's latest metric as assembleRuns reads it from JSON: key, latest point, NaN flag, extremes. */
type LatestMetricTuple = [
  key: string,
  step: number,
  timestamp: number,
  value: number | null,
  isNan: number,
  min: number | null,
  max: number | null,
];

interface RunDatasetRow {
  run_uuid: string;
  name: string;
  digest: string;
  source_type: string | null;
  source: string | null;
  schema: string | null;
  profile: string | null;
  context: string | null;
  tags: string | null;
}

interface RunOutputRow {
  run_uuid: string;
  model_id: string;
  step: number;
}

/** Options of a SQLite tracker store. */
export interface SqliteTrackerStoreOptions {
  /** Root of new experiments' artifact locations; MLflow's proxied scheme by default. */
  readonly artifactRoot?: string;
}

function lifecycleStagesFor(viewType: ViewType): LifecycleStage[] {
  if (viewType === 'ACTIVE_ONLY') return ['active'];
  if (viewType === 'DELETED_ONLY') return ['deleted'];
  return ['active', 'deleted'];
}

function toRunInfo(row: RunRow): RunInfo {
  return {
    runId: row.run_uuid,
    experimentId: String(row.experiment_id),
    runName: row.name,
    status: row.status,
    startTime: row.start_time,
    endTime: row.end_time,
    lifecycleStage: row.lifecycle_stage,
    userId: row.user_id,
    artifactUri: row.artifact_uri,
    parentRunId: row.parent_run_id,
  };
}

function toRunDataset(row: RunDatasetRow): RunDataset {
  let tags: Tag[] = [];
  try {
    const parsed: unknown = row.tags === null ? [] : JSON.parse(row.tags);
    if (Array.isArray(parsed)) tags = parsed as Tag[];
  } catch {
    // Unreadable tags read as none; the context column still says how the run used the dataset.
  }
  return {
    name: row.name,
    digest: row.digest,
    sourceType: row.source_type,
    source: row.source,
    schema: row.schema,
    profile: row.profile,
    context: row.context,
    tags,
  };
}

/** Refuses writes into a deleted experiment, with MLflow's error. */
function requireActiveExperiment(row: ExperimentRow): void {
  if (row.lifecycle_stage !== 'active') {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `The experiment ${row.experiment_id} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
}

function checkMetric(metric: MetricInput): void {
  if (typeof metric.key !== 'string' || metric.key.length === 0) {
    throw new CairnError('INVALID_PARAMETER_VALUE', 'A metric needs a non-empty key.');
  }
  if (typeof metric.value !== 'number') {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Metric '${shortText(metric.key)}' has a value that is not a number.`);
  }
  if (!Number.isSafeInteger(metric.step)) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Metric '${shortText(metric.key)}' has a step that is not an integer.`);
  }
  if (!Number.isSafeInteger(metric.timestamp)) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Metric '${shortText(metric.key)}' has a timestamp that is not an integer.`);
  }
}

/** Per-key summary of the points of one batch, merged into metric_series in one statement. */
interface SeriesUpdate {
  lastStep: number;
  lastTimestamp: number;
  lastValue: number;
  min: number | null;
  max: number | null;
}

/** The value compared when two points share step and timestamp (MLflow stores NaN as 0). */
function comparableValue(value: number): number {
  return Number.isNaN(value) ? 0 : value;
}

/**
 * Is point a later than point b under MLflow's latest-value rule: the highest step, then the
 * latest timestamp, then (as MLflow breaks a full tie) the larger value?
 */
function isLater(aStep: number, aTimestamp: number, aValue: number, bStep: number, bTimestamp: number, bValue: number): boolean {
  if (aStep !== bStep) return aStep > bStep;
  if (aTimestamp !== bTimestamp) return aTimestamp > bTimestamp;
  return comparableValue(aValue) > comparableValue(bValue);
}

type Statement = ReturnType<SqliteDatabase['prepare']>;

/** The tracker store over an open SQLite database (database/database.ts), which it neither opens nor closes. */
export class SqliteTrackerStore implements TrackerStore, TrackerImportStore {
  private readonly db: SqliteDatabase;
  private readonly artifactRoot: string;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private readonly statements;
  private readonly pointInserters = new Map<number, Statement>();
  private readonly metricBlocks: MetricBlockWriter;
  private readonly runCache = new RunCache();
  /** PRAGMA data_version when the run cache was last known fresh: it changes when another connection commits. */
  private cachedDataVersion = -1;

  constructor(
    private readonly database: CairnDatabase,
    options: SqliteTrackerStoreOptions = {},
  ) {
    this.db = database.connection;
    this.artifactRoot = (options.artifactRoot ?? 'mlflow-artifacts:').replace(/\/+$/, '');
    const db = this.db;
    this.metricBlocks = new MetricBlockWriter(db);
    this.statements = {
      experimentById: db.prepare<[number], ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = ?'),
      experimentByName: db.prepare<[string], ExperimentRow>('SELECT * FROM experiments WHERE name = ?'),
      experimentTags: db.prepare<[number], { key: string; value: string }>(
        'SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key',
      ),
      runById: db.prepare<[string], RunRow>('SELECT * FROM runs WHERE run_uuid = ?'),
      insertRun: db.prepare(
        `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time, end_time, lifecycle_stage, user_id, artifact_uri, parent_run_id)
         VALUES (@runId, @experimentId, @name, 'RUNNING', @startTime, NULL, 'active', @userId, @artifactUri, @parentRunId)`,
      ),
      paramValue: db.prepare<[string, string], { value: string }>('SELECT value FROM params WHERE run_uuid = ? AND key = ?'),
      insertParam: db.prepare('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)'),
      upsertTag: db.prepare(
        'INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value',
      ),
      tagValue: db.prepare<[string, string], { value: string }>('SELECT value FROM tags WHERE run_uuid = ? AND key = ?'),
      datasetByIdentity: db.prepare<[number, string, string], { dataset_uuid: string }>(
        'SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?',
      ),
      insertDataset: db.prepare(
        `INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // An input already recorded keeps its tags, as in MLflow.
      insertRunInput: db.prepare('INSERT OR IGNORE INTO run_inputs (run_uuid, dataset_uuid, context, tags) VALUES (?, ?, ?, ?)'),
      upsertRunOutput: db.prepare(
        'INSERT INTO run_outputs (run_uuid, model_id, step) VALUES (?, ?, ?) ON CONFLICT (run_uuid, model_id) DO UPDATE SET step = excluded.step',
      ),
      // A page of runs' params, tags and latest metrics, one row per run in page order, each part a
      // JSON array built by SQLite: parsing a thousand short JSON texts is several times cheaper than
      // taking tens of thousands of rows into JavaScript one by one. (SQLite writes doubles in JSON
      // exactly, and ±Infinity as ±9.0e+999, which JSON.parse reads back as ±Infinity.)
      runParts: db
        .prepare<[string], [params: string, tags: string, metrics: string]>(
          `SELECT
             (SELECT json_group_array(json_object('key', key, 'value', value) ORDER BY key) FROM params WHERE run_uuid = j.value),
             (SELECT json_group_array(json_object('key', key, 'value', value) ORDER BY key) FROM tags WHERE run_uuid = j.value),
             (SELECT json_group_array(json_array(key, last_step, last_timestamp, last_value, last_is_nan, min_value, max_value) ORDER BY key)
                FROM metric_series WHERE run_uuid = j.value AND point_count > 0)
           FROM json_each(?) j ORDER BY j.key`,
        )
        .raw(true),
      runDatasets: db.prepare<[string], RunDatasetRow>(
        `SELECT ri.run_uuid, d.name, d.digest, d.source_type, d.source, d.schema, d.profile, ri.context, ri.tags
         FROM run_inputs ri JOIN datasets d ON d.dataset_uuid = ri.dataset_uuid
         WHERE ri.run_uuid IN (SELECT value FROM json_each(?)) ORDER BY ri.rowid`,
      ),
      insertRunModelInput: db.prepare('INSERT OR IGNORE INTO run_model_inputs (run_uuid, model_id) VALUES (?, ?)'),
      runModelInputs: db.prepare<[string], { run_uuid: string; model_id: string }>(
        'SELECT run_uuid, model_id FROM run_model_inputs WHERE run_uuid IN (SELECT value FROM json_each(?)) ORDER BY rowid',
      ),
      runOutputs: db.prepare<[string], RunOutputRow>(
        'SELECT run_uuid, model_id, step FROM run_outputs WHERE run_uuid IN (SELECT value FROM json_each(?)) ORDER BY rowid',
      ),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      upsertLoggedModelMetric: db.prepare(
        `INSERT OR REPLACE INTO logged_model_metrics
           (model_id, key, timestamp, step, run_uuid, value, is_nan, dataset_name, dataset_digest)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      seriesByKey: db.prepare<[string, string], SeriesRow>('SELECT * FROM metric_series WHERE run_uuid = ? AND key = ?'),
      insertSeries: db.prepare(
        `INSERT INTO metric_series (run_uuid, key, last_step, last_timestamp, last_value, last_is_nan, min_value, max_value, point_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
      ),
      updateSeries: db.prepare(
        `UPDATE metric_series SET last_step = ?, last_timestamp = ?, last_value = ?, last_is_nan = ?,
           min_value = ?, max_value = ?, point_count = point_count + ? WHERE series_id = ?`,
      ),
      // Rows as arrays: a history runs to millions of points.
      // A history is read by key (step, timestamp, value, is_nan: the points' primary key), from
      // just after the last point already given, so that each page costs its own points only.
      historyPage: db
        .prepare<[number, ...HistoryKey, number], HistoryRow>(
          `SELECT step, timestamp, value, is_nan FROM metric_points
           WHERE series_id = ? AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)
           ORDER BY step, timestamp, value, is_nan LIMIT ?`,
        )
        .raw(true),
      historyPointAt: db
        .prepare<[number, ...HistoryKey, number], HistoryRow>(
          `SELECT step, timestamp, value, is_nan FROM metric_points
           WHERE series_id = ? AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)
           ORDER BY step, timestamp, value, is_nan LIMIT 1 OFFSET ?`,
        )
        .raw(true),
      // SQLite writes the JSON: a double as the shortest text that reads back as the same value
      // (17 digits where needed), NaN and ±Infinity (9e999 is SQLite's infinity) as MLflow's strings.
      // The aggregate takes the rows in the subquery's order: SQLite never flattens a LIMITed
      // subquery into an aggregate, so the page stays in step order without a second sort.
      historyJsonPage: db
        .prepare<{ key: string; seriesId: number; step: number; timestamp: number; value: number; isNan: number; limit: number }, [json: string, count: number]>(
          `SELECT json_group_array(json_object(
                    'key', @key,
                    'value', CASE WHEN is_nan THEN 'NaN' WHEN value = 9e999 THEN 'Infinity' WHEN value = -9e999 THEN '-Infinity' ELSE value END,
                    'timestamp', timestamp,
                    'step', step)),
                  count(*)
           FROM (SELECT step, timestamp, value, is_nan FROM metric_points
                 WHERE series_id = @seriesId AND (step, timestamp, value, is_nan) > (@step, @timestamp, @value, @isNan)
                 ORDER BY step, timestamp, value, is_nan LIMIT @limit)`,
        )
        .raw(true),
    };
  }

  // ---------------------------------------------------------------- experiments

  async createExperiment(input: { name: string; artifactLocation?: string; tags?: readonly Tag[] }): Promise<Experiment> {
    const name = input.name.trim();
    if (!name) throw new CairnError('INVALID_PARAMETER_VALUE', 'An experiment needs a non-empty name.');
    const id = this.database.write(() => {
      if (this.statements.experimentByName.get(name)) {
        throw new CairnError('RESOURCE_ALREADY_EXISTS', `Experiment '${shortText(name)}' already exists.`);
      }
      const now = Date.now();
      const nextId =
        ((this.db.prepare('SELECT MAX(experiment_id) AS id FROM experiments').get() as { id: number | null }).id ?? 0) + 1;
      const location = input.artifactLocation?.trim() || `${this.artifactRoot}/${nextId}`;
      this.db
        .prepare(
          `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
           VALUES (?, ?, ?, 'active', ?, ?)`,
        )
        .run(nextId, name, location, now, now);
      for (const tag of input.tags ?? []) this.writeExperimentTag(nextId, tag);
      return nextId;
    });
    this.emit({ entity: 'experiment', experimentId: String(id) });
    return this.getExperiment(String(id));
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return this.toExperiment(this.requireExperimentRow(experimentId));
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    const row = this.statements.experimentByName.get(name);
    return row ? this.toExperiment(row) : null;
  }

  async listExperiments(viewType: ViewType): Promise<ExperimentSummary[]> {
    const stages = lifecycleStagesFor(viewType);
    const rows = this.db
      .prepare<[string], ExperimentRow>(
        `SELECT e.*, (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.experiment_id AND r.lifecycle_stage = 'active') AS run_count
         FROM experiments e WHERE e.lifecycle_stage IN (SELECT value FROM json_each(?))
         ORDER BY e.last_update_time DESC, e.experiment_id DESC`,
      )
      .all(JSON.stringify(stages));
    return rows.map((row) => ({ ...this.toExperiment(row), runCount: row.run_count ?? 0 }));
  }

  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    const maxResults = query.maxResults ?? 1000;
    const offset = decodePageToken(query.pageToken);
    const { sql, params } = buildExperimentSearchSql({
      filter: query.filter ?? '',
      orderBy: query.orderBy ?? [],
      stages: lifecycleStagesFor(query.viewType ?? 'ACTIVE_ONLY'),
    });
    const rows = this.db.prepare(`${sql} LIMIT ? OFFSET ?`).all(...params, maxResults + 1, offset) as ExperimentRow[];
    const items = rows.slice(0, maxResults).map((row) => this.toExperiment(row));
    return rows.length > maxResults ? { items, nextPageToken: encodePageToken(offset + maxResults) } : { items };
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    const name = newName.trim();
    if (!name) throw new CairnError('INVALID_PARAMETER_VALUE', 'An experiment needs a non-empty name.');
    this.database.write(() => {
      const row = this.requireExperimentRow(experimentId);
      if (row.lifecycle_stage !== 'active') throw new CairnError('INVALID_STATE', 'Cannot rename a non-active experiment.');
      const clash = this.statements.experimentByName.get(name);
      if (clash && clash.experiment_id !== row.experiment_id) {
        throw new CairnError('RESOURCE_ALREADY_EXISTS', `Experiment '${shortText(name)}' already exists.`);
      }
      this.db
        .prepare('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?')
        .run(name, Date.now(), row.experiment_id);
    });
    this.emit({ entity: 'experiment', experimentId });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    this.setExperimentStage(experimentId, 'deleted');
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    this.setExperimentStage(experimentId, 'active');
  }

  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    this.database.write(() => {
      const row = this.requireExperimentRow(experimentId);
      requireActiveExperiment(row);
      this.writeExperimentTag(row.experiment_id, tag);
    });
    this.emit({ entity: 'experiment', experimentId });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    this.database.write(() => {
      const row = this.requireExperimentRow(experimentId);
      requireActiveExperiment(row);
      const result = this.db.prepare('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?').run(row.experiment_id, key);
      if (result.changes === 0) {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${shortText(key)} in experiment with id ${shortText(experimentId)}`);
      }
    });
    this.emit({ entity: 'experiment', experimentId });
  }

  // ---------------------------------------------------------------- runs

  async createRun(input: CreateRunInput): Promise<Run> {
    const runId = randomUUID().replaceAll('-', '');
    this.database.write(() => this.insertRun(runId, input));
    this.emit({ entity: 'run', experimentId: input.experimentId, runId });
    return this.getRun(runId);
  }

  async recordFinishedRun(input: FinishedRunInput): Promise<string> {
    const runId = randomUUID().replaceAll('-', '');
    for (const metric of input.metrics ?? []) checkMetric(metric);
    await this.database.writeGrouped(() => {
      const experimentId = this.insertRun(runId, input);
      for (const param of input.params ?? []) this.writeParam(runId, param);
      if (input.metrics?.length) this.writeMetrics(runId, input.metrics);
      if (input.inputs?.length) this.writeInputs(runId, experimentId, input.inputs, []);
      this.db.prepare('UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?').run(input.status, input.endTime, runId);
    });
    this.emit({ entity: 'run', experimentId: input.experimentId, runId });
    return runId;
  }

  /** Inserts a new RUNNING run with its tags (inside a write); returns its experiment's row id. */
  private insertRun(runId: string, input: CreateRunInput): number {
    const tags = input.tags ?? [];
    const tagValue = (key: string) => tags.find((t) => t.key === key)?.value;
    const experiment = this.requireExperimentRow(input.experimentId);
    requireActiveExperiment(experiment);
    const name = input.runName?.trim() || tagValue(RUN_NAME_TAG)?.trim() || generateRunName();
    const parentRunId = tagValue(PARENT_RUN_TAG) ?? null;
    this.statements.insertRun.run({
      runId,
      experimentId: experiment.experiment_id,
      name,
      startTime: input.startTime ?? Date.now(),
      userId: input.userId ?? tagValue(USER_TAG) ?? '',
      artifactUri: `${experiment.artifact_location.replace(/\/+$/, '')}/${runId}/artifacts`,
      parentRunId,
    });
    for (const tag of tags) this.writeRunTag(runId, tag);
    // MLflow keeps the run name in a tag too; clients read it from there.
    this.statements.upsertTag.run(runId, RUN_NAME_TAG, name);
    this.touchExperiment(experiment.experiment_id);
    return experiment.experiment_id;
  }

  async getRun(runId: string): Promise<Run> {
    const row = this.requireRunRow(runId);
    const [run] = this.assembleRuns([row]);
    return run as Run;
  }

  async updateRun(runId: string, update: UpdateRunInput): Promise<RunInfo> {
    const row = this.database.write(() => {
      const current = this.requireActiveRun(runId);
      const name = update.runName?.trim() || current.name;
      this.db
        .prepare('UPDATE runs SET status = ?, end_time = ?, name = ? WHERE run_uuid = ?')
        .run(update.status ?? current.status, update.endTime ?? current.end_time, name, runId);
      if (name !== current.name) this.statements.upsertTag.run(runId, RUN_NAME_TAG, name);
      return this.requireRunRow(runId);
    });
    this.emit({ entity: 'run', experimentId: String(row.experiment_id), runId });
    return toRunInfo(row);
  }

  async deleteRun(runId: string): Promise<void> {
    this.setRunStage(runId, 'deleted');
  }

  async restoreRun(runId: string): Promise<void> {
    this.setRunStage(runId, 'active');
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    for (const metric of metrics) checkMetric(metric);
    // The hot write path (every mlflow.log_* call ends here): committed with the other writes of this turn.
    const experimentId = await this.database.writeGrouped(() => {
      const run = this.requireActiveRun(runId);
      for (const param of params) this.writeParam(runId, param);
      for (const tag of tags) this.writeRunTag(runId, tag);
      if (metrics.length > 0) this.writeMetrics(runId, metrics);
      return String(run.experiment_id);
    });
    if (params.length) this.emit({ entity: 'param', experimentId, runId });
    if (tags.length) this.emit({ entity: 'tag', experimentId, runId });
    if (metrics.length) this.emit({ entity: 'metric', experimentId, runId });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    const experimentId = this.database.write(() => {
      const run = this.requireActiveRun(runId);
      const result = this.db.prepare('DELETE FROM tags WHERE run_uuid = ? AND key = ?').run(runId, key);
      if (result.changes === 0) {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${shortText(key)} in run with id ${shortText(runId)}`);
      }
      if (key === PARENT_RUN_TAG) this.db.prepare('UPDATE runs SET parent_run_id = NULL WHERE run_uuid = ?').run(runId);
      return String(run.experiment_id);
    });
    this.emit({ entity: 'tag', experimentId, runId });
  }

  async logInputs(runId: string, datasets: readonly DatasetInput[], modelIds: readonly string[] = []): Promise<void> {
    const experimentId = this.database.write(() => {
      const run = this.requireActiveRun(runId);
      this.writeInputs(runId, run.experiment_id, datasets, modelIds);
      return String(run.experiment_id);
    });
    if (datasets.length || modelIds.length) this.emit({ entity: 'run', experimentId, runId });
  }

  /** Records a run's dataset and model inputs (inside a write). */
  private writeInputs(runId: string, experimentId: number, datasets: readonly DatasetInput[], modelIds: readonly string[]): void {
    const seen = new Set<string>();
    for (const dataset of datasets) {
      // Of a request's datasets with the same name and digest, MLflow keeps the first.
      const identity = JSON.stringify([dataset.name, dataset.digest]);
      if (seen.has(identity)) continue;
      seen.add(identity);
      const known = this.statements.datasetByIdentity.get(experimentId, dataset.name, dataset.digest);
      const datasetUuid = known?.dataset_uuid ?? randomUUID().replaceAll('-', '');
      if (!known) {
        this.statements.insertDataset.run(
          datasetUuid,
          experimentId,
          dataset.name,
          dataset.digest,
          dataset.sourceType,
          dataset.source,
          dataset.schema ?? null,
          dataset.profile ?? null,
        );
      }
      const context = dataset.tags.find((tag) => tag.key === DATASET_CONTEXT_TAG)?.value ?? null;
      this.statements.insertRunInput.run(runId, datasetUuid, context, JSON.stringify(dataset.tags));
    }
    for (const modelId of modelIds) this.statements.insertRunModelInput.run(runId, modelId);
  }

  async logOutputs(runId: string, models: readonly RunModelOutput[]): Promise<void> {
    const experimentId = this.database.write(() => {
      const run = this.requireActiveRun(runId);
      for (const model of models) this.statements.upsertRunOutput.run(runId, model.modelId, model.step);
      return String(run.experiment_id);
    });
    if (models.length) this.emit({ entity: 'run', experimentId, runId });
  }

  async recordLoggedModel(runId: string, model: Readonly<Record<string, unknown>>): Promise<void> {
    const experimentId = this.database.write(() => {
      const run = this.requireActiveRun(runId);
      const previous = this.statements.tagValue.get(runId, LOGGED_MODELS_TAG)?.value;
      let history: unknown[] = [];
      try {
        const parsed: unknown = previous === undefined ? [] : JSON.parse(previous);
        if (Array.isArray(parsed)) history = parsed;
      } catch {
        // A history that is not a JSON list is replaced, as nothing else writes this tag.
      }
      this.statements.upsertTag.run(runId, LOGGED_MODELS_TAG, JSON.stringify([...history, model]));
      return String(run.experiment_id);
    });
    this.emit({ entity: 'tag', experimentId, runId });
  }

  async importRun(run: ImportedRun): Promise<RunInfo> {
    if (!run.runId) throw new CairnError('INVALID_PARAMETER_VALUE', 'An imported run needs its run id.');
    if (!Number.isSafeInteger(run.startTime)) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `Run ${run.runId} has a start time that is not an integer.`);
    }
    const row = this.database.write(() => {
      // A deleted experiment may receive runs here: an import fills experiments MLflow had deleted.
      const experiment = this.requireExperimentRow(run.experimentId);
      if (this.statements.runById.get(run.runId)) {
        throw new CairnError('RESOURCE_ALREADY_EXISTS', `Run with id=${shortText(run.runId)} already exists.`);
      }
      this.db
        .prepare(
          `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time, end_time, lifecycle_stage, user_id, artifact_uri, parent_run_id)
           VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
        )
        .run(
          run.runId,
          experiment.experiment_id,
          run.runName,
          run.status,
          run.startTime,
          run.endTime,
          run.userId,
          run.artifactUri,
          run.tags.find((tag) => tag.key === PARENT_RUN_TAG)?.value || null,
        );
      for (const param of run.params) this.writeParam(run.runId, param);
      // Tags are written as they are: the run's name is the one given, not re-read from mlflow.runName.
      for (const tag of run.tags) this.statements.upsertTag.run(run.runId, tag.key, tag.value);
      this.touchExperiment(experiment.experiment_id);
      return this.requireRunRow(run.runId);
    });
    this.emit({ entity: 'run', experimentId: String(row.experiment_id), runId: run.runId });
    return toRunInfo(row);
  }

  async completeRunImport(runId: string, completion: RunImportCompletion): Promise<void> {
    const experimentId = this.database.write(() => {
      const row = this.requireActiveRun(runId);
      for (const tag of completion.tags) this.statements.upsertTag.run(runId, tag.key, tag.value);
      if (completion.lifecycleStage === 'deleted') {
        this.db
          .prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_uuid = ?")
          .run(completion.deletedTime ?? Date.now(), runId);
      }
      return String(row.experiment_id);
    });
    this.emit({ entity: 'run', experimentId, runId });
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const maxResults = query.maxResults ?? 1000;
    const offset = decodePageToken(query.pageToken);
    const { sql, params } = buildRunSearchSql({
      experimentIds: query.experimentIds,
      filter: query.filter ?? '',
      orderBy: query.orderBy ?? [],
      stages: lifecycleStagesFor(query.viewType ?? 'ACTIVE_ONLY'),
    });
    // The first page goes without OFFSET: with one, SQLite's sort keeps every row rather than the
    // best LIMIT, which doubled a 10,000-run search.
    const rows = (
      offset === 0
        ? this.db.prepare(`${sql} LIMIT ?`).all(...params, maxResults + 1)
        : this.db.prepare(`${sql} LIMIT ? OFFSET ?`).all(...params, maxResults + 1, offset)
    ) as RunRow[];
    const items = this.assembleRuns(rows.slice(0, maxResults));
    return rows.length > maxResults ? { items, nextPageToken: encodePageToken(offset + maxResults) } : { items };
  }

  async getMetricHistory(query: MetricHistoryQuery): Promise<Page<MetricPoint>> {
    const { series, limit, offset, after } = this.historyPageOf(query);
    if (!series || !after) return { items: [] };
    const rows = this.statements.historyPage.all(series.series_id, ...after, limit + 1);
    const items = new Array<MetricPoint>(Math.min(rows.length, limit));
    for (let i = 0; i < items.length; i++) {
      const row = rows[i]!;
      items[i] = { step: row[0], timestamp: row[1], value: row[3] ? Number.NaN : row[2] };
    }
    if (rows.length <= limit) return { items };
    return { items, nextPageToken: historyPageToken(offset + limit, rows[limit - 1]!) };
  }

  async getMetricHistoryJson(query: MetricHistoryQuery): Promise<MetricHistoryJsonPage> {
    const { series, limit, offset, after } = this.historyPageOf(query);
    if (!series || !after) return { metricsJson: '[]', count: 0 };
    const [step, timestamp, value, isNan] = after;
    const [metricsJson, count] = this.statements.historyJsonPage.get({ key: query.key, seriesId: series.series_id, step, timestamp, value, isNan, limit })!;
    // point_count is kept exact on every write, so it tells whether points follow this page.
    if (count === 0 || offset + count >= series.point_count) return { metricsJson, count };
    const last = this.statements.historyPointAt.get(series.series_id, ...after, count - 1);
    return last ? { metricsJson, count, nextPageToken: historyPageToken(offset + count, last) } : { metricsJson, count };
  }

  onChange(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- internals

  private emit(change: StoreChange): void {
    this.runCache.forget(change);
    for (const listener of this.listeners) listener(change);
  }

  /**
   * The series a history page reads (undefined when the run never logged the key), its size, its
   * offset, and the key of the point it starts after (undefined when the offset is past the end).
   */
  private historyPageOf(query: MetricHistoryQuery): { series: SeriesRow | undefined; limit: number; offset: number; after?: HistoryKey } {
    this.requireRunRow(query.runId);
    const series = this.statements.seriesByKey.get(query.runId, query.key);
    const limit = Math.min(query.maxResults ?? DEFAULT_METRIC_HISTORY_PAGE, MAX_METRIC_HISTORY_PAGE);
    const position = decodePagePosition(query.pageToken);
    if (!series) return { series, limit, offset: position.offset };
    if (position.after) return { series, limit, offset: position.offset, after: historyKeyOf(position.after, query.pageToken) };
    if (position.offset === 0) return { series, limit, offset: 0, after: BEFORE_FIRST_POINT };
    // A token with an offset only (as older Cairns wrote them): the point before that offset is found once.
    const before = this.statements.historyPointAt.get(series.series_id, ...BEFORE_FIRST_POINT, position.offset - 1);
    return { series, limit, offset: position.offset, after: before ? [before[0], before[1], before[2], before[3]] : undefined };
  }

  private requireExperimentRow(experimentId: string): ExperimentRow {
    const id = /^[0-9]+$/.test(experimentId) ? Number(experimentId) : Number.NaN;
    const row = Number.isSafeInteger(id) ? this.statements.experimentById.get(id) : undefined;
    if (!row) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${shortText(experimentId)} exists`);
    return row;
  }

  private requireRunRow(runId: string): RunRow {
    const row = this.statements.runById.get(runId);
    if (!row) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `Run with id=${shortText(runId)} not found`);
    return row;
  }

  private requireActiveRun(runId: string): RunRow {
    const row = this.requireRunRow(runId);
    if (row.lifecycle_stage !== 'active') {
      throw new CairnError(
        'INVALID_PARAMETER_VALUE',
        `The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
      );
    }
    return row;
  }

  private toExperiment(row: ExperimentRow): Experiment {
    return {
      experimentId: String(row.experiment_id),
      name: row.name,
      artifactLocation: row.artifact_location,
      lifecycleStage: row.lifecycle_stage,
      creationTime: row.creation_time,
      lastUpdateTime: row.last_update_time,
      tags: this.statements.experimentTags.all(row.experiment_id),
    };
  }

  private touchExperiment(experimentId: number): void {
    this.db.prepare('UPDATE experiments SET last_update_time = ? WHERE experiment_id = ?').run(Date.now(), experimentId);
  }

  private setExperimentStage(experimentId: string, stage: LifecycleStage): void {
    this.database.write(() => {
      const row = this.requireExperimentRow(experimentId);
      // As MLflow: only an active experiment can be deleted, and only a deleted one restored.
      if (row.lifecycle_stage === stage) {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${shortText(experimentId)} exists`);
      }
      this.db
        .prepare('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?')
        .run(stage, Date.now(), row.experiment_id);
      // MLflow moves an experiment's runs along with it.
      this.db
        .prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?')
        .run(stage, stage === 'deleted' ? Date.now() : null, row.experiment_id);
    });
    this.emit({ entity: 'experiment', experimentId });
  }

  private setRunStage(runId: string, stage: LifecycleStage): void {
    const experimentId = this.database.write(() => {
      const row = this.requireRunRow(runId);
      this.db
        .prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?')
        .run(stage, stage === 'deleted' ? Date.now() : null, runId);
      return String(row.experiment_id);
    });
    this.emit({ entity: 'run', experimentId, runId });
  }

  private writeExperimentTag(experimentId: number, tag: Tag): void {
    this.db
      .prepare(
        'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(experimentId, tag.key, tag.value);
  }

  private writeParam(runId: string, param: Param): void {
    const existing = this.statements.paramValue.get(runId, param.key);
    if (existing === undefined) {
      this.statements.insertParam.run(runId, param.key, param.value);
    } else if (existing.value !== param.value) {
      throw new CairnError(
        'INVALID_PARAMETER_VALUE',
        `Changing param values is not allowed. Param with key='${shortText(param.key)}' was already logged with ` +
          `value='${shortText(existing.value)}' for run ID='${runId}'. Attempted logging new value '${shortText(param.value)}'.`,
      );
    }
  }

  private writeRunTag(runId: string, tag: Tag): void {
    this.statements.upsertTag.run(runId, tag.key, tag.value);
    if (tag.key === RUN_NAME_TAG && tag.value.trim()) {
      this.db.prepare('UPDATE runs SET name = ? WHERE run_uuid = ?').run(tag.value.trim(), runId);
    } else if (tag.key === PARENT_RUN_TAG) {
      this.db.prepare('UPDATE runs SET parent_run_id = ? WHERE run_uuid = ?').run(tag.value || null, runId);
    }
  }

  private writeMetrics(runId: string, metrics: readonly MetricInput[]): void {
    // Each series' points go in together: fewer statements, and inserts that stay in one region
    // of the points b-tree.
    const byKey = new Map<string, MetricInput[]>();
    for (const metric of metrics) {
      const group = byKey.get(metric.key);
      if (group) group.push(metric);
      else byKey.set(metric.key, [metric]);
    }
    for (const [key, points] of byKey) {
      const first = points[0]!;
      const existing = this.statements.seriesByKey.get(runId, key);
      const update: SeriesUpdate = existing
        ? {
            lastStep: existing.last_step,
            lastTimestamp: existing.last_timestamp,
            lastValue: existing.last_is_nan ? Number.NaN : (existing.last_value ?? Number.NaN),
            min: existing.min_value,
            max: existing.max_value,
          }
        : { lastStep: first.step, lastTimestamp: first.timestamp, lastValue: first.value, min: null, max: null };
      const seriesId = existing
        ? existing.series_id
        : Number(this.statements.insertSeries.run(runId, key, first.step, first.timestamp, null, 1, null, null).lastInsertRowid);
      for (const point of points) {
        const value = point.value;
        if (isLater(point.step, point.timestamp, value, update.lastStep, update.lastTimestamp, update.lastValue)) {
          update.lastStep = point.step;
          update.lastTimestamp = point.timestamp;
          update.lastValue = value;
        }
        if (!Number.isNaN(value)) {
          if (update.min === null || value < update.min) update.min = value;
          if (update.max === null || value > update.max) update.max = value;
        }
      }
      const inserted = this.insertPoints(seriesId, points);
      this.metricBlocks.write(seriesId, points, inserted);
      for (const point of points) if (point.modelId) this.writeLoggedModelMetric(runId, point);
      const lastIsNan = Number.isNaN(update.lastValue);
      this.statements.updateSeries.run(
        update.lastStep,
        update.lastTimestamp,
        lastIsNan ? null : update.lastValue,
        lastIsNan ? 1 : 0,
        update.min,
        update.max,
        inserted,
        seriesId,
      );
    }
  }

  /** Keeps a point logged with a model id with that logged model too (migration 7). */
  private writeLoggedModelMetric(runId: string, point: MetricInput): void {
    const isNan = Number.isNaN(point.value);
    this.statements.upsertLoggedModelMetric.run(
      point.modelId,
      point.key,
      point.timestamp,
      point.step,
      runId,
      isNan ? 0 : point.value,
      isNan ? 1 : 0,
      point.datasetName ?? null,
      point.datasetDigest ?? null,
    );
  }

  /** Inserts one series' points, skipping exact duplicates; returns how many were new. */
  private insertPoints(seriesId: number, points: readonly MetricInput[]): number {
    let inserted = 0;
    for (let start = 0; start < points.length; start += POINTS_PER_INSERT) {
      const count = Math.min(POINTS_PER_INSERT, points.length - start);
      const args: unknown[] = new Array(count * 5);
      for (let i = 0; i < count; i++) {
        const point = points[start + i]!;
        const isNan = Number.isNaN(point.value);
        const at = i * 5;
        args[at] = seriesId;
        args[at + 1] = point.step;
        args[at + 2] = point.timestamp;
        args[at + 3] = isNan ? 0 : point.value;
        args[at + 4] = isNan ? 1 : 0;
      }
      inserted += this.pointInserter(count).run(args).changes;
    }
    return inserted;
  }

  /** The cached INSERT statement for `count` points. */
  private pointInserter(count: number): Statement {
    let statement = this.pointInserters.get(count);
    if (!statement) {
      const rows = new Array<string>(count).fill('(?, ?, ?, ?, ?)').join(', ');
      statement = this.db.prepare(`INSERT OR IGNORE INTO metric_points (series_id, step, timestamp, value, is_nan) VALUES ${rows}`);
      this.pointInserters.set(count, statement);
    }
    return statement;
  }

  /** The runs of `rows`, from the run cache where they are in it and read in four queries where not. */
  private assembleRuns(rows: readonly RunRow[]): Run[] {
    if (rows.length === 0) return [];
    // Writes by another process (a `cairn import`) are not announced here: any of them empties the cache.
    const dataVersion = this.statements.dataVersion.get() as number;
    if (dataVersion !== this.cachedDataVersion) {
      this.runCache.clear();
      this.cachedDataVersion = dataVersion;
    }
    const runs = new Array<Run>(rows.length);
    const missing: RunRow[] = [];
    const missingAt: number[] = [];
    rows.forEach((row, index) => {
      const cached = this.runCache.get(row.run_uuid);
      if (cached) {
        runs[index] = cached;
      } else {
        missing.push(row);
        missingAt.push(index);
      }
    });
    this.readRuns(missing).forEach((run, i) => {
      runs[missingAt[i]!] = run;
      this.runCache.set(run.info.runId, run);
    });
    return runs;
  }

  /** Loads params, tags, latest metrics, datasets and model outputs for many runs in four queries. */
  private readRuns(rows: readonly RunRow[]): Run[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((row) => row.run_uuid));
    const parts = this.statements.runParts.all(ids);
    const runs = rows.map((row, index) => {
      const part = parts[index]!;
      const latest = JSON.parse(part[2]) as LatestMetricTuple[];
      const metrics = new Array<LatestMetric>(latest.length);
      for (let i = 0; i < latest.length; i++) {
        const m = latest[i]!;
        metrics[i] = { key: m[0], step: m[1], timestamp: m[2], value: m[4] ? Number.NaN : (m[3] as number), min: m[5], max: m[6] };
      }
      return {
        info: toRunInfo(row),
        params: JSON.parse(part[0]) as Param[],
        tags: JSON.parse(part[1]) as Tag[],
        metrics,
        datasets: [] as RunDataset[],
        modelOutputs: [] as RunModelOutput[],
        modelInputs: [] as string[],
      };
    });
    const indexOf = new Map(rows.map((row, index) => [row.run_uuid, index]));
    for (const d of this.statements.runDatasets.all(ids)) runs[indexOf.get(d.run_uuid)!]!.datasets.push(toRunDataset(d));
    for (const i of this.statements.runModelInputs.all(ids)) runs[indexOf.get(i.run_uuid)!]!.modelInputs.push(i.model_id);
    for (const o of this.statements.runOutputs.all(ids)) {
      runs[indexOf.get(o.run_uuid)!]!.modelOutputs.push({ modelId: o.model_id, step: o.step });
    }
    return runs;
  }
}
