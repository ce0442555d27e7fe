// Assembled runs (info, params, tags, latest metrics, datasets, outputs) kept between reads, so
// that a search answering a thousand runs, paged through or repeated as a view refreshes, does not
// rebuild every run each time. An entry is dropped when the store announces a change to its run,
// and everything is dropped on a change not tied to one run or on a write by another connection.
import type { Run } from '../../../shared/models';
import type { StoreChange } from './tracker-store';

/** How many runs the cache holds before it drops the oldest: a few full search pages, some 25 MB at most for runs of 20 params and 10 metrics. */
const DEFAULT_CAPACITY = 5_000;

/** A bounded map from run id to its assembled run; the runs it hands out are shared and must not be changed. */
export class RunCache {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The cached run, or undefined. */
  get(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  /** Keeps a run freshly read from the database. */
  set(runId: string, run: Run): void {
    this.runs.set(runId, run);
    if (this.runs.size > this.capacity) {
      // Maps iterate in insertion order: the first keys are the oldest.
      for (const oldest of this.runs.keys()) {
        this.runs.delete(oldest);
        if (this.runs.size <= this.capacity * 0.9) break;
      }
    }
  }

  /** Drops what a committed change may have made stale. */
  forget(change: StoreChange): void {
    if (change.runId) this.runs.delete(change.runId);
    else this.clear();
  }

  clear(): void {
    this.runs.clear();
  }
}
