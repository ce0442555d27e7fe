// Sorting loaded rows here must give the order the main side gives for the same order_by, or a
// table loaded in full would reorder its rows when it is sorted locally. Compared against the
// real main side (in-process API, real SQLite).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRunsTablePage, type RunsTableColumnSpec } from '../../../shared/runs-table';
import { startInProcessCairn, type InProcessCairn } from '../../../test-support/in-process-api';
import { sortRows } from './run-order';
import { columnForId, EMPTY_LAYOUT } from './runs-table-columns';
import { tableDataFromPage } from './runs-table-data';

let cairn: InProcessCairn;

beforeEach(() => {
  cairn = startInProcessCairn();
});

afterEach(async () => {
  await cairn.close();
});

describe('sortRows', () => {
  it('sorts as the main side sorts, for every kind of column and both directions', async () => {
    const tracker = cairn.services.store;
    const { experimentId } = await tracker.createExperiment({ name: 'order' });
    // Values with ties, NaN, missing metrics and params, so every tie-break rule is exercised.
    const metricValues = [0.5, Number.NaN, 0.1, 0.5, Number.NEGATIVE_INFINITY, 2];
    for (let i = 0; i < 24; i++) {
      const metric = i % 7 === 6 ? undefined : metricValues[i % metricValues.length]!;
      const startTime = 1000 + (i % 4) * 10;
      const run = await tracker.createRun({ experimentId, runName: `run-${i % 5}`, startTime });
      await tracker.logBatch(run.info.runId, {
        params: i % 5 === 4 ? [] : [{ key: 'model', value: ['b', 'a', 'B', 'é', '😀'][i % 5]! }],
        metrics: metric === undefined ? [] : [{ key: 'loss', value: metric, step: 0, timestamp: startTime }],
      });
    }
    const columns: RunsTableColumnSpec[] = [
      { kind: 'metric', key: 'loss', aggregate: 'latest' },
      { kind: 'param', key: 'model' },
    ];
    const serverOrder = async (orderBy: string[]) =>
      decodeRunsTablePage(await cairn.api.getRunsTable({ experimentId, columns, orderBy })).runs.runIds;

    const all = await cairn.api.getRunsTable({ experimentId, columns });
    const data = tableDataFromPage(all, all.keys!, { filter: '', orderBy: [] });
    const cases: Array<[string, string]> = [
      ['metric:loss', 'metrics.loss'],
      ['param:model', 'params.model'],
      ['attr:name', 'attributes.run_name'],
      ['attr:start', 'attributes.start_time'],
    ];
    for (const [columnId, key] of cases) {
      for (const ascending of [true, false]) {
        const order = sortRows(data, columnForId(columnId, EMPTY_LAYOUT), ascending);
        const clause = `${key} ${ascending ? 'ASC' : 'DESC'}`;
        expect([...order].map((row) => data.runIds[row]), clause).toEqual(await serverOrder([clause]));
      }
    }
    expect([...sortRows(data, null, true)].map((row) => data.runIds[row])).toEqual(await serverOrder([]));
  });
});
