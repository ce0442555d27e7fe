// A CairnApi for tests, served in this process by the real main side: startCairnServices on a
// temporary data folder (real SQLite), every call through the real handlers and dispatchCall,
// every pushed event from the real change feed. Requests, answers, errors and events pass
// through the browser mode's JSON codec, so a test sees what the renderer sees over HTTP.
//
// It lives in test-support/, outside electron/ and renderer/: renderer tests may import it,
// production code never does (the renderer bundle only reaches what renderer/main.tsx imports),
// and no main-side module has to import from renderer/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatchCall } from '../electron/services/api/call-handlers';
import { startCairnServices, type CairnServices } from '../electron/services/cairn-services';
import { CALL_NAMES, type CairnApi, type CallName, type CallResult, type EventName } from '../shared/contract';
import { CairnError } from '../shared/errors';
import { decodeJson, encodeJson } from '../shared/json-codec';

/** One call made through the API, in the order made. */
export interface RecordedCall {
  readonly name: CallName;
  readonly request: unknown;
}

/** How to start an in-process Cairn. */
export interface InProcessCairnOptions {
  /** Milliseconds between pushed change events (short by default, so tests stay quick). */
  readonly changeIntervalMs?: number;
  /**
   * Awaited after a call has been answered and before its answer is handed back: a test holds
   * an answer back here to deliver answers out of order, as a slow request would.
   */
  readonly beforeAnswer?: (call: RecordedCall) => Promise<void> | void;
  /** A folder picker, standing in for the desktop app's OS dialog (which needs a display and a person); absent: the browser mode's none. */
  readonly pickFolder?: () => Promise<string | null>;
}

/** A running in-process Cairn: the API the renderer would get, and the services behind it. */
export interface InProcessCairn {
  readonly api: CairnApi;
  /** The real services; tests write through them (`services.store`) as a training script would through MLflow's API. */
  readonly services: CairnServices;
  readonly dataDir: string;
  /** Every call made through `api` so far. */
  readonly calls: RecordedCall[];
  /** Stops the services and deletes the data folder. */
  close(): Promise<void>;
}

/** What crosses the browser mode's HTTP transport: the value, encoded and decoded again. */
function acrossTransport<T>(value: T): T {
  return decodeJson(encodeJson(value)) as T;
}

/** Starts the main side's services on a new temporary data folder and serves the contract to a CairnApi in this process. */
export function startInProcessCairn(options: InProcessCairnOptions = {}): InProcessCairn {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-in-process-'));
  const services = startCairnServices({ dataDir, mode: 'browser', changeIntervalMs: options.changeIntervalMs ?? 20, pickFolder: options.pickFolder });
  const calls: RecordedCall[] = [];
  const api: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    api[name] = async (request: unknown) => {
      const call: RecordedCall = { name, request: acrossTransport(request ?? {}) };
      calls.push(call);
      const result = acrossTransport<CallResult<unknown>>(await dispatchCall(services.handlers, name, call.request));
      await options.beforeAnswer?.(call);
      if (result.ok) return result.value;
      throw CairnError.fromPayload(result.error);
    };
  }
  api.onEvent = (name: EventName, listener: (payload: unknown) => void) =>
    services.events.subscribe((eventName, payload) => {
      if (eventName === name) listener(acrossTransport(payload));
    });
  return {
    api: api as CairnApi,
    services,
    dataDir,
    calls,
    async close() {
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
