// The SQLite implementation of the logged-model store, over the tracker's database.
// Rows are turned into plain entities here and never leave this module.
import { randomUUID } from 'node:crypto';
import { CairnError } from '../../../shared/errors';
import { MODEL_VERSIONS_TAG } from '../../../shared/mlflow-tags';
import type { LifecycleStage, LoggedModel, LoggedModelStatus, Page, Param, Tag } from '../../../shared/models';
import { parseFilter, parseKey, type Comparison } from '../../../shared/search';
import { LOGGED_MODEL_SEARCH } from '../registry/model-search-domains';
import { allOf, columnComparisonSql, filterSql, keyValueComparisonSql, type SqlCondition } from '../registry/model-search-sql';
import type { CairnDatabase, SqliteDatabase } from '../database/database';
import { decodePageToken, encodePageToken } from '../tracker/page-token';
import { generateRunName } from '../tracker/run-name-generator';
import type { TrackerStore } from '../tracker/tracker-store';
import type {
  CreateLoggedModelInput,
  LoggedModelChange,
  LoggedModelOrder,
  LoggedModelStore,
  SearchLoggedModelsQuery,
} from './logged-model-store';

const DEFAULT_SEARCH_PAGE = 50;

interface LoggedModelMetricRow {
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
  run_uuid: string;
  dataset_name: string | null;
  dataset_digest: string | null;
}

interface LoggedModelRow {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_time: number;
  last_updated_time: number;
  status: LoggedModelStatus;
  status_message: string | null;
  model_type: string | null;
  source_run_id: string | null;
  lifecycle_stage: LifecycleStage;
}

/** Columns of the attributes LOGGED_MODEL_SEARCH knows, by their canonical names. */
const ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  name: 'm.name',
  model_id: 'm.model_id',
  model_type: 'm.model_type',
  source_run_id: 'm.source_run_id',
  status: 'm.status',
  creation_timestamp: 'm.creation_time',
  last_updated_timestamp: 'm.last_updated_time',
};

/** MLflow's status names (LOGGED_MODEL_READY ...) and Cairn's (READY ...) both name a status. */
function normalizeStatus(value: string): string {
  const upper = value.toUpperCase().replace(/^LOGGED_MODEL_/, '');
  return upper === 'UPLOAD_FAILED' ? 'FAILED' : upper;
}

function comparisonSql(comparison: Comparison): SqlCondition {
  const { entity, name } = comparison.key;
  if (entity === 'tag') return keyValueComparisonSql('logged_model_tags', 'kv.model_id = m.model_id', comparison);
  if (entity === 'param') return keyValueComparisonSql('logged_model_params', 'kv.model_id = m.model_id', comparison);
  if (entity === 'metric') {
    // The key is bound first: it is in the subject, ahead of the compared values.
    const latest = columnComparisonSql(LATEST_METRIC_SQL, comparison);
    return { sql: latest.sql, params: [name, ...latest.params] };
  }
  if (name === 'status' && comparison.operand !== 'number') {
    const value = comparison.operand === 'list' ? comparison.value.map(normalizeStatus) : normalizeStatus(comparison.value);
    return columnComparisonSql('m.status', { ...comparison, value } as Comparison);
  }
  return columnComparisonSql(ATTRIBUTE_COLUMNS[name] as string, comparison);
}

/**
 * A model's latest value of the metric bound to its placeholder (latest timestamp, then step, as
 * MLflow picks it); NULL when the model has none, or its latest is NaN.
 */
const LATEST_METRIC_SQL = `(SELECT CASE WHEN lm.is_nan THEN NULL ELSE lm.value END FROM logged_model_metrics lm
  WHERE lm.model_id = m.model_id AND lm.key = ? ORDER BY lm.timestamp DESC, lm.step DESC LIMIT 1)`;

/** The ORDER BY terms of a search and their bound parameters; models lacking an ordering metric come last. */
function orderSql(orders: readonly LoggedModelOrder[]): SqlCondition {
  const terms: string[] = [];
  const params: unknown[] = [];
  for (const order of orders) {
    const key = parseKey(order.fieldName, LOGGED_MODEL_SEARCH, 'order');
    const direction = order.ascending ? 'ASC' : 'DESC';
    if (key.entity === 'metric') {
      terms.push(`${LATEST_METRIC_SQL} ${direction} NULLS LAST`);
      params.push(key.name);
    } else {
      terms.push(`${ATTRIBUTE_COLUMNS[key.name] as string} ${direction}`);
    }
  }
  if (terms.length === 0) terms.push('m.creation_time DESC');
  terms.push('m.model_id ASC');
  return { sql: terms.join(', '), params };
}

/** The logged-model store over an open SQLite database (database/database.ts), beside the tracker's tables. */
export class SqliteLoggedModelStore implements LoggedModelStore {
  private readonly listeners = new Set<(change: LoggedModelChange) => void>();
  private readonly db: SqliteDatabase;

  constructor(
    private readonly database: CairnDatabase,
    private readonly tracker: TrackerStore,
  ) {
    this.db = database.connection;
  }

  async createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    const experiment = await this.tracker.getExperiment(input.experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw new CairnError(
        'INVALID_PARAMETER_VALUE',
        `The experiment ${input.experimentId} must be in the 'active' state. Current state is ${experiment.lifecycleStage}.`,
      );
    }
    const modelId = `m-${randomUUID().replaceAll('-', '')}`;
    const now = Date.now();
    this.database.write(() => {
      this.db
        .prepare(
          `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
             status, status_message, model_type, source_run_id, lifecycle_stage)
           VALUES (?, ?, ?, ?, ?, ?, 'PENDING', NULL, ?, ?, 'active')`,
        )
        .run(
          modelId,
          Number(experiment.experimentId),
          input.name?.trim() || generateRunName(),
          `${experiment.artifactLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
          now,
          now,
          input.modelType || null,
          input.sourceRunId || null,
        );
      for (const tag of input.tags ?? []) this.writeTag(modelId, tag);
      for (const param of input.params ?? []) this.writeParam(modelId, param);
    });
    this.emit(experiment.experimentId, modelId);
    return this.getLoggedModel(modelId);
  }

  async getLoggedModel(modelId: string, options: { readonly allowDeleted?: boolean } = {}): Promise<LoggedModel> {
    return this.toLoggedModel(this.requireRow(modelId, options.allowDeleted ?? false));
  }

  async finalizeLoggedModel(modelId: string, status: Exclude<LoggedModelStatus, 'PENDING'>): Promise<LoggedModel> {
    const row = this.database.write(() => {
      const current = this.requireRow(modelId, false);
      this.db.prepare('UPDATE logged_models SET status = ?, last_updated_time = ? WHERE model_id = ?').run(status, Date.now(), modelId);
      return current;
    });
    this.emit(String(row.experiment_id), modelId);
    return this.getLoggedModel(modelId);
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    const row = this.database.write(() => {
      const current = this.requireRow(modelId, false);
      this.db
        .prepare("UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_time = ? WHERE model_id = ?")
        .run(Date.now(), modelId);
      return current;
    });
    this.emit(String(row.experiment_id), modelId);
  }

  async setLoggedModelTags(modelId: string, tags: readonly Tag[]): Promise<LoggedModel> {
    const row = this.database.write(() => {
      const found = this.requireRow(modelId, false);
      for (const tag of tags) this.writeTag(modelId, tag);
      this.touch(modelId);
      return found;
    });
    this.emit(String(row.experiment_id), modelId);
    return this.getLoggedModel(modelId);
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    const row = this.database.write(() => {
      const found = this.requireRow(modelId, false);
      const result = this.db.prepare('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?').run(modelId, key);
      if (result.changes === 0) {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No tag with key '${key}' found for model with ID '${modelId}'.`);
      }
      this.touch(modelId);
      return found;
    });
    this.emit(String(row.experiment_id), modelId);
  }

  async logLoggedModelParams(modelId: string, params: readonly Param[]): Promise<void> {
    const row = this.database.write(() => {
      const found = this.requireRow(modelId, false);
      for (const param of params) this.writeParam(modelId, param);
      this.touch(modelId);
      return found;
    });
    this.emit(String(row.experiment_id), modelId);
  }

  async searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>> {
    const maxResults = query.maxResults ?? DEFAULT_SEARCH_PAGE;
    if (!Number.isSafeInteger(maxResults) || maxResults < 1) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `max_results must be a positive integer, got ${maxResults}.`);
    }
    const offset = decodePageToken(query.pageToken);
    const conditions: SqlCondition[] = [{ sql: "m.lifecycle_stage = 'active'", params: [] }];
    const experimentIds = query.experimentIds ?? [];
    if (experimentIds.length > 0) {
      const numeric = experimentIds.filter((id) => /^[0-9]+$/.test(id)).map(Number);
      conditions.push({ sql: 'm.experiment_id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(numeric)] });
    }
    conditions.push(filterSql(parseFilter(query.filter ?? '', LOGGED_MODEL_SEARCH), comparisonSql));
    const where = allOf(conditions);
    const order = orderSql(query.orderBy ?? []);
    const rows = this.db
      .prepare(`SELECT m.* FROM logged_models m WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`)
      .all(...where.params, ...order.params, maxResults + 1, offset) as LoggedModelRow[];
    const items = rows.slice(0, maxResults).map((row) => this.toLoggedModel(row));
    return rows.length > maxResults ? { items, nextPageToken: encodePageToken(offset + maxResults) } : { items };
  }

  async recordRegistration(modelId: string, name: string, version: number): Promise<void> {
    const row = this.database.write(() => {
      const found = this.requireRow(modelId, true);
      const current = this.db
        .prepare<[string, string], { value: string }>('SELECT value FROM logged_model_tags WHERE model_id = ? AND key = ?')
        .get(modelId, MODEL_VERSIONS_TAG);
      let registrations: unknown[] = [];
      try {
        const parsed: unknown = current ? JSON.parse(current.value) : [];
        if (Array.isArray(parsed)) registrations = parsed;
      } catch {
        // A hand-written tag that is not JSON is replaced.
      }
      this.writeTag(modelId, { key: MODEL_VERSIONS_TAG, value: JSON.stringify([...registrations, { name, version }]) });
      return found;
    });
    this.emit(String(row.experiment_id), modelId);
  }

  async importLoggedModel(model: Omit<LoggedModel, 'metrics'>): Promise<void> {
    await this.tracker.getExperiment(model.experimentId);
    this.database.write(() => {
      if (this.db.prepare('SELECT 1 FROM logged_models WHERE model_id = ?').get(model.modelId)) {
        throw new CairnError('RESOURCE_ALREADY_EXISTS', `Logged model with ID '${model.modelId}' already exists.`);
      }
      this.db
        .prepare(
          `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_time, last_updated_time,
             status, status_message, model_type, source_run_id, lifecycle_stage)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          model.modelId,
          Number(model.experimentId),
          model.name,
          model.artifactLocation,
          model.creationTimestamp,
          model.lastUpdatedTimestamp,
          model.status,
          model.statusMessage,
          model.modelType,
          model.sourceRunId,
          model.lifecycleStage,
        );
      for (const tag of model.tags) this.writeTag(model.modelId, tag);
      for (const param of model.params) this.writeParam(model.modelId, param);
    });
    this.emit(model.experimentId, model.modelId);
  }

  onChange(listener: (change: LoggedModelChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- internals

  private emit(experimentId: string, modelId: string): void {
    for (const listener of this.listeners) listener({ entity: 'logged-model', experimentId, modelId });
  }

  private requireRow(modelId: string, allowDeleted: boolean): LoggedModelRow {
    const row = this.db.prepare<[string], LoggedModelRow>('SELECT * FROM logged_models WHERE model_id = ?').get(modelId);
    if (!row || (!allowDeleted && row.lifecycle_stage !== 'active')) {
      throw new CairnError('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found.`);
    }
    return row;
  }

  private touch(modelId: string): void {
    this.db.prepare('UPDATE logged_models SET last_updated_time = ? WHERE model_id = ?').run(Date.now(), modelId);
  }

  private writeTag(modelId: string, tag: Tag): void {
    if (!tag.key) throw new CairnError('INVALID_PARAMETER_VALUE', 'A logged-model tag needs a non-empty key.');
    this.db
      .prepare(
        'INSERT INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?) ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(modelId, tag.key, tag.value);
  }

  private writeParam(modelId: string, param: Param): void {
    if (!param.key) throw new CairnError('INVALID_PARAMETER_VALUE', 'A logged-model param needs a non-empty key.');
    const existing = this.db
      .prepare<[string, string], { value: string }>('SELECT value FROM logged_model_params WHERE model_id = ? AND key = ?')
      .get(modelId, param.key);
    if (existing === undefined) {
      this.db.prepare('INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)').run(modelId, param.key, param.value);
    } else if (existing.value !== param.value) {
      throw new CairnError(
        'INVALID_PARAMETER_VALUE',
        `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${existing.value}' ` +
          `for logged model ID='${modelId}'. Attempted logging new value '${param.value}'.`,
      );
    }
  }

  private toLoggedModel(row: LoggedModelRow): LoggedModel {
    const tags = this.db
      .prepare<[string], Tag>('SELECT key, value FROM logged_model_tags WHERE model_id = ? ORDER BY key')
      .all(row.model_id);
    const params = this.db
      .prepare<[string], Param>('SELECT key, value FROM logged_model_params WHERE model_id = ? ORDER BY key')
      .all(row.model_id);
    const metrics = this.db
      .prepare<[string], LoggedModelMetricRow>(
        `SELECT key, value, is_nan, timestamp, step, run_uuid, dataset_name, dataset_digest
         FROM logged_model_metrics WHERE model_id = ? ORDER BY key, step, timestamp, run_uuid`,
      )
      .all(row.model_id)
      .map((metric) => ({
        key: metric.key,
        value: metric.is_nan ? Number.NaN : metric.value,
        timestamp: metric.timestamp,
        step: metric.step,
        runId: metric.run_uuid,
        datasetName: metric.dataset_name,
        datasetDigest: metric.dataset_digest,
      }));
    return {
      modelId: row.model_id,
      experimentId: String(row.experiment_id),
      name: row.name,
      artifactLocation: row.artifact_location,
      creationTimestamp: row.creation_time,
      lastUpdatedTimestamp: row.last_updated_time,
      status: row.status,
      statusMessage: row.status_message,
      modelType: row.model_type,
      sourceRunId: row.source_run_id,
      lifecycleStage: row.lifecycle_stage,
      tags,
      params,
      metrics,
    };
  }
}
