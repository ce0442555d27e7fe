// The one declaration of every call the renderer can make and every event the main side pushes,
// merged from one module per capability (app.ts, tracking.ts, registry.ts, pipelines.ts, deploy.ts,
// data.ts) and events.ts. The Electron preload (through the zod-free contract-names.ts), the
// main-side handlers and the browser mode's HTTP client are all typed from it.
//
// Adding a capability: its module (calls declared `satisfies CapabilityCalls<...>`), one line in
// `calls` below, one line in CALL_NAMES_BY_CAPABILITY (contract-names.ts), and its handlers file
// merged in electron/services/api/call-handlers.ts.
import type { z } from 'zod';
import { appCalls } from './app';
import { automationsCalls } from './automations';
import type { CallName, EventName } from './contract-names';
import { dataCalls } from './data';
import { deployCalls } from './deploy';
import type { Events } from './events';
import { pipelinesCalls } from './pipelines';
import { registryCalls } from './registry';
import { trackingCalls } from './tracking';

export type { AppCallName, AppInfo } from './app';
export type { AutomationProject, AutomationsCallName } from './automations';
export { defineCall, type CallSpec, type CapabilityCalls } from './call-spec';
export type { CallResult } from './call-result';
export {
  CALL_NAMES,
  CALL_NAMES_BY_CAPABILITY,
  EVENT_NAMES,
  type Capability,
  type CapabilityCallName,
  type CallName,
  type EventName,
} from './contract-names';
export type { DataCallName, DatasetDetail, DatasetPage, ProfileResult, RecordedCheck, RunDatasets, UnlinkedRunInput } from './data';
export type { AutomationsChange, DataChange, DataJobProgressEvent, Events, PipelineProgress, StorageStatus, TrackerChange } from './events';
export type { DeployCallName, DeployInputExample, DeployWarmUp } from './deploy';
export { MAX_LISTED_EXECUTIONS, type PipelinesCallName } from './pipelines';
export type { RegistryCallName } from './registry';
export { MAX_ARTIFACT_READ_BYTES, MAX_COMPARED_RUNS, type ArtifactContent, type TrackingCallName } from './tracking';
export { appCalls, automationsCalls, dataCalls, deployCalls, pipelinesCalls, registryCalls, trackingCalls };

/** Every call the renderer can make: one line per capability. */
export const calls = {
  ...appCalls,
  ...trackingCalls,
  ...registryCalls,
  ...pipelinesCalls,
  ...deployCalls,
  ...dataCalls,
  ...automationsCalls,
};

/** `true` when A and B are the same set of names; otherwise the names that differ, which a failed check prints. */
type SameNames<A, B> = [Exclude<A, B> | Exclude<B, A>] extends [never]
  ? true
  : { readonly onlyInContract: Exclude<A, B>; readonly onlyInNames: Exclude<B, A> };
type Holds<Check extends true> = Check;
/**
 * Compiles only when contract-names.ts lists exactly the calls merged in `calls`, in both
 * directions: the zod-free names the preload uses cannot drift from the contract.
 */
export type CallNamesMatch = Holds<SameNames<keyof typeof calls, CallName>>;
/** Compiles only when contract-names.ts lists exactly the events of `Events`. */
export type EventNamesMatch = Holds<SameNames<keyof Events, EventName>>;

/** What a caller sends (defaults may be omitted). */
export type CallRequest<K extends CallName> = z.input<(typeof calls)[K]['request']>;
/** What a handler receives, after validation and defaults. */
export type ValidRequest<K extends CallName> = z.output<(typeof calls)[K]['request']>;
/** What a call returns. */
export type CallResponse<K extends CallName> = NonNullable<(typeof calls)[K]['response']>;

/** The typed API the renderer sees, whichever transport provides it. */
export type CairnApi = {
  readonly [K in CallName]: (request: CallRequest<K>) => Promise<CallResponse<K>>;
} & {
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  readonly onEvent: <E extends EventName>(name: E, listener: (payload: Events[E]) => void) => () => void;
};
