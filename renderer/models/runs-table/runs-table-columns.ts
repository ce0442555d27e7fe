// The columns of the runs table: the fixed run attributes, and one column per param, metric or
// tag the user shows. A column is known by an id ("attr:start", "metric:loss"); the user's
// arrangement (which columns, their order, widths, and which value of each metric) is a
// ColumnLayout, remembered per experiment.
import { LOGGED_MODELS_TAG, NOTE_TAG, PARENT_RUN_TAG, RUN_NAME_TAG, USER_TAG } from '../../../shared/mlflow-tags';
import { formatKey } from '../../../shared/search';
import {
  DEFAULT_VALUE_COLUMN_LIMIT,
  defaultRunsTableColumns,
  valueColumnId,
  type ExperimentKeys,
  type MetricAggregate,
  type RunsTableColumnKind,
  type RunsTableColumnSpec,
} from '../../../shared/runs-table';

/** The run attributes a column can show. */
export type AttributeName = 'name' | 'status' | 'start' | 'duration' | 'user';

/** A column of the table. */
export type TableColumn =
  | { readonly id: string; readonly kind: 'attribute'; readonly attribute: AttributeName; readonly label: string }
  | {
      readonly id: string;
      readonly kind: RunsTableColumnKind;
      readonly key: string;
      readonly label: string;
      /** Metrics only. */
      readonly aggregate: MetricAggregate;
    };

/** A column with its width, as laid out. */
export type PlacedColumn = TableColumn & { readonly width: number; readonly left: number };

/** What the user arranged for one experiment's table. */
export interface ColumnLayout {
  /** The value columns the user picked (ids, e.g. "metric:loss"), or null for the defaults. */
  readonly chosen: readonly string[] | null;
  /**
   * The default columns as last shown (ids), kept so that keys arriving later (a live run's new
   * metrics) never reorder them: new defaults are only ever appended. Null until first shown.
   */
  readonly defaults: readonly string[] | null;
  /** Attribute columns the user hid. */
  readonly hiddenAttributes: readonly string[];
  /** Column ids in the order the user dragged them to; columns not listed follow in their natural order. */
  readonly order: readonly string[];
  readonly widths: Readonly<Record<string, number>>;
  /** Metric columns showing their min or max instead of the latest value. */
  readonly aggregates: Readonly<Record<string, MetricAggregate>>;
}

/** A layout with no choices: default columns, natural order and widths. */
export const EMPTY_LAYOUT: ColumnLayout = { chosen: null, defaults: null, hiddenAttributes: [], order: [], widths: {}, aggregates: {} };

/** The attribute columns, in their natural order; the name column is always first and always shown. */
export const ATTRIBUTE_COLUMNS: readonly TableColumn[] = [
  { id: 'attr:name', kind: 'attribute', attribute: 'name', label: 'Run' },
  { id: 'attr:status', kind: 'attribute', attribute: 'status', label: 'Status' },
  { id: 'attr:start', kind: 'attribute', attribute: 'start', label: 'Started' },
  { id: 'attr:duration', kind: 'attribute', attribute: 'duration', label: 'Duration' },
  { id: 'attr:user', kind: 'attribute', attribute: 'user', label: 'User' },
];

/** The name column's id. */
export const NAME_COLUMN_ID = 'attr:name';

/** Tags that the attribute columns already show, or that only MLflow's machinery reads. */
const HIDDEN_TAGS = new Set([RUN_NAME_TAG, PARENT_RUN_TAG, USER_TAG, NOTE_TAG, LOGGED_MODELS_TAG]);

/** Whether the column picker offers a tag. */
export function isPickableTag(key: string): boolean {
  return !HIDDEN_TAGS.has(key);
}

const MIN_WIDTH = 56;
const MAX_WIDTH = 800;
const DEFAULT_WIDTHS: Readonly<Record<string, number>> = {
  'attr:name': 260,
  'attr:status': 104,
  'attr:start': 150,
  // "12 h 59 min" with the running mark.
  'attr:duration': 112,
  'attr:user': 110,
};

/** The name column's width bounds when fitted to the runs' names. */
export const NAME_WIDTH_RANGE: readonly [number, number] = [180, 460];

/** A column's width before the user drags it. */
export function defaultColumnWidth(column: TableColumn): number {
  return DEFAULT_WIDTHS[column.id] ?? (column.kind === 'metric' ? 136 : 128);
}

/** Keeps a dragged width within reason. */
export function clampWidth(width: number): number {
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width)));
}

/** Splits a value column id into its kind and key, or null for an attribute or unknown id. */
export function parseValueColumnId(id: string): { kind: RunsTableColumnKind; key: string } | null {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon);
  if (kind !== 'param' && kind !== 'metric' && kind !== 'tag') return null;
  return { kind, key: id.slice(colon + 1) };
}

/** Whether a value column's key is among the experiment's keys. */
function hasKey(keys: ExperimentKeys, id: string): boolean {
  const parsed = parseValueColumnId(id);
  if (!parsed) return false;
  return (parsed.kind === 'param' ? keys.params : parsed.kind === 'metric' ? keys.metrics : keys.tags).includes(parsed.key);
}

/**
 * The default columns for the keys now known, given those shown before: the ones shown keep their
 * place (unless no run has their key any more) and the ones that now qualify are appended, within
 * the limit. So a live run's new metric never pushes the columns the user was reading aside.
 */
export function stableDefaultColumns(shown: readonly string[] | null, keys: ExperimentKeys, limit = DEFAULT_VALUE_COLUMN_LIMIT): string[] {
  const current = defaultRunsTableColumns(keys, limit).map(valueColumnId);
  if (shown === null) return current;
  const kept = shown.filter((id) => hasKey(keys, id));
  const added = current.filter((id) => !kept.includes(id)).slice(0, Math.max(0, limit - kept.length));
  return [...kept, ...added];
}

/** The value columns a layout asks for, given the experiment's keys (the defaults when nothing is chosen). */
export function chosenValueSpecs(layout: ColumnLayout, keys: ExperimentKeys): RunsTableColumnSpec[] {
  const ids = layout.chosen ?? layout.defaults;
  const base: RunsTableColumnSpec[] =
    ids === null
      ? defaultRunsTableColumns(keys)
      : ids.flatMap((id) => {
          const parsed = parseValueColumnId(id);
          return parsed ? [parsed] : [];
        });
  return base.map((spec) => (spec.kind === 'metric' ? { ...spec, aggregate: layout.aggregates[valueColumnId(spec)] ?? 'latest' } : spec));
}

/** The columns to request: the chosen ones plus, hidden, any the grouping needs. */
export function requestedSpecs(shown: readonly RunsTableColumnSpec[], groupBy: string | null): RunsTableColumnSpec[] {
  const parsed = groupBy ? parseValueColumnId(groupBy) : null;
  if (!parsed || shown.some((spec) => valueColumnId(spec) === groupBy)) return [...shown];
  return [...shown, parsed];
}

function valueColumn(spec: RunsTableColumnSpec): TableColumn {
  return { id: valueColumnId(spec), kind: spec.kind, key: spec.key, label: spec.key, aggregate: spec.aggregate ?? 'latest' };
}

/** What the data decides about the attribute columns the user has not arranged. */
export interface PlacementOptions {
  /** Attribute columns left out because no run has a value (an empty User column). */
  readonly emptyAttributes?: ReadonlySet<string>;
  /** The name column's width when the user has not dragged it: one that fits the runs' names. */
  readonly nameWidth?: number;
}

/** The columns as shown: visible attributes and chosen value columns, in the user's order, with widths and offsets. */
export function placeColumns(layout: ColumnLayout, shownSpecs: readonly RunsTableColumnSpec[], options: PlacementOptions = {}): PlacedColumn[] {
  const hidden = new Set([...layout.hiddenAttributes, ...(options.emptyAttributes ?? [])]);
  const natural = [
    ...ATTRIBUTE_COLUMNS.filter((column) => column.id === NAME_COLUMN_ID || !hidden.has(column.id)),
    ...shownSpecs.map(valueColumn),
  ];
  const rank = new Map(layout.order.map((id, index) => [id, index]));
  const ordered = natural
    .map((column, index) => ({ column, index }))
    .sort((a, b) => {
      if (a.column.id === NAME_COLUMN_ID || b.column.id === NAME_COLUMN_ID) return a.column.id === NAME_COLUMN_ID ? -1 : 1;
      const ra = rank.get(a.column.id);
      const rb = rank.get(b.column.id);
      if (ra !== undefined && rb !== undefined) return ra - rb;
      if (ra !== undefined) return -1;
      if (rb !== undefined) return 1;
      return a.index - b.index;
    })
    .map(({ column }) => column);
  let left = 0;
  return ordered.map((column) => {
    const fitted = column.id === NAME_COLUMN_ID ? options.nameWidth : undefined;
    const width = layout.widths[column.id] ?? fitted ?? defaultColumnWidth(column);
    const placed = { ...column, width, left };
    left += width;
    return placed;
  });
}

const ATTRIBUTE_ORDER_KEYS: Partial<Record<AttributeName, string>> = {
  name: 'attributes.run_name',
  status: 'attributes.status',
  start: 'attributes.start_time',
  user: 'attributes.user_id',
};

/**
 * The server's order_by clause for sorting by a column, or null when the server cannot sort by
 * it (duration, a metric's min or max): the table then sorts those on this side only.
 */
export function orderByClause(column: TableColumn, ascending: boolean): string | null {
  const direction = ascending ? 'ASC' : 'DESC';
  if (column.kind === 'attribute') {
    const key = ATTRIBUTE_ORDER_KEYS[column.attribute];
    return key ? `${key} ${direction}` : null;
  }
  if (column.kind === 'metric' && column.aggregate !== 'latest') return null;
  return `${formatKey({ entity: column.kind, name: column.key })} ${direction}`;
}

/** Whether a column is sorted descending on its first click (numbers and times: largest first). */
export function sortsDescendingFirst(column: TableColumn): boolean {
  return column.kind === 'metric' || (column.kind === 'attribute' && (column.attribute === 'start' || column.attribute === 'duration'));
}

/** The column an id names, with the layout's metric value, or null for an unknown id. */
export function columnForId(id: string, layout: ColumnLayout): TableColumn | null {
  const attribute = ATTRIBUTE_COLUMNS.find((column) => column.id === id);
  if (attribute) return attribute;
  const parsed = parseValueColumnId(id);
  if (!parsed) return null;
  return valueColumn(parsed.kind === 'metric' ? { ...parsed, aggregate: layout.aggregates[id] ?? 'latest' } : parsed);
}
