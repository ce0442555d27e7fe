// The SQLite implementation of the tracker store (better-sqlite3, WAL).
// Rows are turned into plain entities here and never leave this module.
import { randomUUID } from 'node:crypto';
import { CairnError } from '../../../shared/errors';
import type {
  Experiment,
  ExperimentSummary,
  LatestMetric,
  LifecycleStage,
  MetricPoint,
  Page,
  Param,
  Run,
  RunInfo,
  RunStatus,
  Tag,
  ViewType,
} from '../../../shared/models';
import { openDatabase, type SqliteDatabase } from './database';
import { generateRunName } from './run-name-generator';
import { decodePageToken, encodePageToken } from './page-token';
import type {
  CreateRunInput,
  LogBatchInput,
  MetricHistoryQuery,
  MetricInput,
  SearchExperimentsQuery,
  SearchRunsQuery,
  StoreChange,
  TrackerStore,
  UpdateRunInput,
} from './tracker-store';
import { buildRunSearchSql } from './run-search-sql';
import { buildExperimentSearchSql } from './experiment-search-sql';

/** The system tag holding a run's display name. */
export const RUN_NAME_TAG = 'mlflow.runName';
/** The system tag naming a nested run's parent. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
/** The system tag naming the user who started the run. */
export const USER_TAG = 'mlflow.user';

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

interface KeyValueRow {
  run_uuid: string;
  key: string;
  value: string;
}

/** Options for opening a SQLite tracker store. */
export interface SqliteTrackerStoreOptions {
  /** Path of the database file; created with its folder when missing. */
  readonly file: string;
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

function toLatestMetric(row: SeriesRow): LatestMetric {
  return {
    key: row.key,
    step: row.last_step,
    timestamp: row.last_timestamp,
    value: row.last_is_nan ? Number.NaN : (row.last_value as number),
    min: row.min_value,
    max: row.max_value,
  };
}

function checkMetric(metric: MetricInput): void {
  if (typeof metric.key !== 'string' || metric.key.length === 0) {
    throw new CairnError('INVALID_PARAMETER_VALUE', 'A metric needs a non-empty key.');
  }
  if (typeof metric.value !== 'number') {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Metric '${metric.key}' has a value that is not a number.`);
  }
  if (!Number.isSafeInteger(metric.step)) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Metric '${metric.key}' has a step that is not an integer.`);
  }
  if (!Number.isSafeInteger(metric.timestamp)) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Metric '${metric.key}' has a timestamp that is not an integer.`);
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

/** Is point a (step, timestamp) later than b under the latest-value rule? */
function isLater(aStep: number, aTimestamp: number, bStep: number, bTimestamp: number): boolean {
  return aStep > bStep || (aStep === bStep && aTimestamp >= bTimestamp);
}

/** The tracker store over one SQLite file. */
export class SqliteTrackerStore implements TrackerStore {
  readonly db: SqliteDatabase;
  private readonly artifactRoot: string;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private readonly statements;

  constructor(options: SqliteTrackerStoreOptions) {
    this.db = openDatabase(options.file);
    this.artifactRoot = (options.artifactRoot ?? 'mlflow-artifacts:').replace(/\/+$/, '');
    const db = this.db;
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
      seriesByKey: db.prepare<[string, string], SeriesRow>('SELECT * FROM metric_series WHERE run_uuid = ? AND key = ?'),
      insertSeries: db.prepare(
        `INSERT INTO metric_series (run_uuid, key, last_step, last_timestamp, last_value, last_is_nan, min_value, max_value, point_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
      ),
      updateSeries: db.prepare(
        `UPDATE metric_series SET last_step = ?, last_timestamp = ?, last_value = ?, last_is_nan = ?,
           min_value = ?, max_value = ?, point_count = point_count + ? WHERE series_id = ?`,
      ),
      insertPoint: db.prepare('INSERT OR IGNORE INTO metric_points (series_id, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?)'),
      historyPage: db.prepare<[number, number, number], { step: number; timestamp: number; value: number; is_nan: number }>(
        'SELECT step, timestamp, value, is_nan FROM metric_points WHERE series_id = ? ORDER BY step, timestamp, value LIMIT ? OFFSET ?',
      ),
    };
  }

  // ---------------------------------------------------------------- experiments

  async createExperiment(input: { name: string; artifactLocation?: string; tags?: readonly Tag[] }): Promise<Experiment> {
    const name = input.name.trim();
    if (!name) throw new CairnError('INVALID_PARAMETER_VALUE', 'An experiment needs a non-empty name.');
    const id = this.db.transaction(() => {
      if (this.statements.experimentByName.get(name)) {
        throw new CairnError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
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
    })();
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
    this.db.transaction(() => {
      const row = this.requireExperimentRow(experimentId);
      const clash = this.statements.experimentByName.get(name);
      if (clash && clash.experiment_id !== row.experiment_id) {
        throw new CairnError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
      }
      this.db
        .prepare('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?')
        .run(name, Date.now(), row.experiment_id);
    })();
    this.emit({ entity: 'experiment', experimentId });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    this.setExperimentStage(experimentId, 'deleted');
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    this.setExperimentStage(experimentId, 'active');
  }

  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    this.db.transaction(() => {
      const row = this.requireExperimentRow(experimentId);
      this.writeExperimentTag(row.experiment_id, tag);
    })();
    this.emit({ entity: 'experiment', experimentId });
  }

  // ---------------------------------------------------------------- runs

  async createRun(input: CreateRunInput): Promise<Run> {
    const runId = randomUUID().replaceAll('-', '');
    const tags = input.tags ?? [];
    const tagValue = (key: string) => tags.find((t) => t.key === key)?.value;
    this.db.transaction(() => {
      const experiment = this.requireExperimentRow(input.experimentId);
      if (experiment.lifecycle_stage !== 'active') {
        throw new CairnError('INVALID_STATE', `Experiment ${input.experimentId} is deleted; restore it before logging runs to it.`);
      }
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
    })();
    this.emit({ entity: 'run', experimentId: input.experimentId, runId });
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<Run> {
    const row = this.requireRunRow(runId);
    const [run] = this.assembleRuns([row]);
    return run as Run;
  }

  async updateRun(runId: string, update: UpdateRunInput): Promise<RunInfo> {
    const row = this.db.transaction(() => {
      const current = this.requireRunRow(runId);
      const name = update.runName?.trim() || current.name;
      this.db
        .prepare('UPDATE runs SET status = ?, end_time = ?, name = ? WHERE run_uuid = ?')
        .run(update.status ?? current.status, update.endTime ?? current.end_time, name, runId);
      if (name !== current.name) this.statements.upsertTag.run(runId, RUN_NAME_TAG, name);
      return this.requireRunRow(runId);
    })();
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
    const experimentId = this.db.transaction(() => {
      const run = this.requireActiveRun(runId);
      for (const param of params) this.writeParam(runId, param);
      for (const tag of tags) this.writeRunTag(runId, tag);
      if (metrics.length > 0) this.writeMetrics(runId, metrics);
      return String(run.experiment_id);
    })();
    if (params.length) this.emit({ entity: 'param', experimentId, runId });
    if (tags.length) this.emit({ entity: 'tag', experimentId, runId });
    if (metrics.length) this.emit({ entity: 'metric', experimentId, runId });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    const experimentId = this.db.transaction(() => {
      const run = this.requireActiveRun(runId);
      const result = this.db.prepare('DELETE FROM tags WHERE run_uuid = ? AND key = ?').run(runId, key);
      if (result.changes === 0) {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${runId}`);
      }
      if (key === PARENT_RUN_TAG) this.db.prepare('UPDATE runs SET parent_run_id = NULL WHERE run_uuid = ?').run(runId);
      return String(run.experiment_id);
    })();
    this.emit({ entity: 'tag', experimentId, runId });
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
    const rows = this.db.prepare(`${sql} LIMIT ? OFFSET ?`).all(...params, maxResults + 1, offset) as RunRow[];
    const items = this.assembleRuns(rows.slice(0, maxResults));
    return rows.length > maxResults ? { items, nextPageToken: encodePageToken(offset + maxResults) } : { items };
  }

  async getMetricHistory(query: MetricHistoryQuery): Promise<Page<MetricPoint>> {
    this.requireRunRow(query.runId);
    const limit = Math.min(query.maxResults ?? DEFAULT_METRIC_HISTORY_PAGE, MAX_METRIC_HISTORY_PAGE);
    const offset = decodePageToken(query.pageToken);
    const series = this.statements.seriesByKey.get(query.runId, query.key);
    if (!series) return { items: [] };
    const rows = this.statements.historyPage.all(series.series_id, limit + 1, offset);
    const items: MetricPoint[] = new Array(Math.min(rows.length, limit));
    for (let i = 0; i < items.length; i++) {
      const row = rows[i]!;
      items[i] = { step: row.step, timestamp: row.timestamp, value: row.is_nan ? Number.NaN : row.value };
    }
    return rows.length > limit ? { items, nextPageToken: encodePageToken(offset + limit) } : { items };
  }

  onChange(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  // ---------------------------------------------------------------- internals

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private requireExperimentRow(experimentId: string): ExperimentRow {
    const id = /^[0-9]+$/.test(experimentId) ? Number(experimentId) : Number.NaN;
    const row = Number.isSafeInteger(id) ? this.statements.experimentById.get(id) : undefined;
    if (!row) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
    return row;
  }

  private requireRunRow(runId: string): RunRow {
    const row = this.statements.runById.get(runId);
    if (!row) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
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
    this.db.transaction(() => {
      const row = this.requireExperimentRow(experimentId);
      this.db
        .prepare('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?')
        .run(stage, Date.now(), row.experiment_id);
      // MLflow moves an experiment's runs along with it.
      this.db
        .prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?')
        .run(stage, stage === 'deleted' ? Date.now() : null, row.experiment_id);
    })();
    this.emit({ entity: 'experiment', experimentId });
  }

  private setRunStage(runId: string, stage: LifecycleStage): void {
    const experimentId = this.db.transaction(() => {
      const row = this.requireRunRow(runId);
      this.db
        .prepare('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?')
        .run(stage, stage === 'deleted' ? Date.now() : null, runId);
      return String(row.experiment_id);
    })();
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
        `Changing param values is not allowed. Param with key='${param.key}' was already logged with ` +
          `value='${existing.value}' for run ID='${runId}'. Attempted logging new value '${param.value}'.`,
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
    const updates = new Map<string, SeriesUpdate & { inserted: number; seriesId: number }>();
    for (const metric of metrics) {
      let update = updates.get(metric.key);
      if (!update) {
        let series = this.statements.seriesByKey.get(runId, metric.key);
        if (!series) {
          this.statements.insertSeries.run(runId, metric.key, metric.step, metric.timestamp, null, 1, null, null);
          series = this.statements.seriesByKey.get(runId, metric.key) as SeriesRow;
          series.last_step = Number.MIN_SAFE_INTEGER;
        }
        update = {
          seriesId: series.series_id,
          lastStep: series.last_step,
          lastTimestamp: series.last_timestamp,
          lastValue: series.last_is_nan ? Number.NaN : (series.last_value ?? Number.NaN),
          min: series.min_value,
          max: series.max_value,
          inserted: 0,
        };
        updates.set(metric.key, update);
      }
      const isNan = Number.isNaN(metric.value);
      const result = this.statements.insertPoint.run(update.seriesId, metric.step, metric.timestamp, isNan ? 0 : metric.value, isNan ? 1 : 0);
      update.inserted += result.changes;
      if (isLater(metric.step, metric.timestamp, update.lastStep, update.lastTimestamp)) {
        update.lastStep = metric.step;
        update.lastTimestamp = metric.timestamp;
        update.lastValue = metric.value;
      }
      if (!isNan) {
        if (update.min === null || metric.value < update.min) update.min = metric.value;
        if (update.max === null || metric.value > update.max) update.max = metric.value;
      }
    }
    for (const update of updates.values()) {
      const isNan = Number.isNaN(update.lastValue);
      this.statements.updateSeries.run(
        update.lastStep,
        update.lastTimestamp,
        isNan ? null : update.lastValue,
        isNan ? 1 : 0,
        update.min,
        update.max,
        update.inserted,
        update.seriesId,
      );
    }
  }

  /** Loads params, tags and latest metrics for many runs in three queries. */
  private assembleRuns(rows: readonly RunRow[]): Run[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((row) => row.run_uuid));
    const params = this.db
      .prepare<[string], KeyValueRow>(
        'SELECT run_uuid, key, value FROM params WHERE run_uuid IN (SELECT value FROM json_each(?)) ORDER BY key',
      )
      .all(ids);
    const tags = this.db
      .prepare<[string], KeyValueRow>(
        'SELECT run_uuid, key, value FROM tags WHERE run_uuid IN (SELECT value FROM json_each(?)) ORDER BY key',
      )
      .all(ids);
    const series = this.db
      .prepare<[string], SeriesRow>(
        'SELECT * FROM metric_series WHERE run_uuid IN (SELECT value FROM json_each(?)) ORDER BY key',
      )
      .all(ids);
    const byRun = new Map<string, { params: Param[]; tags: Tag[]; metrics: LatestMetric[] }>();
    for (const row of rows) byRun.set(row.run_uuid, { params: [], tags: [], metrics: [] });
    for (const p of params) byRun.get(p.run_uuid)?.params.push({ key: p.key, value: p.value });
    for (const t of tags) byRun.get(t.run_uuid)?.tags.push({ key: t.key, value: t.value });
    for (const s of series) if (s.point_count > 0) byRun.get(s.run_uuid)?.metrics.push(toLatestMetric(s));
    return rows.map((row) => {
      const parts = byRun.get(row.run_uuid)!;
      return { info: toRunInfo(row), params: parts.params, metrics: parts.metrics, tags: parts.tags };
    });
  }
}
