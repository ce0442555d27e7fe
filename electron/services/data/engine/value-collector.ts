// Hands numeric columns from a DuckDB scan to JavaScript while DuckDB reads them: a scalar
// function, cairn_collect(collector, x1, x2, ...), placed in the scan's SELECT, receives each
// chunk of the scan as DuckDB's own column vectors and copies the values into typed arrays. The
// values never go through a query result (which costs DuckDB more than parsing them) or through
// JavaScript objects, and the same scan computes every other aggregate the caller needs.
//
// The columns' memory is kept for the next scan for a minute once its comparison is done (see
// ColumnMemory): on this kind of machine, writing fresh memory for the first time costs about
// 3 ms per MB (the kernel maps and zeroes each page), 0.65 s for two sides of a million rows
// × 14 numeric columns, on the thread DuckDB's scan waits for.
import { DOUBLE, DuckDBScalarFunction, INTEGER, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';

/** The SQL name of the collecting function. */
export const COLLECT_FUNCTION = 'cairn_collect';

/** The columns one scan collects: a row per chunk row, missing values as NaN. */
export class ValueCollector {
  private columns: Float64Array[];
  private length = 0;

  constructor(
    /** The number the scan passes as cairn_collect's first argument. */
    readonly id: number,
    columnCount: number,
    expectedRows: number,
    private readonly memory: ColumnMemory,
  ) {
    const capacity = Math.max(2048, Math.ceil(expectedRows));
    this.columns = Array.from({ length: columnCount }, () => memory.take(capacity));
  }

  /** Copies one chunk's vectors (after the collector id) onto the end of the columns. */
  append(chunk: DuckDBDataChunk): void {
    const count = chunk.rowCount;
    if (count === 0) return;
    this.reserve(this.length + count);
    const raw = chunk.chunk;
    for (let c = 0; c < this.columns.length; c++) {
      const vector = duckdb.data_chunk_get_vector(raw, c + 1);
      const bytes = duckdb.vector_get_data(vector, count * Float64Array.BYTES_PER_ELEMENT);
      const target = this.columns[c]!;
      target.set(new Float64Array(bytes.buffer, bytes.byteOffset, count), this.length);
      // DuckDB's validity mask: bit i set when row i has a value; absent when every row has one.
      const validity = duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8);
      if (validity) {
        for (let i = 0; i < count; i++) {
          if ((validity[i >> 3]! & (1 << (i & 7))) === 0) target[this.length + i] = Number.NaN;
        }
      }
    }
    this.length += count;
  }

  /** The collected columns, one array per column in the order passed to cairn_collect. */
  finish(): Float64Array[] {
    return this.columns.map((column) => column.subarray(0, this.length));
  }

  /** Hands the columns' memory back for the next scan; the arrays from finish() must no longer be used. */
  recycle(): void {
    for (const column of this.columns) this.memory.give(column);
    this.columns = [];
  }

  private reserve(rows: number): void {
    const capacity = this.columns[0]?.length ?? 0;
    if (rows <= capacity) return;
    const grown = Math.max(rows, capacity * 2);
    this.columns = this.columns.map((column) => {
      const next = this.memory.take(grown);
      next.set(column.subarray(0, this.length));
      this.memory.give(column);
      return next;
    });
  }
}

/** How long recycled column memory is kept for the next scan. */
const KEEP_MEMORY_MS = 60_000;
/** At most this much recycled column memory is kept. */
const KEEP_MEMORY_BYTES = 1 << 30;

/**
 * Column arrays handed back by finished comparisons, reused by the next scans (already written
 * once, so the kernel need not map them again) and let go after a minute without scans.
 */
export class ColumnMemory {
  private kept: Float64Array[] = [];
  private keptBytes = 0;
  private timer: NodeJS.Timeout | null = null;

  /** An array of at least `length` values (contents left from earlier scans). */
  take(length: number): Float64Array {
    let best = -1;
    for (let i = 0; i < this.kept.length; i++) {
      const candidate = this.kept[i]!.length;
      if (candidate >= length && candidate <= length * 2 && (best < 0 || candidate < this.kept[best]!.length)) best = i;
    }
    // Shared memory: a column handed to another thread (drift/numeric-column-helper.ts) is not copied.
    if (best < 0) return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
    const [array] = this.kept.splice(best, 1);
    this.keptBytes -= array!.byteLength;
    return array!;
  }

  /** Keeps `array` for a later take(). */
  give(array: Float64Array): void {
    if (this.keptBytes + array.byteLength > KEEP_MEMORY_BYTES) return;
    this.kept.push(array);
    this.keptBytes += array.byteLength;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.kept = [];
      this.keptBytes = 0;
      this.timer = null;
    }, KEEP_MEMORY_MS);
    this.timer.unref();
  }
}

/** The collectors of one DuckDB instance's scans, by id, and the function that feeds them. */
export class ValueCollectors {
  private readonly open = new Map<number, ValueCollector>();
  private readonly memory = new ColumnMemory();
  private nextId = 1;
  private readonly collect = DuckDBScalarFunction.create({
    name: COLLECT_FUNCTION,
    returnType: INTEGER,
    parameterTypes: [INTEGER],
    varArgsType: DOUBLE,
    // Called for every chunk, NULLs included (they are marked NaN); never folded into a constant.
    specialHandling: true,
    volatile: true,
    mainFunction: (_info, input) => {
      const idBytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(input.chunk, 0), Int32Array.BYTES_PER_ELEMENT);
      const id = new Int32Array(idBytes.buffer, idBytes.byteOffset, 1)[0]!;
      this.open.get(id)?.append(input);
    },
  });

  /** Makes cairn_collect callable on `connection`. */
  register(connection: DuckDBConnection): void {
    connection.registerScalarFunction(this.collect);
  }

  /** A collector for a scan of `columnCount` columns; close it when the scan is over. */
  start(columnCount: number, expectedRows: number): ValueCollector {
    const collector = new ValueCollector(this.nextId++, columnCount, expectedRows, this.memory);
    this.open.set(collector.id, collector);
    return collector;
  }

  /** Stops feeding a collector (its scan finished or failed). */
  close(collector: ValueCollector): void {
    this.open.delete(collector.id);
  }
}
