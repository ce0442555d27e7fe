import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeMlflowExperiment, writeMlflowLoggedModel, writeMlflowRun } from '../services/importer/mlflow-file-store-writer';
import type { CommandOutput } from './command-output';
import { runImportCommand } from './import-command';

const RUN = '5f2c9a0b1c2d3e4f5a6b7c8d9e0f1a2b';
const MODEL = 'm-6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d';
const T0 = 1_700_000_000_000;

let dir: string;
let mlruns: string;
let dataDir: string;

function capture(isTTY = false): CommandOutput & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text), isTTY, columns: 100 },
    out: () => out,
    err: () => err,
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-import-cli-'));
  mlruns = path.join(dir, 'mlruns');
  dataDir = path.join(dir, 'data');
  writeMlflowExperiment(mlruns, { experimentId: '1', name: 'churn' });
  writeMlflowRun(mlruns, {
    experimentId: '1',
    runId: RUN,
    startTime: T0,
    params: { lr: '0.1' },
    tags: { 'mlflow.user': 'ana' },
    metrics: { loss: Array.from({ length: 50 }, (_, step) => `${T0 + step} ${1 / (step + 1)} ${step}`) },
    artifacts: { 'model/MLmodel': 'flavors: {}\n' },
  });
  writeMlflowLoggedModel(mlruns, {
    experimentId: '1',
    modelId: MODEL,
    name: 'model',
    creationTimestamp: T0 + 60_000,
    sourceRunId: RUN,
    params: { lr: '0.1' },
    metrics: { loss: [`${T0 + 49} 0.02 49 ${RUN}`] },
    artifacts: { MLmodel: 'flavors: {}\n' },
  });
  fs.mkdirSync(path.join(mlruns, '1', 'not-a-run'));
  fs.writeFileSync(path.join(mlruns, '1', 'not-a-run', 'meta.yaml'), 'run_id: [broken\n');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cairn import', () => {
  it('imports, prints a summary on stdout and progress on stderr; a second import adds nothing', async () => {
    const first = capture();
    expect(await runImportCommand([mlruns, '--data-dir', dataDir], first)).toBe(0);
    expect(first.err()).toContain('Importing 1 run and 1 logged model (');
    expect(first.out()).toContain(`Imported from ${mlruns} into ${dataDir}:`);
    expect(first.out()).toMatch(/ {2}experiments {5}1 \(1 new, 0 existing\), 0 tags\n/);
    expect(first.out()).toMatch(/ {2}runs {12}1\n/);
    expect(first.out()).toMatch(/ {2}metric points {3}50\n/);
    expect(first.out()).toMatch(/ {2}logged models {3}1 \(1 param, 0 tags, 1 metric point\)\n/);
    expect(first.out()).toMatch(/ {2}artifacts {7}2 files, 24 B\n/);
    expect(first.out()).toContain('Malformed (skipped) (1):');
    expect(first.out()).toContain(
      `run folder not-a-run in experiment 'churn': Flow sequence in block collection must be sufficiently indented and end with a ] [${path.join('1', 'not-a-run', 'meta.yaml')}:1]`,
    );
    expect(fs.readFileSync(path.join(dataDir, 'artifacts', '1', RUN, 'artifacts', 'model', 'MLmodel'), 'utf8')).toBe('flavors: {}\n');
    expect(fs.readFileSync(path.join(dataDir, 'artifacts', '1', 'models', MODEL, 'artifacts', 'MLmodel'), 'utf8')).toBe('flavors: {}\n');

    const second = capture();
    expect(await runImportCommand([mlruns, '--data-dir', dataDir], second)).toBe(0);
    expect(second.out()).toMatch(/ {2}runs {12}0\n/);
    expect(second.out()).toMatch(/ {2}logged models {3}0 \(0 params, 0 tags, 0 metric points\)\n/);
    expect(second.out()).toContain('Already in Cairn (2):');
    expect(second.out()).toContain(`run ${RUN} in experiment 'churn': already imported`);
    expect(second.out()).toContain(`logged model ${MODEL} in experiment 'churn': already imported`);
  });

  it('draws one line in place on a terminal', async () => {
    const output = capture(true);
    await runImportCommand([mlruns, '--data-dir', dataDir], output);
    expect(output.err()).toContain('\r\x1b[2K0/1 runs  0/1 logged models  0%');
    expect(output.err().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('with --dry-run, reports what it would import and creates nothing', async () => {
    const output = capture();
    expect(await runImportCommand([mlruns, '--data-dir', dataDir, '--dry-run'], output)).toBe(0);
    expect(output.out()).toContain(`Dry run: would import from ${mlruns} into ${dataDir}:`);
    expect(output.out()).toMatch(/ {2}metric points {3}50\n/);
    expect(output.out()).toMatch(/ {2}logged models {3}1 \(1 param, 0 tags, 1 metric point\)\n/);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('lists every symbolic link it left out, with where it points, in the summary of an import and of a dry run', async () => {
    const secrets = path.join(dir, 'secrets');
    fs.mkdirSync(secrets);
    const artifacts = path.join(mlruns, '1', RUN, 'artifacts');
    for (let i = 0; i < 7; i++) {
      fs.writeFileSync(path.join(secrets, `key-${i}`), 'private');
      fs.symlinkSync(path.join(secrets, `key-${i}`), path.join(artifacts, `key-${i}`));
    }
    for (const args of [['--dry-run'], []]) {
      const output = capture();
      expect(await runImportCommand([mlruns, '--data-dir', dataDir, ...args], output)).toBe(0);
      expect(output.out()).toContain('Symbolic links (not followed) (7):');
      for (let i = 0; i < 7; i++) {
        const link = path.join('1', RUN, 'artifacts', `key-${i}`);
        expect(output.out()).toContain(
          `    symbolic link ${link}: it points outside the mlruns folder, to ${path.join(secrets, `key-${i}`)}: not followed, nothing of it is copied [${link}]\n`,
        );
      }
    }
    expect(fs.existsSync(path.join(dataDir, 'artifacts', '1', RUN, 'artifacts', 'key-0'))).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, 'artifacts', '1', RUN, 'artifacts', 'model', 'MLmodel'), 'utf8')).toBe('flavors: {}\n');
  });

  it('refuses a missing PATH, an unknown option, and a folder that is not an mlruns folder', async () => {
    await expect(runImportCommand(['--data-dir', dataDir], capture())).rejects.toThrow(/exactly one PATH/);
    await expect(runImportCommand([mlruns, '--bogus'], capture())).rejects.toThrow(/bogus/);
    await expect(runImportCommand([dataDir, '--data-dir', dataDir, '--dry-run'], capture())).rejects.toThrow(/is not a folder/);
  });
});
