// The one declaration of every call the renderer can make and every event the main side pushes.
// The Electron preload, the main-side handlers and the browser mode's HTTP client are all typed
// from this file; adding a call is one entry in `calls`.
import { z } from 'zod';
import type { ErrorPayload } from './errors';
import type {
  ArtifactFileInfo,
  Experiment,
  ExperimentSummary,
  MetricPoint,
  ModelVersion,
  Page,
  RegisteredModel,
  Run,
  RunModels,
} from './models';
import type { MetricSeriesResult } from './metric-series';
import { MAX_ARTIFACT_READ_BYTES, MAX_COMPARED_RUNS } from './call-limits';
import { MAX_RUNS_TABLE_ROWS, type RunsTablePage } from './runs-table';

export { MAX_ARTIFACT_READ_BYTES, MAX_COMPARED_RUNS };

/** A call: the schema its request must satisfy, and (as a type only) what it returns. */
export interface CallSpec<Request extends z.ZodType, Response> {
  readonly request: Request;
  /** Never set; carries the response type. */
  readonly response?: Response;
}

function call<Response>() {
  return <Request extends z.ZodType>(request: Request): CallSpec<Request, Response> => ({ request });
}

const MAX_ID_LENGTH = 64;
const experimentId = z.string().min(1).max(MAX_ID_LENGTH).regex(/^[0-9]+$/, 'experiment ids are digits');
const runId = z.string().min(1).max(MAX_ID_LENGTH).regex(/^[0-9a-zA-Z_-]+$/, 'run ids are letters and digits');
const viewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);
const metricKey = z.string().min(1).max(250);
const artifactPath = z.string().max(1000);

/** Facts about the running app shown in the UI. */
export interface AppInfo {
  readonly version: string;
  readonly dataDir: string;
  /** The MLflow-compatible tracking address, or null when the tracking API is not running. */
  readonly trackingUri: string | null;
  /** 'desktop' inside Electron, 'browser' in `cairn serve`. */
  readonly mode: 'desktop' | 'browser';
}

/** The first bytes of an artifact file, as read for a preview or a download. */
export interface ArtifactContent {
  readonly path: string;
  /** The file's whole size in bytes. */
  readonly size: number;
  /** Whether the file is longer than what was read. */
  readonly truncated: boolean;
  /** The bytes read, in base64 (they cross IPC and HTTP as JSON). */
  readonly base64: string;
}

/** Every call the renderer can make. */
export const calls = {
  getAppInfo: call<AppInfo>()(z.object({}).strict()),
  listExperiments: call<ExperimentSummary[]>()(
    z.object({ viewType: viewType.default('ACTIVE_ONLY') }).strict(),
  ),
  createExperiment: call<Experiment>()(
    z.object({ name: z.string().trim().min(1, 'an experiment needs a name').max(500) }).strict(),
  ),
  searchRuns: call<Page<Run>>()(
    z
      .object({
        experimentIds: z.array(experimentId).min(1).max(100),
        filter: z.string().max(10_000).default(''),
        orderBy: z.array(z.string().max(500)).max(20).default([]),
        maxResults: z.number().int().min(1).max(50_000).default(1000),
        pageToken: z.string().max(1000).optional(),
        viewType: viewType.default('ACTIVE_ONLY'),
      })
      .strict(),
  ),
  getRun: call<Run>()(z.object({ runId }).strict()),
  /** The logged models a run produced and the registry versions made from it. */
  getRunModels: call<RunModels>()(z.object({ runId }).strict()),
  /** Every registered model, most recently updated first, with its latest versions and aliases. */
  listRegisteredModels: call<RegisteredModel[]>()(z.object({}).strict()),
  /** One registered model's versions, newest first. */
  listModelVersions: call<ModelVersion[]>()(z.object({ name: z.string().min(1).max(500) }).strict()),
  getMetricHistory: call<MetricPoint[]>()(
    z.object({ runId, key: z.string().min(1).max(250) }).strict(),
  ),
  /** Several runs at once (the compare view), in the order asked; ids of runs that do not exist are left out. */
  getRuns: call<Run[]>()(z.object({ runIds: z.array(runId).min(1).max(MAX_COMPARED_RUNS) }).strict()),
  /** Metric series of many runs and keys, each reduced on the main side to maxPoints (about the chart's width). */
  getMetricSeries: call<MetricSeriesResult>()(
    z
      .object({
        runIds: z.array(runId).min(1).max(MAX_COMPARED_RUNS),
        keys: z.array(metricKey).min(1).max(100),
        xAxis: z.union([z.enum(['step', 'wall', 'relative']), z.object({ metric: metricKey }).strict()]).default('step'),
        /** A zoom: only points with x in [min, max]. */
        xRange: z
          .tuple([z.number(), z.number()])
          .refine(([low, high]) => low <= high, 'xRange must be [min, max]')
          .optional(),
        maxPoints: z.number().int().min(4).max(10_000).default(1000),
      })
      .strict()
      .refine((request) => request.runIds.length * request.keys.length <= 5000, 'ask for at most 5000 series at once'),
  ),
  /** Sets a run's markdown note (the mlflow.note.content tag); returns the run. */
  setRunNote: call<Run>()(z.object({ runId, note: z.string().max(100_000) }).strict()),
  /** The files and folders directly under a folder of a run's artifacts ('' for the root). */
  listArtifacts: call<ArtifactFileInfo[]>()(z.object({ runId, path: artifactPath.default('') }).strict()),
  /** Up to maxBytes from the start of one of a run's artifact files: previews, and downloads of files up to the limit. */
  readArtifact: call<ArtifactContent>()(
    z.object({ runId, path: artifactPath.min(1), maxBytes: z.number().int().min(1).max(MAX_ARTIFACT_READ_BYTES) }).strict(),
  ),
  /**
   * The runs table of one experiment: the matching runs in search order with only the value
   * columns shown, packed compactly (columns absent: the defaults for the experiment's keys).
   * With runIds, only those of the runs that match: a live refresh of runs that changed.
   */
  getRunsTable: call<RunsTablePage>()(
    z
      .object({
        experimentId,
        filter: z.string().max(10_000).default(''),
        orderBy: z.array(z.string().max(500)).max(20).default([]),
        columns: z
          .array(
            z
              .object({
                kind: z.enum(['param', 'metric', 'tag']),
                key: z.string().min(1).max(250),
                aggregate: z.enum(['latest', 'min', 'max']).optional(),
              })
              .strict(),
          )
          .max(1000)
          .optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(MAX_RUNS_TABLE_ROWS).default(MAX_RUNS_TABLE_ROWS),
        runIds: z.array(runId).min(1).max(1000).optional(),
        includeKeys: z.boolean().default(true),
        /** false: do not count every match (a filtered first window comes sooner); total is then null unless the page holds them all. */
        count: z.boolean().default(true),
        viewType: viewType.default('ACTIVE_ONLY'),
      })
      .strict(),
  ),
} as const;

/** What changed in the tracker, the model registry or the logged models, so that views showing it can refetch. */
export interface TrackerChange {
  /** Experiments whose contents changed (a logged model's experiment among them). */
  readonly experimentIds: readonly string[];
  readonly runIds: readonly string[];
  /** Which kinds of thing changed. */
  readonly entities: ReadonlyArray<
    'experiment' | 'run' | 'metric' | 'param' | 'tag' | 'registered-model' | 'model-version' | 'logged-model'
  >;
}

/** Every event the main side pushes, with its payload type. */
export interface Events {
  'tracker.changed': TrackerChange;
}

export type CallName = keyof typeof calls;
export type EventName = keyof Events;

/** The names of all calls, in declaration order. */
export const CALL_NAMES = Object.keys(calls) as CallName[];
/** The names of all events. */
export const EVENT_NAMES: readonly EventName[] = ['tracker.changed'];

/** What a caller sends (defaults may be omitted). */
export type CallRequest<K extends CallName> = z.input<(typeof calls)[K]['request']>;
/** What a handler receives, after validation and defaults. */
export type ValidRequest<K extends CallName> = z.output<(typeof calls)[K]['request']>;
/** What a call returns. */
export type CallResponse<K extends CallName> = NonNullable<(typeof calls)[K]['response']>;

/** The result envelope that crosses IPC and HTTP: errors are values, never lost exceptions. */
export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorPayload };

/** The typed API the renderer sees, whichever transport provides it. */
export type CairnApi = {
  readonly [K in CallName]: (request: CallRequest<K>) => Promise<CallResponse<K>>;
} & {
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  readonly onEvent: <E extends EventName>(name: E, listener: (payload: Events[E]) => void) => () => void;
};
