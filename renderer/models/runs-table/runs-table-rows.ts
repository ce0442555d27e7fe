// The rows the runs table shows, in order: runs with their nested runs under them (expanded on
// request), or, when grouped by a param or tag, one row per value with its run count and the
// mean and standard deviation of each metric column, expanding to its runs.
import { MetricCellState, type NumberColumn } from '../../../shared/runs-table';
import type { RunsTableData } from './runs-table-data';
import { compareCodePoints } from './run-order';

/** A run's row. */
export interface RunRow {
  readonly kind: 'run';
  /** The run id. */
  readonly key: string;
  /** Its index in the table data. */
  readonly index: number;
  /** Nesting depth: 0 for top-level runs, 1 for runs nested in a run or listed in a group, and so on. */
  readonly depth: number;
  /** How many nested runs it has among the loaded runs. */
  readonly childCount: number;
  readonly expanded: boolean;
}

/** Mean and sample standard deviation of a metric over a group's runs that have a value. */
export interface GroupStat {
  readonly count: number;
  readonly mean: number;
  readonly std: number;
}

/** A group's row. */
export interface GroupRow {
  readonly kind: 'group';
  /** "group:" and the value, so group and run keys never collide. */
  readonly key: string;
  /** The shared value, or null for runs without one. */
  readonly value: string | null;
  readonly count: number;
  readonly expanded: boolean;
  /** Row indexes of its runs, in display order. */
  readonly members: readonly number[];
  /** Stats by metric column id. */
  readonly stats: ReadonlyMap<string, GroupStat>;
}

/** A row of the table. */
export type TableRow = RunRow | GroupRow;

/** The key of the group holding runs with this value. */
export function groupKey(value: string | null): string {
  return value === null ? 'group:\u0000none' : `group:${value}`;
}

function metricStats(column: NumberColumn, members: readonly number[]): GroupStat | null {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  // Welford's method: one pass, stable for large values.
  for (const row of members) {
    if (column.states[row] !== MetricCellState.Value) continue;
    const value = column.values[row] as number;
    if (!Number.isFinite(value)) continue;
    count++;
    const delta = value - mean;
    mean += delta / count;
    m2 += delta * (value - mean);
  }
  if (count === 0) return null;
  return { count, mean, std: count > 1 ? Math.sqrt(m2 / (count - 1)) : 0 };
}

/** Compares group values: numbers numerically, then text by code point; runs without a value last. */
function compareGroupValues(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = Number(a);
  const y = Number(b);
  const xNumeric = a.trim() !== '' && Number.isFinite(x);
  const yNumeric = b.trim() !== '' && Number.isFinite(y);
  if (xNumeric && yNumeric && x !== y) return x - y;
  if (xNumeric !== yNumeric) return xNumeric ? -1 : 1;
  return compareCodePoints(a, b);
}

/** How the rows are arranged. */
export interface RowOptions {
  /** Row indexes in sort order. */
  readonly order: Int32Array;
  /** The value column id to group by, or null. */
  readonly groupBy: string | null;
  /** Keys of expanded parents and groups. */
  readonly expanded: ReadonlySet<string>;
  /** Metric columns to summarise in group rows. */
  readonly metricColumnIds: readonly string[];
  /** When sorted by a metric column: groups are ordered by its mean in this direction. */
  readonly groupSort: { readonly columnId: string; readonly ascending: boolean } | null;
}

function groupRows(data: RunsTableData, options: RowOptions, groupBy: string): TableRow[] {
  const column = data.columns.get(groupBy);
  const members = new Map<string | null, number[]>();
  for (const row of options.order) {
    const value = column?.type === 'text' ? (column.values[row] ?? null) : null;
    let list = members.get(value);
    if (!list) members.set(value, (list = []));
    list.push(row);
  }
  const groups: GroupRow[] = [...members].map(([value, rows]) => {
    const stats = new Map<string, GroupStat>();
    for (const id of options.metricColumnIds) {
      const metric = data.columns.get(id);
      const stat = metric?.type === 'number' ? metricStats(metric, rows) : null;
      if (stat) stats.set(id, stat);
    }
    const key = groupKey(value);
    return { kind: 'group', key, value, count: rows.length, expanded: options.expanded.has(key), members: rows, stats };
  });
  const sort = options.groupSort;
  groups.sort((a, b) => {
    if (sort) {
      const x = a.stats.get(sort.columnId);
      const y = b.stats.get(sort.columnId);
      if (x && y && x.mean !== y.mean) return sort.ascending ? x.mean - y.mean : y.mean - x.mean;
      if (!x !== !y) return x ? -1 : 1;
    }
    return compareGroupValues(a.value, b.value);
  });
  const rows: TableRow[] = [];
  for (const group of groups) {
    rows.push(group);
    if (!group.expanded) continue;
    for (const index of group.members) {
      rows.push({ kind: 'run', key: data.runIds[index] as string, index, depth: 1, childCount: 0, expanded: false });
    }
  }
  return rows;
}

function treeRows(data: RunsTableData, options: RowOptions): TableRow[] {
  const children = new Map<string, number[]>();
  const roots: number[] = [];
  for (const row of options.order) {
    const parent = data.parentRunIds[row] ?? null;
    if (parent !== null && parent !== data.runIds[row] && data.rowOf.has(parent)) {
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(row);
    } else {
      roots.push(row);
    }
  }
  // Runs whose parents form a loop are reached from no root: show them at the top level.
  const reached = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const index = stack.pop() as number;
    if (reached.has(index)) continue;
    reached.add(index);
    stack.push(...(children.get(data.runIds[index] as string) ?? []));
  }
  if (reached.size < options.order.length) {
    for (const row of options.order) if (!reached.has(row)) roots.push(row);
  }

  const rows: TableRow[] = [];
  const placed = new Set<number>();
  const visit = (index: number, depth: number) => {
    if (placed.has(index)) return;
    placed.add(index);
    const key = data.runIds[index] as string;
    const kids = children.get(key) ?? [];
    const expanded = kids.length > 0 && options.expanded.has(key);
    rows.push({ kind: 'run', key, index, depth, childCount: kids.length, expanded });
    if (expanded) for (const kid of kids) visit(kid, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return rows;
}

/** The rows to show, in order. */
export function buildTableRows(data: RunsTableData, options: RowOptions): TableRow[] {
  return options.groupBy ? groupRows(data, options, options.groupBy) : treeRows(data, options);
}
