import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJson } from '../../shared/json-codec';
import { RENDERER_CSP_HEADER } from '../../shared/renderer-csp';
import { startCairnServices, type CairnServices } from '../services/cairn-services';
import { MAX_CALL_BODY_BYTES, startBrowserServer, type BrowserServer } from './browser-server';

let dir: string;
let services: CairnServices;
let server: BrowserServer;
let base: string;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request, so tests can set any Host header and body. */
function request(
  method: string,
  pathAndQuery: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method, path: pathAndQuery, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function call(name: string, payload: unknown, headers: Record<string, string> = {}) {
  return request('POST', `/api/call/${name}`, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers },
    body: JSON.stringify(payload),
  });
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-browser-'));
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Cairn</title>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  services = startCairnServices({ dataDir: path.join(dir, 'data'), mode: 'browser', changeIntervalMs: 10 });
  server = await startBrowserServer({ handlers: services.handlers, events: services.events, staticDir });
  base = `http://127.0.0.1:${server.port}`;
});

afterEach(async () => {
  await server.close();
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('browser-mode server', () => {
  it('prints a loopback URL carrying a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it('answers 401 without the token, for pages, calls and events alike', async () => {
    expect((await request('GET', '/')).status).toBe(401);
    expect((await request('GET', '/assets/app.js')).status).toBe(401);
    expect((await request('GET', '/api/events')).status).toBe(401);
    const noToken = await request('POST', '/api/call/listExperiments', { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(401);
    const wrong = await call('listExperiments', {}, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
  });

  it('serves the page with the token, sets an HttpOnly cookie, and the cookie authenticates later requests', async () => {
    const page = await request('GET', `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(RENDERER_CSP_HEADER);
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await request('GET', '/assets/app.js', { headers: { cookie: cookie.split(';')[0]! } });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log(1)');
  });

  it('runs calls over HTTP with NaN and infinities intact', async () => {
    const { experimentId } = await services.store.createExperiment({ name: 'http' });
    const run = await services.store.createRun({ experimentId });
    await services.store.logBatch(run.info.runId, {
      metrics: [
        { key: 'm', value: Number.NaN, step: 0, timestamp: 1 },
        { key: 'm', value: Number.POSITIVE_INFINITY, step: 1, timestamp: 1 },
      ],
    });
    const response = await call('getMetricHistory', { runId: run.info.runId, key: 'm' });
    expect(response.status).toBe(200);
    const result = decodeJson(response.body) as { ok: true; value: { value: number }[] };
    expect(result.value.map((p) => p.value)).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);
  });

  it('answers bad payloads with a typed 400 and changes nothing', async () => {
    const before = await services.store.listExperiments('ALL');
    const wrongType = await call('createExperiment', { name: ['x'] });
    expect(wrongType.status).toBe(400);
    expect(JSON.parse(wrongType.body)).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMETER_VALUE' } });
    const notJson = await request('POST', '/api/call/createExperiment', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: '{"name": ',
    });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const notJsonType = await request('POST', '/api/call/createExperiment', {
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${server.token}` },
      body: '{"name":"x"}',
    });
    expect(notJsonType.status).toBe(400);
    const unknown = await call('dropEverything', {});
    expect(unknown.status).toBe(404);
    expect(await services.store.listExperiments('ALL')).toEqual(before);
  });

  it('refuses an oversized body with 413 and changes nothing', async () => {
    const response = await call('createExperiment', { name: 'x'.repeat(MAX_CALL_BODY_BYTES + 10) });
    expect(response.status).toBe(413);
    expect(await services.store.getExperimentByName('x'.repeat(MAX_CALL_BODY_BYTES + 10))).toBeNull();
  });

  it('refuses a non-loopback Host header (DNS rebinding) even with the token', async () => {
    const response = await request('GET', `/?token=${server.token}`, { headers: { host: 'attacker.example:80' } });
    expect(response.status).toBe(403);
  });

  it('refuses cross-origin calls even with the token', async () => {
    const response = await call('createExperiment', { name: 'csrf' }, { origin: 'https://attacker.example' });
    expect(response.status).toBe(403);
    expect(await services.store.getExperimentByName('csrf')).toBeNull();
    const sameOrigin = await call('createExperiment', { name: 'ok' }, { origin: base });
    expect(sameOrigin.status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const trick of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await request('GET', `${trick}?token=${server.token}`);
      expect(response.body).not.toContain('do not serve');
    }
  });

  it('streams tracker.changed events to a connected page', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: server.port, path: '/api/events', headers: { authorization: `Bearer ${server.token}` } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes('event: tracker.changed')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await services.store.createExperiment({ name: 'pushed' });
    expect(await received).toMatch(/event: tracker\.changed\ndata: \{"experimentIds":\["\d+"\]/);
  });
});
