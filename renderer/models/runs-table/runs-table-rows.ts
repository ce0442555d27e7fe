// The rows the runs table shows, in order: runs with their nested runs under them (expanded on
// request), or, when grouped by a param or tag, one row per value with its run count and the
// mean and standard deviation of each metric column, expanding to its runs. A table without
// nesting or grouping (the usual case, and the one with a hundred thousand runs) is the sort
// order itself: its rows are made when asked for, a screenful at a time.
import { MetricCellState, type NumberColumn } from '../../../shared/runs-table';
import { runIndex, type RunsTableData } from './runs-table-data';
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

/** The rows of the table, in order. */
export interface TableRows {
  readonly length: number;
  /** The row at a position (0 ≤ position < length). */
  at(position: number): TableRow;
  /** The position of the row with this key (a run id or a group key), or -1. */
  positionOf(key: string): number;
}

/** Rows kept in an array. */
class ListedRows implements TableRows {
  private positions: Map<string, number> | null = null;

  constructor(private readonly rows: readonly TableRow[]) {}

  get length(): number {
    return this.rows.length;
  }

  at(position: number): TableRow {
    return this.rows[position]!;
  }

  positionOf(key: string): number {
    if (!this.positions) this.positions = new Map(this.rows.map((row, position) => [row.key, position]));
    return this.positions.get(key) ?? -1;
  }
}

/** The runs in sort order, each a top-level run: rows are made when asked for. */
class OrderedRuns implements TableRows {
  private positions: Int32Array | null = null;

  constructor(
    private readonly data: RunsTableData,
    private readonly order: Int32Array,
  ) {}

  get length(): number {
    return this.order.length;
  }

  at(position: number): TableRow {
    const index = this.order[position]!;
    return { kind: 'run', key: this.data.runIds[index]!, index, depth: 0, childCount: 0, expanded: false };
  }

  positionOf(key: string): number {
    const index = runIndex(this.data).get(key);
    if (index === undefined) return -1;
    if (!this.positions) {
      this.positions = new Int32Array(this.data.runIds.length).fill(-1);
      for (let position = 0; position < this.order.length; position++) this.positions[this.order[position]!] = position;
    }
    return this.positions[index] ?? -1;
  }
}

/** Rows from an array (for tests and small tables). */
export function listedRows(rows: readonly TableRow[]): TableRows {
  return new ListedRows(rows);
}

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

/** Whether some loaded run's parent is loaded too. */
function hasNesting(data: RunsTableData): boolean {
  let index: ReadonlyMap<string, number> | null = null;
  for (let row = 0; row < data.parentRunIds.length; row++) {
    const parent = data.parentRunIds[row] ?? null;
    if (parent === null || parent === data.runIds[row]) continue;
    index ??= runIndex(data);
    if (index.has(parent)) return true;
  }
  return false;
}

function treeRows(data: RunsTableData, options: RowOptions): TableRow[] {
  const loaded = runIndex(data);
  const children = new Map<string, number[]>();
  const roots: number[] = [];
  for (const row of options.order) {
    const parent = data.parentRunIds[row] ?? null;
    if (parent !== null && parent !== data.runIds[row] && loaded.has(parent)) {
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
export function buildTableRows(data: RunsTableData, options: RowOptions): TableRows {
  if (options.groupBy) return new ListedRows(groupRows(data, options, options.groupBy));
  return hasNesting(data) ? new ListedRows(treeRows(data, options)) : new OrderedRuns(data, options.order);
}

/** Every row, in order (for tests and small tables). */
export function rowList(rows: TableRows): TableRow[] {
  return Array.from({ length: rows.length }, (_, position) => rows.at(position));
}
