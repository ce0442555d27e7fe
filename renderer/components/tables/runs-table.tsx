// The runs table: a virtualised grid (only rows in view are in the DOM, placed by transform at a
// fixed height) over the open experiment's loaded runs, sorted, nested and grouped here. Choices
// go to the store; this component only arranges and reports them. Its parts live beside it:
// selection (use-row-selection.ts), keyboard (use-row-keyboard.ts), tooltips and hover
// (use-cell-tooltips.ts), scroll restore (use-scroll-restore.ts), benchmark marks (use-paint-marks.ts).
import { useCallback, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { MetricAggregate } from '../../../shared/runs-table';
import { sortRows } from '../../models/runs-table/run-order';
import { chosenValueSpecs, clampWidth, columnForId, parseValueColumnId, placeColumns } from '../../models/runs-table/runs-table-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';
import { buildTableRows, type TableRow } from '../../models/runs-table/runs-table-rows';
import { navigate } from '../../router';
import type { RunsTableView } from '../../stores/runs-table-slice';
import { useAppStore } from '../../use-app-store';
import { HEADER_HEIGHT, RunsTableHeader } from './runs-table-header';
import { CHECK_WIDTH, ROW_HEIGHT, RowPart } from './runs-table-row';
import { useCellTooltips } from './use-cell-tooltips';
import { usePaintMarks } from './use-paint-marks';
import { useRowKeyboard } from './use-row-keyboard';
import { isRowSelected, useRowSelection } from './use-row-selection';
import { useScrollRestore } from './use-scroll-restore';
import { useVirtualRows } from './use-virtual-rows';
import { useVisibleColumns } from './use-visible-columns';

/** The grid of one experiment's runs; `view` must have data. */
export function RunsTable({ view, data }: { view: RunsTableView; data: RunsTableData }) {
  const { sort, groupBy, expanded, selected, focused, layout, anchor } = view;
  const actions = useAppStore.getState();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [preview, setPreview] = useState<{ id: string; width: number } | null>(null);

  const shownSpecs = useMemo(() => chosenValueSpecs(layout, data.keys), [layout, data.keys]);
  const columns = useMemo(
    () => placeColumns(preview ? { ...layout, widths: { ...layout.widths, [preview.id]: preview.width } } : layout, shownSpecs),
    [layout, shownSpecs, preview],
  );
  const width = CHECK_WIDTH + columns.reduce((sum, column) => sum + column.width, 0);
  // The name column is pinned: drawn in a pane that stays in view when scrolling sideways.
  const [pinnedColumns, restColumns] = useMemo(() => [columns.slice(0, 1), columns.slice(1)], [columns]);
  const nameWidth = pinnedColumns[0]?.width ?? 0;
  const pinnedWidth = CHECK_WIDTH + nameWidth;
  const [firstColumn, lastColumn] = useVisibleColumns(scrollRef, restColumns, CHECK_WIDTH);
  const restInView = useMemo(() => restColumns.slice(firstColumn, lastColumn), [restColumns, firstColumn, lastColumn]);
  const sortColumn = useMemo(() => (sort ? columnForId(sort.columnId, layout) : null), [sort, layout]);
  // Running runs' durations are measured to this moment; it moves when the data does.
  const now = useMemo(() => (data ? Date.now() : 0), [data]);
  const order = useMemo(() => sortRows(data, sortColumn, sort?.ascending ?? false, now), [data, sortColumn, sort, now]);
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
  const rowIndex = useMemo(() => new Map(rows.map((row, index) => [row.key, index])), [rows]);
  const focusedIndex = focused === null ? -1 : (rowIndex.get(focused) ?? -1);
  const range = useVirtualRows(scrollRef, rows.length, ROW_HEIGHT, HEADER_HEIGHT);
  const groupLabel = groupBy ? (parseValueColumnId(groupBy)?.key ?? groupBy) : '';

  const { selection, toggleSelection } = useRowSelection({ data, rows, rowIndex, selected, anchor, actions });
  const { hovered, onMouseOver, onMouseLeave } = useCellTooltips({ columns, rows, rowIndex, data, groupLabel });

  useScrollRestore({
    scrollRef,
    viewKey: view.experimentId,
    filter: data.filter,
    readScrollTop: () => useAppStore.getState().runsTable.views[view.experimentId]?.scrollTop ?? 0,
    saveScrollTop: (scrollTop) => useAppStore.getState().setRunsScrollTop(scrollTop),
  });
  usePaintMarks(rows.length, sort, rows);

  const open = (row: TableRow) => {
    if (row.kind === 'run') navigate({ name: 'run', runId: row.key });
    else actions.toggleRunsRowExpanded(row.key);
  };

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const rowElement = target.closest<HTMLElement>('[data-row-key]');
    const key = rowElement?.dataset.rowKey;
    const index = key === undefined ? undefined : rowIndex.get(key);
    if (key === undefined || index === undefined) return;
    const row = rows[index] as TableRow;
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action === 'select') toggleSelection(row, index, event.shiftKey);
    else if (action === 'expand') actions.toggleRunsRowExpanded(key);
    actions.setRunsFocused(key);
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

  const visible: TableRow[] = rows.slice(range.start, range.end);
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
        const key = (event.target as HTMLElement).closest<HTMLElement>('[data-row-key]')?.dataset.rowKey;
        const index = key === undefined ? undefined : rowIndex.get(key);
        if (index !== undefined && !(event.target as HTMLElement).closest('[data-action], a')) open(rows[index] as TableRow);
      }}
      data-testid="runs-table"
      data-row-count={rows.length}
      data-focused-index={focusedIndex}
    >
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
      <div className="rt-body" role="rowgroup" style={{ height: rows.length * ROW_HEIGHT, width }}>
        {[true, false].map((pinned) => (
          <div
            key={pinned ? 'pinned' : 'rest'}
            className={`rt-pane${pinned ? ' rt-pane-pinned' : ''}`}
            role="none"
            style={{ width: pinned ? pinnedWidth : width - pinnedWidth, height: rows.length * ROW_HEIGHT }}
          >
            {visible.map((row, offset) => {
              const position = range.start + offset;
              // Keyed by slot: a row scrolled out lends its elements to the row scrolled in.
              const slot = position % range.length;
              return (
                <RowPart
                  key={slot}
                  row={row}
                  position={position}
                  slot={slot}
                  pinned={pinned}
                  columns={pinned ? pinnedColumns : restInView}
                  offset={nameWidth}
                  width={pinned ? pinnedWidth : width - pinnedWidth}
                  data={data}
                  selected={isRowSelected(row, data, selected)}
                  focused={position === focusedIndex}
                  hovered={row.key === hovered}
                  groupLabel={groupLabel}
                  now={now}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
