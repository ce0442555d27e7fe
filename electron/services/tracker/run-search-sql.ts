// Compiles a run search (MLflow's filter and order_by grammar, parsed by shared/search) into one
// parameterised SELECT over the tracker schema. Every name and value from the user is bound;
// the SQL text holds only fixed column names and placeholders.
//
// Semantics follow MLflow's SQL store: a comparison on a metric, param or tag only matches runs
// that have that key (also for != and NOT IN); metrics compare their latest value, and a NaN
// latest value (stored as a NULL last_value) matches no comparison. order_by puts runs lacking
// the key last in both directions (for metrics: values, then NaN, then missing), then breaks
// ties by start_time DESC and run id.
import type { Comparison, FilterNode, OrderByClause } from '../../../shared/search';
import { parseFilter, parseOrderByList, RUN_SEARCH } from '../../../shared/search';
import type { LifecycleStage } from '../../../shared/models';

/** A run search, already split into its parts. */
export interface RunSearchSpec {
  readonly experimentIds: readonly string[];
  readonly filter: string;
  readonly orderBy: readonly string[];
  readonly stages: readonly LifecycleStage[];
}

/** Appends a value to the bound parameters and returns its placeholder. */
export type Bind = (value: unknown) => string;

const RUN_COLUMNS: Readonly<Record<string, string>> = {
  run_id: 'runs.run_uuid',
  run_name: 'runs.name',
  status: 'runs.status',
  user_id: 'runs.user_id',
  artifact_uri: 'runs.artifact_uri',
  start_time: 'runs.start_time',
  end_time: 'runs.end_time',
};

/**
 * Metric tests and orderings read a run's latest value from migration 6's covering index alone.
 * SQLite's planner, without statistics, prefers the (run, key) unique index, whose every probe
 * then also reads the metric_series row: twice as slow over 10,000 runs. INDEXED BY fails loudly
 * should the index ever be missing.
 */
const LATEST_VALUE_INDEX = 'INDEXED BY metric_series_latest';

const DATASET_COLUMNS: Readonly<Record<string, string>> = { name: 'd.name', digest: 'd.digest' };

/** Turns a LIKE pattern into a GLOB pattern, because MLflow's LIKE is case-sensitive and SQLite's is not. */
function likeToGlob(pattern: string): string {
  let glob = '';
  for (const ch of pattern) {
    if (ch === '%') glob += '*';
    else if (ch === '_') glob += '?';
    else if (ch === '*' || ch === '?' || ch === '[') glob += `[${ch}]`;
    else glob += ch;
  }
  return glob;
}

/** `<subject> <comparator> <bound value>` for one comparison, in SQLite's terms. */
export function comparisonSql(subject: string, comparison: Comparison, bind: Bind): string {
  switch (comparison.operand) {
    case 'number':
      return `${subject} ${comparison.comparator} ${bind(comparison.value)}`;
    case 'list': {
      const list = comparison.value.map((value) => bind(value)).join(', ');
      return `${subject} ${comparison.comparator} (${list})`;
    }
    case 'string':
      if (comparison.comparator === 'LIKE') return `${subject} GLOB ${bind(likeToGlob(comparison.value))}`;
      // SQLite's LIKE is case-insensitive (for ASCII letters), which is what ILIKE means.
      if (comparison.comparator === 'ILIKE') return `${subject} LIKE ${bind(comparison.value)}`;
      return `${subject} ${comparison.comparator} ${bind(comparison.value)}`;
  }
}

/** A boolean SQL expression for a filter tree, with one comparison compiled by `leaf`. */
export function filterSql(node: FilterNode, leaf: (comparison: Comparison) => string): string {
  if (node.kind === 'comparison') return leaf(node);
  const joiner = node.kind === 'and' ? ' AND ' : ' OR ';
  return `(${node.operands.map((operand) => filterSql(operand, leaf)).join(joiner)})`;
}

/**
 * One comparison, as a test of the candidate run. Keys are looked up per run through
 * (run_uuid, key) indexes, so the cost follows the runs of the searched experiments, not every
 * run in the database (an uncorrelated `run_uuid IN (...)` over params_by_key was faster on a
 * database holding one experiment, and many times slower once others were added).
 */
function runComparisonSql(comparison: Comparison, bind: Bind): string {
  const { entity, name } = comparison.key;
  switch (entity) {
    case 'attribute':
      return comparisonSql(RUN_COLUMNS[name] as string, comparison, bind);
    case 'metric':
      return (
        `EXISTS (SELECT 1 FROM metric_series m ${LATEST_VALUE_INDEX} WHERE m.run_uuid = runs.run_uuid ` +
        `AND m.key = ${bind(name)} AND ${comparisonSql('m.last_value', comparison, bind)})`
      );
    case 'param':
    case 'tag': {
      const table = entity === 'param' ? 'params' : 'tags';
      return (
        `EXISTS (SELECT 1 FROM ${table} kv WHERE kv.run_uuid = runs.run_uuid ` +
        `AND kv.key = ${bind(name)} AND ${comparisonSql('kv.value', comparison, bind)})`
      );
    }
    case 'dataset':
      // A run matches when any of its input datasets does, as in MLflow.
      if (name === 'context') {
        return `EXISTS (SELECT 1 FROM run_inputs ri WHERE ri.run_uuid = runs.run_uuid AND ${comparisonSql('ri.context', comparison, bind)})`;
      }
      return (
        'EXISTS (SELECT 1 FROM run_inputs ri JOIN datasets d ON d.dataset_uuid = ri.dataset_uuid ' +
        `WHERE ri.run_uuid = runs.run_uuid AND ${comparisonSql(DATASET_COLUMNS[name] as string, comparison, bind)})`
      );
  }
}

/** LEFT JOINs bringing each ordering key's value alongside its run, and the ORDER BY terms using them. */
function orderSql(clauses: readonly OrderByClause[], bind: Bind): { joins: string[]; terms: string[] } {
  const joins: string[] = [];
  const terms: string[] = [];
  clauses.forEach(({ key, ascending }, i) => {
    const direction = ascending ? 'ASC' : 'DESC';
    const alias = `o${i}`;
    if (key.entity === 'attribute') {
      terms.push(`${RUN_COLUMNS[key.name] as string} ${direction} NULLS LAST`);
    } else if (key.entity === 'metric') {
      joins.push(
        `LEFT JOIN metric_series ${alias} ${LATEST_VALUE_INDEX} ON ${alias}.run_uuid = runs.run_uuid AND ${alias}.key = ${bind(key.name)}`,
      );
      terms.push(`CASE WHEN ${alias}.run_uuid IS NULL THEN 2 WHEN ${alias}.last_is_nan = 1 THEN 1 ELSE 0 END`);
      terms.push(`${alias}.last_value ${direction}`);
    } else {
      const table = key.entity === 'param' ? 'params' : 'tags';
      joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_uuid = runs.run_uuid AND ${alias}.key = ${bind(key.name)}`);
      terms.push(`${alias}.value ${direction} NULLS LAST`);
    }
  });
  if (!clauses.some(({ key }) => key.entity === 'attribute' && key.name === 'start_time')) terms.push('runs.start_time DESC');
  terms.push('runs.run_uuid');
  return { joins, terms };
}

/**
 * SQL selecting `runs.*` for the search, without LIMIT/OFFSET, and its bound parameters; and the
 * SQL counting its matches (no ordering, nothing but the filter: an index can answer it).
 * Throws SearchSyntaxError (INVALID_PARAMETER_VALUE) for a malformed filter or order_by.
 */
export function buildRunSearchSql(spec: RunSearchSpec): { sql: string; params: unknown[]; count: { sql: string; params: unknown[] } } {
  const filter = parseFilter(spec.filter, RUN_SEARCH);
  const order = parseOrderByList(spec.orderBy, RUN_SEARCH);
  const binder = () => {
    const params: unknown[] = [];
    const bind: Bind = (value) => {
      params.push(value);
      return '?';
    };
    return { params, bind };
  };
  // One experiment and one stage (the usual search) are equalities: SQLite then walks the runs in
  // the index's start-time order and stops at the LIMIT, instead of sorting every run of the
  // experiment first (3 ms instead of 420 for a first window of 100,000 runs).
  const whereSql = (bind: Bind) => {
    const where = [
      spec.experimentIds.length === 1
        ? `runs.experiment_id = ${bind(Number(spec.experimentIds[0]))}`
        : `runs.experiment_id IN (SELECT value FROM json_each(${bind(JSON.stringify(spec.experimentIds.map(Number)))}))`,
      spec.stages.length === 1
        ? `runs.lifecycle_stage = ${bind(spec.stages[0])}`
        : `runs.lifecycle_stage IN (SELECT value FROM json_each(${bind(JSON.stringify(spec.stages))}))`,
    ];
    if (filter) where.push(filterSql(filter, (comparison) => runComparisonSql(comparison, bind)));
    return `WHERE ${where.join('\n  AND ')}`;
  };
  // Placeholders are bound in the order they appear: joins first, then the WHERE clause.
  const search = binder();
  const { joins, terms } = orderSql(order, search.bind);
  const sql = ['SELECT runs.* FROM runs', ...joins, whereSql(search.bind), `ORDER BY ${terms.join(', ')}`].join('\n');
  const counting = binder();
  const countSql = `SELECT count(*) FROM runs\n${whereSql(counting.bind)}`;
  return { sql, params: search.params, count: { sql: countSql, params: counting.params } };
}
