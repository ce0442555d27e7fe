// The shape of one route of the MLflow-compatible API. Each capability (experiments, runs,
// metrics, artifacts, registry, logged models) exports a list of these; the tracking server
// matches them, parses the request, and maps thrown CairnErrors to MLflow's error responses.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** HTTP methods the MLflow API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' | 'HEAD';

/** A parsed request handed to a route. */
export interface MlflowRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  /** Path parameters captured by `:name` and `*name` segments of the route's path. */
  readonly pathParams: Readonly<Record<string, string>>;
  /**
   * The request's arguments: the JSON body of a POST/PATCH/DELETE, or the query string of a GET
   * (a repeated query key becomes an array), as MLflow's server reads them.
   */
  readonly args: Readonly<Record<string, unknown>>;
  readonly raw: IncomingMessage;
}

/** A route answers with a JSON value (or a JsonStream), or writes the response itself (files) and returns RESPONSE_SENT. */
export const RESPONSE_SENT = Symbol('response-sent');

/**
 * An answer written as pieces of JSON text, each made when its turn comes and sent once the client
 * has taken the one before (http/streamed-body.ts): an answer of any length (a 300,000-step metric
 * history, 50,000 runs) holds the thread one piece at a time and the server's memory about one piece.
 */
export class JsonStream {
  constructor(readonly pieces: AsyncIterable<string>) {}
}

/** How much JSON text one piece of a paged answer gathers before it is written. */
const PIECE_CHARS = 64 * 1024;

/**
 * A paged list answer, `{"<name>": [...], "next_page_token": ...}`, written as a JsonStream: each
 * item's JSON is made as the answer is written, about 64 KB a piece. As protobuf's JSON (and so
 * MLflow's server) does, an empty list and an absent token are left out. An item's text may hold
 * several items, comma-separated, and an empty text holds none; `nextPageToken` may be a function,
 * asked once every item is written (a history read in pieces knows its token only at its end).
 * Every paged route answers through this one function.
 */
export function pagedJson<T>(
  name: string,
  items: Iterable<T> | AsyncIterable<T>,
  itemJson: (item: T) => string,
  nextPageToken: string | undefined | (() => string | undefined),
): JsonStream {
  async function* pieces(): AsyncGenerator<string> {
    let piece = '{';
    let listOpen = false;
    for await (const item of items) {
      const text = itemJson(item);
      if (text === '') continue;
      piece += listOpen ? `,${text}` : `${JSON.stringify(name)}:[${text}`;
      listOpen = true;
      if (piece.length >= PIECE_CHARS) {
        yield piece;
        piece = '';
      }
    }
    if (listOpen) piece += ']';
    const token = typeof nextPageToken === 'function' ? nextPageToken() : nextPageToken;
    if (token) piece += `${listOpen ? ',' : ''}"next_page_token":${JSON.stringify(token)}`;
    yield `${piece}}`;
  }
  return new JsonStream(pieces());
}

/** One route of the API. */
export interface MlflowRoute {
  readonly method: HttpMethod;
  /**
   * Path below the API prefix, e.g. 'experiments/create' (matched under /api/2.0/mlflow/ and
   * /ajax-api/2.0/mlflow/), or an absolute path starting with '/' for other prefixes.
   * `:name` captures one segment, a trailing `*name` captures the rest of the path.
   */
  readonly path: string;
  /** Whether the body is streamed by the route itself (artifact uploads) instead of parsed as JSON. */
  readonly rawBody?: boolean;
  /**
   * This route's own body limit in bytes: a larger body is refused with INVALID_PARAMETER_VALUE, as
   * MLflow refuses log-batch requests over 1 MB. Without it the server's general limit applies (413).
   */
  readonly maxBodyBytes?: number;
  handle(request: MlflowRequest, response: ServerResponse): Promise<unknown>;
}
