// Compiles parsed model-search filters (shared/search's syntax tree) to SQLite conditions with
// bound values. LIKE is case-sensitive (as in MLflow) through GLOB; ILIKE uses SQLite's
// case-insensitive LIKE. A tag (or param) comparison with != also matches entities that lack the
// key: MLflow 3 clients append ``tag.`mlflow.prompt.is_prompt` != 'true'`` to every
// registered-model search, and models without that tag must match it.
import type { Comparison, FilterNode } from '../../../shared/search';

/** A SQL condition and the values bound to its placeholders, in order. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** Turns a LIKE pattern (% and _) into a case-sensitive GLOB pattern for SQLite. */
export function likeToGlob(pattern: string): string {
  let glob = '';
  for (const ch of pattern) {
    if (ch === '%') glob += '*';
    else if (ch === '_') glob += '?';
    else if (ch === '*' || ch === '?' || ch === '[' || ch === ']') glob += `[${ch}]`;
    else glob += ch;
  }
  return glob;
}

/** `column <comparator> value` for a comparison of a string or number column. */
export function columnComparisonSql(column: string, comparison: Comparison): SqlCondition {
  switch (comparison.comparator) {
    case 'LIKE':
      return { sql: `${column} GLOB ?`, params: [likeToGlob(comparison.value)] };
    case 'ILIKE':
      return { sql: `${column} LIKE ?`, params: [comparison.value] };
    case 'IN':
      return { sql: `${column} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(comparison.value)] };
    case 'NOT IN':
      return { sql: `${column} NOT IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(comparison.value)] };
    default:
      return { sql: `${column} ${comparison.comparator} ?`, params: [comparison.value] };
  }
}

/**
 * A comparison on a key/value table (tags, params) correlated with its owner row: `ownerMatch`
 * is the SQL tying the table's alias `kv` to the outer row. != and NOT IN hold for owners without the key.
 */
export function keyValueComparisonSql(table: string, ownerMatch: string, comparison: Comparison): SqlCondition {
  const negated = comparison.comparator === '!=' || comparison.comparator === 'NOT IN';
  const positive: Comparison = negated
    ? ({ ...comparison, comparator: comparison.comparator === '!=' ? '=' : 'IN' } as Comparison)
    : comparison;
  const value = columnComparisonSql('kv.value', positive);
  return {
    sql: `${negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${table} kv WHERE ${ownerMatch} AND kv.key = ? AND ${value.sql})`,
    params: [comparison.key.name, ...value.params],
  };
}

/** Compiles a filter tree; no filter is always true. */
export function filterSql(node: FilterNode | null, comparisonSql: (comparison: Comparison) => SqlCondition): SqlCondition {
  if (node === null) return { sql: '1', params: [] };
  if (node.kind === 'comparison') return comparisonSql(node);
  const parts = node.operands.map((operand) => filterSql(operand, comparisonSql));
  return {
    sql: parts.map((part) => `(${part.sql})`).join(node.kind === 'and' ? ' AND ' : ' OR '),
    params: parts.flatMap((part) => part.params),
  };
}

/** Joins conditions with AND. */
export function allOf(conditions: readonly SqlCondition[]): SqlCondition {
  if (conditions.length === 0) return { sql: '1', params: [] };
  return { sql: conditions.map((c) => `(${c.sql})`).join(' AND '), params: conditions.flatMap((c) => c.params) };
}
