// The change feed over real tracker, registry and logged-model stores on a fresh database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CairnDatabase } from './database/database';
import type { TrackerChange } from '../../shared/contract';
import { SqliteLoggedModelStore } from './logged-models/sqlite-logged-model-store';
import { startChangeFeed } from './change-feed';
import { SqliteRegistryStore } from './registry/sqlite-registry-store';
import { SqliteTrackerStore } from './tracker/sqlite-tracker-store';

const INTERVAL_MS = 10;

let database: CairnDatabase;
let dir: string;
let tracker: SqliteTrackerStore;
let loggedModels: SqliteLoggedModelStore;
let registry: SqliteRegistryStore;
let published: TrackerChange[];
let stopFeed: () => void;

const settle = () => new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 5));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-model-feed-'));
  database = openDatabase(path.join(dir, 'cairn.db'));
  tracker = new SqliteTrackerStore(database);
  loggedModels = new SqliteLoggedModelStore(database, tracker);
  registry = new SqliteRegistryStore(database, loggedModels);
  published = [];
  stopFeed = startChangeFeed([tracker, registry, loggedModels], (change) => published.push(change), INTERVAL_MS);
});

afterEach(() => {
  stopFeed();
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('startChangeFeed', () => {
  it('merges a burst of tracker writes into one change naming their experiments, runs and kinds', async () => {
    const experiment = await tracker.createExperiment({ name: 'live' });
    const run = await tracker.createRun({ experimentId: experiment.experimentId });
    await Promise.all(
      Array.from({ length: 10 }, (_, step) => tracker.logBatch(run.info.runId, { metrics: [{ key: 'loss', value: step, step, timestamp: step }] })),
    );
    await settle();
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual({
      experimentIds: [experiment.experimentId],
      runIds: [run.info.runId],
      entities: ['experiment', 'run', 'metric'],
    });
  });

  it('merges a burst of registry writes into one change naming their kinds', async () => {
    await registry.createRegisteredModel({ name: 'fraud' });
    for (let i = 0; i < 5; i++) await registry.createModelVersion({ name: 'fraud', source: `runs:/r${i}/model` });
    await registry.setRegisteredModelTag('fraud', { key: 'team', value: 'ml' });
    await settle();
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual({ experimentIds: [], runIds: [], entities: ['registered-model', 'model-version'] });
  });

  it('names the experiment of a logged model that changed', async () => {
    const other = await tracker.createExperiment({ name: 'other' });
    const model = await loggedModels.createLoggedModel({ experimentId: other.experimentId });
    await loggedModels.finalizeLoggedModel(model.modelId, 'READY');
    await loggedModels.createLoggedModel({ experimentId: '0' });
    await settle();
    expect(published).toEqual([{ experimentIds: [other.experimentId, '0'], runIds: [], entities: ['experiment', 'logged-model'] }]);
  });

  it('publishes later writes as a new change, and nothing after it is stopped', async () => {
    await registry.createRegisteredModel({ name: 'first' });
    await settle();
    await loggedModels.createLoggedModel({ experimentId: '0' });
    await settle();
    expect(published.map((change) => change.entities)).toEqual([['registered-model'], ['logged-model']]);

    await registry.createRegisteredModel({ name: 'pending' });
    stopFeed();
    await registry.createRegisteredModel({ name: 'unheard' });
    await settle();
    expect(published).toHaveLength(2);
  });
});
