// The data capability as the app reaches it: startCairnServices on a temporary data folder, every
// call through dispatchCall (validation, handlers, error mapping), progress and change events from
// the event hub, cancellation by job id, and the datasets MLflow clients log linked to their runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataChange, DataJobProgressEvent, DatasetDetail, DatasetPage, ProfileResult, RecordedCheck, RunDatasets } from '../../../shared/contract';
import type { DatasetSummary, DatasetVersion, DriftReport, DriftTimeline } from '../../../shared/data-models';
import { dispatchCall } from '../api/call-handlers';
import { startCairnServices, type CairnServices } from '../cairn-services';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples', 'data');

let dir: string;
let services: CairnServices;
let events: Array<{ name: string; payload: unknown }>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-data-calls-'));
  services = startCairnServices({ dataDir: dir, mode: 'browser', changeIntervalMs: 10 });
  events = [];
  services.events.subscribe((name, payload) => events.push({ name, payload }));
});

afterEach(async () => {
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Makes a call as a transport would; throws the error payload's message when it fails. */
async function call<T>(name: string, payload: unknown): Promise<T> {
  const result = await dispatchCall(services.handlers, name, payload);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('data calls', () => {
  it('add, profile, compare, timeline and checks, with progress for the job that asked', async () => {
    expect(await call<DatasetSummary[]>('listDatasets', {})).toEqual([]);
    const march = await call<DatasetVersion>('addDataset', { path: path.join(EXAMPLES, 'orders-march.csv'), name: 'orders', jobId: 'add-1' });
    const april = await call<DatasetVersion>('addDataset', { path: path.join(EXAMPLES, 'orders-april.csv'), name: 'orders' });
    expect(march.datasetId).toBe(april.datasetId);
    expect(march.versionId).not.toBe(april.versionId);

    const detail = await call<DatasetDetail>('getDataset', { dataset: 'orders' });
    expect(detail.dataset.versionCount).toBe(2);
    expect(detail.versions.map((version) => version.versionId)).toEqual([march.versionId, april.versionId]);

    expect(await call('getDatasetProfile', { versionId: april.versionId })).toEqual({ profile: null });
    const profiled = await call<ProfileResult>('profileDataset', { versionId: april.versionId, jobId: 'profile-1' });
    expect([profiled.cached, profiled.profile.rows, profiled.profile.columnCount]).toEqual([false, 1200, 6]);
    const again = await call<ProfileResult>('profileDataset', { versionId: april.versionId });
    expect(again.cached).toBe(true);
    expect((await call<{ profile: { rows: number } }>('getDatasetProfile', { versionId: april.versionId })).profile.rows).toBe(1200);

    const progress = events.filter((event) => event.name === 'data.progress').map((event) => event.payload as DataJobProgressEvent);
    expect(new Set(progress.map((event) => event.jobId))).toEqual(new Set(['add-1', 'profile-1']));
    expect(progress.some((event) => event.jobId === 'profile-1' && event.progress.stage === 'reading')).toBe(true);

    const drift = await call<DriftReport>('compareDatasets', { referenceVersionId: march.versionId, currentVersionId: april.versionId, jobId: 'drift-1' });
    expect(drift.columns.find((column) => column.column === 'amount')).toMatchObject({ test: 'wasserstein', drift: true });
    expect(drift.dataset.testedColumns).toBeGreaterThan(0);

    const timeline = await call<DriftTimeline>('getDriftTimeline', { dataset: 'orders' });
    expect(timeline.reference.versionId).toBe(march.versionId);
    expect(timeline.points.map((point) => point.versionId)).toEqual([march.versionId, april.versionId]);
    expect(timeline.points[0]!.dataset.driftedColumns).toBe(0);

    const checked = await call<RecordedCheck>('runDataChecks', { versionId: april.versionId, checksFile: path.join(EXAMPLES, 'orders-checks.yaml') });
    expect(checked.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(checked.report.failed).toBeGreaterThan(0);
    const checks = await call<RecordedCheck[]>('listDataChecks', { dataset: 'orders' });
    expect(checks.map((check) => [check.runId, check.report.passed, check.report.failed])).toEqual([[checked.runId, checked.report.passed, checked.report.failed]]);

    // The list tells each dataset's size from its latest version's profile, and the runs that used it.
    const [listed] = await call<DatasetSummary[]>('listDatasets', {});
    expect(listed!.latestVersion!.versionId).toBe(april.versionId);
    expect(listed!.latestProfile).toEqual({ rows: 1200, columnCount: 6, profiledTime: profiled.profile.profiledTime });
    expect(listed!.runIds).toEqual([checked.runId]);

    await new Promise((resolve) => setTimeout(resolve, 50));
    const changed = events.filter((event) => event.name === 'data.changed').flatMap((event) => (event.payload as DataChange).datasetIds);
    expect(new Set(changed)).toEqual(new Set([march.datasetId]));
  });

  it("answers a dataset's page in one call from what is stored, computing nothing", async () => {
    const march = await call<DatasetVersion>('addDataset', { path: path.join(EXAMPLES, 'orders-march.csv'), name: 'orders' });
    const first = await call<DatasetPage>('openDataset', { dataset: 'orders' });
    expect([first.detail.versions.map((version) => version.versionId), first.profile, first.drift, first.driftSettings]).toEqual([[march.versionId], null, null, {}]);

    const april = await call<DatasetVersion>('addDataset', { path: path.join(EXAMPLES, 'orders-april.csv'), name: 'orders' });
    await call<ProfileResult>('profileDataset', { versionId: april.versionId });
    expect((await call<DatasetPage>('openDataset', { dataset: 'orders' })).drift).toBeNull();
    const drift = await call<DriftReport>('compareDatasets', { referenceVersionId: march.versionId, currentVersionId: april.versionId });
    const page = await call<DatasetPage>('openDataset', { dataset: 'orders' });
    expect(page.detail.versions.map((version) => version.versionId)).toEqual([march.versionId, april.versionId]);
    expect(page.profile?.rows).toBe(1200);
    expect(page.drift).toEqual(drift);
    expect((await call<DatasetPage>('openDataset', { dataset: 'orders', versionId: march.versionId })).profile).toBeNull();

    // Other drift choices make the stored report another comparison's: not answered until compared again.
    const settings = { only: ['amount'] };
    await call('setDriftSettings', { dataset: 'orders', settings });
    const changed = await call<DatasetPage>('openDataset', { dataset: 'orders' });
    expect([changed.drift, changed.driftSettings]).toEqual([null, settings]);

    await expect(call('openDataset', { dataset: 'orders', versionId: 'f'.repeat(32) })).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST: The dataset orders has no version f+\./);
    await expect(call('openDataset', { dataset: 'nothing' })).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST: No dataset named nothing/);
    await expect(call('openDataset', { dataset: 'orders', versionId: '../x' })).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
  });

  it('refuses bad requests with a clear error and records nothing', async () => {
    await expect(call('addDataset', { path: path.join(dir, 'absent.csv') })).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST: .*absent\.csv/);
    await expect(call('addDataset', { path: '  ' })).rejects.toThrow(/INVALID_PARAMETER_VALUE: .*path/);
    await expect(call('profileDataset', { versionId: '../x' })).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
    await expect(call('getDataset', { dataset: 'nothing' })).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST: No dataset named nothing/);
    await expect(call('runDataChecks', { versionId: 'f'.repeat(32), checksFile: '/nowhere.yaml' })).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST/);
    expect(await call('listDatasets', {})).toEqual([]);
    expect(await call('cancelDataJob', { jobId: 'not-running' })).toEqual({ cancelled: false });
  });

  it("sets a dataset's drift choices, which its comparisons then use; bad ones are refused and change nothing", async () => {
    const march = await call<DatasetVersion>('addDataset', { path: path.join(EXAMPLES, 'orders-march.csv'), name: 'orders' });
    const april = await call<DatasetVersion>('addDataset', { path: path.join(EXAMPLES, 'orders-april.csv'), name: 'orders' });
    expect(await call('getDriftSettings', { dataset: 'orders' })).toEqual({});
    const settings = { only: ['amount', 'country'], columns: { amount: { test: 'psi', threshold: 0.2 } }, driftShare: 0.4 };
    expect(await call('setDriftSettings', { dataset: 'orders', settings })).toEqual(settings);
    const drift = await call<DriftReport>('compareDatasets', { referenceVersionId: march.versionId, currentVersionId: april.versionId });
    expect(drift.columns.map((column) => column.column).sort()).toEqual(['amount', 'country']);
    expect(drift.columns.find((column) => column.column === 'amount')).toMatchObject({ test: 'psi', threshold: 0.2 });
    expect(drift.dataset.driftShare).toBe(0.4);

    await expect(call('setDriftSettings', { dataset: 'orders', settings: { columns: { amount: { test: 'anova' } } } })).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
    await expect(call('setDriftSettings', { dataset: 'orders', settings: { columns: { amount: { threshold: -1 } } } })).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
    await expect(call('setDriftSettings', { dataset: 'orders', settings: { columns: { amount: { test: 'z', threshold: 5 } } } })).rejects.toThrow(
      /INVALID_PARAMETER_VALUE: Drift settings: column amount: z gives a p-value/,
    );
    await expect(call('setDriftSettings', { dataset: 'nothing', settings: {} })).rejects.toThrow(/RESOURCE_DOES_NOT_EXIST/);
    expect(await call('getDriftSettings', { dataset: 'orders' })).toEqual(settings);
  });

  it('cancels a running job by its id, and the engine works on', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 300_000; i++) lines.push(`${i},${i % 7},name-${i % 13}`);
    const big = path.join(dir, 'big.csv');
    fs.writeFileSync(big, `${lines.join('\n')}\n`);
    const version = await call<DatasetVersion>('addDataset', { path: big });
    const cancelling: { call: Promise<unknown> | null } = { call: null };
    services.events.subscribe((name, payload) => {
      if (name === 'data.progress' && (payload as DataJobProgressEvent).jobId === 'slow' && !cancelling.call) {
        cancelling.call = call('cancelDataJob', { jobId: 'slow' });
      }
    });
    await expect(call('profileDataset', { versionId: version.versionId, jobId: 'slow' })).rejects.toThrow(/INVALID_STATE: The data job was cancelled/);
    expect(await cancelling.call).toEqual({ cancelled: true });
    expect(await call('getDatasetProfile', { versionId: version.versionId })).toEqual({ profile: null });
    expect((await call<ProfileResult>('profileDataset', { versionId: version.versionId })).profile.rows).toBe(300_000);
  });
});

describe('the default drift reference', () => {
  it('is the data the @champion model version trained on, else the latest Production version, else the oldest version', async () => {
    const march = await call<DatasetVersion>('addDataset', { path: path.join(EXAMPLES, 'orders-march.csv'), name: 'orders' });
    const april = await call<DatasetVersion>('addDataset', { path: path.join(EXAMPLES, 'orders-april.csv'), name: 'orders' });
    const referenceOf = async () => (await call<DriftTimeline>('getDriftTimeline', { dataset: 'orders' })).reference.versionId;
    expect(await referenceOf()).toBe(march.versionId);

    const { registry } = services.tracking;
    const trainOn = async (version: DatasetVersion) => {
      const run = await services.store.createRun({ experimentId: '0' });
      services.data.store.addOrigin(version.versionId, { kind: 'run-input', runId: run.info.runId, detail: null });
      return run.info.runId;
    };
    await registry.createRegisteredModel({ name: 'churn' });
    const onMarch = await registry.createModelVersion({ name: 'churn', source: 'runs:/x/model', runId: await trainOn(march) });
    const onApril = await registry.createModelVersion({ name: 'churn', source: 'runs:/y/model', runId: await trainOn(april) });
    await registry.transitionModelVersionStage('churn', onMarch.version, 'Production', false);
    expect(await referenceOf()).toBe(march.versionId);
    await registry.setRegisteredModelAlias('churn', 'champion', onApril.version);
    expect(await referenceOf()).toBe(april.versionId);
    // A chosen reference wins.
    expect((await call<DriftTimeline>('getDriftTimeline', { dataset: 'orders', referenceVersionId: march.versionId })).reference.versionId).toBe(march.versionId);
    await registry.deleteRegisteredModelAlias('churn', 'champion');
    await registry.transitionModelVersionStage('churn', onApril.version, 'Production', true);
    expect(await referenceOf()).toBe(april.versionId);
  });
});

describe('datasets logged by MLflow clients', () => {
  it('appear in the catalog linked to their run when the file is reachable; the others are listed with the reason', async () => {
    const source = path.join(dir, 'train.csv');
    fs.copyFileSync(path.join(EXAMPLES, 'orders-march.csv'), source);
    const run = await services.store.createRun({ experimentId: '0' });
    const runId = run.info.runId;
    const input = (name: string, uri: string) => ({
      name,
      digest: 'abc123',
      sourceType: 'local',
      source: JSON.stringify({ uri }),
      tags: [{ key: 'mlflow.data.context', value: 'training' }],
    });
    await services.store.logInputs(runId, [input('train', source), input('gone', path.join(dir, 'gone.csv')), input('remote', 's3://bucket/x.csv')]);
    await services.dataLinked();

    const datasets = await call<RunDatasets>('getRunDatasets', { runId });
    expect(datasets.versions.map((version) => [version.datasetName, version.path])).toEqual([['train', source]]);
    expect(datasets.versions[0]!.origins).toEqual([expect.objectContaining({ kind: 'run-input', runId })]);
    expect(datasets.unlinked.map((entry) => [entry.name, entry.reason])).toEqual([
      ['gone', `No file at ${path.join(dir, 'gone.csv')} on this machine.`],
      ['remote', 'The source s3://bucket/x.csv is not a local file.'],
    ]);
    expect((await call<DatasetSummary[]>('listDatasets', {})).map((dataset) => [dataset.name, dataset.runIds])).toEqual([['train', [runId]]]);

    // Logged again (a second log_input call), nothing is read twice and the catalog is unchanged.
    await services.store.logInputs(runId, [input('train', source)]);
    await services.dataLinked();
    expect((await call<DatasetDetail>('getDataset', { dataset: 'train' })).versions).toHaveLength(1);
  });
});
