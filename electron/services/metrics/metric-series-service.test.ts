import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type CairnDatabase } from '../database/database';
import type { MetricSeries } from '../../../shared/metric-series';
import { SqliteTrackerStore } from '../tracker/sqlite-tracker-store';
import type { MetricInput } from '../tracker/tracker-store';
import { MetricSeriesService } from './metric-series-service';
import { SqliteMetricSeriesReader } from './sqlite-metric-series-reader';

const START = 1_700_000_000_000;
const LENGTH = 20_000;

let database: CairnDatabase;
let dir: string;
let store: SqliteTrackerStore;
let service: MetricSeriesService;
let runId: string;
let smallRunId: string;

/** A decaying loss with one spike, one dip and one NaN, logged every 10 ms. */
function lossAt(step: number): number {
  if (step === 12_345) return 50;
  if (step === 7_777) return -5;
  if (step === 3_000) return Number.NaN;
  return Math.exp(-step / 5000) + 0.01 * Math.sin(step);
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-series-'));
  database = openDatabase(path.join(dir, 'cairn.db'));
  store = new SqliteTrackerStore(database);
  service = new MetricSeriesService(new SqliteMetricSeriesReader(database));
  runId = (await store.createRun({ experimentId: '0', startTime: START })).info.runId;
  smallRunId = (await store.createRun({ experimentId: '0', startTime: START })).info.runId;
  for (let from = 0; from < LENGTH; from += 5000) {
    const metrics: MetricInput[] = [];
    for (let step = from; step < from + 5000; step++) {
      metrics.push({ key: 'loss', value: lossAt(step), step, timestamp: START + 1000 + step * 10 });
      if (step % 10 === 0) metrics.push({ key: 'epoch', value: step / 10, step, timestamp: START + 1000 + step * 10 });
    }
    await store.logBatch(runId, { metrics });
  }
  await store.logBatch(smallRunId, {
    metrics: Array.from({ length: 100 }, (_, step) => ({ key: 'loss', value: step, step, timestamp: START + step })),
  });
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function only(series: readonly MetricSeries[], id = runId, key = 'loss'): MetricSeries {
  const found = series.find((one) => one.runId === id && one.key === key);
  expect(found).toBeDefined();
  return found!;
}

function expectSortedBy(values: Float64Array): void {
  for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
}

describe('MetricSeriesService', () => {
  it('reduces a long series to the budget keeping its ends, extremes and NaN', () => {
    const { series } = service.getMetricSeries({ runIds: [runId], keys: ['loss'], xAxis: 'step', maxPoints: 800 });
    const loss = only(series);
    expect(loss.x.length).toBeLessThanOrEqual(800);
    expect(loss.x.length).toBeGreaterThan(300);
    expect(loss.rawCount).toBe(LENGTH);
    expect(loss.complete).toBe(false);
    expect(loss.steps).toBeNull();
    expectSortedBy(loss.x);
    expect(loss.x[0]).toBe(0);
    expect(loss.x.at(-1)).toBe(LENGTH - 1);
    expect(Math.max(...[...loss.y].filter((v) => !Number.isNaN(v)))).toBe(50);
    expect(Math.min(...[...loss.y].filter((v) => !Number.isNaN(v)))).toBe(-5);
    expect(loss.x[loss.y.findIndex((v) => Number.isNaN(v))]).toBe(3000);
  });

  it('returns short series and short zoomed ranges whole', () => {
    const { series } = service.getMetricSeries({ runIds: [smallRunId, runId], keys: ['loss'], xAxis: 'step', xRange: [5000, 5100], maxPoints: 800 });
    expect(series.map((one) => one.runId)).toEqual([smallRunId, runId]);
    expect([...only(series, smallRunId).x]).toEqual([]);
    const zoomed = only(series);
    expect(zoomed.complete).toBe(true);
    expect(zoomed.rawCount).toBe(101);
    expect([...zoomed.x]).toEqual(Array.from({ length: 101 }, (_, i) => 5000 + i));
    expect(zoomed.y[3]).toBe(lossAt(5003));

    const small = only(service.getMetricSeries({ runIds: [smallRunId], keys: ['loss'], xAxis: 'step', maxPoints: 800 }).series, smallRunId);
    expect(small.complete).toBe(true);
    expect([...small.y]).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps the extremes of a long zoomed range, and nothing outside it', () => {
    const loss = only(service.getMetricSeries({ runIds: [runId], keys: ['loss'], xAxis: 'step', xRange: [1001.5, 15_000], maxPoints: 500 }).series);
    expect(loss.x[0]).toBe(1002);
    expect(loss.x.at(-1)).toBe(15_000);
    expect(loss.x.length).toBeLessThanOrEqual(500);
    expect(loss.rawCount).toBe(15_000 - 1002 + 1);
    expect(Math.max(...[...loss.y].filter((v) => !Number.isNaN(v)))).toBe(50);
    expect(Math.min(...[...loss.y].filter((v) => !Number.isNaN(v)))).toBe(-5);
  });

  it('puts points on wall time, relative time and another metric, and zooms on them', () => {
    const wall = only(service.getMetricSeries({ runIds: [runId], keys: ['loss'], xAxis: 'wall', maxPoints: 600 }).series);
    expect(wall.x[0]).toBe(START + 1000);
    expect(wall.steps![0]).toBe(0);
    expectSortedBy(wall.x);

    const relative = only(
      service.getMetricSeries({ runIds: [runId], keys: ['loss'], xAxis: 'relative', xRange: [51, 52], maxPoints: 600 }).series,
    );
    // 51 s after the start is step 5000 (1 s offset, 10 ms a step); 52 s is step 5100.
    expect(relative.x[0]).toBe(51);
    expect(relative.steps![0]).toBe(5000);
    expect(relative.x.at(-1)).toBe(52);
    expect(relative.complete).toBe(true);

    const byEpoch = only(
      service.getMetricSeries({ runIds: [runId], keys: ['loss'], xAxis: { metric: 'epoch' }, xRange: [700, 800], maxPoints: 600 }).series,
    );
    expect([...byEpoch.x]).toEqual(Array.from({ length: 101 }, (_, i) => 700 + i));
    expect([...byEpoch.steps!]).toEqual(Array.from({ length: 101 }, (_, i) => (700 + i) * 10));
    expect(byEpoch.y[0]).toBe(lossAt(7000));
  });

  it('leaves out runs without the key or without the x-metric', () => {
    const { series } = service.getMetricSeries({ runIds: [runId, smallRunId, 'nope'], keys: ['loss', 'missing'], xAxis: { metric: 'epoch' }, maxPoints: 100 });
    expect(series.map((one) => `${one.runId}:${one.key}`)).toEqual([`${runId}:loss`]);
  });
});
