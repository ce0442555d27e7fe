// The one base of Cairn's HTTP servers (the browser mode and the MLflow-compatible tracking API):
// it listens on a host and port (0 picks a free one), applies the guard every server needs first
// (the Host header, against DNS rebinding), hands each request to the server's own handler, answers
// whatever that throws in the server's own error format, and closes by ending every connection,
// keep-alive ones included, so that a stopped server leaves no socket behind.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkHostHeader, isLoopbackHost } from './request-guards';

/** How to start an HTTP server. */
export interface HttpServerOptions {
  /** Address to listen on. */
  readonly host: string;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Answers one request; runs after the shared guards, and what it throws goes to `answerError`. */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** Answers a request that failed (a guard refused it, or `handle` threw), in the server's own format. */
  readonly answerError: (response: ServerResponse, error: unknown) => void;
  /** How long an idle keep-alive connection stays open, in milliseconds. */
  readonly keepAliveTimeoutMs: number;
  /** How long a client may take to send a request's headers; Node's default when absent. */
  readonly headersTimeoutMs?: number;
  /** Runs when close() starts, before connections are ended (say, to end event streams politely). */
  readonly beforeClose?: () => void;
}

/** A listening HTTP server. */
export interface HttpServer {
  /** The address it listens on, as given. */
  readonly host: string;
  /** The port it listens on (the one picked, when 0 was asked). */
  readonly port: number;
  /** Whether `host` is a loopback address. */
  readonly loopback: boolean;
  /** Stops listening and ends every connection; resolves once the server is closed. */
  close(): Promise<void>;
}

/** Starts an HTTP server; resolves once it listens, rejects (say, with EADDRINUSE) when it cannot. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const loopback = isLoopbackHost(options.host);
  const server = http.createServer({ keepAlive: true }, (request, response) => {
    const answer = async () => {
      checkHostHeader(request, loopback);
      await options.handle(request, response);
    };
    answer().catch((error: unknown) => options.answerError(response, error));
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  if (options.headersTimeoutMs !== undefined) server.headersTimeout = options.headersTimeoutMs;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    host: options.host,
    port: (server.address() as AddressInfo).port,
    loopback,
    close: () =>
      new Promise<void>((resolve) => {
        options.beforeClose?.();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
