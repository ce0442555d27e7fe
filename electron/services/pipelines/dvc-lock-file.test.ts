import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PathDigest } from './content-hasher';
import { dvcLockText, lockEntry, readDvcLock } from './dvc-lock-file';
import type { StageSpec } from './pipeline-definition';
import { PyFloat, type PyMap, type PyValue } from './python-value';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function lockFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-lock-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'dvc.lock'), text);
  return path.join(dir, 'dvc.lock');
}

const stage: StageSpec = {
  name: 'train',
  group: null,
  cmd: 'python train.py',
  commands: ['python train.py'],
  wdir: '',
  deps: [
    { path: 'train.py', projectPath: 'train.py' },
    { path: 'data/features', projectPath: 'data/features' },
  ],
  params: [
    { file: 'z.json', projectPath: 'z.json', keys: ['b'] },
    { file: 'params.yaml', projectPath: 'params.yaml', keys: ['train.n_est', 'train.lr'] },
  ],
  outs: [
    { path: 'scores.json', projectPath: 'scores.json', kind: 'metric', cache: false, persist: false },
    { path: 'model.pkl', projectPath: 'model.pkl', kind: 'out', cache: true, persist: false },
  ],
  frozen: false,
  alwaysChanged: false,
  desc: null,
  line: 2,
};

const file = (md5: string, size: number, isExec = false): PathDigest => ({ kind: 'file', md5, size, isExec });

describe('lockEntry', () => {
  it("writes a stage as DVC's to_single_stage_lockfile does: cmd, deps, params, outs; sorted paths; params.yaml first; folders with nfiles", () => {
    const entry = lockEntry(stage, {
      deps: new Map<string, PathDigest>([
        ['train.py', file('9ab95496b29b6ea3418bbf20b9fe3473', 964, true)],
        ['data/features', { kind: 'dir', md5: '52c1fddf9b7b11dff75bffbeff7958d3.dir', size: 12730163, nfiles: 2, listing: null }],
      ]),
      params: new Map<string, PyMap>([
        ['params.yaml', new Map<string, PyValue>([['train.n_est', 100], ['train.lr', new PyFloat(1)]])],
        ['z.json', new Map<string, PyValue>([['b', 'x']])],
      ]),
      outs: new Map([
        ['scores.json', file('8f7ae54edbbe9a222b693bce8985cb80', 73)],
        ['model.pkl', file('484fab565aec49c5f704a3783235d237', 2206748)],
      ]),
    });
    expect(dvcLockText({ stages: new Map(), raw: new Map() }, new Map([['train', entry]]))).toBe(`schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data/features
      hash: md5
      md5: 52c1fddf9b7b11dff75bffbeff7958d3.dir
      size: 12730163
      nfiles: 2
    - path: train.py
      hash: md5
      md5: 9ab95496b29b6ea3418bbf20b9fe3473
      size: 964
      isexec: true
    params:
      params.yaml:
        train.lr: 1.0
        train.n_est: 100
      z.json:
        b: x
    outs:
    - path: model.pkl
      hash: md5
      md5: 484fab565aec49c5f704a3783235d237
      size: 2206748
    - path: scores.json
      hash: md5
      md5: 8f7ae54edbbe9a222b693bce8985cb80
      size: 73
`);
  });
});

describe('readDvcLock and dvcLockText', () => {
  it('writes the stages a run did not touch back as they were (unknown fields too), replaces updated ones in place, appends new ones', () => {
    const text = `schema: '2.0'
stages:
  old:
    cmd: echo old
    outs:
    - path: x
      md5: 0cc175b9c0f1b6a831c399e269772661
      size: 1
      cloud:
        remote:
          etag: abc
  train:
    cmd: echo before
`;
    const lock = readDvcLock(lockFile(text));
    expect(lock.stages.get('old')!.outs.get('x')).toEqual({ path: 'x', md5: '0cc175b9c0f1b6a831c399e269772661' });
    const updated = dvcLockText(
      lock,
      new Map([
        ['train', new Map<string, PyValue>([['cmd', 'echo after']])],
        ['new', new Map<string, PyValue>([['cmd', 'echo new']])],
      ]),
    );
    expect(updated).toBe(text.replace('echo before', 'echo after') + '  new:\n    cmd: echo new\n');
  });

  it('refuses a lock file that is not schema 2.0, saying what to do', () => {
    expect(() => readDvcLock(lockFile('prepare:\n  cmd: x\n'))).toThrow(/schema '\(none\)' is not supported.*dvc repro/);
  });
});
