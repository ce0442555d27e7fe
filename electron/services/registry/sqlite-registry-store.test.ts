import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CairnDatabase } from '../database/database';
import { CairnError } from '../../../shared/errors';
import { SqliteLoggedModelStore } from '../logged-models/sqlite-logged-model-store';
import { SqliteTrackerStore } from '../tracker/sqlite-tracker-store';
import { parseFilter, parseOrderByList } from '../../../shared/search';
import { MODEL_VERSION_SEARCH, REGISTERED_MODEL_SEARCH } from './model-search-domains';
import { likeToGlob } from './model-search-sql';
import { parseModelUri } from './model-source';
import { SqliteRegistryStore } from './sqlite-registry-store';

let database: CairnDatabase;
let dir: string;
let tracker: SqliteTrackerStore;
let loggedModels: SqliteLoggedModelStore;
let registry: SqliteRegistryStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-registry-'));
  database = openDatabase(path.join(dir, 'cairn.db'));
  tracker = new SqliteTrackerStore(database);
  loggedModels = new SqliteLoggedModelStore(database, tracker);
  registry = new SqliteRegistryStore(database, loggedModels);
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function errorOf(promise: Promise<unknown>): Promise<CairnError> {
  const error = await promise.then(
    () => new Error('expected an error'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CairnError);
  return error as CairnError;
}

describe('model search vocabularies', () => {
  it('read the filters MLflow clients send, prompt filter included', () => {
    expect(parseFilter("name LIKE 'fr%' AND tag.`mlflow.prompt.is_prompt` != 'true'", REGISTERED_MODEL_SEARCH)).toMatchObject({
      kind: 'and',
      operands: [
        { key: { entity: 'attribute', name: 'name' }, comparator: 'LIKE', value: 'fr%' },
        { key: { entity: 'tag', name: 'mlflow.prompt.is_prompt' }, comparator: '!=', value: 'true' },
      ],
    });
    expect(parseFilter("run_id IN ('a', 'b') AND version_number >= 3", MODEL_VERSION_SEARCH)).toMatchObject({
      kind: 'and',
      operands: [
        { key: { name: 'run_id' }, comparator: 'IN', value: ['a', 'b'] },
        { key: { name: 'version_number' }, comparator: '>=', value: 3 },
      ],
    });
    expect(parseOrderByList(['timestamp DESC'], REGISTERED_MODEL_SEARCH)[0]).toMatchObject({
      key: { name: 'last_updated_timestamp' },
      ascending: false,
    });
  });

  it.each([
    ["run_id = 'x'", REGISTERED_MODEL_SEARCH],
    ["name IN ('a')", REGISTERED_MODEL_SEARCH],
    ["params.x = 'y'", REGISTERED_MODEL_SEARCH],
    ["name IN ('a')", MODEL_VERSION_SEARCH],
    ["version_number = 'one'", MODEL_VERSION_SEARCH],
    ["stage = 'Production'", MODEL_VERSION_SEARCH],
  ] as const)('refuse %j', (filter, domain) => {
    expect(() => parseFilter(filter, domain)).toThrow(CairnError);
  });

  it('turn LIKE patterns into case-sensitive GLOB patterns', () => {
    expect(likeToGlob('fr_ud%[x]*?')).toBe('fr?ud*[[]x[]][*][?]');
  });

  it('parses models:/ URIs as MLflow does', () => {
    expect(parseModelUri('models:/fraud/3')).toEqual({ kind: 'version', name: 'fraud', version: '3' });
    expect(parseModelUri('models:/fraud/Production')).toEqual({ kind: 'stage', name: 'fraud', stage: 'Production' });
    expect(parseModelUri('models:/fraud/latest')).toEqual({ kind: 'latest', name: 'fraud' });
    expect(parseModelUri('models:/fraud@champion')).toEqual({ kind: 'alias', name: 'fraud', alias: 'champion' });
    expect(parseModelUri('models:/m-0123abcd')).toEqual({ kind: 'logged-model', modelId: 'm-0123abcd' });
    expect(() => parseModelUri('models:/a/b/c')).toThrow(CairnError);
    expect(() => parseModelUri('runs:/a/b')).toThrow(CairnError);
  });
});

describe('registered models', () => {
  it('creates, gets, updates, tags and deletes a model; names are unique', async () => {
    const created = await registry.createRegisteredModel({ name: 'fraud', tags: [{ key: 'team', value: 'risk' }], description: 'd' });
    expect(created).toMatchObject({ name: 'fraud', description: 'd', tags: [{ key: 'team', value: 'risk' }], latestVersions: [], aliases: [] });
    expect(created.creationTimestamp).toBe(created.lastUpdatedTimestamp);
    expect((await errorOf(registry.createRegisteredModel({ name: 'fraud' }))).code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await errorOf(registry.createRegisteredModel({ name: '' }))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await registry.updateRegisteredModel('fraud', 'new')).description).toBe('new');
    expect((await registry.updateRegisteredModel('fraud', undefined)).description).toBe('new');
    await registry.setRegisteredModelTag('fraud', { key: 'owner', value: 'ana' });
    await registry.deleteRegisteredModelTag('fraud', 'team');
    await registry.deleteRegisteredModelTag('fraud', 'never-set');
    expect((await registry.getRegisteredModel('fraud')).tags).toEqual([{ key: 'owner', value: 'ana' }]);
    expect((await errorOf(registry.setRegisteredModelTag('fraud', { key: '../x', value: '' }))).code).toBe('INVALID_PARAMETER_VALUE');
    await registry.deleteRegisteredModel('fraud');
    expect((await errorOf(registry.getRegisteredModel('fraud'))).message).toBe('Registered Model with name=fraud not found');
  });

  it('searches by name and tags; models without a tag match != (the prompt filter of MLflow 3 clients)', async () => {
    await registry.createRegisteredModel({ name: 'fraud-a' });
    await registry.createRegisteredModel({ name: 'Fraud-b', tags: [{ key: 'team', value: 'risk' }] });
    await registry.createRegisteredModel({ name: 'churn', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'false' }] });
    await registry.createRegisteredModel({ name: 'greeting', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
    const names = async (filter: string) => (await registry.searchRegisteredModels({ filter })).items.map((m) => m.name);
    const notPrompt = "tag.`mlflow.prompt.is_prompt` != 'true'";
    expect(await names(notPrompt)).toEqual(['Fraud-b', 'churn', 'fraud-a']);
    expect(await names(`name LIKE 'fraud%' AND ${notPrompt}`)).toEqual(['fraud-a']);
    expect(await names(`name ILIKE 'fraud%' AND ${notPrompt}`)).toEqual(['Fraud-b', 'fraud-a']);
    expect(await names("name = 'churn'")).toEqual(['churn']);
    expect(await names("name != 'churn' AND tags.team = 'risk'")).toEqual(['Fraud-b']);
    expect(await names("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['greeting']);
    expect((await errorOf(registry.searchRegisteredModels({ filter: "run_id = 'x'" }))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(registry.searchRegisteredModels({ maxResults: 1001 }))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('orders and pages search results', async () => {
    for (const name of ['c', 'a', 'b']) await registry.createRegisteredModel({ name });
    const first = await registry.searchRegisteredModels({ maxResults: 2 });
    expect(first.items.map((m) => m.name)).toEqual(['a', 'b']);
    const second = await registry.searchRegisteredModels({ maxResults: 2, pageToken: first.nextPageToken });
    expect(second.items.map((m) => m.name)).toEqual(['c']);
    expect(second.nextPageToken).toBeUndefined();
    expect((await registry.searchRegisteredModels({ orderBy: ['name DESC'] })).items.map((m) => m.name)).toEqual(['c', 'b', 'a']);
    expect((await errorOf(registry.searchRegisteredModels({ orderBy: ['name', 'name DESC'] }))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(registry.searchRegisteredModels({ orderBy: ['size'] }))).code).toBe('INVALID_PARAMETER_VALUE');
  });
});

describe('model versions', () => {
  async function runWithModel() {
    const run = await tracker.createRun({ experimentId: '0' });
    return run.info.runId;
  }

  it('numbers versions 1, 2, 3 and never reuses a deleted number', async () => {
    await registry.createRegisteredModel({ name: 'fraud' });
    const runId = await runWithModel();
    const source = `mlflow-artifacts:/0/${runId}/artifacts/model`;
    const v1 = await registry.createModelVersion({ name: 'fraud', source, runId, tags: [{ key: 'k', value: 'v' }], description: 'first' });
    expect(v1).toMatchObject({
      name: 'fraud',
      version: '1',
      currentStage: 'None',
      status: 'READY',
      source,
      runId,
      description: 'first',
      tags: [{ key: 'k', value: 'v' }],
      aliases: [],
      modelId: null,
    });
    expect((await registry.createModelVersion({ name: 'fraud', source })).version).toBe('2');
    await registry.deleteModelVersion('fraud', '2');
    expect((await registry.createModelVersion({ name: 'fraud', source })).version).toBe('3');
    expect((await errorOf(registry.getModelVersion('fraud', '2'))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await errorOf(registry.getModelVersion('fraud', 'two'))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(registry.createModelVersion({ name: 'nope', source }))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(await registry.getModelVersionDownloadUri('fraud', '1')).toBe(source);
  });

  it('refuses local sources and relative-path tricks in sources', async () => {
    await registry.createRegisteredModel({ name: 'fraud' });
    for (const source of ['/etc/passwd', 'file:///tmp/model', 'mlflow-artifacts:/0/../../x', 'runs:/r/..%2f..%2fx', 'mlflow-artifacts:/0/%252e%252e/x']) {
      expect((await errorOf(registry.createModelVersion({ name: 'fraud', source }))).code).toBe('INVALID_PARAMETER_VALUE');
    }
    // Prompt versions carry placeholder sources.
    const prompt = await registry.createModelVersion({ name: 'fraud', source: 'prompt-template', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
    expect(prompt.version).toBe('1');
  });

  it('sets, reads, moves and deletes aliases; deleting a version drops its aliases', async () => {
    await registry.createRegisteredModel({ name: 'fraud' });
    await registry.createModelVersion({ name: 'fraud', source: 'runs:/r1/model' });
    await registry.createModelVersion({ name: 'fraud', source: 'runs:/r2/model' });
    await registry.setRegisteredModelAlias('fraud', 'champion', '1');
    await registry.setRegisteredModelAlias('fraud', 'challenger', '2');
    expect((await registry.getModelVersionByAlias('fraud', 'champion')).version).toBe('1');
    await registry.setRegisteredModelAlias('fraud', 'champion', '2');
    expect((await registry.getModelVersion('fraud', '2')).aliases).toEqual(['challenger', 'champion']);
    expect((await registry.getRegisteredModel('fraud')).aliases).toEqual([
      { alias: 'challenger', version: '2' },
      { alias: 'champion', version: '2' },
    ]);
    const missing = await errorOf(registry.getModelVersionByAlias('fraud', 'gone'));
    expect(missing).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: 'Registered model alias gone not found.' });
    for (const reserved of ['latest', 'LATEST', 'v1', 'V12']) {
      expect((await errorOf(registry.setRegisteredModelAlias('fraud', reserved, '1'))).code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await errorOf(registry.setRegisteredModelAlias('fraud', 'x', '9'))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    await registry.deleteRegisteredModelAlias('fraud', 'challenger');
    await registry.deleteModelVersion('fraud', '2');
    expect((await registry.getRegisteredModel('fraud')).aliases).toEqual([]);
  });

  it('transitions stages, archiving the stage\'s other versions on request; latest versions follow', async () => {
    await registry.createRegisteredModel({ name: 'fraud' });
    for (let i = 0; i < 3; i++) await registry.createModelVersion({ name: 'fraud', source: `runs:/r${i}/model` });
    await registry.transitionModelVersionStage('fraud', '1', 'production', false);
    await registry.transitionModelVersionStage('fraud', '2', 'Production', false);
    expect((await registry.getLatestVersions('fraud', ['Production'])).map((v) => v.version)).toEqual(['2']);
    const moved = await registry.transitionModelVersionStage('fraud', '3', 'Production', true);
    expect(moved.currentStage).toBe('Production');
    expect((await registry.getModelVersion('fraud', '1')).currentStage).toBe('Archived');
    expect((await registry.getModelVersion('fraud', '2')).currentStage).toBe('Archived');
    expect((await registry.getLatestVersions('fraud')).map((v) => [v.version, v.currentStage])).toEqual([
      ['2', 'Archived'],
      ['3', 'Production'],
    ]);
    expect((await registry.getRegisteredModel('fraud')).latestVersions.map((v) => v.version)).toEqual(['2', '3']);
    expect((await errorOf(registry.transitionModelVersionStage('fraud', '1', 'Archived', true))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(registry.transitionModelVersionStage('fraud', '1', 'Shipped', false))).message).toMatch(
      /Invalid Model Version stage: Shipped/,
    );
    expect((await errorOf(registry.getLatestVersions('fraud', ['Nope']))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('renames a model; its versions and aliases follow the new name', async () => {
    await registry.createRegisteredModel({ name: 'old' });
    await registry.createModelVersion({ name: 'old', source: 'runs:/r/model' });
    await registry.setRegisteredModelAlias('old', 'champion', '1');
    await registry.createRegisteredModel({ name: 'taken' });
    expect((await errorOf(registry.renameRegisteredModel('old', 'taken'))).code).toBe('RESOURCE_ALREADY_EXISTS');
    const renamed = await registry.renameRegisteredModel('old', 'new');
    expect(renamed.name).toBe('new');
    expect((await registry.getModelVersion('new', '1')).name).toBe('new');
    expect((await registry.getModelVersionByAlias('new', 'champion')).version).toBe('1');
    expect((await registry.searchModelVersions({ filter: "name = 'new'" })).items.map((v) => v.version)).toEqual(['1']);
    expect((await errorOf(registry.getModelVersion('old', '1'))).code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('searches versions by name, run_id, source_path, version_number and tags', async () => {
    await registry.createRegisteredModel({ name: 'a' });
    await registry.createRegisteredModel({ name: 'b' });
    await registry.createModelVersion({ name: 'a', source: 'runs:/r1/model', runId: 'r1', tags: [{ key: 'ok', value: 'yes' }] });
    await registry.createModelVersion({ name: 'a', source: 'runs:/r2/model', runId: 'r2' });
    await registry.createModelVersion({ name: 'b', source: 'runs:/r1/other', runId: 'r1' });
    const found = async (filter: string) =>
      (await registry.searchModelVersions({ filter, orderBy: ['name', 'version_number'] })).items.map((v) => `${v.name}/${v.version}`);
    expect(await found("name = 'a'")).toEqual(['a/1', 'a/2']);
    expect(await found("run_id = 'r1'")).toEqual(['a/1', 'b/1']);
    expect(await found("run_id IN ('r2', 'zz')")).toEqual(['a/2']);
    expect(await found("source_path = 'runs:/r1/other'")).toEqual(['b/1']);
    expect(await found("name = 'a' AND version_number > 1")).toEqual(['a/2']);
    expect(await found("tags.ok = 'yes'")).toEqual(['a/1']);
    expect(await found("tag.`mlflow.prompt.is_prompt` != 'true'")).toEqual(['a/1', 'a/2', 'b/1']);
    expect((await errorOf(registry.searchModelVersions({ filter: "stage = 'x'" }))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(registry.searchModelVersions({ filter: "version_number = 'one'" }))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('registers an MLflow 3 logged model: models:/m-<id> resolves to its files and records the registration', async () => {
    const runId = await runWithModel();
    const model = await loggedModels.createLoggedModel({ experimentId: '0', name: 'model', sourceRunId: runId });
    await registry.createRegisteredModel({ name: 'fraud' });
    const version = await registry.createModelVersion({ name: 'fraud', source: `models:/${model.modelId}`, modelId: model.modelId });
    expect(version).toMatchObject({ version: '1', runId, modelId: model.modelId, source: `models:/${model.modelId}` });
    expect(await registry.getModelVersionDownloadUri('fraud', '1')).toBe(`mlflow-artifacts:/0/models/${model.modelId}/artifacts`);
    const tags = (await loggedModels.getLoggedModel(model.modelId)).tags;
    expect(tags).toEqual([{ key: 'mlflow.modelVersions', value: JSON.stringify([{ name: 'fraud', version: 1 }]) }]);

    // A version registered from another version's URI downloads from the same place.
    await registry.setRegisteredModelAlias('fraud', 'champion', '1');
    await registry.createRegisteredModel({ name: 'copy' });
    await registry.createModelVersion({ name: 'copy', source: 'models:/fraud@champion' });
    expect(await registry.getModelVersionDownloadUri('copy', '1')).toBe(`mlflow-artifacts:/0/models/${model.modelId}/artifacts`);
    await registry.createModelVersion({ name: 'copy', source: 'models:/fraud/latest' });
    expect(await registry.getModelVersionDownloadUri('copy', '2')).toBe(`mlflow-artifacts:/0/models/${model.modelId}/artifacts`);
    await registry.transitionModelVersionStage('fraud', '1', 'Staging', false);
    await registry.createModelVersion({ name: 'copy', source: 'models:/fraud/staging' });
    expect((await registry.getModelVersion('copy', '3')).modelId).toBe(model.modelId);
    expect((await errorOf(registry.createModelVersion({ name: 'copy', source: 'models:/fraud/Production' }))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect((await errorOf(registry.createModelVersion({ name: 'copy', source: 'models:/m-doesnotexist' }))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect((await errorOf(registry.createModelVersion({ name: 'copy', source: 'models:/fraud/7' }))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('imports models and versions with their own numbers and times', async () => {
    await registry.importRegisteredModel({ name: 'old', description: null, creationTimestamp: 1000, lastUpdatedTimestamp: 2000, tags: [] });
    await registry.importModelVersion({
      name: 'old',
      version: 4,
      creationTimestamp: 1500,
      lastUpdatedTimestamp: 1600,
      description: null,
      userId: 'ana',
      currentStage: 'Production',
      source: 's3://bucket/model',
      storageLocation: null,
      runId: null,
      runLink: null,
      status: 'READY',
      statusMessage: null,
      modelId: null,
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(await registry.getModelVersion('old', '4')).toMatchObject({ creationTimestamp: 1500, currentStage: 'Production', userId: 'ana' });
    expect((await registry.createModelVersion({ name: 'old', source: 's3://bucket/next' })).version).toBe('5');
    const again = await errorOf(registry.importModelVersion({ ...(await registry.getModelVersion('old', '4')), version: 4, storageLocation: null }));
    expect(again.code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('announces committed writes', async () => {
    const changes: unknown[] = [];
    const stop = registry.onChange((change) => changes.push(change));
    await registry.createRegisteredModel({ name: 'm' });
    await registry.createModelVersion({ name: 'm', source: 'runs:/r/model' });
    stop();
    await registry.deleteRegisteredModel('m');
    expect(changes).toEqual([
      { entity: 'registered-model', name: 'm' },
      { entity: 'model-version', name: 'm', version: '1' },
    ]);
  });
});
