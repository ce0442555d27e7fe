// The runs table's query: the runs of one experiment that match a search, in search order, with
// the param, metric and tag columns the table shows. Run attributes are read as rows; cell values
// are gathered by SQLite into JSON text, one statement per kind of column, which is several times
// faster than materialising every cell as a JavaScript value (see shared/runs-table.ts).
import { CairnError } from '../../../shared/errors';
import type { LifecycleStage, RunStatus, ViewType } from '../../../shared/models';
import {
  defaultRunsTableColumns,
  type ExperimentKeys,
  type MetricAggregate,
  type RunsTableCells,
  type RunsTableColumnSpec,
  type RunsTablePage,
  type RunsTableRuns,
} from '../../../shared/runs-table';
import type { SqliteDatabase } from '../tracker/database';
import { buildRunSearchSql } from '../tracker/run-search-sql';

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
  readonly viewType: ViewType;
}

type RunTuple = [string, string, RunStatus, number, number | null, string, string | null];

const RUN_FIELDS = ['run_uuid', 'name', 'status', 'start_time', 'end_time', 'user_id', 'parent_run_id'] as const;

const METRIC_VALUE_SQL: Readonly<Record<MetricAggregate, string>> = {
  latest: "CASE WHEN t.last_is_nan = 1 THEN 'NaN' ELSE t.last_value END",
  min: "CASE WHEN t.min_value IS NULL THEN 'NaN' ELSE t.min_value END",
  max: "CASE WHEN t.max_value IS NULL THEN 'NaN' ELSE t.max_value END",
};

/** Rows of this page, by position, joined to one kind of value. */
const PAGE_ROWS = 'WITH page AS (SELECT key AS row, value AS run_uuid FROM json_each(?))';

function stagesFor(viewType: ViewType): LifecycleStage[] {
  if (viewType === 'ACTIVE_ONLY') return ['active'];
  if (viewType === 'DELETED_ONLY') return ['deleted'];
  return ['active', 'deleted'];
}

/** Joins [rows, columns, values] array texts into one. */
function cellsJson(parts: ReadonlyArray<readonly [string, string, string] | null>): string {
  const present = parts.filter((part): part is readonly [string, string, string] => part !== null);
  const joined = [0, 1, 2].map((i) =>
    present
      .map((part) => (part[i] as string).slice(1, -1))
      .filter((inner) => inner.length > 0)
      .join(','),
  );
  return `[[${joined[0]}],[${joined[1]}],[${joined[2]}]]`;
}

/** Answers runs table requests from the tracker database. */
export class RunsTableService {
  constructor(private readonly db: SqliteDatabase) {}

  /** One page of the table. Throws INVALID_PARAMETER_VALUE (with a position) for a malformed filter or order. */
  query(request: RunsTableRequest): RunsTablePage {
    if (!this.db.prepare('SELECT 1 FROM experiments WHERE experiment_id = ?').get(Number(request.experimentId))) {
      throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No experiment with id ${request.experimentId} exists.`);
    }
    const stages = stagesFor(request.viewType);
    const search = buildRunSearchSql({
      experimentIds: [request.experimentId],
      filter: request.filter,
      orderBy: request.orderBy,
      stages,
    });
    const read = this.db.transaction(() => {
      const { rows, total } = this.readRuns(search, request);
      const runIds = rows.map((row) => row[0]);
      const keys = request.includeKeys ? this.readKeys(request, stages) : null;
      // Without the experiment's keys, the defaults come from the keys of the runs answered: a
      // first window is quick, and the full load that follows brings the keys.
      const columns = request.columns ?? defaultRunsTableColumns(keys ?? this.readKeys({ ...request, runIds }, stages));
      return { rows, total, keys, columns, cells: this.readCells(runIds, columns) };
    });
    const { rows, total, keys, columns, cells } = read();
    const runs: RunsTableRuns = {
      runIds: rows.map((row) => row[0]),
      runNames: rows.map((row) => row[1]),
      statuses: rows.map((row) => row[2]),
      startTimes: rows.map((row) => row[3]),
      endTimes: rows.map((row) => row[4]),
      userIds: rows.map((row) => row[5]),
      parentRunIds: rows.map((row) => row[6]),
    };
    return { total, offset: request.runIds ? 0 : request.offset, columns, keys, runsJson: JSON.stringify(runs), cells };
  }

  private readRuns(search: { sql: string; params: unknown[] }, request: RunsTableRequest): { rows: RunTuple[]; total: number } {
    if (request.runIds) {
      const rows = this.db
        .prepare(`SELECT ${RUN_FIELDS.join(', ')} FROM (${search.sql}) WHERE run_uuid IN (SELECT value FROM json_each(?))`)
        .raw()
        .all(...search.params, JSON.stringify(request.runIds)) as RunTuple[];
      return { rows, total: rows.length };
    }
    // The search's ORDER BY stays outermost, so the rows come in its order.
    const statement = this.db.prepare(`${search.sql}\nLIMIT ? OFFSET ?`).raw();
    const names = statement.columns().map((column) => column.name);
    const at = RUN_FIELDS.map((field) => names.indexOf(field));
    const rows = (statement.all(...search.params, request.limit, request.offset) as unknown[][]).map(
      (row) => at.map((index) => row[index]) as RunTuple,
    );
    const complete = rows.length < request.limit && (rows.length > 0 || request.offset === 0);
    const total = complete
      ? request.offset + rows.length
      : (this.db.prepare(`SELECT count(*) FROM (${search.sql})`).pluck().get(...search.params) as number);
    return { rows, total };
  }

  /** The keys logged to the requested runs, or to the whole experiment when the request names none, with how many runs use each. */
  private readKeys(request: RunsTableRequest, stages: readonly LifecycleStage[]): ExperimentKeys {
    const [scope, scopeParams] = request.runIds
      ? ['SELECT value FROM json_each(?)', [JSON.stringify(request.runIds)]]
      : [
          'SELECT run_uuid FROM runs WHERE experiment_id = ? AND lifecycle_stage IN (SELECT value FROM json_each(?))',
          [Number(request.experimentId), JSON.stringify(stages)],
        ];
    const paramRows = this.db
      .prepare(`SELECT key, count(*), min(value) <> max(value) FROM params WHERE run_uuid IN (${scope}) GROUP BY key ORDER BY key`)
      .raw()
      .all(...scopeParams) as Array<[string, number, number]>;
    const metricRows = this.db
      .prepare(`SELECT key, count(*) FROM metric_series WHERE run_uuid IN (${scope}) AND point_count > 0 GROUP BY key ORDER BY key`)
      .raw()
      .all(...scopeParams) as Array<[string, number]>;
    const tags = this.db
      .prepare(`SELECT DISTINCT key FROM tags WHERE run_uuid IN (${scope}) ORDER BY key`)
      .pluck()
      .all(...scopeParams) as string[];
    const runs = request.runIds
      ? (this.db.prepare(`SELECT count(*) FROM runs WHERE run_uuid IN (${scope})`).pluck().get(...scopeParams) as number)
      : (this.db.prepare(`SELECT count(*) FROM (${scope})`).pluck().get(...scopeParams) as number);
    return {
      params: paramRows.map(([key]) => key),
      metrics: metricRows.map(([key]) => key),
      tags,
      usage: {
        runs,
        params: Object.fromEntries(paramRows.map(([key, count, varies]) => [key, { runs: count, varies: varies === 1 || count < runs }])),
        metrics: Object.fromEntries(metricRows.map(([key, count]) => [key, count])),
      },
    };
  }

  private readCells(runIds: readonly string[], columns: readonly RunsTableColumnSpec[]): RunsTableCells {
    const ids = JSON.stringify(runIds);
    /** [rows, columns, values] of the cells a query yields, or empty arrays when nothing is asked. */
    const cells = (kind: RunsTableColumnSpec['kind'], select: (table: string) => string, wanted: (spec: RunsTableColumnSpec) => boolean) => {
      const indexes = columns.flatMap((spec, index) => (spec.kind === kind && wanted(spec) ? [[spec.key, index] as const] : []));
      if (runIds.length === 0 || indexes.length === 0) return null;
      // Each cell names its column by index: a CASE over the bound keys, so no key text travels.
      const column = `CASE t.key ${indexes.map(() => 'WHEN ? THEN ?').join(' ')} END`;
      const sql = `${PAGE_ROWS} SELECT json_group_array(page.row), json_group_array(${column}), json_group_array(${select('t')})
        FROM page JOIN ${kind === 'metric' ? 'metric_series' : kind === 'param' ? 'params' : 'tags'} t ON t.run_uuid = page.run_uuid
        WHERE t.key IN (SELECT value FROM json_each(?))${kind === 'metric' ? ' AND t.point_count > 0' : ''}`;
      return this.db
        .prepare(sql)
        .raw()
        .get(ids, ...indexes.flat(), JSON.stringify(indexes.map(([key]) => key))) as [string, string, string];
    };
    const any = () => true;
    const params = cells('param', (t) => `${t}.value`, any);
    const tags = cells('tag', (t) => `${t}.value`, any);
    const metrics = (['latest', 'min', 'max'] as const).map((aggregate) =>
      cells('metric', () => METRIC_VALUE_SQL[aggregate], (spec) => (spec.aggregate ?? 'latest') === aggregate),
    );
    return { params: cellsJson([params]), metrics: cellsJson(metrics), tags: cellsJson([tags]) };
  }
}
