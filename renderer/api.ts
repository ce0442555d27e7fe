// The renderer's one door to the main side. In the desktop app the preload provides the bridge
// over IPC; in the browser mode (`cairn serve`) this module provides the same calls over HTTP.
// Nothing else in the renderer touches window.cairnBridge or fetch('/api/...'), except the runs
// table's worker (workers/runs-table-worker.ts), which fetches large tables over the same HTTP
// call to decode them off the main thread. The contract is imported for its types only: its
// schemas (zod) stay out of the renderer's bundle, and the calls are made by name.
import type { CairnApi, CallName, CallRequest, CallResult, EventName, Events } from '../shared/contract';
import { CairnError } from '../shared/errors';
import { decodeJson, encodeJson } from '../shared/json-codec';

type RawBridge = Record<CallName, (request: unknown) => Promise<CallResult<unknown>>> & {
  onEvent(name: EventName, listener: (payload: unknown) => void): () => void;
  pathForFile?(file: File): string;
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

/** Calls started before the code that makes them had loaded (startCallEarly), by call name and request text. */
const earlyCalls = new Map<string, Promise<unknown>>();

function earlyCallKey(name: CallName, request: unknown): string {
  return `${name} ${encodeJson(request ?? {})}`;
}

/** The answer of an identical call started early, taken once; undefined when there is none. */
function takeEarlyCall(name: CallName, request: unknown): Promise<unknown> | undefined {
  if (earlyCalls.size === 0) return undefined;
  const key = earlyCallKey(name, request);
  const answer = earlyCalls.get(key);
  earlyCalls.delete(key);
  return answer;
}

/**
 * An API object whose every call name is a function making that call. The names come from the
 * contract's type, so the object makes them on first use rather than listing them. A call
 * identical to one started early takes that call's answer instead of asking again.
 */
function callsByName(call: (name: CallName, request: unknown) => Promise<unknown>, onEvent: CairnApi['onEvent']): CairnApi {
  const made: Record<string, unknown> = { onEvent };
  return new Proxy(made, {
    get(target, name) {
      if (typeof name !== 'string') return undefined;
      if (name in target) return target[name];
      // Not a thenable: an API returned from an async function must not be awaited as a promise.
      if (name === 'then') return undefined;
      const fn = (request: unknown) => takeEarlyCall(name as CallName, request) ?? call(name as CallName, request);
      target[name] = fn;
      return fn;
    },
  }) as unknown as CairnApi;
}

function ipcApi(bridge: RawBridge): CairnApi {
  return callsByName(
    async (name, request) => unwrap(await bridge[name](request)),
    ((name: EventName, listener: (payload: unknown) => void) => bridge.onEvent(name, listener)) as CairnApi['onEvent'],
  );
}

function httpApi(): CairnApi {
  // The token arrives in the page URL once; the server also set it as a cookie, which
  // authenticates the calls below. It is removed from the address bar so it is not shared by accident.
  const url = new URL(window.location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const call = async (name: CallName, request: unknown) => {
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

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  const onEvent = <E extends EventName>(name: E, listener: (payload: Events[E]) => void) => {
    source ??= new EventSource('./api/events');
    let set = listeners.get(name);
    if (!set) {
      listeners.set(name, (set = new Set()));
      const forName = set;
      source.addEventListener(name, (message) => {
        const payload = decodeJson((message as MessageEvent<string>).data);
        for (const one of forName) one(payload);
      });
    }
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  };
  return callsByName(call, onEvent);
}

/** The typed API, over IPC in the desktop app and over HTTP in the browser mode. */
export const api: CairnApi = window.cairnBridge ? ipcApi(window.cairnBridge) : httpApi();

/** Where a file dropped on the window is on this machine (the desktop app); null in a browser, which does not tell. */
export function pathOfDroppedFile(file: File): string | null {
  return window.cairnBridge?.pathForFile?.(file) || null;
}

/**
 * Makes a call now, ahead of the code that will make the same call (renderer/boot.ts), so its
 * answer travels while that code loads. The first identical call takes the answer; until then a
 * failure stays unreported (the taker sees it).
 */
export function startCallEarly<K extends CallName>(name: K, request: CallRequest<K>): void {
  const answer = (api[name] as (request: CallRequest<K>) => Promise<unknown>)(request);
  answer.catch(() => {
    // Reported to the code that takes the answer.
  });
  earlyCalls.set(earlyCallKey(name, request), answer);
}
