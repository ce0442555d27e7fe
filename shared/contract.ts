// The one declaration of every call the renderer can make and every event the main side pushes.
// The Electron preload, the main-side handlers and the browser mode's HTTP client are all typed
// from this file; adding a call is one entry in `calls`.
import { z } from 'zod';
import type { ErrorPayload } from './errors';
import type { Experiment, ExperimentSummary, MetricPoint, Page, Run } from './models';

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

/** Facts about the running app shown in the UI. */
export interface AppInfo {
  readonly version: string;
  readonly dataDir: string;
  /** The MLflow-compatible tracking address, or null when the tracking API is not running. */
  readonly trackingUri: string | null;
  /** 'desktop' inside Electron, 'browser' in `cairn serve`. */
  readonly mode: 'desktop' | 'browser';
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
  getMetricHistory: call<MetricPoint[]>()(
    z.object({ runId, key: z.string().min(1).max(250) }).strict(),
  ),
} as const;

/** What changed in the tracker, so that views showing it can refetch. */
export interface TrackerChange {
  readonly experimentIds: readonly string[];
  readonly runIds: readonly string[];
  /** Which kinds of thing changed. */
  readonly entities: ReadonlyArray<'experiment' | 'run' | 'metric' | 'param' | 'tag'>;
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
