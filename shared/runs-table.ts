// The runs table's data as it crosses from the main side to the renderer: the matching runs of
// one experiment in search order, with only the value columns the table shows. The bulk travels
// as JSON text inside the page: cell values as flat arrays that SQLite builds (turning 150,000
// cells into JavaScript values on the main side, and walking them in the transport's NaN-aware
// JSON codec, would cost more than the query). No Node imports: the renderer decodes pages with
// decodeRunsTablePage.
import type { RunStatus } from './models';

/** The kinds of value column: a param, a tag, or a metric. */
export type RunsTableColumnKind = 'param' | 'metric' | 'tag';

/** Which value of a metric a column shows. */
export type MetricAggregate = 'latest' | 'min' | 'max';

/** A value column of the runs table. */
export interface RunsTableColumnSpec {
  readonly kind: RunsTableColumnKind;
  readonly key: string;
  /** Metrics only: which value (latest when absent). */
  readonly aggregate?: MetricAggregate;
}

/** Every param, metric and tag key logged to the runs of an experiment, sorted. */
export interface ExperimentKeys {
  readonly params: readonly string[];
  readonly metrics: readonly string[];
  readonly tags: readonly string[];
  /** How many runs use each key, where known (the default columns follow it). */
  readonly usage?: KeyUsage;
}

/** How widely the keys are used among the runs counted (an experiment's most recent runs, up to a few thousand). */
export interface KeyUsage {
  /** The runs counted. */
  readonly runs: number;
  /** Per param: how many runs logged it, and whether its value differs between them. */
  readonly params: Readonly<Record<string, { readonly runs: number; readonly varies: boolean }>>;
  /** Per metric: how many runs logged it. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** The most rows one table request returns. */
export const MAX_RUNS_TABLE_ROWS = 100_000;

/** Rows the table asks for first, to paint quickly before the rest arrives: more than a tall screen shows. */
export const FIRST_WINDOW_ROWS = 120;

/** The most value columns shown by default. */
export const DEFAULT_VALUE_COLUMN_LIMIT = 30;

/** The attributes of the runs of a page, as parallel arrays in row order. */
export interface RunsTableRuns {
  readonly runIds: readonly string[];
  readonly runNames: readonly string[];
  readonly statuses: readonly RunStatus[];
  readonly startTimes: readonly number[];
  readonly endTimes: ReadonlyArray<number | null>;
  readonly userIds: readonly string[];
  readonly parentRunIds: ReadonlyArray<string | null>;
}

/** One page of the runs table as the main side sends it. */
export interface RunsTablePage {
  /** How many runs match (among the requested run ids, when the request named some); null when not counted (more may match than the page holds). */
  readonly total: number | null;
  /** Position of this page's first row among all matching runs. */
  readonly offset: number;
  /** The value columns the cells fill (the defaults when the request named none). */
  readonly columns: readonly RunsTableColumnSpec[];
  /** The experiment's keys, when the request asked for them. */
  readonly keys: ExperimentKeys | null;
  /** JSON text of the page's RunsTableRuns. */
  readonly runsJson: string;
  readonly cells: RunsTableCells;
}

/**
 * The values of a page's cells, per kind of column, each as JSON text of three parallel arrays
 * [rows, columns, values] holding every cell that has a value: row indexes the page, column
 * indexes the page's columns. A metric whose value is NaN has the value "NaN"; ±Infinity arrive
 * as ±9e999, which JSON.parse reads as ±Infinity.
 */
export interface RunsTableCells {
  readonly params: string;
  readonly metrics: string;
  readonly tags: string;
}

/** Whether a metric cell holds a number, NaN, or nothing (the run never logged the metric); also its rank when sorting. */
export const MetricCellState = { Value: 0, NaN: 1, Missing: 2 } as const;

/** A decoded param or tag column: one string (or null) per row. */
export interface TextColumn {
  readonly spec: RunsTableColumnSpec;
  readonly type: 'text';
  readonly values: ReadonlyArray<string | null>;
}

/** A decoded metric column: values and, per row, whether the value is a number, NaN or missing. */
export interface NumberColumn {
  readonly spec: RunsTableColumnSpec;
  readonly type: 'number';
  readonly values: Float64Array;
  readonly states: Uint8Array;
}

/** A decoded value column. */
export type DecodedColumn = TextColumn | NumberColumn;

/** A stable id for a value column: "param:lr", "metric:loss" (the aggregate is not part of it). */
export function valueColumnId(spec: Pick<RunsTableColumnSpec, 'kind' | 'key'>): string {
  return `${spec.kind}:${spec.key}`;
}

/** A page decoded: its runs and one column per spec, each as long as the page. */
export interface DecodedRunsTablePage {
  readonly runs: RunsTableRuns;
  readonly columns: DecodedColumn[];
}

/**
 * Rows of room a table's arrays keep beyond its runs (1/32 more, at least 64), so that runs
 * starting while it is open join it without a copy of every row of every column.
 */
export function spareRows(rowCount: number): number {
  return Math.max(64, rowCount >> 5);
}

/** `length` nulls in an array holding room for `capacity` (an engine keeps an array's room when it is shortened a little). */
function nullsWithRoom(length: number, capacity: number): Array<string | null> {
  const values = new Array<string | null>(capacity).fill(null);
  values.length = length;
  return values;
}

/**
 * Decodes a page's runs and cells. The metric columns' typed arrays are views of `rowCount`
 * rows over memory with spareRows() more, which a table patch can grow into.
 */
export function decodeRunsTablePage(page: RunsTablePage): DecodedRunsTablePage {
  const runs = JSON.parse(page.runsJson) as RunsTableRuns;
  const rowCount = runs.runIds.length;
  const capacity = rowCount + spareRows(rowCount);
  const columns: DecodedColumn[] = page.columns.map((spec) =>
    spec.kind === 'metric'
      ? {
          spec,
          type: 'number',
          values: new Float64Array(new ArrayBuffer(capacity * Float64Array.BYTES_PER_ELEMENT), 0, rowCount),
          states: new Uint8Array(new ArrayBuffer(capacity), 0, rowCount).fill(MetricCellState.Missing),
        }
      : { spec, type: 'text', values: nullsWithRoom(rowCount, capacity) },
  );
  for (const json of [page.cells.params, page.cells.metrics, page.cells.tags]) {
    const [rows, indexes, values] = JSON.parse(json) as [number[], number[], Array<string | number | null>];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      const column = columns[indexes[i] as number];
      const value = values[i] ?? null;
      if (!column || row < 0 || row >= rowCount || value === null) continue;
      if (column.type === 'text') {
        (column.values as Array<string | null>)[row] = String(value);
      } else if (value === 'NaN') {
        column.states[row] = MetricCellState.NaN;
      } else {
        column.values[row] = Number(value);
        column.states[row] = MetricCellState.Value;
      }
    }
  }
  return { runs, columns };
}

/** Metric columns the defaults keep room for, however many params vary. */
const DEFAULT_METRIC_ROOM = 10;

/**
 * The value columns shown when the user has not chosen: the params whose value differs between
 * the runs (a run without the param counts as a value; every param while there is only one run)
 * and that at least a tenth of the runs logged, by name; then the metrics that at least half the
 * runs logged, the most widely logged first; at most `limit` in all. Without usage counts, every
 * param and metric qualifies.
 */
export function defaultRunsTableColumns(keys: ExperimentKeys, limit = DEFAULT_VALUE_COLUMN_LIMIT): RunsTableColumnSpec[] {
  const usage = keys.usage;
  const params =
    usage && usage.runs > 1
      ? keys.params.filter((key) => {
          const param = usage.params[key];
          return param !== undefined && param.varies && param.runs * 10 >= usage.runs;
        })
      : [...keys.params];
  const metricRuns = (key: string) => usage?.metrics[key] ?? 0;
  const metrics = usage
    ? keys.metrics.filter((key) => metricRuns(key) * 2 >= usage.runs).sort((a, b) => metricRuns(b) - metricRuns(a) || (a < b ? -1 : a > b ? 1 : 0))
    : [...keys.metrics];
  const paramCount = Math.min(params.length, limit - Math.min(metrics.length, DEFAULT_METRIC_ROOM));
  const metricCount = Math.min(metrics.length, limit - paramCount);
  return [
    ...params.slice(0, paramCount).map((key): RunsTableColumnSpec => ({ kind: 'param', key })),
    ...metrics.slice(0, metricCount).map((key): RunsTableColumnSpec => ({ kind: 'metric', key, aggregate: 'latest' })),
  ];
}
