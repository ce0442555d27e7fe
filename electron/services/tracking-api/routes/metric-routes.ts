// MLflow's metric-history routes: metrics/get-history (paged, in step order),
// metrics/get-history-bulk (whole histories of up to 100 runs, for MLflow's web UI) and
// metrics/get-history-bulk-interval, which samples up to max_results steps of one metric
// across up to 100 runs for charts, as MLflow's server does. Histories are read in pieces of
// HISTORY_PIECE_POINTS, each in its own turn of the event loop (http/event-loop-turns.ts), and a
// long history is streamed as it is read: a 300,000-step answer never holds the thread, nor the
// server's memory, for more than one piece.
import { CairnError } from '../../../../shared/errors';
import type { MetricPoint } from '../../../../shared/models';
import type { TrackerStore } from '../../tracker/tracker-store';
import { metricJson } from '../mlflow-entity-json';
import { optionalInt, optionalString, requiredString, stringList } from '../mlflow-request-args';
import { nextTurn } from '../../http/event-loop-turns';
import { pagedJson, type MlflowRoute } from '../mlflow-route';
import { invalidParameter, maxResultsArg, missingParameter, requiredRunId } from '../tracking-request-args';
import type { TrackingContext } from '../tracking-context';

/** The most runs one get-history-bulk request may name, and the most points it answers. */
const MAX_RUNS_PER_BULK = 100;
const MAX_BULK_RESULTS = 25_000;
/** The most runs one bulk-interval request may name. */
const MAX_RUNS_PER_BULK_INTERVAL = 100;
/** The most steps sampled per request when max_results is not given, and the most it may ask for. */
const MAX_BULK_INTERVAL_RESULTS = 2500;
/** The most points returned per run by a bulk-interval request. */
const MAX_POINTS_PER_RUN = 25_000;
/** How many points of a history are read, and written, in one turn of the event loop. */
const HISTORY_PIECE_POINTS = 2_500;
/**
 * How many points are read before an answer starts (to answer an unknown run with a 404): few, since
 * requests that arrive together each read theirs in the same turn.
 */
const FIRST_PIECE_POINTS = 100;

/** The first `limit` points of a metric's history (all of them by default), in step order, read a piece per turn. */
async function historyPoints(store: TrackerStore, runId: string, key: string, limit = Number.POSITIVE_INFINITY): Promise<MetricPoint[]> {
  const points: MetricPoint[] = [];
  let pageToken: string | undefined;
  do {
    if (pageToken) await nextTurn();
    const page = await store.getMetricHistory({ runId, key, maxResults: Math.min(HISTORY_PIECE_POINTS, limit - points.length), pageToken });
    for (const point of page.items) points.push(point);
    pageToken = page.nextPageToken;
  } while (pageToken && points.length < limit);
  return points;
}

/** Index of the first step >= target (Python's bisect_left) in sorted steps. */
function bisectLeft(steps: readonly number[], target: number): number {
  let low = 0;
  let high = steps.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (steps[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * MLflow's sampling: every logged step in [start, end] when there are at most maxResults of them,
 * otherwise maxResults steps spread evenly over them plus the last one. (MLflow's own loop drops
 * samples when the window does not start at the first step; this takes all of them.)
 */
function sampleSteps(sortedSteps: readonly number[], start: number, end: number, maxResults: number): number[] {
  const from = bisectLeft(sortedSteps, start);
  const to = bisectLeft(sortedSteps, end + 1);
  const count = to - from;
  if (count <= maxResults) return sortedSteps.slice(from, to);
  const interval = count / maxResults;
  const sampled: number[] = [];
  for (let i = 0; i < maxResults; i++) sampled.push(sortedSteps[from + Math.floor(i * interval)]!);
  sampled.push(sortedSteps[to - 1]!);
  return sampled;
}

/** The metric routes over the context's tracker store. */
export function metricRoutes(context: TrackingContext): MlflowRoute[] {
  const { store } = context;
  return [
    {
      method: 'GET',
      path: 'metrics/get-history',
      async handle({ args }) {
        const runId = requiredRunId(args);
        const key = requiredString(args, 'metric_key');
        let pageToken = optionalString(args, 'page_token') || undefined;
        // Without max_results MLflow answers the whole history at once.
        const hasMaxResults = args.max_results !== undefined && args.max_results !== null && args.max_results !== '';
        let remaining = hasMaxResults ? maxResultsArg(args, { fallback: 1, max: Number.MAX_SAFE_INTEGER }) : Number.POSITIVE_INFINITY;
        // The points arrive from the store as JSON text, a piece at a time; the answer is written around them.
        const readPiece = async (size: number) => {
          const page = await store.getMetricHistoryJson({ runId, key, maxResults: Math.min(size, remaining), pageToken });
          remaining -= page.count;
          pageToken = page.nextPageToken;
          return page.metricsJson.slice(1, -1);
        };
        // The first piece is read before the answer starts, so that an unknown run is still a 404.
        const first = await readPiece(FIRST_PIECE_POINTS);
        async function* pieces(): AsyncGenerator<string> {
          yield first;
          while (pageToken && remaining > 0) yield await readPiece(HISTORY_PIECE_POINTS);
        }
        return pagedJson('metrics', pieces(), (piece) => piece, () => (hasMaxResults ? pageToken : undefined));
      },
    },
    {
      // What MLflow's own web UI asks for (served under /ajax-api/ too): up to 100 runs' whole
      // histories of one metric, each point with its run_id, at most max_results points in all.
      method: 'GET',
      path: 'metrics/get-history-bulk',
      async handle({ args }) {
        const runIds = stringList(args, 'run_id');
        if (runIds.length === 0) {
          throw new CairnError('INVALID_PARAMETER_VALUE', 'GetMetricHistoryBulk request must specify at least one run_id.');
        }
        if (runIds.length > MAX_RUNS_PER_BULK) {
          throw new CairnError(
            'INVALID_PARAMETER_VALUE',
            `GetMetricHistoryBulk request cannot specify more than ${MAX_RUNS_PER_BULK} run_ids. Received ${runIds.length} run_ids.`,
          );
        }
        const key = optionalString(args, 'metric_key');
        if (key === undefined) throw new CairnError('INVALID_PARAMETER_VALUE', 'GetMetricHistoryBulk request must specify a metric_key.');
        const maxResults = Math.min(maxResultsArg(args, { fallback: MAX_BULK_RESULTS, max: Number.MAX_SAFE_INTEGER }), MAX_BULK_RESULTS);
        const metrics: Array<Record<string, unknown>> = [];
        for (const runId of runIds) {
          if (metrics.length >= maxResults) break;
          let points: MetricPoint[];
          try {
            points = await historyPoints(store, runId, key, maxResults - metrics.length);
          } catch (error) {
            // As MLflow's SQL store: a run it does not know has no points.
            if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') continue;
            throw error;
          }
          for (const point of points) metrics.push({ ...metricJson(key, point), run_id: runId });
        }
        // A plain JSON answer in MLflow (not a protobuf message): the list is there even when empty.
        return { metrics };
      },
    },
    {
      method: 'GET',
      path: 'metrics/get-history-bulk-interval',
      async handle({ args }) {
        const runIds = stringList(args, 'run_ids');
        if (runIds.length === 0) throw missingParameter('run_ids');
        if (runIds.length > MAX_RUNS_PER_BULK_INTERVAL) {
          throw new CairnError(
            'INVALID_PARAMETER_VALUE',
            `GetMetricHistoryBulkInterval request must specify at most ${MAX_RUNS_PER_BULK_INTERVAL} run_ids. ` +
              `Received ${runIds.length} run_ids.`,
          );
        }
        const key = requiredString(args, 'metric_key');
        let startStep = optionalInt(args, 'start_step');
        let endStep = optionalInt(args, 'end_step');
        if ((startStep === undefined) !== (endStep === undefined)) {
          throw new CairnError('INVALID_PARAMETER_VALUE', 'If either start step or end step are specified, both must be specified.');
        }
        if (startStep !== undefined && endStep !== undefined && startStep > endStep) {
          throw new CairnError(
            'INVALID_PARAMETER_VALUE',
            `end_step must be greater than start_step. Found start_step=${startStep} and end_step=${endStep}.`,
          );
        }
        const rawMaxResults = args.max_results;
        const maxResults = maxResultsArg(args, { fallback: MAX_BULK_INTERVAL_RESULTS, max: Number.MAX_SAFE_INTEGER });
        if (maxResults > MAX_BULK_INTERVAL_RESULTS) {
          throw invalidParameter('max_results', rawMaxResults, `max_results must be between 1 and ${MAX_BULK_INTERVAL_RESULTS}.`);
        }

        const histories = await Promise.all(
          runIds.map(async (runId) => {
            try {
              return await historyPoints(store, runId, key);
            } catch (error) {
              // MLflow answers an unknown run with no points rather than an error.
              if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return [];
              throw error;
            }
          }),
        );
        const allSteps = [...new Set(histories.flatMap((points) => points.map((point) => point.step)))].sort((a, b) => a - b);
        startStep ??= 0;
        endStep ??= allSteps.at(-1) ?? 0;
        const steps = new Set(sampleSteps(allSteps, startStep, endStep, maxResults));
        // Each run's first and last step are kept too when they fall in the window, as in MLflow.
        for (const points of histories) {
          if (points.length === 0) continue;
          for (const step of [points[0]!.step, points.at(-1)!.step]) {
            if (step >= startStep && step <= endStep) steps.add(step);
          }
        }
        const metrics: Array<Record<string, unknown>> = [];
        histories.forEach((points, index) => {
          let taken = 0;
          for (const point of points) {
            if (taken >= MAX_POINTS_PER_RUN) break;
            if (!steps.has(point.step)) continue;
            metrics.push({ ...metricJson(key, point), run_id: runIds[index] });
            taken++;
          }
        });
        return metrics.length > 0 ? { metrics } : {};
      },
    },
  ];
}
