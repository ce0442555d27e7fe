// What the runs table asks the main side for: the value columns a view needs, and its first
// window of rows. The store builds its requests here, and so does the page's first script
// (renderer/boot.ts), which sends a linked table's first window before the app's code has loaded:
// both must build the same request for the store to take the early answer.
import type { CallRequest } from '../../../shared/contract';
import { FIRST_WINDOW_ROWS, type ExperimentKeys, type RunsTableColumnSpec } from '../../../shared/runs-table';
import { chosenValueSpecs, requestedSpecs, type ColumnLayout } from './runs-table-columns';

/** What the columns a view needs depend on. */
export interface ColumnNeeds {
  readonly layout: ColumnLayout;
  readonly groupBy: string | null;
  /** The experiment's keys, once loaded. */
  readonly keys: ExperimentKeys | null;
}

/** The value columns a view needs loaded, or undefined for the main side's defaults (keys not known yet). */
export function neededSpecs({ layout, groupBy, keys }: ColumnNeeds): RunsTableColumnSpec[] | undefined {
  if (!keys && layout.chosen === null && layout.defaults === null) return undefined;
  const shown = chosenValueSpecs(layout, keys ?? { params: [], metrics: [], tags: [] });
  return requestedSpecs(shown, groupBy);
}

/** The request for a table's first window of rows (counted unless filtered: a filter's matches are counted with the full load). */
export function firstWindowRequest(
  experimentId: string,
  filter: string,
  orderBy: string[],
  columns: RunsTableColumnSpec[] | undefined,
): CallRequest<'getRunsTable'> {
  return { experimentId, filter, orderBy, columns, limit: FIRST_WINDOW_ROWS, includeKeys: false, count: !filter };
}
