// Evaluates check rules on a loaded table: one small query per rule, counting the rows that fail
// it and keeping a few of them as examples (with their row number: the table's rowid + 1, in the
// order the rows were read). A rule on a missing column fails with that reason; a SQL predicate is
// met only where it is true (NULL fails); "no drift" runs the drift comparison with its choices.
import type { CheckRuleResult } from '../../../../shared/data-models';
import { DEFAULT_DRIFT_SHARE, computeDrift, type DriftTableSide } from '../drift/drift-calculator';
import { quoteIdentifier, quoteLiteral, valueText, type DuckSession } from '../engine/duckdb-session';
import type { DriftSideInput } from '../engine/engine-protocol';
import type { LoadedColumn, LoadedTable } from '../engine/table-loader';
import { storageClassOf } from '../engine/table-profiler';
import type { CheckRule, ExpectedColumnType, RangeBound } from './check-rules';

const EXAMPLES = 5;

/** Every rule's result, in the order of the rules. */
export async function evaluateChecks(
  session: DuckSession,
  loaded: LoadedTable,
  rules: readonly CheckRule[],
  reference: DriftTableSide | null,
  data: DriftSideInput,
): Promise<CheckRuleResult[]> {
  const columns = new Map(loaded.columns.map((column) => [column.name, column]));
  const results: CheckRuleResult[] = [];
  for (const rule of rules) {
    session.throwIfCancelled();
    try {
      results.push(await evaluate(session, loaded, columns, rule, reference, data));
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      results.push(result(rule, false, 0, [], `The rule could not be evaluated: ${message}`));
    }
  }
  return results;
}

async function evaluate(
  session: DuckSession,
  loaded: LoadedTable,
  columns: ReadonlyMap<string, LoadedColumn>,
  rule: CheckRule,
  reference: DriftTableSide | null,
  data: DriftSideInput,
): Promise<CheckRuleResult> {
  const table = loaded.table;
  if (rule.kind === 'row-count') {
    const passed = (rule.min === null || loaded.rows >= rule.min) && (rule.max === null || loaded.rows <= rule.max);
    return result(rule, passed, passed ? 0 : 1, passed ? [] : [`${loaded.rows.toLocaleString('en')} rows`], passed ? `${loaded.rows.toLocaleString('en')} rows.` : `The data has ${loaded.rows.toLocaleString('en')} rows.`);
  }
  if (rule.kind === 'sql') {
    if (loaded.columns.length === 0) return result(rule, loaded.rows === 0, 0, [], 'The data has no columns.');
    const failing = `(${rule.predicate}) IS NOT TRUE`;
    const count = await countWhere(session, table, failing);
    const examples = count ? await exampleRows(session, table, loaded.columns, failing) : [];
    return result(rule, count === 0, count, examples, count ? `${plural(count, 'row')} ${count === 1 ? 'does' : 'do'} not meet it.` : 'Every row meets it.');
  }
  if (rule.kind === 'no-drift') {
    if (!reference) return result(rule, false, 0, [], 'A drift rule needs a reference: pass --reference REF or set reference: in the checks file.');
    const report = await computeDrift(
      session,
      reference,
      { side: data, loaded },
      { columns: rule.tests, ...(rule.columns ? { only: rule.columns } : {}), driftShare: rule.driftShare ?? DEFAULT_DRIFT_SHARE },
      { startedAt: Date.now(), withoutDistributions: true },
    );
    const drifted = report.columns.filter((column) => column.drift);
    const examples = drifted
      .slice(0, EXAMPLES)
      .map((column) => `${column.column}: ${column.test} ${formatScore(column.score!)} (threshold ${column.threshold})`);
    const { share, testedColumns } = report.dataset;
    const message = `${drifted.length} of ${testedColumns} tested columns drift (share ${formatScore(share)}; the rule fails at ${rule.driftShare}).`;
    return result(rule, !report.dataset.drift, drifted.length, examples, message);
  }

  const column = columns.get(rule.column);
  if (!column) {
    return result(rule, false, rule.kind === 'column-present' ? 1 : 0, [], `The data has no column ${rule.column}.`);
  }
  const q = quoteIdentifier(column.name);
  switch (rule.kind) {
    case 'column-present':
      return result(rule, true, 0, [], `Present (${column.type}).`);
    case 'column-type': {
      if (typeMatches(column, rule.type)) return result(rule, true, 0, [], `Read as ${column.type}.`);
      const failing = valuesNotOfTypeSql(q, rule.type);
      const count = failing ? await countWhere(session, table, failing) : await countWhere(session, table, `${q} IS NOT NULL`);
      const examples = failing ? await exampleValues(session, table, q, failing) : [];
      return result(rule, false, count, examples, `Read as ${column.type}, not ${rule.type}${count ? `: ${plural(count, 'value')} are not ${rule.type}` : ''}.`);
    }
    case 'not-null': {
      const count = await countWhere(session, table, `${q} IS NULL`);
      const examples = count ? await exampleRowNumbers(session, table, `${q} IS NULL`) : [];
      return result(rule, count === 0, count, examples, count ? `${plural(count, 'value')} ${count === 1 ? 'is' : 'are'} missing.` : 'No value missing.');
    }
    case 'max-missing': {
      const count = await countWhere(session, table, `${q} IS NULL`);
      const share = loaded.rows ? count / loaded.rows : 0;
      const passed = share <= rule.share;
      const examples = passed || !count ? [] : await exampleRowNumbers(session, table, `${q} IS NULL`);
      return result(rule, passed, passed ? 0 : count, examples, `${formatScore(share * 100)}% missing (${plural(count, 'value')}).`);
    }
    case 'unique': {
      const rows = await session.rows(
        `SELECT ${q}::VARCHAR AS value, count(*) AS n FROM ${table} WHERE ${q} IS NOT NULL GROUP BY ${q} HAVING count(*) > 1 ORDER BY n DESC, value LIMIT ${EXAMPLES}`,
      );
      const total = rows.length
        ? Number((await session.rows(`SELECT coalesce(sum(n - 1), 0) AS extra FROM (SELECT count(*) AS n FROM ${table} WHERE ${q} IS NOT NULL GROUP BY ${q} HAVING count(*) > 1)`))[0]?.extra ?? 0)
        : 0;
      const examples = rows.map((row) => `${valueText(row.value)} ×${Number(row.n)}`);
      return result(rule, total === 0, total, examples, total ? `${plural(total, 'row')} ${total === 1 ? 'repeats' : 'repeat'} a value of another row.` : 'Every value is unique.');
    }
    case 'range': {
      const failing = rangeFailingSql(q, column, rule.min, rule.max);
      const count = await countWhere(session, table, failing);
      const examples = count ? await exampleValues(session, table, q, failing) : [];
      return result(rule, count === 0, count, examples, count ? `${plural(count, 'value')} ${count === 1 ? 'is' : 'are'} outside the range.` : 'Every value is in the range.');
    }
    case 'allowed-values': {
      const failing = `${q} IS NOT NULL AND ${allowedValuesSql(q, column, rule.values)}`;
      const count = await countWhere(session, table, failing);
      const examples = count ? await exampleValues(session, table, q, failing) : [];
      return result(rule, count === 0, count, examples, count ? `${plural(count, 'value')} ${count === 1 ? 'is' : 'are'} not allowed.` : 'Every value is allowed.');
    }
    case 'pattern': {
      const failing = `${q} IS NOT NULL AND NOT regexp_matches(${q}::VARCHAR, ${quoteLiteral(rule.pattern)})`;
      const count = await countWhere(session, table, failing);
      const examples = count ? await exampleValues(session, table, q, failing) : [];
      return result(rule, count === 0, count, examples, count ? `${plural(count, 'value')} ${count === 1 ? 'does' : 'do'} not match.` : 'Every value matches.');
    }
  }
}

function result(rule: CheckRule, passed: boolean, failingCount: number, examples: readonly string[], message: string): CheckRuleResult {
  return { name: rule.name, kind: rule.kind, column: rule.column, passed, failingCount, examples, message };
}

async function countWhere(session: DuckSession, table: string, condition: string): Promise<number> {
  return Number((await session.rows(`SELECT count(*) AS n FROM ${table} WHERE ${condition}`))[0]?.n ?? 0);
}

/** The most frequent failing values with their first row and count. */
async function exampleValues(session: DuckSession, table: string, q: string, condition: string): Promise<string[]> {
  const rows = await session.rows(
    `SELECT ${q}::VARCHAR AS value, min(rowid) + 1 AS first_row, count(*) AS n FROM ${table} WHERE ${condition} GROUP BY 1 ORDER BY n DESC, first_row LIMIT ${EXAMPLES}`,
  );
  return rows.map((row) => `${JSON.stringify(row.value)} (row ${Number(row.first_row)}${Number(row.n) > 1 ? `, ×${Number(row.n)}` : ''})`);
}

async function exampleRowNumbers(session: DuckSession, table: string, condition: string): Promise<string[]> {
  const rows = await session.rows(`SELECT rowid + 1 AS row FROM ${table} WHERE ${condition} ORDER BY rowid LIMIT ${EXAMPLES}`);
  return rows.map((row) => `row ${Number(row.row)}`);
}

/** The first failing rows, each as "row N: {column: value, ...}" with values as text. */
async function exampleRows(session: DuckSession, table: string, columns: readonly LoadedColumn[], condition: string): Promise<string[]> {
  const values = columns.map((column, i) => `${quoteIdentifier(column.name)}::VARCHAR AS v${i}`).join(', ');
  const rows = await session.rows(`SELECT rowid + 1 AS row_number, ${values} FROM ${table} WHERE ${condition} ORDER BY rowid LIMIT ${EXAMPLES}`);
  return rows.map((row) => {
    const text = columns.map((column, i) => `${column.name}: ${row[`v${i}`] === null ? 'null' : JSON.stringify(row[`v${i}`])}`).join(', ');
    return `row ${Number(row.row_number)}: {${text.length > 200 ? `${text.slice(0, 200)}…` : text}}`;
  });
}

function typeMatches(column: LoadedColumn, expected: ExpectedColumnType): boolean {
  const storage = storageClassOf(column.type);
  switch (expected) {
    case 'numeric':
      return storage === 'integer' || storage === 'float';
    case 'integer':
      return storage === 'integer';
    case 'float':
      return storage === 'float';
    case 'string':
      return storage === 'string';
    case 'boolean':
      return storage === 'boolean';
    case 'datetime':
      return storage === 'datetime';
  }
}

/** The values of a text column that are not of the expected type, or null when any value would do (a string column). */
function valuesNotOfTypeSql(q: string, expected: ExpectedColumnType): string | null {
  const target: Record<ExpectedColumnType, string | null> = {
    numeric: 'DOUBLE',
    float: 'DOUBLE',
    integer: 'BIGINT',
    boolean: 'BOOLEAN',
    datetime: 'TIMESTAMP',
    string: null,
  };
  const type = target[expected];
  return type ? `${q} IS NOT NULL AND TRY_CAST(${q} AS ${type}) IS NULL` : null;
}

function rangeFailingSql(q: string, column: LoadedColumn, min: RangeBound | null, max: RangeBound | null): string {
  const storage = storageClassOf(column.type);
  const value = storage === 'datetime' ? `${q}::TIMESTAMP` : storage === 'integer' || storage === 'float' ? q : `TRY_CAST(${q} AS DOUBLE)`;
  const bound = (b: RangeBound) => (typeof b === 'number' ? String(b) : `TIMESTAMP ${quoteLiteral(b)}`);
  const outside: string[] = [];
  if (min !== null) outside.push(`${value} < ${bound(min)}`);
  if (max !== null) outside.push(`${value} > ${bound(max)}`);
  // Text that is not a number cannot be in a numeric range.
  if (storage !== 'datetime' && storage !== 'integer' && storage !== 'float') outside.push(`${value} IS NULL`);
  return `${q} IS NOT NULL AND (${outside.join(' OR ')})`;
}

/** "Not one of the values": compared as numbers or booleans when the column and every value are, else as text. */
function allowedValuesSql(q: string, column: LoadedColumn, values: readonly (string | number | boolean)[]): string {
  const storage = storageClassOf(column.type);
  const numbers = values.map((value) => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN));
  if ((storage === 'integer' || storage === 'float') && numbers.every((n) => Number.isFinite(n))) return `${q} NOT IN (${numbers.join(', ')})`;
  if (storage === 'boolean' && values.every((value) => typeof value === 'boolean')) return `${q} NOT IN (${values.join(', ')})`;
  return `${q}::VARCHAR NOT IN (${values.map((value) => quoteLiteral(String(value))).join(', ')})`;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
}

function formatScore(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}
