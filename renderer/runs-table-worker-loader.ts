// Loads large runs tables through the worker (workers/runs-table-worker.ts), so that a table of
// 100,000 runs is fetched and decoded off the main thread: in the browser mode the worker fetches
// it over the same HTTP call renderer/api.ts makes; in the desktop app the bridge's answer (text)
// is handed to the worker to decode. Where no worker can start, tables are decoded in the thread.
import type { CairnApi } from '../shared/contract';
import { CairnError } from '../shared/errors';
import { unpackDecodedPage } from './models/runs-table/runs-table-transfer';
import { loadRunsTableInThread, type LoadedRunsTablePage, type RunsTableLoader } from './stores/runs-table-loader';
import type { RunsTableWorkerAnswer, RunsTableWorkerRequest } from './workers/runs-table-worker';

type Pending = { resolve: (page: LoadedRunsTablePage) => void; reject: (error: unknown) => void; retry: () => void };

/** A loader decoding in a worker, falling back to the thread when the worker cannot run. */
export function createWorkerRunsTableLoader(api: CairnApi): RunsTableLoader {
  const inThread = loadRunsTableInThread(api);
  const pending = new Map<number, Pending>();
  let worker: Worker | null | undefined;
  let next = 0;

  const fail = () => {
    worker?.terminate();
    worker = null;
    for (const request of pending.values()) request.retry();
    pending.clear();
  };

  const start = (): Worker | null => {
    try {
      const started = new Worker(new URL('./workers/runs-table-worker.ts', import.meta.url), { type: 'module', name: 'cairn-runs-table' });
      started.onmessage = (event: MessageEvent<RunsTableWorkerAnswer>) => {
        const answer = event.data;
        const request = pending.get(answer.id);
        if (!request) return;
        pending.delete(answer.id);
        if (answer.ok) request.resolve({ ...answer.page, decoded: unpackDecodedPage(answer.packed) });
        else request.reject(CairnError.fromPayload(answer.error));
      };
      started.onerror = (event) => {
        console.warn('cairn: the runs table worker stopped; tables are decoded on the main thread', event.message);
        fail();
      };
      return started;
    } catch (error) {
      console.warn('cairn: no worker for the runs table; tables are decoded on the main thread', error);
      return null;
    }
  };

  return async (request) => {
    if (worker === undefined) worker = start();
    const running = worker;
    if (!running) return inThread(request);
    const id = ++next;
    const message: RunsTableWorkerRequest = window.cairnBridge
      ? { id, kind: 'decode', page: await api.getRunsTable(request) }
      : { id, kind: 'fetch', url: new URL('./api/call/getRunsTable', window.location.href).href, request };
    return new Promise<LoadedRunsTablePage>((resolve, reject) => {
      pending.set(id, { resolve, reject, retry: () => void inThread(request).then(resolve, reject) });
      running.postMessage(message);
    });
  };
}
