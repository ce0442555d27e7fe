// The experiments slice against the real main side (in-process API, real SQLite).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CairnError } from '../../shared/errors';
import { startInProcessCairn, type InProcessCairn } from '../../test-support/in-process-api';
import { createAppStore, type AppStore } from './app-store';

let cairn: InProcessCairn;
let store: AppStore;
let stopWatching: (() => void) | null;

beforeEach(() => {
  cairn = startInProcessCairn();
  store = createAppStore(cairn.api);
  stopWatching = null;
});

afterEach(async () => {
  stopWatching?.();
  await cairn.close();
});

const names = () => store.getState().experiments.items.map((item) => item.name).sort();

describe('experiments slice', () => {
  it('loads the experiments, and creates one that is then listed', async () => {
    await store.getState().loadExperiments();
    expect(store.getState().experiments).toMatchObject({ status: 'ready', error: null });
    expect(names()).toEqual(['Default']);

    const created = await store.getState().createExperiment('churn');
    expect(created.name).toBe('churn');
    expect(names()).toEqual(['Default', 'churn']);
  });

  it('refuses a duplicate name with an error a person can act on, and lists nothing new', async () => {
    await store.getState().createExperiment('churn');
    const error = await store.getState().createExperiment('churn').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CairnError);
    expect((error as CairnError).code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((error as CairnError).message).toMatch(/churn/);
    expect(names()).toEqual(['Default', 'churn']);
  });

  it('refetches the list when a training script creates an experiment and logs a run into it', async () => {
    await store.getState().loadExperiments();
    stopWatching = store.getState().watchTracker();
    const { experimentId } = await cairn.services.store.createExperiment({ name: 'from-script' });
    await cairn.services.store.createRun({ experimentId });
    await vi.waitFor(() => {
      const item = store.getState().experiments.items.find((one) => one.name === 'from-script');
      expect(item).toMatchObject({ experimentId, runCount: 1 });
    });
  });
});
