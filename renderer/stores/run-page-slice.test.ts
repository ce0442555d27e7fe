// The run-page slice against the real main side (in-process API, real SQLite): the run with its
// relatives and charts, its note, and live charts while it logs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOTE_TAG } from '../../shared/mlflow-tags';
import { startInProcessCairn, type InProcessCairn } from '../../test-support/in-process-api';
import { createAppStore, type AppStore } from './app-store';

let cairn: InProcessCairn;
let store: AppStore;
let stopWatching: (() => void) | null;
let parentId: string;
let childId: string;

beforeEach(async () => {
  cairn = startInProcessCairn();
  store = createAppStore(cairn.api);
  stopWatching = null;
  const tracker = cairn.services.store;
  const { experimentId } = await tracker.createExperiment({ name: 'sweep' });
  parentId = (await tracker.createRun({ experimentId, runName: 'sweep-parent', startTime: 1000 })).info.runId;
  childId = (await tracker.createRun({ experimentId, runName: 'trial-1', startTime: 2000, tags: [{ key: 'mlflow.parentRunId', value: parentId }] })).info.runId;
  await tracker.logBatch(childId, {
    params: [{ key: 'lr', value: '0.01' }],
    metrics: Array.from({ length: 50 }, (_, step) => [
      { key: 'loss', value: 1 / (step + 1), step, timestamp: 2000 + step },
      { key: 'accuracy', value: step / 50, step, timestamp: 2000 + step },
    ]).flat(),
  });
});

afterEach(async () => {
  stopWatching?.();
  await cairn.close();
});

async function open(runId: string) {
  store.getState().setRoute({ name: 'run', runId });
  await store.getState().openRunPage(runId);
}

describe('run page slice', () => {
  it('loads the run, its parent, its metric series and its artifacts folder', async () => {
    await open(childId);
    const page = store.getState().runPage;
    expect(page).toMatchObject({ runId: childId, status: 'ready', seriesStatus: 'ready', error: null });
    expect(page.run?.info.runName).toBe('trial-1');
    expect(page.parentRun?.info.runId).toBe(parentId);
    expect(Object.keys(page.series).sort()).toEqual(['accuracy', 'loss']);
    expect(page.series.loss!.x.length).toBe(50);
    expect(page.series.loss!.y[49]).toBeCloseTo(1 / 50);
    expect(page.artifactFolders['']).toEqual([]);
    expect(page.runModels).toEqual({ loggedModels: [], modelVersions: [], modelFolders: [] });
  });

  it("finds each metric's min and max with their steps, even in a series reduced to a chart's width, and keeps them while zoomed", async () => {
    // 5,000 noisy steps reduced to a chart's width, with a dip at step 3210 and a spike at 777.
    const { experimentId } = await cairn.services.store.createExperiment({ name: 'long' });
    const runId = (await cairn.services.store.createRun({ experimentId, runName: 'long', startTime: 1 })).info.runId;
    await cairn.services.store.logBatch(runId, {
      metrics: Array.from({ length: 5000 }, (_, step) => ({
        key: 'loss',
        value: step === 3210 ? -5 : step === 777 ? 50 : step === 4000 ? Number.NaN : 1 + Math.sin(step),
        step,
        timestamp: step,
      })),
    });
    await open(runId);
    const page = store.getState().runPage;
    expect(page.series.loss!.complete).toBe(false);
    expect(page.extremes.loss).toEqual({ min: { value: -5, step: 3210 }, max: { value: 50, step: 777 } });
    await store.getState().zoomRunCharts([0, 100]);
    expect(store.getState().runPage.extremes.loss).toEqual({ min: { value: -5, step: 3210 }, max: { value: 50, step: 777 } });
  });

  it("lists a parent's children", async () => {
    await open(parentId);
    expect(store.getState().runPage.childRuns.map((run) => run.info.runId)).toEqual([childId]);
    expect(store.getState().runPage.series).toEqual({});
  });

  it('saves the note as the mlflow.note.content tag', async () => {
    await open(childId);
    await store.getState().saveRunNote('## Baseline\n\n- lr 0.01');
    expect(store.getState().runPage.noteStatus).toBe('saved');
    const saved = await cairn.services.store.getRun(childId);
    expect(saved.tags.find((tag) => tag.key === NOTE_TAG)?.value).toBe('## Baseline\n\n- lr 0.01');
    expect(store.getState().runPage.run?.tags.find((tag) => tag.key === NOTE_TAG)?.value).toBe('## Baseline\n\n- lr 0.01');
  });

  it('reports a run that does not exist', async () => {
    await open('f'.repeat(32));
    expect(store.getState().runPage).toMatchObject({ status: 'error', run: null, error: expect.stringMatching(/f{32}/) });
  });

  it('draws what the run logs while it is open', async () => {
    await open(childId);
    stopWatching = store.getState().watchTracker();
    await cairn.services.store.logBatch(childId, { metrics: [{ key: 'loss', value: 0.001, step: 50, timestamp: 2050 }] });
    await vi.waitFor(() => expect(store.getState().runPage.series.loss?.x.length).toBe(51));
    expect(store.getState().runPage.series.loss!.y[50]).toBe(0.001);
    expect(store.getState().runPage.run?.metrics.find((metric) => metric.key === 'loss')?.value).toBe(0.001);
  });
});
