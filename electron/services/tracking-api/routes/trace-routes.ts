// MLflow's trace searches, answered with empty pages: Cairn stores no traces yet, and
// mlflow.search_traces() must find none rather than fail. A 3.x client posts
// /api/3.0/mlflow/traces/search (SearchTracesV3) and, when that endpoint is missing, falls back to
// GET /api/2.0/mlflow/traces (SearchTraces); older clients ask the latter only. Both check their
// arguments as MLflow's handlers do, so a malformed search is still a 400.
import { CairnError } from '../../../../shared/errors';
import { optionalString, stringList } from '../mlflow-request-args';
import type { MlflowRoute, MlflowRequest } from '../mlflow-route';
import { maxResultsArg, missingParameter, objectList } from '../tracking-request-args';

/** MLflow's default and largest page of traces. */
const TRACE_SEARCH_LIMITS = { fallback: 100, max: 500 } as const;

/** The arguments both searches share: filter, order_by, max_results and page_token. */
function checkCommonArgs(args: MlflowRequest['args']): void {
  optionalString(args, 'filter');
  optionalString(args, 'page_token');
  stringList(args, 'order_by');
  maxResultsArg(args, TRACE_SEARCH_LIMITS);
}

/** SearchTracesV3: `locations`, each an experiment ({"mlflow_experiment": {"experiment_id": ...}}), is required. */
async function searchTracesV3({ args }: MlflowRequest): Promise<unknown> {
  if (args.locations === undefined || args.locations === null) throw missingParameter('locations');
  for (const location of objectList(args, 'locations')) {
    const experiment = location.mlflow_experiment;
    if (experiment !== undefined && (experiment === null || typeof experiment !== 'object' || Array.isArray(experiment))) {
      throw new CairnError('INVALID_PARAMETER_VALUE', "A trace location's 'mlflow_experiment' must be an object.");
    }
  }
  checkCommonArgs(args);
  return {};
}

/** SearchTraces (2.0): `experiment_ids` is required. */
async function searchTracesV2({ args }: MlflowRequest): Promise<unknown> {
  if (stringList(args, 'experiment_ids').length === 0) throw missingParameter('experiment_ids');
  checkCommonArgs(args);
  return {};
}

/** The trace search routes (no context needed: there are no traces to read). */
export function traceRoutes(): MlflowRoute[] {
  return [
    { method: 'POST', path: '/api/3.0/mlflow/traces/search', handle: searchTracesV3 },
    { method: 'POST', path: '/ajax-api/3.0/mlflow/traces/search', handle: searchTracesV3 },
    { method: 'GET', path: 'traces', handle: searchTracesV2 },
  ];
}
