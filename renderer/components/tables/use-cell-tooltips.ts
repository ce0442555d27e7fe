// Hover in the runs table: which row is under the pointer (drawn highlighted), and each cell's
// tooltip, worked out when the pointer reaches the cell rather than for every cell rendered.
import { useState, type MouseEvent } from 'react';
import type { PlacedColumn } from '../../models/runs-table/runs-table-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';
import type { TableRow } from '../../models/runs-table/runs-table-rows';
import { cellTitle } from './runs-table-cells';

/** The hovered row's key, and the grid's mouseover and mouseleave handlers. */
export function useCellTooltips(options: {
  readonly columns: readonly PlacedColumn[];
  readonly rows: readonly TableRow[];
  readonly rowIndex: ReadonlyMap<string, number>;
  readonly data: RunsTableData;
  readonly groupLabel: string;
}) {
  const { columns, rows, rowIndex, data, groupLabel } = options;
  const [hovered, setHovered] = useState<string | null>(null);

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

  return { hovered, onMouseOver, onMouseLeave: () => setHovered(null) };
}
