// The scikit-learn example, trained with Debian's python3 against a real tracking server,
// deployed to the local target and scored through /invocations in every input format; then
// updated, a crashing version and one with missing requirements refused while the old version
// keeps serving, rolled back, cancelled, and deleted. Real processes, real HTTP on 127.0.0.1.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentEvent, DeploymentOperation } from '../../../shared/deployments';
import { openCairnStores } from '../cairn-services';
import { startTestTrackingServer, type TestTrackingServer } from '../tracking-api/test-tracking-server';
import { DeployTargets } from './deploy-targets';
import { DeploymentService } from './deployment-service';
import type { EndpointHostCommand } from './local/endpoint-host-process';
import { readEndpointState } from './local/endpoint-state-file';
import { isProcessAlive } from './process-liveness';
import {
  bundleEndpointHost,
  crashingModelFiles,
  pythonPredictions,
  registerModelFiles,
  stopEveryEndpoint,
  TEST_PYTHON,
  trainExample,
  unmetRequirementsFiles,
} from './test-deploy-fixture';

const MODEL = 'digits-classifier';
const COLUMNS = Array.from({ length: 64 }, (_, i) => `pixel_${i}`);
/** Starting Python with pandas and scikit-learn takes seconds, many on a loaded machine. */
const DEPLOY_TEST_TIMEOUT_MS = 120_000;

let server: TestTrackingServer;
let hostCommand: EndpointHostCommand;
let service: DeploymentService;
const events: DeploymentEvent[] = [];
let rows: number[][];

function newService(via = 'api'): DeploymentService {
  const context = server.context;
  return new DeploymentService({
    database: server.database,
    stores: { registry: context.registry, artifacts: context.artifacts, tracker: context.store, loggedModels: context.loggedModels },
    targets: new DeployTargets({ dataDir: server.dataDir, localHostCommand: hostCommand, defaultPython: TEST_PYTHON, keepRunningByDefault: false }),
    dataDir: server.dataDir,
    via,
  });
}

function request(url: string, method: string, body?: string, contentType = 'application/json'): Promise<{ status: number; text: string; json: any }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method, headers: body === undefined ? {} : { 'content-type': contentType } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, text, json });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function finished(job: Promise<{ done: Promise<DeploymentOperation> }>): Promise<DeploymentOperation> {
  return (await job).done;
}

function packageOf(operation: DeploymentOperation): string {
  return path.join(server.dataDir, 'deployments', operation.deploymentName, 'packages', String(operation.id));
}

beforeAll(async () => {
  server = await startTestTrackingServer();
  hostCommand = await bundleEndpointHost();
  expect(await trainExample(server.url, ['--alpha', '0.0001'])).toBe('1');
  expect(await trainExample(server.url, ['--alpha', '0.05'])).toBe('2');
  service = newService();
  service.onEvent((event) => events.push(event));
  const example = JSON.parse(fs.readFileSync(path.join(await exampleFolder('1'), 'input_example.json'), 'utf8')) as { data: number[][] };
  rows = [...example.data, example.data[0]!.map((value) => 1 - value)];
}, 240_000);

afterAll(async () => {
  await service?.close();
  if (server) await stopEveryEndpoint(server.dataDir);
  await server?.close();
});

async function exampleFolder(version: string): Promise<string> {
  const uri = await server.context.registry.getModelVersionDownloadUri(MODEL, version);
  const run = await server.store.getRun(/^runs:\/([^/]+)/.exec(uri)![1]!);
  return server.context.artifacts.artifactFilePath(run.info.artifactUri, 'model');
}

describe('a local deployment of the example model', { timeout: DEPLOY_TEST_TIMEOUT_MS }, () => {
  let url: string;
  let v1: number[];
  let v2: number[];

  it('is created from an alias, with every step recorded, and answers /ping, /health and /version', async () => {
    v1 = pythonPredictions(await exampleFolder('1'), COLUMNS, rows);
    v2 = pythonPredictions(await exampleFolder('2'), COLUMNS, rows);
    await server.context.registry.setRegisteredModelAlias(MODEL, 'champion', '1');
    const operation = await finished(service.create({ name: 'digits', target: 'local', modelUri: `models:/${MODEL}@champion` }));
    expect(operation.outcome, operation.error ?? '').toBe('succeeded');
    expect(operation.model).toEqual({ name: MODEL, version: '1', uri: `models:/${MODEL}@champion` });
    expect(operation.requestedBy.via).toBe('api');
    expect(operation.steps.map((step) => step.name)).toEqual([
      'resolve-model',
      'copy-model',
      'start-endpoint',
      'start-worker',
      'check-requirements',
      'load-model',
      'answer-ping',
      'switch-traffic',
      'check-endpoint',
    ]);
    expect(operation.steps.every((step) => step.outcome === 'succeeded' && step.endedAt! >= step.startedAt)).toBe(true);
    expect(operation.steps.find((s) => s.name === 'check-requirements')!.detail).toContain('mlflow not needed');
    expect(events.some((event) => event.operation.id === operation.id && event.step?.name === 'load-model' && event.step.outcome === 'running')).toBe(true);

    const deployment = service.get('digits');
    expect(deployment.state).toBe('serving');
    expect(deployment.model?.version).toBe('1');
    expect(deployment.previousModel).toBeNull();
    url = deployment.endpointUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await request(`${url}/ping`, 'GET')).status).toBe(200);
    expect((await request(`${url}/health`, 'GET')).status).toBe(200);
    expect((await request(`${url}/version`, 'GET')).text).toMatch(/^\d+\.\d+\.\d+/);
    expect((await service.status('digits')).health).toBe('serving');
  });

  it('scores every input format MLflow accepts, as the model itself predicts', async () => {
    const records = rows.map((row) => Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]!])));
    const bodies: Array<[string, string]> = [
      ['application/json', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } })],
      // Columns in another order, and an index: the slow path, same answers.
      ['application/json', JSON.stringify({ dataframe_split: { columns: [...COLUMNS].reverse(), data: rows.map((r) => [...r].reverse()), index: [7, 8, 9] } })],
      ['application/json', JSON.stringify({ dataframe_records: records })],
      ['application/json; charset=utf-8', JSON.stringify({ instances: records })],
      ['application/json', JSON.stringify({ inputs: Object.fromEntries(COLUMNS.map((c, i) => [c, rows.map((r) => r[i])])) })],
      ['text/csv', `${COLUMNS.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`],
    ];
    for (const [contentType, body] of bodies) {
      const answer = await request(`${url}/invocations`, 'POST', body, contentType);
      expect(answer.status, `${contentType} ${body.slice(0, 40)}: ${answer.text}`).toBe(200);
      expect(answer.json).toEqual({ predictions: v1 });
    }
    const predicted = await service.predict('digits', { json: { dataframe_split: { columns: COLUMNS, data: rows } } });
    expect(predicted.json).toEqual({ predictions: v1 });
    // The Try it form's input: the model's own serving example, answered as the model predicts it.
    const example = service.inputExample('digits')!;
    expect(example).toEqual({ json: { dataframe_split: { columns: COLUMNS, data: rows.slice(0, 2) } } });
    expect((await service.predict('digits', example)).json).toEqual({ predictions: v1.slice(0, 2) });
  });

  it("answers bad requests with MLflow's errors", async () => {
    const malformed = await request(`${url}/invocations`, 'POST', '{"dataframe_split": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error_code).toBe('BAD_REQUEST');
    expect(malformed.json.message).toMatch(/^Invalid input\. Ensure that input is a valid JSON formatted string/);

    const missing = await request(`${url}/invocations`, 'POST', JSON.stringify({ dataframe_split: { columns: COLUMNS.slice(1), data: rows.map((r) => r.slice(1)) } }));
    expect(missing.status).toBe(400);
    expect(missing.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(missing.json.message).toContain("Model is missing inputs ['pixel_0'].");

    const notNumbers = await request(`${url}/invocations`, 'POST', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: [COLUMNS.map(() => 'x')] } }));
    expect(notNumbers.status).toBe(400);
    expect(notNumbers.json.message).toContain("Failed to convert column pixel_0 to type 'float64'");

    const unnamed = await request(`${url}/invocations`, 'POST', JSON.stringify({ inputs: rows }));
    expect(unnamed.status).toBe(400);
    expect(unnamed.json.error_code).toBe('INVALID_PARAMETER_VALUE');

    const noFormat = await request(`${url}/invocations`, 'POST', JSON.stringify({ data: rows }));
    expect(noFormat.status).toBe(400);
    expect(noFormat.json.message).toContain('The input must be a JSON dictionary with exactly one of the input fields');

    const list = await request(`${url}/invocations`, 'POST', JSON.stringify(rows));
    expect(list.json.message).toContain('Received a list.');

    const wrongType = await request(`${url}/invocations`, 'POST', 'x', 'text/plain');
    expect(wrongType.status).toBe(415);
    expect(wrongType.text).toContain("This predictor only supports the following content types: Types: ['text/csv', 'application/json']");

    expect((await request(`${url}/invocations`, 'POST', '{}', 'application/json; format=pandas-split')).status).toBe(415);
    expect((await request(`${url}/invocations`, 'GET')).status).toBe(405);
    expect((await request(`${url}/nothing`, 'GET')).status).toBe(404);
    // Still serving after all that.
    expect((await request(`${url}/invocations`, 'POST', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }))).json).toEqual({ predictions: v1 });
  });

  it('is refused bad input without recording anything', async () => {
    const before = service.history('digits').length;
    await expect(service.create({ name: 'digits', target: 'local', modelUri: `models:/${MODEL}/1` })).rejects.toThrow(/exists already/);
    await expect(service.create({ name: 'bad name!', target: 'local', modelUri: `models:/${MODEL}/1` })).rejects.toThrow(/Invalid deployment name/);
    await expect(service.create({ name: 'other', target: 'mars', modelUri: `models:/${MODEL}/1` })).rejects.toThrow(/No deploy target named 'mars'/);
    await expect(service.create({ name: 'other', target: 'local', modelUri: `models:/${MODEL}/9` })).rejects.toThrow(/not found/);
    await expect(service.create({ name: 'other', target: 'local', modelUri: `models:/${MODEL}/1`, config: { colour: 'red' } })).rejects.toThrow(/no setting 'colour'/);
    await expect(service.update({ name: 'digits', config: { workers: '99' } })).rejects.toThrow(/workers must be a whole number from 1 to 16/);
    expect(service.history('digits')).toHaveLength(before);
    expect(() => service.get('other')).toThrow(/No deployment named 'other'/);
  });

  it('is updated to version 2 on the same port; the old worker stops once the new one answers', async () => {
    const before = readEndpointState(path.join(server.dataDir, 'deployments', 'digits', 'endpoint.json'))!;
    const operation = await finished(service.update({ name: 'digits', modelUri: `models:/${MODEL}/2`, actor: { user: 'ci-bot', via: 'trigger:nightly' } }));
    expect(operation.outcome, operation.error ?? '').toBe('succeeded');
    expect(operation.fromModel?.version).toBe('1');
    expect(operation.requestedBy).toEqual({ user: 'ci-bot', via: 'trigger:nightly' });
    expect(operation.steps.find((s) => s.name === 'switch-traffic')!.detail).toContain(`${MODEL} v1 stopped`);
    const deployment = service.get('digits');
    expect(deployment.endpointUrl).toBe(url);
    expect(deployment.model?.version).toBe('2');
    expect(deployment.previousModel?.version).toBe('1');
    const after = readEndpointState(path.join(server.dataDir, 'deployments', 'digits', 'endpoint.json'))!;
    expect(after.pid).toBe(before.pid);
    expect(after.serving?.label).toBe(`${MODEL} v2`);
    const answer = await request(`${url}/invocations`, 'POST', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }));
    expect(answer.json).toEqual({ predictions: v2 });
  });

  it('keeps serving version 2 when a version whose worker crashes on load is deployed, and says which step failed', async () => {
    const crashing = await registerModelFiles(server.context, MODEL, crashingModelFiles(await exampleFolder('2')));
    const operation = await finished(service.update({ name: 'digits', modelUri: `models:/${MODEL}/${crashing}` }));
    expect(operation.outcome).toBe('failed');
    expect(operation.failedStep).toBe('load-model');
    expect(operation.error).toContain('exited with code 7');
    expect(operation.steps.find((s) => s.name === 'load-model')!.outcome).toBe('failed');
    expect(operation.steps.some((s) => s.name === 'switch-traffic')).toBe(false);
    expect(service.get('digits').model?.version).toBe('2');
    expect(service.get('digits').lastOperation?.outcome).toBe('failed');
    const answer = await request(`${url}/invocations`, 'POST', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }));
    expect(answer.json).toEqual({ predictions: v2 });
    expect(fs.existsSync(packageOf(operation))).toBe(false);
  });

  it('refuses a version whose requirements this Python lacks, naming the missing packages', async () => {
    const unmet = await registerModelFiles(server.context, MODEL, unmetRequirementsFiles(await exampleFolder('2')));
    const operation = await finished(service.update({ name: 'digits', modelUri: `models:/${MODEL}/${unmet}` }));
    expect(operation.outcome).toBe('failed');
    expect(operation.failedStep).toBe('check-requirements');
    expect(operation.error).toContain('lightgbm==4.3.0, no-such-package-cairn');
    expect(operation.error).toContain(TEST_PYTHON);
    expect((await service.status('digits')).health).toBe('serving');
    expect(service.get('digits').model?.version).toBe('2');
  });

  it('rolls back to version 1, and a second rollback returns to version 2', async () => {
    const back = await finished(service.rollback({ name: 'digits' }));
    expect(back.outcome, back.error ?? '').toBe('succeeded');
    expect(back.kind).toBe('rollback');
    expect(back.model?.version).toBe('1');
    expect(back.steps.find((s) => s.name === 'copy-model')!.detail).toMatch(/^Kept since operation \d+/);
    expect(service.get('digits').model?.version).toBe('1');
    expect((await request(`${url}/invocations`, 'POST', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }))).json).toEqual({ predictions: v1 });

    const again = await finished(service.rollback({ name: 'digits' }));
    expect(again.model?.version).toBe('2');
    expect(service.get('digits').previousModel?.version).toBe('1');
  });

  it('cancels an update while it loads; the serving version stays', async () => {
    const job = await service.update({ name: 'digits', modelUri: `models:/${MODEL}/1` });
    await expect(service.update({ name: 'digits', modelUri: `models:/${MODEL}/1` })).rejects.toThrow(/is busy: operation \d+ \(update/);
    await new Promise<void>((resolve) => {
      const stop = service.onEvent((event) => {
        if (event.operation.id === job.operation.id && event.step?.name === 'load-model') {
          stop();
          resolve();
        }
      });
    });
    service.cancel(job.operation.id);
    const operation = await job.done;
    expect(operation.outcome).toBe('cancelled');
    expect(operation.steps.at(-1)!.outcome).toBe('cancelled');
    expect(service.get('digits').model?.version).toBe('2');
    expect((await request(`${url}/invocations`, 'POST', JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } }))).json).toEqual({ predictions: v2 });
  });

  it('restarts a worker that dies while serving', async () => {
    const stateFile = path.join(server.dataDir, 'deployments', 'digits', 'endpoint.json');
    const [worker] = readEndpointState(stateFile)!.serving!.workerPids;
    process.kill(worker!, 'SIGKILL');
    const body = JSON.stringify({ dataframe_split: { columns: COLUMNS, data: rows } });
    let answer = await request(`${url}/invocations`, 'POST', body);
    const deadline = Date.now() + 90_000;
    while (answer.status !== 200 && Date.now() < deadline) {
      expect(answer.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await request(`${url}/invocations`, 'POST', body);
    }
    expect(answer.json).toEqual({ predictions: v2 });
    expect(fs.readFileSync(path.join(server.dataDir, 'deployments', 'digits', 'endpoint.log'), 'utf8')).toMatch(/worker \d+ of digits-classifier v2 restarted/);
    const restarted = readEndpointState(stateFile)!.serving!.workerPids;
    expect(restarted).toHaveLength(1);
    expect(restarted).not.toContain(worker);
  });

  it('is deleted: the endpoint stops, its files go, its history stays', async () => {
    const state = readEndpointState(path.join(server.dataDir, 'deployments', 'digits', 'endpoint.json'))!;
    const operation = await finished(service.delete({ name: 'digits' }));
    expect(operation.outcome, operation.error ?? '').toBe('succeeded');
    expect(isProcessAlive(state.pid)).toBe(false);
    await expect(request(`${url}/ping`, 'GET')).rejects.toThrow();
    expect(service.get('digits').state).toBe('deleted');
    expect(service.list().map((d) => d.name)).not.toContain('digits');
    expect(fs.existsSync(path.join(server.dataDir, 'deployments', 'digits', 'packages'))).toBe(false);
    expect(service.history('digits').map((op) => `${op.kind}:${op.outcome}`)).toEqual([
      'delete:succeeded',
      'update:cancelled',
      'rollback:succeeded',
      'rollback:succeeded',
      'update:failed',
      'update:failed',
      'update:succeeded',
      'create:succeeded',
    ]);
    await expect(service.rollback({ name: 'digits' })).rejects.toThrow(/was deleted/);
  });
});

describe('operations of another process', { timeout: DEPLOY_TEST_TIMEOUT_MS }, () => {
  it('are pushed as events to a service watching the same data folder through its own connection', async () => {
    const other = openCairnStores(server.dataDir);
    const watcher = new DeploymentService({
      database: other.database,
      stores: { registry: server.context.registry, artifacts: server.context.artifacts, tracker: server.store, loggedModels: server.context.loggedModels },
      targets: new DeployTargets({ dataDir: server.dataDir, localHostCommand: hostCommand, defaultPython: TEST_PYTHON, keepRunningByDefault: false }),
      dataDir: server.dataDir,
      via: 'app',
    });
    const seen: DeploymentEvent[] = [];
    watcher.onEvent((event) => seen.push(event));
    const stop = watcher.watchOtherProcesses(50);
    try {
      const operation = await finished(service.create({ name: 'watched', target: 'local', modelUri: `models:/${MODEL}/1` }));
      expect(operation.outcome, operation.error ?? '').toBe('succeeded');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const mine = seen.filter((event) => event.operation.id === operation.id);
      expect(mine.length).toBeGreaterThan(1);
      expect(mine.at(-1)!.operation.outcome).toBe('succeeded');
      expect(mine.some((event) => event.operation.outcome === 'running')).toBe(true);
      expect((await finished(service.delete({ name: 'watched' }))).outcome).toBe('succeeded');
    } finally {
      stop();
      await watcher.close();
      other.close();
    }
  });
});

describe('endpoints and the processes that start them', { timeout: DEPLOY_TEST_TIMEOUT_MS }, () => {
  it('serve side by side; one that stops with its owner stops when the service closes, one kept running is found and deleted by another service', async () => {
    const owner = newService('app');
    const [kept, tied] = await Promise.all([
      finished(owner.create({ name: 'kept', target: 'local', modelUri: `models:/${MODEL}/1`, config: { keep_running: 'true' } })),
      finished(owner.create({ name: 'tied', target: 'local', modelUri: `models:/${MODEL}/2` })),
    ]);
    expect([kept.outcome, tied.outcome]).toEqual(['succeeded', 'succeeded']);
    const keptUrl = owner.get('kept').endpointUrl!;
    const tiedUrl = owner.get('tied').endpointUrl!;
    expect(keptUrl).not.toBe(tiedUrl);
    expect((await request(`${tiedUrl}/ping`, 'GET')).status).toBe(200);
    await owner.close();
    expect((await request(`${keptUrl}/ping`, 'GET')).status).toBe(200);
    await expect(request(`${tiedUrl}/ping`, 'GET')).rejects.toThrow();

    const later = newService('cli');
    expect((await later.listOnTargets()).map((d) => `${d.target}:${d.name}:${d.health}`)).toEqual(['local:kept:serving']);
    expect((await later.status('tied')).health).toBe('stopped');
    expect((await later.status('kept')).health).toBe('serving');
    // A stopped endpoint starts again, on its port, when updated.
    const restarted = await finished(later.update({ name: 'tied' }));
    expect(restarted.outcome, restarted.error ?? '').toBe('succeeded');
    expect(restarted.steps.map((s) => s.name)).toContain('start-endpoint');
    expect(later.get('tied').endpointUrl).toBe(tiedUrl);
    expect((await request(`${tiedUrl}/ping`, 'GET')).status).toBe(200);
    for (const name of ['kept', 'tied']) expect((await finished(later.delete({ name }))).outcome).toBe('succeeded');
    await expect(request(`${keptUrl}/ping`, 'GET')).rejects.toThrow();
    await later.close();
  });
});
