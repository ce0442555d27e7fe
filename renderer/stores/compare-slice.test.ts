// The compare slice against the real main side (in-process API, real SQLite): the runs, the
// charted series of their metrics, the default parallel axes, and a new x-axis.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startInProcessCairn, type InProcessCairn } from '../../test-support/in-process-api';
import { createAppStore, type AppStore } from './app-store';

let cairn: InProcessCairn;
let store: AppStore;
let runIds: string[];

beforeEach(async () => {
  cairn = startInProcessCairn();
  store = createAppStore(cairn.api);
  const tracker = cairn.services.store;
  const { experimentId } = await tracker.createExperiment({ name: 'sweep' });
  runIds = [];
  for (const [index, optimizer] of ['adam', 'sgd', 'adam'].entries()) {
    const run = await tracker.createRun({ experimentId, runName: `trial-${index}`, startTime: 1000 * (index + 1) });
    await tracker.logBatch(run.info.runId, {
      params: [
        { key: 'optimizer', value: optimizer },
        { key: 'seed', value: '7' },
      ],
      metrics: Array.from({ length: 20 }, (_, step) => [
        { key: 'loss', value: (index + 1) / (step + 1), step, timestamp: 1000 * (index + 1) + step * 10 },
        { key: 'accuracy', value: step / 20, step, timestamp: 1000 * (index + 1) + step * 10 },
      ]).flat(),
    });
    runIds.push(run.info.runId);
  }
});

afterEach(async () => {
  await cairn.close();
});

describe('compare slice', () => {
  it("loads the runs and every run's series of each charted metric", async () => {
    store.getState().setRoute({ name: 'compare', runIds });
    await store.getState().openCompare(runIds, 500);
    const compare = store.getState().compare;
    expect(compare).toMatchObject({ status: 'ready', seriesStatus: 'ready', error: null });
    expect(Object.keys(compare.runs).sort()).toEqual([...runIds].sort());
    expect(compare.chartKeys).toEqual(['accuracy', 'loss']);
    for (const key of ['accuracy', 'loss']) expect(Object.keys(compare.series[key]!).sort()).toEqual([...runIds].sort());
    expect([...compare.series.loss![runIds[1]!]!.y.slice(0, 2)]).toEqual([2, 1]);
    // Params that differ between the runs come first on the parallel axes, then the main metric,
    // which colours the lines; the same-for-all seed is left out.
    expect(compare.parallelFields).toEqual(['param:optimizer', 'metric:accuracy']);
    expect(compare.parallelColorBy).toBe('metric:accuracy');
    // No numeric param varies: the scatter puts another metric against the main one.
    expect(compare.scatterFields).toEqual({ x: 'metric:loss', y: 'metric:accuracy', color: null });
  });

  it('colours each run as everywhere else, and no two alike', async () => {
    const book = store.getState().runColors;
    // The runs table showed the first run before: it keeps its colour here.
    book.assign([runIds[0]!]);
    const before = book.colorOf(runIds[0]!);
    await store.getState().openCompare(runIds, 500);
    const { colors } = store.getState().compare;
    expect(colors[runIds[0]!]).toBe(before);
    expect(new Set(runIds.map((runId) => colors[runId])).size).toBe(runIds.length);
    for (const runId of runIds) expect(colors[runId]).toBe(book.colorOf(runId));
  });

  it('focuses a run from its chip: hovering shows it, clicking pins it until clicked again', async () => {
    await store.getState().openCompare(runIds, 500);
    const state = () => store.getState().compare;
    store.getState().togglePinnedRun(runIds[1]!);
    expect(state().pinnedRunId).toBe(runIds[1]);
    store.getState().setHoveredRun(runIds[2]!);
    expect(state().hoveredRunId).toBe(runIds[2]);
    store.getState().setHoveredRun(null);
    store.getState().togglePinnedRun(runIds[1]!);
    expect(state().pinnedRunId).toBeNull();
  });

  it('refetches every chart against the new x-axis', async () => {
    await store.getState().openCompare(runIds, 500);
    await store.getState().setCompareXAxis('relative');
    const compare = store.getState().compare;
    expect(compare.xAxis).toBe('relative');
    expect(compare.seriesStatus).toBe('ready');
    // Seconds since each run started, with the steps kept alongside.
    const series = compare.series.loss![runIds[0]!]!;
    expect([...series.x.slice(0, 3)]).toEqual([0, 0.01, 0.02]);
    expect([...series.steps!.slice(0, 3)]).toEqual([0, 1, 2]);
  });

  it('says so when none of the runs exist any more', async () => {
    await store.getState().openCompare(['a'.repeat(32), 'b'.repeat(32)], 500);
    expect(store.getState().compare).toMatchObject({ status: 'error', error: expect.stringMatching(/None of these runs exist/) });
  });
});
