// The runs table: per experiment, what the user chose (filter, sort, grouping, expanded rows,
// selection, focus, scroll position, column layout) and the loaded runs. Choices live here, not
// in components, so they survive switching pages; the column layout is also remembered across
// sessions. Loading paints a first window of rows quickly, then loads every matching run so
// that sorting, grouping and selecting happen without a round trip; tracker changes patch the
// runs that changed instead of reloading thousands.
import type { StateCreator } from 'zustand';
import type { CallRequest, TrackerChange } from '../../shared/contract';
import { CairnError } from '../../shared/errors';
import {
  MAX_RUNS_TABLE_ROWS,
  valueColumnId,
  type ExperimentKeys,
  type MetricAggregate,
  type RunsTableColumnSpec,
} from '../../shared/runs-table';
import { parseFilter, RUN_SEARCH, SearchSyntaxError } from '../../shared/search';
import { loadColumnLayout, saveColumnLayout } from '../models/runs-table/column-layout-storage';
import type { SortSpec } from '../models/runs-table/run-order';
import {
  chosenValueSpecs,
  clampWidth,
  columnForId,
  orderByClause,
  sortsDescendingFirst,
  stableDefaultColumns,
  type ColumnLayout,
} from '../models/runs-table/runs-table-columns';
import { mergeChangedRuns, tableDataFromDecoded, type RunsTableData } from '../models/runs-table/runs-table-data';
import { RUNS_TABLE_MARKS } from '../models/runs-table/runs-table-marks';
import { firstWindowRequest, neededSpecs as neededColumnSpecs } from '../models/runs-table/runs-table-requests';
import { loadRunsTableInThread } from './runs-table-loader';
import type { AppState, SliceContext } from './app-store';
import { describeError } from './describe-error';

/** The kinds of change that alter rows of the runs table. */
const RUN_CONTENT_ENTITIES: ReadonlySet<TrackerChange['entities'][number]> = new Set(['run', 'metric', 'param', 'tag']);

/** Changed runs patched in place by a live refresh; more changes reload the table. */
const MAX_PATCHED_RUNS = 500;

/** A filter the grammar or the main side refused, with where the problem is. */
export interface FilterError {
  readonly message: string;
  /** 0-based position in the filter text, or null when unknown. */
  readonly position: number | null;
}

/** One experiment's table. */
export interface RunsTableView {
  readonly experimentId: string;
  /** The filter applied. */
  readonly filter: string;
  /** The text in the filter bar (applied on Enter). */
  readonly filterDraft: string;
  readonly filterError: FilterError | null;
  readonly sort: SortSpec | null;
  /** The value column id ("param:optimizer") the rows are grouped by, or null. */
  readonly groupBy: string | null;
  /** Keys of expanded parent runs and groups. */
  readonly expanded: ReadonlySet<string>;
  readonly selected: ReadonlySet<string>;
  /** The run last clicked, where a shift-click range starts. */
  readonly anchor: string | null;
  /** The focused row's key (a run id or a group key). */
  readonly focused: string | null;
  readonly scrollTop: number;
  readonly layout: ColumnLayout;
  readonly status: 'loading' | 'ready' | 'error';
  readonly error: string | null;
  readonly data: RunsTableData | null;
  /** Whether the rest of the matching runs is loading after the first window. */
  readonly loadingRest: boolean;
  /** Whether a load is in flight. */
  readonly busy: boolean;
}

/** The runs tables. */
export interface RunsTableState {
  /** The experiment whose table is open. */
  readonly openId: string | null;
  readonly views: Readonly<Record<string, RunsTableView>>;
}

/** The runs table slice of the app store. */
export interface RunsTableSlice {
  readonly runsTable: RunsTableState;
  /** Opens an experiment's table: shows what was loaded before at once, and (re)loads it. */
  openRunsTable(experimentId: string): Promise<void>;
  /** Reloads the open table. */
  reloadRunsTable(): Promise<void>;
  setRunsFilterDraft(text: string): void;
  /** Checks the draft against the grammar and applies it, or shows where it is wrong. */
  applyRunsFilter(text: string): Promise<void>;
  clearRunsFilter(): Promise<void>;
  /** Sorts by a column: largest or first-in-order first, then the other way, then the default order. */
  sortRunsBy(columnId: string): void;
  setRunsGroupBy(columnId: string | null): void;
  toggleRunsRowExpanded(key: string): void;
  /** Chooses the value columns (null restores the defaults). */
  setRunsValueColumns(columnIds: readonly string[] | null): void;
  setRunsAttributeHidden(columnId: string, hidden: boolean): void;
  /** Moves a column before another (or to the end with null). */
  moveRunsColumn(columnId: string, beforeId: string | null): void;
  resizeRunsColumn(columnId: string, width: number): void;
  setRunsMetricAggregate(columnId: string, aggregate: MetricAggregate): void;
  /** Selects or deselects runs. */
  setRunsSelected(runIds: readonly string[], selected: boolean): void;
  /** Sets the run a shift-click range starts from. */
  setRunsAnchor(runId: string | null): void;
  /** Selects every loaded run matching the filter. */
  selectAllMatchingRuns(): void;
  clearRunsSelection(): void;
  setRunsFocused(key: string | null): void;
  setRunsScrollTop(scrollTop: number): void;
  /** Refetches the open table after a tracker change that concerns it. */
  refreshRunsTableAfter(change: TrackerChange): Promise<void>;
}

function newView(experimentId: string, layout: ColumnLayout): RunsTableView {
  return {
    experimentId,
    filter: '',
    filterDraft: '',
    filterError: null,
    sort: null,
    groupBy: null,
    expanded: new Set(),
    selected: new Set(),
    anchor: null,
    focused: null,
    scrollTop: 0,
    layout,
    status: 'loading',
    error: null,
    data: null,
    loadingRest: false,
    busy: false,
  };
}

/** The main side's order for a view's sort (empty for columns only this side can sort). */
function serverOrderBy(view: RunsTableView): string[] {
  if (!view.sort) return [];
  const column = columnForId(view.sort.columnId, view.layout);
  const clause = column ? orderByClause(column, view.sort.ascending) : null;
  return clause ? [clause] : [];
}

/** The value columns a view needs loaded, or undefined for the main side's defaults (keys not known yet). */
function neededSpecs(view: RunsTableView): RunsTableColumnSpec[] | undefined {
  return neededColumnSpecs({ layout: view.layout, groupBy: view.groupBy, keys: view.data?.keys ?? null });
}

/** Whether the loaded columns are the ones the view needs. */
function hasNeededColumns(view: RunsTableView): boolean {
  const needed = neededSpecs(view);
  if (!needed || !view.data) return !needed;
  return needed.every((spec) => {
    const column = view.data?.columns.get(valueColumnId(spec));
    return column !== undefined && (column.spec.aggregate ?? 'latest') === (spec.aggregate ?? 'latest');
  });
}

/** Keys standing in for the experiment's until they are loaded: those of the given columns. */
function keysOfColumns(columns: readonly RunsTableColumnSpec[]): ExperimentKeys {
  const of = (kind: RunsTableColumnSpec['kind']) => columns.filter((spec) => spec.kind === kind).map((spec) => spec.key).sort();
  return { params: of('param'), metrics: of('metric'), tags: of('tag') };
}

/** A filter error from the main side's answer, when the answer was one. */
function filterErrorOf(error: unknown): FilterError | null {
  if (!(error instanceof CairnError) || error.searchText?.text !== 'filter') return null;
  return { message: error.searchText.problem, position: error.searchText.position };
}

function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
}

/** Builds the runs table slice. */
export function createRunsTableSlice({ api, preferences, loadLargeRunsTable }: SliceContext): StateCreator<AppState, [], [], RunsTableSlice> {
  const loadInThread = loadRunsTableInThread(api);
  return (set, get) => {
    /** Per experiment: the latest load's number (older answers are dropped) and the load in flight. */
    const generations = new Map<string, number>();
    const inFlight = new Map<string, Promise<void>>();

    const view = (experimentId: string): RunsTableView | undefined => get().runsTable.views[experimentId];
    const openView = (): RunsTableView | undefined => {
      const id = get().runsTable.openId;
      return id === null ? undefined : view(id);
    };
    const patch = (experimentId: string, change: Partial<RunsTableView> | ((current: RunsTableView) => Partial<RunsTableView>)) =>
      set((state) => {
        const current = state.runsTable.views[experimentId];
        if (!current) return {};
        const next = { ...current, ...(typeof change === 'function' ? change(current) : change) };
        return { runsTable: { ...state.runsTable, views: { ...state.runsTable.views, [experimentId]: next } } };
      });
    const patchOpen = (change: Partial<RunsTableView> | ((current: RunsTableView) => Partial<RunsTableView>)) => {
      const id = get().runsTable.openId;
      if (id !== null) patch(id, change);
    };

    /**
     * Loads a view: with `window`, a first window of rows to paint at once, then every matching
     * run; with `keys`, also the experiment's keys (the picker's and the filter bar's vocabulary).
     */
    const load = (experimentId: string, { window: quick, keys: withKeys }: { window: boolean; keys: boolean }): Promise<void> => {
      const generation = (generations.get(experimentId) ?? 0) + 1;
      generations.set(experimentId, generation);
      const current = () => generations.get(experimentId) === generation;
      const run = async () => {
        const start = view(experimentId);
        if (!start) return;
        const filter = start.filter;
        const orderBy = serverOrderBy(start);
        const base: CallRequest<'getRunsTable'> = { experimentId, filter, orderBy };
        patch(experimentId, { status: start.data ? start.status : 'loading', error: null, busy: true });
        try {
          let columns = neededSpecs(start);
          let keys = start.data?.keys ?? null;
          if (quick) {
            // A filter's matches are counted with the full load: the first rows come without waiting for it.
            const window = await loadInThread(firstWindowRequest(experimentId, filter, orderBy, columns));
            if (!current()) return;
            // Until the full load brings the experiment's keys, the window's columns stand in for them.
            const data = tableDataFromDecoded(window.decoded, window, keys ?? keysOfColumns(window.columns), { filter, orderBy });
            patch(experimentId, { data, status: 'ready', error: null, loadingRest: !data.complete });
            // The main side chose the default columns for the runs it answered: they stay where they are shown.
            keepDefaults(experimentId, (layout) => layout.defaults ?? window.columns.map(valueColumnId));
            if (data.complete && keys) return;
            columns = neededSpecs({ ...start, data });
          }
          // Every matching run: up to 100,000 rows, decoded off the main thread in the app.
          const page = await loadLargeRunsTable({ ...base, columns, limit: MAX_RUNS_TABLE_ROWS, includeKeys: withKeys || !keys });
          if (!current()) return;
          keys = page.keys ?? keys ?? keysOfColumns(page.columns);
          const data = tableDataFromDecoded(page.decoded, page, keys, { filter, orderBy });
          patch(experimentId, { data, status: 'ready', error: null, loadingRest: false });
          // Keys that now qualify join the default columns, after those shown.
          if (page.keys?.usage) keepDefaults(experimentId, (layout) => stableDefaultColumns(layout.defaults, keys));
          // The defaults follow the keys: when the keys change them, load the new columns too.
          const after = view(experimentId);
          if (after && after.layout.chosen === null && !hasNeededColumns(after)) void load(experimentId, { window: false, keys: false });
        } catch (error) {
          if (!current()) return;
          const filterError = filterErrorOf(error);
          if (filterError && filter) {
            // The main side refused the filter: show where, and go back to the last filter that worked.
            patch(experimentId, (v) => ({
              filterError,
              filterDraft: v.filterDraft || filter,
              filter: v.data?.filter ?? '',
              status: v.data ? 'ready' : 'error',
              loadingRest: false,
            }));
            return;
          }
          patch(experimentId, { status: 'error', error: describeError(error), loadingRest: false });
        } finally {
          if (current()) patch(experimentId, { busy: false });
        }
      };
      const promise = run().finally(() => {
        if (inFlight.get(experimentId) === promise) inFlight.delete(experimentId);
      });
      inFlight.set(experimentId, promise);
      return promise;
    };

    /** Sets the default columns of a view whose user has not chosen columns, remembering them with the layout. */
    const keepDefaults = (experimentId: string, next: (layout: ColumnLayout) => readonly string[]) => {
      const current = view(experimentId);
      if (!current || current.layout.chosen !== null) return;
      const defaults = next(current.layout);
      const before = current.layout.defaults;
      if (before && before.length === defaults.length && before.every((id, i) => id === defaults[i])) return;
      const layout = { ...current.layout, defaults };
      saveColumnLayout(preferences, experimentId, layout);
      patch(experimentId, { layout });
    };

    /** After a change to the chosen columns: saves the layout, and loads columns that are not loaded yet. */
    const changeLayout = (change: (layout: ColumnLayout) => ColumnLayout) => {
      const id = get().runsTable.openId;
      const current = id === null ? undefined : view(id);
      if (id === null || !current) return;
      const layout = change(current.layout);
      saveColumnLayout(preferences, id, layout);
      patch(id, { layout });
      const next = view(id);
      if (next && next.data && !hasNeededColumns(next)) void load(id, { window: false, keys: false });
    };

    /** Patches the changed runs of complete data, or reloads; returns false when it must reload. */
    const refreshChanged = async (experimentId: string, runIds: readonly string[]): Promise<boolean> => {
      const start = view(experimentId);
      const data = start?.data;
      if (!start || !data || !data.complete || runIds.length === 0 || runIds.length > MAX_PATCHED_RUNS) return false;
      const columns = [...data.columns.values()].map((column) => column.spec);
      const generation = generations.get(experimentId) ?? 0;
      const page = await api.getRunsTable({
        experimentId,
        filter: data.filter,
        orderBy: data.orderBy as string[],
        columns,
        runIds: runIds as string[],
        includeKeys: true,
      });
      const latest = view(experimentId);
      if (generations.get(experimentId) !== generation || !latest?.data || latest.data !== data) return true;
      const merged = mergeChangedRuns(data, page, runIds);
      patch(experimentId, { data: merged });
      // New keys can change the default columns.
      const after = view(experimentId);
      if (after && merged.keys !== data.keys && !hasNeededColumns(after)) return false;
      return true;
    };

    return {
      runsTable: { openId: null, views: {} },

      async openRunsTable(experimentId) {
        const existing = view(experimentId);
        // Already opening (asked for as the app started, then by the page): one load serves both.
        const pending = inFlight.get(experimentId);
        if (existing && pending && get().runsTable.openId === experimentId) return pending;
        mark(RUNS_TABLE_MARKS.opened);
        set((state) => ({
          runsTable: {
            openId: experimentId,
            views: existing ? state.runsTable.views : { ...state.runsTable.views, [experimentId]: newView(experimentId, loadColumnLayout(preferences, experimentId)) },
          },
        }));
        await load(experimentId, { window: !existing?.data, keys: true });
      },

      async reloadRunsTable() {
        const id = get().runsTable.openId;
        if (id !== null) await load(id, { window: !view(id)?.data, keys: true });
      },

      setRunsFilterDraft(text) {
        patchOpen({ filterDraft: text, filterError: null });
      },

      async applyRunsFilter(text) {
        const id = get().runsTable.openId;
        if (id === null) return;
        try {
          parseFilter(text, RUN_SEARCH);
        } catch (error) {
          if (error instanceof SearchSyntaxError) {
            patch(id, { filterDraft: text, filterError: { message: error.detail, position: error.position } });
            return;
          }
          throw error;
        }
        const filter = text.trim();
        const current = view(id);
        patch(id, { filterDraft: text, filterError: null });
        if (!current || (current.filter === filter && current.data)) return;
        patch(id, { filter, focused: null, scrollTop: 0 });
        await load(id, { window: true, keys: false });
      },

      async clearRunsFilter() {
        await get().applyRunsFilter('');
      },

      sortRunsBy(columnId) {
        const current = openView();
        const column = current ? columnForId(columnId, current.layout) : null;
        if (!current || !column) return;
        mark(RUNS_TABLE_MARKS.sortRequested);
        const descendingFirst = sortsDescendingFirst(column);
        const sort = current.sort;
        let next: SortSpec | null;
        if (!sort || sort.columnId !== columnId) next = { columnId, ascending: !descendingFirst };
        else if (sort.ascending === !descendingFirst) next = { columnId, ascending: descendingFirst };
        else next = null;
        patchOpen({ sort: next });
        // Loaded in full: sorted here, in the main side's order. Otherwise the main side sorts.
        if (!current.data?.complete) void load(current.experimentId, { window: true, keys: false });
      },

      setRunsGroupBy(columnId) {
        const current = openView();
        if (!current) return;
        patchOpen({ groupBy: columnId, focused: null });
        const next = openView();
        if (next?.data && !hasNeededColumns(next)) void load(next.experimentId, { window: false, keys: false });
      },

      toggleRunsRowExpanded(key) {
        patchOpen((current) => {
          const expanded = new Set(current.expanded);
          if (!expanded.delete(key)) expanded.add(key);
          return { expanded };
        });
      },

      setRunsValueColumns(columnIds) {
        const keys = openView()?.data?.keys;
        // Back to the defaults: chosen afresh from what the experiment's runs log now.
        const defaults = (layout: ColumnLayout) => (keys?.usage ? stableDefaultColumns(null, keys) : layout.defaults);
        changeLayout((layout) => (columnIds === null ? { ...layout, chosen: null, defaults: defaults(layout) } : { ...layout, chosen: [...columnIds] }));
      },

      setRunsAttributeHidden(columnId, hidden) {
        changeLayout((layout) => {
          const rest = layout.hiddenAttributes.filter((id) => id !== columnId);
          return { ...layout, hiddenAttributes: hidden ? [...rest, columnId] : rest };
        });
      },

      moveRunsColumn(columnId, beforeId) {
        changeLayout((layout) => {
          const data = openView()?.data;
          const shown = chosenValueSpecs(layout, data?.keys ?? { params: [], metrics: [], tags: [] }).map(valueColumnId);
          const known = [...layout.order, ...['attr:status', 'attr:start', 'attr:duration', 'attr:user', ...shown].filter((id) => !layout.order.includes(id))];
          const without = known.filter((id) => id !== columnId);
          const at = beforeId === null ? without.length : without.indexOf(beforeId);
          without.splice(at < 0 ? without.length : at, 0, columnId);
          return { ...layout, order: without };
        });
      },

      resizeRunsColumn(columnId, width) {
        changeLayout((layout) => ({ ...layout, widths: { ...layout.widths, [columnId]: clampWidth(width) } }));
      },

      setRunsMetricAggregate(columnId, aggregate) {
        changeLayout((layout) => {
          const aggregates = { ...layout.aggregates };
          if (aggregate === 'latest') delete aggregates[columnId];
          else aggregates[columnId] = aggregate;
          return { ...layout, aggregates };
        });
      },

      setRunsSelected(runIds, selected) {
        patchOpen((current) => {
          const next = new Set(current.selected);
          for (const runId of runIds) {
            if (selected) next.add(runId);
            else next.delete(runId);
          }
          return { selected: next };
        });
      },

      setRunsAnchor(runId) {
        patchOpen({ anchor: runId });
      },

      selectAllMatchingRuns() {
        patchOpen((current) => ({ selected: new Set([...current.selected, ...(current.data?.runIds ?? [])]) }));
      },

      clearRunsSelection() {
        patchOpen({ selected: new Set(), anchor: null });
      },

      setRunsFocused(key) {
        patchOpen({ focused: key });
      },

      setRunsScrollTop(scrollTop) {
        const current = openView();
        if (current && current.scrollTop !== scrollTop) patchOpen({ scrollTop });
      },

      async refreshRunsTableAfter(change) {
        const { route, runsTable } = get();
        const id = runsTable.openId;
        if (id === null || route.name !== 'runs' || route.experimentId !== id || !change.experimentIds.includes(id)) return;
        // Only changes to runs and what they hold touch the table (not the experiment itself, nor models).
        if (!change.entities.some((entity) => RUN_CONTENT_ENTITIES.has(entity))) return;
        await inFlight.get(id);
        try {
          if (await refreshChanged(id, change.runIds)) return;
        } catch (error) {
          console.warn('cairn: live refresh of the runs table failed', error);
        }
        await load(id, { window: false, keys: true });
      },
    };
  };
}
