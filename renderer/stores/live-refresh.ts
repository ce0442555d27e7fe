// Refetches what a chart page shows when runs it shows change: the app's one tracker
// subscription (ui-slice.ts) hands each change to the page's slice, which passes the affected run
// ids here; they are refreshed at most once per interval and one refresh at a time, so runs
// logging hundreds of points a second cost the page about one request per metric a second.

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
  let pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let lastStart = 0;

  const schedule = () => {
    if (timer || running || pending.size === 0) return;
    timer = setTimeout(() => void flush(), Math.max(0, lastStart + intervalMs - Date.now()));
  };
  const flush = async () => {
    timer = null;
    const runIds = [...pending];
    pending = new Set();
    running = true;
    lastStart = Date.now();
    try {
      await refresh(runIds);
    } catch (error) {
      console.warn('cairn: live refresh failed', error);
    } finally {
      running = false;
      schedule();
    }
  };
  return {
    add(runIds) {
      for (const runId of runIds) pending.add(runId);
      schedule();
    },
    clear() {
      pending = new Set();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
