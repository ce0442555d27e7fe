import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDvcYaml } from './dvc-yaml-parser';
import { formatPipelineIssue, type StageSpec } from './pipeline-definition';

const dirs: string[] = [];

/** A temporary project holding the given files. */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-dvc-yaml-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function stages(files: Record<string, string>): StageSpec[] {
  const parsed = parseDvcYaml(project(files));
  expect(parsed.issues.map(formatPipelineIssue)).toEqual([]);
  return [...parsed.stages];
}

function issues(files: Record<string, string>): string[] {
  return parseDvcYaml(project(files)).issues.map(formatPipelineIssue);
}

describe('foreach and matrix', () => {
  it('names stages over a list of values name@value, over a mapping name@key, over a list of mappings name@index', () => {
    const result = stages({
      'params.yaml': 'models: [rf, lr]\nsizes: {small: 10, big: 1000}\nruns: [{seed: 1}, {seed: 2}]\nrates: [0.1, 1.0, true]\n',
      'dvc.yaml': `stages:
  train:
    foreach: \${models}
    do:
      cmd: python train.py \${item}
      outs:
        - model_\${item}.pkl
  sample:
    foreach: \${sizes}
    do:
      cmd: head -n \${item} data.csv > \${key}.csv
  seed:
    foreach: \${runs}
    do:
      cmd: echo \${item.seed}
  rate:
    foreach: \${rates}
    do:
      cmd: echo \${item}
`,
    });
    expect(result.map((stage) => `${stage.name} | ${typeof stage.cmd === 'string' ? stage.cmd : stage.cmd.join('\n')}`)).toEqual([
      'train@rf | python train.py rf',
      'train@lr | python train.py lr',
      'sample@small | head -n 10 data.csv > small.csv',
      'sample@big | head -n 1000 data.csv > big.csv',
      'seed@0 | echo 1',
      'seed@1 | echo 2',
      'rate@0.1 | echo 0.1',
      'rate@1.0 | echo 1.0',
      'rate@true | echo true',
    ]);
    expect(result[0]!.group).toBe('train');
    expect(result[0]!.outs.map((out) => out.path)).toEqual(['model_rf.pkl']);
  });

  it('expands a matrix in product order, naming each value, or name<index> for a list or mapping value', () => {
    const result = stages({
      'dvc.yaml': `stages:
  fit:
    matrix:
      model: [rf, lr]
      lr: [0.1, 0.01]
    cmd: fit --model \${item.model} --lr \${item.lr} --name \${key}
  cfg:
    matrix:
      conf: [{a: 1}, {a: 2}]
      seed: [7]
    cmd: run \${item.conf.a} \${item.seed}
`,
    });
    expect(result.map((stage) => `${stage.name} | ${typeof stage.cmd === 'string' ? stage.cmd : stage.cmd.join('\n')}`)).toEqual([
      'fit@rf-0.1 | fit --model rf --lr 0.1 --name rf-0.1',
      'fit@rf-0.01 | fit --model rf --lr 0.01 --name rf-0.01',
      'fit@lr-0.1 | fit --model lr --lr 0.1 --name lr-0.1',
      'fit@lr-0.01 | fit --model lr --lr 0.01 --name lr-0.01',
      'cfg@conf0-7 | run 1 7',
      'cfg@conf1-7 | run 2 7',
    ]);
  });
});

describe('interpolation', () => {
  it('writes values as DVC does: floats as Python prints them, booleans lower case, a mapping as --key value arguments', () => {
    const [stage] = stages({
      'params.yaml': 'train:\n  lr: 1.0\n  decay: 1e-5\n  epochs: 3\n  fast: true\n  slow: false\n  name: a b\n  layers: [64, 32]\n',
      'dvc.yaml': 'stages:\n  train:\n    cmd: python train.py --lr ${train.lr} --decay ${train.decay} ${train.fast} -- ${train} \\${HOME}\n',
    });
    expect(stage!.cmd).toBe("python train.py --lr 1.0 --decay 1e-05 true -- --lr 1.0 --decay 1e-05 --epochs 3 --fast --name 'a b' --layers 64 32 ${HOME}");
  });

  it('reads vars from files (whole, or some keys), inline mappings and per-stage vars; params.yaml first', () => {
    const [stage] = stages({
      'params.yaml': 'base: 1\n',
      'config.yaml': 'train: {lr: 0.5}\nother: 9\n',
      'sub/local.yaml': 'depth: 4\n',
      'dvc.yaml': `vars:
  - config.yaml:train
  - inline: {x: y}
stages:
  s:
    wdir: sub
    vars:
      - local.yaml
    cmd: echo \${base} \${train.lr} \${inline.x} \${depth}
`,
    });
    expect(stage!.cmd).toBe('echo 1 0.5 y 4');
    expect(stage!.wdir).toBe('sub');
  });

  it('takes a list or command list as written, and the lines of a multi-line command as its commands', () => {
    const result = stages({ 'dvc.yaml': 'stages:\n  a:\n    cmd:\n    - echo 1\n    - echo 2\n  b:\n    cmd: |\n      echo 3\n      echo 4\n' });
    expect(result[0]!.cmd).toEqual(['echo 1', 'echo 2']);
    expect(result[0]!.commands).toEqual(['echo 1', 'echo 2']);
    expect(result[1]!.cmd).toBe('echo 3\necho 4\n');
    expect(result[1]!.commands).toEqual(['echo 3', 'echo 4']);
  });
});

describe('deps, params and outs', () => {
  it('keeps paths as written (DVC records them so), params by file (whole files too), out flags', () => {
    const [stage] = stages({
      'params.yaml': 'lr: 1\ntrain: {seed: 2}\n',
      'sub/other.yaml': 'a: 1\n',
      'sub/whole.toml': 'b = 2\n',
      'sub/data/x.csv': '1\n',
      'dvc.yaml': `stages:
  s:
    wdir: sub
    cmd: run
    deps: [./data/x.csv, ../params.yaml]
    params:
      - lr
      - other.yaml: [a]
      - whole.toml:
    outs:
      - model.pkl
      - cache_dir/: {cache: false, persist: true}
    metrics:
      - scores.json: {cache: false}
    plots:
      - roc.csv: {x: fpr, y: tpr}
`,
    });
    expect(stage!.deps).toEqual([
      { path: './data/x.csv', projectPath: 'sub/data/x.csv' },
      { path: '../params.yaml', projectPath: 'params.yaml' },
    ]);
    expect(stage!.params).toEqual([
      { file: 'params.yaml', projectPath: 'sub/params.yaml', keys: ['lr'] },
      { file: 'other.yaml', projectPath: 'sub/other.yaml', keys: ['a'] },
      { file: 'whole.toml', projectPath: 'sub/whole.toml', keys: [] },
    ]);
    expect(stage!.outs.map((out) => [out.path, out.projectPath, out.kind, out.cache, out.persist])).toEqual([
      ['model.pkl', 'sub/model.pkl', 'out', true, false],
      ['cache_dir/', 'sub/cache_dir', 'out', false, true],
      ['scores.json', 'sub/scores.json', 'metric', false, false],
      ['roc.csv', 'sub/roc.csv', 'plot', true, false],
    ]);
  });
});

describe('invalid pipelines', () => {
  it('names the file, line and stage of each problem', () => {
    expect(
      issues({
        'params.yaml': 'lr: 1\nlist: [1, 2]\n',
        'dvc.yaml': `stages:
  a:
    cmdd: echo
  b:
    cmd: echo \${missing}
  c:
    cmd: echo \${a..b}
  d:
    cmd: echo \${list}
  e:
    foreach: plain
    do:
      cmd: echo
  f:
    cmd: echo
    outs:
      - x: {cahce: false}
  g@h:
    cmd: echo
  k:
    cmd: echo
    wdir: nowhere
`,
      }),
    ).toEqual([
      "dvc.yaml:3: stage 'a': unknown key 'cmdd'",
      "dvc.yaml:2: stage 'a': 'cmd' is required",
      "dvc.yaml:5: stage 'b': failed to parse 'stages.b.cmd' in 'dvc.yaml': Could not find 'missing'",
      "dvc.yaml:7: stage 'c': failed to parse 'stages.c.cmd' in 'dvc.yaml': ${a..b} is not a valid expression: use names joined by '.' or '[index]'",
      "dvc.yaml:9: stage 'd': failed to parse 'stages.d.cmd' in 'dvc.yaml': Cannot interpolate data of type 'list'",
      "dvc.yaml:11: stage 'e': failed to resolve 'stages.e.foreach' in 'dvc.yaml': expected list/dictionary, got str",
      "dvc.yaml:16: stage 'f': unknown flag 'cahce' for 'x'",
      "dvc.yaml:18: stage 'g@h': invalid stage name: it must not be empty or contain '@', ':', '/' or '\\'",
      "dvc.yaml:22: stage 'k': stage working dir 'nowhere' does not exist",
    ]);
  });

  it('refuses redefined vars, vars that interpolate, and a stage vars taking foreach\'s item', () => {
    expect(issues({ 'params.yaml': 'lr: 1\n', 'dvc.yaml': 'vars:\n  - {lr: 2}\nstages:\n  a:\n    cmd: echo\n' })).toEqual([
      "dvc.yaml:1: failed to parse 'vars' in 'dvc.yaml': cannot redefine 'lr' from 'vars[0]' as it already exists in 'params.yaml'",
    ]);
    expect(issues({ 'dvc.yaml': 'vars:\n  - a: ${b}\nstages:\n  a:\n    cmd: echo\n' })).toEqual([
      "dvc.yaml:1: failed to parse 'vars' in 'dvc.yaml': interpolating is not allowed",
    ]);
    expect(issues({ 'dvc.yaml': 'stages:\n  a:\n    foreach: [1]\n    do:\n      vars: [{item: 2}]\n      cmd: echo ${item}\n' })).toEqual([
      "dvc.yaml:5: stage 'a@1': failed to parse 'stages.a@1.vars' in 'dvc.yaml': attempted to modify reserved key 'item' in 'a@1.vars[0]'",
    ]);
  });

  it('reports a broken YAML file with its line', () => {
    expect(issues({ 'dvc.yaml': 'stages:\n  a:\n    cmd: [echo\n' })).toEqual([
      'dvc.yaml:4: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });
});
