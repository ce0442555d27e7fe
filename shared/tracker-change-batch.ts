// Tracker changes merged into one: what the change feed sends after a burst of writes, and what
// the renderer refetches for after a burst of events.
import type { TrackerChange } from './contract';

/** The union of the experiments, runs and kinds of the changes added, each in first-seen order. */
export class TrackerChangeBatch {
  private readonly experimentIds = new Set<string>();
  private readonly runIds = new Set<string>();
  private readonly entities = new Set<TrackerChange['entities'][number]>();

  /** Merges one change into the batch. */
  add(change: TrackerChange): void {
    for (const id of change.experimentIds) this.experimentIds.add(id);
    for (const id of change.runIds) this.runIds.add(id);
    for (const entity of change.entities) this.entities.add(entity);
  }

  /** The merged change. */
  toChange(): TrackerChange {
    return { experimentIds: [...this.experimentIds], runIds: [...this.runIds], entities: [...this.entities] };
  }
}
