// Hover in the runs table: which row is under the pointer (drawn highlighted by the painter), and
// each cell's tooltip, worked out when the pointer reaches the cell rather than for every cell drawn.
import { useRef, type MouseEvent } from 'react';
import type { PlacedColumn } from '../../models/runs-table/runs-table-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';
import type { TableRows } from '../../models/runs-table/runs-table-rows';
import { cellTitle } from './runs-table-cells';

/** The grid's mouseover and mouseleave handlers; `onHover` hears the hovered row's key. */
export function useCellTooltips(options: {
  readonly columns: readonly PlacedColumn[];
  readonly rows: TableRows;
  readonly data: RunsTableData;
  readonly groupLabel: string;
  readonly onHover: (key: string | null) => void;
}) {
  const { columns, rows, data, groupLabel, onHover } = options;
  const hovered = useRef<string | null>(null);
  const hover = (key: string | null) => {
    if (hovered.current === key) return;
    hovered.current = key;
    onHover(key);
  };

  const onMouseOver = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const key = target.closest<HTMLElement>('[data-row-key]')?.dataset.rowKey;
    hover(key ?? null);
    const cell = target.closest<HTMLElement>('.rt-cell[data-column]');
    const position = key === undefined ? -1 : rows.positionOf(key);
    const column = columns.find((one) => one.id === cell?.dataset.column);
    if (!cell || position < 0 || !column) return;
    const title = cellTitle(column, rows.at(position), data, groupLabel);
    if (cell.title !== title) cell.title = title;
  };

  return { onMouseOver, onMouseLeave: () => hover(null) };
}
