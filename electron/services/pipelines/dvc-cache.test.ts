import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentHasher } from './content-hasher';
import { DvcCache, runCacheKey, runCacheValue } from './dvc-cache';
import { dumpDvcYaml } from './dvc-yaml-writer';
import { HashState } from './hash-state';
import { HashingWorkerPool } from './hashing-worker-pool';
import { PyFloat, type PyMap, type PyValue } from './python-value';

const pool = new HashingWorkerPool(2);
let dir: string;
let cache: DvcCache;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-cache-'));
  cache = new DvcCache(path.join(dir, '.dvc', 'cache'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
afterAll(() => pool.close());

const map = (entries: Array<[string, PyValue]>): PyMap => new Map(entries);

describe('DvcCache', () => {
  it("stores files at files/md5/<2>/<30> read-only, and restores writable copies that do not share the cache's bytes", async () => {
    fs.writeFileSync(path.join(dir, 'model.pkl'), 'weights');
    const digest = (await new ContentHasher(dir, HashState.load(null), pool).digest(['model.pkl'])).get('model.pkl')!;
    await cache.commit(path.join(dir, 'model.pkl'), digest);
    const object = path.join(dir, '.dvc', 'cache', 'files', 'md5', digest.md5.slice(0, 2), digest.md5.slice(2));
    expect(fs.readFileSync(object, 'utf8')).toBe('weights');
    expect(fs.statSync(object).mode & 0o777).toBe(0o444);
    fs.rmSync(path.join(dir, 'model.pkl'));
    expect(await cache.checkout(digest.md5, path.join(dir, 'model.pkl'))).toBe(true);
    fs.appendFileSync(path.join(dir, 'model.pkl'), ' changed');
    expect(fs.readFileSync(object, 'utf8')).toBe('weights');
  });

  it('stores a folder as its files and its .dir manifest, and restores the folder from them', async () => {
    fs.mkdirSync(path.join(dir, 'out', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'out', 'a.txt'), 'a');
    fs.writeFileSync(path.join(dir, 'out', 'sub', 'b.txt'), 'b');
    const digest = (await new ContentHasher(dir, HashState.load(null), pool).digest(['out'], { listings: true })).get('out')!;
    await cache.commit(path.join(dir, 'out'), digest);
    expect(fs.readFileSync(cache.objectPath(digest.md5), 'utf8')).toBe(digest.kind === 'dir' ? digest.listing?.manifest : '');
    expect(cache.has(digest.md5)).toBe(true);
    fs.rmSync(path.join(dir, 'out'), { recursive: true });
    expect(await cache.checkout(digest.md5, path.join(dir, 'out'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'out', 'sub', 'b.txt'), 'utf8')).toBe('b');
    // A manifest whose files are gone is not in the cache.
    fs.rmSync(path.join(dir, '.dvc', 'cache', 'files', 'md5', '0c'), { recursive: true, force: true });
    fs.rmSync(cache.objectPath('92eb5ffee6ae2fec3ad71c777531578f'), { force: true });
    expect(cache.has(digest.md5)).toBe(false);
  });

  it("computes DVC's run-cache key and entry name (dvc/stage/cache.py), checked against Python's json.dumps + sha256", () => {
    const entry = map([
      ['cmd', 'python train.py'],
      [
        'deps',
        [
          map([['path', 'data/train.csv'], ['hash', 'md5'], ['md5', '0123456789abcdef0123456789abcdef'], ['size', 1000]]),
          map([['path', 'train.py'], ['hash', 'md5'], ['md5', 'fedcba9876543210fedcba9876543210'], ['size', 200], ['isexec', true]]),
        ],
      ],
      ['params', map([['params.yaml', map([['train.lr', new PyFloat(0.01)], ['train.n_est', 100], ['size', 3]])]])],
      ['outs', [map([['path', 'model'], ['hash', 'md5'], ['md5', 'abcdefabcdefabcdefabcdefabcdefab.dir'], ['size', 5000], ['nfiles', 2]])]],
    ]);
    // _get_cache_hash(entry, key=True) and _get_cache_hash(entry) as DVC computes them (dict_sha256 excluding size and nfiles).
    expect(runCacheKey(entry)).toBe('c89ca4100718c0a0770f6fb7395b6e626ec827cc4ca898b7afc7aecf26b55939');
    expect(runCacheValue(entry)).toBe('0ac3ad743680fd8bf4305af52501281b9143cdbeeb462a6a380025f9b7c2599a');
  });

  it('keeps run-cache entries at runs/<2>/<key>/<value> as YAML and finds the newest for a key', () => {
    const entry = map([['cmd', 'echo'], ['deps', [map([['path', 'a'], ['hash', 'md5'], ['md5', '0cc175b9c0f1b6a831c399e269772661'], ['size', 1]])]], ['outs', [map([['path', 'b'], ['hash', 'md5'], ['md5', '92eb5ffee6ae2fec3ad71c777531578f'], ['size', 1]])]]]);
    cache.saveRun(entry);
    const key = runCacheKey(entry);
    const file = path.join(dir, '.dvc', 'cache', 'runs', key.slice(0, 2), key, runCacheValue(entry));
    expect(fs.readFileSync(file, 'utf8')).toBe(dumpDvcYaml(entry));
    expect(dumpDvcYaml(cache.findRun(key))).toBe(dumpDvcYaml(entry));
    expect(cache.findRun('0'.repeat(64))).toBeNull();
  });
});
