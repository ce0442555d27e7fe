// The proxied artifact API over HTTP, sent as MLflow's HttpArtifactRepository sends it: PUT each
// file, GET ?path= to list, GET a file to download, DELETE; the run-relative artifacts/list; the
// streaming of large files; and every path trick refused without a byte written outside the root.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestTrackingServer, type TestTrackingServer } from '../test-tracking-server';

const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

let server: TestTrackingServer;
let runId: string;
let runRoot: string;

beforeEach(async () => {
  server = await startTestTrackingServer();
  const created = await server.post('runs/create', { experiment_id: '0', start_time: Date.now() });
  runId = created.json.run.info.run_id;
  runRoot = `0/${runId}/artifacts`;
});

afterEach(async () => {
  await server.close();
});

function put(artifactPath: string, body: string | Buffer, contentType = 'application/octet-stream') {
  return server.raw({ method: 'PUT', path: `${ARTIFACTS}/${artifactPath}`, headers: { 'content-type': contentType }, body });
}

/** Every entry under the data folder except the database files, which change on every request. */
function dataTree(): string[] {
  return (fs.readdirSync(server.dataDir, { recursive: true }) as string[]).filter((entry) => !entry.startsWith('cairn.db')).sort();
}

describe('proxied artifact API', () => {
  it('uploads, lists, downloads and deletes files as the MLflow client does', async () => {
    const mlmodel = 'artifact_path: model\nflavors:\n  python_function: {}\n';
    const uploaded = await put(`${runRoot}/model/MLmodel`, mlmodel);
    expect(uploaded.status).toBe(200);
    expect(uploaded.json).toEqual({});
    // A JSON file is uploaded with Content-Type application/json; its body is stored, not parsed.
    expect((await put(`${runRoot}/model/input_example.json`, '{"a": [1, 2', 'application/json')).status).toBe(200);
    expect((await put(`${runRoot}/model/requirements%20dev.txt`, 'scikit-learn\n', 'text/plain')).status).toBe(200);
    expect((await put(`${runRoot}/model/data/model.pkl`, Buffer.from([0, 1, 2, 3]))).status).toBe(200);

    const listed = await server.raw({ method: 'GET', path: `${ARTIFACTS}?path=${encodeURIComponent(`${runRoot}/model`)}` });
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: Buffer.byteLength(mlmodel) },
        { path: 'data', is_dir: true },
        { path: 'input_example.json', is_dir: false, file_size: 11 },
        { path: 'requirements dev.txt', is_dir: false, file_size: 13 },
      ],
    });
    expect((await server.raw({ method: 'GET', path: `${ARTIFACTS}?path=${runRoot}/nothing` })).json).toEqual({ files: [] });
    expect((await server.raw({ method: 'GET', path: `${ARTIFACTS}?path=${runRoot}/model/MLmodel` })).json).toEqual({ files: [] });

    const downloaded = await server.raw({ method: 'GET', path: `${ARTIFACTS}/${runRoot}/model/MLmodel` });
    expect(downloaded.status).toBe(200);
    expect(downloaded.text).toBe(mlmodel);
    expect(downloaded.headers['content-length']).toBe(String(Buffer.byteLength(mlmodel)));
    expect(downloaded.headers['content-type']).toBe('application/octet-stream');
    expect(downloaded.headers['content-disposition']).toMatch(/^attachment; filename="MLmodel"/);
    expect(downloaded.headers['x-content-type-options']).toBe('nosniff');
    const json = await server.raw({ method: 'GET', path: `${ARTIFACTS}/${runRoot}/model/input_example.json` });
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.text).toBe('{"a": [1, 2');

    const ajax = await server.raw({ method: 'GET', path: `/ajax-api/2.0/mlflow-artifacts/artifacts/${runRoot}/model/data/model.pkl` });
    expect(Buffer.from(ajax.text, 'latin1')).toEqual(Buffer.from([0, 1, 2, 3]));

    const deleted = await server.raw({ method: 'DELETE', path: `${ARTIFACTS}/${runRoot}/model/data` });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({});
    expect((await server.raw({ method: 'DELETE', path: `${ARTIFACTS}/${runRoot}/model/data` })).status).toBe(200);
    const after = await server.raw({ method: 'GET', path: `${ARTIFACTS}?path=${runRoot}/model` });
    expect(after.json.files.map((f: { path: string }) => f.path)).toEqual(['MLmodel', 'input_example.json', 'requirements dev.txt']);
  });

  it('answers a download of a missing path with 404 at once, and of a folder with 400', async () => {
    // What a 3.x client sends first when loading runs:/<run>/model of a model logged as a logged model.
    const missing = await server.raw({ method: 'GET', path: `${ARTIFACTS}/${runRoot}/model/` });
    expect(missing.status).toBe(404);
    expect(missing.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    await put(`${runRoot}/model/MLmodel`, 'x');
    const folder = await server.raw({ method: 'GET', path: `${ARTIFACTS}/${runRoot}/model/` });
    expect(folder.status).toBe(400);
    expect(folder.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('lists a run\'s artifacts relative to the run with its root_uri (GET artifacts/list)', async () => {
    await put(`${runRoot}/model/MLmodel`, 'abc');
    await put(`${runRoot}/metrics.csv`, 'a,b\n');
    const top = await server.get('artifacts/list', { run_id: runId });
    expect(top.status).toBe(200);
    expect(top.json).toEqual({
      root_uri: `mlflow-artifacts:/${runRoot}`,
      files: [
        { path: 'metrics.csv', is_dir: false, file_size: 4 },
        { path: 'model', is_dir: true },
      ],
    });
    const inside = await server.get('artifacts/list', { run_uuid: runId, path: 'model' });
    expect(inside.json.files).toEqual([{ path: 'model/MLmodel', is_dir: false, file_size: 3 }]);
    const noRun = await server.get('artifacts/list', {});
    expect(noRun.status).toBe(400);
    expect(noRun.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'run_id'") });
    expect((await server.get('artifacts/list', { run_id: 'f'.repeat(32) })).status).toBe(404);
    expect((await server.get('artifacts/list', { run_id: runId, path: '../../..' })).status).toBe(400);
  });

  it('streams a 24 MiB upload to disk while it arrives, never showing it before it is complete, and streams it back', async () => {
    const chunk = randomBytes(1024 * 1024);
    const chunks = 24;
    const expected = createHash('sha256');
    for (let i = 0; i < chunks; i++) expected.update(chunk);
    const uploadsDir = path.join(server.dataDir, 'artifact-uploads');
    const target = path.join(server.dataDir, 'artifacts', ...runRoot.split('/'), 'weights.bin');

    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'PUT',
          path: `${ARTIFACTS}/${runRoot}/weights.bin`,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(chunk.length * chunks) },
        },
        (response) => {
          let body = '';
          response.on('data', (part: Buffer) => (body += part.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      (async () => {
        for (let i = 0; i < chunks / 2; i++) if (!request.write(chunk)) await new Promise((r) => request.once('drain', r));
        // Half sent: the bytes are already on disk in a temporary file, and nothing is at the target yet.
        const deadline = Date.now() + 10_000;
        let onDisk = 0;
        while (onDisk < 4 * chunk.length && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
          onDisk = fs.readdirSync(uploadsDir).reduce((sum, name) => sum + fs.statSync(path.join(uploadsDir, name)).size, 0);
        }
        expect(onDisk).toBeGreaterThanOrEqual(4 * chunk.length);
        expect(fs.existsSync(target)).toBe(false);
        for (let i = chunks / 2; i < chunks; i++) if (!request.write(chunk)) await new Promise((r) => request.once('drain', r));
        request.end();
      })().catch(reject);
    });
    expect(await answer).toEqual({ status: 200, body: '{}' });
    expect(fs.statSync(target).size).toBe(chunk.length * chunks);
    expect(fs.readdirSync(uploadsDir)).toEqual([]);

    const downloaded = await new Promise<{ digest: string; chunks: number; length: string | undefined }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: `${ARTIFACTS}/${runRoot}/weights.bin` }, (response) => {
          const hash = createHash('sha256');
          let parts = 0;
          response.on('data', (part: Buffer) => {
            parts++;
            hash.update(part);
          });
          response.on('end', () => resolve({ digest: hash.digest('hex'), chunks: parts, length: response.headers['content-length'] }));
          response.on('error', reject);
        })
        .on('error', reject);
    });
    expect(downloaded.digest).toBe(expected.digest('hex'));
    expect(downloaded.length).toBe(String(chunk.length * chunks));
    expect(downloaded.chunks).toBeGreaterThan(1);
  });

  it('leaves nothing behind when an upload is cut off midway', async () => {
    await new Promise<void>((resolve) => {
      const request = http.request({
        host: '127.0.0.1',
        port: server.port,
        method: 'PUT',
        path: `${ARTIFACTS}/${runRoot}/cut.bin`,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(10 * 1024 * 1024) },
      });
      request.on('error', () => resolve());
      request.write(Buffer.alloc(1024 * 1024), () => setTimeout(() => request.destroy(), 100));
    });
    const uploadsDir = path.join(server.dataDir, 'artifact-uploads');
    const deadline = Date.now() + 5_000;
    while (fs.readdirSync(uploadsDir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(fs.readdirSync(uploadsDir)).toEqual([]);
    expect((await server.raw({ method: 'GET', path: `${ARTIFACTS}/${runRoot}/cut.bin` })).status).toBe(404);
  });

  it('refuses a file name too long for the file system with 400 for PUT, GET and DELETE', async () => {
    const name = `0/${'n'.repeat(300)}`;
    for (const method of ['PUT', 'GET', 'DELETE']) {
      const body = method === 'PUT' ? 'x' : undefined;
      const response = await server.raw({ method, path: `${ARTIFACTS}/${name}`, headers: { 'content-type': 'text/plain' }, body });
      expect(response.status, method).toBe(400);
      expect(response.json.message.length).toBeLessThan(400);
    }
  });

  describe('path tricks', () => {
    const outsideName = `cairn-escape-${process.pid}.txt`;

    it.each([
      ['encoded slashes', `0/..%2F..%2F..%2F${outsideName}`],
      ['encoded backslashes', `0/..%5C..%5C${outsideName}`],
      ['an encoded absolute path', `%2Ftmp%2F${outsideName}`],
      ['an absolute path', `/tmp/${outsideName}`],
      ['dot segments inside the root', `0/a/../../b/${outsideName}`],
      ['encoded dot segments', `0/x/%2e%2e/%2E%2E/${outsideName}`],
      ['double-encoded dot segments', `0/%252e%252e/%252e%252e/${outsideName}`],
      ['a NUL byte', `0/a%00b.txt`],
      ['a backslash', `0/a\\b.txt`],
      ['a drive letter', `C:/${outsideName}`],
    ])('refuses %s with 400 for PUT, GET and DELETE, writing nothing', async (_name, trick) => {
      const before = dataTree();
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const response = await server.raw({
          method,
          path: `${ARTIFACTS}/${trick}`,
          headers: { 'content-type': 'application/octet-stream' },
          body: method === 'PUT' ? 'escaped' : undefined,
        });
        expect(response.status, `${method} ${trick}`).toBe(400);
        expect(response.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
      expect(dataTree()).toEqual(before);
      expect(fs.existsSync(path.join(os.tmpdir(), outsideName))).toBe(false);
      expect(fs.existsSync(path.join(server.dataDir, outsideName))).toBe(false);
    });

    it.each([['..', '../'], ['%2e%2e', '%2e%2e/']])('refuses %s climbing above the artifacts prefix, writing nothing', async (_name, up) => {
      // The server refuses dot segments in the raw request target before URL parsing could resolve them.
      const before = dataTree();
      const trick = `${ARTIFACTS}/${up.repeat(6)}tmp/${outsideName}`;
      const response = await server.raw({ method: 'PUT', path: trick, headers: { 'content-type': 'application/octet-stream' }, body: 'x' });
      expect(response.status).toBe(400);
      expect(dataTree()).toEqual(before);
      expect(fs.existsSync(path.join(os.tmpdir(), outsideName))).toBe(false);
    });

    it('refuses a path through a symlink that leads outside the root', async () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-outside-'));
      try {
        fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
        fs.mkdirSync(path.join(server.dataDir, 'artifacts', '0'), { recursive: true });
        fs.symlinkSync(outside, path.join(server.dataDir, 'artifacts', '0', 'link'));
        for (const [method, body] of [
          ['PUT', 'x'],
          ['GET', undefined],
          ['DELETE', undefined],
        ] as const) {
          const response = await server.raw({ method, path: `${ARTIFACTS}/0/link/secret.txt`, headers: { 'content-type': 'text/plain' }, body });
          expect(response.status, method).toBe(400);
        }
        expect((await server.raw({ method: 'GET', path: `${ARTIFACTS}?path=0/link` })).status).toBe(400);
        expect((await server.raw({ method: 'GET', path: `${ARTIFACTS}?path=0` })).json).toEqual({ files: [] });
        expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
        expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });

    it('refuses tricks in the listing\'s path parameter', async () => {
      for (const trick of ['..', '../..', '/etc', '0/%2e%2e/%2e%2e', 'a\\..\\..']) {
        const response = await server.raw({ method: 'GET', path: `${ARTIFACTS}?path=${encodeURIComponent(trick)}` });
        expect(response.status, trick).toBe(400);
      }
    });
  });
});
