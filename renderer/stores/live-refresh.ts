// Refetches what a chart page shows when runs it shows change: the app's one tracker
// subscription (ui-slice.ts) hands each change to the page's slice, which passes the affected run
// ids here; they are refreshed at most once per interval and one refresh at a time, so runs
// logging hundreds of points a second cost the page about one request per metric a second.
import { createCoalescingThrottle, type CoalescingThrottle } from '../../shared/coalescing-throttle';

/** Least time between two refreshes of a chart page, in milliseconds. */
const CHART_REFRESH_INTERVAL_MS = 1000;

/** Collects run ids to refresh and refreshes them, throttled. */
export interface RunRefresher {
  /** Asks for these runs to be refreshed soon. */
  add(runIds: Iterable<string>): void;
  /** Drops what is pending (the page now shows other runs). */
  clear(): void;
}

/** A refresher that calls `refresh` with the runs collected since its last call. */
export function createRunRefresher(refresh: (runIds: readonly string[]) => Promise<void>, intervalMs = CHART_REFRESH_INTERVAL_MS): RunRefresher {
  const throttle: CoalescingThrottle<string> = createCoalescingThrottle<string, Set<string>>({
    intervalMs,
    edge: 'leading',
    createBatch: () => new Set(),
    addToBatch: (batch, runId) => batch.add(runId),
    flush: (batch) => refresh([...batch]),
    onError: (error) => console.warn('cairn: live refresh failed', error),
  });
  return {
    add(runIds) {
      for (const runId of runIds) throttle.add(runId);
    },
    clear() {
      throttle.clear();
    },
  };
}
