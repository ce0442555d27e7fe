// Selecting runs in the runs table: a click on a row's box selects or deselects the run (or every
// run of a group or parent), Shift extends from the last clicked row, and the header box shows
// whether none, some or all of the matching runs are selected.
import { useMemo } from 'react';
import type { RunsTableData } from '../../models/runs-table/runs-table-data';
import type { TableRow, TableRows } from '../../models/runs-table/runs-table-rows';

/** How much of the matching runs is selected. */
export type SelectionState = 'none' | 'some' | 'all';

/** The store actions selection uses. */
export interface SelectionActions {
  setRunsSelected(runIds: readonly string[], selected: boolean): void;
  setRunsAnchor(runId: string | null): void;
}

/** The run ids a row stands for: its run, or a group's members. */
export function runIdsOf(row: TableRow, data: RunsTableData): string[] {
  return row.kind === 'run' ? [row.key] : row.members.map((index) => data.runIds[index] as string);
}

/** Whether a row shows as selected: its run is, or every member of its group is. */
export function isRowSelected(row: TableRow, data: RunsTableData, selected: ReadonlySet<string>): boolean {
  return row.kind === 'run' ? selected.has(row.key) : row.members.every((index) => selected.has(data.runIds[index] as string));
}

/** The table's selection: the header box's state, and toggling a row (with `range`, from the anchor to it). */
export function useRowSelection(options: {
  readonly data: RunsTableData;
  readonly rows: TableRows;
  readonly selected: ReadonlySet<string>;
  readonly anchor: string | null;
  readonly actions: SelectionActions;
}) {
  const { data, rows, selected, anchor, actions } = options;
  // Nothing selected (the usual case while a run logs): no pass over every loaded run on each live patch.
  const selectedCount = useMemo(
    () => (selected.size === 0 ? 0 : data.runIds.reduce((count, runId) => count + (selected.has(runId) ? 1 : 0), 0)),
    [data, selected],
  );
  const selection: SelectionState = selectedCount === 0 ? 'none' : selectedCount === data.runIds.length ? 'all' : 'some';

  const toggleSelection = (row: TableRow, index: number, range: boolean) => {
    const ids = runIdsOf(row, data);
    const select = !ids.every((runId) => selected.has(runId));
    const anchorIndex = anchor === null ? -1 : rows.positionOf(anchor);
    if (range && anchorIndex >= 0) {
      const [from, to] = anchorIndex < index ? [anchorIndex, index] : [index, anchorIndex];
      const inRange: string[] = [];
      for (let position = from; position <= to; position++) inRange.push(...runIdsOf(rows.at(position), data));
      actions.setRunsSelected(inRange, select);
    } else {
      actions.setRunsSelected(ids, select);
    }
    actions.setRunsAnchor(row.key);
  };

  return { selection, toggleSelection };
}
