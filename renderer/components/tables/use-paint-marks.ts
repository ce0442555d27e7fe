// Performance marks for bench/ui-runs-table-bench.ts: when the first rows and each new sort were
// painted (the frame after they rendered).
import { useEffect, useRef } from 'react';
import type { SortSpec } from '../../models/runs-table/run-order';
import { RUNS_TABLE_MARKS } from '../../models/runs-table/runs-table-marks';

/** Sets a performance mark at the start of the frame after the next: the next frame has been painted by then. */
function markAfterPaint(name: string): void {
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark(name)));
}

/** Marks the first paint of rows, and the paint of each new sort. */
export function usePaintMarks(rowCount: number, sort: SortSpec | null, rows: unknown) {
  const firstPainted = useRef(false);
  useEffect(() => {
    if (firstPainted.current || rowCount === 0) return;
    firstPainted.current = true;
    markAfterPaint(RUNS_TABLE_MARKS.firstRowsPainted);
  }, [rowCount]);
  const paintedSort = useRef(sort);
  useEffect(() => {
    if (paintedSort.current === sort) return;
    paintedSort.current = sort;
    markAfterPaint(RUNS_TABLE_MARKS.sortPainted);
  }, [sort, rows]);
}
