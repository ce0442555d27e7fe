// The app's pages, each loaded as a chunk of its own when its route is first shown, so that the
// first bundle the window loads holds the shell alone (React, the store, the header) and a link
// to one page does not wait for the code of the others (the charts' library among them).
// preloadPage starts loading a route's page before React renders, beside its data.
import { lazy } from 'react';
import type { Route } from './models/routes';

const loaders = {
  experiments: () => import('./pages/experiments/experiments-page').then((module) => ({ default: module.ExperimentsPage })),
  runs: () => import('./pages/runs/runs-page').then((module) => ({ default: module.RunsPage })),
  run: () => import('./pages/run/run-page').then((module) => ({ default: module.RunPage })),
  compare: () => import('./pages/compare/compare-page').then((module) => ({ default: module.ComparePage })),
  models: () => import('./pages/models/models-page').then((module) => ({ default: module.ModelsPage })),
  'model-version': () => import('./pages/models/model-page').then((module) => ({ default: module.ModelPage })),
  'model-compare': () => import('./pages/models/compare-versions-page').then((module) => ({ default: module.CompareVersionsPage })),
  deployments: () => import('./pages/deployments/deployments-page').then((module) => ({ default: module.DeploymentsPage })),
  pipelines: () => import('./pages/pipelines/pipelines-page').then((module) => ({ default: module.PipelinesPage })),
  data: () => import('./pages/data/data-page').then((module) => ({ default: module.DataPage })),
  automations: () => import('./pages/automations/automations-page').then((module) => ({ default: module.AutomationsPage })),
  'not-found': () => import('./pages/not-found-page').then((module) => ({ default: module.NotFoundPage })),
} as const;

/** The experiments list (#/). */
export const ExperimentsPage = lazy(loaders.experiments);
/** An experiment's runs table. */
export const RunsPage = lazy(loaders.runs);
/** One run. */
export const RunPage = lazy(loaders.run);
/** Runs compared. */
export const ComparePage = lazy(loaders.compare);
/** The model registry. */
export const ModelsPage = lazy(loaders.models);
/** A registered model's page (with a version open). */
export const ModelPage = lazy(loaders['model-version']);
/** Two versions of a registered model side by side. */
export const CompareVersionsPage = lazy(loaders['model-compare']);
/** Every deployment, or one. */
export const DeploymentsPage = lazy(loaders.deployments);
/** Pipelines: opened projects, their DAG, runs and executions. */
export const PipelinesPage = lazy(loaders.pipelines);
/** Data: the dataset catalog, or one dataset's profile, checks and drift. */
export const DataPage = lazy(loaders.data);
/** Continuous training: automations, their state, the audit trail. */
export const AutomationsPage = lazy(loaders.automations);
/** An address that leads nowhere. */
export const NotFoundPage = lazy(loaders['not-found']);

/** Starts loading the page of a route (the module is fetched once; React.lazy then finds it loaded). */
export function preloadPage(route: Route): void {
  void loaders[route.name]().catch(() => {
    // React.lazy loads it again when the page renders, and shows the error then.
  });
}
