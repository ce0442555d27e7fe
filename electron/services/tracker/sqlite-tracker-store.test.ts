import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CairnError } from '../../../shared/errors';
import { openDatabase, type CairnDatabase } from '../database/database';
import { SqliteTrackerStore } from './sqlite-tracker-store';

let database: CairnDatabase;
let dir: string;
let store: SqliteTrackerStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-store-'));
  database = openDatabase(path.join(dir, 'cairn.db'));
  store = new SqliteTrackerStore(database);
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function expectCairnError(promise: Promise<unknown>, code: string): Promise<CairnError> {
  const error = await promise.then(
    () => {
      throw new Error('expected an error');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CairnError);
  expect((error as CairnError).code).toBe(code);
  return error as CairnError;
}

describe('store over a reopened database', () => {
  it('reads what was written before the database was closed', async () => {
    const experiment = await store.createExperiment({ name: 'kept' });
    database.close();
    database = openDatabase(path.join(dir, 'cairn.db'));
    store = new SqliteTrackerStore(database);
    expect((await store.getExperiment(experiment.experimentId)).name).toBe('kept');
  });
});

describe('experiments', () => {
  it('has MLflow\'s Default experiment with id 0', async () => {
    const experiment = await store.getExperiment('0');
    expect(experiment.name).toBe('Default');
    expect(experiment.artifactLocation).toBe('mlflow-artifacts:/0');
  });

  it('creates, renames, tags, deletes and restores experiments', async () => {
    const created = await store.createExperiment({ name: 'fraud', tags: [{ key: 'team', value: 'risk' }] });
    expect(created).toMatchObject({ name: 'fraud', lifecycleStage: 'active', tags: [{ key: 'team', value: 'risk' }] });
    expect(created.artifactLocation).toBe(`mlflow-artifacts:/${created.experimentId}`);
    await store.renameExperiment(created.experimentId, 'fraud-v2');
    expect((await store.getExperimentByName('fraud-v2'))?.experimentId).toBe(created.experimentId);
    expect(await store.getExperimentByName('fraud')).toBeNull();
    await store.setExperimentTag(created.experimentId, { key: 'team', value: 'ml' });
    expect((await store.getExperiment(created.experimentId)).tags).toEqual([{ key: 'team', value: 'ml' }]);
    await store.deleteExperiment(created.experimentId);
    expect((await store.listExperiments('ACTIVE_ONLY')).map((e) => e.name)).not.toContain('fraud-v2');
    expect((await store.listExperiments('DELETED_ONLY')).map((e) => e.name)).toEqual(['fraud-v2']);
    await store.restoreExperiment(created.experimentId);
    expect((await store.listExperiments('ACTIVE_ONLY')).map((e) => e.name)).toContain('fraud-v2');
  });

  it('refuses duplicate names and unknown ids', async () => {
    await store.createExperiment({ name: 'a' });
    await expectCairnError(store.createExperiment({ name: 'a' }), 'RESOURCE_ALREADY_EXISTS');
    await expectCairnError(store.getExperiment('12345'), 'RESOURCE_DOES_NOT_EXIST');
    await expectCairnError(store.getExperiment('not-a-number'), 'RESOURCE_DOES_NOT_EXIST');
    await expectCairnError(store.createExperiment({ name: '   ' }), 'INVALID_PARAMETER_VALUE');
  });

  it('counts active runs per experiment', async () => {
    const { experimentId } = await store.createExperiment({ name: 'counted' });
    await store.createRun({ experimentId });
    const deleted = await store.createRun({ experimentId });
    await store.deleteRun(deleted.info.runId);
    const summary = (await store.listExperiments('ACTIVE_ONLY')).find((e) => e.experimentId === experimentId);
    expect(summary?.runCount).toBe(1);
  });
});

describe('runs', () => {
  let experimentId: string;
  beforeEach(async () => {
    experimentId = (await store.createExperiment({ name: 'exp' })).experimentId;
  });

  it('creates a run with a generated name, RUNNING status and an artifact URI under its experiment', async () => {
    const run = await store.createRun({ experimentId, startTime: 1000, userId: 'ada' });
    expect(run.info).toMatchObject({ experimentId, status: 'RUNNING', startTime: 1000, endTime: null, userId: 'ada' });
    expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.info.runName).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(run.info.artifactUri).toBe(`mlflow-artifacts:/${experimentId}/${run.info.runId}/artifacts`);
    expect(run.tags).toContainEqual({ key: 'mlflow.runName', value: run.info.runName });
  });

  it('takes the name and parent from system tags and keeps them in sync', async () => {
    const parent = await store.createRun({ experimentId, runName: 'parent' });
    const child = await store.createRun({
      experimentId,
      tags: [
        { key: 'mlflow.runName', value: 'child' },
        { key: 'mlflow.parentRunId', value: parent.info.runId },
      ],
    });
    expect(child.info.runName).toBe('child');
    expect(child.info.parentRunId).toBe(parent.info.runId);
    await store.logBatch(child.info.runId, { tags: [{ key: 'mlflow.runName', value: 'renamed' }] });
    expect((await store.getRun(child.info.runId)).info.runName).toBe('renamed');
    await store.deleteTag(child.info.runId, 'mlflow.parentRunId');
    expect((await store.getRun(child.info.runId)).info.parentRunId).toBeNull();
  });

  it('updates status and end time', async () => {
    const run = await store.createRun({ experimentId });
    const info = await store.updateRun(run.info.runId, { status: 'FINISHED', endTime: 5000 });
    expect(info).toMatchObject({ status: 'FINISHED', endTime: 5000 });
  });

  it('records a finished run whole: tags, params, metrics, dataset inputs, status and end time; several at once share a commit', async () => {
    const parent = await store.createRun({ experimentId, runName: 'parent' });
    const finished = (name: string) =>
      store.recordFinishedRun({
        experimentId,
        runName: name,
        startTime: 1000,
        userId: 'ada',
        tags: [{ key: 'mlflow.parentRunId', value: parent.info.runId }],
        params: [{ key: 'lr', value: '0.1' }],
        metrics: [{ key: 'score', value: 0.9, step: 0, timestamp: 2000 }],
        inputs: [{ name: 'train.csv', digest: 'abc', sourceType: 'local', source: '{}', tags: [{ key: 'mlflow.data.context', value: 'input' }] }],
        status: 'FINISHED',
        endTime: 2000,
      });
    const commits = vi.spyOn(database, 'write');
    const ids = await Promise.all([finished('a'), finished('b'), finished('c')]);
    expect(commits).toHaveBeenCalledTimes(1);
    commits.mockRestore();
    const run = await store.getRun(ids[1]);
    expect(run.info).toMatchObject({ runName: 'b', status: 'FINISHED', startTime: 1000, endTime: 2000, userId: 'ada', parentRunId: parent.info.runId });
    expect(run.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(run.metrics).toMatchObject([{ key: 'score', value: 0.9, step: 0 }]);
    expect(run.datasets.map((dataset) => dataset.name)).toEqual(['train.csv']);
    await expectCairnError(store.recordFinishedRun({ experimentId: '999', status: 'FINISHED', endTime: 1 }), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('keeps params immutable: the same value again is fine, a changed value fails and writes nothing of its batch', async () => {
    const { info } = await store.createRun({ experimentId });
    await store.logBatch(info.runId, { params: [{ key: 'lr', value: '0.1' }] });
    await store.logBatch(info.runId, { params: [{ key: 'lr', value: '0.1' }] });
    const error = await expectCairnError(
      store.logBatch(info.runId, {
        params: [{ key: 'lr', value: '0.2' }],
        tags: [{ key: 'note', value: 'should not land' }],
        metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1 }],
      }),
      'INVALID_PARAMETER_VALUE',
    );
    expect(error.message).toContain("key='lr'");
    const run = await store.getRun(info.runId);
    expect(run.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(run.tags.find((t) => t.key === 'note')).toBeUndefined();
    expect(run.metrics).toEqual([]);
  });

  it('refuses writes to a deleted run and unknown runs', async () => {
    const { info } = await store.createRun({ experimentId });
    await store.deleteRun(info.runId);
    await expectCairnError(store.logBatch(info.runId, { params: [{ key: 'a', value: 'b' }] }), 'INVALID_PARAMETER_VALUE');
    await expectCairnError(store.getRun('0'.repeat(32)), 'RESOURCE_DOES_NOT_EXIST');
    await store.restoreRun(info.runId);
    await store.logBatch(info.runId, { params: [{ key: 'a', value: 'b' }] });
  });

  it('refuses a metric whose step is not an integer and writes nothing of its batch', async () => {
    const { info } = await store.createRun({ experimentId });
    await expectCairnError(
      store.logBatch(info.runId, { params: [{ key: 'p', value: '1' }], metrics: [{ key: 'm', value: 1, step: 1.5, timestamp: 1 }] }),
      'INVALID_PARAMETER_VALUE',
    );
    expect((await store.getRun(info.runId)).params).toEqual([]);
  });
});

describe('metrics', () => {
  let runId: string;
  beforeEach(async () => {
    const { experimentId } = await store.createExperiment({ name: 'm' });
    runId = (await store.createRun({ experimentId })).info.runId;
  });

  it('keeps the latest value at the highest step, then the latest timestamp, whatever the logging order', async () => {
    await store.logBatch(runId, {
      metrics: [
        { key: 'loss', value: 0.5, step: 5, timestamp: 100 },
        { key: 'loss', value: 0.9, step: 1, timestamp: 500 },
        { key: 'loss', value: 0.4, step: 5, timestamp: 200 },
      ],
    });
    await store.logBatch(runId, { metrics: [{ key: 'loss', value: 0.3, step: 4, timestamp: 900 }] });
    const [latest] = (await store.getRun(runId)).metrics;
    expect(latest).toMatchObject({ key: 'loss', value: 0.4, step: 5, timestamp: 200, min: 0.3, max: 0.9 });
  });

  it('allows several points per step and returns the history in step order', async () => {
    await store.logBatch(runId, {
      metrics: [
        { key: 'acc', value: 3, step: 2, timestamp: 10 },
        { key: 'acc', value: 1, step: 0, timestamp: 30 },
        { key: 'acc', value: 2, step: 0, timestamp: 20 },
        { key: 'acc', value: 2, step: 0, timestamp: 20 },
      ],
    });
    const history = await store.getMetricHistory({ runId, key: 'acc' });
    expect(history.items).toEqual([
      { step: 0, timestamp: 20, value: 2 },
      { step: 0, timestamp: 30, value: 1 },
      { step: 2, timestamp: 10, value: 3 },
    ]);
  });

  it('round-trips NaN and ±Infinity, and NaN never becomes a min or max', async () => {
    await store.logBatch(runId, {
      metrics: [
        { key: 'x', value: Number.NaN, step: 0, timestamp: 1 },
        { key: 'x', value: Number.POSITIVE_INFINITY, step: 1, timestamp: 1 },
        { key: 'x', value: Number.NEGATIVE_INFINITY, step: 2, timestamp: 1 },
        { key: 'x', value: Number.NaN, step: 3, timestamp: 1 },
      ],
    });
    const values = (await store.getMetricHistory({ runId, key: 'x' })).items.map((p) => p.value);
    expect(values).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]);
    const [latest] = (await store.getRun(runId)).metrics;
    expect(latest?.value).toBeNaN();
    expect(latest?.min).toBe(Number.NEGATIVE_INFINITY);
    expect(latest?.max).toBe(Number.POSITIVE_INFINITY);
  });

  it('pages a long history without gaps or repeats', async () => {
    const metrics = Array.from({ length: 2500 }, (_, step) => ({ key: 'long', value: step * 2, step, timestamp: step }));
    await store.logBatch(runId, { metrics });
    const seen: number[] = [];
    let pageToken: string | undefined;
    do {
      const page = await store.getMetricHistory({ runId, key: 'long', maxResults: 1000, pageToken });
      seen.push(...page.items.map((p) => p.step));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(metrics.map((m) => m.step));
  });

  it('rejects a malformed page token', async () => {
    await expectCairnError(store.getMetricHistory({ runId, key: 'long', pageToken: '%%%' }), 'INVALID_PARAMETER_VALUE');
  });

  it('announces each committed write once, after the commit', async () => {
    const seen: string[] = [];
    store.onChange((change) => {
      // The write is visible to a fresh connection by the time the listener runs.
      const other = new Database(path.join(dir, 'cairn.db'), { readonly: true });
      const count = (other.prepare('SELECT COUNT(*) AS n FROM metric_points').get() as { n: number }).n;
      other.close();
      seen.push(`${change.entity}:${count}`);
    });
    await store.logBatch(runId, { metrics: [{ key: 'a', value: 1, step: 0, timestamp: 0 }] });
    expect(seen).toEqual(['metric:1']);
  });
});

describe('run cache', () => {
  const search = async (experimentId: string, viewType: 'ACTIVE_ONLY' | 'ALL' = 'ACTIVE_ONLY') =>
    (await store.searchRuns({ experimentIds: [experimentId], viewType })).items;

  it('answers every read with the runs as they are after each committed write', async () => {
    const { experimentId } = await store.createExperiment({ name: 'cached' });
    const run = await store.createRun({ experimentId });
    const runId = run.info.runId;
    const first = (await search(experimentId))[0]!;
    // An unchanged run is handed out again as the same object.
    expect((await search(experimentId))[0]).toBe(first);
    expect(await store.getRun(runId)).toBe(first);

    await store.logBatch(runId, { metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 1 }], params: [{ key: 'lr', value: '0.1' }] });
    let [fresh] = await search(experimentId);
    expect(fresh!.metrics.map((m) => [m.key, m.value])).toEqual([['loss', 0.5]]);
    expect(fresh!.params).toEqual([{ key: 'lr', value: '0.1' }]);

    await store.logBatch(runId, { tags: [{ key: 'stage', value: 'tuned' }] });
    await store.updateRun(runId, { status: 'FINISHED', endTime: 99 });
    [fresh] = await search(experimentId);
    expect(fresh!.tags).toContainEqual({ key: 'stage', value: 'tuned' });
    expect(fresh!.info).toMatchObject({ status: 'FINISHED', endTime: 99 });

    await store.deleteTag(runId, 'stage');
    expect((await store.getRun(runId)).tags).not.toContainEqual({ key: 'stage', value: 'tuned' });

    // A change to the experiment moves its runs: nothing cached survives it.
    await store.deleteExperiment(experimentId);
    expect((await search(experimentId, 'ALL'))[0]!.info.lifecycleStage).toBe('deleted');
  });

  it('sees writes made through another connection to the same file', async () => {
    const { experimentId } = await store.createExperiment({ name: 'shared' });
    const run = await store.createRun({ experimentId });
    expect((await search(experimentId))[0]!.tags.find((t) => t.key === 'from')).toBeUndefined();
    const otherDatabase = openDatabase(path.join(dir, 'cairn.db'));
    const other = new SqliteTrackerStore(otherDatabase);
    try {
      await other.logBatch(run.info.runId, { tags: [{ key: 'from', value: 'cairn import' }] });
    } finally {
      otherDatabase.close();
    }
    expect((await search(experimentId))[0]!.tags).toContainEqual({ key: 'from', value: 'cairn import' });
    expect((await store.getRun(run.info.runId)).tags).toContainEqual({ key: 'from', value: 'cairn import' });
  });
});
