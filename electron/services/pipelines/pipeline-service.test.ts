// Real pipelines of shell and Python scripts in temporary folders, run by the service with real
// processes, a real SQLite tracker, real artifact files and a real tracking server on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestTrackingServer, type TestTrackingServer } from '../tracking-api/test-tracking-server';
import { PipelineDefinitionError } from './pipeline-definition';
import type { PipelineEvent, StageState } from './pipeline-events';
import { PIPELINE_TAGS } from './pipeline-run-recorder';
import type { ExecutionResult } from './pipeline-runner';
import { PipelineBusyError, PipelineService, type RunOptions } from './pipeline-service';

const PYTHON = '/usr/bin/python3';

let server: TestTrackingServer;
let service: PipelineService;
let project: string;

beforeEach(async () => {
  server = await startTestTrackingServer();
  service = new PipelineService({
    dataDir: server.dataDir,
    store: server.store,
    artifacts: server.context.artifacts,
    database: server.database,
    trackingUri: () => server.url,
  });
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-pipeline-project-'));
});

afterEach(async () => {
  await service.close();
  await server.close();
  fs.rmSync(project, { recursive: true, force: true });
});

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(project, name)), { recursive: true });
    fs.writeFileSync(path.join(project, name), text);
  }
}

function read(name: string): string {
  return fs.readFileSync(path.join(project, name), 'utf8');
}

/** Runs the project's pipeline to its end; returns the result and every event. */
async function run(options: RunOptions = {}): Promise<{ result: ExecutionResult; events: PipelineEvent[]; states: Record<string, StageState> }> {
  const events: PipelineEvent[] = [];
  const execution = await service.start(project, { ...options, onEvent: (event) => events.push(event) });
  const result = await execution.done;
  return { result, events, states: Object.fromEntries(result.stages.map((stage) => [stage.name, stage.state])) };
}

/** Whether a process still runs (a zombie waiting to be reaped by init does not). */
function processLives(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** How many times the commands that append to runs.log ran. */
function commandRuns(): string[] {
  return fs.existsSync(path.join(project, 'runs.log')) ? read('runs.log').trim().split('\n') : [];
}

const SKLEARN_LIKE = {
  'params.yaml': 'prepare:\n  rows: 4\ntrain:\n  lr: 0.1\nmodels: [a, b]\n',
  'data/raw.csv': 'x,y\n1,2\n3,4\n5,6\n7,8\n9,10\n',
  'src/prepare.py': `import os, sys, yaml
rows = yaml.safe_load(open("params.yaml"))["prepare"]["rows"]
os.makedirs("prepared", exist_ok=True)
lines = open("data/raw.csv").read().splitlines()
open("prepared/train.csv", "w").write("\\n".join(lines[: rows + 1]) + "\\n")
open("prepared/test.csv", "w").write("\\n".join([lines[0]] + lines[rows + 1 :]) + "\\n")
open("runs.log", "a").write("prepare\\n")
print("prepared", rows, "rows")
`,
  'src/train.py': `import sys, yaml
model, lr = sys.argv[1], yaml.safe_load(open("params.yaml"))["train"]["lr"]
rows = len(open("prepared/train.csv").read().splitlines()) - 1
open(f"model_{model}.txt", "w").write(f"{model} {lr} {rows}\\n")
open("runs.log", "a").write(f"train {model}\\n")
`,
  'src/evaluate.py': `import json
models = [open(f"model_{m}.txt").read().split() for m in ("a", "b")]
json.dump({"score": float(models[0][1]) * 10, "rows": int(models[0][2]), "nested": {"b": 0.5}}, open("metrics.json", "w"))
open("roc.csv", "w").write("fpr,tpr\\n0,0\\n0.5,0.8\\n1,1\\n")
open("runs.log", "a").write("evaluate\\n")
`,
  'dvc.yaml': `stages:
  prepare:
    cmd: ${PYTHON} src/prepare.py
    deps: [data/raw.csv, src/prepare.py]
    params: [prepare.rows]
    outs: [prepared]
  train:
    foreach: \${models}
    do:
      cmd: ${PYTHON} src/train.py \${item}
      deps: [prepared/train.csv, src/train.py]
      params: [train.lr]
      outs:
        - model_\${item}.txt
  evaluate:
    cmd: ${PYTHON} src/evaluate.py
    deps: [model_a.txt, model_b.txt, src/evaluate.py]
    metrics:
      - metrics.json:
          cache: false
    plots:
      - roc.csv:
          cache: false
`,
};

describe('running a pipeline', () => {
  it('runs every stage, writes dvc.lock and the cache; a second run skips every stage', async () => {
    write(SKLEARN_LIKE);
    const first = await run();
    expect(first.result.status).toBe('succeeded');
    expect(first.states).toEqual({ prepare: 'done', 'train@a': 'done', 'train@b': 'done', evaluate: 'done' });
    const lock = read('dvc.lock');
    expect(lock.startsWith("schema: '2.0'\nstages:\n")).toBe(true);
    expect(lock).toMatch(/ {2}prepare:\n {4}cmd: \/usr\/bin\/python3 src\/prepare\.py\n {4}deps:\n {4}- path: data\/raw\.csv\n {6}hash: md5\n/);
    expect(lock).toMatch(/- path: prepared\n {6}hash: md5\n {6}md5: [0-9a-f]{32}\.dir\n {6}size: \d+\n {6}nfiles: 2\n/);
    expect(lock).toContain('    params:\n      params.yaml:\n        train.lr: 0.1\n');
    const cacheFiles = path.join(server.dataDir, 'pipelines', 'cache', 'files', 'md5');
    expect(fs.readdirSync(cacheFiles).length).toBeGreaterThan(3);
    expect(commandRuns()).toHaveLength(4);

    const second = await run();
    expect(second.states).toEqual({ prepare: 'skipped', 'train@a': 'skipped', 'train@b': 'skipped', evaluate: 'skipped' });
    expect(commandRuns()).toHaveLength(4);
    expect(read('dvc.lock')).toBe(lock);
  });

  it('reruns what a changed param reaches; after an unchanged output, what follows stays up to date', async () => {
    write(SKLEARN_LIKE);
    await run();
    write({ 'params.yaml': SKLEARN_LIKE['params.yaml'].replace('lr: 0.1', 'lr: 0.2') });
    const changed = await run();
    expect(changed.states).toEqual({ prepare: 'skipped', 'train@a': 'done', 'train@b': 'done', evaluate: 'done' });
    expect(changed.result.stages.find((stage) => stage.name === 'train@a')!.reason).toBe('param modified: params.yaml:train.lr');
    // A comment in prepare's script reruns prepare alone: its outs come out the same.
    fs.appendFileSync(path.join(project, 'src/prepare.py'), '# a comment\n');
    const commented = await run();
    expect(commented.states).toEqual({ prepare: 'done', 'train@a': 'skipped', 'train@b': 'skipped', evaluate: 'skipped' });
  });

  it('restores outs from the run-cache when a param switches back, and from dvc.lock when outs were deleted, without running the command', async () => {
    write(SKLEARN_LIKE);
    await run();
    write({ 'params.yaml': SKLEARN_LIKE['params.yaml'].replace('lr: 0.1', 'lr: 0.3') });
    await run();
    const ranSoFar = commandRuns().length;
    write({ 'params.yaml': SKLEARN_LIKE['params.yaml'] });
    const back = await run();
    expect(back.states).toMatchObject({ 'train@a': 'restored', 'train@b': 'restored' });
    expect(back.result.stages.find((stage) => stage.name === 'train@a')!.reason).toMatch(/restored from the run-cache$/);
    expect(read('model_a.txt')).toBe('a 0.1 4\n');

    fs.rmSync(path.join(project, 'prepared'), { recursive: true });
    const deleted = await run();
    expect(deleted.states.prepare).toBe('restored');
    expect(deleted.result.stages[0]!.reason).toBe('out deleted: prepared; restored from the cache (dvc.lock)');
    expect(read('prepared/train.csv').split('\n')).toHaveLength(6);
    // evaluate's metrics and plots (cache: false) were stored for the run-cache too, as DVC stores them: it was restored as well.
    expect(back.states.evaluate).toBe('restored');
    expect(commandRuns().slice(ranSoFar)).toEqual([]);
  });

  it('runs everything with force, restoring nothing', async () => {
    write(SKLEARN_LIKE);
    await run();
    const forced = await run({ force: true });
    expect(Object.values(forced.states)).toEqual(['done', 'done', 'done', 'done']);
    expect(commandRuns()).toHaveLength(8);
  });

  it('runs a target with what it needs, and --downstream what follows it', async () => {
    write(SKLEARN_LIKE);
    const target = await run({ targets: ['train@b'] });
    expect(target.result.stages.map((stage) => stage.name)).toEqual(['prepare', 'train@b']);
    const downstream = await run({ targets: ['train'], downstream: true, force: true });
    expect(downstream.result.stages.map((stage) => stage.name)).toEqual(['train@a', 'train@b', 'evaluate']);
  });
});

describe('failures and stopping', () => {
  it('a failing stage blocks what needs it, the others finish; its dvc.lock entry and outs are left alone', async () => {
    write({
      'dvc.yaml': `stages:
  bad:
    cmd: seq 1 5000; echo line one; echo line two >&2; echo partial > bad.txt; sleep 0.2; printf 'no newline'; exit 3
    outs: [bad.txt]
  after_bad:
    cmd: cp bad.txt after.txt
    deps: [bad.txt]
    outs: [after.txt]
  independent:
    cmd: sleep 0.3 && echo ok > ok.txt
    outs: [ok.txt]
`,
    });
    const { result, states } = await run({ jobs: 2 });
    expect(result.status).toBe('failed');
    expect(states).toEqual({ bad: 'failed', after_bad: 'blocked', independent: 'done' });
    const bad = result.stages.find((stage) => stage.name === 'bad')!;
    expect(bad.exitCode).toBe(3);
    expect(bad.reason).toContain('exited with code 3');
    // The last 20 lines, the unterminated last one included.
    expect(bad.outputTail).toEqual([...Array.from({ length: 17 }, (_, i) => String(4984 + i)), 'line one', 'line two', 'no newline']);
    expect(read('dvc.lock')).toContain('  independent:');
    expect(read('dvc.lock')).not.toContain('  bad:');
    expect(read('bad.txt')).toBe('partial\n');
    const runs = await server.store.searchRuns({ experimentIds: [result.experimentId!], filter: `tags.\`${PIPELINE_TAGS.stage}\` = 'bad'` });
    expect(runs.items[0]!.info.status).toBe('FAILED');
    expect(runs.items[0]!.tags.find((tag) => tag.key === PIPELINE_TAGS.exitCode)?.value).toBe('3');
  });

  it("stop ends the stage's whole process tree, removes its partial outs, keeps dvc.lock as it was for it, marks its run KILLED; the next run resumes", async () => {
    write({
      'params.yaml': 'pause: 30\n',
      'dvc.yaml': `stages:
  quick:
    cmd: echo quick > quick.txt
    outs: [quick.txt]
  slow:
    cmd: echo partial > slow.txt; sh -c 'sleep \${pause}' & echo $! > grandchild.pid; wait
    deps: [quick.txt]
    outs: [slow.txt]
`,
    });
    const events: PipelineEvent[] = [];
    const execution = await service.start(project, {
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'stage-state' && event.stage === 'slow' && event.state === 'running') {
          const waitForPid = setInterval(() => {
            if (fs.existsSync(path.join(project, 'grandchild.pid')) && read('grandchild.pid').trim()) {
              clearInterval(waitForPid);
              execution.stop();
            }
          }, 20);
        }
      },
    });
    const result = await execution.done;
    expect(result.status).toBe('stopped');
    expect(Object.fromEntries(result.stages.map((stage) => [stage.name, stage.state]))).toEqual({ quick: 'done', slow: 'killed' });
    expect(processLives(Number(read('grandchild.pid')))).toBe(false);
    expect(fs.existsSync(path.join(project, 'slow.txt'))).toBe(false);
    expect(read('dvc.lock')).toContain('  quick:');
    expect(read('dvc.lock')).not.toContain('  slow:');
    const slowRun = result.stages.find((stage) => stage.name === 'slow')!.runId!;
    expect((await server.store.getRun(slowRun)).info.status).toBe('KILLED');
    expect((await server.store.getRun(result.parentRunId!)).info.status).toBe('KILLED');

    write({ 'params.yaml': 'pause: 0\n' });
    const resumed = await run();
    expect(resumed.states).toEqual({ quick: 'skipped', slow: 'done' });
  });
});

describe('parallel stages', () => {
  const TWO_SLOW = `stages:
  left:
    cmd: date +%s%N > left.start && sleep 0.6 && date +%s%N > left.end
    outs: [left.start, left.end]
  right:
    cmd: date +%s%N > right.start && sleep 0.6 && date +%s%N > right.end
    outs: [right.start, right.end]
`;
  const interval = (name: string) => [BigInt(read(`${name}.start`).trim()), BigInt(read(`${name}.end`).trim())] as const;

  it('runs independent stages at the same time up to --jobs, one at a time with --jobs 1', async () => {
    write({ 'dvc.yaml': TWO_SLOW });
    await run({ jobs: 2 });
    let [leftStart, leftEnd] = interval('left');
    let [rightStart, rightEnd] = interval('right');
    expect(leftStart < rightEnd && rightStart < leftEnd).toBe(true);
    await run({ jobs: 1, force: true });
    [leftStart, leftEnd] = interval('left');
    [rightStart, rightEnd] = interval('right');
    expect(leftEnd <= rightStart || rightEnd <= leftStart).toBe(true);
  });

  it('checks stages without taking a --jobs slot: a no-change rerun of 20 stages records them in a few commits; a stage due to run waits for a slot', async () => {
    const stages = Array.from({ length: 20 }, (_, i) => `  s${i}:\n    cmd: echo ${i} > out_${i}\n    outs: [out_${i}]\n`);
    write({ 'dvc.yaml': `stages:\n${stages.join('')}` });
    const forced = await run({ jobs: 1 });
    expect(forced.result.status).toBe('succeeded');
    // With one slot, the stages found due to run wait for it, and say so.
    const waited = forced.events.filter((event) => event.type === 'stage-state' && event.state === 'waiting');
    expect(waited.length).toBeGreaterThan(0);
    expect(waited.every((event) => event.type === 'stage-state' && /waiting for a free job slot \(--jobs 1\)$/.test(event.reason ?? ''))).toBe(true);

    const commits = vi.spyOn(server.database, 'write');
    try {
      const again = await run({ jobs: 1 });
      expect(Object.values(again.states)).toEqual(Array(20).fill('skipped'));
      // The parent run and the history row, the 20 skipped runs with their history rows (one group),
      // and the execution's end: a handful of commits, not one or more per stage.
      expect(commits.mock.calls.length).toBeLessThanOrEqual(8);
      const detail = service.getExecution(again.result.executionId)!;
      expect(detail.stages.every((stage) => stage.state === 'skipped' && stage.runId !== null)).toBe(true);
    } finally {
      commits.mockRestore();
    }
  });
});

describe('tracked runs', () => {
  it('records a parent run and a run per stage with its command, params, reason, hashes, metrics, plots, log and dataset inputs', async () => {
    write(SKLEARN_LIKE);
    const { result } = await run();
    const parent = await server.store.getRun(result.parentRunId!);
    expect(parent.info.status).toBe('FINISHED');
    expect((await server.store.getExperiment(result.experimentId!)).name).toBe(path.basename(project));
    const children = await server.store.searchRuns({ experimentIds: [result.experimentId!], filter: `tags.mlflow.parentRunId = '${result.parentRunId}'` });
    expect(children.items.map((child) => child.info.runName).sort()).toEqual(['evaluate', 'prepare', 'train@a', 'train@b']);
    const tag = (runTags: readonly { key: string; value: string }[], key: string) => runTags.find((entry) => entry.key === key)?.value;

    const prepare = children.items.find((child) => child.info.runName === 'prepare')!;
    expect(prepare.info.status).toBe('FINISHED');
    expect(prepare.params).toEqual([{ key: 'prepare.rows', value: '4' }]);
    expect(tag(prepare.tags, PIPELINE_TAGS.cmd)).toBe(`${PYTHON} src/prepare.py`);
    expect(tag(prepare.tags, PIPELINE_TAGS.outcome)).toBe('done');
    expect(tag(prepare.tags, PIPELINE_TAGS.reason)).toBe('dep modified: data/raw.csv; dep modified: src/prepare.py; params new: params.yaml; out deleted: prepared');
    expect(JSON.parse(tag(prepare.tags, PIPELINE_TAGS.outs)!)).toEqual([{ path: 'prepared', md5: expect.stringMatching(/\.dir$/), size: expect.any(Number), nfiles: 2 }]);
    expect(prepare.datasets.map((dataset) => dataset.name)).toEqual(['data/raw.csv']);
    const log = await server.context.artifacts.readArtifactPreview(prepare.info.artifactUri, 'stage.log', 1000);
    expect(log.bytes.toString()).toBe('prepared 4 rows\n');

    const evaluate = children.items.find((child) => child.info.runName === 'evaluate')!;
    expect(Object.fromEntries(evaluate.metrics.map((metric) => [metric.key, metric.value]))).toEqual({ score: 1, rows: 4, 'nested.b': 0.5 });
    expect((await server.context.artifacts.listArtifacts(evaluate.info.artifactUri, 'plots')).map((file) => file.path)).toEqual(['plots/roc.csv']);

    const again = await run();
    const skipped = await server.store.searchRuns({ experimentIds: [again.result.experimentId!], filter: `tags.mlflow.parentRunId = '${again.result.parentRunId}'` });
    expect(skipped.items.map((child) => tag(child.tags, PIPELINE_TAGS.outcome))).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(skipped.items.every((child) => child.info.status === 'FINISHED' && child.info.endTime !== null)).toBe(true);
    // A skipped stage's run, written whole in one write, still has its params, metrics and dataset inputs.
    const skippedPrepare = skipped.items.find((child) => child.info.runName === 'prepare')!;
    expect(skippedPrepare.params).toEqual([{ key: 'prepare.rows', value: '4' }]);
    expect(skippedPrepare.datasets.map((dataset) => dataset.name)).toEqual(['data/raw.csv']);
    expect(tag(skippedPrepare.tags, PIPELINE_TAGS.reason)).toBe('up to date');
    const skippedEvaluate = skipped.items.find((child) => child.info.runName === 'evaluate')!;
    expect(Object.fromEntries(skippedEvaluate.metrics.map((metric) => [metric.key, metric.value]))).toEqual({ score: 1, rows: 4, 'nested.b': 0.5 });
  });

  it("gives each stage DVC_ROOT, DVC_STAGE and its own run's MLFLOW_* so that its mlflow logging lands in its run", async () => {
    write({
      'log.py': `import json, os, urllib.request
body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "key": "from_stage", "value": 42, "timestamp": 0, "step": 0}).encode()
request = urllib.request.Request(os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric", data=body, headers={"Content-Type": "application/json"})
urllib.request.urlopen(request).read()
open("env.txt", "w").write(os.environ["DVC_ROOT"] + "\\n" + os.environ["DVC_STAGE"] + "\\n" + os.environ["MLFLOW_EXPERIMENT_ID"] + "\\n")
`,
      'dvc.yaml': `stages:\n  log:\n    foreach: [one]\n    do:\n      cmd: ${PYTHON} log.py\n      deps: [log.py]\n      outs: [env.txt]\n`,
    });
    const { result } = await run();
    const stage = result.stages[0]!;
    expect(stage.state).toBe('done');
    expect(read('env.txt')).toBe(`${project}\nlog@one\n${result.experimentId}\n`);
    const logged = await server.store.getRun(stage.runId!);
    expect(logged.metrics.find((metric) => metric.key === 'from_stage')?.value).toBe(42);
  });
});

describe('variants', () => {
  it('runs with params overrides in its own copy of the project, leaving the project as it was; its outs go to the shared cache', async () => {
    write(SKLEARN_LIKE);
    await run();
    const paramsBefore = read('params.yaml');
    const lockBefore = read('dvc.lock');
    const { result, events } = await run({ setParams: ['train.lr=0.5'] });
    const started = events.find((event) => event.type === 'execution-started') as Extract<PipelineEvent, { type: 'execution-started' }>;
    expect(started.workspaceDir).not.toBe(project);
    expect(result.stages.map((stage) => stage.state)).toEqual(['restored', 'done', 'done', 'done']);
    expect(fs.readFileSync(path.join(started.workspaceDir, 'model_a.txt'), 'utf8')).toBe('a 0.5 4\n');
    expect(fs.readFileSync(path.join(started.workspaceDir, 'params.yaml'), 'utf8')).toContain('lr: 0.5');
    expect(read('params.yaml')).toBe(paramsBefore);
    expect(read('dvc.lock')).toBe(lockBefore);
    expect(read('model_a.txt')).toBe('a 0.1 4\n');
    expect((await server.store.getRun(result.parentRunId!)).tags.find((tag) => tag.key === PIPELINE_TAGS.setParams)?.value).toBe('["train.lr=0.5"]');

    // Setting the same value in the project later restores the variant's outs from the run-cache.
    write({ 'params.yaml': paramsBefore.replace('lr: 0.1', 'lr: 0.5') });
    const same = await run({ targets: ['train'] });
    expect(same.states).toEqual({ prepare: 'skipped', 'train@a': 'restored', 'train@b': 'restored' });
    service.removeVariantWorkspace(result.executionId);
    expect(fs.existsSync(started.workspaceDir)).toBe(false);
  });

  it('refuses overrides that make the pipeline invalid, leaving no copy behind', async () => {
    write(SKLEARN_LIKE);
    await expect(service.start(project, { setParams: ['models=plain'] })).rejects.toThrow(/expected list\/dictionary, got str/);
    await expect(service.start(project, { setParams: ['no-equals-sign'] })).rejects.toThrow(/\[file:\]key=value/);
    const workspaces = path.join(server.dataDir, 'pipelines', 'workspaces');
    expect(fs.existsSync(workspaces) ? fs.readdirSync(workspaces) : []).toEqual([]);
  });

  it('keeps executions for history and compares two of them', async () => {
    write(SKLEARN_LIKE);
    const first = await run();
    const second = await run({ setParams: ['train.lr=0.7'] });
    const history = service.listExecutions(project);
    expect(history.map((execution) => execution.executionId)).toEqual([second.result.executionId, first.result.executionId]);
    expect(history[0]!.options.setParams).toEqual(['train.lr=0.7']);
    const comparison = service.compareExecutions(first.result.executionId, second.result.executionId);
    const evaluate = comparison.stages.find((stage) => stage.stage === 'evaluate')!;
    expect(evaluate.metrics).toEqual([{ key: 'score', a: 1, b: 7 }]);
    const trainA = comparison.stages.find((stage) => stage.stage === 'train@a')!;
    expect(trainA.params).toEqual([{ key: 'train.lr', a: 0.1, b: 0.7 }]);
    expect(trainA.outs).toEqual(['model_a.txt']);
  });
});

describe('projects', () => {
  it('refuses an invalid pipeline before anything runs or is recorded', async () => {
    write({ 'dvc.yaml': 'stages:\n  a:\n    cmd: echo\n    deps: [missing.csv]\n' });
    await expect(service.start(project)).rejects.toThrow(PipelineDefinitionError);
    expect(fs.existsSync(path.join(project, 'dvc.lock'))).toBe(false);
    expect(await server.store.listExperiments('ALL')).toHaveLength(1);
  });

  it('writes .gitignore lines for cached outs in a git repository, and uses .dvc/cache when the project has .dvc', async () => {
    execFileSync('git', ['init', '-q', project]);
    fs.mkdirSync(path.join(project, '.dvc'));
    write({ 'dvc.yaml': 'stages:\n  a:\n    cmd: mkdir -p out && echo 1 > out/model.bin && echo 2 > scores.json\n    outs: [out/model.bin]\n    metrics:\n      - scores.json:\n          cache: false\n' });
    await run();
    expect(read('out/.gitignore')).toBe('/model.bin\n');
    expect(fs.existsSync(path.join(project, '.gitignore'))).toBe(false);
    expect(fs.readdirSync(path.join(project, '.dvc', 'cache', 'files', 'md5'))).toHaveLength(1);
    expect(fs.existsSync(path.join(project, '.dvc', 'tmp', 'cairn-hash-state.files.json'))).toBe(true);
  });

  it('never runs a frozen stage, and refuses a second run of the same project while one runs', async () => {
    write({ 'dvc.yaml': 'stages:\n  frozen:\n    cmd: echo ran >> runs.log\n    frozen: true\n  slow:\n    cmd: sleep 0.5\n' });
    const execution = await service.start(project);
    expect(service.runningExecutions().map((running) => running.executionId)).toEqual([execution.executionId]);
    await expect(service.start(project)).rejects.toThrow(PipelineBusyError);
    const result = await execution.done;
    expect(result.stages.map((stage) => stage.state)).toEqual(['frozen', 'done']);
    expect(commandRuns()).toEqual([]);
  });
});

describe('status', () => {
  it("tells what would run and why, as dvc status does: before the first run deps are 'modified' and params files 'new'", async () => {
    write(SKLEARN_LIKE);
    const before = await service.status(project);
    expect(before.stages.map((stage) => [stage.name, stage.outlook])).toEqual([
      ['prepare', 'will-run'],
      ['train@a', 'will-run'],
      ['train@b', 'will-run'],
      ['evaluate', 'will-run'],
    ]);
    expect(before.stages[0]!.changes).toEqual([
      { kind: 'dep', path: 'data/raw.csv', status: 'modified' },
      { kind: 'dep', path: 'src/prepare.py', status: 'modified' },
      { kind: 'param', file: 'params.yaml', key: null, status: 'new' },
      { kind: 'out', path: 'prepared', status: 'deleted' },
    ]);
    await run();
    write({ 'data/raw.csv': `${SKLEARN_LIKE['data/raw.csv']}11,12\n` });
    const after = await service.status(project);
    expect(after.stages.map((stage) => [stage.name, stage.outlook])).toEqual([
      ['prepare', 'will-run'],
      ['train@a', 'after-upstream'],
      ['train@b', 'after-upstream'],
      ['evaluate', 'after-upstream'],
    ]);
  });
});

describe('describe and params', () => {
  it('gives the stages, edges and tracked params with their values as plain data', () => {
    write(SKLEARN_LIKE);
    const view = service.describe(project);
    expect(view.stages.map((stage) => [stage.name, stage.needs])).toEqual([
      ['prepare', []],
      ['train@a', ['prepare']],
      ['train@b', ['prepare']],
      ['evaluate', ['train@a', 'train@b']],
    ]);
    expect(view.edges).toContainEqual({ from: 'train@b', to: 'evaluate' });
    expect(view.stages[3]!.outs).toEqual([
      { path: 'metrics.json', kind: 'metric', cache: false, persist: false },
      { path: 'roc.csv', kind: 'plot', cache: false, persist: false },
    ]);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    expect(service.params(project)).toEqual([
      { file: 'params.yaml', key: 'prepare.rows', value: 4, text: '4', stages: ['prepare'] },
      { file: 'params.yaml', key: 'train.lr', value: 0.1, text: '0.1', stages: ['train@a', 'train@b'] },
    ]);
  });
});
