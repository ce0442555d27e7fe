// Names of the performance marks the runs table sets, read by bench/ui-runs-table-bench.ts.

/** Performance mark names (performance.mark) of the runs table's moments. */
export const RUNS_TABLE_MARKS = {
  /** An experiment's table was asked for. */
  opened: 'cairn:runs-table:opened',
  /** Its first rows were painted (a frame after they rendered). */
  firstRowsPainted: 'cairn:runs-table:first-rows-painted',
  /** A header was clicked to sort. */
  sortRequested: 'cairn:runs-table:sort-requested',
  /** The sorted rows were painted. */
  sortPainted: 'cairn:runs-table:sort-painted',
} as const;
