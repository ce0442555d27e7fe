// Sorting loaded runs exactly as the main side's search orders them (MLflow's SQL store rules):
// runs lacking the value come last in both directions (for metrics: numbers, then NaN, then
// missing), ties fall back to start time (latest first) and then run id. Strings compare by code
// point, as SQLite compares UTF-8 bytes.
import { MetricCellState } from '../../../shared/runs-table';
import type { RunsTableData } from './runs-table-data';
import type { TableColumn } from './runs-table-columns';

/** A sort by one column. */
export interface SortSpec {
  readonly columnId: string;
  readonly ascending: boolean;
}

/** Compares two strings by code point (UTF-16 puts characters above U+FFFF before U+E000–U+FFFF; SQLite does not). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

type RowComparator = (a: number, b: number) => number;

function textComparator(values: ReadonlyArray<string | null>, ascending: boolean): RowComparator {
  return (a, b) => {
    const x = values[a] ?? null;
    const y = values[b] ?? null;
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = compareCodePoints(x, y);
    return ascending ? order : -order;
  };
}

function numberComparator(values: ArrayLike<number>, states: ArrayLike<number> | null, ascending: boolean): RowComparator {
  return (a, b) => {
    const sa = states ? (states[a] as number) : MetricCellState.Value;
    const sb = states ? (states[b] as number) : MetricCellState.Value;
    if (sa !== sb) return sa - sb;
    if (sa !== MetricCellState.Value) return 0;
    const x = values[a] as number;
    const y = values[b] as number;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  };
}

function columnComparator(data: RunsTableData, column: TableColumn, ascending: boolean, now: number): RowComparator | null {
  if (column.kind === 'attribute') {
    switch (column.attribute) {
      case 'name':
        return textComparator(data.runNames, ascending);
      case 'status':
        return textComparator(data.statuses, ascending);
      case 'user':
        return textComparator(data.userIds, ascending);
      case 'start':
        return numberComparator(data.startTimes, null, ascending);
      case 'duration': {
        const durations = data.startTimes.map((start, row) => (data.endTimes[row] ?? now) - start);
        return numberComparator(durations, null, ascending);
      }
    }
  }
  const decoded = data.columns.get(column.id);
  if (!decoded) return null;
  return decoded.type === 'number' ? numberComparator(decoded.values, decoded.states, ascending) : textComparator(decoded.values, ascending);
}

/**
 * Row indexes of `data` in display order: by the column when given, then by start time (latest
 * first, unless sorting by start time) and run id. `now` stands in for the end of running runs.
 */
export function sortRows(data: RunsTableData, column: TableColumn | null, ascending: boolean, now = Date.now()): Int32Array {
  const { startTimes, runIds } = data;
  const primary = column ? columnComparator(data, column, ascending, now) : null;
  const byStart = !(column?.kind === 'attribute' && column.attribute === 'start');
  const compare: RowComparator = (a, b) => {
    const first = primary ? primary(a, b) : 0;
    if (first !== 0) return first;
    if (byStart) {
      const start = (startTimes[b] as number) - (startTimes[a] as number);
      if (start !== 0) return start;
    }
    return compareCodePoints(runIds[a] as string, runIds[b] as string);
  };
  const order = new Int32Array(runIds.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort(compare);
}
