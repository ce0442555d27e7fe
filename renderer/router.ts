// Keeps the address bar and the current route (in the store's ui slice) in step: the routes
// themselves are parsed and written by models/routes.ts.
import { parseRoute, routeHref, type Route } from './models/routes';
import { preloadPage } from './pages';
import { useAppStore } from './use-app-store';

/** Goes to a route (a new history entry, so Back returns). */
export function navigate(route: Route): void {
  const href = routeHref(route);
  if (window.location.hash !== href) window.location.hash = href;
  else useAppStore.getState().setRoute(parseRoute(href));
}

/**
 * Asks for the data a route's page shows as soon as the address changes, rather than when the page
 * mounts: a page's first mount waits for its chunk and for React to reveal it (up to 300 ms after
 * the loading line appeared), and the answers can be in by then.
 */
function startPageData(route: Route): void {
  if (route.name === 'data' && route.datasetName !== null) void useAppStore.getState().openDatasetPage(route.datasetName, route.versionId);
}

/** Reads the address bar into the store now and on every change (starting the page's data); returns the function that stops it. */
export function startRouter(): () => void {
  const sync = () => {
    const route = parseRoute(window.location.hash);
    preloadPage(route.name);
    useAppStore.getState().setRoute(route);
    startPageData(route);
  };
  sync();
  window.addEventListener('hashchange', sync);
  return () => window.removeEventListener('hashchange', sync);
}

/** The current route. */
export function useRoute(): Route {
  return useAppStore((state) => state.route);
}
