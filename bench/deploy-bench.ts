// The local deploy target with the scikit-learn example (trained here with Debian's python3
// against a tracking server on 127.0.0.1, over a temporary data folder), through the deployment
// service as the app and the CLI use it:
// - deploy: from the create call until the endpoint answers /ping (first of three, and median);
// - scoring over loopback with one keep-alive connection: a 1-row dataframe_split request (p50 and
//   p99 of 2,000 after 200 warm-ups) and a 1,000-row one (median of 20);
// - references measured in the same run: an empty HTTP round trip to a bare Node server (the
//   floor of any answer), and the same model scored in-process by a bare Python HTTP server
//   (http.server + json + pandas + predict, what a minimal pyfunc server does).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDeploymentService } from '../electron/services/deploy/create-deployment-service';
import type { DeploymentService } from '../electron/services/deploy/deployment-service';
import { TEST_PYTHON, trainExample } from '../electron/services/deploy/test-deploy-fixture';
import { openCairnStores } from '../electron/services/cairn-services';
import { startTrackingServer } from '../electron/services/tracking-api/tracking-server';
import { median, type BenchFigure } from './bench-result';

const DEPLOYS = 3;
const WARM_UPS = 200;
const SAMPLES = 2_000;
const BIG_ROWS = 1_000;
const BIG_SAMPLES = 20;
const MODEL = 'digits-classifier';

/** The bare Python reference: one model, scored in-process, behind Python's own HTTP server. */
const PYTHON_REFERENCE = `
import json, pickle, sys, warnings
from http.server import BaseHTTPRequestHandler, HTTPServer
import pandas as pd
warnings.filterwarnings("ignore")
model = pickle.load(open(sys.argv[1], "rb"))
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, *args):
        pass
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["dataframe_split"]
        frame = pd.DataFrame(data=body["data"], columns=body["columns"])
        answer = json.dumps({"predictions": model.predict(frame).tolist()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, body: string): Promise<{ ms: number; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      `${url}/invocations`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ ms: performance.now() - started, status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function latencies(url: string, body: string, warmUps: number, samples: number, expected: string): Promise<number[]> {
  for (let i = 0; i < warmUps; i++) await post(url, body);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const answer = await post(url, body);
    if (answer.status !== 200 || answer.text.replaceAll(' ', '') !== expected.replaceAll(' ', '')) {
      throw new Error(`unexpected answer ${answer.status}: ${answer.text.slice(0, 200)}`);
    }
    times.push(answer.ms);
  }
  return times;
}

function startPythonReference(pickle: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(TEST_PYTHON, ['-c', PYTHON_REFERENCE, pickle], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve({ child, url: `http://127.0.0.1:${chunk.toString().trim()}` }));
    child.once('exit', (code) => reject(new Error(`the Python reference server exited with ${code}`)));
  });
}

function startEmptyServer(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
      response.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/** Deploy time and scoring latency of the local target, with the references. */
export async function runDeployBench(): Promise<BenchFigure[]> {
  console.log(`  load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-deploy-bench-'));
  const context = openCairnStores(dataDir);
  const { store } = context;
  const tracking = await startTrackingServer({ context, port: 0 });
  let service: DeploymentService | null = null;
  let reference: ChildProcess | null = null;
  let empty: http.Server | null = null;
  try {
    await trainExample(tracking.url);
    service = createDeploymentService({
      database: context.database,
      stores: { registry: context.registry, artifacts: context.artifacts, tracker: store, loggedModels: context.loggedModels },
      dataDir,
      via: 'bench',
      keepRunningByDefault: false,
      python: TEST_PYTHON,
    });
    const deployMs: number[] = [];
    let url = '';
    for (let i = 0; i < DEPLOYS; i++) {
      const started = performance.now();
      const job = await service.create({ name: `bench-${i}`, target: 'local', modelUri: `models:/${MODEL}/1` });
      const operation = await job.done;
      if (operation.outcome !== 'succeeded') throw new Error(`deploy ${i} ${operation.outcome}: ${operation.error}`);
      deployMs.push(performance.now() - started);
      const steps = operation.steps.map((step) => `${step.name} ${((step.endedAt ?? step.startedAt) - step.startedAt).toFixed(0)}`);
      console.log(`  deploy ${i + 1}: ${steps.join(', ')} (ms)`);
      url = service.get(`bench-${i}`).endpointUrl!;
    }

    const packageDir = path.join(dataDir, 'deployments', `bench-${DEPLOYS - 1}`, 'packages');
    const modelDir = path.join(packageDir, fs.readdirSync(packageDir)[0]!);
    const example = JSON.parse(fs.readFileSync(path.join(modelDir, 'input_example.json'), 'utf8')) as { columns: string[]; data: number[][] };
    const oneRow = JSON.stringify({ dataframe_split: { columns: example.columns, data: [example.data[0]] } });
    const bigRows = Array.from({ length: BIG_ROWS }, (_, i) => example.data[i % example.data.length]!.map((v, j) => (i * 7 + j) % 17 === 0 ? 1 - v : v));
    const big = JSON.stringify({ dataframe_split: { columns: example.columns, data: bigRows } });
    const expectedOne = (await post(url, oneRow)).text;
    const expectedBig = (await post(url, big)).text;

    const cairnOne = await latencies(url, oneRow, WARM_UPS, SAMPLES, expectedOne);
    const cairnBig = await latencies(url, big, 2, BIG_SAMPLES, expectedBig);

    const python = await startPythonReference(path.join(modelDir, 'model.pkl'));
    reference = python.child;
    const pythonOne = await latencies(python.url, oneRow, WARM_UPS, SAMPLES, expectedOne);
    const pythonBig = await latencies(python.url, big, 2, BIG_SAMPLES, expectedBig);
    const bare = await startEmptyServer();
    empty = bare.server;
    const emptyOne = await latencies(bare.url, oneRow, WARM_UPS, SAMPLES, '{}');

    const p50 = percentile(cairnOne, 50);
    const bigMedian = median(cairnBig);
    return [
      { name: 'local deploy of the example model, create call to answering /ping (first of 3)', value: deployMs[0]!, unit: 'ms', target: '≤ 3000 ms' },
      { name: 'the same, median of 3 deployments', value: median(deployMs), unit: 'ms', target: '≤ 3000 ms' },
      { name: '1-row request over loopback, p50', value: p50, unit: 'ms', target: '≤ 2 ms' },
      { name: '1-row request over loopback, p99', value: percentile(cairnOne, 99), unit: 'ms', target: '≤ 10 ms' },
      { name: `${BIG_ROWS.toLocaleString('en')}-row request over loopback, median`, value: bigMedian, unit: 'ms', target: '≤ 30 ms' },
      { name: 'reference: bare Python HTTP server scoring the same model in-process, 1-row p50', value: percentile(pythonOne, 50), unit: 'ms', target: 'none set' },
      { name: `reference: the same Python server, ${BIG_ROWS.toLocaleString('en')}-row median`, value: median(pythonBig), unit: 'ms', target: 'none set' },
      { name: 'reference: empty HTTP round trip to a bare Node server, p50', value: percentile(emptyOne, 50), unit: 'ms', target: 'none set' },
      { name: 'ratio Cairn / bare Python server, 1-row p50', value: p50 / percentile(pythonOne, 50), unit: '×', target: 'none set' },
      { name: `ratio Cairn / bare Python server, ${BIG_ROWS.toLocaleString('en')} rows`, value: bigMedian / median(pythonBig), unit: '×', target: 'none set' },
    ];
  } finally {
    agent.destroy();
    reference?.kill();
    empty?.close();
    await service?.close();
    await tracking.close();
    context.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
