// The page's first script, run before the app's code has loaded (index.html lists it first): when
// the address is a runs table (a link opened in a new tab), it asks for the table's first window
// of rows at once, so the answer travels while React and the app load; the store then takes that
// answer (renderer/api.ts, startCallEarly). It imports only what builds that request.
import { startCallEarly } from './api';
import { parseRoute } from './models/routes';
import { loadColumnLayout } from './models/runs-table/column-layout-storage';
import { firstWindowRequest, neededSpecs } from './models/runs-table/runs-table-requests';

function startFirstWindow(): void {
  const route = parseRoute(window.location.hash);
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

startFirstWindow();
