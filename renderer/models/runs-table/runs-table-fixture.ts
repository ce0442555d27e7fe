// Builds runs table pages in tests the way the main side packs them.
import type { RunStatus } from '../../../shared/models';
import type { RunsTableColumnSpec, RunsTablePage } from '../../../shared/runs-table';

/** A run as a test writes it: attributes plus cell values by column key. */
export interface TestRun {
  readonly id: string;
  readonly name?: string;
  readonly status?: RunStatus;
  readonly start?: number;
  readonly parent?: string | null;
  readonly values?: Readonly<Record<string, string | number>>;
}

/** A page holding these runs, in this order, with these columns (NaN metric values are sent as "NaN"). */
export function testPage(runs: readonly TestRun[], columns: readonly RunsTableColumnSpec[], total = runs.length): RunsTablePage {
  const cells = { param: [[], [], []], metric: [[], [], []], tag: [[], [], []] } as Record<string, [number[], number[], unknown[]]>;
  runs.forEach((run, row) => {
    columns.forEach((spec, column) => {
      const value = run.values?.[spec.key];
      if (value === undefined) return;
      const target = cells[spec.kind] as [number[], number[], unknown[]];
      target[0].push(row);
      target[1].push(column);
      target[2].push(typeof value === 'number' && Number.isNaN(value) ? 'NaN' : value);
    });
  });
  return {
    total,
    offset: 0,
    columns,
    keys: null,
    runsJson: JSON.stringify({
      runIds: runs.map((run) => run.id),
      runNames: runs.map((run) => run.name ?? run.id),
      statuses: runs.map((run) => run.status ?? 'FINISHED'),
      startTimes: runs.map((run, index) => run.start ?? 1000 - index),
      endTimes: runs.map((run, index) => (run.status === 'RUNNING' ? null : (run.start ?? 1000 - index) + 10)),
      userIds: runs.map(() => 'ada'),
      parentRunIds: runs.map((run) => run.parent ?? null),
    }),
    cells: { params: JSON.stringify(cells.param), metrics: JSON.stringify(cells.metric), tags: JSON.stringify(cells.tag) },
  };
}
