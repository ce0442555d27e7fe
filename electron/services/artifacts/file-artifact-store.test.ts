import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CairnError } from '../../../shared/errors';
import { parseArtifactRelativePath, parseArtifactUrlPath, storePathOfArtifactUri } from './artifact-path';
import { FileArtifactStore } from './file-artifact-store';

const realFsync = fs.fsync;
const realRename = fs.promises.rename;
const realOpen = fs.promises.open;

let dir: string;
let root: string;
let uploads: string;
let store: FileArtifactStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-artifacts-'));
  root = path.join(dir, 'artifacts');
  uploads = path.join(dir, 'artifact-uploads');
  store = new FileArtifactStore({ root, uploadsDir: uploads });
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function errorOf(promise: Promise<unknown> | (() => unknown)): Promise<CairnError> {
  let error: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CairnError);
  return error as CairnError;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file and folder under `folder`, relative, sorted. */
function tree(folder: string): string[] {
  return (fs.readdirSync(folder, { recursive: true }) as string[]).sort();
}

describe('artifact paths', () => {
  it('normalises plain relative paths', () => {
    expect(parseArtifactRelativePath('')).toBe('');
    expect(parseArtifactRelativePath('a//b/./c/')).toBe('a/b/c');
    expect(parseArtifactUrlPath('1/run/artifacts/my%20file.txt')).toBe('1/run/artifacts/my file.txt');
  });

  it.each([
    '..',
    '../x',
    'a/../../x',
    '/etc/passwd',
    'a\\..\\b',
    'a\0b',
    '%2e%2e/x',
    '%252e%252e/x',
    'a/%2E%2E/%2e%2e/x',
    'C:/Windows',
    '..%5cx',
  ])('refuses %j', async (trick) => {
    expect((await errorOf(() => parseArtifactRelativePath(trick))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it.each(['a%2Fb', '..%2F..%2Fx', 'a%5cb', 'a%00b', '%2e%2e/x', 'x/..', 'a/%252e%252e/b'])(
    'refuses the URL tail %j',
    async (trick) => {
      expect((await errorOf(() => parseArtifactUrlPath(trick))).code).toBe('INVALID_PARAMETER_VALUE');
    },
  );

  it('maps mlflow-artifacts URIs to store paths and refuses other schemes', async () => {
    expect(storePathOfArtifactUri('mlflow-artifacts:/1/abc/artifacts')).toBe('1/abc/artifacts');
    expect(storePathOfArtifactUri('mlflow-artifacts://localhost:5000/1/abc/artifacts')).toBe('1/abc/artifacts');
    expect((await errorOf(() => storePathOfArtifactUri('s3://bucket/x'))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(() => storePathOfArtifactUri('mlflow-artifacts:/1/../../etc'))).code).toBe('INVALID_PARAMETER_VALUE');
  });
});

describe('file artifact store', () => {
  it('writes, lists, stats, reads and deletes files and folders', async () => {
    expect(await store.write('1/r/artifacts/model/MLmodel', Readable.from([Buffer.from('flavors: {}\n')]))).toBe(12);
    await store.write('1/r/artifacts/model/data/model.pkl', Readable.from([Buffer.from('pickle')]));
    await store.write('1/r/artifacts/a.txt', Readable.from([Buffer.from('')]));

    expect(await store.list('1/r/artifacts')).toEqual([
      { path: 'a.txt', isDir: false, fileSize: 0 },
      { path: 'model', isDir: true, fileSize: null },
    ]);
    expect(await store.list('1/r/artifacts/model')).toEqual([
      { path: 'MLmodel', isDir: false, fileSize: 12 },
      { path: 'data', isDir: true, fileSize: null },
    ]);
    expect(await store.list('1/r/artifacts/missing')).toEqual([]);
    expect(await store.list('1/r/artifacts/a.txt')).toEqual([]);
    expect(await store.stat('1/r/artifacts/model')).toEqual({ path: '1/r/artifacts/model', isDir: true, fileSize: null });
    expect(await store.stat('1/r/nothing')).toBeNull();

    const handle = await store.openRead('1/r/artifacts/model/MLmodel');
    expect(handle).toMatchObject({ size: 12, fileName: 'MLmodel' });
    expect((await readAll(handle.stream)).toString()).toBe('flavors: {}\n');
    expect((await errorOf(store.openRead('1/r/artifacts/model'))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.openRead('1/r/artifacts/none'))).code).toBe('RESOURCE_DOES_NOT_EXIST');

    await store.delete('1/r/artifacts/model');
    await store.delete('1/r/artifacts/never-there');
    expect(await store.list('1/r/artifacts')).toEqual([{ path: 'a.txt', isDir: false, fileSize: 0 }]);
    expect((await errorOf(store.delete(''))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('replaces a file on a second upload and refuses to overwrite a folder with a file', async () => {
    await store.write('x/f.txt', Readable.from([Buffer.from('one')]));
    await store.write('x/f.txt', Readable.from([Buffer.from('two!')]));
    expect((await readAll((await store.openRead('x/f.txt')).stream)).toString()).toBe('two!');
    expect((await errorOf(store.write('x', Readable.from([Buffer.from('z')])))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.write('x/f.txt/inner', Readable.from([Buffer.from('z')])))).code).toBe('INVALID_PARAMETER_VALUE');
    const tooLong = `x/${'n'.repeat(300)}.txt`;
    expect((await errorOf(store.write(tooLong, Readable.from([Buffer.from('z')])))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.openRead(tooLong))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('streams a multi-megabyte file through a temporary file and back unchanged', async () => {
    const chunk = randomBytes(256 * 1024);
    const chunks = 32; // 8 MiB
    const expected = createHash('sha256');
    for (let i = 0; i < chunks; i++) expected.update(chunk);
    async function* body() {
      for (let i = 0; i < chunks; i++) yield chunk;
    }
    expect(await store.write('big/weights.bin', Readable.from(body()))).toBe(chunk.length * chunks);
    const actual = createHash('sha256');
    for await (const part of (await store.openRead('big/weights.bin')).stream) actual.update(part as Buffer);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
    expect(fs.readdirSync(uploads)).toEqual([]);
  });

  it('never shows a partial upload: a body that fails midway leaves no file', async () => {
    async function* failing() {
      yield Buffer.alloc(1024, 1);
      throw new Error('connection reset');
    }
    await expect(store.write('p/partial.bin', Readable.from(failing()))).rejects.toThrow('connection reset');
    expect(await store.stat('p/partial.bin')).toBeNull();
    expect(fs.readdirSync(uploads)).toEqual([]);
  });

  it('refuses every path trick and writes nothing outside the root', async () => {
    const before = tree(dir);
    const tricks = ['../escape.txt', 'a/../../escape.txt', '/tmp/escape.txt', 'a\\..\\escape.txt', 'a\0.txt', '%2e%2e/escape.txt'];
    for (const trick of tricks) {
      expect((await errorOf(store.write(trick, Readable.from([Buffer.from('x')])))).code).toBe('INVALID_PARAMETER_VALUE');
      expect((await errorOf(store.openRead(trick))).code).toBe('INVALID_PARAMETER_VALUE');
      expect((await errorOf(store.list(trick))).code).toBe('INVALID_PARAMETER_VALUE');
      expect((await errorOf(store.delete(trick))).code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect(tree(dir)).toEqual(before);
  });

  it('refuses paths that escape through a symlink, and does not list escaping links', async () => {
    const outside = path.join(dir, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    fs.mkdirSync(path.join(root, 'exp'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'exp', 'link'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'exp', 'file-link'));
    fs.writeFileSync(path.join(root, 'exp', 'inside.txt'), 'ok');
    fs.symlinkSync(path.join(root, 'exp', 'inside.txt'), path.join(root, 'exp', 'inner-link'));

    expect((await errorOf(store.openRead('exp/link/secret.txt'))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.openRead('exp/file-link'))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.list('exp/link'))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.write('exp/link/new.txt', Readable.from([Buffer.from('x')])))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await errorOf(store.write('exp/link/deeper/new.txt', Readable.from([Buffer.from('x')])))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect((await errorOf(store.delete('exp/link/secret.txt'))).code).toBe('INVALID_PARAMETER_VALUE');
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);

    expect(await store.list('exp')).toEqual([
      { path: 'inner-link', isDir: false, fileSize: 2 },
      { path: 'inside.txt', isDir: false, fileSize: 2 },
    ]);
    // Deleting a link removes the link, never what it points at.
    await store.delete('exp/link');
    expect(fs.existsSync(path.join(root, 'exp', 'link'))).toBe(false);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('lists and previews a run\'s artifacts by URI, with run-relative paths', async () => {
    await store.write('1/r/artifacts/model/MLmodel', Readable.from([Buffer.from('0123456789')]));
    expect(await store.listArtifacts('mlflow-artifacts:/1/r/artifacts', 'model')).toEqual([
      { path: 'model/MLmodel', isDir: false, fileSize: 10 },
    ]);
    expect(await store.listArtifacts('mlflow-artifacts:/1/r/artifacts')).toEqual([{ path: 'model', isDir: true, fileSize: null }]);
    expect(await store.statArtifact('mlflow-artifacts:/1/r/artifacts', 'model/MLmodel')).toEqual({
      path: 'model/MLmodel',
      isDir: false,
      fileSize: 10,
    });
    expect(await store.statArtifact('mlflow-artifacts:/1/r/artifacts', 'nothing')).toBeNull();
    const preview = await store.readArtifactPreview('mlflow-artifacts:/1/r/artifacts', 'model/MLmodel', 4);
    expect(preview).toMatchObject({ path: 'model/MLmodel', size: 10, truncated: true });
    expect(preview.bytes.toString()).toBe('0123');
    expect((await store.readArtifactPreview('mlflow-artifacts:/1/r/artifacts', 'model/MLmodel', 100)).truncated).toBe(false);
    expect(await store.artifactFilePath('mlflow-artifacts:/1/r/artifacts', 'model/MLmodel')).toBe(
      path.join(fs.realpathSync(root), '1', 'r', 'artifacts', 'model', 'MLmodel'),
    );
    expect((await errorOf(store.listArtifacts('mlflow-artifacts:/1/r/artifacts', '../../..'))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('removes at start the uploads of processes that died, and keeps those of processes still running', async () => {
    // Real processes: one that has exited (killed mid-upload), one that still runs (another cairn serve).
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    const alive = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      const deadUpload = `${dead.pid}-${randomUUID()}.part`;
      const liveUpload = `${alive.pid}-${randomUUID()}.part`;
      fs.writeFileSync(path.join(uploads, deadUpload), 'half an upload');
      fs.writeFileSync(path.join(uploads, liveUpload), 'an upload in progress');
      // Files not named for a process (an older Cairn's) go once a day old.
      const unnamedOld = path.join(uploads, 'old.part');
      fs.writeFileSync(unnamedOld, 'x');
      const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
      fs.utimesSync(unnamedOld, old, old);
      fs.writeFileSync(path.join(uploads, 'fresh.part'), 'y');
      new FileArtifactStore({ root, uploadsDir: uploads });
      expect(fs.readdirSync(uploads).sort()).toEqual(['fresh.part', liveUpload].sort());
    } finally {
      alive.kill();
    }
  });

  it('syncs an upload to disk before the rename that publishes it, and its folders after', async () => {
    // The real calls, watched in the order they are made.
    const calls: string[] = [];
    const fsync = vi.spyOn(fs, 'fsync');
    fsync.mockImplementation(((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      calls.push('sync file');
      return realFsync(fd, callback);
    }));
    const rename = vi.spyOn(fs.promises, 'rename');
    rename.mockImplementation(async (from, to) => {
      calls.push(`rename into ${path.relative(root, String(to))}`);
      return realRename(from, to);
    });
    const open = vi.spyOn(fs.promises, 'open');
    open.mockImplementation(async (file, flags, mode) => {
      const handle = await realOpen(file, flags, mode);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        calls.push(`sync folder ${path.relative(root, String(file)) || '.'}`);
        return sync();
      };
      return handle;
    });
    try {
      await store.write('7/run/artifacts/model.pkl', Readable.from([Buffer.from('weights')]));
    } finally {
      vi.restoreAllMocks();
    }
    const created = calls.slice(calls.indexOf('sync file'));
    expect(created).toEqual([
      'sync file',
      'rename into 7/run/artifacts/model.pkl',
      'sync folder 7/run/artifacts',
      'sync folder 7/run',
      'sync folder 7',
      'sync folder .',
    ]);
    expect(fs.readFileSync(path.join(root, '7', 'run', 'artifacts', 'model.pkl'), 'utf8')).toBe('weights');
  });
});
