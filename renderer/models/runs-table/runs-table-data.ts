// The runs table's loaded data: the matching runs as parallel arrays (one index per run) with
// their decoded value columns; built from a page of getRunsTable, and patched when a few runs
// changed. A patch that only updates runs and adds new ones writes into the loaded arrays (a
// hundred thousand runs are not copied for one live run) and says which rows it touched, so the
// table re-places only those rows; a run that stops matching rebuilds the arrays. The arrays keep
// room beyond their runs (spareRows in shared/runs-table.ts), so a run that starts while the
// table is open is appended without copying every column.
import type { RunStatus } from '../../../shared/models';
import {
  decodeRunsTablePage,
  MetricCellState,
  spareRows,
  valueColumnId,
  type DecodedColumn,
  type NumberColumn,
  type DecodedRunsTablePage,
  type ExperimentKeys,
  type RunsTablePage,
} from '../../../shared/runs-table';

/** What the last patch changed: rows whose values or attributes changed, or that are new. */
export interface RowsPatch {
  /** The data's version before the patch. */
  readonly fromVersion: number;
  readonly rows: readonly number[];
}

/** The runs loaded for one table, and what they answer. */
export interface RunsTableData {
  /** Runs matching the filter on the main side; null while not counted (a filtered first window). */
  readonly total: number | null;
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
  /** The filter and order the main side applied. */
  readonly filter: string;
  readonly orderBy: readonly string[];
  /** Changes with every build or patch. */
  readonly version: number;
  /** What the patch that made this version changed; null for data built whole. */
  readonly patch: RowsPatch | null;
}

let versions = 0;

/** Row index of each run id, built when first asked for and kept up to date by patches. */
const runIndexes = new WeakMap<readonly string[], Map<string, number>>();

/** The row index of each run id of the data. */
export function runIndex(data: Pick<RunsTableData, 'runIds'>): ReadonlyMap<string, number> {
  let index = runIndexes.get(data.runIds);
  if (!index || index.size !== data.runIds.length) {
    index = new Map();
    for (let row = 0; row < data.runIds.length; row++) index.set(data.runIds[row]!, row);
    runIndexes.set(data.runIds, index);
  }
  return index;
}

/**
 * The rows of a few runs (undefined for those not loaded): looked up in the index when it is
 * built, else found by scanning, which for a handful of runs costs less than building the index
 * of 100,000 (a live refresh names one or two).
 */
function rowsOf(data: Pick<RunsTableData, 'runIds'>, runIds: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  const index = runIndexes.get(data.runIds);
  if ((index && index.size === data.runIds.length) || runIds.length > 16) {
    const full = runIndex(data);
    for (const runId of runIds) {
      const row = full.get(runId);
      if (row !== undefined) found.set(runId, row);
    }
    return found;
  }
  for (const runId of runIds) {
    const row = data.runIds.indexOf(runId);
    if (row >= 0) found.set(runId, row);
  }
  return found;
}

function columnsById(columns: readonly DecodedColumn[]): Map<string, DecodedColumn> {
  return new Map(columns.map((column) => [valueColumnId(column.spec), column]));
}

/** Table data from a decoded page (a first window or all matching runs). */
export function tableDataFromDecoded(
  decoded: DecodedRunsTablePage,
  page: { readonly total: number | null; readonly offset: number },
  keys: ExperimentKeys,
  query: { readonly filter: string; readonly orderBy: readonly string[] },
): RunsTableData {
  const { runs, columns } = decoded;
  return {
    total: page.total,
    complete: page.offset === 0 && page.total !== null && runs.runIds.length >= page.total,
    ...runs,
    columns: columnsById(columns),
    keys,
    filter: query.filter,
    orderBy: query.orderBy,
    version: ++versions,
    patch: null,
  };
}

/** Table data from a page (a first window or all matching runs). */
export function tableDataFromPage(
  page: RunsTablePage,
  keys: ExperimentKeys,
  query: { readonly filter: string; readonly orderBy: readonly string[] },
): RunsTableData {
  return tableDataFromDecoded(decodeRunsTablePage(page), page, keys, query);
}

function mergeKeyLists(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.every((key) => a.includes(key))) return a;
  return [...new Set([...a, ...b])].sort();
}

/** The union of two key sets (the same object when nothing is new); the usage counts of the known keys stay. */
export function mergeKeys(known: ExperimentKeys, seen: ExperimentKeys): ExperimentKeys {
  const merged = {
    params: mergeKeyLists(known.params, seen.params),
    metrics: mergeKeyLists(known.metrics, seen.metrics),
    tags: mergeKeyLists(known.tags, seen.tags),
  };
  if (merged.params === known.params && merged.metrics === known.metrics && merged.tags === known.tags) return known;
  return known.usage ? { ...merged, usage: known.usage } : merged;
}

/**
 * Patches complete data with a page holding the changed runs that still match: those replace
 * their rows or are appended; changed runs missing from the page no longer match and leave.
 */
export function mergeChangedRuns(data: RunsTableData, page: RunsTablePage, changedRunIds: readonly string[]): RunsTableData {
  const decoded = decodeRunsTablePage(page);
  const index = rowsOf(data, [...new Set([...changedRunIds, ...decoded.runs.runIds])]);
  const fresh = new Set(decoded.runs.runIds);
  const leaving = changedRunIds.some((runId) => !fresh.has(runId) && index.has(runId));
  const startMoved = decoded.runs.runIds.some((runId, i) => {
    const row = index.get(runId);
    return row !== undefined && data.startTimes[row] !== decoded.runs.startTimes[i];
  });
  const keys = page.keys ? mergeKeys(data.keys, page.keys) : data.keys;
  return leaving || startMoved ? rebuildWithout(data, decoded, changedRunIds, keys) : patchInPlace(data, decoded, keys, index);
}

/**
 * A metric column `size` rows long, the added rows missing: views of the same memory when it has
 * room (nothing is copied), else a copy into memory with room for more (see spareRows).
 */
function grownNumberColumn(column: NumberColumn, size: number): NumberColumn {
  const length = column.values.length;
  const room = (array: Float64Array | Uint8Array) => (array.byteOffset === 0 ? array.buffer.byteLength / array.BYTES_PER_ELEMENT : 0);
  let values: Float64Array;
  let states: Uint8Array;
  if (room(column.values) >= size && room(column.states) >= size) {
    values = new Float64Array(column.values.buffer, 0, size);
    states = new Uint8Array(column.states.buffer, 0, size);
  } else {
    const capacity = size + spareRows(size);
    values = new Float64Array(new ArrayBuffer(capacity * Float64Array.BYTES_PER_ELEMENT), 0, size);
    states = new Uint8Array(new ArrayBuffer(capacity), 0, size);
    values.set(column.values);
    states.set(column.states);
  }
  values.fill(0, length);
  states.fill(MetricCellState.Missing, length);
  return { ...column, values, states };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] extends ReadonlyArray<infer U> ? U[] : T[K] };

/** Writes the page's runs into the data's arrays (appending new ones); returns the next version. */
function patchInPlace(data: RunsTableData, decoded: DecodedRunsTablePage, keys: ExperimentKeys, index: Map<string, number>): RunsTableData {
  // The run index, when built, learns the rows added here.
  const built = runIndexes.get(data.runIds);
  const fullIndex = built && built.size === data.runIds.length ? built : null;
  const attributes = data as unknown as Writable<Pick<RunsTableData, 'runIds' | 'runNames' | 'statuses' | 'startTimes' | 'endTimes' | 'userIds' | 'parentRunIds'>>;
  const changed = decoded.runs;
  const pageColumns = columnsById(decoded.columns);
  const added = changed.runIds.filter((runId) => !index.has(runId)).length;
  const size = data.runIds.length + added;
  // Metric columns are typed arrays: they grow into the room their memory keeps when runs are added.
  const columns = new Map<string, DecodedColumn>();
  for (const [id, column] of data.columns) columns.set(id, column.type === 'text' || added === 0 ? column : grownNumberColumn(column, size));
  const rows: number[] = [];
  changed.runIds.forEach((runId, i) => {
    let row = index.get(runId);
    if (row === undefined) {
      row = attributes.runIds.length;
      attributes.runIds.push(runId);
      index.set(runId, row);
      fullIndex?.set(runId, row);
      for (const column of columns.values()) if (column.type === 'text') (column.values as Array<string | null>).push(null);
    }
    rows.push(row);
    attributes.runNames[row] = changed.runNames[i]!;
    attributes.statuses[row] = changed.statuses[i]!;
    attributes.startTimes[row] = changed.startTimes[i]!;
    attributes.endTimes[row] = changed.endTimes[i] ?? null;
    attributes.userIds[row] = changed.userIds[i]!;
    attributes.parentRunIds[row] = changed.parentRunIds[i] ?? null;
    for (const [id, column] of columns) {
      const next = pageColumns.get(id);
      if (column.type === 'text') {
        (column.values as Array<string | null>)[row] = next?.type === 'text' ? (next.values[i] ?? null) : null;
      } else {
        column.values[row] = next?.type === 'number' ? next.values[i]! : 0;
        column.states[row] = next?.type === 'number' ? next.states[i]! : MetricCellState.Missing;
      }
    }
  });
  return {
    ...data,
    total: (data.total ?? data.runIds.length - added) + added,
    columns,
    keys,
    version: ++versions,
    patch: { fromVersion: data.version, rows },
  };
}

/** New arrays without the runs that left, with the page's runs replacing theirs or appended. */
function rebuildWithout(data: RunsTableData, decoded: DecodedRunsTablePage, changedRunIds: readonly string[], keys: ExperimentKeys): RunsTableData {
  const changed = decoded.runs;
  const fresh = runIndex(changed);
  const leaving = new Set(changedRunIds.filter((runId) => !fresh.has(runId)));
  const known = runIndex(data);
  const kept: number[] = [];
  data.runIds.forEach((runId, index) => {
    if (!leaving.has(runId)) kept.push(index);
  });
  const added = changed.runIds.filter((runId) => !known.has(runId));
  const size = kept.length + added.length;
  // Where each final row comes from: [true, index] from the page, [false, index] from the old data.
  const sources: Array<[boolean, number]> = kept.map((index) => {
    const pageRow = fresh.get(data.runIds[index] as string);
    return pageRow === undefined ? [false, index] : [true, pageRow];
  });
  for (const runId of added) sources.push([true, fresh.get(runId) as number]);

  const pick = <T,>(old: readonly T[], next: readonly T[]): T[] => sources.map(([fromPage, index]) => (fromPage ? next[index] : old[index]) as T);
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
  return {
    ...data,
    total: size,
    runIds: pick(data.runIds, changed.runIds),
    runNames: pick(data.runNames, changed.runNames),
    statuses: pick(data.statuses, changed.statuses),
    startTimes: pick(data.startTimes, changed.startTimes),
    endTimes: pick(data.endTimes, changed.endTimes),
    userIds: pick(data.userIds, changed.userIds),
    parentRunIds: pick(data.parentRunIds, changed.parentRunIds),
    columns,
    keys,
    version: ++versions,
    patch: null,
  };
}
