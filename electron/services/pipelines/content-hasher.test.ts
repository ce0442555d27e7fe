import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentHasher, dirManifest } from './content-hasher';
import { HashState } from './hash-state';
import { HashingWorkerPool } from './hashing-worker-pool';

const pool = new HashingWorkerPool(2);
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-hasher-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
afterAll(() => pool.close());

function write(relative: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
  fs.writeFileSync(path.join(dir, relative), content);
}

/**
 * A folder whose .dir hash was computed by hand from dvc-data's algorithm (Tree.as_bytes: json.dumps of
 * [{"md5", "relpath"}] sorted by relpath, sort_keys=True; md5 of that text + ".dir") with Python:
 *   entries = sorted(({"md5": hashlib.md5(data).hexdigest(), "relpath": rel} for rel, data in files.items()), key=lambda e: e["relpath"])
 *   hashlib.md5(json.dumps(entries, sort_keys=True).encode()).hexdigest() + ".dir"
 */
const FOLDER: Record<string, string | Buffer> = {
  'a.txt': 'hello\n',
  'b/c.txt': '',
  'a-b.txt': 'x',
  'a.b': 'y',
  'b/\u00fc.txt': 'z',
  'b/d/e.bin': Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  'B.txt': 'upper',
};
const FOLDER_MANIFEST =
  '[{"md5": "0122b4c2c01ee1c698ecc309d2b8eb5a", "relpath": "B.txt"}, {"md5": "9dd4e461268c8034f5c8564e155c67a6", "relpath": "a-b.txt"}, ' +
  '{"md5": "415290769594460e2e485922904f345d", "relpath": "a.b"}, {"md5": "b1946ac92492d2347c6235b4d2611184", "relpath": "a.txt"}, ' +
  '{"md5": "d41d8cd98f00b204e9800998ecf8427e", "relpath": "b/c.txt"}, {"md5": "e2c865db4162bed963bfaa9ef6ac18f0", "relpath": "b/d/e.bin"}, ' +
  '{"md5": "fbade9e36a3f36d3d676c1b808451dd7", "relpath": "b/\\u00fc.txt"}]';

describe('ContentHasher', () => {
  it("hashes a folder as DVC 3 does: the md5 of its .dir manifest, its size and file count", async () => {
    for (const [name, content] of Object.entries(FOLDER)) write(`data/${name}`, content);
    write('data/.git/HEAD', 'ignored, as DVC ignores .git');
    const digest = (await new ContentHasher(dir, HashState.load(null), pool).digest(['data'])).get('data');
    expect(digest).toMatchObject({ kind: 'dir', md5: '1736d52c4ed9a6f50406651f6406b55c.dir', size: 270, nfiles: 7, listing: { manifest: FOLDER_MANIFEST } });
  });

  it('hashes an empty folder as the manifest [] (d751713988987e9331980363e24189ce.dir)', async () => {
    fs.mkdirSync(path.join(dir, 'empty'));
    const digest = (await new ContentHasher(dir, HashState.load(null), pool).digest(['empty'])).get('empty');
    expect(digest).toMatchObject({ kind: 'dir', md5: 'd751713988987e9331980363e24189ce.dir', size: 0, nfiles: 0 });
    expect(dirManifest([])).toBe('[]');
  });

  it('hashes files (big ones through overlapped reads), notes the execute bit, and gives null for what is missing', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 17, 7);
    write('big.bin', big);
    write('run.sh', '#!/bin/sh\n');
    fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
    const digests = await new ContentHasher(dir, HashState.load(null), pool).digest(['big.bin', 'run.sh', 'missing.txt']);
    expect(digests.get('big.bin')).toEqual({ kind: 'file', md5: createHash('md5').update(big).digest('hex'), size: big.length, isExec: false });
    expect(digests.get('run.sh')).toMatchObject({ kind: 'file', isExec: true });
    expect(digests.get('missing.txt')).toBeNull();
  });

  it('gives an unchanged folder from the state without its listing, and lists it again when a file changes or the listing is asked for', async () => {
    for (let i = 0; i < 50; i++) write(`data/f${i}.txt`, `row ${i}`);
    const stateFile = path.join(dir, 'state.json');
    const first = new ContentHasher(dir, HashState.load(stateFile), pool);
    const hashed = (await first.digest(['data'])).get('data');
    first.hashState.save();
    expect(hashed).toMatchObject({ kind: 'dir', nfiles: 50, listing: { entries: expect.any(Array) } });
    const unchanged = (await new ContentHasher(dir, HashState.load(stateFile), pool).digest(['data'])).get('data');
    expect(unchanged).toEqual({ kind: 'dir', md5: hashed!.md5, size: hashed!.size, nfiles: 50, listing: null });
    const listed = (await new ContentHasher(dir, HashState.load(stateFile), pool).digest(['data'], { listings: true })).get('data');
    expect(listed).toMatchObject({ md5: hashed!.md5, listing: { entries: expect.any(Array) } });
    write('data/f7.txt', 'changed');
    const changed = (await new ContentHasher(dir, HashState.load(stateFile), pool).digest(['data'])).get('data');
    expect(changed?.md5).not.toBe(hashed!.md5);
  });

  it('does not read a file again while its inode, mtime and size are unchanged (the persisted hash state)', async () => {
    write('data/x.txt', 'aaaa');
    // Whole seconds, so that setting the same time again gives the very same mtime.
    const mtime = new Date(1_700_000_000_000);
    fs.utimesSync(path.join(dir, 'data/x.txt'), mtime, mtime);
    const stateFile = path.join(dir, 'state.json');
    const first = new ContentHasher(dir, HashState.load(stateFile), pool);
    const before = (await first.digest(['data'])).get('data');
    first.hashState.save();
    // Same inode, size and mtime, other bytes: only a hasher that trusts the state keeps the old md5.
    fs.writeFileSync(path.join(dir, 'data/x.txt'), 'bbbb');
    fs.utimesSync(path.join(dir, 'data/x.txt'), mtime, mtime);
    const again = (await new ContentHasher(dir, HashState.load(stateFile), pool).digest(['data'])).get('data');
    expect(again?.md5).toBe(before?.md5);
    // A new mtime makes it read the file again.
    fs.utimesSync(path.join(dir, 'data/x.txt'), mtime, new Date(mtime.getTime() + 5000));
    const changed = (await new ContentHasher(dir, HashState.load(stateFile), pool).digest(['data'])).get('data');
    expect(changed?.md5).not.toBe(before?.md5);
  });

  it('keeps the files inside folders apart from the files named as deps and outs, so a lookup of one file does not read a big folder\'s entries', async () => {
    for (let i = 0; i < 20; i++) write(`data/f${i}.txt`, `row ${i}`);
    write('count.txt', '20');
    const mtime = new Date(1_700_000_000_000);
    fs.utimesSync(path.join(dir, 'count.txt'), mtime, mtime);
    const stateFile = path.join(dir, 'state.json');
    const first = new ContentHasher(dir, HashState.load(stateFile), pool);
    await first.digest(['data', 'count.txt']);
    first.hashState.save();
    const keys = (file: string) => Object.keys((JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { files: object }).files);
    expect(keys('state.files.json')).toEqual(['count.txt']);
    expect(keys('state.folder-files.json')).toHaveLength(20);
    // Same inode, size and mtime, other bytes: the named file's md5 comes from its own state file.
    const before = (await new ContentHasher(dir, HashState.load(stateFile), pool).digest(['count.txt'])).get('count.txt');
    fs.writeFileSync(path.join(dir, 'count.txt'), '21');
    fs.utimesSync(path.join(dir, 'count.txt'), mtime, mtime);
    fs.rmSync(path.join(dir, 'state.folder-files.json'));
    const again = (await new ContentHasher(dir, HashState.load(stateFile), pool).digest(['count.txt'])).get('count.txt');
    expect(again?.md5).toBe(before?.md5);
  });
});
