// A real dvc.yaml pipeline of shell commands in a temporary folder, run by the pipeline service
// over a real SQLite tracker, with the data catalog hearing each stage settle: its tabular deps
// and outs become dataset versions by the DVC md5 the runner computed, linked to the stage's run,
// in datasets named by the project folder and the path in it (same-named files and projects apart).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCairnStores, type CairnStores } from '../cairn-services';
import { PipelineService } from '../pipelines/pipeline-service';
import { createDataCapability, type DataCapability } from './create-data-service';
import { recordPipelineStageData } from './pipeline-data-recorder';

let dir: string;
let project: string;
let stores: CairnStores;
let data: DataCapability;
let pipelines: PipelineService;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pipeline-data-'));
  project = path.join(dir, 'project');
  stores = openCairnStores(path.join(dir, 'data'));
  data = createDataCapability({ database: stores.database, tracker: stores.store, artifacts: stores.artifacts });
  pipelines = new PipelineService({
    dataDir: path.join(dir, 'data'),
    store: stores.store,
    artifacts: stores.artifacts,
    database: stores.database,
    onStageSettled: recordPipelineStageData(data.service),
  });
});

afterEach(async () => {
  await pipelines.close();
  await data.close();
  stores.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(files: Record<string, string>, root = project): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
}

function md5(file: string, root = project): string {
  return createHash('md5').update(fs.readFileSync(path.join(root, file))).digest('hex');
}

const PIPELINE = {
  'data/raw.csv': 'x,y\n1,2\n3,4\n5,6\n',
  'dvc.yaml': `stages:
  prepare:
    cmd: mkdir -p batches && head -n 3 data/raw.csv > train.csv && cp data/raw.csv batches/day-1.csv && echo notes > notes.txt
    deps: [data/raw.csv]
    outs: [train.csv, batches, notes.txt]
  train:
    cmd: mkdir -p model && wc -l train.csv > model/model.txt && echo 12 > model/input_example.json && echo 0.5 > metrics.json
    deps: [train.csv]
    outs: [model, metrics.json]
`,
};

async function runPipeline(root = project, options: { variant?: boolean } = {}) {
  const execution = await pipelines.start(root, options);
  return execution.done;
}

/** Two files named train.csv: the raw one, and the prepared one a stage writes. */
const SAME_NAMES = {
  'data/raw/train.csv': 'x,y\n1,2\n3,4\n',
  'dvc.yaml': `stages:
  prepare:
    cmd: mkdir -p data/prepared && cp data/raw/train.csv data/prepared/train.csv && echo 5,6 >> data/prepared/train.csv
    deps: [data/raw/train.csv]
    outs: [data/prepared/train.csv]
`,
};

describe('pipeline stages in the data catalog', () => {
  it("records each tabular dep and out by the runner's md5, linked to the stage's run as input or output", async () => {
    write(PIPELINE);
    const result = await runPipeline();
    expect(result.status).toBe('succeeded');
    const runOf = (stage: string) => result.stages.find((s) => s.name === stage)!.runId!;
    expect(runOf('prepare')).toBeTruthy();

    // The text file (notes.txt), the model folder (a text file and a JSON input example) and the
    // metrics (metrics.json, a JSON document) are not datasets; the folder of CSVs is one. Each is
    // named by the project folder and its path there.
    expect(data.service.listDatasets().map((d) => d.name)).toEqual(['project/batches', 'project/data/raw.csv', 'project/train.csv']);
    const [raw] = data.service.listVersions('project/data/raw.csv');
    expect(raw!.digest).toBe(`md5:${md5('data/raw.csv')}`);
    const [train] = data.service.listVersions('project/train.csv');
    expect(train!.digest).toBe(`md5:${md5('train.csv')}`);
    const [batches] = data.service.listVersions('project/batches');
    expect(batches!.digest).toMatch(/^md5:[0-9a-f]{32}\.dir$/);
    expect(batches!.files.map((f) => path.basename(f.path))).toEqual(['day-1.csv']);

    const roles = (versionId: string) =>
      data.service.getVersion(versionId).origins.map((o) => ({ run: o.runId, role: (JSON.parse(o.detail!) as { role: string; stage: string }).role, stage: JSON.parse(o.detail!).stage }));
    expect(roles(raw!.versionId)).toEqual([{ run: runOf('prepare'), role: 'dep', stage: 'prepare' }]);
    expect(roles(train!.versionId)).toEqual([
      { run: runOf('prepare'), role: 'out', stage: 'prepare' },
      { run: runOf('train'), role: 'dep', stage: 'train' },
    ]);
    expect(data.service.datasetsOfRun(runOf('train')).map((v) => v.datasetName)).toEqual(['project/train.csv']);
    expect(data.service.datasetsOfRun(runOf('prepare')).map((v) => v.datasetName)).toEqual(['project/batches', 'project/data/raw.csv', 'project/train.csv']);

    // The catalog knows these files now: profiling one reads it, and hashes nothing again.
    const profiled = await data.service.profile(path.join(project, 'train.csv'));
    expect(profiled.version.versionId).toBe(train!.versionId);
    expect(profiled.profile.rows).toBe(2);
  });

  it('links the same version to the run of an up-to-date stage and adds a version when the data changes', async () => {
    write(PIPELINE);
    await runPipeline();
    const skipped = await runPipeline();
    expect(skipped.stages.map((s) => s.state)).toEqual(['skipped', 'skipped']);
    expect(data.service.listVersions('project/train.csv')).toHaveLength(1);
    const skippedRun = skipped.stages[0]!.runId!;
    expect(data.service.datasetsOfRun(skippedRun).map((v) => v.datasetName)).toEqual(['project/batches', 'project/data/raw.csv', 'project/train.csv']);

    write({ 'data/raw.csv': 'x,y\n9,9\n8,8\n7,7\n' });
    const changed = await runPipeline();
    expect(changed.status).toBe('succeeded');
    const versions = data.service.listVersions('project/train.csv');
    expect(versions.map((v) => v.digest)).toEqual([expect.stringMatching(/^md5:/), `md5:${md5('train.csv')}`]);
  });

  it('keeps two files of the same name in different folders apart, named by their path in the project', async () => {
    write(SAME_NAMES);
    expect((await runPipeline()).status).toBe('succeeded');
    expect(data.service.listDatasets().map((d) => d.name)).toEqual(['project/data/prepared/train.csv', 'project/data/raw/train.csv']);
    const [prepared] = data.service.listVersions('project/data/prepared/train.csv');
    const [raw] = data.service.listVersions('project/data/raw/train.csv');
    expect(prepared!.digest).toBe(`md5:${md5('data/prepared/train.csv')}`);
    expect(raw!.digest).toBe(`md5:${md5('data/raw/train.csv')}`);
    expect(prepared!.origins.map((o) => JSON.parse(o.detail!))).toEqual([{ pipeline: path.join(project, 'dvc.yaml'), stage: 'prepare', role: 'out' }]);
    expect(raw!.origins.map((o) => JSON.parse(o.detail!))).toEqual([{ pipeline: path.join(project, 'dvc.yaml'), stage: 'prepare', role: 'dep' }]);
  });

  it("records a variant's copy into the project's datasets", async () => {
    write(SAME_NAMES);
    const result = await runPipeline(project, { variant: true });
    expect(result.status).toBe('succeeded');
    expect(data.service.listDatasets().map((d) => d.name)).toEqual(['project/data/prepared/train.csv', 'project/data/raw/train.csv']);
    const [prepared] = data.service.listVersions('project/data/prepared/train.csv');
    expect(prepared!.path).not.toBe(path.join(project, 'data', 'prepared', 'train.csv'));
    expect(prepared!.origins.map((o) => JSON.parse(o.detail!).pipeline)).toEqual([path.join(project, 'dvc.yaml')]);
  });

  it('keeps two projects of the same folder name apart: the second one names its datasets by absolute path', async () => {
    const other = path.join(dir, 'elsewhere', 'project');
    write(SAME_NAMES);
    write({ ...SAME_NAMES, 'data/raw/train.csv': 'x,y\n7,8\n' }, other);
    expect((await runPipeline()).status).toBe('succeeded');
    expect((await runPipeline(other)).status).toBe('succeeded');
    const otherRaw = path.join(other, 'data', 'raw', 'train.csv');
    const otherPrepared = path.join(other, 'data', 'prepared', 'train.csv');
    expect(data.service.listDatasets().map((d) => d.name)).toEqual([otherPrepared, otherRaw, 'project/data/prepared/train.csv', 'project/data/raw/train.csv'].sort());
    expect(data.service.listVersions(otherRaw).map((v) => v.digest)).toEqual([`md5:${md5('data/raw/train.csv', other)}`]);
    expect(data.service.listVersions('project/data/raw/train.csv').map((v) => v.digest)).toEqual([`md5:${md5('data/raw/train.csv')}`]);

    // Each project keeps its names when it runs again with new data.
    write({ 'data/raw/train.csv': 'x,y\n1,2\n' });
    expect((await runPipeline()).status).toBe('succeeded');
    expect(data.service.listVersions('project/data/raw/train.csv')).toHaveLength(2);
    expect(data.service.listVersions(otherRaw)).toHaveLength(1);
    expect(data.service.listDatasets()).toHaveLength(4);
  });

  it('leaves a dataset recorded under the old base-name naming as it was', async () => {
    write({ ...PIPELINE, 'train.csv': 'x,y\n1,2\n3,4\n' });
    const old = await data.service.registerPipelineData(path.join(project, 'train.csv'), {
      runId: null,
      pipeline: path.join(project, 'dvc.yaml'),
      stage: 'prepare',
      role: 'out',
      name: 'train',
      digest: `md5:${md5('train.csv')}`,
    });
    expect((await runPipeline()).status).toBe('succeeded');

    // The old dataset keeps its version; the stage's run records the same content under the new name.
    expect(data.service.listVersions('train').map((v) => v.versionId)).toEqual([old.versionId]);
    expect(data.service.getVersion(old.versionId).origins).toHaveLength(1);
    const [renamed] = data.service.listVersions('project/train.csv');
    expect(renamed!.digest).toBe(old.digest);
    expect(data.service.listDatasets().map((d) => d.name)).toEqual(['project/batches', 'project/data/raw.csv', 'project/train.csv', 'train']);
    const profiled = await data.service.profile({ dataset: 'train' });
    expect(profiled.profile.rows).toBe(2);
  });
});
