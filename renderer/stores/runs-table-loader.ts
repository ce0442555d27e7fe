// How the runs table slice gets a page of its table, decoded: in the calling thread, or (for the
// large answers, in the app) in a worker (renderer/runs-table-worker-loader.ts), which the app
// gives the store; tests use the thread.
import type { CairnApi, CallRequest } from '../../shared/contract';
import { decodeRunsTablePage, type DecodedRunsTablePage, type RunsTablePage } from '../../shared/runs-table';

/** A page of the runs table with its runs and cells decoded. */
export interface LoadedRunsTablePage extends Pick<RunsTablePage, 'total' | 'offset' | 'columns' | 'keys'> {
  readonly decoded: DecodedRunsTablePage;
}

/** Asks for a page of the runs table and decodes it. */
export type RunsTableLoader = (request: CallRequest<'getRunsTable'>) => Promise<LoadedRunsTablePage>;

/** A loader that decodes in the calling thread. */
export function loadRunsTableInThread(api: CairnApi): RunsTableLoader {
  return async (request) => {
    const page = await api.getRunsTable(request);
    return { total: page.total, offset: page.offset, columns: page.columns, keys: page.keys, decoded: decodeRunsTablePage(page) };
  };
}
