import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricInput } from '../tracker/tracker-store';
import {
  listExperimentFolders,
  listLoggedModelFolders,
  MalformedSourceError,
  parseLoggedModelMetricLine,
  parseMetricLine,
  readExperiment,
  readLoggedModel,
  readMetricLines,
  readRunMeta,
  type MalformedMetricLine,
} from './mlflow-file-store-reader';
import { writeMlflowExperiment, writeMlflowLoggedModel, writeMlflowRun } from './mlflow-file-store-writer';
import { SourceTree } from './source-tree';

const RUN_LINE = '"timestamp value [step]" or "timestamp value step dataset_name dataset_digest"';
const MODEL = 'm-0123456789abcdef0123456789abcdef';
const RUN = '0123456789abcdef0123456789abcdef';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-mlruns-'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

async function malformed(promise: Promise<unknown>): Promise<MalformedSourceError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a MalformedSourceError');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MalformedSourceError);
  return error as MalformedSourceError;
}

describe('parseMetricLine', () => {
  it('reads lines as MLflow does, with and without a step', () => {
    expect(parseMetricLine('loss', '1700000000000 0.25 3')).toEqual({ key: 'loss', timestamp: 1700000000000, value: 0.25, step: 3 });
    expect(parseMetricLine('loss', '1700000000000 0.25')).toEqual({ key: 'loss', timestamp: 1700000000000, value: 0.25, step: 0 });
    expect(parseMetricLine('loss', '  1700000000000 1e-05 -2\r')).toEqual({ key: 'loss', timestamp: 1700000000000, value: 1e-5, step: -2 });
    expect(parseMetricLine('loss', '1 nan 0')).toMatchObject({ value: Number.NaN });
    expect(parseMetricLine('loss', '1 -inf 0')).toMatchObject({ value: Number.NEGATIVE_INFINITY });
    expect(parseMetricLine('loss', '1 Infinity 0')).toMatchObject({ value: Number.POSITIVE_INFINITY });
    expect(parseMetricLine('loss', '1_000 1_0.5 +7')).toEqual({ key: 'loss', timestamp: 1000, value: 10.5, step: 7 });
    expect(parseMetricLine('loss', '')).toBeNull();
  });

  it('reads the dataset MLflow 3 writes after the step (FileStore._log_run_metric)', () => {
    expect(parseMetricLine('f1', '1700000000000 0.75 2 eval_set 3a5c1e9f')).toEqual({
      key: 'f1',
      timestamp: 1700000000000,
      value: 0.75,
      step: 2,
      datasetName: 'eval_set',
      datasetDigest: '3a5c1e9f',
    });
    expect(parseMetricLine('f1', '1 2 x eval_set 3a5c1e9f')).toBe("the step 'x' is not an integer");
  });

  it('says why a line is malformed', () => {
    expect(parseMetricLine('loss', '1700000000000')).toBe(`expected ${RUN_LINE}, found 1 field(s)`);
    expect(parseMetricLine('loss', '1 2 3 4')).toBe(`expected ${RUN_LINE}, found 4 field(s)`);
    expect(parseMetricLine('loss', '1 2 3 4 5 6')).toBe(`expected ${RUN_LINE}, found 6 field(s)`);
    expect(parseMetricLine('loss', '1  2')).toBe("the value '' is not a number");
    expect(parseMetricLine('loss', '1.5 2 3')).toBe("the timestamp '1.5' is not an integer");
    expect(parseMetricLine('loss', '1 0x10 3')).toBe("the value '0x10' is not a number");
    expect(parseMetricLine('loss', '1 2 three')).toBe("the step 'three' is not an integer");
    expect(parseMetricLine('loss', '99999999999999999999 2 3')).toBe("the timestamp '99999999999999999999' is not an integer");
  });
});

describe('parseLoggedModelMetricLine', () => {
  it('reads lines as FileStore._get_model_metric_from_line does: with the run id, and the dataset when named', () => {
    expect(parseLoggedModelMetricLine('acc', MODEL, `1700000000000 0.9 3 ${RUN}\n`)).toEqual({
      runId: RUN,
      metric: { key: 'acc', timestamp: 1700000000000, value: 0.9, step: 3, modelId: MODEL },
    });
    expect(parseLoggedModelMetricLine('acc', MODEL, `1700000000000 nan 0 ${RUN} eval_set 3a5c1e9f`)).toEqual({
      runId: RUN,
      metric: { key: 'acc', timestamp: 1700000000000, value: Number.NaN, step: 0, modelId: MODEL, datasetName: 'eval_set', datasetDigest: '3a5c1e9f' },
    });
    expect(parseLoggedModelMetricLine('acc', MODEL, ' ')).toBeNull();
  });

  it('says why a line is malformed', () => {
    const expected = '"timestamp value step run_id [dataset_name dataset_digest]"';
    expect(parseLoggedModelMetricLine('acc', MODEL, '1 0.9 3')).toBe(`expected ${expected}, found 3 field(s)`);
    expect(parseLoggedModelMetricLine('acc', MODEL, `1 0.9 3 ${RUN} eval_set`)).toBe(`expected ${expected}, found 5 field(s)`);
    expect(parseLoggedModelMetricLine('acc', MODEL, `1 high 3 ${RUN}`)).toBe("the value 'high' is not a number");
    expect(parseLoggedModelMetricLine('acc', MODEL, '1 0.9 3 ../../etc')).toBe("'../../etc' is not a valid run id");
  });
});

describe('readMetricLines', () => {
  it('streams a file larger than one read, across chunk boundaries, reporting bad lines with their numbers', async () => {
    const lines: string[] = [];
    for (let step = 0; step < 60_000; step++) lines.push(step === 41_234 ? 'garbage' : `${1_700_000_000_000 + step} ${step / 7} ${step}`);
    const file = path.join(root, 'loss');
    fs.writeFileSync(file, `${lines.join('\n')}\n${1_700_000_000_000} 1.5`);
    const points: MetricInput[] = [];
    const bad: MalformedMetricLine[] = [];
    let bytes = 0;
    let batches = 0;
    for await (const batch of readMetricLines({ key: 'loss', file, size: fs.statSync(file).size }, parseMetricLine, (line) => bad.push(line))) {
      points.push(...batch.points);
      bytes += batch.bytesRead;
      batches++;
    }
    expect(batches).toBeGreaterThan(1);
    expect(bytes).toBe(fs.statSync(file).size);
    expect(points).toHaveLength(60_000);
    expect(points[41_234]).toEqual({ key: 'loss', timestamp: 1_700_000_041_235, value: 41_235 / 7, step: 41_235 });
    expect(points.at(-1)).toEqual({ key: 'loss', timestamp: 1_700_000_000_000, value: 1.5, step: 0 });
    expect(bad).toEqual([{ file, line: 41_235, reason: `expected ${RUN_LINE}, found 1 field(s)` }]);
  });
});

describe('experiments and runs', () => {
  it('lists active experiments, then those in the trash, leaving out the registry folder', async () => {
    writeMlflowExperiment(root, { experimentId: '0', name: 'Default' });
    writeMlflowExperiment(root, { experimentId: '5', name: 'gone', trashed: true });
    fs.mkdirSync(path.join(root, 'models', 'churn'), { recursive: true });
    expect((await listExperimentFolders(await SourceTree.open(root))).map((e) => [e.experimentId, e.inTrash])).toEqual([
      ['0', false],
      ['5', true],
    ]);
    const gone = (await listExperimentFolders(await SourceTree.open(root)))[1]!;
    expect(await readExperiment(await SourceTree.open(root), gone)).toMatchObject({ name: 'gone', lifecycleStage: 'deleted', creationTime: 1_700_000_000_000 });
  });

  it('reads an old experiment whose id was written as a number, and refuses one that names another folder', async () => {
    const folder = path.join(root, '3');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'meta.yaml'), 'artifact_location: ./mlruns/3\nexperiment_id: 3\nlifecycle_stage: active\nname: legacy\n');
    expect(await readExperiment(await SourceTree.open(root), { folder, experimentId: '3', inTrash: false })).toMatchObject({
      name: 'legacy',
      artifactLocation: './mlruns/3',
      creationTime: null,
      unknownFields: [],
    });
    fs.writeFileSync(path.join(folder, 'meta.yaml'), "experiment_id: '4'\nname: legacy\n");
    const error = await malformed(readExperiment(await SourceTree.open(root), { folder, experimentId: '3', inTrash: false }));
    expect([error.file, error.line, error.message]).toEqual([path.join(folder, 'meta.yaml'), 1, 'experiment_id is 4, but the folder is named 3']);
  });

  it("reads a run's meta.yaml, and names the file and line of what is wrong in it", async () => {
    writeMlflowExperiment(root, { experimentId: '1', name: 'x' });
    const runId = '0123456789abcdef0123456789abcdef';
    const folder = writeMlflowRun(root, { experimentId: '1', runId, status: 4, startTime: 5, endTime: null, meta: { deleted_time: null } });
    expect(await readRunMeta(await SourceTree.open(root), folder, '1')).toEqual({
      folder,
      runId,
      experimentId: '1',
      runName: 'run-012345',
      status: 'FAILED',
      startTime: 5,
      endTime: null,
      lifecycleStage: 'active',
      deletedTime: null,
      userId: 'alice',
      artifactUri: expect.stringMatching(/^file:\/\/.*\/artifacts$/),
      unknownFields: [],
    });
    const meta = fs.readFileSync(path.join(folder, 'meta.yaml'), 'utf8');
    fs.writeFileSync(path.join(folder, 'meta.yaml'), meta.replace('status: 4', 'status: 9'));
    const badStatus = await malformed(readRunMeta(await SourceTree.open(root), folder, '1'));
    expect([badStatus.line, badStatus.message]).toEqual([meta.split('\n').findIndex((l) => l === 'status: 4') + 1, 'status should be a run status (1 to 5), found 9']);
    await expect(readRunMeta(await SourceTree.open(root), folder, '2')).rejects.toThrow('experiment_id is 1, but the run is in experiment folder 2');
    fs.rmSync(path.join(folder, 'meta.yaml'));
    await expect(readRunMeta(await SourceTree.open(root), folder, '1')).rejects.toThrow('meta.yaml is missing');
  });

  it("reads a logged model's meta.yaml as MLflow 3.x writes it, and as later versions write it", async () => {
    writeMlflowExperiment(root, { experimentId: '1', name: 'x' });
    const folder = writeMlflowLoggedModel(root, {
      experimentId: '1',
      modelId: MODEL,
      name: 'classifier',
      creationTimestamp: 5,
      lastUpdatedTimestamp: 9,
      status: 'FAILED',
      statusMessage: 'upload failed',
      modelType: 'agent',
      sourceRunId: RUN,
      lifecycleStage: null,
      meta: { model_uri: `models:/${MODEL}` },
    });
    expect(await listLoggedModelFolders(await SourceTree.open(root), path.join(root, '1'))).toEqual([folder]);
    expect(await readLoggedModel(await SourceTree.open(root), folder, '1')).toEqual({
      folder,
      modelId: MODEL,
      experimentId: '1',
      name: 'classifier',
      artifactLocation: expect.stringMatching(new RegExp(`^file://.*/1/models/${MODEL}/artifacts$`)),
      creationTimestamp: 5,
      lastUpdatedTimestamp: 9,
      status: 'FAILED',
      statusMessage: 'upload failed',
      modelType: 'agent',
      sourceRunId: RUN,
      // finalize_logged_model rewrites meta.yaml without lifecycle_stage: the model is active.
      lifecycleStage: 'active',
      unknownFields: ['model_uri'],
    });
    const meta = fs.readFileSync(path.join(folder, 'meta.yaml'), 'utf8');
    for (const [written, read] of [
      ['2', 'READY'],
      ['1', 'PENDING'],
      ['3', 'FAILED'],
      ['LoggedModelStatus.READY', 'READY'],
      ['PENDING', 'PENDING'],
    ] as const) {
      fs.writeFileSync(path.join(folder, 'meta.yaml'), meta.replace('status: FAILED', `status: ${written}`));
      expect((await readLoggedModel(await SourceTree.open(root), folder, '1')).status).toBe(read);
    }
    fs.writeFileSync(path.join(folder, 'meta.yaml'), meta.replace('status: FAILED', 'status: toString'));
    const badStatus = await malformed(readLoggedModel(await SourceTree.open(root), folder, '1'));
    expect([badStatus.line, badStatus.message]).toEqual([
      meta.split('\n').findIndex((l) => l === 'status: FAILED') + 1,
      'status should be a logged model status (PENDING, READY, FAILED, or 0 to 3), found "toString"',
    ]);
    fs.writeFileSync(path.join(folder, 'meta.yaml'), meta.replace(`model_id: ${MODEL}`, 'model_id: m-other'));
    await expect(readLoggedModel(await SourceTree.open(root), folder, '1')).rejects.toThrow(`model_id is m-other, but the folder is named ${MODEL}`);
    fs.writeFileSync(path.join(folder, 'meta.yaml'), meta);
    await expect(readLoggedModel(await SourceTree.open(root), folder, '2')).rejects.toThrow('experiment_id is 1, but the logged model is in experiment folder 2');
    fs.writeFileSync(path.join(folder, 'meta.yaml'), meta.replace('name: classifier', 'name: null'));
    await expect(readLoggedModel(await SourceTree.open(root), folder, '1')).rejects.toThrow('name is missing');
  });
});
