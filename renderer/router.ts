// Keeps the address bar and the current route (in the store's ui slice) in step: the routes
// themselves are parsed and written by models/routes.ts.
import { parseRoute, routeHref, type Route } from './models/routes';
import { useAppStore } from './use-app-store';

/** Goes to a route (a new history entry, so Back returns). */
export function navigate(route: Route): void {
  const href = routeHref(route);
  if (window.location.hash !== href) window.location.hash = href;
  else useAppStore.getState().setRoute(parseRoute(href));
}

/** Reads the address bar into the store now and on every change; returns the function that stops it. */
export function startRouter(): () => void {
  const sync = () => useAppStore.getState().setRoute(parseRoute(window.location.hash));
  sync();
  window.addEventListener('hashchange', sync);
  return () => window.removeEventListener('hashchange', sync);
}

/** The current route. */
export function useRoute(): Route {
  return useAppStore((state) => state.route);
}
