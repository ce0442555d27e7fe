// Compiles an experiment search (MLflow's search_experiments filter and order_by) into one
// parameterised SELECT. Every name and value from the user is bound. As in MLflow, a tag
// comparison only matches experiments that have the tag, and the default order is
// creation_time DESC, experiment_id ASC; other orders end with experiment_id DESC.
import { EXPERIMENT_SEARCH, parseFilter, parseOrderByList, type Comparison } from '../../../shared/search';
import type { LifecycleStage } from '../../../shared/models';
import { comparisonSql, filterSql, type Bind } from './run-search-sql';

/** An experiment search, already split into its parts. */
export interface ExperimentSearchSpec {
  readonly filter: string;
  readonly orderBy: readonly string[];
  readonly stages: readonly LifecycleStage[];
}

const EXPERIMENT_COLUMNS: Readonly<Record<string, string>> = {
  name: 'experiments.name',
  creation_time: 'experiments.creation_time',
  last_update_time: 'experiments.last_update_time',
  experiment_id: 'experiments.experiment_id',
};

const DEFAULT_ORDER = ['creation_time DESC', 'experiment_id ASC'];

function experimentComparisonSql(comparison: Comparison, bind: Bind): string {
  if (comparison.key.entity === 'tag') {
    return comparisonSql(
      `(SELECT t.value FROM experiment_tags t WHERE t.experiment_id = experiments.experiment_id AND t.key = ${bind(comparison.key.name)})`,
      comparison,
      bind,
    );
  }
  return comparisonSql(EXPERIMENT_COLUMNS[comparison.key.name] as string, comparison, bind);
}

/**
 * SQL selecting `experiments.*` for the search, without LIMIT/OFFSET, and its bound parameters.
 * Throws SearchSyntaxError (INVALID_PARAMETER_VALUE) for a malformed filter or order_by.
 */
export function buildExperimentSearchSql(spec: ExperimentSearchSpec): { sql: string; params: unknown[] } {
  const filter = parseFilter(spec.filter, EXPERIMENT_SEARCH);
  const order = parseOrderByList(spec.orderBy.length > 0 ? spec.orderBy : DEFAULT_ORDER, EXPERIMENT_SEARCH);
  const params: unknown[] = [];
  const bind: Bind = (value) => {
    params.push(value);
    return '?';
  };
  const where = [`experiments.lifecycle_stage IN (SELECT value FROM json_each(${bind(JSON.stringify(spec.stages))}))`];
  if (filter) where.push(filterSql(filter, (comparison) => experimentComparisonSql(comparison, bind)));
  const terms = order.map(({ key, ascending }) => `${EXPERIMENT_COLUMNS[key.name] as string} ${ascending ? 'ASC' : 'DESC'}`);
  if (!order.some(({ key }) => key.name === 'experiment_id')) terms.push('experiments.experiment_id DESC');
  const sql = [
    'SELECT experiments.* FROM experiments',
    `WHERE ${where.join('\n  AND ')}`,
    `ORDER BY ${terms.join(', ')}`,
  ].join('\n');
  return { sql, params };
}
