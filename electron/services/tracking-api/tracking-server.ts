// The MLflow-compatible tracking server: MLflow's REST API on node:http, so that `mlflow` clients
// log into Cairn unchanged (MLFLOW_TRACKING_URI=http://127.0.0.1:<port>). It matches the routes
// of routes/index.ts under /api/2.0/mlflow/ and /ajax-api/2.0/mlflow/, reads a GET's arguments
// from its query string and a write's from its JSON body, and answers errors as MLflow does:
// {"error_code": ..., "message": ...} with MLflow's HTTP status. Client mistakes get a 4xx at
// once, because MLflow's client retries 5xx answers with backoff for minutes.
//
// Routes answer JSON values that are written with JSON.stringify: a double that may be NaN or
// ±Infinity must be written with mlflowDouble() (see mlflow-json.ts), or it would become null.
// A route may instead answer JsonText, JSON it wrote itself, which is sent as it is.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CairnError, HTTP_STATUS_BY_CODE, toErrorPayload } from '../../../shared/errors';
import { tokensEqual } from '../http/access-token';
import { startHttpServer } from '../http/http-server';
import { checkSameOrigin, isLoopbackHost, PayloadTooLargeError, readBody } from '../http/request-guards';
import { CAIRN_VERSION } from '../version';
import { parseMlflowJson } from './mlflow-json';
import { JsonText, RESPONSE_SENT, type HttpMethod, type MlflowRoute } from './mlflow-route';
import { allMlflowRoutes } from './routes';
import type { TrackingContext } from './tracking-context';

/** The port `cairn serve` and the desktop app give the tracking API unless told otherwise. */
export const DEFAULT_TRACKING_PORT = 5151;
/** The largest JSON body any route accepts unless it sets its own limit (dataset profiles run to 16 MB). */
export const MAX_JSON_BODY_BYTES = 32 * 1024 * 1024;
/** The prefixes under which relative route paths are served, as MLflow serves them. */
const MLFLOW_API_PREFIXES = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'] as const;
const KEEP_ALIVE_MS = 30_000;
/** What a 503 (the database held by another process past the busy timeout) tells the client to wait. */
const RETRY_AFTER_SECONDS = 1;

/** How to start the tracking server. */
export interface TrackingServerOptions {
  readonly context: TrackingContext;
  /** Address to listen on; 127.0.0.1 by default. */
  readonly host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /**
   * A bearer token every request must carry (what MLFLOW_TRACKING_TOKEN sends as
   * `Authorization: Bearer <token>`); required when listening on a non-loopback address.
   */
  readonly token?: string;
  /** The routes to serve; all of routes/index.ts by default. */
  readonly routes?: readonly MlflowRoute[];
}

/** A running tracking server. */
export interface TrackingServer {
  /** The address to give clients as MLFLOW_TRACKING_URI, e.g. http://127.0.0.1:5151. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** An error answered with its own HTTP status or extra headers. */
class HttpAnswerError extends CairnError {
  constructor(
    code: CairnError['code'],
    message: string,
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(code, message);
  }
}

interface CompiledRoute {
  readonly route: MlflowRoute;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/** Finds the route for a method and path; literal paths by map lookup, patterns by regular expression. */
class RouteTable {
  private readonly literal = new Map<string, Map<string, MlflowRoute>>();
  private readonly patterns: CompiledRoute[] = [];

  constructor(routes: readonly MlflowRoute[]) {
    for (const route of routes) {
      const fullPaths = route.path.startsWith('/') ? [route.path] : MLFLOW_API_PREFIXES.map((prefix) => prefix + route.path);
      for (const fullPath of fullPaths) {
        if (!/[:*]/.test(fullPath)) {
          const byMethod = this.literal.get(fullPath) ?? new Map<string, MlflowRoute>();
          byMethod.set(route.method, route);
          this.literal.set(fullPath, byMethod);
          continue;
        }
        const names: string[] = [];
        const source = fullPath
          .split('/')
          .map((segment) => {
            if (segment.startsWith(':')) {
              names.push(segment.slice(1));
              return '([^/]+)';
            }
            if (segment.startsWith('*')) {
              names.push(segment.slice(1));
              return '(.*)';
            }
            return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
          })
          .join('/');
        this.patterns.push({ route, pattern: new RegExp(`^${source}$`), names });
      }
    }
  }

  /** The route and its path parameters; null when no route has the path, the allowed methods when none has the method. */
  match(method: string, path: string): { route: MlflowRoute; pathParams: Record<string, string> } | { allowed: string[] } | null {
    const lookup = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    const allowed = new Set<string>();
    const byMethod = this.literal.get(path);
    if (byMethod) {
      for (const candidate of lookup) {
        const route = byMethod.get(candidate);
        if (route) return { route, pathParams: {} };
      }
      for (const known of byMethod.keys()) allowed.add(known);
    }
    for (const compiled of this.patterns) {
      const found = compiled.pattern.exec(path);
      if (!found) continue;
      if (!lookup.includes(compiled.route.method)) {
        allowed.add(compiled.route.method);
        continue;
      }
      const pathParams: Record<string, string> = {};
      compiled.names.forEach((name, index) => {
        try {
          pathParams[name] = decodeURIComponent(found[index + 1] ?? '');
        } catch {
          throw new CairnError('BAD_REQUEST', `Malformed percent-encoding in the path '${path}'.`);
        }
      });
      return { route: compiled.route, pathParams };
    }
    return allowed.size > 0 ? { allowed: [...allowed] } : null;
  }
}

/** A GET's arguments: each query key once, or as an array when repeated. */
function queryArgs(url: URL): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    args[key] = values.length === 1 ? values[0] : values;
  }
  return args;
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** MLflow requires application/json on POST and PUT; PATCH and DELETE are held to it when they carry a body. */
function checkContentType(request: IncomingMessage): void {
  if (request.method !== 'POST' && request.method !== 'PUT' && !hasBody(request)) return;
  const header = request.headers['content-type'];
  const type = header?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return;
  const shown = header && /^[a-zA-Z0-9\-/;,+_ =.]*$/.test(header) ? ` Got '${type}'.` : '';
  throw new CairnError('INVALID_PARAMETER_VALUE', `Bad Request. Content-Type must be one of [application/json].${shown}`);
}

async function jsonBodyArgs(request: IncomingMessage, route: MlflowRoute, path: string): Promise<Record<string, unknown>> {
  checkContentType(request);
  const limit = route.maxBodyBytes ?? MAX_JSON_BODY_BYTES;
  let text: string;
  try {
    text = await readBody(request, limit);
  } catch (error) {
    if (error instanceof PayloadTooLargeError && route.maxBodyBytes !== undefined) {
      const declared = request.headers['content-length'];
      throw new CairnError(
        'INVALID_PARAMETER_VALUE',
        `Requests to ${path} must be at most ${limit} bytes, got a request of size ${declared ?? `more than ${limit}`}.`,
      );
    }
    throw error;
  }
  if (!text.trim()) return {};
  let body = parseMlflowJson(text);
  // Older clients post their JSON double-encoded, as a string; MLflow decodes it a second time.
  if (typeof body === 'string') body = parseMlflowJson(body);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new CairnError('BAD_REQUEST', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/**
 * Refuses a request path that climbs with `..` (plain or percent-encoded) or holds a backslash,
 * before URL parsing would silently resolve it into another route.
 */
function checkRequestTarget(target: string): void {
  const pathPart = target.split('?')[0] ?? '';
  const segments = pathPart.replace(/%2e/gi, '.').replace(/%2f|%5c/gi, '/').split('/');
  if (pathPart.includes('\\') || /%5c/i.test(pathPart) || segments.some((segment) => segment === '..' || segment === '.')) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `Invalid path '${pathPart}': '..', '.' and backslashes are not allowed.`);
  }
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // Encoded once: the length and the bytes sent come from the same buffer.
  const bytes = Buffer.from(body instanceof JsonText ? body.text : JSON.stringify(body));
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(bytes);
}

function sendText(response: ServerResponse, text: string): void {
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

function sendError(response: ServerResponse, error: unknown): void {
  const payload = toErrorPayload(error);
  if (!(error instanceof CairnError)) console.error('cairn: tracking API request failed', error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = { error_code: payload.code, message: payload.message };
  if (error instanceof HttpAnswerError) sendJson(response, error.status, body, { ...error.headers });
  // A body too large to read is left unread: close the connection rather than drain it.
  else if (error instanceof PayloadTooLargeError) sendJson(response, 413, body, { connection: 'close' });
  // MLflow's client waits as long as Retry-After says before it retries a 503 (a lock another process held).
  else if (payload.code === 'TEMPORARILY_UNAVAILABLE') sendJson(response, 503, body, { 'retry-after': String(RETRY_AFTER_SECONDS) });
  else sendJson(response, HTTP_STATUS_BY_CODE[payload.code], body);
}

/** The URL a client on this machine uses for a server listening on `host`. */
function clientUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Starts the tracking server; resolves once it listens. */
export async function startTrackingServer(options: TrackingServerOptions): Promise<TrackingServer> {
  const host = options.host ?? '127.0.0.1';
  const listeningOnLoopback = isLoopbackHost(host);
  const token = options.token || undefined;
  if (!listeningOnLoopback && !token) {
    throw new Error(
      `The tracking API needs a token to listen on ${host}, which is not a loopback address: ` +
        'without one, anyone who can reach this machine could read and write its runs.',
    );
  }
  const routes = new RouteTable(options.routes ?? allMlflowRoutes(options.context));

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    checkSameOrigin(request);
    checkRequestTarget(request.url ?? '/');
    const url = new URL(request.url ?? '/', 'http://tracking.invalid');
    const method = request.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && url.pathname === '/health') return sendText(response, 'OK');
    if ((method === 'GET' || method === 'HEAD') && url.pathname === '/version') return sendText(response, CAIRN_VERSION);
    if (token) {
      const given = bearerToken(request);
      if (given === undefined || !tokensEqual(given, token)) {
        throw new HttpAnswerError(
          'UNAUTHENTICATED',
          'This Cairn tracking server needs its token: set MLFLOW_TRACKING_TOKEN.',
          401,
          { 'www-authenticate': 'Bearer realm="cairn"' },
        );
      }
    }
    const match = routes.match(method, url.pathname);
    if (match === null) throw new CairnError('ENDPOINT_NOT_FOUND', `No API endpoint ${method} ${url.pathname}.`);
    if ('allowed' in match) {
      const allowed = match.allowed.join(', ');
      throw new HttpAnswerError(
        'BAD_REQUEST',
        `The endpoint ${url.pathname} does not accept ${method}; it accepts ${allowed}.`,
        405,
        { allow: allowed },
      );
    }
    const { route, pathParams } = match;
    const args = route.rawBody || method === 'GET' || method === 'HEAD' ? queryArgs(url) : await jsonBodyArgs(request, route, url.pathname);
    const result = await route.handle({ method: method as HttpMethod, url, pathParams, args, raw: request }, response);
    if (result !== RESPONSE_SENT) sendJson(response, 200, result ?? {});
  };

  const server = await startHttpServer({
    host,
    port: options.port ?? 0,
    handle,
    answerError: sendError,
    keepAliveTimeoutMs: KEEP_ALIVE_MS,
    headersTimeoutMs: KEEP_ALIVE_MS + 5_000,
  });
  return { url: clientUrl(host, server.port), port: server.port, close: () => server.close() };
}
