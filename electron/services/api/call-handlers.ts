// The main-side handlers of every contract call, merged from each capability's handlers file, and
// the one dispatch function that both transports (Electron IPC and the browser mode's HTTP) use:
// validate, call a service, map errors. A new capability adds its handlers' services to CallContext
// and one line to createCallHandlers.
import { calls, type CallName, type CallResult } from '../../../shared/contract';
import { CairnError, toErrorPayload } from '../../../shared/errors';
import { createAutomationHandlers, type AutomationHandlerServices } from '../automations/automation-handlers';
import { shortText } from '../../../shared/quoted-value';
import { createPipelinesHandlers, type PipelinesHandlerServices } from '../pipelines/pipeline-handlers';
import { createDataHandlers, type DataHandlerServices } from '../data/data-handlers';
import { createDeployHandlers, type DeployHandlerServices } from '../deploy/deploy-handlers';
import { createRegistryHandlers, type RegistryHandlerServices } from '../registry/registry-handlers';
import { createTrackingHandlers, type TrackingHandlerServices } from '../tracker/tracking-handlers';
import { createAppHandlers, type AppHandlerServices } from './app-handlers';
import type { CallHandlerTable } from './call-handler-table';

/** What the handlers need from the running app: the services of every capability. */
export interface CallContext
  extends AppHandlerServices,
    TrackingHandlerServices,
    RegistryHandlerServices,
    PipelinesHandlerServices,
    DeployHandlerServices,
    DataHandlerServices,
    AutomationHandlerServices {}

/** A handler for each call, typed from the contract: a call without a handler fails to compile. */
export type CallHandlers = CallHandlerTable<CallName>;

/** Builds the handler table over the app's services, one capability per line. */
export function createCallHandlers(context: CallContext): CallHandlers {
  return {
    ...createAppHandlers(context),
    ...createTrackingHandlers(context),
    ...createRegistryHandlers(context),
    ...createPipelinesHandlers(context),
    ...createDeployHandlers(context),
    ...createDataHandlers(context),
    ...createAutomationHandlers(context),
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
    return { ok: false, error: { code: 'ENDPOINT_NOT_FOUND', message: `Unknown call '${shortText(name)}'.` } };
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
