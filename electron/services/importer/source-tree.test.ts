import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceTree } from './source-tree';

let dir: string;
let root: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-source-tree-'));
  root = path.join(dir, 'mlruns');
  fs.mkdirSync(root);
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function walked(tree: SourceTree, folder: string, within: readonly string[] = []): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of tree.walk(folder, within)) keys.push(`${entry.key}:${entry.kind}`);
  return keys;
}

describe('SourceTree', () => {
  it('ends a walk through folder links that point at each other, reporting each loop once', async () => {
    fs.mkdirSync(path.join(root, 'a'));
    fs.mkdirSync(path.join(root, 'b'));
    fs.writeFileSync(path.join(root, 'a', 'file'), 'x');
    fs.symlinkSync('../b', path.join(root, 'a', 'to-b'));
    fs.symlinkSync('../a', path.join(root, 'b', 'to-a'));
    const tree = await SourceTree.open(root);
    expect(await walked(tree, path.join(root, 'a'))).toEqual(['file:file']);
    expect(tree.skippedLinks()).toEqual([{ path: path.join(root, 'a', 'to-b', 'to-a'), target: path.join(root, 'a'), reason: 'loop' }]);
    // A second walk meets the same loop: it is still reported once.
    await walked(tree, path.join(root, 'a'));
    expect(tree.skippedLinks()).toHaveLength(1);
  });

  it('follows links inside a folder outside the mlruns folder only where they stay inside it (an artifact folder MLflow recorded)', async () => {
    const artifacts = path.join(dir, 'mlartifacts', '1', 'run', 'artifacts');
    fs.mkdirSync(path.join(artifacts, 'model'), { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'model', 'MLmodel'), 'flavors: {}\n');
    fs.writeFileSync(path.join(dir, 'secret'), 'key');
    fs.symlinkSync('model/MLmodel', path.join(artifacts, 'MLmodel-link'));
    fs.symlinkSync('../../../../secret', path.join(artifacts, 'secret-link'));
    const tree = await SourceTree.open(root);
    expect(await walked(tree, artifacts, [await tree.realPath(artifacts)])).toEqual(['MLmodel-link:file', 'model/MLmodel:file']);
    expect(tree.skippedLinks()).toEqual([{ path: path.join(artifacts, 'secret-link'), target: path.join(dir, 'secret'), reason: 'outside' }]);
  });

  it('refuses a path that leads out through a link above it, and lists no folder that does', async () => {
    fs.mkdirSync(path.join(dir, 'elsewhere', 'inner'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'elsewhere', 'inner', 'meta.yaml'), 'name: x\n');
    fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(root, 'linked'));
    const tree = await SourceTree.open(root);
    expect(await tree.kindOf(path.join(root, 'linked', 'inner', 'meta.yaml'))).toBe('skipped-link');
    expect(await tree.list(path.join(root, 'linked', 'inner'))).toEqual([]);
    expect(await tree.list(root)).toEqual([]);
    expect(tree.skippedLinks().map((link) => [path.relative(root, link.path), link.reason])).toEqual([
      [path.join('linked', 'inner', 'meta.yaml'), 'outside'],
      [path.join('linked', 'inner'), 'outside'],
      ['linked', 'outside'],
    ]);
  });

  it('reads an mlruns folder reached through a link, and follows links inside it', async () => {
    const real = path.join(dir, 'real-mlruns');
    fs.mkdirSync(path.join(real, '0'), { recursive: true });
    fs.writeFileSync(path.join(real, '0', 'meta.yaml'), 'name: Default\n');
    fs.symlinkSync('0', path.join(real, 'zero'));
    const linkedRoot = path.join(dir, 'linked-mlruns');
    fs.symlinkSync(real, linkedRoot);
    const tree = await SourceTree.open(linkedRoot);
    expect(tree.root).toBe(linkedRoot);
    expect((await tree.list(linkedRoot)).map((entry) => [entry.name, entry.kind])).toEqual([
      ['0', 'directory'],
      ['zero', 'directory'],
    ]);
    expect(await tree.kindOf(path.join(linkedRoot, 'zero', 'meta.yaml'))).toBe('file');
    expect(tree.skippedLinks()).toEqual([]);
  });
});
