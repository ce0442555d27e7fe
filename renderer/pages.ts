// The app's pages, each loaded as a chunk of its own when its route is first shown, so that the
// first bundle the window loads holds the shell alone (React, the store, the header) and a link
// to one page does not wait for the code of the others (the charts' library among them).
// preloadPage starts loading a route's page before React renders, beside its data.
//
// A page is drawn as soon as its code is in, without suspending: React 19 reveals a page that
// suspended no sooner than 300 ms after its loading line appeared, which was most of the time a
// Data page took to open with its answers long in.
import { createElement, useEffect, useSyncExternalStore, type ComponentType } from 'react';
import { ErrorMessage } from './components/error-message';
import type { Route } from './models/routes';

const loaders = {
  experiments: () => import('./pages/experiments/experiments-page').then((module) => module.ExperimentsPage),
  runs: () => import('./pages/runs/runs-page').then((module) => module.RunsPage),
  run: () => import('./pages/run/run-page').then((module) => module.RunPage),
  compare: () => import('./pages/compare/compare-page').then((module) => module.ComparePage),
  models: () => import('./pages/models/models-page').then((module) => module.ModelsPage),
  'model-version': () => import('./pages/models/model-page').then((module) => module.ModelPage),
  'model-compare': () => import('./pages/models/compare-versions-page').then((module) => module.CompareVersionsPage),
  deployments: () => import('./pages/deployments/deployments-page').then((module) => module.DeploymentsPage),
  pipelines: () => import('./pages/pipelines/pipelines-page').then((module) => module.PipelinesPage),
  data: () => import('./pages/data/data-page').then((module) => module.DataPage),
  automations: () => import('./pages/automations/automations-page').then((module) => module.AutomationsPage),
  'not-found': () => import('./pages/not-found-page').then((module) => module.NotFoundPage),
};

// Every route has a page: indexing the loaders by a route's name does not compile otherwise.
type PageName = Route['name'];
type PageComponent<N extends PageName> = Awaited<ReturnType<(typeof loaders)[N]>>;

/** Where the code of a page is. */
type PageLoad = { readonly status: 'loading' } | { readonly status: 'loaded'; readonly component: ComponentType<object> } | { readonly status: 'failed'; readonly error: unknown };

const LOADING: PageLoad = { status: 'loading' };
const loads = new Map<PageName, PageLoad>();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Starts loading a route's page (once; again after a failure). */
export function preloadPage(name: PageName): void {
  const load = loads.get(name);
  if (load && load.status !== 'failed') return;
  loads.set(name, LOADING);
  const settle = (settled: PageLoad) => {
    loads.set(name, settled);
    for (const listener of listeners) listener();
  };
  loaders[name]().then(
    (component) => settle({ status: 'loaded', component: component as ComponentType<object> }),
    (error: unknown) => settle({ status: 'failed', error }),
  );
}

function LoadingPage() {
  return createElement('div', { className: 'page', 'data-testid': 'page-loading' });
}

/** A route's page: a blank page while its code loads, the error with a retry when it could not be loaded. */
function routePage<N extends PageName>(name: N): PageComponent<N> {
  function RoutePage(props: object) {
    const load = useSyncExternalStore(subscribe, () => loads.get(name) ?? LOADING);
    useEffect(() => preloadPage(name), []);
    if (load.status === 'loaded') return createElement(load.component, props);
    if (load.status === 'failed') {
      return createElement(
        'div',
        { className: 'page' },
        createElement(ErrorMessage, {
          title: 'Could not load this page',
          message: load.error instanceof Error ? load.error.message : String(load.error),
          onRetry: () => preloadPage(name),
        }),
      );
    }
    return createElement(LoadingPage);
  }
  RoutePage.displayName = `RoutePage(${name})`;
  return RoutePage as unknown as PageComponent<N>;
}

/** The experiments list (#/). */
export const ExperimentsPage = routePage('experiments');
/** An experiment's runs table. */
export const RunsPage = routePage('runs');
/** One run. */
export const RunPage = routePage('run');
/** Runs compared. */
export const ComparePage = routePage('compare');
/** The model registry. */
export const ModelsPage = routePage('models');
/** A registered model's page (with a version open). */
export const ModelPage = routePage('model-version');
/** Two versions of a registered model side by side. */
export const CompareVersionsPage = routePage('model-compare');
/** Every deployment, or one. */
export const DeploymentsPage = routePage('deployments');
/** Pipelines: opened projects, their DAG, runs and executions. */
export const PipelinesPage = routePage('pipelines');
/** Data: the dataset catalog, or one dataset's profile, checks and drift. */
export const DataPage = routePage('data');
/** Continuous training: automations, their state, the audit trail. */
export const AutomationsPage = routePage('automations');
/** An address that leads nowhere. */
export const NotFoundPage = routePage('not-found');
