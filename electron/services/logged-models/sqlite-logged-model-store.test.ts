import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CairnDatabase } from '../database/database';
import { CairnError } from '../../../shared/errors';
import { SqliteTrackerStore } from '../tracker/sqlite-tracker-store';
import { SqliteLoggedModelStore } from './sqlite-logged-model-store';

let database: CairnDatabase;
let dir: string;
let tracker: SqliteTrackerStore;
let store: SqliteLoggedModelStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-logged-models-'));
  database = openDatabase(path.join(dir, 'cairn.db'));
  tracker = new SqliteTrackerStore(database);
  store = new SqliteLoggedModelStore(database, tracker);
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

describe('logged models', () => {
  it('creates a PENDING model with an m-<hex> id under its experiment\'s artifact location, then finalizes it', async () => {
    const experiment = await tracker.createExperiment({ name: 'e' });
    const run = await tracker.createRun({ experimentId: experiment.experimentId });
    const model = await store.createLoggedModel({
      experimentId: experiment.experimentId,
      name: 'model',
      modelType: 'sklearn',
      sourceRunId: run.info.runId,
      params: [{ key: 'alpha', value: '0.1' }],
      tags: [{ key: 'mlflow.user', value: 'ana' }],
    });
    expect(model.modelId).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model).toMatchObject({
      experimentId: experiment.experimentId,
      name: 'model',
      status: 'PENDING',
      modelType: 'sklearn',
      sourceRunId: run.info.runId,
      lifecycleStage: 'active',
      artifactLocation: `mlflow-artifacts:/${experiment.experimentId}/models/${model.modelId}/artifacts`,
      params: [{ key: 'alpha', value: '0.1' }],
      tags: [{ key: 'mlflow.user', value: 'ana' }],
    });
    const ready = await store.finalizeLoggedModel(model.modelId, 'READY');
    expect(ready.status).toBe('READY');
    expect(ready.lastUpdatedTimestamp).toBeGreaterThanOrEqual(model.lastUpdatedTimestamp);
  });

  it('names a model when the client does not, and refuses unknown or deleted experiments', async () => {
    expect((await store.createLoggedModel({ experimentId: '0' })).name).toMatch(/\S/);
    expect((await errorOf(store.createLoggedModel({ experimentId: '42' }))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    const experiment = await tracker.createExperiment({ name: 'gone' });
    await tracker.deleteExperiment(experiment.experimentId);
    expect((await errorOf(store.createLoggedModel({ experimentId: experiment.experimentId }))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('sets and deletes tags, logs params once, and soft-deletes', async () => {
    const model = await store.createLoggedModel({ experimentId: '0', name: 'm' });
    await store.setLoggedModelTags(model.modelId, [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    await store.deleteLoggedModelTag(model.modelId, 'a');
    expect((await errorOf(store.deleteLoggedModelTag(model.modelId, 'a'))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    await store.logLoggedModelParams(model.modelId, [{ key: 'p', value: 'x' }]);
    await store.logLoggedModelParams(model.modelId, [{ key: 'p', value: 'x' }]);
    expect((await errorOf(store.logLoggedModelParams(model.modelId, [{ key: 'p', value: 'y' }]))).code).toBe('INVALID_PARAMETER_VALUE');
    expect(await store.getLoggedModel(model.modelId)).toMatchObject({ tags: [{ key: 'b', value: '2' }], params: [{ key: 'p', value: 'x' }] });
    await store.deleteLoggedModel(model.modelId);
    expect((await errorOf(store.getLoggedModel(model.modelId))).message).toBe(`Logged model with ID '${model.modelId}' not found.`);
    expect((await store.getLoggedModel(model.modelId, { allowDeleted: true })).lifecycleStage).toBe('deleted');
    expect((await store.searchLoggedModels({})).items).toEqual([]);
  });

  it('searches by experiment, name, run, status, tags and params, ordered and in pages', async () => {
    const other = await tracker.createExperiment({ name: 'other' });
    const a = await store.createLoggedModel({ experimentId: '0', name: 'model', sourceRunId: 'r1', params: [{ key: 'depth', value: '3' }] });
    const b = await store.createLoggedModel({ experimentId: '0', name: 'model', sourceRunId: 'r2', tags: [{ key: 't', value: 'x' }] });
    const c = await store.createLoggedModel({ experimentId: other.experimentId, name: 'other-model' });
    await store.finalizeLoggedModel(b.modelId, 'READY');
    const ids = async (query: Parameters<SqliteLoggedModelStore['searchLoggedModels']>[0]) =>
      (await store.searchLoggedModels(query)).items.map((m) => m.modelId);

    expect(new Set(await ids({}))).toEqual(new Set([a.modelId, b.modelId, c.modelId]));
    expect(new Set(await ids({ experimentIds: ['0'], filter: "name = 'model'" }))).toEqual(new Set([a.modelId, b.modelId]));
    expect(await ids({ experimentIds: ['0'], filter: "source_run_id = 'r2'" })).toEqual([b.modelId]);
    expect(await ids({ filter: "status = 'LOGGED_MODEL_READY'" })).toEqual([b.modelId]);
    expect(await ids({ filter: "status = 'PENDING' AND name LIKE 'other%'" })).toEqual([c.modelId]);
    expect(await ids({ filter: "tags.t = 'x'" })).toEqual([b.modelId]);
    expect(await ids({ filter: "params.depth = '3'" })).toEqual([a.modelId]);
    expect(await ids({ filter: 'metrics.accuracy > 0.9' })).toEqual([]);
    expect(await ids({ experimentIds: ['0'], orderBy: [{ fieldName: 'source_run_id', ascending: false }] })).toEqual([b.modelId, a.modelId]);
    expect((await errorOf(store.searchLoggedModels({ filter: "colour = 'red'" }))).code).toBe('INVALID_PARAMETER_VALUE');

    const first = await store.searchLoggedModels({ maxResults: 2, orderBy: [{ fieldName: 'name', ascending: true }] });
    expect(first.items).toHaveLength(2);
    const second = await store.searchLoggedModels({ maxResults: 2, orderBy: [{ fieldName: 'name', ascending: true }], pageToken: first.nextPageToken });
    expect(second.items.map((m) => m.modelId)).toEqual([c.modelId]);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('imports a logged model with its own id and times', async () => {
    await store.importLoggedModel({
      modelId: 'm-00000000000000000000000000000001',
      experimentId: '0',
      name: 'imported',
      artifactLocation: 'mlflow-artifacts:/0/models/m-00000000000000000000000000000001/artifacts',
      creationTimestamp: 1000,
      lastUpdatedTimestamp: 2000,
      status: 'READY',
      statusMessage: null,
      modelType: null,
      sourceRunId: null,
      lifecycleStage: 'active',
      tags: [{ key: 'k', value: 'v' }],
      params: [],
    });
    const imported = await store.getLoggedModel('m-00000000000000000000000000000001');
    expect(imported).toMatchObject({ name: 'imported', creationTimestamp: 1000 });
    expect((await errorOf(store.importLoggedModel(imported))).code).toBe('RESOURCE_ALREADY_EXISTS');
  });
});
