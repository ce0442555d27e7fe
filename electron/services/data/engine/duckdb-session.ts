// One job's connection to DuckDB inside the engine worker: runs SQL with progress and
// cancellation (the main side raises a shared flag; a poll interrupts the running query), reads
// small results as plain rows and numeric columns as Float64Arrays copied from DuckDB's vectors.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CairnError } from '../../../../shared/errors';

/** Thrown when a job is cancelled; the engine reports it as cancelled, not as failed. */
export class DataJobCancelledError extends CairnError {
  constructor() {
    super('INVALID_STATE', 'The data job was cancelled.');
    this.name = 'DataJobCancelledError';
  }
}

/** A plain value read from DuckDB: integers as numbers, dates as milliseconds since the epoch. */
export type PlainValue = number | string | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/** A result row by column name. */
export type PlainRow = Record<string, PlainValue>;

const POLL_MS = 50;

/** A DuckDB connection for one job. */
export class DuckSession {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly cancelFlag: Int32Array,
  ) {}

  /** Opens a connection with progress tracking on. */
  static async open(instance: DuckDBInstance, cancelFlag: Int32Array): Promise<DuckSession> {
    const connection = await instance.connect();
    await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
    return new DuckSession(connection, cancelFlag);
  }

  get cancelled(): boolean {
    return Atomics.load(this.cancelFlag, 0) !== 0;
  }

  /** Throws DataJobCancelledError once the job was cancelled; called between steps and inside long loops. */
  throwIfCancelled(): void {
    if (this.cancelled) throw new DataJobCancelledError();
  }

  /** Runs statements; `onFraction` hears DuckDB's progress (0..1) while they run. */
  async run(sql: string, onFraction?: (fraction: number) => void): Promise<void> {
    await this.watch(this.connection.run(sql), onFraction);
  }

  /** Runs a query and returns its rows as plain values. */
  async rows(sql: string): Promise<PlainRow[]> {
    const reader = await this.watch(this.connection.runAndReadAll(sql));
    return reader.getRowObjectsJS().map((row) => plainValue(row) as PlainRow);
  }

  /**
   * Runs a query of numeric columns (cast to DOUBLE, nulls as NaN) and returns one array per
   * column, in row order: one scan for many columns.
   */
  async numberColumns(sql: string, columnCount: number, expectedRows = 0): Promise<Float64Array[]> {
    const result = await this.watch(this.connection.stream(sql));
    let capacity = Math.max(expectedRows, 2048);
    let columns = Array.from({ length: columnCount }, () => new Float64Array(capacity));
    let length = 0;
    for (;;) {
      this.throwIfCancelled();
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const count = chunk.rowCount;
      if (length + count > capacity) {
        capacity = Math.max(capacity * 2, length + count);
        columns = columns.map((column) => {
          const grown = new Float64Array(capacity);
          grown.set(column.subarray(0, length));
          return grown;
        });
      }
      for (let c = 0; c < columnCount; c++) {
        const vector = chunk.getColumnVector(c) as unknown as { items?: Float64Array; getItem(index: number): unknown };
        if (vector.items instanceof Float64Array) {
          columns[c]!.set(vector.items.subarray(0, count), length);
        } else {
          for (let i = 0; i < count; i++) columns[c]![length + i] = Number(vector.getItem(i) ?? Number.NaN);
        }
      }
      length += count;
    }
    return columns.map((column) => column.subarray(0, length));
  }

  close(): void {
    this.connection.closeSync();
  }

  /** Awaits a DuckDB call while polling progress and the cancel flag; an interrupted query becomes DataJobCancelledError. */
  private async watch<T>(pending: Promise<T>, onFraction?: (fraction: number) => void): Promise<T> {
    this.throwIfCancelled();
    let interrupted = false;
    const timer = setInterval(() => {
      if (this.cancelled && !interrupted) {
        interrupted = true;
        this.connection.interrupt();
        return;
      }
      if (onFraction) {
        const { percentage } = this.connection.progress;
        if (percentage >= 0) onFraction(Math.min(1, percentage / 100));
      }
    }, POLL_MS);
    try {
      return await pending;
    } catch (error) {
      if (interrupted || this.cancelled) throw new DataJobCancelledError();
      throw error;
    } finally {
      clearInterval(timer);
    }
  }
}

/** Turns DuckDB's JS values into plain ones: bigint to number, Date to epoch milliseconds. */
function plainValue(value: unknown): PlainValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object') {
    const plain: Record<string, PlainValue> = {};
    for (const [key, inner] of Object.entries(value)) plain[key] = plainValue(inner);
    return plain;
  }
  return valueText(value);
}

/** A result value as text: scalars as String() writes them, lists and structs as JSON (never "[object Object]"). */
export function valueText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(plainValue(value)) : String(value);
}

/** Quotes an identifier for DuckDB SQL. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for DuckDB SQL. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
