// The data service over a real SQLite file and the real DuckDB worker: profiles checked against
// pandas and numpy (fixtures/make-fixtures.py), messy files profiled and their problems reported,
// versions by content digest, stored profiles, progress, cancellation, and run inputs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataJobProgress } from '../../../shared/data-models';
import { openCairnStores, type CairnStores } from '../cairn-services';
import { createDataCapability, type DataCapability } from './create-data-service';
import { localSourcePath } from './data-service';

const FIXTURES = path.join(__dirname, 'fixtures');

let dir: string;
let stores: CairnStores;
let data: DataCapability;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-data-service-'));
  stores = openCairnStores(dir);
  data = createDataCapability({ database: stores.database, tracker: stores.store });
});

afterEach(async () => {
  await data.close();
  stores.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('profiles', () => {
  it("match pandas and numpy on the same CSV (counts, distinct, extremes, mean, sample std, linear quantiles, top values)", async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected-profile.json'), 'utf8'));
    const { profile, cached, version } = await data.service.profile(path.join(FIXTURES, 'profile-sales.csv'));
    expect(cached).toBe(false);
    expect(version.datasetName).toBe('profile-sales');
    expect(profile.rows).toBe(expected.rows);
    expect(profile.columnCount).toBe(6);
    expect(profile.bytes).toBe(fs.statSync(path.join(FIXTURES, 'profile-sales.csv')).size);
    const column = (name: string) => profile.columns.find((c) => c.name === name)!;
    for (const [name, want] of Object.entries<Record<string, unknown>>(expected.columns)) {
      const got = column(name);
      expect(got.count, name).toBe(want.count);
      expect(got.missing, name).toBe(want.missing);
      expect(got.distinct, name).toBe(want.distinct);
      expect(got.distinctApproximate).toBe(false);
      if (typeof want.mean === 'number') {
        expect(got.min).toBe(want.min);
        expect(got.max).toBe(want.max);
        expect(got.mean!).toBeCloseTo(want.mean, 10);
        expect(got.std!).toBeCloseTo(want.std as number, 10);
        const q = got.quantiles!;
        (want.quantiles as number[]).forEach((value, i) => expect([q.p01, q.p05, q.p25, q.p50, q.p75, q.p95, q.p99][i]).toBeCloseTo(value, 9));
        expect(got.histogram!.reduce((sum, bin) => sum + bin.count, 0)).toBe(want.count);
      }
      if (want.top) expect(got.topValues!.map((top) => [top.value.toLowerCase(), top.count])).toEqual(want.top);
    }
    expect(column('price').type).toBe('numeric');
    expect(column('quantity').type).toBe('numeric');
    expect(column('category').type).toBe('categorical');
    expect(column('in_stock').type).toBe('boolean');
    expect(column('in_stock').mean).toBeCloseTo(column('in_stock').topValues!.find((t) => t.value === 'true')!.count / 2500, 12);
    expect(column('sold_on').type).toBe('datetime');
    expect(column('sold_on').min).toBe(expected.columns.sold_on.min);
    expect(column('sold_on').max).toBe(expected.columns.sold_on.max);
    expect(column('note').type).toBe('text');
    expect(profile.issues.total).toBe(0);
  });

  it("of an older version, made after a newer one was added, leave the newer one the dataset's latest", async () => {
    const march = await data.service.addDataset(write('march.csv', 'a,b\n1,x\n2,y\n'), { name: 'orders' });
    // Apart in time, so the order cannot come from the row order alone.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const april = await data.service.addDataset(write('april.csv', 'a,b\n1,x\n2,y\n3,z\n'), { name: 'orders' });
    await data.service.profile({ versionId: april.versionId });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const profiled = await data.service.profile({ versionId: march.versionId });
    expect(profiled.version.versionId).toBe(march.versionId);
    const [orders] = data.service.listDatasets();
    expect(orders!.latestVersion!.versionId).toBe(april.versionId);
    expect(orders!.latestProfile!.rows).toBe(3);
  });

  it('are stored per version: the same content again is answered from the store; new content is a new version', async () => {
    const file = write('events.csv', 'a,b\n1,x\n2,y\n');
    const first = await data.service.profile(file);
    const second = await data.service.profile(file);
    expect(second.cached).toBe(true);
    expect(second.version.versionId).toBe(first.version.versionId);
    expect(second.profile).toEqual(first.profile);
    fs.appendFileSync(file, '3,z\n');
    const third = await data.service.profile(file);
    expect(third.cached).toBe(false);
    expect(third.version.versionId).not.toBe(first.version.versionId);
    expect(third.profile.rows).toBe(3);
    expect(data.service.listVersions('events').map((v) => v.versionId)).toEqual([first.version.versionId, third.version.versionId]);
    expect(data.service.getProfile(first.version.versionId)!.rows).toBe(2);
    // A second connection to the same file sees what was committed.
    const reopened = openCairnStores(dir);
    try {
      const other = createDataCapability({ database: reopened.database });
      expect(other.service.listDatasets().map((d) => [d.name, d.versionCount])).toEqual([['events', 2]]);
      await other.close();
    } finally {
      reopened.close();
    }
  });

  it('read TSV, gzip, JSON Lines, Parquet and a folder of files', async () => {
    write('t.tsv', 'a\tb\n1\tx\n2\ty\n');
    write('g.csv.gz', zlib.gzipSync('a,b\n1,x\n2,y\n3,z\n'));
    write('j.jsonl', '{"a": 1, "b": "x"}\n{"a": 2, "b": null}\n');
    write('batches/day-1.csv', 'a,b\n1,x\n');
    write('batches/day-2.csv', 'a,b\n2,y\n3,z\n');
    expect((await data.service.profile(path.join(dir, 't.tsv'))).profile.rows).toBe(2);
    const gz = await data.service.profile(path.join(dir, 'g.csv.gz'));
    expect([gz.profile.rows, gz.version.gzip, gz.version.datasetName]).toEqual([3, true, 'g']);
    const jsonl = await data.service.profile(path.join(dir, 'j.jsonl'));
    expect(jsonl.profile.columns.find((c) => c.name === 'b')!.missing).toBe(1);
    const folder = await data.service.profile(path.join(dir, 'batches'));
    expect([folder.profile.rows, folder.profile.fileCount, folder.version.files.length]).toEqual([3, 2, 2]);
    // Parquet written by DuckDB itself, through a profile's own engine.
    const parquet = path.join(dir, 'p.parquet');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT range AS a, range * 0.5 AS b FROM range(10)) TO '${parquet}' (FORMAT parquet)`);
    connection.closeSync();
    const pq = await data.service.profile(parquet);
    expect([pq.profile.rows, pq.profile.format, pq.profile.columns.find((c) => c.name === 'b')!.max]).toEqual([10, 'parquet', 4.5]);
  });

  it('report progress with rows read, and can be cancelled', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 300_000; i++) lines.push(`${i},${i % 7},name-${i % 13}`);
    const file = write('big.csv', `${lines.join('\n')}\n`);
    const updates: DataJobProgress[] = [];
    const { profile } = await data.service.profile(file, { onProgress: (p) => updates.push(p) });
    expect(profile.rows).toBe(300_000);
    expect(updates.some((u) => u.stage === 'hashing')).toBe(true);
    const reading = updates.filter((u) => u.stage === 'reading');
    expect(reading.at(-1)!.rowsRead).toBe(300_000);
    expect(reading.at(-1)!.fraction).toBe(1);

    const abort = new AbortController();
    const cancelled = data.service.profile(file, { refresh: true, signal: abort.signal, onProgress: () => abort.abort() });
    await expect(cancelled).rejects.toThrow(/cancelled/);
    // The engine still works after a cancelled job.
    expect((await data.service.profile(write('small.csv', 'a\n1\n'))).profile.rows).toBe(1);
  });
});

describe('messy files are profiled, not refused', () => {
  it('reports malformed lines with their line numbers and profiles the rest', async () => {
    const file = write('bad.csv', 'a,b,c\n1,x,2.5\n2,y\n3,z,4.5,9\n4,w,6.5\n');
    const { profile } = await data.service.profile(file);
    expect(profile.rows).toBe(2);
    expect(profile.issues.skippedRows).toBe(2);
    expect(profile.issues.examples.map((issue) => [issue.kind, issue.line])).toEqual([
      ['malformed-line', 3],
      ['malformed-line', 4],
    ]);
    expect(profile.issues.examples[0]!.file).toBe(file);
  });

  it('reports each left-out line once, and a number column whose only other values were on left-out lines stays numbers', async () => {
    const lines = ['id,amount,country'];
    for (let i = 1; i <= 30; i++) lines.push(`${i},${i}.5,DE`);
    const file = write(
      'broken.csv',
      Buffer.concat([
        Buffer.from(`${lines.join('\n')}\n31,"unterminated\n32,1.5,FR,extra,fields\n`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(',2.5,DE\n33,3.5,NL\n'),
      ]),
    );
    const { profile } = await data.service.profile(file);
    expect(profile.rows).toBe(31);
    expect(profile.issues.skippedRows).toBe(3);
    expect(profile.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'numeric'],
      ['amount', 'numeric'],
      ['country', 'categorical'],
    ]);
    expect(profile.issues.examples.map((issue) => [issue.kind, issue.line])).toEqual([
      ['malformed-line', 32],
      ['malformed-line', 33],
      ['invalid-encoding', 34],
    ]);
  });

  it('reads a column with a few non-numbers as text and says so', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i % 5}`);
    lines.push('n/a,1', 'unknown,2');
    const file = write('mixed.csv', `${lines.join('\n')}\n`);
    const { profile } = await data.service.profile(file);
    expect(profile.rows).toBe(30_002);
    const a = profile.columns.find((c) => c.name === 'a')!;
    expect(a.storageType).toBe('VARCHAR');
    expect(a.mixedTypes).toEqual({ numericValues: 30_000, otherValues: 2, examples: expect.arrayContaining(['n/a', 'unknown']) });
    const issue = profile.issues.examples.find((i) => i.kind === 'mixed-types')!;
    expect([issue.column, issue.line]).toEqual(['a', 30_002]);
  });

  it('reports non-UTF-8 bytes by line, and reads an empty file, a header-only file and a 10 MB line', async () => {
    const latin = write('latin.csv', Buffer.concat([Buffer.from('a,b\n1,caf'), Buffer.from([0xe9]), Buffer.from('\n2,ok\n')]));
    const latinProfile = (await data.service.profile(latin)).profile;
    expect(latinProfile.rows).toBe(1);
    expect(latinProfile.issues.examples.map((i) => [i.kind, i.line])).toEqual([['invalid-encoding', 2]]);

    const empty = (await data.service.profile(write('empty.csv', ''))).profile;
    expect([empty.rows, empty.columnCount, empty.issues.examples[0]!.kind]).toEqual([0, 0, 'empty-file']);

    const header = (await data.service.profile(write('header.csv', 'a,b\n'))).profile;
    expect([header.rows, header.columnCount, header.issues.examples[0]!.kind]).toEqual([0, 2, 'header-only']);

    const long = (await data.service.profile(write('long.csv', `a,b\n1,short\n2,${'x'.repeat(10 * 1024 * 1024)}\n3,end\n`))).profile;
    expect(long.rows).toBe(3);
    expect(long.issues.total).toBe(0);
  });

  it('refuses to record a file that changes while it is read', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i},${i % 3}`);
    const file = write('growing.csv', `${lines.join('\n')}\n`);
    let appended = false;
    const profiling = data.service.profile(file, {
      onProgress: () => {
        if (appended) return;
        appended = true;
        fs.appendFileSync(file, '200000,1\n');
      },
    });
    await expect(profiling).rejects.toThrow(/changed while Cairn read it/);
    expect(data.service.listDatasets()).toEqual([]);
  });
});

describe('the catalog', () => {
  it('records a version once per content, with every place it was met', async () => {
    const file = write('train.csv', 'a\n1\n2\n');
    const first = await data.service.addDataset(file);
    const again = await data.service.addDataset(file);
    expect(again.versionId).toBe(first.versionId);
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const pipeline = await data.service.registerPipelineData(file, { runId: 'r1', pipeline: 'dvc.yaml', stage: 'prepare', role: 'out', name: 'train' });
    expect(pipeline.versionId).toBe(first.versionId);
    expect(pipeline.origins.map((o) => o.kind)).toEqual(['added', 'pipeline']);
    expect(data.service.datasetsOfRun('r1').map((v) => v.versionId)).toEqual([first.versionId]);
    await expect(data.service.addDataset(path.join(dir, 'missing.csv'))).rejects.toThrow(/No file or folder/);
    await expect(data.service.addDataset(write('notes.txt', 'x'))).rejects.toThrow(/not a table file/);
    expect(data.service.listDatasets().map((d) => d.name)).toEqual(['train']);
  });

  it("records a run's local mlflow.log_input sources as versions linked to the run", async () => {
    const file = write('inputs/train.csv', 'a,b\n1,2\n');
    const experiment = await stores.store.createExperiment({ name: 'churn' });
    const run = await stores.store.createRun({ experimentId: experiment.experimentId });
    await stores.store.logInputs(run.info.runId, [
      { name: 'train', digest: 'abc123', sourceType: 'local', source: JSON.stringify({ uri: file }), tags: [{ key: 'mlflow.data.context', value: 'training' }] },
      { name: 'remote', digest: 'def456', sourceType: 's3', source: JSON.stringify({ uri: 's3://bucket/x.csv' }), tags: [] },
    ]);
    const registrations = await data.service.registerRunInputs(run.info.runId);
    expect(registrations.map((r) => [r.name, r.version?.path ?? null])).toEqual([
      ['train', file],
      ['remote', null],
    ]);
    expect(registrations[1]!.reason).toMatch(/not a local file/);
    const linked = data.service.datasetsOfRun(run.info.runId);
    expect(linked.map((v) => v.datasetName)).toEqual(['train']);
    expect(JSON.parse(linked[0]!.origins.find((o) => o.kind === 'run-input')!.detail!)).toEqual({ name: 'train', digest: 'abc123', context: 'training' });
  });

  it('reads local sources the way MLflow writes them', () => {
    expect(localSourcePath('local', '{"uri": "/data/x.csv"}').path).toBe('/data/x.csv');
    expect(localSourcePath('local', '{"uri": "file:///data/with%20space.csv"}').path).toBe('/data/with space.csv');
    expect(localSourcePath('local', '{"uri": "data/x.csv"}').reason).toMatch(/relative/);
    expect(localSourcePath('code', '{"tags": {}}').reason).toMatch(/names no file/);
  });
});

describe('drift through the service', () => {
  it('stores a comparison of two versions and answers the same comparison from the store', async () => {
    const reference = await data.service.addDataset(path.join(FIXTURES, 'drift-small-reference.csv'), { name: 'orders' });
    const current = await data.service.addDataset(path.join(FIXTURES, 'drift-small-current.csv'), { name: 'orders' });
    const first = await data.service.compare({ versionId: reference.versionId }, { versionId: current.versionId });
    const second = await data.service.compare({ versionId: reference.versionId }, { versionId: current.versionId });
    expect(second).toEqual(first);
    expect(first.reference.versionId).toBe(reference.versionId);
    const chosen = await data.service.compare({ versionId: reference.versionId }, { versionId: current.versionId }, { columns: { num_cont: { test: 'psi' } } });
    expect(chosen.columns.find((c) => c.column === 'num_cont')!.test).toBe('psi');
  });

  it("gives a timeline over a dataset's versions and over a folder of batches", async () => {
    write('days/2024-01-01.csv', 'x,c\n1.0,a\n2.0,b\n3.0,a\n4.0,b\n5.0,a\n6.0,b\n');
    write('days/2024-01-02.csv', 'x,c\n1.5,a\n2.5,b\n3.5,a\n,b\n5.5,a\n6.5,b\n');
    write('days/2024-01-03.csv', 'x,c\n10,a\n20,a\n30,a\n40,a\n50,a\n60,a\n');
    const reference = path.join(dir, 'days', '2024-01-01.csv');
    const timeline = await data.service.driftTimeline(reference, { folder: path.join(dir, 'days') });
    expect(timeline.points.map((p) => p.label)).toEqual(['2024-01-01.csv', '2024-01-02.csv', '2024-01-03.csv']);
    const x = timeline.points.map((p) => p.columns.find((c) => c.column === 'x')!);
    expect(x[0]!.score).toBe(1);
    expect(x[1]!.missingShare).toBeCloseTo(1 / 6, 12);
    expect(x[2]!.drift).toBe(true);
    for (const day of ['2024-01-01', '2024-01-02', '2024-01-03']) await data.service.addDataset(path.join(dir, 'days', `${day}.csv`), { name: 'days' });
    const byVersion = await data.service.driftTimeline(reference, { dataset: 'days' });
    expect(byVersion.points.map((p) => p.columns.find((c) => c.column === 'x')!.score)).toEqual(x.map((c) => c.score));
    expect(byVersion.points.every((p) => p.versionId !== null)).toBe(true);
  });
});

describe('drift settings of a dataset', () => {
  it('are stored in the catalog, survive reopening it, and are forgotten when emptied', async () => {
    const version = await data.service.addDataset(path.join(FIXTURES, 'drift-small-reference.csv'), { name: 'orders' });
    expect(data.store.getDriftSettings(version.datasetId)).toBeNull();
    data.store.setDriftSettings(version.datasetId, { only: ['num_cont'], columns: { num_cont: { test: 'psi', threshold: 0.2 } } });
    await data.close();
    stores.close();
    stores = openCairnStores(dir);
    data = createDataCapability({ database: stores.database, tracker: stores.store });
    expect(data.store.getDriftSettings(version.datasetId)).toEqual({ only: ['num_cont'], columns: { num_cont: { test: 'psi', threshold: 0.2 } } });
    data.store.setDriftSettings(version.datasetId, null);
    expect(data.store.getDriftSettings(version.datasetId)).toBeNull();
    expect(() => data.store.setDriftSettings('no-such-dataset', {})).toThrow(/No dataset with id no-such-dataset/);
  });

  it("are checked, then used by every comparison of its versions; a comparison's own choices win", async () => {
    const reference = await data.service.addDataset(path.join(FIXTURES, 'drift-small-reference.csv'), { name: 'orders' });
    const current = await data.service.addDataset(path.join(FIXTURES, 'drift-small-current.csv'), { name: 'orders' });
    const defaults = await data.service.compare({ versionId: reference.versionId }, { versionId: current.versionId });
    const columns = defaults.columns.map((c) => c.column);
    expect(columns.length).toBeGreaterThan(2);
    const [first, second] = columns as [string, string];

    const stored = data.service.setDriftSettings('orders', { only: [first, second], columns: { [first]: { test: 'psi', threshold: 0.3 }, [second]: {} }, driftShare: 0.25 });
    expect(stored).toEqual({ only: [first, second], columns: { [first]: { test: 'psi', threshold: 0.3 } }, driftShare: 0.25 });
    expect(data.service.getDriftSettings('orders')).toEqual(stored);

    const chosen = await data.service.compare({ versionId: reference.versionId }, { versionId: current.versionId });
    expect(chosen.columns.map((c) => c.column).sort()).toEqual([first, second].sort());
    expect(chosen.columns.find((c) => c.column === first)).toMatchObject({ test: 'psi', threshold: 0.3 });
    expect(chosen.dataset.driftShare).toBe(0.25);
    const timeline = await data.service.driftTimeline({ versionId: reference.versionId }, { dataset: 'orders' });
    expect(timeline.points[1]!.columns.map((c) => c.column).sort()).toEqual([first, second].sort());

    const overridden = await data.service.compare({ versionId: reference.versionId }, { versionId: current.versionId }, { columns: { [first]: { test: 'kl_div' } } });
    expect(overridden.columns.find((c) => c.column === first)!.test).toBe('kl_div');

    // Bad choices are refused with the reason, and the stored ones stay.
    expect(() => data.service.setDriftSettings('orders', { columns: { [first]: { test: 'ks', threshold: 1.5 } } })).toThrow(/ks gives a p-value, so its threshold must be below 1/);
    expect(() => data.service.setDriftSettings('orders', { driftShare: 0 })).toThrow(/drift share must be above 0/);
    expect(() => data.service.setDriftSettings('orders', { only: ['a', 'a'] })).toThrow(/listed twice/);
    expect(() => data.service.setDriftSettings('nothing', {})).toThrow(/No dataset named nothing/);
    expect(data.service.getDriftSettings('orders')).toEqual(stored);

    data.service.setDriftSettings('orders', {});
    expect(data.service.getDriftSettings('orders')).toEqual({});
    const again = await data.service.compare({ versionId: reference.versionId }, { versionId: current.versionId });
    expect(again).toEqual(defaults);
  });
});
