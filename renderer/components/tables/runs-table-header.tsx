// The runs table's header: a select-all box, and per column its name, sort direction, a metric's
// latest/min/max switch, a handle to drag its width, and dragging the name to move the column.
import { memo, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { MetricAggregate } from '../../../shared/runs-table';
import type { SortSpec } from '../../models/runs-table/run-order';
import { defaultColumnWidth, NAME_COLUMN_ID, type PlacedColumn } from '../../models/runs-table/runs-table-columns';
import { CHECK_WIDTH, HEADER_HEIGHT } from './runs-table-geometry';

const NEXT_AGGREGATE: Record<MetricAggregate, MetricAggregate> = { latest: 'min', min: 'max', max: 'latest' };
const DRAG_THRESHOLD = 5;

/** What the header shows and reports. */
export interface RunsTableHeaderProps {
  readonly columns: readonly PlacedColumn[];
  readonly width: number;
  readonly sort: SortSpec | null;
  readonly selection: 'none' | 'some' | 'all';
  readonly selectableCount: number;
  onToggleAll(): void;
  onSort(columnId: string): void;
  /** A width while dragging (commit false) and when the drag ends (commit true). */
  onResize(columnId: string, width: number, commit: boolean): void;
  onMove(columnId: string, beforeId: string | null): void;
  onAggregate(columnId: string, aggregate: MetricAggregate): void;
}

/** The header row. */
export const RunsTableHeader = memo(function RunsTableHeader(props: RunsTableHeaderProps) {
  const { columns, width, sort, selection, selectableCount } = props;
  const headerRef = useRef<HTMLDivElement>(null);
  const checkRef = useRef<HTMLInputElement>(null);
  const draggedRef = useRef(false);
  const [drag, setDrag] = useState<{ columnId: string; beforeId: string | null; x: number } | null>(null);

  useEffect(() => {
    if (checkRef.current) checkRef.current.indeterminate = selection === 'some';
  }, [selection]);

  const dropTarget = (clientX: number): { beforeId: string | null; x: number } => {
    const left = headerRef.current?.getBoundingClientRect().left ?? 0;
    const x = clientX - left - CHECK_WIDTH;
    for (const column of columns) {
      if (column.id === NAME_COLUMN_ID) continue;
      if (column.left + column.width / 2 > x) return { beforeId: column.id, x: column.left };
    }
    const last = columns.at(-1);
    return { beforeId: null, x: last ? last.left + last.width : 0 };
  };

  const startMove = (event: ReactPointerEvent<HTMLDivElement>, column: PlacedColumn) => {
    if (event.button !== 0 || column.id === NAME_COLUMN_ID) return;
    if ((event.target as HTMLElement).closest('.rt-resize, .rt-aggregate')) return;
    const startX = event.clientX;
    const target = event.currentTarget;
    draggedRef.current = false;
    let moving = false;
    let last: { beforeId: string | null; x: number } | null = null;
    const onMove = (move: PointerEvent) => {
      if (!moving && Math.abs(move.clientX - startX) < DRAG_THRESHOLD) return;
      if (!moving) {
        moving = true;
        draggedRef.current = true;
        target.setPointerCapture(event.pointerId);
      }
      last = dropTarget(move.clientX);
      setDrag({ columnId: column.id, ...last });
    };
    const onUp = () => {
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      setDrag(null);
      if (moving && last && last.beforeId !== column.id) props.onMove(column.id, last.beforeId);
    };
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
  };

  const startResize = (event: ReactPointerEvent<HTMLDivElement>, column: PlacedColumn) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX;
    let latest = column.width;
    const onMove = (move: PointerEvent) => {
      latest = column.width + move.clientX - startX;
      props.onResize(column.id, latest, false);
    };
    const onUp = () => {
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      props.onResize(column.id, latest, true);
    };
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
  };

  const headCell = (column: PlacedColumn) => {
    const sorted = sort?.columnId === column.id ? sort : null;
    return (
      <div
        key={column.id}
        role="columnheader"
        aria-sort={sorted ? (sorted.ascending ? 'ascending' : 'descending') : 'none'}
        className={`rt-head-cell rt-${column.kind}${drag?.columnId === column.id ? ' is-dragging' : ''}`}
        style={{ width: column.width }}
        onPointerDown={(event) => startMove(event, column)}
        data-testid={`column-header-${column.id}`}
        data-column={column.id}
      >
        {column.kind !== 'attribute' && (
          <span className="rt-head-meta">
            <span className={`rt-kind rt-kind-${column.kind}`}>{column.kind}</span>
            {column.kind === 'metric' && (
              <button
                type="button"
                className={`rt-aggregate${column.aggregate !== 'latest' ? ' is-active' : ''}`}
                title={`Showing the ${column.aggregate} value of ${column.label}; click for the ${NEXT_AGGREGATE[column.aggregate]}`}
                onClick={() => props.onAggregate(column.id, NEXT_AGGREGATE[column.aggregate])}
                data-testid={`aggregate-toggle-${column.id}`}
              >
                {column.aggregate}
              </button>
            )}
          </span>
        )}
        <button
          type="button"
          className="rt-sort"
          title={`${column.label}: click to sort${column.id === NAME_COLUMN_ID ? '' : ', drag to move'}`}
          onClick={() => {
            if (!draggedRef.current) props.onSort(column.id);
            draggedRef.current = false;
          }}
        >
          <span className="rt-head-label">{column.label}</span>
          {sorted && (
            <span className="rt-sort-arrow" aria-hidden>
              {sorted.ascending ? '↑' : '↓'}
            </span>
          )}
        </button>
        <div
          className="rt-resize"
          role="separator"
          aria-orientation="vertical"
          aria-label={`Resize ${column.label}`}
          onPointerDown={(event) => startResize(event, column)}
          onDoubleClick={() => props.onResize(column.id, defaultColumnWidth(column), true)}
          data-testid={`column-resize-${column.id}`}
        />
      </div>
    );
  };

  return (
    <div className="rt-header" role="row" aria-rowindex={1} ref={headerRef} style={{ width, height: HEADER_HEIGHT }} data-testid="runs-table-header">
      <div className="rt-head-pinned">
        <div role="columnheader" className="rt-head-cell rt-check" style={{ width: CHECK_WIDTH }}>
          <input
            ref={checkRef}
            type="checkbox"
            checked={selection === 'all'}
            disabled={selectableCount === 0}
            onChange={props.onToggleAll}
            aria-label={selection === 'all' ? 'Deselect every run' : `Select all ${selectableCount} runs matching the filter`}
            data-testid="select-all-checkbox"
          />
        </div>
        {columns.slice(0, 1).map(headCell)}
      </div>
      {columns.slice(1).map(headCell)}
      {drag && <div className="rt-drop-indicator" style={{ left: CHECK_WIDTH + drag.x }} aria-hidden />}
    </div>
  );
});
