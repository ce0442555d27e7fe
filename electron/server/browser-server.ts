// Browser mode: the contract over HTTP on loopback, the built renderer as static files, and
// pushed events as server-sent events. Every request needs the random access token, given as
// ?token=, as a Bearer header, or as the cookie set when the page was first opened with it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { CALL_NAMES } from '../../shared/contract';
import { CairnError, HTTP_STATUS_BY_CODE, toErrorPayload } from '../../shared/errors';
import { decodeJson, encodeJson } from '../../shared/json-codec';
import { RENDERER_CSP_HEADER } from '../../shared/renderer-csp';
import { dispatchCall, type CallHandlers } from '../services/api/call-handlers';
import type { EventHub } from '../services/event-hub';
import { tokensEqual } from '../services/http/access-token';
import { startHttpServer } from '../services/http/http-server';
import { checkJsonContentType, checkSameOrigin, PayloadTooLargeError, readBody } from '../services/http/request-guards';
import { contentTypeOf } from '../services/http/static-content-types';

/** The largest call payload the browser mode accepts. */
export const MAX_CALL_BODY_BYTES = 1024 * 1024;
const TOKEN_COOKIE = 'cairn_token';
const HEARTBEAT_MS = 15_000;
const KEEP_ALIVE_MS = 5_000;

/** How to start the browser-mode server. */
export interface BrowserServerOptions {
  readonly handlers: CallHandlers;
  readonly events: EventHub;
  /** Folder of the built renderer (index.html and assets). */
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** The access token; a random one is made when absent. */
  readonly token?: string;
}

/** A running browser-mode server. */
export interface BrowserServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = encodeJson(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

function sendError(response: ServerResponse, error: unknown): void {
  const payload = toErrorPayload(error);
  const status = error instanceof PayloadTooLargeError ? 413 : HTTP_STATUS_BY_CODE[payload.code];
  if (!response.headersSent) sendJson(response, status, { ok: false, error: payload });
  else response.end();
}

/** Starts the browser-mode server; resolves once it listens. */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const staticRoot = path.resolve(options.staticDir);
  const streams = new Set<ServerResponse>();

  const authenticate = (request: IncomingMessage, url: URL): boolean => {
    const header = request.headers.authorization;
    const candidates = [
      url.searchParams.get('token') ?? undefined,
      header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined,
      cookieValue(request, TOKEN_COOKIE),
    ];
    return candidates.some((candidate) => candidate !== undefined && tokensEqual(candidate, token));
  };

  const serveStatic = (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(staticRoot, relative);
    if (!file.startsWith(staticRoot + path.sep)) throw new CairnError('BAD_REQUEST', 'Invalid path.');
    const target = fs.existsSync(file) && fs.statSync(file).isFile() ? file : path.join(staticRoot, 'index.html');
    if (!fs.existsSync(target)) {
      throw new CairnError('RESOURCE_DOES_NOT_EXIST', `The renderer is not built in ${staticRoot}; run \`npm run build\`.`);
    }
    const headers: Record<string, string> = {
      'content-type': contentTypeOf(target),
      'content-security-policy': RENDERER_CSP_HEADER,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    response.writeHead(200, headers);
    if (request.method === 'HEAD') response.end();
    else fs.createReadStream(target).pipe(response);
  };

  const serveEvents = (request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    streams.add(response);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const unsubscribe = options.events.subscribe((name, payload) => {
      response.write(`event: ${name}\ndata: ${encodeJson(payload)}\n\n`);
    });
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(response);
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://cairn.invalid');
    if (!authenticate(request, url)) {
      response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Cairn needs its access token: open the URL that `cairn serve` printed (it ends in ?token=...).\n');
      return;
    }
    if (url.pathname.startsWith('/api/call/')) {
      if (request.method !== 'POST') throw new CairnError('BAD_REQUEST', 'Calls are POST requests.');
      checkSameOrigin(request);
      checkJsonContentType(request);
      const body = await readBody(request, MAX_CALL_BODY_BYTES);
      let payload: unknown;
      try {
        payload = body.trim() ? decodeJson(body) : {};
      } catch {
        throw new CairnError('BAD_REQUEST', 'The request body is not valid JSON.');
      }
      const name = decodeURIComponent(url.pathname.slice('/api/call/'.length));
      const result = await dispatchCall(options.handlers, name, payload);
      sendJson(response, result.ok ? 200 : HTTP_STATUS_BY_CODE[result.error.code], result);
      return;
    }
    if (url.pathname === '/api/events') {
      checkSameOrigin(request);
      serveEvents(request, response);
      return;
    }
    if (url.pathname === '/api/calls') {
      sendJson(response, 200, { calls: CALL_NAMES });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new CairnError('BAD_REQUEST', 'Only GET serves files.');
    serveStatic(request, response, url);
  };

  const server = await startHttpServer({
    host,
    port: options.port ?? 0,
    handle,
    answerError: sendError,
    keepAliveTimeoutMs: KEEP_ALIVE_MS,
    beforeClose: () => {
      for (const stream of streams) stream.end();
    },
  });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${server.port}/?token=${token}`,
    port: server.port,
    token,
    close: () => server.close(),
  };
}
