// The HTTP server base both servers stand on: listening (port 0 picks one, a taken port is an
// error), the Host-header guard before any handler runs, errors answered by the server's own
// function, and a close that ends idle keep-alive and busy connections alike.
import http, { type ServerResponse } from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CairnError, HTTP_STATUS_BY_CODE, toErrorPayload } from '../../../shared/errors';
import { tokensEqual } from './access-token';
import { startHttpServer, type HttpServer, type HttpServerOptions } from './http-server';

const started: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

function answerError(response: ServerResponse, error: unknown): void {
  const payload = toErrorPayload(error);
  response.writeHead(HTTP_STATUS_BY_CODE[payload.code], { 'content-type': 'text/plain' });
  response.end(`${payload.code}: ${payload.message}`);
}

async function start(options: Partial<HttpServerOptions> = {}): Promise<HttpServer> {
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    keepAliveTimeoutMs: 30_000,
    answerError,
    handle: async (request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`you asked for ${request.url}`);
    },
    ...options,
  });
  started.push(server);
  return server;
}

function get(port: number, path: string, options: { host?: string; agent?: http.Agent } = {}) {
  return new Promise<{ status: number; body: string; socket: net.Socket }>((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: options.agent, headers: options.host ? { host: options.host } : {} }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, socket: request.socket! }));
    });
    request.on('error', reject);
  });
}

describe('startHttpServer', () => {
  it('listens on the port it picked when asked for port 0, and hands requests to the handler', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.loopback).toBe(true);
    expect(await get(server.port, '/hello')).toMatchObject({ status: 200, body: 'you asked for /hello' });
  });

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const first = await start();
    await expect(start({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('refuses a non-loopback Host header on loopback before the handler runs', async () => {
    let handled = 0;
    const server = await start({
      handle: async (_request, response) => {
        handled++;
        response.end('handled');
      },
    });
    const rebound = await get(server.port, '/', { host: 'attacker.example:80' });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/^PERMISSION_DENIED: .*loopback names only/);
    expect(handled).toBe(0);
    expect((await get(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(200);
    expect(handled).toBe(1);
  });

  it("answers what the handler throws with the server's own error function", async () => {
    const server = await start({
      handle: async () => {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', 'no such thing');
      },
    });
    expect(await get(server.port, '/')).toMatchObject({ status: 404, body: 'RESOURCE_DOES_NOT_EXIST: no such thing' });
  });

  it('closes promptly, ending idle keep-alive connections and ones still waiting for an answer', async () => {
    let beforeCloseCalls = 0;
    const server = await start({
      handle: async (request, response) => {
        if (request.url === '/never') return; // never answers, like an event stream
        response.end('ok');
      },
      beforeClose: () => beforeCloseCalls++,
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const idle = await get(server.port, '/', { agent });
    expect(idle.socket.destroyed).toBe(false);
    const idleClosed = new Promise<void>((resolve) => idle.socket.once('close', () => resolve()));
    const pending = new Promise<string>((resolve) => {
      const request = http.get({ host: '127.0.0.1', port: server.port, path: '/never' }, () => resolve('answered'));
      request.on('error', (error) => resolve(`ended: ${(error as NodeJS.ErrnoException).code}`));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    await server.close();
    expect(beforeCloseCalls).toBe(1);
    await idleClosed;
    expect(await pending).toBe('ended: ECONNRESET');
    await expect(get(server.port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    agent.destroy();
  });
});

describe('tokensEqual', () => {
  it('accepts only the very token, whatever the length of the one given', () => {
    expect(tokensEqual('s3cret-token', 's3cret-token')).toBe(true);
    for (const given of ['s3cret-tokeN', 's3cret-toke', 's3cret-token ', '', 'x'.repeat(10_000)]) {
      expect(tokensEqual(given, 's3cret-token')).toBe(false);
    }
    expect(tokensEqual('', '')).toBe(true);
    expect(tokensEqual('é', 'e\u0301')).toBe(false);
  });
});
