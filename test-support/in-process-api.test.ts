// The in-process API answers as the real transports do: through the handlers' validation, with
// typed errors whose fields survive the trip, and with the change feed's events.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackerChange } from '../shared/contract';
import { CairnError } from '../shared/errors';
import { startInProcessCairn, type InProcessCairn } from './in-process-api';

let cairn: InProcessCairn;

beforeEach(() => {
  cairn = startInProcessCairn();
});

afterEach(async () => {
  await cairn.close();
});

describe('startInProcessCairn', () => {
  it('answers calls from the real services, and records them', async () => {
    const created = await cairn.api.createExperiment({ name: 'in-process' });
    const experiments = await cairn.api.listExperiments({});
    expect(experiments.map((experiment) => experiment.name).sort()).toEqual(['Default', 'in-process']);
    expect(await cairn.services.store.getExperiment(created.experimentId)).toMatchObject({ name: 'in-process' });
    expect(cairn.calls.map((call) => call.name)).toEqual(['createExperiment', 'listExperiments']);
  });

  it('refuses an invalid request as the handlers do, with a CairnError', async () => {
    const error = await cairn.api.createExperiment({ name: '   ' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CairnError);
    expect(error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/needs a name/) });
  });

  it("carries a malformed filter's position as a field of the error", async () => {
    const { experimentId } = await cairn.api.createExperiment({ name: 'filters' });
    const filter = "metrics.loss < 0.5 AND params.lr = '0.1";
    const error = await cairn.api.getRunsTable({ experimentId, filter }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CairnError);
    expect((error as CairnError).searchText).toEqual({
      text: 'filter',
      position: filter.indexOf("'"),
      problem: 'Missing the closing single quote of the text starting',
    });
  });

  it('keeps metric values JSON cannot hold (NaN, infinities) and typed arrays', async () => {
    const { experimentId } = await cairn.api.createExperiment({ name: 'values' });
    const run = await cairn.services.store.createRun({ experimentId });
    const values = [Number.NaN, Number.POSITIVE_INFINITY, 0.25];
    await cairn.services.store.logBatch(run.info.runId, {
      metrics: values.map((value, step) => ({ key: 'loss', value, step, timestamp: 1000 + step })),
    });
    const { series } = await cairn.api.getMetricSeries({ runIds: [run.info.runId], keys: ['loss'] });
    expect(series[0]!.y).toBeInstanceOf(Float64Array);
    expect([...series[0]!.y]).toEqual(values);
  });

  it('pushes tracker.changed after committed writes, until unsubscribed', async () => {
    const changes: TrackerChange[] = [];
    const unsubscribe = cairn.api.onEvent('tracker.changed', (change) => changes.push(change));
    const { experimentId } = await cairn.services.store.createExperiment({ name: 'live' });
    await vi.waitFor(() => expect(changes).toEqual([{ experimentIds: [experimentId], runIds: [], entities: ['experiment'] }]));
    unsubscribe();
    await cairn.services.store.createExperiment({ name: 'unheard' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(changes).toHaveLength(1);
  });
});
