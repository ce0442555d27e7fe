// The handlers of the tracking capability's calls (shared/contract/tracking.ts): each calls one
// service (the tracker store, metric series, artifacts or the runs table) and lets its errors through.
import type { TrackingCallName } from '../../../shared/contract';
import { CairnError } from '../../../shared/errors';
import { NOTE_TAG } from '../../../shared/mlflow-tags';
import type { Run } from '../../../shared/models';
import type { CallHandlerTable } from '../api/call-handler-table';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { MetricSeriesService } from '../metrics/metric-series-service';
import type { RunsTableReader } from '../runs-table/runs-table-reader';
import type { TrackerStore } from './tracker-store';

/** What the tracking capability's handlers need. */
export interface TrackingHandlerServices {
  readonly store: TrackerStore;
  /** Metric series for charts, reduced on this side. */
  readonly metricSeries: MetricSeriesService;
  /** Artifact files of runs. */
  readonly artifacts: ArtifactStore;
  /** The runs table's compact query. */
  readonly runsTable: RunsTableReader;
}

/** The handlers of the tracking capability. */
export function createTrackingHandlers(services: TrackingHandlerServices): CallHandlerTable<TrackingCallName> {
  const { store } = services;
  return {
    listExperiments: async (request) => store.listExperiments(request.viewType),
    createExperiment: async (request) => store.createExperiment({ name: request.name }),
    searchRuns: async (request) => store.searchRuns(request),
    getRun: async (request) => store.getRun(request.runId),
    getMetricHistory: async (request) => {
      const page = await store.getMetricHistory({ runId: request.runId, key: request.key, maxResults: 1_000_000 });
      return [...page.items];
    },
    getRuns: async (request) => {
      const runs = await Promise.all(
        request.runIds.map((runId) =>
          store.getRun(runId).catch((error: unknown) => {
            if (error instanceof CairnError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
            throw error;
          }),
        ),
      );
      return runs.filter((run): run is Run => run !== null);
    },
    getMetricSeries: async (request) => services.metricSeries.getMetricSeries(request),
    setRunNote: async (request) => {
      await store.logBatch(request.runId, { tags: [{ key: NOTE_TAG, value: request.note }] });
      return store.getRun(request.runId);
    },
    listArtifacts: async (request) => {
      const run = await store.getRun(request.runId);
      return services.artifacts.listArtifacts(run.info.artifactUri, request.path);
    },
    readArtifact: async (request) => {
      const run = await store.getRun(request.runId);
      const preview = await services.artifacts.readArtifactPreview(run.info.artifactUri, request.path, request.maxBytes);
      return { path: request.path, size: preview.size, truncated: preview.truncated, base64: preview.bytes.toString('base64') };
    },
    getRunsTable: async (request) => services.runsTable.query(request),
  };
}
