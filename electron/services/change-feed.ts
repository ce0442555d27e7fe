// Coalesces the change notices of the tracker, the model registry and the logged-model store into
// at most one `tracker.changed` event per interval, so that a training script logging thousands of
// points a second, or a client registering many model versions, costs the UI a few refetches.
import { createCoalescingThrottle } from '../../shared/coalescing-throttle';
import type { TrackerChange } from '../../shared/contract';
import { TrackerChangeBatch } from '../../shared/tracker-change-batch';

/** Default time between two pushed change events, in milliseconds. */
export const DEFAULT_CHANGE_INTERVAL_MS = 150;

/** A store's notice of one committed write: what kind of thing changed, and where when it knows. */
export interface ChangeNotice {
  readonly entity: TrackerChange['entities'][number];
  readonly experimentId?: string;
  readonly runId?: string;
}

/** A store whose committed writes the feed announces. */
export interface ChangeSource {
  onChange(listener: (change: ChangeNotice) => void): () => void;
}

/** Subscribes to the sources and calls `publish` with their merged changes, at most once per interval; returns the stop function. */
export function startChangeFeed(
  sources: readonly ChangeSource[],
  publish: (change: TrackerChange) => void,
  intervalMs = DEFAULT_CHANGE_INTERVAL_MS,
): () => void {
  // Trailing: a burst of writes waits one interval and goes out as one event.
  const throttle = createCoalescingThrottle<ChangeNotice, TrackerChangeBatch>({
    intervalMs,
    edge: 'trailing',
    createBatch: () => new TrackerChangeBatch(),
    addToBatch: (batch, notice) =>
      batch.add({
        entities: [notice.entity],
        experimentIds: notice.experimentId !== undefined ? [notice.experimentId] : [],
        runIds: notice.runId ? [notice.runId] : [],
      }),
    flush: (batch) => publish(batch.toChange()),
    onError: (error) => console.error('cairn: publishing a tracker change failed', error),
  });
  const unsubscribes = sources.map((source) => source.onChange((notice) => throttle.add(notice)));
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    throttle.stop();
  };
}
