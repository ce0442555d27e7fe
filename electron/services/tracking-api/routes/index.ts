// Every route of the MLflow-compatible API, gathered from one module per capability.
import type { MlflowRoute } from '../mlflow-route';
import { artifactRoutes } from './artifact-routes';
import { experimentRoutes } from './experiment-routes';
import { loggedModelRoutes } from './logged-model-routes';
import { metricRoutes } from './metric-routes';
import { registryRoutes } from './registry-routes';
import { runRoutes } from './run-routes';
import { traceRoutes } from './trace-routes';
import type { TrackingContext } from '../tracking-context';

/** All routes, built over the given services. */
export function allMlflowRoutes(context: TrackingContext): MlflowRoute[] {
  return [
    ...experimentRoutes(context),
    ...runRoutes(context),
    ...metricRoutes(context),
    ...artifactRoutes(context),
    ...registryRoutes(context),
    ...loggedModelRoutes(context),
    ...traceRoutes(),
  ];
}
