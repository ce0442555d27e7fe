// The runs table: a grid over the open experiment's loaded runs, sorted, nested and grouped here.
// The scroller only provides the scrollbars: what shows is a viewport that stays in place (CSS
// sticky) holding the header and two layers of rows, which runs-table-painter.ts moves and fills
// in the scroll event itself, so that no frame shows rows missing however fast the scrollbar is
// dragged. Choices go to the store; this component only arranges and reports them. Its parts live
// beside it: selection (use-row-selection.ts), keyboard (use-row-keyboard.ts), tooltips and hover
// (use-cell-tooltips.ts), scroll restore (use-scroll-restore.ts), row order (use-row-order.ts),
// benchmark marks (use-paint-marks.ts).
import { useCallback, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { flushSync } from 'react-dom';
import { MetricCellState, type MetricAggregate, type RunsTableColumnSpec } from '../../../shared/runs-table';
import { numberFormatFor, type NumberFormat } from '../../models/number-format';
import { chosenValueSpecs, clampWidth, columnForId, NAME_WIDTH_RANGE, parseValueColumnId, placeColumns } from '../../models/runs-table/runs-table-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';
import { buildTableRows, type TableRow } from '../../models/runs-table/runs-table-rows';
import { navigate } from '../../router';
import type { RunsTableView } from '../../stores/runs-table-slice';
import { useAppStore } from '../../use-app-store';
import { CHECK_WIDTH, HEADER_HEIGHT, ROW_HEIGHT } from './runs-table-geometry';
import { RunsTableHeader } from './runs-table-header';
import { RunsTablePainter } from './runs-table-painter';
import { useCellTooltips } from './use-cell-tooltips';
import { usePaintMarks } from './use-paint-marks';
import { useRowKeyboard } from './use-row-keyboard';
import { useRowOrder } from './use-row-order';
import { isRowSelected, useRowSelection } from './use-row-selection';
import { useScrollRestore } from './use-scroll-restore';

/** Names measured to fit the name column: an even sample of this many. */
const NAME_SAMPLE = 400;
/** What the name cell holds besides the name: padding, expander, swatch, gaps. */
const NAME_CHROME = 20 + 18 + 10 + 12;
let measureContext: CanvasRenderingContext2D | null = null;
/** The group means of a table without groups. */
const NO_GROUP_MEANS: ReadonlyMap<string, number[]> = new Map();

/** A name column width that fits nineteen names in twenty, within bounds. */
function fittedNameWidth(names: readonly string[], font: string): number {
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext || names.length === 0) return NAME_WIDTH_RANGE[0];
  measureContext.font = font;
  const step = Math.max(1, Math.floor(names.length / NAME_SAMPLE));
  const widths: number[] = [];
  for (let i = 0; i < names.length; i += step) widths.push(measureContext.measureText(names[i] ?? '').width);
  widths.sort((a, b) => a - b);
  const typical = widths[Math.floor(widths.length * 0.95)] ?? 0;
  return Math.round(Math.min(NAME_WIDTH_RANGE[1], Math.max(NAME_WIDTH_RANGE[0], typical + NAME_CHROME)));
}

/**
 * The scroller's size, following resizes. Until the element is measured, the window bounds it.
 * It is measured by a ResizeObserver, whose first report comes after the page's first layout and
 * before its paint: reading the size at mount would force a layout of the whole page before the
 * rows are drawn, and a second one after. The report re-renders at once (flushSync), so the frame
 * painted already has the measured size.
 */
function useClientSize(scrollRef: React.RefObject<HTMLDivElement | null>): { width: number; height: number } {
  const [size, setSize] = useState(() => ({ width: window.innerWidth, height: window.innerHeight }));
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      flushSync(() =>
        setSize((current) =>
          current.width === element.clientWidth && current.height === element.clientHeight ? current : { width: element.clientWidth, height: element.clientHeight },
        ),
      ),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [scrollRef]);
  return size;
}

/** The grid of one experiment's runs; `view` must have data. */
export function RunsTable({ view, data }: { view: RunsTableView; data: RunsTableData }) {
  const { sort, groupBy, expanded, selected, focused, layout, anchor } = view;
  const actions = useAppStore.getState();
  const colorBook = useAppStore((state) => state.runColors);
  const scrollRef = useRef<HTMLDivElement>(null);
  const viewportRef = useRef<HTMLDivElement>(null);
  const pinnedLayerRef = useRef<HTMLDivElement>(null);
  const restLayerRef = useRef<HTMLDivElement>(null);
  const painterRef = useRef<RunsTablePainter | null>(null);
  const [preview, setPreview] = useState<{ id: string; width: number } | null>(null);
  const client = useClientSize(scrollRef);
  // The painter's first viewport comes from what is known (the restored offset, the size as
  // estimated) rather than from the page's layout, which is not done yet when the rows are first
  // drawn; later ones come from the scroll and resize events.
  const [firstViewport] = useState(() => ({ scrollTop: view.scrollTop, scrollLeft: 0, width: client.width, height: client.height }));

  // The name column fits the names of the runs first shown; it does not change width as more arrive.
  const [nameWidth] = useState(() => fittedNameWidth(data.runNames, `500 13px ${getComputedStyle(document.body).fontFamily}`));
  // A boolean first, so that a live patch (new data, users as before) keeps the same columns.
  const noUsers = useMemo(() => data.userIds.every((user) => !user), [data]);
  const emptyUser = useMemo(() => (noUsers ? new Set(['attr:user']) : undefined), [noUsers]);
  // A live run's new keys usually leave the shown columns as they were: the same list then, so the header and rows stay.
  const lastSpecs = useRef<readonly RunsTableColumnSpec[]>([]);
  const shownSpecs = useMemo(() => {
    const next = chosenValueSpecs(layout, data.keys);
    const last = lastSpecs.current;
    const same = (a: RunsTableColumnSpec, b: RunsTableColumnSpec | undefined) => b !== undefined && a.kind === b.kind && a.key === b.key && a.aggregate === b.aggregate;
    if (next.length === last.length && next.every((spec, i) => same(spec, last[i]))) return last;
    lastSpecs.current = next;
    return next;
  }, [layout, data.keys]);
  const columns = useMemo(
    () =>
      placeColumns(preview ? { ...layout, widths: { ...layout.widths, [preview.id]: preview.width } } : layout, shownSpecs, {
        emptyAttributes: emptyUser,
        nameWidth,
      }),
    [layout, shownSpecs, preview, emptyUser, nameWidth],
  );
  const width = CHECK_WIDTH + columns.reduce((sum, column) => sum + column.width, 0);
  const [nameColumn, restColumns] = useMemo(() => [columns[0]!, columns.slice(1)], [columns]);
  const sortColumn = useMemo(() => (sort ? columnForId(sort.columnId, layout) : null), [sort, layout]);
  // Running runs' durations are measured to this moment; it moves when the data does.
  const now = useMemo(() => (data ? Date.now() : 0), [data]);
  const order = useRowOrder(data, sortColumn, sort?.ascending ?? false, now);
  const metricColumnIds = useMemo(() => columns.filter((column) => column.kind === 'metric').map((column) => column.id).join('\n'), [columns]);
  const rows = useMemo(
    () =>
      buildTableRows(data, {
        order,
        groupBy,
        expanded,
        metricColumnIds: metricColumnIds ? metricColumnIds.split('\n') : [],
        groupSort: sort && sortColumn?.kind === 'metric' ? sort : null,
      }),
    [data, order, groupBy, expanded, metricColumnIds, sort, sortColumn],
  );
  // Group rows' means are read in the same column as the runs' values: they count for its format too.
  const groupMeans = useMemo(() => {
    // Without groups, the same empty map each time: a live patch's new rows then keep the formats below.
    if (!groupBy) return NO_GROUP_MEANS;
    const means = new Map<string, number[]>();
    for (let position = 0; position < rows.length; position++) {
      const row = rows.at(position);
      if (row.kind !== 'group') continue;
      for (const [id, stat] of row.stats) means.set(id, [...(means.get(id) ?? []), stat.mean]);
    }
    return means;
  }, [groupBy, rows]);
  // A live patch changes a few rows: the columns' formats stay (working them out reads every row).
  const lastFormats = useRef<{ runIds: readonly string[]; ids: string; means: typeof groupMeans; formats: ReadonlyMap<string, NumberFormat> } | null>(null);
  const formats = useMemo(() => {
    const last = lastFormats.current;
    if (last && data.patch && last.runIds === data.runIds && last.ids === metricColumnIds && last.means === groupMeans) return last.formats;
    const byColumn = new Map<string, NumberFormat>();
    for (const id of metricColumnIds ? metricColumnIds.split('\n') : []) {
      const column = data.columns.get(id);
      if (column?.type === 'number') byColumn.set(id, numberFormatFor(column.values, (row) => column.states[row] === MetricCellState.Value, groupMeans.get(id)));
    }
    lastFormats.current = { runIds: data.runIds, ids: metricColumnIds, means: groupMeans, formats: byColumn };
    return byColumn;
  }, [data, metricColumnIds, groupMeans]);
  const focusedIndex = focused === null ? -1 : rows.positionOf(focused);
  const groupLabel = groupBy ? (parseValueColumnId(groupBy)?.key ?? groupBy) : '';

  const { selection, toggleSelection } = useRowSelection({ data, rows, selected, anchor, actions });
  const { onMouseOver, onMouseLeave } = useCellTooltips({ columns, rows, data, groupLabel, onHover: (key) => painterRef.current?.setHovered(key) });

  useScrollRestore({
    scrollRef,
    viewKey: view.experimentId,
    filter: data.filter,
    readScrollTop: () => useAppStore.getState().runsTable.views[view.experimentId]?.scrollTop ?? 0,
    saveScrollTop: (scrollTop) => useAppStore.getState().setRunsScrollTop(scrollTop),
  });
  usePaintMarks(rows.length, sort, rows);

  // The painter draws the rows; it follows the scroll synchronously, and every render's state.
  const scrollPaint = useCallback(() => {
    const scroller = scrollRef.current;
    const painter = painterRef.current;
    if (!scroller || !painter) return;
    viewportRef.current?.style.setProperty('--scroll-left', `${scroller.scrollLeft}px`);
    painter.scroll({ scrollTop: scroller.scrollTop, scrollLeft: scroller.scrollLeft, width: scroller.clientWidth, height: scroller.clientHeight });
  }, []);
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller || !pinnedLayerRef.current || !restLayerRef.current) return;
    painterRef.current = new RunsTablePainter(pinnedLayerRef.current, restLayerRef.current);
    painterRef.current.scroll(firstViewport);
    scroller.addEventListener('scroll', scrollPaint, { passive: true });
    return () => {
      scroller.removeEventListener('scroll', scrollPaint);
      painterRef.current = null;
    };
  }, [scrollPaint, firstViewport]);
  const cells = useMemo(() => ({ data, groupLabel, now, colorOf: (runId: string) => colorBook.colorOf(runId), formats }), [data, groupLabel, now, colorBook, formats]);
  // What the rows were last painted with: after a live patch and nothing else, only the rows it changed are drawn again.
  const painted = useRef<{ version: number; unchanged: readonly unknown[] } | null>(null);
  useLayoutEffect(() => {
    const painter = painterRef.current;
    if (!painter) return;
    const unchanged = [nameColumn, restColumns, width, selected, focused, groupLabel, formats, colorBook];
    const last = painted.current;
    const onlyPatched = last !== null && data.patch?.fromVersion === last.version && unchanged.every((value, i) => value === last.unchanged[i]);
    painted.current = { version: data.version, unchanged };
    painter.update(
      {
        rows,
        nameColumn,
        restColumns,
        width,
        isSelected: (row) => isRowSelected(row, data, selected),
        focused,
        cells,
        assignColors: (runIds) => colorBook.assign(runIds),
      },
      onlyPatched && data.patch ? new Set(data.patch.rows.map((row) => data.runIds[row]!)) : null,
    );
  }, [rows, nameColumn, restColumns, width, data, selected, focused, cells, colorBook, groupLabel, formats]);
  // A new size: the rows and columns that came into view are drawn.
  const measured = useRef(client);
  useLayoutEffect(() => {
    if (measured.current === client) return;
    measured.current = client;
    scrollPaint();
  }, [client, scrollPaint]);

  const open = (row: TableRow) => {
    if (row.kind === 'run') navigate({ name: 'run', runId: row.key });
    else actions.toggleRunsRowExpanded(row.key);
  };

  const rowAt = (target: HTMLElement): { key: string; position: number } | null => {
    const key = target.closest<HTMLElement>('[data-row-key]')?.dataset.rowKey;
    const position = key === undefined ? -1 : rows.positionOf(key);
    return key === undefined || position < 0 ? null : { key, position };
  };

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const found = rowAt(target);
    if (!found) return;
    const row = rows.at(found.position);
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action === 'select') toggleSelection(row, found.position, event.shiftKey);
    else if (action === 'expand') actions.toggleRunsRowExpanded(found.key);
    actions.setRunsFocused(found.key);
    if (!target.closest('a')) scrollRef.current?.focus({ preventScroll: true });
  };

  const onKeyDown = useRowKeyboard({ scrollRef, rows, focusedIndex, groupBy, actions, toggleSelection, open });

  const onResize = useCallback((columnId: string, next: number, commit: boolean) => {
    if (commit) {
      setPreview(null);
      useAppStore.getState().resizeRunsColumn(columnId, next);
    } else {
      setPreview({ id: columnId, width: clampWidth(next) });
    }
  }, []);
  const onAggregate = useCallback((columnId: string, aggregate: MetricAggregate) => {
    useAppStore.getState().setRunsMetricAggregate(columnId, aggregate);
  }, []);
  const onToggleAll = useCallback(() => {
    const state = useAppStore.getState();
    if (selection === 'all') state.clearRunsSelection();
    else state.selectAllMatchingRuns();
  }, [selection]);

  const pinnedWidth = CHECK_WIDTH + nameColumn.width;
  const contentHeight = HEADER_HEIGHT + rows.length * ROW_HEIGHT;
  return (
    <div
      className="rt-scroll"
      ref={scrollRef}
      tabIndex={0}
      role="grid"
      aria-label="Runs"
      aria-rowcount={rows.length + 1}
      aria-multiselectable
      onKeyDown={onKeyDown}
      onClick={onClick}
      onMouseOver={onMouseOver}
      onMouseLeave={onMouseLeave}
      onDoubleClick={(event) => {
        const found = rowAt(event.target as HTMLElement);
        if (found && !(event.target as HTMLElement).closest('[data-action], a')) open(rows.at(found.position));
      }}
      data-testid="runs-table"
      data-row-count={rows.length}
      data-focused-index={focusedIndex}
    >
      <div className="rt-sizer" style={{ width, height: contentHeight }}>
        <div ref={viewportRef} className="rt-viewport" style={{ width: client.width, height: client.height }}>
          <RunsTableHeader
            columns={columns}
            width={width}
            sort={sort}
            selection={selection}
            selectableCount={data.runIds.length}
            onToggleAll={onToggleAll}
            onSort={actions.sortRunsBy}
            onResize={onResize}
            onMove={actions.moveRunsColumn}
            onAggregate={onAggregate}
          />
          <div className="rt-body" role="rowgroup">
            <div className="rt-layer rt-layer-rest" ref={restLayerRef} role="none" style={{ left: pinnedWidth }} />
            <div className="rt-layer rt-layer-pinned" ref={pinnedLayerRef} role="none" style={{ width: pinnedWidth }} />
          </div>
        </div>
      </div>
    </div>
  );
}
