// The SQLite implementation of the model registry, over the tracker's database, following
// MLflow's SQL registry store: names unique and case-sensitive, versions numbered 1, 2, 3 per
// model and never reused, stages None/Staging/Production/Archived, aliases per model.
// Rows are turned into plain entities here and never leave this module.
import { CairnError } from '../../../shared/errors';
import type { ModelVersion, ModelVersionStage, ModelVersionStatus, Page, RegisteredModel, Tag } from '../../../shared/models';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import type { CairnDatabase, SqliteDatabase } from '../database/database';
import { decodePageToken, encodePageToken } from '../tracker/page-token';
import { parseFilter, parseOrderByList, type Comparison, type SearchDomain } from '../../../shared/search';
import { MODEL_VERSION_SEARCH, REGISTERED_MODEL_SEARCH } from './model-search-domains';
import { columnComparisonSql, filterSql, keyValueComparisonSql, type SqlCondition } from './model-search-sql';
import { PROMPT_TAG } from '../../../shared/mlflow-tags';
import { checkModelVersionSource, parseModelUri, uriScheme, type ParsedModelUri } from './model-source';
import type {
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  ImportedModelVersion,
  ImportedRegisteredModel,
  RegistryChange,
  RegistrySearchQuery,
  RegistryStore,
} from './registry-store';

const STAGES: readonly ModelVersionStage[] = ['None', 'Staging', 'Production', 'Archived'];
const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production'];
const SEARCH_MODELS_DEFAULT = 100;
const SEARCH_MODELS_MAX = 1000;
const SEARCH_VERSIONS_DEFAULT = 200_000;
const SEARCH_VERSIONS_MAX = 200_000;
const MAX_TAG_KEY_LENGTH = 250;
const MAX_TAG_VALUE_LENGTH = 100_000;
const MAX_ALIAS_LENGTH = 255;

interface ModelRow {
  registered_model_id: number;
  name: string;
  description: string | null;
  creation_time: number;
  last_updated_time: number;
  last_version: number;
}

interface VersionRow {
  registered_model_id: number;
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
  current_stage: ModelVersionStage;
  source: string;
  storage_location: string | null;
  run_id: string | null;
  run_link: string | null;
  status: ModelVersionStatus;
  status_message: string | null;
  model_id: string | null;
}

const VERSION_COLUMNS = 'mv.*, rm.name AS name';
const VERSION_FROM = 'model_versions mv JOIN registered_models rm ON rm.registered_model_id = mv.registered_model_id';

function missing(name: string): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'.`);
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name === '') throw missing('name');
}

function parseVersion(version: string): number {
  const text = String(version).trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Model version must be an integer, got '${version}'.`);
  }
  return Number(text);
}

/** MLflow's tag key rule: letters, digits, _ - . space : and /, and a path that normalises to itself. */
function checkTag(tag: Tag): void {
  if (typeof tag.key !== 'string' || tag.key === '') throw missing('key');
  if (tag.key.length > MAX_TAG_KEY_LENGTH) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Tag key '${tag.key.slice(0, 40)}...' is longer than ${MAX_TAG_KEY_LENGTH} characters.`);
  }
  const segments = tag.key.split('/');
  if (!/^[\w.\- :/]+$/u.test(tag.key) || tag.key.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `Invalid tag name: '${tag.key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), ` +
        'spaces ( ), colons (:) and slashes (/), and may not be or contain a relative path.',
    );
  }
  if (typeof tag.value !== 'string') throw new CairnError('INVALID_PARAMETER_VALUE', `Tag '${tag.key}' needs a string value.`);
  if (tag.value.length > MAX_TAG_VALUE_LENGTH) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `The value of tag '${tag.key}' is longer than ${MAX_TAG_VALUE_LENGTH} characters.`);
  }
}

function checkAlias(alias: string): void {
  if (typeof alias !== 'string' || alias === '') throw missing('alias');
  if (alias.length > MAX_ALIAS_LENGTH) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Alias name '${alias.slice(0, 40)}...' is longer than ${MAX_ALIAS_LENGTH} characters.`);
  }
  if (alias.toLowerCase() === 'latest') {
    throw new CairnError('INVALID_PARAMETER_VALUE', "'latest' alias name (case insensitive) is reserved.");
  }
  if (/^v\d+$/i.test(alias)) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Version alias name '${alias}' is reserved.`);
  }
}

/** The canonical spelling of a stage, matched case-insensitively. */
function canonicalStage(stage: string): ModelVersionStage {
  const found = STAGES.find((s) => s.toLowerCase() === String(stage).toLowerCase());
  if (!found) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  }
  return found;
}

function modelNotFound(name: string): CairnError {
  return new CairnError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
}

function versionNotFound(name: string, version: string | number): CairnError {
  return new CairnError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`);
}

function alreadyExists(name: string): CairnError {
  return new CairnError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
}

function checkMaxResults(value: number, limit: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Invalid value for max_results. It must be a positive integer, but got ${value}.`);
  }
  if (value > limit) {
    throw new CairnError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value for request parameter max_results. It must be at most ${limit}, but got value ${value}.`,
    );
  }
}

function modelComparisonSql(comparison: Comparison): SqlCondition {
  if (comparison.key.entity === 'tag') {
    return keyValueComparisonSql('registered_model_tags', 'kv.registered_model_id = rm.registered_model_id', comparison);
  }
  return columnComparisonSql('rm.name', comparison);
}

const VERSION_COLUMNS_BY_ATTRIBUTE: Readonly<Record<string, string>> = {
  name: 'rm.name',
  run_id: 'mv.run_id',
  source_path: 'mv.source',
  version_number: 'mv.version',
};

function versionComparisonSql(comparison: Comparison): SqlCondition {
  if (comparison.key.entity === 'tag') {
    return keyValueComparisonSql(
      'model_version_tags',
      'kv.registered_model_id = mv.registered_model_id AND kv.version = mv.version',
      comparison,
    );
  }
  return columnComparisonSql(VERSION_COLUMNS_BY_ATTRIBUTE[comparison.key.name] as string, comparison);
}

/** Turns order_by clauses into SQL terms; the grammar has already refused unknown and repeated keys. */
function orderTerms(orderBy: readonly string[], domain: SearchDomain, columns: Readonly<Record<string, string>>): string[] {
  return parseOrderByList(orderBy, domain).map((clause) => `${columns[clause.key.name] as string} ${clause.ascending ? 'ASC' : 'DESC'}`);
}

const MODEL_ORDER_COLUMNS: Readonly<Record<string, string>> = {
  name: 'rm.name',
  last_updated_timestamp: 'rm.last_updated_time',
  creation_timestamp: 'rm.creation_time',
};

const VERSION_ORDER_COLUMNS: Readonly<Record<string, string>> = {
  name: 'rm.name',
  version_number: 'mv.version',
  last_updated_timestamp: 'mv.last_updated_time',
  creation_timestamp: 'mv.creation_time',
};

/** The model registry over an open SQLite database (database/database.ts), beside the tracker's tables. */
export class SqliteRegistryStore implements RegistryStore {
  private readonly listeners = new Set<(change: RegistryChange) => void>();
  private readonly db: SqliteDatabase;

  constructor(
    private readonly database: CairnDatabase,
    private readonly loggedModels: LoggedModelStore,
  ) {
    this.db = database.connection;
  }

  // ---------------------------------------------------------------- registered models

  async createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    checkName(input.name);
    const tags = input.tags ?? [];
    tags.forEach(checkTag);
    this.database.write(() => {
      if (this.modelRow(input.name)) throw alreadyExists(input.name);
      const now = Date.now();
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO registered_models (name, description, creation_time, last_updated_time) VALUES (?, ?, ?, ?)')
        .run(input.name, input.description ?? null, now, now);
      for (const tag of tags) this.writeModelTag(Number(lastInsertRowid), tag);
    });
    this.emit({ entity: 'registered-model', name: input.name });
    return this.getRegisteredModel(input.name);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    checkName(name);
    const [model] = this.assembleModels([this.requireModel(name)]);
    return model as RegisteredModel;
  }

  async searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>> {
    const maxResults = query.maxResults ?? SEARCH_MODELS_DEFAULT;
    checkMaxResults(maxResults, SEARCH_MODELS_MAX);
    const offset = decodePageToken(query.pageToken);
    const where = filterSql(parseFilter(query.filter ?? '', REGISTERED_MODEL_SEARCH), modelComparisonSql);
    const terms = orderTerms(query.orderBy ?? [], REGISTERED_MODEL_SEARCH, MODEL_ORDER_COLUMNS);
    if (!terms.some((term) => term.startsWith('rm.name '))) terms.push('rm.name ASC');
    const rows = this.db
      .prepare(`SELECT rm.* FROM registered_models rm WHERE ${where.sql} ORDER BY ${terms.join(', ')} LIMIT ? OFFSET ?`)
      .all(...where.params, maxResults + 1, offset) as ModelRow[];
    const items = this.assembleModels(rows.slice(0, maxResults));
    return rows.length > maxResults ? { items, nextPageToken: encodePageToken(offset + maxResults) } : { items };
  }

  async updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModel> {
    checkName(name);
    this.database.write(() => {
      const row = this.requireModel(name);
      this.db
        .prepare('UPDATE registered_models SET description = ?, last_updated_time = ? WHERE registered_model_id = ?')
        .run(description === undefined ? row.description : description, Date.now(), row.registered_model_id);
    });
    this.emit({ entity: 'registered-model', name });
    return this.getRegisteredModel(name);
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    checkName(name);
    if (typeof newName !== 'string' || newName === '') throw missing('new_name');
    this.database.write(() => {
      const row = this.requireModel(name);
      const clash = this.modelRow(newName);
      if (clash && clash.registered_model_id !== row.registered_model_id) throw alreadyExists(newName);
      const now = Date.now();
      // Versions belong to the model by id, so they follow the new name; MLflow touches them too.
      this.db
        .prepare('UPDATE registered_models SET name = ?, last_updated_time = ? WHERE registered_model_id = ?')
        .run(newName, now, row.registered_model_id);
      this.db.prepare('UPDATE model_versions SET last_updated_time = ? WHERE registered_model_id = ?').run(now, row.registered_model_id);
    });
    this.emit({ entity: 'registered-model', name: newName });
    return this.getRegisteredModel(newName);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    checkName(name);
    this.database.write(() => {
      const row = this.requireModel(name);
      this.db.prepare('DELETE FROM registered_models WHERE registered_model_id = ?').run(row.registered_model_id);
    });
    this.emit({ entity: 'registered-model', name });
  }

  async setRegisteredModelTag(name: string, tag: Tag): Promise<void> {
    checkName(name);
    checkTag(tag);
    this.database.write(() => this.writeModelTag(this.requireModel(name).registered_model_id, tag));
    this.emit({ entity: 'registered-model', name });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    checkName(name);
    if (typeof key !== 'string' || key === '') throw missing('key');
    this.database.write(() => {
      const row = this.requireModel(name);
      this.db.prepare('DELETE FROM registered_model_tags WHERE registered_model_id = ? AND key = ?').run(row.registered_model_id, key);
    });
    this.emit({ entity: 'registered-model', name });
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    checkName(name);
    checkAlias(alias);
    const number = parseVersion(version);
    this.database.write(() => {
      const row = this.requireVersion(name, number);
      this.db
        .prepare(
          `INSERT INTO registered_model_aliases (registered_model_id, alias, version) VALUES (?, ?, ?)
           ON CONFLICT (registered_model_id, alias) DO UPDATE SET version = excluded.version`,
        )
        .run(row.registered_model_id, alias, number);
    });
    this.emit({ entity: 'registered-model', name, version: String(number) });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    checkName(name);
    checkAlias(alias);
    this.database.write(() => {
      const row = this.requireModel(name);
      this.db.prepare('DELETE FROM registered_model_aliases WHERE registered_model_id = ? AND alias = ?').run(row.registered_model_id, alias);
    });
    this.emit({ entity: 'registered-model', name });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    checkName(name);
    checkAlias(alias);
    const row = this.requireModel(name);
    const found = this.db
      .prepare<[number, string], { version: number }>('SELECT version FROM registered_model_aliases WHERE registered_model_id = ? AND alias = ?')
      .get(row.registered_model_id, alias);
    if (!found) throw new CairnError('INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`);
    return this.getModelVersion(name, String(found.version));
  }

  async getLatestVersions(name: string, stages: readonly string[] = []): Promise<ModelVersion[]> {
    checkName(name);
    const wanted = new Set(stages.length === 0 ? STAGES : stages.map(canonicalStage));
    const [model] = this.assembleModels([this.requireModel(name)]);
    return (model as RegisteredModel).latestVersions.filter((version) => wanted.has(version.currentStage));
  }

  // ---------------------------------------------------------------- model versions

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    checkName(input.name);
    if (typeof input.source !== 'string' || input.source === '') throw missing('source');
    const tags = input.tags ?? [];
    tags.forEach(checkTag);
    checkModelVersionSource(input.source, { isPrompt: tags.some((t) => t.key === PROMPT_TAG), byModelId: Boolean(input.modelId) });
    let runId = input.runId || null;
    let modelId = input.modelId || null;
    let storageLocation: string | null = null;
    if (uriScheme(input.source) === 'models') {
      const resolved = await this.resolveModelsSource(input.source);
      storageLocation = resolved.location;
      runId = runId ?? resolved.runId;
      modelId = modelId ?? resolved.modelId;
    }
    if (modelId) runId = runId ?? (await this.loggedModels.getLoggedModel(modelId, { allowDeleted: true })).sourceRunId;
    const version = this.database.write(() => {
      const model = this.requireModel(input.name);
      const next = model.last_version + 1;
      const now = Date.now();
      this.db
        .prepare(
          `INSERT INTO model_versions (registered_model_id, version, creation_time, last_updated_time, description, user_id,
             current_stage, source, storage_location, run_id, run_link, status, status_message, model_id)
           VALUES (?, ?, ?, ?, ?, NULL, 'None', ?, ?, ?, ?, 'READY', NULL, ?)`,
        )
        .run(model.registered_model_id, next, now, now, input.description ?? null, input.source, storageLocation, runId, input.runLink ?? null, modelId);
      this.db
        .prepare('UPDATE registered_models SET last_version = ?, last_updated_time = ? WHERE registered_model_id = ?')
        .run(next, now, model.registered_model_id);
      for (const tag of tags) this.writeVersionTag(model.registered_model_id, next, tag);
      return next;
    });
    if (modelId) await this.loggedModels.recordRegistration(modelId, input.name, version);
    this.emit({ entity: 'model-version', name: input.name, version: String(version) });
    return this.getModelVersion(input.name, String(version));
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    checkName(name);
    const [found] = this.assembleVersions([this.requireVersion(name, parseVersion(version))]);
    return found as ModelVersion;
  }

  async updateModelVersion(name: string, version: string, description: string | undefined): Promise<ModelVersion> {
    checkName(name);
    const row = this.database.write(() => {
      const current = this.requireVersion(name, parseVersion(version));
      this.db
        .prepare('UPDATE model_versions SET description = ?, last_updated_time = ? WHERE registered_model_id = ? AND version = ?')
        .run(description === undefined ? current.description : description, Date.now(), current.registered_model_id, current.version);
      return current;
    });
    this.emit({ entity: 'model-version', name, version: String(row.version) });
    return this.getModelVersion(name, String(row.version));
  }

  async transitionModelVersionStage(name: string, version: string, stage: string, archiveExisting: boolean): Promise<ModelVersion> {
    checkName(name);
    const target = canonicalStage(stage);
    if (archiveExisting && !ACTIVE_STAGES.includes(target)) {
      throw new CairnError(
        'INVALID_PARAMETER_VALUE',
        `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. ` +
          `Valid stages are ${ACTIVE_STAGES.join(', ')}`,
      );
    }
    const number = parseVersion(version);
    this.database.write(() => {
      const row = this.requireVersion(name, number);
      const now = Date.now();
      if (archiveExisting) {
        this.db
          .prepare(
            `UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?
             WHERE registered_model_id = ? AND version != ? AND current_stage = ?`,
          )
          .run(now, row.registered_model_id, number, target);
      }
      this.db
        .prepare('UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE registered_model_id = ? AND version = ?')
        .run(target, now, row.registered_model_id, number);
      this.db.prepare('UPDATE registered_models SET last_updated_time = ? WHERE registered_model_id = ?').run(now, row.registered_model_id);
    });
    this.emit({ entity: 'model-version', name, version: String(number) });
    return this.getModelVersion(name, String(number));
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    checkName(name);
    const number = parseVersion(version);
    this.database.write(() => {
      const row = this.requireVersion(name, number);
      // Its tags and the aliases pointing at it go with it (foreign keys cascade).
      this.db.prepare('DELETE FROM model_versions WHERE registered_model_id = ? AND version = ?').run(row.registered_model_id, number);
      this.db.prepare('UPDATE registered_models SET last_updated_time = ? WHERE registered_model_id = ?').run(Date.now(), row.registered_model_id);
    });
    this.emit({ entity: 'model-version', name, version: String(number) });
  }

  async searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>> {
    const maxResults = query.maxResults ?? SEARCH_VERSIONS_DEFAULT;
    checkMaxResults(maxResults, SEARCH_VERSIONS_MAX);
    const offset = decodePageToken(query.pageToken);
    const where = filterSql(parseFilter(query.filter ?? '', MODEL_VERSION_SEARCH), versionComparisonSql);
    const terms = orderTerms(query.orderBy ?? [], MODEL_VERSION_SEARCH, VERSION_ORDER_COLUMNS);
    // MLflow's tiebreaks: latest update first, then name, then the newest version.
    for (const tiebreak of ['mv.last_updated_time DESC', 'rm.name ASC', 'mv.version DESC']) {
      const column = tiebreak.split(' ')[0] as string;
      if (!terms.some((term) => term.startsWith(`${column} `))) terms.push(tiebreak);
    }
    const rows = this.db
      .prepare(`SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM} WHERE ${where.sql} ORDER BY ${terms.join(', ')} LIMIT ? OFFSET ?`)
      .all(...where.params, maxResults + 1, offset) as VersionRow[];
    const items = this.assembleVersions(rows.slice(0, maxResults));
    return rows.length > maxResults ? { items, nextPageToken: encodePageToken(offset + maxResults) } : { items };
  }

  async setModelVersionTag(name: string, version: string, tag: Tag): Promise<void> {
    checkName(name);
    checkTag(tag);
    const row = this.database.write(() => {
      const current = this.requireVersion(name, parseVersion(version));
      this.writeVersionTag(current.registered_model_id, current.version, tag);
      return current;
    });
    this.emit({ entity: 'model-version', name, version: String(row.version) });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    checkName(name);
    if (typeof key !== 'string' || key === '') throw missing('key');
    const row = this.database.write(() => {
      const current = this.requireVersion(name, parseVersion(version));
      this.db
        .prepare('DELETE FROM model_version_tags WHERE registered_model_id = ? AND version = ? AND key = ?')
        .run(current.registered_model_id, current.version, key);
      return current;
    });
    this.emit({ entity: 'model-version', name, version: String(row.version) });
  }

  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    checkName(name);
    const row = this.requireVersion(name, parseVersion(version));
    return row.storage_location ?? row.source;
  }

  // ---------------------------------------------------------------- import

  async importRegisteredModel(model: ImportedRegisteredModel): Promise<void> {
    checkName(model.name);
    model.tags.forEach(checkTag);
    this.database.write(() => {
      if (this.modelRow(model.name)) throw alreadyExists(model.name);
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO registered_models (name, description, creation_time, last_updated_time) VALUES (?, ?, ?, ?)')
        .run(model.name, model.description, model.creationTimestamp, model.lastUpdatedTimestamp);
      for (const tag of model.tags) this.writeModelTag(Number(lastInsertRowid), tag);
    });
    this.emit({ entity: 'registered-model', name: model.name });
  }

  async importModelVersion(version: ImportedModelVersion): Promise<void> {
    checkName(version.name);
    version.tags.forEach(checkTag);
    const number = parseVersion(String(version.version));
    const stage = canonicalStage(version.currentStage);
    this.database.write(() => {
      const model = this.requireModel(version.name);
      if (this.db.prepare('SELECT 1 FROM model_versions WHERE registered_model_id = ? AND version = ?').get(model.registered_model_id, number)) {
        throw new CairnError('RESOURCE_ALREADY_EXISTS', `Model Version (name=${version.name}, version=${number}) already exists.`);
      }
      this.db
        .prepare(
          `INSERT INTO model_versions (registered_model_id, version, creation_time, last_updated_time, description, user_id,
             current_stage, source, storage_location, run_id, run_link, status, status_message, model_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          model.registered_model_id,
          number,
          version.creationTimestamp,
          version.lastUpdatedTimestamp,
          version.description,
          version.userId,
          stage,
          version.source,
          version.storageLocation,
          version.runId,
          version.runLink,
          version.status,
          version.statusMessage,
          version.modelId,
        );
      this.db
        .prepare('UPDATE registered_models SET last_version = MAX(last_version, ?) WHERE registered_model_id = ?')
        .run(number, model.registered_model_id);
      for (const tag of version.tags) this.writeVersionTag(model.registered_model_id, number, tag);
    });
    this.emit({ entity: 'model-version', name: version.name, version: String(number) });
  }

  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- internals

  private emit(change: RegistryChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private modelRow(name: string): ModelRow | undefined {
    return this.db.prepare<[string], ModelRow>('SELECT * FROM registered_models WHERE name = ?').get(name);
  }

  private requireModel(name: string): ModelRow {
    const row = this.modelRow(name);
    if (!row) throw modelNotFound(name);
    return row;
  }

  private requireVersion(name: string, version: number): VersionRow {
    const row = this.db
      .prepare<[string, number], VersionRow>(`SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM} WHERE rm.name = ? AND mv.version = ?`)
      .get(name, version);
    if (!row) throw versionNotFound(name, version);
    return row;
  }

  /** Where a models:/ source's files are, with the run and logged model it came from when known. */
  private async resolveModelsSource(source: string): Promise<{ location: string; runId: string | null; modelId: string | null }> {
    const parsed: ParsedModelUri = parseModelUri(source);
    try {
      if (parsed.kind === 'logged-model') {
        const model = await this.loggedModels.getLoggedModel(parsed.modelId, { allowDeleted: true });
        return { location: model.artifactLocation, runId: model.sourceRunId, modelId: model.modelId };
      }
      const row = this.versionForUri(parsed);
      return { location: row.storage_location ?? row.source, runId: row.run_id, modelId: row.model_id };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new CairnError('INVALID_PARAMETER_VALUE', `Unable to fetch model from model URI source artifact location '${source}'. Error: ${why}`);
    }
  }

  private versionForUri(parsed: Exclude<ParsedModelUri, { kind: 'logged-model' }>): VersionRow {
    if (parsed.kind === 'version') return this.requireVersion(parsed.name, parseVersion(parsed.version));
    const model = this.requireModel(parsed.name);
    if (parsed.kind === 'alias') {
      const alias = this.db
        .prepare<[number, string], { version: number }>('SELECT version FROM registered_model_aliases WHERE registered_model_id = ? AND alias = ?')
        .get(model.registered_model_id, parsed.alias);
      if (!alias) throw new CairnError('INVALID_PARAMETER_VALUE', `Registered model alias ${parsed.alias} not found.`);
      return this.requireVersion(parsed.name, alias.version);
    }
    const stage = parsed.kind === 'stage' ? canonicalStage(parsed.stage) : null;
    const { version } = this.db
      .prepare<[number, string | null, string | null], { version: number | null }>(
        'SELECT MAX(version) AS version FROM model_versions WHERE registered_model_id = ? AND (? IS NULL OR current_stage = ?)',
      )
      .get(model.registered_model_id, stage, stage)!;
    if (version === null) {
      throw new CairnError('RESOURCE_DOES_NOT_EXIST', `Registered model '${parsed.name}' has no version${stage ? ` in stage ${stage}` : ''}.`);
    }
    return this.requireVersion(parsed.name, version);
  }

  private writeModelTag(modelId: number, tag: Tag): void {
    this.db
      .prepare(
        `INSERT INTO registered_model_tags (registered_model_id, key, value) VALUES (?, ?, ?)
         ON CONFLICT (registered_model_id, key) DO UPDATE SET value = excluded.value`,
      )
      .run(modelId, tag.key, tag.value);
  }

  private writeVersionTag(modelId: number, version: number, tag: Tag): void {
    this.db
      .prepare(
        `INSERT INTO model_version_tags (registered_model_id, version, key, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (registered_model_id, version, key) DO UPDATE SET value = excluded.value`,
      )
      .run(modelId, version, tag.key, tag.value);
  }

  /** Loads the tags and aliases of many versions in two queries. */
  private assembleVersions(rows: readonly VersionRow[]): ModelVersion[] {
    if (rows.length === 0) return [];
    const keys = JSON.stringify(rows.map((row) => [row.registered_model_id, row.version]));
    const owned = `(registered_model_id, version) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))`;
    const tags = this.db
      .prepare(`SELECT registered_model_id, version, key, value FROM model_version_tags WHERE ${owned} ORDER BY key`)
      .all(keys) as { registered_model_id: number; version: number; key: string; value: string }[];
    const aliases = this.db
      .prepare(`SELECT registered_model_id, version, alias FROM registered_model_aliases WHERE ${owned} ORDER BY alias`)
      .all(keys) as { registered_model_id: number; version: number; alias: string }[];
    const keyOf = (modelId: number, version: number) => `${modelId}:${version}`;
    const parts = new Map<string, { tags: Tag[]; aliases: string[] }>();
    for (const row of rows) parts.set(keyOf(row.registered_model_id, row.version), { tags: [], aliases: [] });
    for (const t of tags) parts.get(keyOf(t.registered_model_id, t.version))?.tags.push({ key: t.key, value: t.value });
    for (const a of aliases) parts.get(keyOf(a.registered_model_id, a.version))?.aliases.push(a.alias);
    return rows.map((row) => {
      const { tags: versionTags, aliases: versionAliases } = parts.get(keyOf(row.registered_model_id, row.version))!;
      return {
        name: row.name,
        version: String(row.version),
        creationTimestamp: row.creation_time,
        lastUpdatedTimestamp: row.last_updated_time,
        description: row.description,
        userId: row.user_id,
        currentStage: row.current_stage,
        source: row.source,
        runId: row.run_id,
        runLink: row.run_link,
        status: row.status,
        statusMessage: row.status_message,
        tags: versionTags,
        aliases: versionAliases,
        modelId: row.model_id,
      };
    });
  }

  /** Loads the tags, aliases and latest versions per stage of many models in a few queries. */
  private assembleModels(rows: readonly ModelRow[]): RegisteredModel[] {
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((row) => row.registered_model_id));
    const tags = this.db
      .prepare<[string], { registered_model_id: number; key: string; value: string }>(
        'SELECT registered_model_id, key, value FROM registered_model_tags WHERE registered_model_id IN (SELECT value FROM json_each(?)) ORDER BY key',
      )
      .all(ids);
    const aliases = this.db
      .prepare<[string], { registered_model_id: number; alias: string; version: number }>(
        'SELECT registered_model_id, alias, version FROM registered_model_aliases WHERE registered_model_id IN (SELECT value FROM json_each(?)) ORDER BY alias',
      )
      .all(ids);
    const latestRows = this.db
      .prepare<[string], VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM}
         WHERE mv.registered_model_id IN (SELECT value FROM json_each(?))
           AND mv.version = (SELECT MAX(v.version) FROM model_versions v
                             WHERE v.registered_model_id = mv.registered_model_id AND v.current_stage = mv.current_stage)
         ORDER BY mv.version`,
      )
      .all(ids);
    const latest = this.assembleVersions(latestRows);
    return rows.map((row) => ({
      name: row.name,
      creationTimestamp: row.creation_time,
      lastUpdatedTimestamp: row.last_updated_time,
      description: row.description,
      latestVersions: latest.filter((_, i) => latestRows[i]!.registered_model_id === row.registered_model_id),
      tags: tags.filter((t) => t.registered_model_id === row.registered_model_id).map((t) => ({ key: t.key, value: t.value })),
      aliases: aliases
        .filter((a) => a.registered_model_id === row.registered_model_id)
        .map((a) => ({ alias: a.alias, version: String(a.version) })),
    }));
  }
}
