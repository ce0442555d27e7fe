// The data slice against the real main side (in-process API, real SQLite, DuckDB in its worker):
// adding two versions of the example orders, the profile arriving by itself, drift of the newer
// against the older opened with the dataset, a failing check recorded as a run, the run's data,
// a job's pushed progress, a model run's training data against its newest version, and a bad
// path refused with a message and nothing added.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startInProcessCairn, type InProcessCairn } from '../../test-support/in-process-api';
import { createAppStore, type AppStore } from './app-store';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'data');

let cairn: InProcessCairn;
let store: AppStore;
let stopWatching: () => void;

beforeEach(() => {
  cairn = startInProcessCairn();
  store = createAppStore(cairn.api);
  stopWatching = store.getState().watchData();
});

afterEach(async () => {
  stopWatching();
  await cairn.close();
});

describe('data slice', () => {
  it('adds two versions, profiles them, compares them when the dataset opens, and records a failing check', async () => {
    const seenKinds = new Set<string>();
    const unsubscribe = store.subscribe((state) => Object.values(state.dataJobs).forEach((job) => job.progress && seenKinds.add(job.kind)));
    const march = await store.getState().addDataset(path.join(EXAMPLES, 'orders-march.csv'), 'orders');
    const april = await store.getState().addDataset(path.join(EXAMPLES, 'orders-april.csv'), 'orders');
    expect(march && april && march.datasetId === april.datasetId).toBe(true);
    await vi.waitFor(() => expect(store.getState().dataJobs).toEqual({}), { timeout: 30_000 });
    await vi.waitFor(() => expect(store.getState().datasets.data?.[0]?.latestProfile?.rows).toBe(1200));
    unsubscribe();
    expect(seenKinds.has('profile')).toBe(true);

    await store.getState().openDatasetPage('orders');
    const open = store.getState().openDataset!;
    expect(open.detail.data!.versions.map((version) => version.versionId)).toEqual([march!.versionId, april!.versionId]);
    expect(open.versionId).toBe(april!.versionId);
    expect(open.profile.data?.columnCount).toBe(6);
    await vi.waitFor(() => expect(store.getState().openDataset!.drift.status).toBe('ready'), { timeout: 30_000 });
    const drift = store.getState().openDataset!.drift.data!;
    expect([drift.reference.versionId, drift.current.versionId]).toEqual([march!.versionId, april!.versionId]);
    expect(drift.columns.find((column) => column.column === 'amount')?.drift).toBe(true);

    // Opened again in another window: the stored report comes with the versions, no comparison runs.
    const other = createAppStore(cairn.api);
    const kinds = new Set<string>();
    const unsubscribeOther = other.subscribe((state) => Object.values(state.dataJobs).forEach((job) => kinds.add(job.kind)));
    await other.getState().openDatasetPage('orders');
    unsubscribeOther();
    expect(kinds).toEqual(new Set());
    expect(other.getState().openDataset!.drift.data).toEqual(drift);
    expect(other.getState().openDataset!.profile.data?.rows).toBe(1200);
    await other.getState().openDatasetPage('orders', march!.versionId);
    expect([other.getState().openDataset!.versionId, other.getState().openDataset!.profile.data?.rows]).toEqual([march!.versionId, 1500]);

    const recorded = await store.getState().runDatasetChecks(april!.versionId, path.join(EXAMPLES, 'orders-checks.yaml'), null);
    expect(recorded!.report.failed).toBeGreaterThan(0);
    expect(store.getState().openDataset!.checks.data!.map((check) => check.runId)).toEqual([recorded!.runId]);

    await store.getState().loadRunData(recorded!.runId);
    const runData = store.getState().runData!;
    expect(runData.datasets.data!.versions.map((version) => version.datasetName)).toEqual(['orders']);
    expect(runData.profiles[april!.versionId]?.rows).toBe(1200);
  });

  it("tells a model's run the drift of its training data's newest version", async () => {
    const source = path.join(cairn.dataDir, 'train.csv');
    fs.copyFileSync(path.join(EXAMPLES, 'orders-march.csv'), source);
    const run = await cairn.services.store.createRun({ experimentId: '0' });
    const runId = run.info.runId;
    await cairn.services.store.logInputs(runId, [
      { name: 'orders', digest: 'abc', sourceType: 'local', source: JSON.stringify({ uri: source }), tags: [{ key: 'mlflow.data.context', value: 'training' }] },
    ]);
    await cairn.services.dataLinked();
    await store.getState().loadTrainingDrift(runId);
    expect(store.getState().trainingDrift!.items.map((item) => [item.datasetName, item.newestVersion])).toEqual([['orders', null]]);

    await store.getState().addDataset(path.join(EXAMPLES, 'orders-april.csv'), 'orders');
    await store.getState().loadTrainingDrift(runId);
    const [item] = store.getState().trainingDrift!.items;
    expect(item!.newestVersion?.path).toBe(path.join(EXAMPLES, 'orders-april.csv'));
    expect(item!.report?.columns.find((column) => column.column === 'amount')?.drift).toBe(true);
  });

  it('says why a path cannot be added, and adds nothing', async () => {
    expect(await store.getState().addDataset('/nowhere/at/all.csv')).toBeNull();
    expect(store.getState().dataActionError).toMatch(/all\.csv/);
    await store.getState().loadDatasets();
    expect(store.getState().datasets.data).toEqual([]);
  });
});
