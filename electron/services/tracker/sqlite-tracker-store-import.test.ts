// importRun and completeRunImport: the two store methods behind `cairn import`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CairnDatabase } from '../database/database';
import { CairnError } from '../../../shared/errors';
import { SqliteTrackerStore } from './sqlite-tracker-store';
import type { ImportedRun } from './tracker-store';

let database: CairnDatabase;
let dir: string;
let store: SqliteTrackerStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-store-import-'));
  database = openDatabase(path.join(dir, 'cairn.db'));
  store = new SqliteTrackerStore(database);
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function importedRun(experimentId: string, overrides: Partial<ImportedRun> = {}): ImportedRun {
  return {
    runId: '0123456789abcdef0123456789abcdef',
    experimentId,
    runName: 'bright-fox-42',
    status: 'FAILED',
    startTime: 1_600_000_000_000,
    endTime: 1_600_000_060_000,
    userId: 'ana',
    artifactUri: `mlflow-artifacts:/${experimentId}/0123456789abcdef0123456789abcdef/artifacts`,
    params: [{ key: 'lr', value: '0.1' }],
    tags: [
      { key: 'mlflow.runName', value: 'bright-fox-42' },
      { key: 'mlflow.parentRunId', value: 'fedcba9876543210fedcba9876543210' },
    ],
    ...overrides,
  };
}

describe('importRun', () => {
  it('writes the run with its own id, times, status, params and tags', async () => {
    const experiment = await store.createExperiment({ name: 'imported' });
    const info = await store.importRun(importedRun(experiment.experimentId));
    expect(info).toEqual({
      runId: '0123456789abcdef0123456789abcdef',
      experimentId: experiment.experimentId,
      runName: 'bright-fox-42',
      status: 'FAILED',
      startTime: 1_600_000_000_000,
      endTime: 1_600_000_060_000,
      lifecycleStage: 'active',
      userId: 'ana',
      artifactUri: `mlflow-artifacts:/${experiment.experimentId}/0123456789abcdef0123456789abcdef/artifacts`,
      parentRunId: 'fedcba9876543210fedcba9876543210',
    });
    const run = await store.getRun(info.runId);
    expect(run.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(run.tags.map((tag) => tag.key)).toEqual(['mlflow.parentRunId', 'mlflow.runName']);
    // Metrics follow through logBatch while the import is under way.
    await store.logBatch(info.runId, { metrics: [{ key: 'loss', value: 0.5, timestamp: 1_600_000_001_000, step: 1 }] });
    expect((await store.getRun(info.runId)).metrics.map((m) => m.key)).toEqual(['loss']);
  });

  it('refuses an id that exists, and writes nothing of the second attempt', async () => {
    const experiment = await store.createExperiment({ name: 'imported' });
    await store.importRun(importedRun(experiment.experimentId));
    const error = await store.importRun(importedRun(experiment.experimentId, { params: [{ key: 'other', value: 'x' }] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CairnError);
    expect((error as CairnError).code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await store.getRun('0123456789abcdef0123456789abcdef')).params).toEqual([{ key: 'lr', value: '0.1' }]);
  });

  it('writes into a deleted experiment (MLflow had deleted it) and refuses an unknown one', async () => {
    const experiment = await store.createExperiment({ name: 'gone' });
    await store.deleteExperiment(experiment.experimentId);
    await expect(store.importRun(importedRun(experiment.experimentId))).resolves.toMatchObject({ lifecycleStage: 'active' });
    await expect(store.importRun(importedRun('999', { runId: 'abc' }))).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});

describe('completeRunImport', () => {
  it('writes the completion tags and the final lifecycle stage together', async () => {
    const experiment = await store.createExperiment({ name: 'imported' });
    const { runId } = await store.importRun(importedRun(experiment.experimentId));
    await store.completeRunImport(runId, {
      tags: [{ key: 'cairn.import.source', value: '/data/mlruns' }],
      lifecycleStage: 'deleted',
      deletedTime: 1_600_000_100_000,
    });
    const run = await store.getRun(runId);
    expect(run.info.lifecycleStage).toBe('deleted');
    expect(run.tags).toContainEqual({ key: 'cairn.import.source', value: '/data/mlruns' });
    const row = database.connection.prepare('SELECT deleted_time FROM runs WHERE run_uuid = ?').get(runId) as { deleted_time: number };
    expect(row.deleted_time).toBe(1_600_000_100_000);
    // A completed deleted run takes no more writes.
    await expect(store.completeRunImport(runId, { tags: [], lifecycleStage: 'active', deletedTime: null })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
  });
});
