// What the drift tests need from one side of a comparison, however it was read: per column its
// type, how many values are present, the finite values of a numeric column, and how often each
// value of a string or boolean column occurs. summariseTable builds it from a table already in
// DuckDB (files read the careful way, and data checks); engine/file-summariser.ts builds it from a
// single scan of the files.
import { quoteIdentifier, quoteLiteral, valueText, type DuckSession } from '../engine/duckdb-session';
import type { LoadedTable } from '../engine/table-loader';
import { storageClassOf, type StorageClass } from '../engine/table-profiler';

/** One column of one side. */
export interface ColumnSummary {
  readonly name: string;
  /** DuckDB's type name (BIGINT, DOUBLE, VARCHAR, ...). */
  readonly type: string;
  readonly storage: StorageClass;
  /** Values present (not missing). */
  readonly present: number;
  /** Integer and float columns: the finite values (missing and ±inf dropped), in no particular order. */
  readonly values: Float64Array | null;
  /** String and boolean columns: how often each value occurs, by its text; null when not counted yet (see countValues). */
  readonly counts: ReadonlyMap<string, number> | null;
  /** String and boolean columns: how many distinct values they hold. */
  readonly distinct: number | null;
}

/** One side of a comparison: its rows and columns. */
export interface SideSummary {
  readonly rows: number;
  readonly columns: readonly ColumnSummary[];
  /** Counts the values of string and boolean columns whose counts were left out (too many distinct values to count up front). */
  countValues(names: readonly string[]): Promise<ReadonlyMap<string, ReadonlyMap<string, number>>>;
  /** Lets go of what the summary still holds in DuckDB. */
  release(): Promise<void>;
}

/** Numeric columns read out of a table per scan (bounds the memory one scan's arrays take). */
const NUMERIC_COLUMNS_PER_SCAN = 8;

/** Whether a string or boolean column has few enough distinct values to count them up front (Evidently's limit for text is half). */
export function countUpFront(present: number, distinct: number): boolean {
  return distinct <= Math.max(present * 0.5, 100);
}

/** The summary of a loaded table; the table is dropped on release. */
export async function summariseTable(session: DuckSession, loaded: LoadedTable): Promise<SideSummary> {
  const countsSql = (names: readonly string[]) =>
    names.map((name) => `SELECT ${quoteLiteral(name)} AS c, ${quoteIdentifier(name)}::VARCHAR AS v, count(*) AS n FROM ${loaded.table} WHERE ${quoteIdentifier(name)} IS NOT NULL GROUP BY 2`).join(' UNION ALL ');
  const countValues = async (names: readonly string[]) => {
    const counts = new Map<string, Map<string, number>>(names.map((name) => [name, new Map()]));
    if (names.length === 0) return counts;
    for (const row of await session.rows(countsSql(names))) counts.get(valueText(row.c))!.set(valueText(row.v), Number(row.n));
    return counts;
  };
  const release = () => session.run(`DROP TABLE IF EXISTS ${loaded.table}`);
  if (loaded.columns.length === 0) return { rows: loaded.rows, columns: [], countValues, release };

  const parts: string[] = [];
  loaded.columns.forEach((column, i) => {
    const q = quoteIdentifier(column.name);
    parts.push(`count(${q}) AS n${i}`);
    const storage = storageClassOf(column.type);
    if (storage === 'string' || storage === 'boolean') parts.push(`count(DISTINCT ${q}) AS d${i}`);
  });
  const row = (await session.rows(`SELECT ${parts.join(', ')} FROM ${loaded.table}`))[0] ?? {};

  const numeric = loaded.columns.filter((column) => isNumericStorage(storageClassOf(column.type)));
  const values = new Map<string, Float64Array>();
  for (let start = 0; start < numeric.length; start += NUMERIC_COLUMNS_PER_SCAN) {
    const group = numeric.slice(start, start + NUMERIC_COLUMNS_PER_SCAN);
    const select = group.map((column) => `coalesce(${quoteIdentifier(column.name)}::DOUBLE, 'NaN'::DOUBLE)`).join(', ');
    const arrays = await session.numberColumns(`SELECT ${select} FROM ${loaded.table}`, group.length, loaded.rows);
    group.forEach((column, i) => values.set(column.name, finiteValues(arrays[i]!)));
  }

  const upFront = loaded.columns.filter((column, i) => {
    const storage = storageClassOf(column.type);
    return (storage === 'string' || storage === 'boolean') && countUpFront(Number(row[`n${i}`] ?? 0), Number(row[`d${i}`] ?? 0));
  });
  const counted = await countValues(upFront.map((column) => column.name));

  const columns = loaded.columns.map((column, i): ColumnSummary => {
    const storage = storageClassOf(column.type);
    const categorical = storage === 'string' || storage === 'boolean';
    return {
      name: column.name,
      type: column.type,
      storage,
      present: Number(row[`n${i}`] ?? 0),
      values: values.get(column.name) ?? null,
      counts: counted.get(column.name) ?? null,
      distinct: categorical ? Number(row[`d${i}`] ?? 0) : null,
    };
  });
  return { rows: loaded.rows, columns, countValues, release };
}

/** Whether a storage class holds numbers. */
export function isNumericStorage(storage: StorageClass): boolean {
  return storage === 'integer' || storage === 'float';
}

/** The finite values of `values` (the array itself when all are). */
export function finiteValues(values: Float64Array): Float64Array {
  let kept = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) kept++;
  if (kept === values.length) return values;
  const clean = new Float64Array(kept);
  let at = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) clean[at++] = values[i]!;
  return clean;
}
