import { describe, expect, it } from 'vitest';
import { RunColorBook, type ColorStorage } from './run-color-book';
import { RUN_PALETTE } from './run-palette';

/** A storage like localStorage, in memory. */
function memoryStorage(): ColorStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

/** A book whose saves happen when `flush` is called. */
function bookWith(storage: ColorStorage | null) {
  const pending: Array<() => void> = [];
  const book = new RunColorBook({
    storage,
    schedule: (run) => {
      pending.push(run);
      return () => pending.splice(pending.indexOf(run), 1);
    },
  });
  return { book, flush: () => pending.splice(0).forEach((run) => run()) };
}

const ids = (count: number, prefix = 'run') => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe('run colours', () => {
  it('gives the runs shown together distinct colours, up to the palette size', () => {
    const { book } = bookWith(null);
    const runs = ids(RUN_PALETTE.length);
    book.assign(runs);
    expect(new Set(runs.map((runId) => book.colorOf(runId))).size).toBe(RUN_PALETTE.length);
  });

  it('beyond the palette, uses each colour as evenly as it can', () => {
    const { book } = bookWith(null);
    const runs = ids(RUN_PALETTE.length * 2 + 3);
    book.assign(runs);
    const counts = new Map<string, number>();
    for (const runId of runs) counts.set(book.colorOf(runId), (counts.get(book.colorOf(runId)) ?? 0) + 1);
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
  });

  it('keeps a run’s colour wherever it is shown next, and whatever runs are shown with it', () => {
    const { book } = bookWith(null);
    book.assign(ids(12));
    const before = ids(12).map((runId) => book.colorOf(runId));
    book.assign([...ids(12)].reverse());
    book.assign(['run-3', 'other-1', 'run-7']);
    expect(ids(12).map((runId) => book.colorOf(runId))).toEqual(before);
  });

  it('gives new runs colours the runs on screen do not have', () => {
    const { book } = bookWith(null);
    const screen = ids(10);
    book.assign(screen);
    // Scrolling: five rows leave, five new ones arrive.
    const next = [...screen.slice(5), ...ids(5, 'new')];
    book.assign(next);
    expect(new Set(next.map((runId) => book.colorOf(runId))).size).toBe(10);
  });

  it('in a view that needs distinct colours, moves the more recently coloured of two runs sharing one', () => {
    const { book } = bookWith(null);
    const first = ids(RUN_PALETTE.length);
    book.assign(first);
    const older = 'run-0';
    // Coloured alone, later: with a full palette it shares a colour with one of the first runs.
    book.assign(ids(RUN_PALETTE.length, 'later'));
    const clash = ids(RUN_PALETTE.length, 'later').find((runId) => book.colorOf(runId) === book.colorOf(older))!;
    const olderColor = book.colorOf(older);
    expect(book.assign([older, clash], { distinct: true })).toBe(true);
    expect(book.colorOf(older)).toBe(olderColor);
    expect(book.colorOf(clash)).not.toBe(olderColor);
    // Nothing to change the second time.
    expect(book.assign([older, clash], { distinct: true })).toBe(false);
  });

  it('remembers colours across sessions, and merges what another window gave', () => {
    const storage = memoryStorage();
    const one = bookWith(storage);
    one.book.assign(ids(5));
    one.flush();
    const two = bookWith(storage);
    expect(ids(5).map((runId) => two.book.colorOf(runId))).toEqual(ids(5).map((runId) => one.book.colorOf(runId)));
    two.book.assign(['from-two']);
    two.flush();
    one.book.assign(['from-one']);
    one.flush();
    const three = bookWith(storage);
    expect(three.book.has('from-two') && three.book.has('from-one')).toBe(true);
    expect(three.book.colorOf('from-two')).toBe(two.book.colorOf('from-two'));
  });

  it('saves at once when asked to flush a waiting change', () => {
    const storage = memoryStorage();
    const { book } = bookWith(storage);
    book.assign(['a']);
    expect(storage.items.size).toBe(0);
    book.flush();
    expect(bookWith(storage).book.colorOf('a')).toBe(book.colorOf('a'));
  });

  it('ignores what it cannot read', () => {
    const storage = memoryStorage();
    storage.setItem('cairn.run-colors', '{not json');
    const { book } = bookWith(storage);
    expect(RUN_PALETTE).toContain(book.colorOf('a'));
    storage.setItem('cairn.run-colors', JSON.stringify({ v: 1, next: 5, runs: { a: 64 * 3 + 30, b: -1, c: 'x' } }));
    expect(bookWith(storage).book.has('a')).toBe(false);
  });
});
