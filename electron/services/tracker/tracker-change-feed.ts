// Coalesces the store's per-write change notices into at most one `tracker.changed` event per
// interval, so a training script logging thousands of points a second costs the UI a few refetches.
import type { TrackerChange } from '../../../shared/contract';
import type { StoreChange, TrackerStore } from './tracker-store';

/** Default time between two pushed change events, in milliseconds. */
export const DEFAULT_CHANGE_INTERVAL_MS = 150;

/** Subscribes to a store and calls `publish` with merged changes, at most once per interval. */
export function startTrackerChangeFeed(
  store: TrackerStore,
  publish: (change: TrackerChange) => void,
  intervalMs = DEFAULT_CHANGE_INTERVAL_MS,
): () => void {
  let experimentIds = new Set<string>();
  let runIds = new Set<string>();
  let entities = new Set<StoreChange['entity']>();
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    timer = null;
    const change: TrackerChange = { experimentIds: [...experimentIds], runIds: [...runIds], entities: [...entities] };
    experimentIds = new Set();
    runIds = new Set();
    entities = new Set();
    publish(change);
  };

  const unsubscribe = store.onChange((change) => {
    experimentIds.add(change.experimentId);
    if (change.runId) runIds.add(change.runId);
    entities.add(change.entity);
    timer ??= setTimeout(flush, intervalMs);
  });

  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
