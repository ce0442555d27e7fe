// The one base of Cairn's HTTP servers (the browser mode and the MLflow-compatible tracking API):
// it listens on a host and port (0 picks a free one), applies the guard every server needs first
// (the Host header, against DNS rebinding), hands each request to the server's own handler, answers
// whatever that throws in the server's own error format, lets go of a client that stopped reading
// its answer (the send timeout), and closes by ending every connection, keep-alive ones included,
// so that a stopped server leaves no socket behind.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkHostHeader, isLoopbackHost } from './request-guards';

/** How long a client may leave an answer unread (nothing sent for that long) before its connection is dropped. */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000;

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
  /**
   * How long an answer may wait with bytes unsent because the client reads nothing, before the
   * connection is dropped (and whatever the answer held is let go); DEFAULT_SEND_TIMEOUT_MS when absent.
   */
  readonly sendTimeoutMs?: number;
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

/** Drops a connection at once, with what it still had to send: a reset frees the kernel's buffers too. */
function dropConnection(socket: Socket | null): void {
  if (!socket) return;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

/** Starts an HTTP server; resolves once it listens, rejects (say, with EADDRINUSE) when it cannot. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const loopback = isLoopbackHost(options.host);
  const sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const server = http.createServer({ keepAlive: true }, (request, response) => {
    // The socket times out after that long without traffic either way. With answer bytes waiting,
    // the client stopped reading: drop it. Without, the server is still working on the answer: wait.
    response.setTimeout(sendTimeoutMs, () => {
      if (response.writableLength > 0) dropConnection(response.socket);
    });
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
