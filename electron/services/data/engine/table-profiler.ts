// Profiles a loaded table with a few summary queries: one aggregate pass for counts, distinct
// values, extremes, mean, standard deviation and quantiles of every column; one pass for every
// histogram; one for the top values of every categorical, boolean and text column. Past a
// million rows distinct counts (HyperLogLog) and quantiles (t-digest) are estimates, and marked so.
import type {
  ColumnProfile,
  ColumnQuantiles,
  DatasetProfile,
  HistogramBin,
  MixedTypes,
  ProfileColumnType,
  TableFormat,
  ValueCount,
} from '../../../../shared/data-models';
import { quoteIdentifier, valueText, type DuckSession, type PlainRow, type PlainValue } from './duckdb-session';
import type { LoadedColumn, LoadedTable } from './table-loader';

/** Past this many rows, distinct counts and quantiles are estimates. */
export const EXACT_ROWS_LIMIT = 1_000_000;
/** Integers with at most this many distinct values are categorical (as Evidently 0.7 infers). */
const INTEGER_CATEGORY_LIMIT = 10;
const TOP_VALUES = 10;
const MIN_BINS = 10;
const MAX_BINS = 50;
const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
const MIXED_EXAMPLES = 5;

/** How a column's values are handled: by its storage type. */
export type StorageClass = 'integer' | 'float' | 'boolean' | 'datetime' | 'string' | 'other';

/** The storage class of a DuckDB type name. */
export function storageClassOf(type: string): StorageClass {
  const upper = type.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(upper)) return 'integer';
  if (/^(FLOAT|DOUBLE|REAL)$/.test(upper) || upper.startsWith('DECIMAL')) return 'float';
  if (upper === 'BOOLEAN') return 'boolean';
  if (upper === 'DATE' || upper.startsWith('TIMESTAMP')) return 'datetime';
  if (upper === 'VARCHAR') return 'string';
  return 'other';
}

/** The SQL and the plan of one profile: what the bench runs on DuckDB directly to compare. */
export interface ProfileQueries {
  readonly stats: string;
  histograms(stats: readonly PlainRow[]): string | null;
  topValues(stats: readonly PlainRow[]): string | null;
}

/** What a profile needs besides the table: where it came from. */
export interface ProfileSource {
  readonly format: TableFormat;
  readonly bytes: number;
  readonly fileCount: number;
  readonly engine: string;
  readonly startedAt: number;
}

/** Profiles every column of `loaded`. */
export async function profileTable(session: DuckSession, loaded: LoadedTable, source: ProfileSource): Promise<DatasetProfile> {
  const approximate = loaded.rows > EXACT_ROWS_LIMIT;
  const columns: ColumnProfile[] = [];
  if (loaded.columns.length > 0) {
    const queries = profileQueries(loaded);
    const statsRow = (await session.rows(queries.stats))[0] ?? {};
    session.throwIfCancelled();
    const stats = [statsRow];
    const histogramSql = queries.histograms(stats);
    const histogramRow = histogramSql ? ((await session.rows(histogramSql))[0] ?? {}) : {};
    session.throwIfCancelled();
    const topSql = queries.topValues(stats);
    const topRows = topSql ? await session.rows(topSql) : [];
    for (const [index, column] of loaded.columns.entries()) {
      const profile = assembleColumn(column, index, loaded.rows, approximate, statsRow, histogramRow, topRows);
      columns.push(profile.mixedTypes ? { ...profile, mixedTypes: await withMixedExamples(session, loaded.table, profile) } : profile);
    }
  }
  return {
    rows: loaded.rows,
    columnCount: loaded.columns.length,
    bytes: source.bytes,
    fileCount: source.fileCount,
    format: source.format,
    columns,
    issues: loaded.issues,
    approximate,
    profiledTime: Date.now(),
    durationMs: Date.now() - source.startedAt,
    engine: source.engine,
  };
}

/** The profile's summary queries for a loaded table (also run by the benchmark against DuckDB directly). */
export function profileQueries(loaded: Pick<LoadedTable, 'table' | 'columns' | 'rows'>): ProfileQueries {
  const approximate = loaded.rows > EXACT_ROWS_LIMIT;
  const table = loaded.table;
  const parts: string[] = [];
  loaded.columns.forEach((column, i) => {
    const q = quoteIdentifier(column.name);
    const kind = storageClassOf(column.type);
    parts.push(`count(${q}) AS c${i}_n`);
    const distinctOf = kind === 'other' ? `${q}::VARCHAR` : q;
    parts.push(approximate ? `approx_count_distinct(${distinctOf}) AS c${i}_d` : `count(DISTINCT ${distinctOf}) AS c${i}_d`);
    const value = numericValueSql(column);
    if (value) {
      const finite = kind === 'float' ? ` FILTER (WHERE isfinite(${q}))` : '';
      const quantile = approximate ? 'approx_quantile' : 'quantile_cont';
      parts.push(
        `min(${value})${finite} AS c${i}_min`,
        `max(${value})${finite} AS c${i}_max`,
        `avg(${value})${finite} AS c${i}_mean`,
        `stddev_samp(${value})${finite} AS c${i}_std`,
        `${quantile}(${value}, [${QUANTILES.join(', ')}])${finite} AS c${i}_q`,
      );
    }
    if (kind === 'boolean') parts.push(`count(*) FILTER (WHERE ${q}) AS c${i}_true`);
    if (kind === 'string') {
      parts.push(`count(TRY_CAST(${q} AS DOUBLE)) AS c${i}_numeric`);
    }
  });
  return {
    stats: `SELECT ${parts.join(', ')} FROM ${table}`,
    histograms(stats) {
      const row = stats[0] ?? {};
      const bins: string[] = [];
      loaded.columns.forEach((column, i) => {
        const plan = histogramPlan(column, i, row);
        if (!plan) return;
        const value = numericValueSql(column)!;
        const finite = storageClassOf(column.type) === 'float' ? ` AND isfinite(${quoteIdentifier(column.name)})` : '';
        bins.push(
          `histogram(least(greatest(floor((${value} - ${plan.min}) / ${plan.width})::BIGINT, 0), ${plan.bins - 1})) ` +
            `FILTER (WHERE ${quoteIdentifier(column.name)} IS NOT NULL${finite}) AS c${i}_h`,
        );
      });
      return bins.length ? `SELECT ${bins.join(', ')} FROM ${table}` : null;
    },
    topValues(stats) {
      const row = stats[0] ?? {};
      const selects: string[] = [];
      loaded.columns.forEach((column, i) => {
        const type = profileType(column, Number(row[`c${i}_n`] ?? 0), Number(row[`c${i}_d`] ?? 0));
        if (type === 'numeric' || type === 'datetime') return;
        const q = quoteIdentifier(column.name);
        selects.push(
          `(SELECT ${i} AS col, ${q}::VARCHAR AS value, count(*) AS n FROM ${table} WHERE ${q} IS NOT NULL ` +
            `GROUP BY ${q} ORDER BY n DESC, value LIMIT ${TOP_VALUES})`,
        );
      });
      return selects.length ? selects.join(' UNION ALL ') : null;
    },
  };
}

/** The SQL giving a column's values as DOUBLE (datetimes as epoch milliseconds), or null for non-numbers. */
function numericValueSql(column: LoadedColumn): string | null {
  const q = quoteIdentifier(column.name);
  switch (storageClassOf(column.type)) {
    case 'integer':
    case 'float':
      return `${q}::DOUBLE`;
    case 'datetime':
      return `epoch_ms(${q}::TIMESTAMP)::DOUBLE`;
    default:
      return null;
  }
}

/** The type a profile shows for a column. */
function profileType(column: LoadedColumn, count: number, distinct: number): ProfileColumnType {
  switch (storageClassOf(column.type)) {
    case 'boolean':
      return 'boolean';
    case 'datetime':
      return 'datetime';
    case 'float':
      return 'numeric';
    case 'integer':
      return distinct <= INTEGER_CATEGORY_LIMIT && count > 0 ? 'categorical' : 'numeric';
    case 'string':
      return distinct > count * 0.5 ? 'text' : 'categorical';
    default:
      return 'text';
  }
}

interface HistogramPlan {
  readonly min: number;
  readonly width: number;
  readonly bins: number;
}

/** The bins of a numeric or datetime column's histogram: one per integer over a short integer range, else Sturges' count. */
function histogramPlan(column: LoadedColumn, index: number, row: PlainRow): HistogramPlan | null {
  const kind = storageClassOf(column.type);
  if (kind !== 'integer' && kind !== 'float' && kind !== 'datetime') return null;
  const min = row[`c${index}_min`];
  const max = row[`c${index}_max`];
  const count = Number(row[`c${index}_n`] ?? 0);
  if (typeof min !== 'number' || typeof max !== 'number' || count === 0) return null;
  if (min === max) return { min, width: 1, bins: 1 };
  if (kind === 'integer' && max - min + 1 <= MAX_BINS) return { min, width: 1, bins: max - min + 1 };
  const sturges = Math.ceil(Math.log2(count)) + 1;
  const bins = Math.min(MAX_BINS, Math.max(MIN_BINS, sturges));
  return { min, width: (max - min) / bins, bins };
}

function assembleColumn(
  column: LoadedColumn,
  i: number,
  rows: number,
  approximate: boolean,
  stats: PlainRow,
  histograms: PlainRow,
  topRows: readonly PlainRow[],
): ColumnProfile {
  const count = Number(stats[`c${i}_n`] ?? 0);
  const distinct = Number(stats[`c${i}_d`] ?? 0);
  const type = profileType(column, count, distinct);
  const kind = storageClassOf(column.type);
  const numberOrNull = (value: PlainValue | undefined) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  let mean = numberOrNull(stats[`c${i}_mean`]);
  if (kind === 'boolean') mean = count > 0 ? Number(stats[`c${i}_true`] ?? 0) / count : null;

  const plan = histogramPlan(column, i, stats);
  let histogram: HistogramBin[] | null = null;
  if (plan) {
    const counts = new Map<number, number>();
    for (const entry of asEntries(histograms[`c${i}_h`])) counts.set(Number(entry.key), Number(entry.value));
    const integerBins = kind === 'integer' && plan.width === 1;
    histogram = Array.from({ length: plan.bins }, (_, bin) => ({
      lower: integerBins ? plan.min + bin - 0.5 : plan.min + bin * plan.width,
      upper: integerBins ? plan.min + bin + 0.5 : bin === plan.bins - 1 ? (numberOrNull(stats[`c${i}_max`]) ?? plan.min) : plan.min + (bin + 1) * plan.width,
      count: counts.get(bin) ?? 0,
    }));
  }

  let topValues: ValueCount[] | null = null;
  if (type !== 'numeric' && type !== 'datetime') {
    topValues = topRows.filter((row) => Number(row.col) === i).map((row) => ({ value: valueText(row.value), count: Number(row.n) }));
  }

  let mixedTypes: MixedTypes | null = null;
  const numericValues = Number(stats[`c${i}_numeric`] ?? 0);
  if (kind === 'string' && numericValues > 0 && numericValues < count) {
    mixedTypes = { numericValues, otherValues: count - numericValues, examples: [] };
  }

  return {
    name: column.name,
    storageType: column.type,
    type,
    count,
    missing: rows - count,
    distinct,
    distinctApproximate: approximate,
    min: numberOrNull(stats[`c${i}_min`]),
    max: numberOrNull(stats[`c${i}_max`]),
    mean,
    std: numberOrNull(stats[`c${i}_std`]),
    quantiles: quantilesOf(stats[`c${i}_q`]),
    histogram,
    topValues,
    mixedTypes,
  };
}

/** Adds a few of the values that are not numbers to a mixed column's note. */
async function withMixedExamples(session: DuckSession, table: string, profile: ColumnProfile): Promise<MixedTypes> {
  const q = quoteIdentifier(profile.name);
  const rows = await session.rows(
    `SELECT DISTINCT ${q} AS value FROM ${table} WHERE ${q} IS NOT NULL AND TRY_CAST(${q} AS DOUBLE) IS NULL LIMIT ${MIXED_EXAMPLES}`,
  );
  return { ...profile.mixedTypes!, examples: rows.map((row) => valueText(row.value)) };
}

function quantilesOf(value: PlainValue | undefined): ColumnQuantiles | null {
  if (!Array.isArray(value) || value.length !== QUANTILES.length || value.some((v) => typeof v !== 'number')) return null;
  const [p01, p05, p25, p50, p75, p95, p99] = value as number[];
  return { p01: p01!, p05: p05!, p25: p25!, p50: p50!, p75: p75!, p95: p95!, p99: p99! };
}

/** DuckDB's MAP as read into JS: a list of {key, value}. */
function asEntries(value: PlainValue | undefined): Array<{ key: PlainValue; value: PlainValue }> {
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is { key: PlainValue; value: PlainValue } => typeof entry === 'object' && entry !== null && 'key' in entry);
}
