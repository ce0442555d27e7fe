// Sorting loaded rows here must give the order the main side gives for the same order_by, or a
// table loaded in full would reorder its rows when it is sorted locally. Compared against the
// real main side (in-process API, real SQLite).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRunsTablePage, type NumberColumn, type RunsTableColumnSpec } from '../../../shared/runs-table';
import { startInProcessCairn, type InProcessCairn } from '../../../test-support/in-process-api';
import { repositionRows, rowComparator, sortRows } from './run-order';
import { columnForId, EMPTY_LAYOUT } from './runs-table-columns';
import { tableDataFromPage } from './runs-table-data';
import { testPage, type TestRun } from './runs-table-fixture';

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

describe('sortRows on large tables', () => {
  it('gives the comparator’s order, with ties, NaN, missing values, infinities and a shuffled arrival order', () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const runs: TestRun[] = Array.from({ length: 5000 }, (_, i) => {
      const loss = random() < 0.1 ? undefined : pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1e-300, -2.5, 3, random(), -random() * 1e6]);
      return {
        id: `id-${pick(['a', 'b', 'c'])}-${i}`,
        name: pick(['b', 'a', 'B', 'é', '😀', 'run']),
        start: 1000 + Math.floor(random() * 50),
        status: pick(['RUNNING', 'FINISHED', 'FAILED'] as const),
        values: { ...(loss === undefined ? {} : { loss }), ...(random() < 0.2 ? {} : { model: pick(['b', 'a', 'B', 'é', '😀', '']) }) },
      };
    });
    const columns: RunsTableColumnSpec[] = [
      { kind: 'metric', key: 'loss', aggregate: 'latest' },
      { kind: 'param', key: 'model' },
    ];
    const data = tableDataFromPage(testPage(runs, columns), { params: ['model'], metrics: ['loss'], tags: [] }, { filter: '', orderBy: [] });
    const now = 5000;
    for (const columnId of ['metric:loss', 'param:model', 'attr:name', 'attr:start', 'attr:status', 'attr:duration', null]) {
      for (const ascending of [true, false]) {
        const column = columnId === null ? null : columnForId(columnId, EMPTY_LAYOUT);
        const expected = Int32Array.from(data.runIds, (_, i) => i).sort(rowComparator(data, column, ascending, now));
        expect([...sortRows(data, column, ascending, now)], `${columnId} ${ascending}`).toEqual([...expected]);
      }
    }
  });

  it('puts changed rows back where the comparator places them, without sorting the rest', () => {
    const runs: TestRun[] = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, start: 1000 + i, values: { loss: i } }));
    const columns: RunsTableColumnSpec[] = [{ kind: 'metric', key: 'loss', aggregate: 'latest' }];
    const data = tableDataFromPage(testPage(runs, columns), { params: [], metrics: ['loss'], tags: [] }, { filter: '', orderBy: [] });
    const column = columnForId('metric:loss', EMPTY_LAYOUT);
    const order = sortRows(data, column, true);
    const loss = data.columns.get('metric:loss') as NumberColumn;
    (loss.values)[3] = 99;
    (loss.values)[40] = -1;
    const compare = rowComparator(data, column, true);
    const expected = Int32Array.from(data.runIds, (_, i) => i).sort(compare);
    expect([...repositionRows(order, [3, 40], compare)]).toEqual([...expected]);
  });

  it('inserts rows not in the order yet (new runs), and moves many changed rows as well as a few', () => {
    const runs: TestRun[] = Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, start: 1000 + i, values: { loss: (i * 37) % 101 } }));
    const columns: RunsTableColumnSpec[] = [{ kind: 'metric', key: 'loss', aggregate: 'latest' }];
    const data = tableDataFromPage(testPage(runs, columns), { params: [], metrics: ['loss'], tags: [] }, { filter: '', orderBy: [] });
    const column = columnForId('metric:loss', EMPTY_LAYOUT);
    const compare = rowComparator(data, column, false);
    const loss = data.columns.get('metric:loss') as NumberColumn;
    const original = Float64Array.from(loss.values);
    const few = [5, 198, 199, 5];
    const many = Array.from({ length: 60 }, (_, i) => i * 3).concat([198, 199]);
    for (const changed of [few, many]) {
      loss.values.set(original);
      // The order before rows 198 and 199 arrived, and before the changes.
      const before = sortRows(data, column, false).filter((row) => row < 198);
      for (const row of changed) loss.values[row] = (row * 13) % 7;
      const expected = Int32Array.from(data.runIds, (_, i) => i).sort(compare);
      expect([...repositionRows(before, changed, compare)], `${changed.length} rows`).toEqual([...expected]);
    }
  });
});
