// App-wide state: the route, facts about the running app, the colour theme, and the one
// subscription to tracker changes that keeps what is shown live.
import type { StateCreator } from 'zustand';
import type { AppInfo, TrackerChange } from '../../shared/contract';
import { api } from '../api';
import type { Route } from '../router';
import type { AppState } from './app-store';
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
}

function readTheme(): ThemeChoice {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

function applyTheme(theme: ThemeChoice): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

function sameRoute(a: Route, b: Route): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Builds the ui slice. */
export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => {
  const theme = readTheme();
  applyTheme(theme);
  return {
    route: { name: 'experiments' },
    appInfo: null,
    appInfoError: null,
    theme,

    setRoute(route) {
      if (!sameRoute(route, get().route)) set({ route });
    },

    async loadAppInfo() {
      try {
        set({ appInfo: await api.getAppInfo({}), appInfoError: null });
      } catch (error) {
        set({ appInfoError: describeError(error) });
      }
    },

    setTheme(next) {
      try {
        if (next === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
        else window.localStorage.setItem(THEME_STORAGE_KEY, next);
      } catch {
        // Storage may be unavailable (private mode); the choice still holds for this session.
      }
      applyTheme(next);
      set({ theme: next });
    },

    watchTracker() {
      let experimentIds = new Set<string>();
      let runIds = new Set<string>();
      let entities = new Set<TrackerChange['entities'][number]>();
      let timer: ReturnType<typeof setTimeout> | null = null;
      let running = false;
      let stopped = false;
      let lastStart = 0;

      const flush = async () => {
        timer = null;
        const change: TrackerChange = { experimentIds: [...experimentIds], runIds: [...runIds], entities: [...entities] };
        experimentIds = new Set();
        runIds = new Set();
        entities = new Set();
        running = true;
        lastStart = Date.now();
        try {
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
        } finally {
          running = false;
          schedule();
        }
      };
      const schedule = () => {
        if (timer || running || stopped || entities.size === 0) return;
        timer = setTimeout(() => void flush(), Math.max(0, lastStart + LIVE_REFETCH_INTERVAL_MS - Date.now()));
      };
      const unsubscribe = api.onEvent('tracker.changed', (change) => {
        for (const id of change.experimentIds) experimentIds.add(id);
        for (const id of change.runIds) runIds.add(id);
        for (const entity of change.entities) entities.add(entity);
        schedule();
      });
      return () => {
        stopped = true;
        unsubscribe();
        if (timer) clearTimeout(timer);
      };
    },
  };
};
