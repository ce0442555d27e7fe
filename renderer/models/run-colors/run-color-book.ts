// One colour per run, the same in the runs table, the compare view and the run page. A run gets
// its colour the first time it is shown, from the palette's colours that the runs shown with it
// do not have (the least used of them when the palette is exhausted), and keeps it: the book
// remembers every colour it gave, across pages and, in localStorage, across sessions. The compare
// view, where runs must be told apart, also asks that no two of its runs share a colour while the
// palette has room: the run that got its colour more recently moves, everywhere.
import { RUN_PALETTE } from './run-palette';

/** Where the book is kept: localStorage in the app. */
export type ColorStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** Where the book is remembered. */
const STORAGE_KEY = 'cairn.run-colors';
/** Runs remembered across sessions: the ones coloured most recently. */
const REMEMBERED_RUNS = 20_000;
/** A change is saved this long after the last one, so that a scroll saves once. */
const SAVE_DELAY_MS = 1000;

/** How a run's colour is stored: its palette index, and when it was given (later is larger). */
function pack(index: number, age: number): number {
  return age * 64 + index;
}

function indexOf(packed: number): number {
  return packed % 64;
}

function ageOf(packed: number): number {
  return Math.floor(packed / 64);
}

/** What the book needs from its surroundings: where to remember, and a timer for saving. */
export interface RunColorBookOptions {
  readonly storage: ColorStorage | null;
  readonly palette?: readonly string[];
  /** Runs a function later (setTimeout in the app); returns a cancel function. */
  readonly schedule?: (run: () => void, ms: number) => () => void;
}

/** The colour each run has been given. */
export class RunColorBook {
  private readonly colors = new Map<string, number>();
  private readonly palette: readonly string[];
  private readonly storage: ColorStorage | null;
  private readonly schedule: (run: () => void, ms: number) => () => void;
  private nextAge = 1;
  /** The palette index to try first for the next new run, so that successive runs go round the palette. */
  private cursor = 0;
  private cancelSave: (() => void) | null = null;
  /** Bumped on every change, so that views computing colours from the book know when to recompute. */
  version = 0;

  constructor(options: RunColorBookOptions) {
    this.palette = options.palette ?? RUN_PALETTE;
    this.storage = options.storage;
    this.schedule =
      options.schedule ??
      ((run, ms) => {
        const timer = setTimeout(run, ms);
        return () => clearTimeout(timer);
      });
    this.adopt(this.readStored());
  }

  /** The run's colour; a run never shown before gets one now. */
  colorOf(runId: string): string {
    let packed = this.colors.get(runId);
    if (packed === undefined) {
      this.assign([runId]);
      packed = this.colors.get(runId)!;
    }
    return this.palette[indexOf(packed)]!;
  }

  /** Whether the run has been given a colour. */
  has(runId: string): boolean {
    return this.colors.has(runId);
  }

  /**
   * Gives a colour to each of the runs shown together that has none, from the colours least used
   * among them. With `distinct`, runs sharing a colour with another of them (the one coloured
   * earlier keeps it) move to a colour none of them has, while there is one. Returns whether any
   * run's colour was given or changed.
   */
  assign(runIds: readonly string[], options: { readonly distinct?: boolean } = {}): boolean {
    const size = this.palette.length;
    const uses = new Array<number>(size).fill(0);
    const fresh: string[] = [];
    const seen = new Set<string>();
    for (const runId of runIds) {
      if (seen.has(runId)) continue;
      seen.add(runId);
      const packed = this.colors.get(runId);
      if (packed === undefined) fresh.push(runId);
      else uses[indexOf(packed)]!++;
    }
    let changed = false;
    if (options.distinct) changed = this.separate([...seen].filter((runId) => this.colors.has(runId)), uses);
    for (const runId of fresh) {
      const index = this.leastUsed(uses);
      uses[index]!++;
      this.give(runId, index);
      changed = true;
    }
    if (changed) this.changed();
    return changed;
  }

  /** Moves runs off colours an earlier-coloured run among them has, while some colour is unused among them. */
  private separate(coloured: readonly string[], uses: number[]): boolean {
    const byAge = [...coloured].sort((a, b) => ageOf(this.colors.get(a)!) - ageOf(this.colors.get(b)!));
    const holder = new Set<number>();
    let changed = false;
    for (const runId of byAge) {
      const index = indexOf(this.colors.get(runId)!);
      if (!holder.has(index)) {
        holder.add(index);
        continue;
      }
      const free = this.leastUsed(uses);
      if (uses[free]! > 0) break;
      uses[index]!--;
      uses[free]!++;
      holder.add(free);
      this.give(runId, free);
      changed = true;
    }
    return changed;
  }

  /** The least used palette index, the first from the cursor on among equals. */
  private leastUsed(uses: readonly number[]): number {
    const size = this.palette.length;
    let best = this.cursor % size;
    for (let step = 1; step < size; step++) {
      const index = (this.cursor + step) % size;
      if (uses[index]! < uses[best]!) best = index;
    }
    return best;
  }

  private give(runId: string, index: number): void {
    this.colors.delete(runId);
    this.colors.set(runId, pack(index, this.nextAge++));
    this.cursor = (index + 1) % this.palette.length;
  }

  private changed(): void {
    this.version++;
    if (!this.storage || this.cancelSave) return;
    this.cancelSave = this.schedule(() => {
      this.cancelSave = null;
      this.save();
    }, SAVE_DELAY_MS);
  }

  /** Saves now if a change is waiting to be saved (the page is going away). */
  flush(): void {
    if (!this.cancelSave) return;
    this.cancelSave();
    this.cancelSave = null;
    this.save();
  }

  /** Writes the most recently coloured runs to storage, keeping colours another window gave meanwhile. */
  save(): void {
    if (!this.storage) return;
    // Another window may have coloured runs this one has not shown: take theirs, so neither loses them.
    if (this.adopt(this.readStored())) this.version++;
    const kept = [...this.colors].sort((a, b) => ageOf(b[1]) - ageOf(a[1])).slice(0, REMEMBERED_RUNS);
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify({ v: 1, next: this.nextAge, cursor: this.cursor, runs: Object.fromEntries(kept) }));
    } catch (error) {
      console.warn('cairn: could not remember the run colours', error);
    }
  }

  private readStored(): { next: number; cursor: number; runs: Record<string, number> } | null {
    try {
      const text = this.storage?.getItem(STORAGE_KEY);
      if (!text) return null;
      const parsed = JSON.parse(text) as { v?: number; next?: unknown; cursor?: unknown; runs?: unknown };
      if (parsed.v !== 1 || typeof parsed.next !== 'number' || typeof parsed.runs !== 'object' || parsed.runs === null) return null;
      return { next: parsed.next, cursor: typeof parsed.cursor === 'number' ? parsed.cursor : 0, runs: parsed.runs as Record<string, number> };
    } catch {
      return null;
    }
  }

  /** Takes stored colours of runs this book has not coloured; returns whether it took any. */
  private adopt(stored: { next: number; cursor: number; runs: Record<string, number> } | null): boolean {
    if (!stored) return false;
    let took = false;
    for (const [runId, packed] of Object.entries(stored.runs)) {
      if (this.colors.has(runId) || !Number.isSafeInteger(packed) || packed < 0 || indexOf(packed) >= this.palette.length) continue;
      this.colors.set(runId, packed);
      took = true;
    }
    if (stored.next > this.nextAge) {
      this.nextAge = stored.next;
      this.cursor = stored.cursor % this.palette.length;
    }
    return took;
  }
}
