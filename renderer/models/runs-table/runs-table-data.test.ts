import { describe, expect, it } from 'vitest';
import { MetricCellState, spareRows, type RunsTableColumnSpec } from '../../../shared/runs-table';
import { mergeChangedRuns, mergeKeys, runIndex, tableDataFromPage, type RunsTableData } from './runs-table-data';
import { testPage } from './runs-table-fixture';

const COLUMNS: RunsTableColumnSpec[] = [
  { kind: 'metric', key: 'loss', aggregate: 'latest' },
  { kind: 'param', key: 'lr' },
];
const KEYS = { params: ['lr'], metrics: ['loss'], tags: [] };
const QUERY = { filter: 'metrics.loss < 1', orderBy: [] };

describe('table data', () => {
  it('decodes a page into runs and columns, telling NaN from a missing value', () => {
    const data = tableDataFromPage(
      testPage([{ id: 'a', values: { loss: 0.5, lr: '0.1' } }, { id: 'b', values: { loss: Number.NaN } }, { id: 'c' }], COLUMNS),
      KEYS,
      QUERY,
    );
    expect(data.complete).toBe(true);
    expect(runIndex(data).get('b')).toBe(1);
    const loss = data.columns.get('metric:loss');
    expect(loss?.type === 'number' && [...loss.states]).toEqual([MetricCellState.Value, MetricCellState.NaN, MetricCellState.Missing]);
    expect(data.columns.get('param:lr')?.values).toEqual(['0.1', null, null]);
  });

  it('knows a first window from all the matching runs', () => {
    expect(tableDataFromPage(testPage([{ id: 'a' }], COLUMNS, 50), KEYS, QUERY).complete).toBe(false);
  });

  it('patches changed runs: updates rows, adds new matches, drops runs that stopped matching', () => {
    const data = tableDataFromPage(
      testPage([{ id: 'a', values: { loss: 0.5 } }, { id: 'b', values: { loss: 0.6 } }, { id: 'c', values: { loss: 0.7, lr: '1' } }], COLUMNS),
      KEYS,
      QUERY,
    );
    // b changed and no longer matches; c changed; d is new.
    const page = { ...testPage([{ id: 'c', values: { loss: 0.1 } }, { id: 'd', status: 'RUNNING', values: { lr: '0.3' } }], COLUMNS), keys: { params: ['lr', 'momentum'], metrics: [], tags: [] } };
    const merged = mergeChangedRuns(data, page, ['b', 'c', 'd']);
    expect(merged.runIds).toEqual(['a', 'c', 'd']);
    expect(merged.total).toBe(3);
    expect(runIndex(merged).get('d')).toBe(2);
    expect(merged.patch).toBeNull();
    expect(merged.statuses).toEqual(['FINISHED', 'FINISHED', 'RUNNING']);
    const loss = merged.columns.get('metric:loss');
    expect(loss?.type === 'number' && [...loss.values.slice(0, 2)]).toEqual([0.5, 0.1]);
    expect(loss?.type === 'number' && loss.states[2]).toBe(MetricCellState.Missing);
    expect(merged.columns.get('param:lr')?.values).toEqual([null, null, '0.3']);
    expect(merged.keys.params).toEqual(['lr', 'momentum']);
  });

  it('patches in place when runs only change or arrive, telling which rows it touched', () => {
    const data = tableDataFromPage(
      testPage([{ id: 'a', start: 10, values: { loss: 0.5, lr: '1' } }, { id: 'b', start: 9, values: { loss: 0.6 } }], COLUMNS),
      KEYS,
      QUERY,
    );
    const page = testPage([{ id: 'b', start: 9, values: { loss: 0.2, lr: '2' } }, { id: 'new', start: 11, status: 'RUNNING', values: { loss: 0.9 } }], COLUMNS);
    const merged = mergeChangedRuns(data, page, ['b', 'new']);
    // The run arrays are the loaded ones, written into; the table learns which rows changed.
    expect(merged.runIds).toBe(data.runIds);
    expect(merged.runIds).toEqual(['a', 'b', 'new']);
    expect(merged.patch).toEqual({ fromVersion: data.version, rows: [1, 2] });
    expect(merged.version).not.toBe(data.version);
    expect(merged.total).toBe(3);
    expect(runIndex(merged).get('new')).toBe(2);
    const loss = merged.columns.get('metric:loss');
    expect(loss?.type === 'number' && [...loss.values]).toEqual([0.5, 0.2, 0.9]);
    expect(merged.columns.get('param:lr')?.values).toEqual(['1', '2', null]);
    expect(merged.statuses).toEqual(['FINISHED', 'FINISHED', 'RUNNING']);
  });

  it('grows the metric columns into the room their memory keeps when a run arrives, and copies into new room when it is full', () => {
    const data = tableDataFromPage(testPage([{ id: 'a', start: 10, values: { loss: 0.5 } }], COLUMNS), KEYS, QUERY);
    const before = data.columns.get('metric:loss');
    const arrive = (table: RunsTableData, id: string, start: number) =>
      mergeChangedRuns(table, testPage([{ id, start, status: 'RUNNING', values: { loss: start } }], COLUMNS), [id]);
    const grown = arrive(data, 'b', 11);
    const loss = grown.columns.get('metric:loss');
    // The same memory, seen one row longer: nothing was copied.
    expect(before?.type === 'number' && loss?.type === 'number' && loss.values.buffer === before.values.buffer).toBe(true);
    expect(loss?.type === 'number' && [...loss.values]).toEqual([0.5, 11]);
    expect(grown.endTimes).toEqual([20, null]);

    // Arrays rebuilt without a run that left have no room: the next arrival copies them once, into memory with room again.
    const rebuilt = mergeChangedRuns(grown, testPage([], COLUMNS), ['a']);
    const full = rebuilt.columns.get('metric:loss');
    const copied = arrive(rebuilt, 'c', 12).columns.get('metric:loss');
    expect(full?.type === 'number' && copied?.type === 'number' && copied.values.buffer !== full.values.buffer).toBe(true);
    expect(copied?.type === 'number' && [...copied.values]).toEqual([11, 12]);
    expect(copied?.type === 'number' && [...copied.states]).toEqual([MetricCellState.Value, MetricCellState.Value]);
    expect(copied?.type === 'number' && copied.values.buffer.byteLength / 8).toBe(2 + spareRows(2));
  });

  it('keeps the same keys object when a change brings no new key', () => {
    const keys = { params: ['a'], metrics: ['m'], tags: [] };
    expect(mergeKeys(keys, { params: ['a'], metrics: [], tags: [] })).toBe(keys);
    expect(mergeKeys(keys, { params: ['b'], metrics: [], tags: [] }).params).toEqual(['a', 'b']);
  });
});
