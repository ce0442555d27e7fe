// The tracking server itself: prefixes, health and version, routing errors, the JSON body rules,
// body limits, and the guards (Host, Origin, bearer token), each refusal leaving the tracker unchanged.
import Database from 'better-sqlite3';
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallHandlers, dispatchCall } from '../api/call-handlers';
import { CAIRN_VERSION } from '../version';
import { startTestTrackingServer, type TestTrackingServer } from './test-tracking-server';
import { MAX_JSON_BODY_BYTES, startTrackingServer } from './tracking-server';

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('tracking server', () => {
  let server: TestTrackingServer;

  beforeEach(async () => {
    server = await startTestTrackingServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it("answers a write that waited past the busy timeout for another process's lock with 503 and Retry-After, never 500", async () => {
    const { experiment_id } = (await server.post('experiments/create', { name: 'locked' })).json;
    const { run } = (await server.post('runs/create', { experiment_id })).json;
    // Another process (a cairn import) holds the write lock; this server waits 100 ms for it, not 5 s.
    const other = new Database(server.database.file);
    server.database.connection.pragma('busy_timeout = 100');
    other.exec('BEGIN IMMEDIATE');
    try {
      const before = server.snapshot();
      const metrics = [{ key: 'loss', value: 1, timestamp: 1, step: 0 }];
      for (const answer of [
        await server.post('runs/log-batch', { run_id: run.info.run_id, metrics }),
        await server.post('experiments/create', { name: 'waits' }),
      ]) {
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toBe('1');
        expect(answer.json).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE', message: expect.stringContaining('busy') });
      }
      // The same refusal reaches the app's calls as a code it can show.
      const handlers = createCallHandlers({ ...server.context, metricSeries: null!, runsTable: null!, appInfo: null!, pipelines: null!, modelRegistry: null!, deployments: null!, data: null!, dataJobs: null!, automations: null! });
      const call = await dispatchCall(handlers, 'createExperiment', { name: 'from the app' });
      expect(call).toMatchObject({ ok: false, error: { code: 'TEMPORARILY_UNAVAILABLE' } });
      expect(server.snapshot()).toBe(before);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    server.database.connection.pragma('busy_timeout = 5000');
    expect((await server.post('experiments/create', { name: 'after' })).status).toBe(200);
  });

  it('listens on loopback and gives its address as a tracking URI', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('answers /health and /version as plain text, as MLflow does', async () => {
    const health = await server.raw({ method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(health.text).toBe('OK');
    const version = await server.raw({ method: 'GET', path: '/version' });
    expect(version.status).toBe(200);
    expect(version.text).toBe(CAIRN_VERSION);
  });

  it('serves the API under /api/2.0/mlflow/ and /ajax-api/2.0/mlflow/', async () => {
    for (const prefix of ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/']) {
      const response = await server.raw({ method: 'GET', path: `${prefix}experiments/get?experiment_id=0` });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.json.experiment.name).toBe('Default');
    }
  });

  it('answers an unknown route with 404 ENDPOINT_NOT_FOUND in MLflow JSON', async () => {
    const response = await server.raw({ method: 'GET', path: '/api/2.0/mlflow/runs/nope' });
    expect(response.status).toBe(404);
    expect(response.json.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect(typeof response.json.message).toBe('string');
    const outside = await server.raw({ method: 'GET', path: '/somewhere/else' });
    expect(outside.status).toBe(404);
    expect(outside.json.error_code).toBe('ENDPOINT_NOT_FOUND');
  });

  it('answers a known route with the wrong method with 405 and the allowed methods', async () => {
    const response = await server.raw({ method: 'GET', path: '/api/2.0/mlflow/experiments/create' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.json.error_code).toBe('BAD_REQUEST');
  });

  it('requires application/json on writes, with MLflow 400 INVALID_PARAMETER_VALUE, and writes nothing', async () => {
    const before = server.snapshot();
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Array<Record<string, string>>) {
      const response = await server.raw({
        method: 'POST',
        path: '/api/2.0/mlflow/experiments/create',
        headers,
        body: JSON.stringify({ name: 'x' }),
      });
      expect(response.status).toBe(400);
      expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(response.json.message).toContain('Content-Type must be one of [application/json]');
    }
    expect(server.snapshot()).toBe(before);
    const withCharset = await server.raw({
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/create',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ name: 'ok' }),
    });
    expect(withCharset.status).toBe(200);
  });

  it('answers malformed JSON at once with 400 BAD_REQUEST and writes nothing', async () => {
    const before = server.snapshot();
    for (const body of ['{"name": ', 'not json', '[1, 2]', '42']) {
      const response = await server.raw({ method: 'POST', path: '/api/2.0/mlflow/experiments/create', headers: JSON_HEADERS, body });
      expect(response.status).toBe(400);
      expect(response.json.error_code).toBe('BAD_REQUEST');
    }
    expect(server.snapshot()).toBe(before);
  });

  it('reads a double-encoded JSON body, as older clients send', async () => {
    const response = await server.raw({
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/create',
      headers: JSON_HEADERS,
      body: JSON.stringify(JSON.stringify({ name: 'double' })),
    });
    expect(response.status).toBe(200);
    expect(response.json.experiment_id).toBe('1');
  });

  it('treats an empty POST body as no arguments', async () => {
    const response = await server.raw({ method: 'POST', path: '/api/2.0/mlflow/experiments/create', headers: JSON_HEADERS, body: '' });
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(response.json.message).toContain("'name'");
  });

  it('refuses bodies over the general limit with 413 and writes nothing', async () => {
    const before = server.snapshot();
    const response = await server.raw({
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/create',
      headers: { ...JSON_HEADERS, 'content-length': String(MAX_JSON_BODY_BYTES + 1) },
      body: Buffer.alloc(0),
    }).catch(() => null);
    // The server answers before the (never sent) body arrives, and closes the connection.
    if (response) {
      expect(response.status).toBe(413);
      expect(response.json.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    }
    const streamed = await server.raw({
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/create',
      headers: JSON_HEADERS,
      body: `{"name": "big", "artifact_location": "${'x'.repeat(MAX_JSON_BODY_BYTES)}"}`,
    });
    expect(streamed.status).toBe(413);
    expect(streamed.json.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(server.snapshot()).toBe(before);
  });

  it('refuses a Host header that is not a loopback name (DNS rebinding) and writes nothing', async () => {
    const before = server.snapshot();
    const response = await server.raw({
      method: 'POST',
      path: '/api/2.0/mlflow/experiments/create',
      headers: { ...JSON_HEADERS, host: 'evil.example:5151' },
      body: JSON.stringify({ name: 'rebound' }),
    });
    expect(response.status).toBe(403);
    expect(response.json.error_code).toBe('PERMISSION_DENIED');
    expect(server.snapshot()).toBe(before);
    const localhost = await server.raw({
      method: 'GET',
      path: '/api/2.0/mlflow/experiments/get?experiment_id=0',
      headers: { host: `localhost:${server.port}` },
    });
    expect(localhost.status).toBe(200);
  });

  it('refuses cross-origin browser requests and writes nothing', async () => {
    const before = server.snapshot();
    const crossOrigin: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }];
    for (const headers of crossOrigin) {
      const response = await server.raw({
        method: 'POST',
        path: '/api/2.0/mlflow/experiments/create',
        headers: { ...JSON_HEADERS, ...headers },
        body: JSON.stringify({ name: 'cross' }),
      });
      expect(response.status).toBe(403);
      expect(response.json.error_code).toBe('PERMISSION_DENIED');
    }
    expect(server.snapshot()).toBe(before);
  });

  it('accepts bare NaN and Infinity tokens in a body, as Python json writes them', async () => {
    const run = (await server.post('runs/create', { experiment_id: '0' })).json.run;
    const body = `{"run_id": "${run.info.run_id}", "metrics": [
      {"key": "a", "value": NaN, "timestamp": 1, "step": 0},
      {"key": "b", "value": Infinity, "timestamp": 1, "step": 0},
      {"key": "c", "value": -Infinity, "timestamp": 1, "step": 0}],
      "tags": [{"key": "note", "value": "NaN and Infinity inside a string stay text"}]}`;
    const response = await server.raw({ method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', headers: JSON_HEADERS, body });
    expect(response.status).toBe(200);
    const data = (await server.get('runs/get', { run_id: run.info.run_id })).json.run.data;
    expect(data.metrics.map((m: { value: unknown }) => m.value)).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(data.tags.find((t: { key: string }) => t.key === 'note').value).toBe('NaN and Infinity inside a string stay text');
  });

  it('answers values nested 5,000 and 100,000 deep, or 20 KB long, with a 4xx quoting a short prefix, and writes nothing', async () => {
    const before = server.snapshot();
    const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const bodies = [
      `{"name": ${deep(5_000)}}`,
      `{"name": ${deep(100_000)}}`,
      `{"name": "x", "tags": ${deep(100_000)}}`,
      JSON.stringify({ name: 'x', artifact_location: ['a'.repeat(20_000)] }),
    ];
    for (const body of bodies) {
      const response = await server.raw({ method: 'POST', path: '/api/2.0/mlflow/experiments/create', headers: JSON_HEADERS, body });
      expect(response.status).toBe(400);
      expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(response.json.message.length).toBeLessThan(400);
    }
    const deepQuery = await server.get('runs/get', { run_id: 'r'.repeat(10_000) });
    expect(deepQuery.status).toBe(404);
    expect(deepQuery.json.message.length).toBeLessThan(400);
    expect(server.snapshot()).toBe(before);
  });

  it('answers malformed percent-encoding in a path parameter with 400', async () => {
    for (const path of ['/api/2.0/mlflow/logged-models/%ZZ', '/api/2.0/mlflow/logged-models/%E0%A4%A']) {
      const response = await server.raw({ method: 'GET', path });
      expect(response.status, path).toBe(400);
      expect(response.json.error_code).toBe('BAD_REQUEST');
    }
  });

  it('keeps connections alive between requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const request = http.get(
          { host: '127.0.0.1', port: server.port, path: '/api/2.0/mlflow/experiments/get?experiment_id=0', agent },
          (response) => {
            sockets.add(request.socket);
            expect(response.headers.connection).toBe('keep-alive');
            response.resume();
            response.on('end', resolve);
          },
        );
        request.on('error', reject);
      });
    }
    expect(sockets.size).toBe(1);
    agent.destroy();
  });
});

describe('tracking server with a token', () => {
  it('requires the bearer token MLFLOW_TRACKING_TOKEN sends, and writes nothing without it', async () => {
    const server = await startTestTrackingServer({ token: 's3cret' });
    try {
      const before = server.snapshot();
      for (const authorization of [undefined, 'Bearer wrong', 'Basic czNjcmV0']) {
        const response = await server.raw({
          method: 'POST',
          path: '/api/2.0/mlflow/experiments/create',
          headers: { ...JSON_HEADERS, ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ name: 'x' }),
        });
        expect(response.status).toBe(401);
        expect(response.json.error_code).toBe('UNAUTHENTICATED');
        expect(response.headers['www-authenticate']).toContain('Bearer');
      }
      expect(server.snapshot()).toBe(before);
      const created = await server.post('experiments/create', { name: 'x' });
      expect(created.status).toBe(200);
      expect((await server.raw({ method: 'GET', path: '/health' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses to listen on a non-loopback address without a token', async () => {
    const scratch = await startTestTrackingServer();
    try {
      await expect(startTrackingServer({ context: scratch.context, host: '0.0.0.0', port: 0 })).rejects.toThrow(/token/);
      const open = await startTrackingServer({
        context: scratch.context,
        host: '0.0.0.0',
        port: 0,
        token: 't',
      });
      expect(open.url).toBe(`http://127.0.0.1:${open.port}`);
      await open.close();
    } finally {
      await scratch.close();
    }
  });
});
