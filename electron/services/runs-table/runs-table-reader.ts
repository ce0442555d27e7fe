// The runs table's read model: one page of an experiment's runs with the columns the table shows,
// as compact JSON. An interface, so that another database (PostgreSQL for teams) can answer it;
// sqlite-runs-table-reader.ts is the SQLite one.
import type { ViewType } from '../../../shared/models';
import type { RunsTableColumnSpec, RunsTablePage } from '../../../shared/runs-table';

/** A runs table request, as the contract validates it. */
export interface RunsTableRequest {
  readonly experimentId: string;
  readonly filter: string;
  readonly orderBy: readonly string[];
  /** The value columns; the defaults for the experiment's keys when absent. */
  readonly columns?: readonly RunsTableColumnSpec[];
  readonly offset: number;
  readonly limit: number;
  /** Only these runs (those of them that match): a live refresh of runs that changed. */
  readonly runIds?: readonly string[];
  readonly includeKeys: boolean;
  /** Whether to count every match when the page does not hold them all (true when absent). */
  readonly count?: boolean;
  readonly viewType: ViewType;
}

/** Answers the runs table's requests. */
export interface RunsTableReader {
  /**
   * One page of the table, read from one snapshot of the database. Throws RESOURCE_DOES_NOT_EXIST for
   * an unknown experiment, INVALID_PARAMETER_VALUE (with a position) for a malformed filter or order.
   */
  query(request: RunsTableRequest): RunsTablePage;
}
