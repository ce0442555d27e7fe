// The page's only script (index.html), kept small so it runs as soon as the page is parsed: when
// the address is a runs table (a link opened in a new tab), it asks for the table's first window
// of rows at once, so the answer travels while React and the app load; the store then takes that
// answer (renderer/api.ts, startCallEarly). It imports only what builds that request, then loads
// the app (main.tsx) and the linked page's code side by side.
import { startCallEarly } from './api';
import { parseRoute, type Route } from './models/routes';
import { loadColumnLayout } from './models/runs-table/column-layout-storage';
import { firstWindowRequest, neededSpecs } from './models/runs-table/runs-table-requests';

function startFirstWindow(route: Route): void {
  if (route.name !== 'runs') return;
  let storage: Storage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    // No storage: the layout is the default one, as in the store.
  }
  const layout = loadColumnLayout(storage, route.experimentId);
  startCallEarly('getRunsTable', firstWindowRequest(route.experimentId, '', [], neededSpecs({ layout, groupBy: null, keys: null })));
}

const route = parseRoute(window.location.hash);
startFirstWindow(route);
void import('./main');
// The runs page's chunk is fetched with the app's rather than after it has run (main.tsx also
// preloads the current page; the module loads once). A failure is shown when the page renders.
if (route.name === 'runs') void import('./pages/runs/runs-page').catch(() => undefined);
