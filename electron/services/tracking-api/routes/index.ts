// Every route of the MLflow-compatible API, gathered from one module per capability.
import type { MlflowRoute } from '../mlflow-route';
import type { TrackingContext } from '../tracking-context';

/** All routes, built over the given services. */
export function allMlflowRoutes(context: TrackingContext): MlflowRoute[] {
  void context;
  return [];
}
