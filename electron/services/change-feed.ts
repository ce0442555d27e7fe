// Coalesces the change notices of the tracker, the model registry and the logged-model store into
// at most one `tracker.changed` event per interval, so that a training script logging thousands of
// points a second, or a client registering many model versions, costs the UI a few refetches.
import type { TrackerChange } from '../../shared/contract';

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
  let experimentIds = new Set<string>();
  let runIds = new Set<string>();
  let entities = new Set<ChangeNotice['entity']>();
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    timer = null;
    const change: TrackerChange = { experimentIds: [...experimentIds], runIds: [...runIds], entities: [...entities] };
    experimentIds = new Set();
    runIds = new Set();
    entities = new Set();
    publish(change);
  };

  const unsubscribes = sources.map((source) =>
    source.onChange((change) => {
      entities.add(change.entity);
      if (change.experimentId !== undefined) experimentIds.add(change.experimentId);
      if (change.runId) runIds.add(change.runId);
      timer ??= setTimeout(flush, intervalMs);
    }),
  );

  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
