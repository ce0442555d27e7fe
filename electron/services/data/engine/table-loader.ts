// Reads a dataset version's files into a DuckDB temp table, once, so that every statistic after
// that scans memory instead of parsing text again. Messy files are read, not refused: malformed
// and non-UTF-8 CSV lines are left out and reported with their line numbers, a column whose
// values are mostly but not all numbers is read as text (and reported), an empty or header-only
// file gives an empty table. A file that changed while it was read is an error.
import fs from 'node:fs';
import { CairnError } from '../../../../shared/errors';
import type { DataIssue, DataIssueKind, DataIssues, DataJobProgress } from '../../../../shared/data-models';
import { changedFiles, type TableFiles } from '../table-files';
import { DataJobCancelledError, quoteIdentifier, quoteLiteral, valueText, type DuckSession } from './duckdb-session';

/** A column as DuckDB read it. */
export interface LoadedColumn {
  readonly name: string;
  /** DuckDB's type name: BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, BOOLEAN, ... */
  readonly type: string;
}

/** A table in the job's DuckDB connection, with what reading it met. */
export interface LoadedTable {
  readonly table: string;
  readonly columns: readonly LoadedColumn[];
  readonly rows: number;
  readonly issues: DataIssues;
}

/** How many issues a report keeps as examples. */
export const MAX_ISSUE_EXAMPLES = 100;
/** The longest CSV line read (a longer one is reported and left out). */
const MAX_LINE_BYTES = 32 * 1024 * 1024;
/**
 * read_csv's options for lines up to MAX_LINE_BYTES. DuckDB's buffers default to 16 times the
 * longest line, which would read a file of a few hundred MB in one buffer on one thread; a buffer
 * just above the longest line keeps the read parallel.
 */
export const CSV_LINE_OPTIONS = `max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${MAX_LINE_BYTES + 2 * 1024 * 1024}`;
/** How many mixed-type values per column are kept as examples. */
const MIXED_EXAMPLES = 5;

/** How to read a table: progress reported on `subject`; whether row order matters. */
export interface LoadOptions {
  readonly progress: (update: DataJobProgress) => void;
  readonly subject: string;
  /** False lets rows be stored out of file order (faster: for work that needs no row numbers). Default true. */
  readonly ordered?: boolean;
}

/** Reads `files` into the temp table `table`. */
export async function loadTable(session: DuckSession, files: TableFiles, table: string, options: LoadOptions): Promise<LoadedTable> {
  const { progress, subject } = options;
  await session.run(`SET SESSION preserve_insertion_order = ${options.ordered ?? true}`);
  const issues: DataIssue[] = [];
  const readable = files.files.filter((file) => file.size > 0);
  for (const file of files.files) {
    if (file.size === 0) issues.push({ kind: 'empty-file', file: file.path, line: null, column: null, message: 'The file is empty.' });
  }
  const rowsPerByte = estimateRowsPerByte(files);
  const report = (fraction: number | null, rowsRead: number | null) =>
    progress({
      stage: 'reading',
      subject,
      fraction,
      rowsRead: rowsRead ?? (rowsPerByte === null || fraction === null ? null : Math.round(fraction * files.bytes * rowsPerByte)),
      bytesDone: Math.round((fraction ?? 0) * files.bytes),
      bytesTotal: files.bytes,
    });
  report(0, 0);

  if (readable.length === 0) {
    // DuckDB has no table without columns: consumers see `columns` empty and read nothing.
    report(1, 0);
    return { table, columns: [], rows: 0, issues: summarise(issues, 0) };
  }

  const paths = readable.map((file) => file.path);
  let skippedRows = 0;
  if (files.format === 'csv' || files.format === 'tsv') {
    skippedRows = await loadDelimited(session, files, paths, table, issues, (fraction) => report(fraction, null));
  } else if (files.format === 'jsonl') {
    await loadJsonLines(session, paths, table, issues, (fraction) => report(fraction, null));
  } else {
    await session.run(
      `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM read_parquet(${pathList(paths)}, union_by_name = true)`,
      (fraction) => report(fraction, null),
    );
  }

  const changed = changedFiles(files.files);
  if (changed.length > 0) {
    throw new CairnError(
      'INVALID_STATE',
      `${changed.map((file) => file.path).join(', ')} changed while Cairn read it (its size or modification time differs ` +
        'from when reading began). Nothing was recorded; read it again once it is complete.',
    );
  }

  let columns = await describeTable(session, table);
  if (files.format === 'csv' || files.format === 'tsv') {
    if (await numbersReadAsText(session, table, columns)) columns = await describeTable(session, table);
  }
  const rows = Number((await session.rows(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0);
  if (rows === 0 && columns.length > 0 && (files.format === 'csv' || files.format === 'tsv')) {
    issues.push({ kind: 'header-only', file: readable[0]!.path, line: null, column: null, message: 'The file has a header and no rows.' });
  }
  report(1, rows);
  return { table, columns, rows, issues: summarise(issues, skippedRows) };
}

async function describeTable(session: DuckSession, table: string): Promise<LoadedColumn[]> {
  return (await session.rows(`SELECT column_name, column_type FROM (DESCRIBE ${table})`)).map((row) => ({
    name: valueText(row.column_name),
    type: valueText(row.column_type),
  }));
}

/**
 * Makes numeric the text columns whose every value is a number: DuckDB's sniffer reads "inf" and
 * "-inf" as text, pandas (and so Evidently) as floats. Returns whether a column changed.
 */
async function numbersReadAsText(session: DuckSession, table: string, columns: readonly LoadedColumn[]): Promise<boolean> {
  // A look at the first values rules out most text columns before a full scan.
  const candidates = columns.filter((column) => column.type === 'VARCHAR');
  if (candidates.length === 0) return false;
  const sample = (
    await session.rows(
      `SELECT ${candidates.map((column, i) => `count(${columnSql(column.name)}) = count(TRY_CAST(${columnSql(column.name)} AS DOUBLE)) AS s${i}`).join(', ')} ` +
        `FROM (SELECT * FROM ${table} LIMIT 2048)`,
    )
  )[0]!;
  const text = candidates.filter((_, i) => sample[`s${i}`] === true);
  if (text.length === 0) return false;
  const counts = (
    await session.rows(
      `SELECT ${text.map((column, i) => `count(${columnSql(column.name)}) AS n${i}, count(TRY_CAST(${columnSql(column.name)} AS DOUBLE)) AS d${i}`).join(', ')} FROM ${table}`,
    )
  )[0]!;
  const numeric = text.filter((_, i) => Number(counts[`n${i}`]) > 0 && counts[`n${i}`] === counts[`d${i}`]);
  for (const column of numeric) {
    const q = columnSql(column.name);
    await session.run(`ALTER TABLE ${table} ALTER COLUMN ${q} SET DATA TYPE DOUBLE USING TRY_CAST(${q} AS DOUBLE)`);
  }
  return numeric.length > 0;
}

/** Reads CSV or TSV with DuckDB's rejects tables; returns how many lines were left out. */
async function loadDelimited(
  session: DuckSession,
  files: TableFiles,
  paths: readonly string[],
  table: string,
  issues: DataIssue[],
  onFraction: (fraction: number) => void,
): Promise<number> {
  const createTable = `CREATE OR REPLACE TEMP TABLE ${table}`;
  const delimiter = files.format === 'tsv' ? ", delim = '\\t'" : '';
  const rejects = `${table}_rejects`;
  const scans = `${table}_scans`;
  const textColumns = new Set<string>();
  // Per column read as text, each value that was not a number, with its line.
  const mixed = new Map<string, Array<{ key: string; line: number; value: string }>>();
  for (let attempt = 0; attempt < 3; attempt++) {
    const types = textColumns.size
      ? `, types = {${[...textColumns].map((name) => `${quoteLiteral(name)}: 'VARCHAR'`).join(', ')}}`
      : '';
    await session.run(`DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${scans}`);
    const read =
      `read_csv(${pathList(paths)}, header = true${delimiter}${types}, store_rejects = true, ` +
      `rejects_table = '${rejects}', rejects_scan = '${scans}', ${CSV_LINE_OPTIONS})`;
    try {
      await session.run(`${createTable} AS SELECT * FROM ${read}`, onFraction);
    } catch (error) {
      if (error instanceof DataJobCancelledError) throw error;
      if (paths.length < 2) throw readError(error, paths);
      // Files whose columns differ can only be read by name, and DuckDB keeps no rejects then.
      await session.run(
        `${createTable} AS SELECT * FROM read_csv(${pathList(paths)}, header = true${delimiter}, ` +
          `union_by_name = true, ignore_errors = true, ${CSV_LINE_OPTIONS})`,
        onFraction,
      );
      issues.push({
        kind: 'malformed-line',
        file: files.root,
        line: null,
        column: null,
        message: 'The files do not all have the same columns; they were matched by name, and lines that could not be read were left out without line numbers.',
      });
      return 0;
    }
    const rejected = await session.rows(
      `SELECT e.line, e.column_name, e.error_type, left(e.csv_line, 200) AS csv_line, e.error_message, s.file_path
       FROM ${rejects} e JOIN ${scans} s USING (scan_id, file_id) ORDER BY s.file_path, e.line`,
    );
    // A line rejected for its shape or its bytes is left out whole: its values say nothing of its columns' types.
    const leftOut = new Set(rejected.filter((row) => row.error_type !== 'CAST').map(rejectedLine));
    const casts = rejected.filter((row) => row.error_type === 'CAST' && typeof row.column_name === 'string' && !leftOut.has(rejectedLine(row)));
    const newText = casts.map((row) => valueText(row.column_name)).filter((name) => !textColumns.has(name));
    if (newText.length > 0 && attempt < 2) {
      // Values that are not of the type sniffed from the first rows: read those columns as text.
      for (const row of casts) {
        const name = valueText(row.column_name);
        const values = mixed.get(name) ?? [];
        values.push({ key: rejectedLine(row), line: Number(row.line), value: castValue(row) });
        mixed.set(name, values);
        textColumns.add(name);
      }
      continue;
    }
    // One issue a line: DuckDB may reject a line more than once (once per extra column, say).
    const reported = new Set<string>();
    for (const row of rejected) {
      const line = rejectedLine(row);
      if (reported.has(line) || (row.error_type === 'CAST' && leftOut.has(line))) continue;
      reported.add(line);
      issues.push({
        kind: issueKind(valueText(row.error_type)),
        file: valueText(row.file_path),
        line: row.line === null ? null : Number(row.line),
        column: typeof row.column_name === 'string' ? row.column_name : null,
        message: `${valueText(row.error_message).split('\n')[0]}${row.csv_line ? ` (line starts: ${valueText(row.csv_line).slice(0, 80)})` : ''}`,
      });
    }
    for (const [name, values] of mixed) {
      // Read as text, a column can show its line was bad in another way (bytes that are not UTF-8): that line is left out, not a value.
      const kept = values.filter((value) => !leftOut.has(value.key));
      if (kept.length === 0) continue;
      issues.push({
        kind: 'mixed-types',
        file: files.root,
        line: kept[0]!.line,
        column: name,
        message: `Column ${name} mixes numbers with other values (e.g. ${kept.slice(0, MIXED_EXAMPLES).map((value) => JSON.stringify(value.value)).join(', ')}); it was read as text.`,
      });
    }
    await session.run(`DROP TABLE IF EXISTS ${rejects}; DROP TABLE IF EXISTS ${scans}`);
    return new Set(rejected.map(rejectedLine)).size;
  }
  return 0;
}

/** The file and line of a row of DuckDB's rejects table, as one key. */
function rejectedLine(row: Record<string, unknown>): string {
  return `${valueText(row.file_path)}:${valueText(row.line)}`;
}

/** Reads JSON Lines; a malformed line is reported (DuckDB names its line) and the rest read. */
async function loadJsonLines(
  session: DuckSession,
  paths: readonly string[],
  table: string,
  issues: DataIssue[],
  onFraction: (fraction: number) => void,
): Promise<void> {
  const createTable = `CREATE OR REPLACE TEMP TABLE ${table}`;
  const read = (extra: string) =>
    `${createTable} AS SELECT * FROM read_json(${pathList(paths)}, format = 'newline_delimited', union_by_name = true${extra})`;
  try {
    await session.run(read(''), onFraction);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    if (!/malformed|invalid/i.test(message)) throw readError(error, paths);
    const line = /line (\d+)/.exec(message);
    const file = /file "([^"]+)"/.exec(message);
    issues.push({
      kind: 'malformed-line',
      file: file?.[1] ?? paths[0]!,
      line: line ? Number(line[1]) : null,
      column: null,
      message: `${message} Malformed lines were read as empty rows.`,
    });
    await session.run(read(', ignore_errors = true'), onFraction);
  }
}

/** Lines per byte of an uncompressed text file, from its first 64 kB: turns bytes read into an estimate of rows read. */
export function estimateRowsPerByte(files: TableFiles): number | null {
  const first = files.files.find((file) => file.size > 0);
  if (!first || files.gzip || files.format === 'parquet') return null;
  const buffer = Buffer.alloc(Math.min(first.size, 64 * 1024));
  const handle = fs.openSync(first.path, 'r');
  try {
    const read = fs.readSync(handle, buffer, 0, buffer.length, 0);
    let lines = 0;
    for (let i = 0; i < read; i++) if (buffer[i] === 10) lines++;
    return lines > 1 ? lines / read : null;
  } finally {
    fs.closeSync(handle);
  }
}

function issueKind(errorType: string): DataIssueKind {
  if (/ENCODING|UNICODE/i.test(errorType)) return 'invalid-encoding';
  if (/LINE SIZE/i.test(errorType)) return 'line-too-long';
  if (errorType === 'CAST') return 'mixed-types';
  return 'malformed-line';
}

/** The offending value of a CAST reject, from DuckDB's message ("Could not convert string "abc" to ..."). */
function castValue(row: Record<string, unknown>): string {
  const match = /string "(.*)" to/.exec(valueText(row.error_message));
  return match ? match[1]! : valueText(row.csv_line ?? '');
}

function readError(error: unknown, paths: readonly string[]): CairnError {
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return new CairnError('INVALID_PARAMETER_VALUE', `Cairn could not read ${paths.join(', ')}: ${message}`);
}

function summarise(issues: readonly DataIssue[], skippedRows: number): DataIssues {
  return { total: issues.length, skippedRows, examples: issues.slice(0, MAX_ISSUE_EXAMPLES) };
}

/** A DuckDB list literal of file paths. */
export function pathList(paths: readonly string[]): string {
  return `[${paths.map(quoteLiteral).join(', ')}]`;
}

/** The SQL name of a column. */
export const columnSql = quoteIdentifier;
