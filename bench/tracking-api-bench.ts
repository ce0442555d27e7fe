// The MLflow-compatible tracking API under load, over real HTTP with keep-alive connections, against
// Cairn's services as the app starts them (startCairnServices) and a tracking server on 127.0.0.1,
// over a temporary data folder:
// - log-batch throughput: 1,000 points per request, 4 concurrent writers, 100 runs x 10 metrics,
//   each request answered only after its transaction committed to disk (synchronous=FULL: it
//   survives power loss). The writers run in a worker
//   thread, as a training script runs in a process of its own, so they do not share the server's thread.
//   Meanwhile the UI's calls are made on the main thread every 10 ms, through the same handlers IPC
//   uses: the figure is the longest any of them waited, from when it was due until it was answered.
// - runs/search over 10,000 runs (20 params, 10 metrics each), filtered on a param and a metric,
//   ordered by a metric, 1,000 results: the first request (nothing cached), then the median.
// - metrics/get-history of a 20,000-step metric, as MLflow's client asks for it (max_results 25,000).
// - twenty whole 300,000-step histories (about 25 MB each) asked for at once, from a worker thread:
//   the longest wait of a UI call made every 10 ms meanwhile, and how long the twenty answers took.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { dispatchCall } from '../electron/services/api/call-handlers';
import { startCairnServices, type CairnServices } from '../electron/services/cairn-services';
import { startTrackingServer } from '../electron/services/tracking-api/tracking-server';
import type { TrackerStore } from '../electron/services/tracker/tracker-store';
import { median, type BenchFigure } from './bench-result';
import { probeUiCalls, UI_CALL_INTERVAL_MS, type UiCallProbe } from './ui-call-probe';

const WRITERS = 4;
const RUNS = 100;
const METRICS_PER_RUN = 10;
const STEPS_PER_REQUEST = 100; // x 10 metrics = 1,000 points per request
const REQUESTS_PER_RUN = 6; // 600 requests, 600,000 points in all
const WARM_UP_REQUESTS = 20;
const SEARCH_RUNS = 10_000;
const HISTORY_STEPS = 20_000;
const LATENCY_WARM_UPS = 3;
const LATENCY_SAMPLES = 21;
const LONG_HISTORY_STEPS = 300_000;
const LONG_HISTORY_CLIENTS = 20;
/** How long the UI calls are probed with nothing else running, for reference. */
const IDLE_PROBE_MS = 5_000;

/** The load generator: plain JavaScript run in a worker thread, so that it needs no build step. */
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, runIds, metricsPerRun, stepsPerRequest, requestsPerRun, writers, warmUp } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: writers });
const bodies = [];
for (let round = 0; round < requestsPerRun; round++) {
  for (const runId of runIds) {
    const metrics = [];
    for (let s = 0; s < stepsPerRequest; s++) {
      const step = round * stepsPerRequest + s;
      for (let m = 0; m < metricsPerRun; m++) {
        metrics.push({ key: 'metric_' + m, value: Math.random(), timestamp: 1700000000000 + step, step });
      }
    }
    bodies.push(Buffer.from(JSON.stringify({ run_id: runId, metrics })));
  }
}
function post(body) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => response.statusCode === 200 ? resolve() : reject(new Error('log-batch answered ' + response.statusCode)));
    });
    request.on('error', reject);
    request.end(body);
  });
}
async function drain(queue) {
  await Promise.all(Array.from({ length: writers }, async () => {
    for (let body = queue.shift(); body; body = queue.shift()) await post(body);
  }));
}
(async () => {
  await drain(bodies.splice(0, warmUp));
  const points = bodies.length * metricsPerRun * stepsPerRequest;
  const started = performance.now();
  await drain(bodies);
  parentPort.postMessage({ points, seconds: (performance.now() - started) / 1000 });
  agent.destroy();
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

/**
 * The latency client: plain JavaScript run in a worker thread, as a client runs in a process of its
 * own, so that receiving and parsing a large answer is not counted as the server's time. It sends
 * the same request `count` times on one keep-alive connection and reports each one's milliseconds,
 * until the whole answer arrived.
 */
const LATENCY_CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, method, path, body, count } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function timed() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request({ host: '127.0.0.1', port, method, path, agent,
      headers: body ? { 'content-type': 'application/json' } : {} }, (response) => {
      response.resume();
      response.on('end', () => response.statusCode === 200
        ? resolve(performance.now() - started)
        : reject(new Error(path + ' answered ' + response.statusCode)));
    });
    request.on('error', reject);
    request.end(body);
  });
}
(async () => {
  const samples = [];
  for (let i = 0; i < count; i++) samples.push(await timed());
  agent.destroy();
  parentPort.postMessage({ samples });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

/**
 * The long-history client: plain JavaScript run in a worker thread. It sends the same GET `clients`
 * times at once, each on its own connection, reads every answer whole, and reports the
 * milliseconds until the last one ended and the bytes received.
 */
const CONCURRENT_CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, path, clients } = workerData;
function get() {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let bytes = 0;
      response.on('data', (chunk) => (bytes += chunk.length));
      response.on('end', () => response.statusCode === 200 ? resolve(bytes) : reject(new Error(path + ' answered ' + response.statusCode)));
    });
    request.on('error', reject);
  });
}
(async () => {
  const started = performance.now();
  const sizes = await Promise.all(Array.from({ length: clients }, get));
  parentPort.postMessage({ ms: performance.now() - started, bytes: sizes.reduce((a, b) => a + b, 0) });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

/** Milliseconds of `count` identical requests, sent one after another from a worker thread. */
async function timedRequests(port: number, method: string, requestPath: string, count: number, body?: string): Promise<number[]> {
  const worker = new Worker(LATENCY_CLIENT_SOURCE, { eval: true, workerData: { port, method, path: requestPath, body, count } });
  try {
    const result = await new Promise<{ samples?: number[]; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (!result.samples) throw new Error(`latency client failed: ${result.error}`);
    return result.samples;
  } finally {
    await worker.terminate();
  }
}

/** The median of LATENCY_SAMPLES requests after LATENCY_WARM_UPS, rounded to 0.1 ms. */
async function medianLatency(port: number, method: string, requestPath: string, body?: string): Promise<number> {
  const samples = await timedRequests(port, method, requestPath, LATENCY_WARM_UPS + LATENCY_SAMPLES, body);
  return Math.round(median(samples.slice(LATENCY_WARM_UPS)) * 10) / 10;
}

/** The UI call made meanwhile: the experiments list, through the IPC handlers. */
function probeExperimentsList(services: CairnServices): UiCallProbe {
  return probeUiCalls(async () => {
    const answer = await dispatchCall(services.handlers, 'listExperiments', { viewType: 'ACTIVE_ONLY' });
    if (!answer.ok) throw new Error(`listExperiments failed: ${answer.error.message}`);
  });
}

async function measureLogBatch(services: CairnServices, port: number): Promise<BenchFigure[]> {
  const store = services.store;
  const experiment = await store.createExperiment({ name: 'log-batch' });
  const runIds: string[] = [];
  for (let i = 0; i < RUNS; i++) runIds.push((await store.createRun({ experimentId: experiment.experimentId })).info.runId);
  const worker = new Worker(WRITER_SOURCE, {
    eval: true,
    workerData: {
      port,
      runIds,
      metricsPerRun: METRICS_PER_RUN,
      stepsPerRequest: STEPS_PER_REQUEST,
      requestsPerRun: REQUESTS_PER_RUN,
      writers: WRITERS,
      warmUp: WARM_UP_REQUESTS,
    },
  });
  const uiCalls = probeExperimentsList(services);
  const result = await new Promise<{ points?: number; seconds?: number; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const longestUiWait = await uiCalls.stop();
  await worker.terminate();
  if (result.error || !result.points || !result.seconds) throw new Error(`log-batch writers failed: ${result.error}`);
  return [
    {
      name: `runs/log-batch over HTTP (1,000 points per request, ${WRITERS} keep-alive writers, ${RUNS} runs x ${METRICS_PER_RUN} metrics), each answered after a durable commit (synchronous=FULL)`,
      value: Math.round(result.points / result.seconds),
      unit: 'points/s',
      target: '≥ 250000',
    },
    {
      name: `longest wait of a UI call (listExperiments every ${UI_CALL_INTERVAL_MS} ms through the IPC handlers) during that log-batch load`,
      value: longestUiWait,
      unit: 'ms',
      target: '≤ 50 ms',
    },
  ];
}

async function measureSearch(store: TrackerStore, port: number): Promise<BenchFigure[]> {
  const experiment = await store.createExperiment({ name: 'search' });
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let i = 0; i < SEARCH_RUNS; i++) {
    const run = await store.createRun({ experimentId: experiment.experimentId, startTime: 1_700_000_000_000 + i });
    await store.logBatch(run.info.runId, {
      params: Array.from({ length: 20 }, (_, p) => ({ key: `param_${p}`, value: p === 0 ? ['adam', 'sgd', 'rmsprop', 'adagrad'][i % 4]! : String(Math.floor(random() * 100)) })),
      metrics: Array.from({ length: 10 }, (_, m) => ({ key: `metric_${m}`, value: random(), timestamp: 1_700_000_000_000, step: 100 })),
    });
  }
  const body = JSON.stringify({
    experiment_ids: [experiment.experimentId],
    filter: "params.param_0 = 'adam' and metrics.metric_0 > 0.1",
    order_by: ['metrics.metric_1 DESC'],
    max_results: 1000,
  });
  // Every run was written after it was last read, so the first search finds none of them cached.
  const [firstMs] = await timedRequests(port, 'POST', '/api/2.0/mlflow/runs/search', 1, body);
  const first = Math.round(firstMs! * 10) / 10;
  const count = await new Promise<number>((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/2.0/mlflow/runs/search', headers: { 'content-type': 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as { runs?: unknown[] }).runs?.length ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
  if (count !== 1000) throw new Error(`runs/search answered ${count} runs, expected 1000`);
  const searchName = `runs/search over ${SEARCH_RUNS.toLocaleString('en')} runs (20 params, 10 metrics each), param and metric filter, ordered by a metric, 1,000 results`;
  return [
    { name: `${searchName}, first request (no run cached)`, value: first, unit: 'ms', target: 'none set' },
    {
      name: `${searchName}, median`,
      value: await medianLatency(port, 'POST', '/api/2.0/mlflow/runs/search', body),
      unit: 'ms',
      target: '≤ 50 ms',
    },
  ];
}

async function measureHistory(store: TrackerStore, port: number): Promise<BenchFigure> {
  const experiment = await store.createExperiment({ name: 'history' });
  const run = await store.createRun({ experimentId: experiment.experimentId });
  for (let start = 0; start < HISTORY_STEPS; start += 1000) {
    await store.logBatch(run.info.runId, {
      metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: 1 / (start + i + 1), timestamp: 1_700_000_000_000 + start + i, step: start + i })),
    });
  }
  const requestPath = `/api/2.0/mlflow/metrics/get-history?run_id=${run.info.runId}&metric_key=loss&max_results=25000`;
  return {
    name: `metrics/get-history of a ${HISTORY_STEPS.toLocaleString('en')}-step metric, median`,
    value: await medianLatency(port, 'GET', requestPath),
    unit: 'ms',
    target: '≤ 30 ms',
  };
}

async function measureLongHistories(services: CairnServices, port: number): Promise<BenchFigure[]> {
  const store = services.store;
  const experiment = await store.createExperiment({ name: 'long-histories' });
  const run = await store.createRun({ experimentId: experiment.experimentId });
  for (let start = 0; start < LONG_HISTORY_STEPS; start += 10_000) {
    await store.logBatch(run.info.runId, {
      metrics: Array.from({ length: 10_000 }, (_, i) => {
        const step = start + i;
        return { key: 'loss', value: 1 / (step + 1), timestamp: 1_700_000_000_000 + step, step };
      }),
    });
  }
  const requestPath = `/api/2.0/mlflow/metrics/get-history?run_id=${run.info.runId}&metric_key=loss`;
  const single = await timedRequests(port, 'GET', requestPath, 3);
  // The reference: the same UI calls with no request running show how late the machine itself makes them.
  const idleCalls = probeExperimentsList(services);
  await new Promise((resolve) => setTimeout(resolve, IDLE_PROBE_MS));
  const idleUiWait = await idleCalls.stop();
  const worker = new Worker(CONCURRENT_CLIENT_SOURCE, {
    eval: true,
    workerData: { port, path: requestPath, clients: LONG_HISTORY_CLIENTS },
  });
  const uiCalls = probeExperimentsList(services);
  const result = await new Promise<{ ms?: number; bytes?: number; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const longestUiWait = await uiCalls.stop();
  await worker.terminate();
  if (result.error || !result.ms || !result.bytes) throw new Error(`long-history clients failed: ${result.error}`);
  const steps = LONG_HISTORY_STEPS.toLocaleString('en');
  return [
    {
      name: `metrics/get-history of a whole ${steps}-step metric (${(result.bytes / LONG_HISTORY_CLIENTS / 1e6).toFixed(1)} MB), one at a time, median of 3`,
      value: Math.round(median(single)),
      unit: 'ms',
      target: 'none set',
    },
    {
      name: `longest wait of a UI call (listExperiments every ${UI_CALL_INTERVAL_MS} ms through the IPC handlers) during ${LONG_HISTORY_CLIENTS} concurrent whole ${steps}-step get-history requests`,
      value: longestUiWait,
      unit: 'ms',
      target: '≤ 50 ms',
    },
    {
      name: `longest wait of the same UI calls over ${IDLE_PROBE_MS / 1000} s with no request running (the machine's own delay)`,
      value: idleUiWait,
      unit: 'ms',
      target: 'none set',
    },
    {
      name: `those ${LONG_HISTORY_CLIENTS} concurrent ${steps}-step get-history answers, all received`,
      value: Math.round(result.ms),
      unit: 'ms',
      target: 'none set',
    },
  ];
}

/** Starts Cairn's services and a tracking server over a temporary data folder, measures the figures, and cleans up. */
export async function runTrackingApiBench(): Promise<BenchFigure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-tracking-bench-'));
  const services = startCairnServices({ dataDir, mode: 'browser' });
  const server = await startTrackingServer({ context: services.tracking, port: 0 });
  try {
    const logBatch = await measureLogBatch(services, server.port);
    const search = await measureSearch(services.store, server.port);
    const history = await measureHistory(services.store, server.port);
    const longHistories = await measureLongHistories(services, server.port);
    return [...logBatch, ...search, history, ...longHistories];
  } finally {
    await server.close();
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
