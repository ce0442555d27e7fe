// One row of the runs table (a run or a group), drawn in two parts: the pinned part (selection
// box and name, which stay in view when scrolling sideways) and the rest, of which only the
// columns in view are drawn, each at its column's offset. Parts are absolutely
// placed at their row's offset, memoised, and keyed by their slot in the rendered window, so
// while scrolling the rows leaving the view are reused for those entering it and the others do
// not render at all.
import { memo } from 'react';
import type { PlacedColumn } from '../../models/runs-table/runs-table-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';
import type { TableRow } from '../../models/runs-table/runs-table-rows';
import { GroupCell, RunCell } from './runs-table-cells';

/** Height of every row, in pixels. */
export const ROW_HEIGHT = 32;
/** Width of the selection column, in pixels. */
export const CHECK_WIDTH = 36;

/** What a row part needs; everything but `row` and the flags is shared by all rows of a render. */
export interface RowPartProps {
  readonly row: TableRow;
  readonly position: number;
  /** The slot the part occupies in the rendered window (ties the two parts of a row together). */
  readonly slot: number;
  /** Whether this is the pinned part (selection box and name). */
  readonly pinned: boolean;
  /** The columns to draw: in the pinned part its only column, in the rest those in view. */
  readonly columns: readonly PlacedColumn[];
  /** The rest part places its cells at their column's offset less this. */
  readonly offset: number;
  readonly width: number;
  readonly data: RunsTableData;
  /** Whether the run (or, for a group, every run in it) is selected. */
  readonly selected: boolean;
  readonly focused: boolean;
  readonly hovered: boolean;
  readonly groupLabel: string;
  readonly now: number;
}

function cellClass(column: PlacedColumn): string {
  const flex = column.kind === 'attribute' && (column.attribute === 'name' || column.attribute === 'status');
  return `rt-cell rt-${column.kind}${flex ? ' rt-flex' : ''}`;
}

/** One part of a run's or a group's row. */
export const RowPart = memo(function RowPart(props: RowPartProps) {
  const { row, position, slot, pinned, columns, offset, width, data, selected, focused, hovered, groupLabel, now } = props;
  const isGroup = row.kind === 'group';
  const name = isGroup ? `group ${row.value ?? 'not set'}` : (data.runNames[row.index] ?? row.key);
  const className = `rt-row${isGroup ? ' rt-group-row' : ''}${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}${hovered ? ' is-hovered' : ''}`;
  const cells = columns.map((column) => (
    <div
      key={column.id}
      role="gridcell"
      className={cellClass(column)}
      style={pinned ? { width: column.width } : { left: column.left - offset, width: column.width }}
      data-column={column.id}
    >
      {row.kind === 'group' ? <GroupCell column={column} row={row} groupLabel={groupLabel} /> : <RunCell column={column} row={row} data={data} now={now} />}
    </div>
  ));
  const style = { transform: `translateY(${position * ROW_HEIGHT}px)`, width };
  if (!pinned) {
    return (
      <div role="none" id={`rt-rest-${slot}`} className={`${className} rt-row-rest`} style={style} data-row-key={row.key}>
        {cells}
      </div>
    );
  }
  return (
    <div
      role="row"
      aria-rowindex={position + 2}
      aria-selected={selected}
      aria-owns={`rt-rest-${slot}`}
      className={`${className} rt-row-pinned`}
      style={style}
      data-row-key={row.key}
      data-testid={isGroup ? 'group-row' : 'run-row'}
      data-run-id={isGroup ? undefined : row.key}
      data-depth={isGroup ? undefined : row.depth}
    >
      <div role="gridcell" className="rt-cell rt-check" style={{ width: CHECK_WIDTH }}>
        {/* Drawn with CSS rather than a native box: a screenful of native boxes costs more to lay out and paint. */}
        <span className="rt-checkbox" role="checkbox" aria-checked={selected} aria-label={`Select ${name}`} data-action="select" />
      </div>
      {cells}
    </div>
  );
});
