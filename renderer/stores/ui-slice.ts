// App-wide state: the route, facts about the running app, whether the data folder's disk is full,
// the colour theme, and the one subscription to tracker changes that keeps what is shown live.
import type { StateCreator } from 'zustand';
import { createCoalescingThrottle } from '../../shared/coalescing-throttle';
import type { AppInfo, StorageStatus, TrackerChange } from '../../shared/contract';
import { TrackerChangeBatch } from '../../shared/tracker-change-batch';
import type { Route } from '../models/routes';
import type { AppState, PreferenceStorage, SliceContext } from './app-store';
import { describeError } from './describe-error';

/** The user's theme choice: follow the OS, or force one. */
export type ThemeChoice = 'system' | 'light' | 'dark';

/** Least time between two refetches caused by tracker changes, in milliseconds. */
export const LIVE_REFETCH_INTERVAL_MS = 250;

const THEME_STORAGE_KEY = 'cairn.theme';

/** The ui slice of the app store. */
export interface UiSlice {
  readonly route: Route;
  readonly appInfo: AppInfo | null;
  readonly appInfoError: string | null;
  /** Whether writes into the data folder fail because its disk is full (from the app info, then kept current by watchStorage); null until known. */
  readonly storage: StorageStatus | null;
  /** The theme chosen (the app shell applies it to the page). */
  readonly theme: ThemeChoice;
  /** Called by the router when the address changes. */
  setRoute(route: Route): void;
  loadAppInfo(): Promise<void>;
  /** Sets and remembers the theme. */
  setTheme(theme: ThemeChoice): void;
  /**
   * Subscribes to tracker changes and refetches what is shown (the experiments list, the open
   * runs table, the models), merging changes so that refetches start at most every LIVE_REFETCH_INTERVAL_MS
   * and one at a time. Returns the function that stops it.
   */
  watchTracker(): () => void;
  /** Keeps `storage` current from the `storage.changed` events. Returns the function that stops it. */
  watchStorage(): () => void;
}

function readTheme(preferences: PreferenceStorage | null): ThemeChoice {
  try {
    const stored = preferences?.getItem(THEME_STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

function sameRoute(a: Route, b: Route): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Builds the ui slice. */
export function createUiSlice({ api, preferences }: SliceContext): StateCreator<AppState, [], [], UiSlice> {
  return (set, get) => ({
    route: { name: 'experiments' },
    appInfo: null,
    appInfoError: null,
    storage: null,
    theme: readTheme(preferences),

    setRoute(route) {
      if (!sameRoute(route, get().route)) set({ route });
    },

    async loadAppInfo() {
      try {
        const appInfo = await api.getAppInfo({});
        set({ appInfo, appInfoError: null, storage: { dataDir: appInfo.dataDir, diskFull: appInfo.diskFull } });
      } catch (error) {
        set({ appInfoError: describeError(error) });
      }
    },

    setTheme(next) {
      try {
        if (next === 'system') preferences?.removeItem(THEME_STORAGE_KEY);
        else preferences?.setItem(THEME_STORAGE_KEY, next);
      } catch {
        // Storage may be unavailable (private mode); the choice still holds for this session.
      }
      set({ theme: next });
    },

    watchTracker() {
      // Leading: the first change after a quiet spell is refetched at once.
      const throttle = createCoalescingThrottle<TrackerChange, TrackerChangeBatch>({
        intervalMs: LIVE_REFETCH_INTERVAL_MS,
        edge: 'leading',
        createBatch: () => new TrackerChangeBatch(),
        addToBatch: (batch, change) => batch.add(change),
        flush: async (batch) => {
          const change = batch.toChange();
          const state = get();
          // Each slice refetches what it shows; add a slice's refresh here.
          const results = await Promise.allSettled([
            state.refreshExperimentsAfter(change),
            state.refreshRunsTableAfter(change),
            state.refreshRunPageAfter(change),
            state.refreshCompareAfter(change),
            state.refreshModelsAfter(change),
          ]);
          for (const result of results) if (result.status === 'rejected') console.warn('cairn: live refresh failed', result.reason);
        },
        onError: (error) => console.warn('cairn: live refresh failed', error),
      });
      const unsubscribe = api.onEvent('tracker.changed', (change) => throttle.add(change));
      return () => {
        throttle.stop();
        unsubscribe();
      };
    },

    watchStorage() {
      return api.onEvent('storage.changed', (storage) => set({ storage }));
    },
  });
}
