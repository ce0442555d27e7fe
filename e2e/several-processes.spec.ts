// Several Cairn processes writing one data folder, for real: two `cairn serve` processes and a
// `cairn import`, each with its own connection to the same SQLite file. Every write transaction
// begins with BEGIN IMMEDIATE, so none fails at once on another process's commit, and one that
// waits is served within the busy timeout: 0 errors, and every acknowledged point is there after.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeMlflowExperiment, writeMlflowRun } from '../electron/services/importer/mlflow-file-store-writer';
import { expect, test } from './cairn-fixture';
import { startCairnServe, stopCairnServe, type CairnServeProcess } from './cairn-serve-process';

const ROOT = path.resolve(__dirname, '..');
const IMPORTED_RUNS = 8;
const IMPORTED_METRICS = ['loss', 'accuracy', 'lr'];
const IMPORTED_STEPS = 3000;
const METRICS_PER_REQUEST = 10;
const STEPS_PER_REQUEST = 20;
/** Each client goes on logging until the import is done, and logs at least this many requests. */
const MIN_REQUESTS = 40;

test.skip(({ cairnTarget }) => cairnTarget === 'electron', 'runs `cairn serve` and `cairn import` processes; the desktop app adds nothing here');

/** Writes an mlruns folder of IMPORTED_RUNS runs with IMPORTED_STEPS steps of each metric. */
function writeMlruns(root: string): void {
  writeMlflowExperiment(root, { experimentId: '1', name: 'imported' });
  for (let run = 0; run < IMPORTED_RUNS; run++) {
    const metrics: Record<string, string[]> = {};
    for (const [index, key] of IMPORTED_METRICS.entries()) {
      metrics[key] = Array.from({ length: IMPORTED_STEPS }, (_, step) => `${1_700_000_000_000 + step} ${index + step / IMPORTED_STEPS} ${step}`);
    }
    writeMlflowRun(root, { experimentId: '1', runId: `${run}`.padStart(32, 'a'), startTime: 1_700_000_000_000, metrics });
  }
}

interface Answer {
  readonly status: number;
  readonly json: any;
}

async function post(trackingUri: string, route: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${trackingUri}/api/2.0/mlflow/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

async function historyLength(trackingUri: string, runId: string, key: string): Promise<number> {
  const response = await fetch(`${trackingUri}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}&max_results=25000`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { metrics?: unknown[] }).metrics?.length ?? 0;
}

/** Runs `cairn import` as a process of its own; resolves with its exit code and output. */
function runImport(source: string, dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'cairn.js'), 'import', source, '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CAIRN_DATA_DIR: '' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

let dir: string;
let dataDir: string;
let servers: CairnServeProcess[] = [];

test.beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-several-'));
  dataDir = path.join(dir, 'data');
  servers = [await startCairnServe(ROOT, dataDir)];
  servers.push(await startCairnServe(ROOT, dataDir));
});

test.afterEach(async () => {
  for (const server of servers) await stopCairnServe(server.child);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an import, four clients of one server and a second server write one data folder: no errors, every point kept', async () => {
  test.setTimeout(240_000);
  const [first, second] = servers as [CairnServeProcess, CairnServeProcess];
  const mlruns = path.join(dir, 'mlruns');
  writeMlruns(mlruns);
  const experiment = await post(first.trackingUri, 'experiments/create', { name: 'live' });
  expect(experiment.status).toBe(200);
  const experimentId = experiment.json.experiment_id as string;

  const errors: string[] = [];
  let importDone = false;
  /** One client: its own run, log-batch requests until the import is done; resolves with the steps it logged. */
  const client = async (trackingUri: string, name: string): Promise<{ runId: string; steps: number }> => {
    const created = await post(trackingUri, 'runs/create', { experiment_id: experimentId, run_name: name, start_time: Date.now() });
    if (created.status !== 200) {
      errors.push(`${name} runs/create: ${created.status} ${JSON.stringify(created.json)}`);
      return { runId: '', steps: 0 };
    }
    const runId = created.json.run.info.run_id as string;
    let steps = 0;
    for (let request = 0; request < MIN_REQUESTS || !importDone; request++) {
      const metrics = [];
      for (let s = 0; s < STEPS_PER_REQUEST; s++) {
        for (let m = 0; m < METRICS_PER_REQUEST; m++) metrics.push({ key: `m${m}`, value: Math.random(), timestamp: Date.now(), step: steps + s });
      }
      const answer = await post(trackingUri, 'runs/log-batch', { run_id: runId, metrics });
      if (answer.status !== 200) errors.push(`${name} log-batch: ${answer.status} ${JSON.stringify(answer.json)}`);
      else steps += STEPS_PER_REQUEST;
    }
    return { runId, steps };
  };

  const imported = runImport(mlruns, dataDir).then((result) => {
    importDone = true;
    return result;
  });
  const clients = await Promise.all([
    ...[0, 1, 2, 3].map((i) => client(first.trackingUri, `first-${i}`)),
    client(second.trackingUri, 'second-0'),
  ]);
  const { code, output } = await imported;

  expect(errors).toEqual([]);
  expect(code, output).toBe(0);
  expect(output).not.toMatch(/locked|busy|failed/i);
  for (const { runId, steps } of clients) {
    expect(steps).toBeGreaterThanOrEqual(MIN_REQUESTS * STEPS_PER_REQUEST);
    // Read through the other server: what one process acknowledged, the other sees.
    for (let m = 0; m < METRICS_PER_REQUEST; m++) expect(await historyLength(second.trackingUri, runId, `m${m}`)).toBe(steps);
  }
  for (let run = 0; run < IMPORTED_RUNS; run++) {
    for (const key of IMPORTED_METRICS) expect(await historyLength(first.trackingUri, `${run}`.padStart(32, 'a'), key)).toBe(IMPORTED_STEPS);
  }
});

test('two servers creating experiments at once: no failures, no duplicates', async () => {
  test.setTimeout(120_000);
  const PER_SERVER = 60;
  const SHARED = 30;
  const CONCURRENCY = 8;
  const answers: Array<{ server: number; name: string; answer: Answer }> = [];
  const storm = async (server: number, names: readonly string[]) => {
    const queue = [...names];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
          answers.push({ server, name, answer: await post(servers[server]!.trackingUri, 'experiments/create', { name }) });
        }
      }),
    );
  };
  const shared = Array.from({ length: SHARED }, (_, i) => `shared-${i}`);
  const own = (server: number) => Array.from({ length: PER_SERVER }, (_, i) => `server-${server}-${i}`);
  await Promise.all([storm(0, [...own(0), ...shared]), storm(1, [...shared].reverse().concat(own(1)))]);

  // Every name of one server's own is created; each shared name once, the other server told it exists.
  for (const { name, answer } of answers.filter((a) => a.name.startsWith('server-'))) expect(answer.status, name).toBe(200);
  for (const name of shared) {
    const statuses = answers.filter((a) => a.name === name).map((a) => a.answer);
    expect(statuses.filter((a) => a.status === 200), name).toHaveLength(1);
    expect(statuses.filter((a) => a.status !== 200).map((a) => [a.status, a.json.error_code])).toEqual([[400, 'RESOURCE_ALREADY_EXISTS']]);
  }
  const search = await post(servers[0]!.trackingUri, 'experiments/search', { max_results: 1000 });
  const experiments = search.json.experiments as Array<{ experiment_id: string; name: string }>;
  const names = experiments.map((e) => e.name).filter((name) => name !== 'Default');
  expect(names).toHaveLength(2 * PER_SERVER + SHARED);
  expect(new Set(names).size).toBe(names.length);
  expect(new Set(experiments.map((e) => e.experiment_id)).size).toBe(experiments.length);
});
