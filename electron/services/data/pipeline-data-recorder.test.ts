// A real dvc.yaml pipeline of shell commands in a temporary folder, run by the pipeline service
// over a real SQLite tracker, with the data catalog hearing each stage settle: its tabular deps
// and outs become dataset versions by the DVC md5 the runner computed, linked to the stage's run.
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

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(project, name)), { recursive: true });
    fs.writeFileSync(path.join(project, name), text);
  }
}

function md5(file: string): string {
  return createHash('md5').update(fs.readFileSync(path.join(project, file))).digest('hex');
}

const PIPELINE = {
  'data/raw.csv': 'x,y\n1,2\n3,4\n5,6\n',
  'dvc.yaml': `stages:
  prepare:
    cmd: mkdir -p batches && head -n 3 data/raw.csv > train.csv && cp data/raw.csv batches/day-1.csv && echo notes > notes.txt
    deps: [data/raw.csv]
    outs: [train.csv, batches, notes.txt]
  train:
    cmd: wc -l train.csv > model.txt
    deps: [train.csv]
    outs: [model.txt]
`,
};

async function runPipeline() {
  const execution = await pipelines.start(project);
  return execution.done;
}

describe('pipeline stages in the data catalog', () => {
  it("records each tabular dep and out by the runner's md5, linked to the stage's run as input or output", async () => {
    write(PIPELINE);
    const result = await runPipeline();
    expect(result.status).toBe('succeeded');
    const runOf = (stage: string) => result.stages.find((s) => s.name === stage)!.runId!;
    expect(runOf('prepare')).toBeTruthy();

    // The text files (notes.txt, model.txt) are not datasets; the folder of CSVs is one.
    expect(data.service.listDatasets().map((d) => d.name)).toEqual(['batches', 'raw', 'train']);
    const [raw] = data.service.listVersions('raw');
    expect(raw!.digest).toBe(`md5:${md5('data/raw.csv')}`);
    const [train] = data.service.listVersions('train');
    expect(train!.digest).toBe(`md5:${md5('train.csv')}`);
    const [batches] = data.service.listVersions('batches');
    expect(batches!.digest).toMatch(/^md5:[0-9a-f]{32}\.dir$/);
    expect(batches!.files.map((f) => path.basename(f.path))).toEqual(['day-1.csv']);

    const roles = (versionId: string) =>
      data.service.getVersion(versionId).origins.map((o) => ({ run: o.runId, role: (JSON.parse(o.detail!) as { role: string; stage: string }).role, stage: JSON.parse(o.detail!).stage }));
    expect(roles(raw!.versionId)).toEqual([{ run: runOf('prepare'), role: 'dep', stage: 'prepare' }]);
    expect(roles(train!.versionId)).toEqual([
      { run: runOf('prepare'), role: 'out', stage: 'prepare' },
      { run: runOf('train'), role: 'dep', stage: 'train' },
    ]);
    expect(data.service.datasetsOfRun(runOf('train')).map((v) => v.datasetName)).toEqual(['train']);
    expect(data.service.datasetsOfRun(runOf('prepare')).map((v) => v.datasetName)).toEqual(['batches', 'raw', 'train']);

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
    expect(data.service.listVersions('train')).toHaveLength(1);
    const skippedRun = skipped.stages[0]!.runId!;
    expect(data.service.datasetsOfRun(skippedRun).map((v) => v.datasetName)).toEqual(['batches', 'raw', 'train']);

    write({ 'data/raw.csv': 'x,y\n9,9\n8,8\n7,7\n' });
    const changed = await runPipeline();
    expect(changed.status).toBe('succeeded');
    const versions = data.service.listVersions('train');
    expect(versions.map((v) => v.digest)).toEqual([expect.stringMatching(/^md5:/), `md5:${md5('train.csv')}`]);
  });
});
