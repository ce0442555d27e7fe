// The MLflow-compatible tracking API under load, over real HTTP with keep-alive connections, against
// a real server on 127.0.0.1 over a temporary data folder:
// - log-batch throughput: 1,000 points per request, 4 concurrent writers, 100 runs x 10 metrics,
//   each request answered only after its transaction committed. The writers run in a worker
//   thread, as a training script runs in a process of its own, so they do not share the server's thread.
// - runs/search over 10,000 runs (20 params, 10 metrics each), filtered on a param and a metric,
//   ordered by a metric, 1,000 results.
// - metrics/get-history of a 20,000-step metric, as MLflow's client asks for it (max_results 25,000).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createTrackingContext } from '../electron/services/tracking-api/create-tracking-context';
import { startTrackingServer } from '../electron/services/tracking-api/tracking-server';
import { SqliteTrackerStore } from '../electron/services/tracker/sqlite-tracker-store';
import { median, type BenchFigure } from './bench-result';

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

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** Sends one request and resolves with the milliseconds until its whole answer arrived. */
function timedRequest(port: number, method: string, requestPath: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      { host: '127.0.0.1', port, method, path: requestPath, agent, headers: body ? { 'content-type': 'application/json' } : {} },
      (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`${requestPath} answered ${response.statusCode}`));
          else resolve(performance.now() - started);
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function medianLatency(request: () => Promise<number>): Promise<number> {
  for (let i = 0; i < LATENCY_WARM_UPS; i++) await request();
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) samples.push(await request());
  return Math.round(median(samples) * 10) / 10;
}

async function measureLogBatch(store: SqliteTrackerStore, port: number): Promise<BenchFigure> {
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
  const result = await new Promise<{ points?: number; seconds?: number; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  if (result.error || !result.points || !result.seconds) throw new Error(`log-batch writers failed: ${result.error}`);
  return {
    name: `runs/log-batch over HTTP (1,000 points per request, ${WRITERS} keep-alive writers, ${RUNS} runs x ${METRICS_PER_RUN} metrics)`,
    value: Math.round(result.points / result.seconds),
    unit: 'points/s',
    target: '≥ 300000',
  };
}

async function measureSearch(store: SqliteTrackerStore, port: number): Promise<BenchFigure> {
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
  const count = await new Promise<number>((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/2.0/mlflow/runs/search', agent, headers: { 'content-type': 'application/json' } },
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
  return {
    name: `runs/search over ${SEARCH_RUNS.toLocaleString('en')} runs (20 params, 10 metrics each), param and metric filter, ordered by a metric, 1,000 results, median`,
    value: await medianLatency(() => timedRequest(port, 'POST', '/api/2.0/mlflow/runs/search', body)),
    unit: 'ms',
    target: '≤ 50 ms',
  };
}

async function measureHistory(store: SqliteTrackerStore, port: number): Promise<BenchFigure> {
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
    value: await medianLatency(() => timedRequest(port, 'GET', requestPath)),
    unit: 'ms',
    target: '≤ 30 ms',
  };
}

/** Starts a tracking server over a temporary data folder, measures the three figures, and cleans up. */
export async function runTrackingApiBench(): Promise<BenchFigure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-tracking-bench-'));
  const store = new SqliteTrackerStore({ file: path.join(dataDir, 'cairn.db') });
  const server = await startTrackingServer({ context: createTrackingContext({ store, db: store.db, dataDir }), port: 0 });
  try {
    const logBatch = await measureLogBatch(store, server.port);
    const search = await measureSearch(store, server.port);
    const history = await measureHistory(store, server.port);
    return [logBatch, search, history];
  } finally {
    agent.destroy();
    await server.close();
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
