// The renderer's one door to the main side. In the desktop app the preload provides the bridge
// over IPC; in the browser mode (`cairn serve`) this module provides the same calls over HTTP.
// Nothing else in the renderer touches window.cairnBridge or fetch('/api/...').
import {
  CALL_NAMES,
  EVENT_NAMES,
  type CairnApi,
  type CallName,
  type CallResult,
  type EventName,
  type Events,
} from '../shared/contract';
import { CairnError } from '../shared/errors';
import { decodeJson, encodeJson } from '../shared/json-codec';

type RawBridge = Record<CallName, (request: unknown) => Promise<CallResult<unknown>>> & {
  onEvent(name: EventName, listener: (payload: unknown) => void): () => void;
};

declare global {
  interface Window {
    cairnBridge?: RawBridge;
  }
}

function unwrap<T>(result: CallResult<T>): T {
  if (result.ok) return result.value;
  throw CairnError.fromPayload(result.error);
}

function ipcApi(bridge: RawBridge): CairnApi {
  const api: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    api[name] = async (request: unknown) => unwrap(await bridge[name](request));
  }
  api.onEvent = (name: EventName, listener: (payload: unknown) => void) => bridge.onEvent(name, listener);
  return api as CairnApi;
}

function httpApi(): CairnApi {
  // The token arrives in the page URL once; the server also set it as a cookie, which
  // authenticates the calls below. It is removed from the address bar so it is not shared by accident.
  const url = new URL(window.location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const api: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    api[name] = async (request: unknown) => {
      let response: Response;
      try {
        response = await fetch(`./api/call/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: encodeJson(request ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        throw new CairnError('INTERNAL_ERROR', 'Cairn is not reachable: is `cairn serve` still running?');
      }
      if (response.status === 401) {
        throw new CairnError('UNAUTHENTICATED', 'This page lost its access token: open the URL that `cairn serve` printed.');
      }
      return unwrap(decodeJson(await response.text()) as CallResult<unknown>);
    };
  }

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  const ensureSource = () => {
    if (source) return;
    source = new EventSource('./api/events');
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        const payload = decodeJson((message as MessageEvent<string>).data);
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
  };
  api.onEvent = <E extends EventName>(name: E, listener: (payload: Events[E]) => void) => {
    ensureSource();
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  };
  return api as CairnApi;
}

/** The typed API, over IPC in the desktop app and over HTTP in the browser mode. */
export const api: CairnApi = window.cairnBridge ? ipcApi(window.cairnBridge) : httpApi();
