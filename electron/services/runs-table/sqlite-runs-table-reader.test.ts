import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CairnDatabase, openDatabase } from '../database/database';
import { decodeRunsTablePage, MetricCellState, type RunsTablePage } from '../../../shared/runs-table';
import { SqliteTrackerStore } from '../tracker/sqlite-tracker-store';
import type { RunsTableRequest } from './runs-table-reader';
import { SqliteRunsTableReader } from './sqlite-runs-table-reader';

let database: CairnDatabase;
let dir: string;
let store: SqliteTrackerStore;
let service: SqliteRunsTableReader;
let experimentId: string;

const request = (overrides: Partial<RunsTableRequest> = {}): RunsTableRequest => ({
  experimentId,
  filter: '',
  orderBy: [],
  offset: 0,
  limit: 1000,
  includeKeys: true,
  viewType: 'ACTIVE_ONLY',
  ...overrides,
});

async function logRun(name: string, startTime: number, values: { params?: Record<string, string>; metrics?: Record<string, number[]> }) {
  const run = await store.createRun({ experimentId, runName: name, startTime });
  await store.logBatch(run.info.runId, {
    params: Object.entries(values.params ?? {}).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(values.metrics ?? {}).flatMap(([key, points]) =>
      points.map((value, step) => ({ key, value, step, timestamp: startTime + step })),
    ),
  });
  return run.info.runId;
}

function runsOf(page: RunsTablePage) {
  return decodeRunsTablePage(page).runs;
}

function cellsOf(page: RunsTablePage, columnIndex: number): unknown[] {
  const column = decodeRunsTablePage(page).columns[columnIndex]!;
  if (column.type === 'text') return [...column.values];
  return [...column.values].map((value, row) =>
    column.states[row] === MetricCellState.Missing ? 'missing' : column.states[row] === MetricCellState.NaN ? 'NaN' : value,
  );
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-runs-table-'));
  database = openDatabase(path.join(dir, 'database.connection'));
  store = new SqliteTrackerStore(database);
  service = new SqliteRunsTableReader(database);
  experimentId = (await store.createExperiment({ name: 'table' })).experimentId;
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteRunsTableReader', () => {
  it('answers the matching runs, latest first, with the default columns and the keys', async () => {
    await logRun('a', 1000, { params: { lr: '0.1' }, metrics: { loss: [0.9, 0.5] } });
    await logRun('b', 2000, { params: { lr: '0.01', depth: '3' }, metrics: { loss: [0.7], acc: [0.8] } });
    const page = service.query(request());
    expect(page.total).toBe(2);
    expect(runsOf(page).runNames).toEqual(['b', 'a']);
    expect(page.keys).toEqual({
      params: ['depth', 'lr'],
      metrics: ['acc', 'loss'],
      tags: ['mlflow.runName'],
      usage: { runs: 2, params: { depth: { runs: 1, varies: true }, lr: { runs: 2, varies: true } }, metrics: { acc: 1, loss: 2 } },
    });
    // The params that vary, then the metrics most runs have, the most widely logged first.
    expect(page.columns).toEqual([
      { kind: 'param', key: 'depth' },
      { kind: 'param', key: 'lr' },
      { kind: 'metric', key: 'loss', aggregate: 'latest' },
      { kind: 'metric', key: 'acc', aggregate: 'latest' },
    ]);
    expect(cellsOf(page, 0)).toEqual(['3', null]);
    expect(cellsOf(page, 1)).toEqual(['0.01', '0.1']);
    expect(cellsOf(page, 2)).toEqual([0.7, 0.5]);
    expect(cellsOf(page, 3)).toEqual([0.8, 'missing']);
  });

  it('leaves out of the default columns the params that never change and the metrics few runs logged', async () => {
    for (let i = 0; i < 4; i++) await logRun(`r${i}`, 1000 + i, { params: { dataset: 'cifar10', lr: String(i) }, metrics: { loss: [i] } });
    // A live run starts logging new metrics: one run of five has them.
    await logRun('live', 2000, { params: { dataset: 'cifar10', lr: '9' }, metrics: { loss: [1], grad_norm: [3], throughput: [5] } });
    const page = service.query(request());
    expect(page.columns.map((spec) => `${spec.kind}:${spec.key}`)).toEqual(['param:lr', 'metric:loss']);
    expect(page.keys?.usage?.params.dataset).toEqual({ runs: 5, varies: false });
    expect(page.keys?.usage?.metrics).toEqual({ grad_norm: 1, loss: 5, throughput: 1 });
  });

  it('pages: a first window counts every match, and its rows index the window', async () => {
    for (let i = 0; i < 5; i++) await logRun(`r${i}`, 1000 + i, { metrics: { loss: [i] } });
    const window = service.query(request({ limit: 2, columns: [{ kind: 'metric', key: 'loss' }] }));
    expect(window.total).toBe(5);
    expect(runsOf(window).runNames).toEqual(['r4', 'r3']);
    expect(cellsOf(window, 0)).toEqual([4, 3]);
    const rest = service.query(request({ offset: 2, columns: [{ kind: 'metric', key: 'loss' }] }));
    expect(rest.offset).toBe(2);
    expect(runsOf(rest).runNames).toEqual(['r2', 'r1', 'r0']);
    expect(cellsOf(rest, 0)).toEqual([2, 1, 0]);
  });

  it('skips counting the matches of a filtered first window when asked, and says the count is unknown', async () => {
    for (let i = 0; i < 5; i++) await logRun(`r${i}`, 1000 + i, { metrics: { loss: [i] } });
    const uncounted = service.query(request({ filter: 'metrics.loss < 4', limit: 2, count: false }));
    expect(uncounted.total).toBeNull();
    expect(runsOf(uncounted).runNames).toEqual(['r3', 'r2']);
    // A window holding every match needs no count to know it.
    expect(service.query(request({ filter: 'metrics.loss < 4', limit: 10, count: false })).total).toBe(4);
    expect(service.query(request({ filter: 'metrics.loss < 4', limit: 2 })).total).toBe(4);
  });

  it("lists only the keys the experiment's runs use, though other experiments use more", async () => {
    await logRun('here', 1000, { params: { lr: '0.1' }, metrics: { loss: [1] } });
    const other = (await store.createExperiment({ name: 'other' })).experimentId;
    const elsewhere = await store.createRun({ experimentId: other, runName: 'elsewhere', startTime: 1 });
    await store.logBatch(elsewhere.info.runId, {
      params: [{ key: 'aaa_only_there', value: '1' }],
      metrics: [{ key: 'zzz_only_there', value: 1, step: 0, timestamp: 1 }],
      tags: [{ key: 'team', value: 'x' }],
    });
    const page = service.query(request());
    expect(page.keys).toMatchObject({ params: ['lr'], metrics: ['loss'], tags: ['mlflow.runName'] });
  });

  it('shows a metric min or max on request, and keeps NaN and infinities', async () => {
    await logRun('a', 1000, { metrics: { loss: [3, 1, 2], odd: [Number.NaN], big: [Number.POSITIVE_INFINITY] } });
    const page = service.query(
      request({
        columns: [
          { kind: 'metric', key: 'loss', aggregate: 'min' },
          { kind: 'metric', key: 'odd' },
          { kind: 'metric', key: 'big', aggregate: 'max' },
        ],
      }),
    );
    expect(cellsOf(page, 0)).toEqual([1]);
    expect(cellsOf(page, 1)).toEqual(['NaN']);
    expect(cellsOf(page, 2)).toEqual([Number.POSITIVE_INFINITY]);
  });

  it('filters with the search grammar and reports a malformed filter with its position', async () => {
    await logRun('a', 1000, { params: { model: 'xgb' }, metrics: { loss: [0.2] } });
    await logRun('b', 2000, { params: { model: 'mlp' }, metrics: { loss: [0.6] } });
    expect(service.query(request({ filter: "metrics.loss < 0.5 OR params.model = 'mlp'" })).total).toBe(2);
    expect(runsOf(service.query(request({ filter: 'metrics.loss < 0.5' }))).runNames).toEqual(['a']);
    expect(() => service.query(request({ filter: 'metrics.loss <' }))).toThrow(/at position 14/);
  });

  it('restricts a live refresh to the changed runs that still match', async () => {
    const a = await logRun('a', 1000, { metrics: { loss: [0.2] } });
    const b = await logRun('b', 2000, { metrics: { loss: [0.9] } });
    const page = service.query(request({ filter: 'metrics.loss < 0.5', runIds: [a, b] }));
    expect(runsOf(page).runIds).toEqual([a]);
    expect(page.total).toBe(1);
  });

  it("reads every run's params, tags and metrics by run: no query plan scans them or seeks them by key", async () => {
    // Without statistics SQLite picks plans by the indexes it has; an index led by the metric key
    // once made it loop over every series for each run (54 s for 10,000 runs). Every query the
    // table makes is checked here, with a metric filter and order, keys and cells of each kind.
    await logRun('a', 1, { params: { lr: '0.1' }, metrics: { loss: [1, 0.5] } });
    await store.logBatch((await store.createRun({ experimentId })).info.runId, { tags: [{ key: 'team', value: 'ml' }] });
    const prepared: string[] = [];
    const prepare = database.connection.prepare.bind(database.connection);
    const recording = new Proxy(database.connection, {
      get: (target, name) =>
        name === 'prepare'
          ? (sql: string) => {
              prepared.push(sql);
              return prepare(sql);
            }
          : Reflect.get(target, name, target),
    });
    const page = new SqliteRunsTableReader(new CairnDatabase(recording, database.file, database.storage, null)).query(
      request({ filter: 'metrics.loss < 2', orderBy: ['metrics.loss DESC'], limit: 1 }),
    );
    expect(page.total).toBe(1);
    const planOf = (sql: string) => {
      const placeholders = sql.match(/\?/g)?.length ?? 0;
      const rows = prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...new Array<null>(placeholders).fill(null)) as Array<{ detail: string }>;
      return rows.map((row) => row.detail);
    };
    // The experiment's keys are found by stepping through the key indexes, a seek per distinct key.
    const keySteps = prepared.filter((sql) => sql.includes('WITH RECURSIVE'));
    expect(keySteps).toHaveLength(3);
    for (const detail of keySteps.flatMap(planOf)) expect(detail, detail).not.toMatch(/^SCAN (metric_series|params|tags|t)\b/);
    const plans = prepared.filter((sql) => !sql.includes('WITH RECURSIVE')).flatMap(planOf);
    // The tables of params, tags and metrics, under their own names or the aliases the queries give them.
    const perRunTable = /^(SCAN|SEARCH) (metric_series|params|tags|t|m|kv|o\d+)\b/;
    const reads = plans.filter((detail) => perRunTable.test(detail));
    expect(reads.length).toBeGreaterThanOrEqual(6);
    for (const detail of reads) expect(detail, detail).toMatch(/^SEARCH .*\brun_uuid=\?/);
  });

  it('answers an unknown experiment with RESOURCE_DOES_NOT_EXIST', () => {
    expect(() => service.query(request({ experimentId: '999' }))).toThrow(/No experiment with id 999/);
  });
});
