// One side of a drift comparison from one scan of its files, nothing stored: DuckDB reads the
// files once and, in the same pass, counts every column, counts the values of string and boolean
// columns (histogram) and hands the numeric columns to JavaScript as typed arrays (cairn_collect).
// Files that do not read cleanly (a malformed line, bytes that are not UTF-8, a value not of its
// column's type, an empty file) are not summarised here: the caller reads them the careful way
// (table-loader.ts), which reports what it left out.
import { CairnError } from '../../../../shared/errors';
import type { DataJobProgress } from '../../../../shared/data-models';
import { countUpFront, finiteValues, isNumericStorage, type ColumnSummary, type SideSummary } from '../drift/side-summary';
import { changedFiles, type TableFiles } from '../table-files';
import { DataJobCancelledError, quoteIdentifier, valueText, type DuckSession, type PlainRow, type PlainValue } from './duckdb-session';
import { CSV_LINE_OPTIONS, estimateRowsPerByte, pathList } from './table-loader';
import { storageClassOf, type StorageClass } from './table-profiler';
import { COLLECT_FUNCTION, type ValueCollectors } from './value-collector';

/** How a column is read in the scan. */
type ColumnPlan =
  /** Integers and floats: collected as numbers. */
  | 'numbers'
  /** Text that looks like numbers in its first rows ("inf" among them): collected, and kept numeric if every value is one. */
  | 'maybe-numbers'
  /** Strings and booleans with few distinct values: counted per value. */
  | 'values'
  /** Strings with many distinct values (likely text): only how many. */
  | 'distinct'
  /** Dates and the rest: only present or not. */
  | 'present';

/** Rows of the first look that decides how a text column is read. */
const SAMPLE_ROWS = 2048;

/**
 * Summarises the side at `files` in one scan; null when the files do not read cleanly (the caller
 * then loads them the careful way). Throws when a file changed while it was read.
 */
export async function summariseFiles(
  session: DuckSession,
  collectors: ValueCollectors,
  files: TableFiles,
  progress: (update: DataJobProgress) => void,
  subject: string,
): Promise<SideSummary | null> {
  if (files.files.length === 0 || files.files.some((file) => file.size === 0)) return null;
  const scanId = nextScanId++;
  const rejects = { table: `scan_rejects_${scanId}`, scans: `scan_scans_${scanId}` };
  // The first look reads as the careful path sniffs (errors tolerated); the scan keeps what it
  // could not read, and any such line sends the files down the careful path.
  const look = readExpression(files, ', ignore_errors = true');
  const read = readExpression(files, `, store_rejects = true, rejects_table = '${rejects.table}', rejects_scan = '${rejects.scans}'`);
  const rowsPerByte = estimateRowsPerByte(files);
  const report = (fraction: number, rows: number | null) =>
    progress({
      stage: 'reading',
      subject,
      fraction,
      rowsRead: rows ?? (rowsPerByte === null ? null : Math.round(fraction * files.bytes * rowsPerByte)),
      bytesDone: Math.round(fraction * files.bytes),
      bytesTotal: files.bytes,
    });
  report(0, 0);

  const attempt = async <T>(run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof DataJobCancelledError) throw error;
      return null;
    }
  };
  const described = await attempt(() => session.rows(`DESCRIBE SELECT * FROM ${look}`));
  if (!described) return null;
  const columns = described.map((row) => ({ name: valueText(row.column_name), type: valueText(row.column_type) }));
  const plans = await attempt(() => planColumns(session, look, columns));
  if (!plans) return null;

  const collected = columns.filter((_, i) => plans[i] === 'numbers' || plans[i] === 'maybe-numbers');
  const parts = ['count(*) AS rows'];
  columns.forEach((column, i) => {
    const q = quoteIdentifier(column.name);
    parts.push(`count(${q}) AS n${i}`);
    if (plans[i] === 'maybe-numbers') parts.push(`count(TRY_CAST(${q} AS DOUBLE)) AS k${i}`);
    if (plans[i] === 'values') parts.push(`histogram(${q}) AS h${i}`);
    if (plans[i] === 'distinct') parts.push(`count(DISTINCT ${q}) AS d${i}`);
  });
  const expectedRows = rowsPerByte === null ? 0 : files.bytes * rowsPerByte * 1.05;
  const collector = collected.length > 0 ? collectors.start(collected.length, expectedRows) : null;
  if (collector) {
    const args = collected.map((column) => {
      const q = quoteIdentifier(column.name);
      return plans[columns.indexOf(column)] === 'numbers' ? `${q}::DOUBLE` : `TRY_CAST(${q} AS DOUBLE)`;
    });
    parts.push(`count(${COLLECT_FUNCTION}(${collector.id}, ${args.join(', ')})) AS collected`);
  }
  let row: PlainRow;
  let summarised = false;
  try {
    const rows = await attempt(() => session.rows(`SELECT ${parts.join(', ')} FROM ${read}`, (fraction) => report(fraction, null)));
    if (!rows) return null;
    if (isDelimited(files) && Number((await session.rows(`SELECT count(*) AS n FROM ${rejects.table}`))[0]?.n ?? 0) > 0) return null;
    row = rows[0]!;
    summarised = true;
  } finally {
    if (collector) collectors.close(collector);
    // The values are kept only when the summary is returned (its release() hands their memory back).
    if (collector && !summarised) collector.recycle();
    if (isDelimited(files)) await session.run(`DROP TABLE IF EXISTS ${rejects.table}; DROP TABLE IF EXISTS ${rejects.scans}`);
  }
  const changed = changedFiles(files.files);
  if (changed.length > 0) {
    collector?.recycle();
    throw new CairnError(
      'INVALID_STATE',
      `${changed.map((file) => file.path).join(', ')} changed while Cairn read it (its size or modification time differs ` +
        'from when reading began). Nothing was recorded; read it again once it is complete.',
    );
  }
  const rowCount = Number(row.rows ?? 0);
  report(1, rowCount);

  const arrays = collector?.finish() ?? [];
  const countValues = async (names: readonly string[]) => {
    const wanted = names.map((name) => columns.findIndex((column) => column.name === name));
    const counts = new Map<string, Map<string, number>>(names.map((name) => [name, new Map()]));
    if (names.length === 0) return counts;
    const sql = `SELECT ${wanted.map((i) => `histogram(${quoteIdentifier(columns[i]!.name)}) AS h${i}`).join(', ')} FROM ${look}`;
    const result = (await session.rows(sql))[0] ?? {};
    wanted.forEach((i) => counts.set(columns[i]!.name, histogramCounts(result[`h${i}`] ?? null)));
    return counts;
  };

  const summaries: ColumnSummary[] = [];
  const textAfterAll: number[] = [];
  columns.forEach((column, i) => {
    const present = Number(row[`n${i}`] ?? 0);
    let storage = storageClassOf(column.type);
    let type = column.type;
    let values: Float64Array | null = null;
    const collectedAt = collected.indexOf(column);
    if (plans[i] === 'numbers') values = finiteValues(arrays[collectedAt]!);
    if (plans[i] === 'maybe-numbers') {
      // As the careful path does: text of which every value is a number is read as numbers.
      if (present > 0 && Number(row[`k${i}`]) === present) {
        storage = 'float';
        type = 'DOUBLE';
        values = finiteValues(arrays[collectedAt]!);
      } else {
        textAfterAll.push(i);
      }
    }
    const counts = plans[i] === 'values' ? histogramCounts(row[`h${i}`] ?? null) : null;
    summaries.push({
      name: column.name,
      type,
      storage,
      present,
      values,
      counts,
      distinct: counts ? counts.size : plans[i] === 'distinct' ? Number(row[`d${i}`] ?? 0) : null,
    });
  });
  if (textAfterAll.length > 0) {
    // Rare: the first rows looked like numbers and later ones did not. How many distinct values, once more.
    const distinct = (await session.rows(`SELECT ${textAfterAll.map((i) => `count(DISTINCT ${quoteIdentifier(columns[i]!.name)}) AS d${i}`).join(', ')} FROM ${look}`))[0] ?? {};
    for (const i of textAfterAll) summaries[i] = { ...summaries[i]!, distinct: Number(distinct[`d${i}`] ?? 0) };
  }
  return { rows: rowCount, columns: summaries, countValues, release: async () => collector?.recycle() };
}

/** Numbers the rejects tables of each scan. */
let nextScanId = 1;

function isDelimited(files: TableFiles): boolean {
  return files.format === 'csv' || files.format === 'tsv';
}

/** The table function that reads `files` as the careful path's first attempt does; `csvOptions` are added for CSV and TSV. */
function readExpression(files: TableFiles, csvOptions: string): string {
  const paths = pathList(files.files.map((file) => file.path));
  switch (files.format) {
    case 'csv':
      return `read_csv(${paths}, header = true, ${CSV_LINE_OPTIONS}${csvOptions})`;
    case 'tsv':
      return `read_csv(${paths}, header = true, delim = '\\t', ${CSV_LINE_OPTIONS}${csvOptions})`;
    case 'jsonl':
      return `read_json(${paths}, format = 'newline_delimited', union_by_name = true)`;
    case 'parquet':
      return `read_parquet(${paths}, union_by_name = true)`;
  }
}

/** How each column is read, from its type and, for text, a look at the first rows. */
async function planColumns(session: DuckSession, read: string, columns: ReadonlyArray<{ name: string; type: string }>): Promise<ColumnPlan[]> {
  const storages: StorageClass[] = columns.map((column) => storageClassOf(column.type));
  const strings = columns.filter((_, i) => storages[i] === 'string');
  const sample =
    strings.length === 0
      ? {}
      : ((
          await session.rows(
            `SELECT ${strings
              .map((column, i) => {
                const q = quoteIdentifier(column.name);
                return `count(${q}) AS n${i}, count(DISTINCT ${q}) AS d${i}, count(TRY_CAST(${q} AS DOUBLE)) AS k${i}`;
              })
              .join(', ')} FROM (SELECT * FROM ${read} LIMIT ${SAMPLE_ROWS})`,
          )
        )[0] ?? {});
  return columns.map((column, i): ColumnPlan => {
    const storage = storages[i]!;
    if (isNumericStorage(storage)) return 'numbers';
    if (storage === 'boolean') return 'values';
    if (storage !== 'string') return 'present';
    const at = strings.indexOf(column);
    const present = Number(sample[`n${at}`] ?? 0);
    if (present > 0 && Number(sample[`k${at}`]) === present) return 'maybe-numbers';
    return countUpFront(present, Number(sample[`d${at}`] ?? 0)) ? 'values' : 'distinct';
  });
}

/** A DuckDB histogram (a MAP, read as [{key, value}]) as counts by the value's text. */
function histogramCounts(value: PlainValue): Map<string, number> {
  const counts = new Map<string, number>();
  if (!Array.isArray(value)) return counts;
  for (const entry of value) {
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) counts.set(valueText(entry.key), Number(entry.value));
  }
  return counts;
}
