// The runs table's read model over SQLite: the runs of one experiment that match a search, in
// search order, with the param, metric and tag columns the table shows. Run attributes are read
// as rows; cell values are gathered by SQLite into JSON text, one statement per kind of column,
// which is several times faster than materialising every cell as a JavaScript value (see
// shared/runs-table.ts).
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
import type { CairnDatabase, SqliteDatabase } from '../database/database';
import { buildRunSearchSql } from '../tracker/run-search-sql';
import type { RunsTableReader, RunsTableRequest } from './runs-table-reader';

type RunTuple = [string, string, RunStatus, number, number | null, string, string | null];

const RUN_FIELDS = ['run_uuid', 'name', 'status', 'start_time', 'end_time', 'user_id', 'parent_run_id'] as const;

const METRIC_VALUE_SQL: Readonly<Record<MetricAggregate, string>> = {
  latest: "CASE WHEN t.last_is_nan = 1 THEN 'NaN' ELSE t.last_value END",
  min: "CASE WHEN t.min_value IS NULL THEN 'NaN' ELSE t.min_value END",
  max: "CASE WHEN t.max_value IS NULL THEN 'NaN' ELSE t.max_value END",
};

/** The usage of keys (which the default columns follow) is counted over this many of an experiment's most recent runs. */
const USAGE_RUNS = 5000;

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

/** Answers runs table requests from the SQLite database. */
export class SqliteRunsTableReader implements RunsTableReader {
  private readonly db: SqliteDatabase;

  constructor(private readonly database: CairnDatabase) {
    this.db = database.connection;
  }

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
    const { rows, total, keys, columns, cells } = this.database.read(() => {
      const { rows, total } = this.readRuns(search, request);
      const runIds = rows.map((row) => row[0]);
      const keys = request.includeKeys ? this.readKeys(request, stages) : null;
      // Without the experiment's keys, the defaults come from the keys of the runs answered: a
      // first window is quick, and the full load that follows brings the keys.
      const columns = request.columns ?? defaultRunsTableColumns(keys ?? this.readKeys({ ...request, runIds }, stages));
      return { rows, total, keys, columns, cells: this.readCells(runIds, columns) };
    });
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

  private readRuns(search: ReturnType<typeof buildRunSearchSql>, request: RunsTableRequest): { rows: RunTuple[]; total: number | null } {
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
    // Counting the matches of a filter tests every run of the experiment: a first window skips it when asked.
    const total = complete
      ? request.offset + rows.length
      : request.count === false
        ? null
        : (this.db.prepare(search.count.sql).pluck().get(...search.count.params) as number);
    return { rows, total };
  }

  /**
   * The keys logged to the requested runs, or to the whole experiment when the request names none,
   * with how many runs use each. An experiment of 100,000 runs holds millions of param and metric
   * rows: its keys are found by skipping through the key indexes (a step per distinct key, each
   * checked for a run of the experiment), and the usage is counted over its most recent runs.
   */
  private readKeys(request: RunsTableRequest, stages: readonly LifecycleStage[]): ExperimentKeys {
    if (request.runIds) {
      const ids = JSON.stringify(request.runIds);
      return this.keysAndUsage('SELECT value AS run_uuid FROM json_each(?)', [ids]);
    }
    const experiment = [Number(request.experimentId), JSON.stringify(stages)];
    const inExperiment = 'r.experiment_id = ? AND r.lifecycle_stage IN (SELECT value FROM json_each(?))';
    const distinct = (table: string, index: string, extra = '') =>
      this.db
        .prepare(
          `WITH RECURSIVE k(key) AS (
             SELECT (SELECT min(key) FROM ${table} INDEXED BY ${index})
             UNION ALL SELECT (SELECT min(key) FROM ${table} INDEXED BY ${index} WHERE key > k.key) FROM k WHERE k.key IS NOT NULL)
           SELECT key FROM k WHERE key IS NOT NULL
             AND EXISTS (SELECT 1 FROM ${table} t JOIN runs r ON r.run_uuid = t.run_uuid WHERE t.key = k.key AND ${inExperiment}${extra})`,
        )
        .pluck()
        .all(...experiment) as string[];
    const recent = `SELECT run_uuid FROM runs r WHERE ${inExperiment} ORDER BY r.start_time DESC LIMIT ${USAGE_RUNS}`;
    const usage = this.keysAndUsage(recent, experiment);
    return {
      params: distinct('params', 'params_by_key'),
      metrics: distinct('metric_series', 'metric_series_by_key', ' AND t.point_count > 0'),
      tags: distinct('tags', 'tags_by_key'),
      usage: usage.usage,
    };
  }

  /** The keys of the runs a query selects (column run_uuid), and how many of them use each. */
  private keysAndUsage(scope: string, scopeParams: readonly unknown[]): ExperimentKeys & { usage: NonNullable<ExperimentKeys['usage']> } {
    const paramRows = this.db
      .prepare(`SELECT t.key, count(*), min(t.value) <> max(t.value) FROM (${scope}) s JOIN params t ON t.run_uuid = s.run_uuid GROUP BY t.key ORDER BY t.key`)
      .raw()
      .all(...scopeParams) as Array<[string, number, number]>;
    const metricRows = this.db
      .prepare(`SELECT t.key, count(*) FROM (${scope}) s JOIN metric_series t ON t.run_uuid = s.run_uuid WHERE t.point_count > 0 GROUP BY t.key ORDER BY t.key`)
      .raw()
      .all(...scopeParams) as Array<[string, number]>;
    const tags = this.db
      .prepare(`SELECT DISTINCT t.key FROM (${scope}) s JOIN tags t ON t.run_uuid = s.run_uuid ORDER BY t.key`)
      .pluck()
      .all(...scopeParams) as string[];
    const runs = this.db.prepare(`SELECT count(*) FROM (${scope}) s JOIN runs r ON r.run_uuid = s.run_uuid`).pluck().get(...scopeParams) as number;
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
