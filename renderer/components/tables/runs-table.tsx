// The runs table: a virtualised grid (only rows in view are in the DOM, placed by transform at a
// fixed height) over the open experiment's loaded runs, sorted, nested and grouped here. Choices
// go to the store; this component only arranges and reports them. Keyboard: arrows move the
// focused row (Shift extends the selection), Space selects it, Enter opens it, ←/→ fold.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { MetricAggregate } from '../../../shared/runs-table';
import { navigate } from '../../router';
import { useAppStore } from '../../use-app-store';
import type { RunsTableView } from '../../stores/runs-table-slice';
import { sortRows } from '../../models/runs-table/run-order';
import { chosenValueSpecs, clampWidth, columnForId, parseValueColumnId, placeColumns } from '../../models/runs-table/runs-table-columns';
import { HEADER_HEIGHT, RunsTableHeader } from './runs-table-header';
import { RUNS_TABLE_MARKS } from '../../models/runs-table/runs-table-marks';
import { cellTitle } from './runs-table-cells';
import { CHECK_WIDTH, ROW_HEIGHT, RowPart } from './runs-table-row';
import { buildTableRows, type TableRow } from '../../models/runs-table/runs-table-rows';
import { useVirtualRows } from './use-virtual-rows';
import { useVisibleColumns } from './use-visible-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';

/** Sets a performance mark at the start of the frame after the next: the next frame has been painted by then. */
function markAfterPaint(name: string): void {
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark(name)));
}

function runIdsOf(row: TableRow, data: RunsTableData): string[] {
  return row.kind === 'run' ? [row.key] : row.members.map((index) => data.runIds[index] as string);
}

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
  const [hovered, setHovered] = useState<string | null>(null);
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

  const selectedCount = useMemo(() => data.runIds.reduce((count, runId) => count + (selected.has(runId) ? 1 : 0), 0), [data, selected]);
  const selection = selectedCount === 0 ? 'none' : selectedCount === data.runIds.length ? 'all' : 'some';

  // Scroll position survives leaving the page; a new filter starts at the top.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element) element.scrollTop = useAppStore.getState().runsTable.views[view.experimentId]?.scrollTop ?? 0;
    return () => {
      if (element) useAppStore.getState().setRunsScrollTop(element.scrollTop);
    };
  }, [view.experimentId]);
  const shownFilter = useRef(data.filter);
  useLayoutEffect(() => {
    if (shownFilter.current === data.filter) return;
    shownFilter.current = data.filter;
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [data.filter]);

  // Performance marks for bench/ui-runs-table-bench.ts.
  const firstPainted = useRef(false);
  useEffect(() => {
    if (firstPainted.current || rows.length === 0) return;
    firstPainted.current = true;
    markAfterPaint(RUNS_TABLE_MARKS.firstRowsPainted);
  }, [rows.length]);
  const paintedSort = useRef(sort);
  useEffect(() => {
    if (paintedSort.current === sort) return;
    paintedSort.current = sort;
    markAfterPaint(RUNS_TABLE_MARKS.sortPainted);
  }, [sort, rows]);

  const scrollIntoView = useCallback((index: number) => {
    const element = scrollRef.current;
    if (!element) return;
    const top = index * ROW_HEIGHT;
    const bodyHeight = element.clientHeight - HEADER_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + bodyHeight) element.scrollTop = top + ROW_HEIGHT - bodyHeight;
  }, []);

  const toggleSelection = (row: TableRow, index: number, range: boolean) => {
    const ids = runIdsOf(row, data);
    const select = !ids.every((runId) => selected.has(runId));
    const anchorIndex = anchor === null ? -1 : (rowIndex.get(anchor) ?? -1);
    if (range && anchorIndex >= 0) {
      const [from, to] = anchorIndex < index ? [anchorIndex, index] : [index, anchorIndex];
      actions.setRunsSelected(rows.slice(from, to + 1).flatMap((one) => runIdsOf(one, data)), select);
    } else {
      actions.setRunsSelected(ids, select);
    }
    actions.setRunsAnchor(row.key);
  };

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

  // Tooltips are worked out when the pointer reaches a cell, not for every cell rendered.
  const onMouseOver = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const key = target.closest<HTMLElement>('[data-row-key]')?.dataset.rowKey;
    if ((key ?? null) !== hovered) setHovered(key ?? null);
    const cell = target.closest<HTMLElement>('.rt-cell[data-column]');
    const index = key === undefined ? undefined : rowIndex.get(key);
    const column = columns.find((one) => one.id === cell?.dataset.column);
    if (!cell || index === undefined || !column) return;
    const title = cellTitle(column, rows[index] as TableRow, data, groupLabel);
    if (cell.title !== title) cell.title = title;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget || rows.length === 0) return;
    const current = focusedIndex >= 0 ? (rows[focusedIndex] as TableRow) : null;
    const pageRows = Math.max(1, Math.floor(((scrollRef.current?.clientHeight ?? 0) - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = focusedIndex < 0 ? 0 : Math.min(rows.length - 1, focusedIndex + 1);
        break;
      case 'ArrowUp':
        next = focusedIndex < 0 ? 0 : Math.max(0, focusedIndex - 1);
        break;
      case 'PageDown':
        next = Math.min(rows.length - 1, Math.max(0, focusedIndex) + pageRows);
        break;
      case 'PageUp':
        next = Math.max(0, focusedIndex - pageRows);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      case ' ':
        event.preventDefault();
        if (current) toggleSelection(current, focusedIndex, event.shiftKey);
        return;
      case 'Enter':
        event.preventDefault();
        if (current) open(current);
        return;
      case 'ArrowRight':
        if (current && (current.kind === 'group' || current.childCount > 0) && !current.expanded) {
          event.preventDefault();
          actions.toggleRunsRowExpanded(current.key);
        }
        return;
      case 'ArrowLeft': {
        if (!current) return;
        event.preventDefault();
        if (current.expanded) {
          actions.toggleRunsRowExpanded(current.key);
          return;
        }
        // Up to the parent run, or to the group.
        if (current.kind === 'group' || (!groupBy && current.depth === 0)) return;
        for (let i = focusedIndex - 1; i >= 0; i--) {
          const candidate = rows[i] as TableRow;
          if (groupBy ? candidate.kind === 'group' : candidate.kind === 'run' && candidate.depth < current.depth) {
            actions.setRunsFocused(candidate.key);
            scrollIntoView(i);
            return;
          }
        }
        return;
      }
      default:
        return;
    }
    event.preventDefault();
    const row = rows[next] as TableRow;
    if (event.shiftKey && row.kind === 'run') actions.setRunsSelected([row.key], true);
    actions.setRunsFocused(row.key);
    scrollIntoView(next);
  };

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
      onMouseLeave={() => setHovered(null)}
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
              const isSelected =
                row.kind === 'run' ? selected.has(row.key) : row.members.every((index) => selected.has(data.runIds[index] as string));
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
                  selected={isSelected}
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
