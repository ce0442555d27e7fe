// Sorting loaded runs exactly as the main side's search orders them (MLflow's SQL store rules):
// runs lacking the value come last in both directions (for metrics: numbers, then NaN, then
// missing), ties fall back to start time (latest first) and then run id. Strings compare by code
// point, as SQLite compares UTF-8 bytes.
//
// A hundred thousand runs are sorted without a comparator: the runs are first put in the
// tie-break order (start time, then id; usually the order they arrived in, checked in one pass),
// then sorted by the column's value with a stable radix sort on the value's bits (numbers) or on
// its rank among the column's distinct values (text). Small tables, and the few runs a live
// refresh repositions, use the comparator, which defines the order.
import { MetricCellState } from '../../../shared/runs-table';
import type { RunsTableData } from './runs-table-data';
import type { TableColumn } from './runs-table-columns';

/** A sort by one column. */
export interface SortSpec {
  readonly columnId: string;
  readonly ascending: boolean;
}

/** Compares two strings by code point (UTF-16 puts characters above U+FFFF before U+E000–U+FFFF; SQLite does not). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Compares two rows (indexes into the data). */
export type RowComparator = (a: number, b: number) => number;

/** Tables up to this size are sorted with the comparator. */
const RADIX_FROM = 2000;

/** What a column sorts by, row by row. */
type SortValues =
  | { readonly kind: 'text'; readonly values: ArrayLike<string | null> }
  | { readonly kind: 'number'; readonly values: ArrayLike<number>; readonly states: ArrayLike<number> | null };

function sortValues(data: RunsTableData, column: TableColumn, now: number): SortValues | null {
  if (column.kind === 'attribute') {
    switch (column.attribute) {
      case 'name':
        return { kind: 'text', values: data.runNames };
      case 'status':
        return { kind: 'text', values: data.statuses };
      case 'user':
        return { kind: 'text', values: data.userIds };
      case 'start':
        return { kind: 'number', values: data.startTimes, states: null };
      case 'duration':
        return { kind: 'number', values: Float64Array.from(data.startTimes, (start, row) => (data.endTimes[row] ?? now) - start), states: null };
    }
  }
  const decoded = data.columns.get(column.id);
  if (!decoded) return null;
  return decoded.type === 'number' ? { kind: 'number', values: decoded.values, states: decoded.states } : { kind: 'text', values: decoded.values };
}

function primaryComparator(values: SortValues, ascending: boolean): RowComparator {
  if (values.kind === 'text') {
    const texts = values.values;
    return (a, b) => {
      const x = texts[a] ?? null;
      const y = texts[b] ?? null;
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      const order = compareCodePoints(x, y);
      return ascending ? order : -order;
    };
  }
  const { values: numbers, states } = values;
  return (a, b) => {
    const sa = states ? (states[a] as number) : MetricCellState.Value;
    const sb = states ? (states[b] as number) : MetricCellState.Value;
    if (sa !== sb) return sa - sb;
    if (sa !== MetricCellState.Value) return 0;
    const x = numbers[a] as number;
    const y = numbers[b] as number;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  };
}

/** The comparator defining the display order for a sort by `column` (or none). `now` stands in for the end of running runs. */
export function rowComparator(data: RunsTableData, column: TableColumn | null, ascending: boolean, now = Date.now()): RowComparator {
  const { startTimes, runIds } = data;
  const values = column ? sortValues(data, column, now) : null;
  const primary = values ? primaryComparator(values, ascending) : null;
  const byStart = !(column?.kind === 'attribute' && column.attribute === 'start');
  return (a, b) => {
    const first = primary ? primary(a, b) : 0;
    if (first !== 0) return first;
    if (byStart) {
      const start = (startTimes[b] as number) - (startTimes[a] as number);
      if (start !== 0) return start;
    }
    return compareCodePoints(runIds[a] as string, runIds[b] as string);
  };
}

/** The tie-break order (start time, latest first, then run id), cached per loaded table. */
const tieBreakOrders = new WeakMap<readonly string[], { startTimes: readonly number[]; length: number; order: Int32Array }>();

function tieBreakOrder(data: RunsTableData): Int32Array {
  const cached = tieBreakOrders.get(data.runIds);
  if (cached && cached.startTimes === data.startTimes && cached.length === data.runIds.length) return cached.order;
  const { startTimes, runIds } = data;
  const n = runIds.length;
  const byStartThenId = (a: number, b: number) => (startTimes[b] as number) - (startTimes[a] as number) || compareCodePoints(runIds[a] as string, runIds[b] as string);
  let order: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // The main side sends runs in this order unless asked for another: one pass usually confirms it.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = byStartThenId(i - 1, i) <= 0;
  if (!sorted) {
    if (n < RADIX_FROM) {
      order.sort(byStartThenId);
    } else {
      // Latest first, then each run of equal start times by id.
      order = radixByNumber(order, startTimes, false);
      for (let from = 0; from < n; ) {
        let to = from + 1;
        while (to < n && startTimes[order[to]!] === startTimes[order[from]!]) to++;
        if (to - from > 1) order.subarray(from, to).sort(byStartThenId);
        from = to;
      }
    }
  }
  tieBreakOrders.set(data.runIds, { startTimes, length: n, order });
  return order;
}

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
/** Index of the high 32 bits of a float64 in scratchBits on this machine. */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Sorts `order` stably by the numbers (indexed by row), ascending or descending: the numbers'
 * bits made to sort as unsigned integers (negative numbers inverted, positive ones with the sign
 * bit set), then radix passes, least significant digit first.
 */
function radixByNumber(order: Int32Array, numbers: ArrayLike<number>, ascending: boolean): Int32Array {
  const n = order.length;
  const high = new Uint32Array(n);
  const low = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    // -0 sorts with 0, as comparisons do.
    scratch[0] = (numbers[order[i]!] as number) + 0;
    let h = scratchBits[HIGH]!;
    let l = scratchBits[1 - HIGH]!;
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    if (!ascending) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    high[i] = h;
    low[i] = l;
  }
  return radixSort(order, low, high);
}

/** Bits per radix pass: a count table of 2,048 entries stays in the fastest cache. */
const DIGIT_BITS = 11;
const DIGIT_MASK = (1 << DIGIT_BITS) - 1;

/**
 * Sorts `items` stably by unsigned 64-bit keys given as low and high 32-bit words (parallel to
 * items; `high` may be null for 32-bit keys). The keys travel with the items, so every pass reads
 * them in order. Consumes its arguments.
 */
function radixSort(items: Int32Array, low: Uint32Array, high: Uint32Array | null): Int32Array {
  const n = items.length;
  if (n < 2) return items.slice();
  let item: Int32Array = items.slice();
  let lo: Uint32Array = low;
  let hi: Uint32Array | null = high;
  let nextItem: Int32Array = new Int32Array(n);
  let nextLo: Uint32Array = new Uint32Array(n);
  let nextHi: Uint32Array | null = high ? new Uint32Array(n) : null;
  const counts = new Uint32Array(DIGIT_MASK + 1);
  const passes: Array<[word: 'lo' | 'hi', shift: number]> = [
    ['lo', 0],
    ['lo', DIGIT_BITS],
    ['lo', 2 * DIGIT_BITS],
    ...(high ? ([['hi', 0], ['hi', DIGIT_BITS], ['hi', 2 * DIGIT_BITS]] as Array<['hi', number]>) : []),
  ];
  for (const [wordName, shift] of passes) {
    const word = wordName === 'lo' ? lo : hi!;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(word[i]! >>> shift) & DIGIT_MASK]!++;
    // One bucket holding every item: this pass would change nothing.
    if (counts[(word[0]! >>> shift) & DIGIT_MASK] === n) continue;
    let total = 0;
    for (let digit = 0; digit <= DIGIT_MASK; digit++) {
      const count = counts[digit]!;
      counts[digit] = total;
      total += count;
    }
    for (let i = 0; i < n; i++) {
      const target = counts[(word[i]! >>> shift) & DIGIT_MASK]!++;
      nextItem[target] = item[i]!;
      nextLo[target] = lo[i]!;
      if (hi) nextHi![target] = hi[i]!;
    }
    [item, nextItem] = [nextItem, item];
    [lo, nextLo] = [nextLo, lo];
    if (hi) [hi, nextHi] = [nextHi!, hi];
  }
  return item;
}

/** Rows in `order` with a value, then those whose value is NaN, then those without one, each keeping their order. */
function partitionByState(order: Int32Array, states: ArrayLike<number> | null): [Int32Array, Int32Array] {
  if (!states) return [order, new Int32Array(0)];
  const valued = new Int32Array(order.length);
  const nan = new Int32Array(order.length);
  const missing = new Int32Array(order.length);
  let [v, a, m] = [0, 0, 0];
  for (let i = 0; i < order.length; i++) {
    const row = order[i]!;
    const state = states[row];
    if (state === MetricCellState.Value) valued[v++] = row;
    else if (state === MetricCellState.NaN) nan[a++] = row;
    else missing[m++] = row;
  }
  const rest = new Int32Array(a + m);
  rest.set(nan.subarray(0, a));
  rest.set(missing.subarray(0, m), a);
  return [valued.slice(0, v), rest];
}

/** Whether any string holds a character where UTF-16 order and code point order disagree (a surrogate, or U+E000 and up). */
function needsCodePointOrder(texts: readonly string[]): boolean {
  for (const text of texts) for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0xd800) return true;
  return false;
}

/** Sorts rows (in tie-break order) by a text column: nulls last either way. */
function radixByText(order: Int32Array, texts: ArrayLike<string | null>, ascending: boolean): Int32Array {
  const n = order.length;
  const rows = new Int32Array(n);
  const codes = new Uint32Array(n);
  const absent = new Int32Array(n);
  const index = new Map<string, number>();
  const distinct: string[] = [];
  let present = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    const text = texts[row] ?? null;
    if (text === null) {
      absent[missing++] = row;
      continue;
    }
    let code = index.get(text);
    if (code === undefined) {
      code = distinct.length;
      index.set(text, code);
      distinct.push(text);
    }
    rows[present] = row;
    codes[present++] = code;
  }
  // The engine's own string sort is UTF-16 order, which is code point order for most text.
  const sorted = needsCodePointOrder(distinct) ? [...distinct].sort(compareCodePoints) : [...distinct].sort();
  const rankOfCode = new Uint32Array(distinct.length);
  sorted.forEach((text, rank) => (rankOfCode[index.get(text)!] = ascending ? rank : sorted.length - 1 - rank));
  const keys = new Uint32Array(present);
  for (let i = 0; i < present; i++) keys[i] = rankOfCode[codes[i]!]!;
  const result = new Int32Array(n);
  result.set(radixSort(rows.subarray(0, present), keys, null));
  result.set(absent.subarray(0, missing), present);
  return result;
}

/**
 * Row indexes of `data` in display order: by the column when given, then by start time (latest
 * first, unless sorting by start time) and run id. `now` stands in for the end of running runs.
 */
export function sortRows(data: RunsTableData, column: TableColumn | null, ascending: boolean, now = Date.now()): Int32Array {
  const n = data.runIds.length;
  const values = column ? sortValues(data, column, now) : null;
  if (n < RADIX_FROM) {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort(rowComparator(data, column, ascending, now));
  }
  const base = tieBreakOrder(data);
  if (!values) return base.slice();
  if (values.kind === 'text') return radixByText(base, values.values, ascending);
  const [valued, rest] = partitionByState(base, values.states);
  const sorted = radixByNumber(valued, values.values, ascending);
  if (rest.length === 0) return sorted;
  const result = new Int32Array(n);
  result.set(sorted);
  result.set(rest, sorted.length);
  return result;
}

/** Changed rows up to this many are found in the order one by one (a native scan each) rather than through a set of all rows. */
const FEW_MOVING_ROWS = 32;

/**
 * The order after some rows changed value (a live refresh): those rows are taken out and put back
 * where the comparator places them, without sorting the rest again. `rows` lists the changed
 * rows; rows not yet in `order` (new runs) are inserted. A live run changes one or two rows of
 * 100,000: those are found and moved with the typed array's own scans and copies.
 */
export function repositionRows(order: Int32Array, rows: readonly number[], compare: RowComparator): Int32Array {
  const moving = [...new Set(rows)];
  const kept = moving.length <= FEW_MOVING_ROWS ? withoutFewRows(order, moving) : withoutManyRows(order, new Set(moving));
  let length = kept.length;
  const result = new Int32Array(length + moving.length);
  result.set(kept);
  for (const row of moving.sort(compare)) {
    let low = 0;
    let high = length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(result[middle]!, row) <= 0) low = middle + 1;
      else high = middle;
    }
    result.copyWithin(low + 1, low, length);
    result[low] = row;
    length++;
  }
  return result;
}

/** The order without a few rows, each found by a scan. */
function withoutFewRows(order: Int32Array, rows: readonly number[]): Int32Array {
  const positions = rows.map((row) => order.indexOf(row)).filter((position) => position >= 0);
  if (positions.length === 0) return order;
  positions.sort((a, b) => a - b);
  const kept = new Int32Array(order.length - positions.length);
  let from = 0;
  let length = 0;
  for (const position of positions) {
    kept.set(order.subarray(from, position), length);
    length += position - from;
    from = position + 1;
  }
  kept.set(order.subarray(from), length);
  return kept;
}

/** The order without the rows of a set. */
function withoutManyRows(order: Int32Array, rows: ReadonlySet<number>): Int32Array {
  const kept = new Int32Array(order.length);
  let length = 0;
  for (let i = 0; i < order.length; i++) {
    const row = order[i]!;
    if (!rows.has(row)) kept[length++] = row;
  }
  return kept.subarray(0, length);
}
