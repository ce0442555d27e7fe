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

/** A route answers with a JSON value (or JsonText), or writes the response itself (streams) and returns RESPONSE_SENT. */
export const RESPONSE_SENT = Symbol('response-sent');

/**
 * An answer already written as JSON text, sent as it is. For answers so large that building their
 * objects and serialising them would dominate the request (a 20,000-step metric history).
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * A paged list answer, `{"<name>": [...], "next_page_token": ...}`, assembled around items already
 * written as JSON; as protobuf's JSON (and so MLflow's server) does, an empty list and an absent
 * token are left out. Every paged route answers through this one function.
 */
export function pagedJsonText(name: string, itemsJson: readonly string[], nextPageToken: string | undefined): JsonText {
  const fields: string[] = [];
  if (itemsJson.length > 0) fields.push(`${JSON.stringify(name)}:[${itemsJson.join(',')}]`);
  if (nextPageToken) fields.push(`"next_page_token":${JSON.stringify(nextPageToken)}`);
  return new JsonText(`{${fields.join(',')}}`);
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
