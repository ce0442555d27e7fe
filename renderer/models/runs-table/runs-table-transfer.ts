// A decoded runs-table page packed to cross from a worker to the page cheaply: numbers as typed
// arrays whose memory is handed over rather than copied, and text columns (params, tags, a run's
// status and user) as each distinct value once plus a code per row, so that a table of 100,000
// runs arrives as a few arrays instead of millions of strings for the page to rebuild one by one.
// Only run ids and names, which differ from run to run, travel as lists of strings.
import type { RunStatus } from '../../../shared/models';
import { spareRows, type DecodedColumn, type DecodedRunsTablePage, type RunsTableColumnSpec } from '../../../shared/runs-table';

/** Texts as their distinct values and, per row, the index of its value (-1: none). */
export interface PackedTexts {
  readonly values: readonly string[];
  readonly codes: Int32Array;
}

/** A packed column. */
export type PackedColumn =
  | { readonly spec: RunsTableColumnSpec; readonly type: 'number'; readonly values: Float64Array; readonly states: Uint8Array }
  | { readonly spec: RunsTableColumnSpec; readonly type: 'text'; readonly texts: PackedTexts };

/** A packed page. */
export interface PackedRunsTablePage {
  readonly runIds: readonly string[];
  readonly runNames: readonly string[];
  readonly statuses: PackedTexts;
  readonly userIds: PackedTexts;
  readonly parentRunIds: PackedTexts;
  readonly startTimes: Float64Array;
  /** NaN where a run has not ended. */
  readonly endTimes: Float64Array;
  readonly columns: readonly PackedColumn[];
}

function packTexts(texts: ReadonlyArray<string | null>): PackedTexts {
  const index = new Map<string, number>();
  const values: string[] = [];
  const codes = new Int32Array(texts.length);
  for (let row = 0; row < texts.length; row++) {
    const text = texts[row] ?? null;
    if (text === null) {
      codes[row] = -1;
      continue;
    }
    let code = index.get(text);
    if (code === undefined) {
      code = values.length;
      index.set(text, code);
      values.push(text);
    }
    codes[row] = code;
  }
  return { values, codes };
}

/**
 * An array of `length` items made by `item`, with room for spareRows() more: a live run joining
 * the table is then appended without copying the 100,000 items before it. The room is first
 * filled with `blank`, which sets what the array can hold without converting every item when one
 * is written later: null for lists that may hold nulls (a run that has not ended), 0 for numbers.
 */
function listWithRoom<T>(length: number, item: (row: number) => T, blank: T): T[] {
  const list = new Array<T>(length + spareRows(length)).fill(blank);
  for (let row = 0; row < length; row++) list[row] = item(row);
  list.length = length;
  return list;
}

function unpackTexts(packed: PackedTexts): Array<string | null> {
  return listWithRoom(packed.codes.length, (row) => {
    const code = packed.codes[row]!;
    return code < 0 ? null : packed.values[code]!;
  }, null);
}

/** Packs a decoded page; `transfer` lists the memory to hand over with postMessage. */
export function packDecodedPage(decoded: DecodedRunsTablePage): { packed: PackedRunsTablePage; transfer: ArrayBuffer[] } {
  const { runs } = decoded;
  const packed: PackedRunsTablePage = {
    runIds: runs.runIds,
    runNames: runs.runNames,
    statuses: packTexts(runs.statuses),
    userIds: packTexts(runs.userIds),
    parentRunIds: packTexts(runs.parentRunIds),
    startTimes: Float64Array.from(runs.startTimes),
    endTimes: Float64Array.from(runs.endTimes, (end) => end ?? Number.NaN),
    columns: decoded.columns.map((column): PackedColumn =>
      column.type === 'number' ? column : { spec: column.spec, type: 'text', texts: packTexts(column.values) },
    ),
  };
  const transfer: ArrayBuffer[] = [];
  const hand = (array: { buffer: ArrayBufferLike }) => {
    if (array.buffer instanceof ArrayBuffer && !transfer.includes(array.buffer)) transfer.push(array.buffer);
  };
  for (const texts of [packed.statuses, packed.userIds, packed.parentRunIds]) hand(texts.codes);
  hand(packed.startTimes);
  hand(packed.endTimes);
  for (const column of packed.columns) {
    if (column.type === 'number') {
      hand(column.values);
      hand(column.states);
    } else {
      hand(column.texts.codes);
    }
  }
  return { packed, transfer };
}

/** The decoded page a packed one stands for. */
export function unpackDecodedPage(packed: PackedRunsTablePage): DecodedRunsTablePage {
  return {
    runs: {
      runIds: listWithRoom(packed.runIds.length, (row) => packed.runIds[row]!, ''),
      runNames: listWithRoom(packed.runNames.length, (row) => packed.runNames[row]!, ''),
      statuses: unpackTexts(packed.statuses) as RunStatus[],
      userIds: listWithRoom(packed.userIds.codes.length, (row) => {
        const code = packed.userIds.codes[row]!;
        return code < 0 ? '' : packed.userIds.values[code]!;
      }, ''),
      parentRunIds: unpackTexts(packed.parentRunIds),
      startTimes: listWithRoom(packed.startTimes.length, (row) => packed.startTimes[row]!, 0),
      endTimes: listWithRoom(packed.endTimes.length, (row) => {
        const end = packed.endTimes[row]!;
        return Number.isNaN(end) ? null : end;
      }, null as number | null),
    },
    columns: packed.columns.map((column): DecodedColumn => (column.type === 'number' ? column : { spec: column.spec, type: 'text', values: unpackTexts(column.texts) })),
  };
}
