// The order of the table's rows: sorted in full when the data or the sort changes, and, when a
// live refresh patched a few rows in place (runs-table-data.ts), only those rows are taken out and
// put back where they now belong, so a run logging into a table of 100,000 runs costs a handful
// of comparisons, not a sort.
import { useMemo, useRef } from 'react';
import { repositionRows, rowComparator, sortRows } from '../../models/runs-table/run-order';
import type { TableColumn } from '../../models/runs-table/runs-table-columns';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';

/** Row indexes of the data in display order. */
export function useRowOrder(data: RunsTableData, column: TableColumn | null, ascending: boolean, now: number): Int32Array {
  const last = useRef<{ version: number; column: TableColumn | null; ascending: boolean; order: Int32Array } | null>(null);
  return useMemo(() => {
    const previous = last.current;
    // Durations of running runs grow with `now`: a sort by duration is done again in full.
    const byDuration = column?.kind === 'attribute' && column.attribute === 'duration';
    const patchable =
      previous !== null &&
      data.patch !== null &&
      data.patch.fromVersion === previous.version &&
      previous.column === column &&
      previous.ascending === ascending &&
      !byDuration;
    const order = patchable ? repositionRows(previous.order, data.patch.rows, rowComparator(data, column, ascending, now)) : sortRows(data, column, ascending, now);
    last.current = { version: data.version, column, ascending, order };
    return order;
  }, [data, column, ascending, now]);
}
