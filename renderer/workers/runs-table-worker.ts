// A worker that fetches and decodes large runs tables off the page's main thread. A table of
// 100,000 runs arrives as tens of megabytes of JSON: parsing it, and the cells inside it, on the
// main thread blocked the window for seconds. Here the worker does both (fetching the table itself
// in the browser mode, or decoding the text the desktop bridge delivered) and hands the page back
// packed (models/runs-table/runs-table-transfer.ts).
import { decodeJson, encodeJson } from '../../shared/json-codec';
import { CairnError, toErrorPayload, type ErrorPayload } from '../../shared/errors';
import { decodeRunsTablePage, type RunsTablePage } from '../../shared/runs-table';
import { packDecodedPage, type PackedRunsTablePage } from '../models/runs-table/runs-table-transfer';

/** What the page asks: fetch a table over HTTP (browser mode), or decode one it has (desktop). */
export type RunsTableWorkerRequest =
  | { readonly id: number; readonly kind: 'fetch'; readonly url: string; readonly request: unknown }
  | { readonly id: number; readonly kind: 'decode'; readonly page: RunsTablePage };

/** The worker's answer: the page's metadata and its packed runs and cells, or an error. */
export type RunsTableWorkerAnswer =
  | {
      readonly id: number;
      readonly ok: true;
      readonly page: Pick<RunsTablePage, 'total' | 'offset' | 'columns' | 'keys'>;
      readonly packed: PackedRunsTablePage;
    }
  | { readonly id: number; readonly ok: false; readonly error: ErrorPayload };

interface WorkerScope {
  onmessage: ((event: MessageEvent<RunsTableWorkerRequest>) => void) | null;
  postMessage(message: RunsTableWorkerAnswer, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

async function pageFor(message: RunsTableWorkerRequest): Promise<RunsTablePage> {
  if (message.kind === 'decode') return message.page;
  let response: Response;
  try {
    response = await fetch(message.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: encodeJson(message.request),
      credentials: 'same-origin',
    });
  } catch {
    throw new CairnError('INTERNAL_ERROR', 'Cairn is not reachable: is `cairn serve` still running?');
  }
  if (response.status === 401) {
    throw new CairnError('UNAUTHENTICATED', 'This page lost its access token: open the URL that `cairn serve` printed.');
  }
  const result = decodeJson(await response.text()) as { ok: true; value: RunsTablePage } | { ok: false; error: ErrorPayload };
  if (!result.ok) throw CairnError.fromPayload(result.error);
  return result.value;
}

scope.onmessage = (event) => {
  const message = event.data;
  pageFor(message).then(
    (page) => {
      const { packed, transfer } = packDecodedPage(decodeRunsTablePage(page));
      scope.postMessage({ id: message.id, ok: true, page: { total: page.total, offset: page.offset, columns: page.columns, keys: page.keys }, packed }, transfer);
    },
    (error: unknown) => scope.postMessage({ id: message.id, ok: false, error: toErrorPayload(error) }),
  );
};
