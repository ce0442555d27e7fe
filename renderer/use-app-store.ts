// The app's one store, created once over the bridge (renderer/api.ts) and remembering choices in
// localStorage and loading large runs tables in a worker. Components and the router use this hook;
// tests build their own store with
// createAppStore (stores/app-store.ts) over another API.
import { api } from './api';
import { createWorkerRunsTableLoader } from './runs-table-worker-loader';
import { createAppStore, type PreferenceStorage } from './stores/app-store';

/** localStorage, or null where the page may not use it. */
function browserPreferences(): PreferenceStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The app store hook; `useAppStore.getState()` outside React. */
export const useAppStore = createAppStore(api, { preferences: browserPreferences(), loadLargeRunsTable: createWorkerRunsTableLoader(api) });
