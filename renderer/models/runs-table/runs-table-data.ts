// The runs table's loaded data: the matching runs as parallel arrays (one index per run) with
// their decoded value columns; built from a page of getRunsTable, and patched in place of a
// full reload when only a few runs changed.
import type { RunStatus } from '../../../shared/models';
import {
  decodeRunsTablePage,
  MetricCellState,
  valueColumnId,
  type DecodedColumn,
  type ExperimentKeys,
  type RunsTablePage,
} from '../../../shared/runs-table';

/** The runs loaded for one table, and what they answer. */
export interface RunsTableData {
  /** Runs matching the filter on the main side. */
  readonly total: number;
  /** Whether every matching run is loaded, so that sorting, grouping and selecting can happen here. */
  readonly complete: boolean;
  readonly runIds: readonly string[];
  readonly runNames: readonly string[];
  readonly statuses: readonly RunStatus[];
  readonly startTimes: readonly number[];
  readonly endTimes: ReadonlyArray<number | null>;
  readonly userIds: readonly string[];
  readonly parentRunIds: ReadonlyArray<string | null>;
  /** Value columns by id ("metric:loss"). */
  readonly columns: ReadonlyMap<string, DecodedColumn>;
  readonly keys: ExperimentKeys;
  /** Row index of each run id. */
  readonly rowOf: ReadonlyMap<string, number>;
  /** The filter and order the main side applied. */
  readonly filter: string;
  readonly orderBy: readonly string[];
}

function indexRows(runIds: readonly string[]): Map<string, number> {
  const rowOf = new Map<string, number>();
  runIds.forEach((runId, index) => rowOf.set(runId, index));
  return rowOf;
}

function columnsById(columns: readonly DecodedColumn[]): Map<string, DecodedColumn> {
  return new Map(columns.map((column) => [valueColumnId(column.spec), column]));
}

/** Table data from a page (a first window or all matching runs). */
export function tableDataFromPage(
  page: RunsTablePage,
  keys: ExperimentKeys,
  query: { readonly filter: string; readonly orderBy: readonly string[] },
): RunsTableData {
  const { runs, columns } = decodeRunsTablePage(page);
  return {
    total: page.total,
    complete: page.offset === 0 && runs.runIds.length >= page.total,
    ...runs,
    columns: columnsById(columns),
    keys,
    rowOf: indexRows(runs.runIds),
    filter: query.filter,
    orderBy: query.orderBy,
  };
}

function mergeKeyLists(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.every((key) => a.includes(key))) return a;
  return [...new Set([...a, ...b])].sort();
}

/** The union of two key sets (the same object when nothing is new). */
export function mergeKeys(known: ExperimentKeys, seen: ExperimentKeys): ExperimentKeys {
  const merged = {
    params: mergeKeyLists(known.params, seen.params),
    metrics: mergeKeyLists(known.metrics, seen.metrics),
    tags: mergeKeyLists(known.tags, seen.tags),
  };
  return merged.params === known.params && merged.metrics === known.metrics && merged.tags === known.tags ? known : merged;
}

/**
 * Patches complete data with a page holding the changed runs that still match: those replace
 * their rows or are appended; changed runs missing from the page no longer match and leave.
 */
export function mergeChangedRuns(data: RunsTableData, page: RunsTablePage, changedRunIds: readonly string[]): RunsTableData {
  const decoded = decodeRunsTablePage(page);
  const changed = decoded.runs;
  const fresh = indexRows(changed.runIds);
  const leaving = new Set(changedRunIds.filter((runId) => !fresh.has(runId)));
  const kept: number[] = [];
  data.runIds.forEach((runId, index) => {
    if (!leaving.has(runId)) kept.push(index);
  });
  const added = changed.runIds.filter((runId) => !data.rowOf.has(runId));
  const size = kept.length + added.length;
  // Where each final row comes from: [true, index] from the page, [false, index] from the old data.
  const sources: Array<[boolean, number]> = kept.map((index) => {
    const pageRow = fresh.get(data.runIds[index] as string);
    return pageRow === undefined ? [false, index] : [true, pageRow];
  });
  for (const runId of added) sources.push([true, fresh.get(runId) as number]);

  const pick = <T,>(old: readonly T[], next: readonly T[]): T[] =>
    sources.map(([fromPage, index]) => (fromPage ? next[index] : old[index]) as T);
  const pageColumns = columnsById(decoded.columns);
  const columns = new Map<string, DecodedColumn>();
  for (const [id, column] of data.columns) {
    const next = pageColumns.get(id);
    if (column.type === 'text') {
      const nextValues = next?.type === 'text' ? next.values : [];
      columns.set(id, { ...column, values: sources.map(([fromPage, index]) => (fromPage ? (nextValues[index] ?? null) : (column.values[index] ?? null))) });
    } else {
      const values = new Float64Array(size);
      const states = new Uint8Array(size);
      sources.forEach(([fromPage, index], row) => {
        if (fromPage) {
          values[row] = next?.type === 'number' ? (next.values[index] as number) : 0;
          states[row] = next?.type === 'number' ? (next.states[index] as number) : MetricCellState.Missing;
        } else {
          values[row] = column.values[index] as number;
          states[row] = column.states[index] as number;
        }
      });
      columns.set(id, { ...column, values, states });
    }
  }
  const runIds = pick(data.runIds, changed.runIds);
  return {
    ...data,
    total: size,
    runIds,
    runNames: pick(data.runNames, changed.runNames),
    statuses: pick(data.statuses, changed.statuses),
    startTimes: pick(data.startTimes, changed.startTimes),
    endTimes: pick(data.endTimes, changed.endTimes),
    userIds: pick(data.userIds, changed.userIds),
    parentRunIds: pick(data.parentRunIds, changed.parentRunIds),
    columns,
    keys: page.keys ? mergeKeys(data.keys, page.keys) : data.keys,
    rowOf: indexRows(runIds),
  };
}
