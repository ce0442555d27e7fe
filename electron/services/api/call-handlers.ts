// The main-side handlers of every contract call, and the one dispatch function that both
// transports (Electron IPC and the browser mode's HTTP) use: validate, call a service, map errors.
import {
  calls,
  type AppInfo,
  type CallName,
  type CallResponse,
  type CallResult,
  type ValidRequest,
} from '../../../shared/contract';
import { CairnError, toErrorPayload } from '../../../shared/errors';
import type { Page, Run } from '../../../shared/models';
import type { LoggedModelStore } from '../logged-models/logged-model-store';
import type { RegistryStore } from '../registry/registry-store';
import { RUN_NOTE_TAG } from '../../../shared/metric-series';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { MetricSeriesService } from '../metrics/metric-series-service';
import type { RunsTableReader } from '../runs-table/runs-table-reader';
import type { TrackerStore } from '../tracker/tracker-store';

/** What the handlers need from the running app. */
export interface CallContext {
  readonly store: TrackerStore;
  /** Metric series for charts, reduced on this side. */
  readonly metricSeries: MetricSeriesService;
  /** Artifact files of runs. */
  readonly artifacts: ArtifactStore;
  /** The runs table's compact query. */
  readonly runsTable: RunsTableReader;
  /** The model registry. */
  readonly registry: RegistryStore;
  /** MLflow 3 logged models. */
  readonly loggedModels: LoggedModelStore;
  readonly appInfo: () => AppInfo;
}

/** Every item of a paged search, page after page. */
async function everyPage<T>(search: (pageToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let pageToken: string | undefined;
  do {
    const page = await search(pageToken);
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return items;
}

/** A handler for each call, typed from the contract. */
export type CallHandlers = {
  readonly [K in CallName]: (request: ValidRequest<K>) => Promise<CallResponse<K>>;
};

/** Builds the handler table over the app's services. */
export function createCallHandlers(context: CallContext): CallHandlers {
  const { store } = context;
  return {
    getAppInfo: async () => context.appInfo(),
    listExperiments: async (request) => store.listExperiments(request.viewType),
    createExperiment: async (request) => store.createExperiment({ name: request.name }),
    searchRuns: async (request) => store.searchRuns(request),
    getRun: async (request) => store.getRun(request.runId),
    getRunModels: async (request) => {
      await store.getRun(request.runId);
      const [loggedModels, modelVersions] = await Promise.all([
        everyPage((pageToken) =>
          context.loggedModels.searchLoggedModels({ filter: `source_run_id = '${request.runId}'`, maxResults: 1000, pageToken }),
        ),
        everyPage((pageToken) =>
          context.registry.searchModelVersions({ filter: `run_id = '${request.runId}'`, maxResults: 1000, pageToken }),
        ),
      ]);
      return { loggedModels, modelVersions };
    },
    listRegisteredModels: async () =>
      everyPage((pageToken) => context.registry.searchRegisteredModels({ orderBy: ['last_updated_timestamp DESC'], maxResults: 1000, pageToken })),
    listModelVersions: async (request) => {
      await context.registry.getRegisteredModel(request.name);
      const versions = await everyPage((pageToken) =>
        context.registry.searchModelVersions({ filter: `name = '${request.name.replaceAll("'", "''")}'`, maxResults: 1000, pageToken }),
      );
      return versions.sort((a, b) => Number(b.version) - Number(a.version));
    },
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
    getMetricSeries: async (request) => context.metricSeries.getMetricSeries(request),
    setRunNote: async (request) => {
      await store.logBatch(request.runId, { tags: [{ key: RUN_NOTE_TAG, value: request.note }] });
      return store.getRun(request.runId);
    },
    listArtifacts: async (request) => {
      const run = await store.getRun(request.runId);
      return context.artifacts.listArtifacts(run.info.artifactUri, request.path);
    },
    readArtifact: async (request) => {
      const run = await store.getRun(request.runId);
      const preview = await context.artifacts.readArtifactPreview(run.info.artifactUri, request.path, request.maxBytes);
      return { path: request.path, size: preview.size, truncated: preview.truncated, base64: preview.bytes.toString('base64') };
    },
    getRunsTable: async (request) => context.runsTable.query(request),
  };
}

function describeIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Validates a raw payload against the call's schema, runs the handler, and returns a result envelope. */
export async function dispatchCall(handlers: CallHandlers, name: string, payload: unknown): Promise<CallResult<unknown>> {
  if (!Object.hasOwn(calls, name)) {
    return { ok: false, error: { code: 'ENDPOINT_NOT_FOUND', message: `Unknown call '${name}'.` } };
  }
  const callName = name as CallName;
  const parsed = calls[callName].request.safeParse(payload ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'INVALID_PARAMETER_VALUE', message: `Invalid request for ${callName}: ${describeIssues(parsed.error)}` },
    };
  }
  try {
    const handler = handlers[callName] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (!(error instanceof CairnError)) console.error(`cairn: call ${callName} failed`, error);
    return { ok: false, error: toErrorPayload(error) };
  }
}
