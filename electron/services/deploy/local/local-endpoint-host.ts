// The local endpoint host: one process per local deployment that owns the endpoint's port and
// answers as `mlflow models serve` does (POST /invocations, GET /ping, /health, /version), while
// Python model workers do the scoring. Because the port belongs to the host, a new model
// version is loaded into new workers beside the serving ones and traffic switches only once
// they answer a ping: a version that fails to load never takes the port from the one serving.
//
// A second server on 127.0.0.1 (random port, bearer token from the state file) is the control
// channel: load a version (its steps streamed back as JSON lines), status, stop.
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkHostHeader, isLoopbackHost } from '../../http/request-guards';
import { removeEndpointState, writeEndpointState, type EndpointState, type ServingModel } from './endpoint-state-file';
import { ModelWorker, WorkerStartError } from './model-worker';
import { isPlainJsonContentType, parseRequestMatrix } from './numeric-request-matrix';
import type { WorkerReply } from './worker-frames';

/** How to start a host. */
export interface EndpointHostOptions {
  readonly name: string;
  /** The address the endpoint listens on (loopback). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly stateFile: string;
  readonly cairnVersion: string;
  readonly stopWithOwner: boolean;
  readonly log: (line: string) => void;
  /** The control channel's bearer token; a random one when absent. */
  readonly controlToken?: string;
}

/** What the control channel's load call takes: a model folder and how to run it. */
export interface LoadRequest {
  readonly label: string;
  readonly modelDir: string;
  readonly python: string;
  readonly script: string;
  /** 'auto', 'mlflow' or 'cairn'. */
  readonly loader: string;
  readonly workers: number;
  /** A request taking longer than this gets 503 and its worker is restarted. */
  readonly timeoutSeconds: number;
}

/** The names of the steps a load goes through, in order. */
export type HostStepName = 'start-worker' | 'check-requirements' | 'load-model' | 'answer-ping' | 'switch-traffic';

/** One line of a load's progress stream. */
export type HostLoadEvent =
  | { readonly type: 'step'; readonly name: HostStepName; readonly state: 'running' | 'succeeded' | 'failed'; readonly detail?: string; readonly at: number }
  | { readonly type: 'result'; readonly ok: true; readonly serving: ServingModel }
  | { readonly type: 'result'; readonly ok: false; readonly step: HostStepName; readonly message: string };

/** The titles of the load steps, as the deployment's timeline shows them. */
export const HOST_STEP_TITLES: Readonly<Record<HostStepName, string>> = {
  'start-worker': 'Start the Python worker',
  'check-requirements': "Check the model's requirements",
  'load-model': 'Load the model',
  'answer-ping': 'Answer /ping',
  'switch-traffic': 'Switch traffic to the new version',
};

const MAX_BODY_BYTES = 256 * 1024 * 1024;
const RESTART_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

interface ServingSet {
  readonly request: LoadRequest;
  readonly workers: ModelWorker[];
  info: ServingModel;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function scoringError(response: ServerResponse, status: number, errorCode: string, message: string): void {
  json(response, status, { error_code: errorCode, message });
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.destroy();
        resolve(null);
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** A running endpoint host. */
export class LocalEndpointHost {
  private serving: ServingSet | null = null;
  private loading: AbortController | null = null;
  private closed = false;
  private readonly startedAt = Date.now();
  private readonly token: string;
  private publicServer!: http.Server;
  private controlServer!: http.Server;
  private readonly onClosed = new Set<() => void>();
  /** Workers started to replace ones that died, until they are ready. */
  private readonly restarting = new Set<ModelWorker>();

  private constructor(private readonly options: EndpointHostOptions) {
    this.token = options.controlToken ?? randomUUID();
  }

  /** Starts both servers and writes the state file; rejects (EADDRINUSE, ...) when the port cannot be had. */
  static async start(options: EndpointHostOptions): Promise<LocalEndpointHost> {
    const host = new LocalEndpointHost(options);
    host.publicServer = http.createServer((request, response) => host.handlePublic(request, response));
    host.publicServer.keepAliveTimeout = 65_000;
    host.controlServer = http.createServer((request, response) => host.handleControl(request, response));
    await listen(host.publicServer, options.port, options.host);
    try {
      await listen(host.controlServer, 0, '127.0.0.1');
    } catch (error) {
      host.publicServer.close();
      throw error;
    }
    host.writeState();
    return host;
  }

  /** The endpoint's port. */
  get port(): number {
    return (this.publicServer.address() as AddressInfo).port;
  }

  /** The control channel's port. */
  get controlPort(): number {
    return (this.controlServer.address() as AddressInfo).port;
  }

  /** The endpoint's URL. */
  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}`;
  }

  /** This host's state, as its state file holds it. */
  state(): EndpointState {
    return {
      name: this.options.name,
      pid: process.pid,
      url: this.url,
      port: this.port,
      controlPort: this.controlPort,
      controlToken: this.token,
      startedAt: this.startedAt,
      stopWithOwner: this.options.stopWithOwner,
      serving: this.serving ? { ...this.serving.info, workerPids: this.serving.workers.flatMap((worker) => (worker.pid ? [worker.pid] : [])) } : null,
    };
  }

  /**
   * Loads a model folder into new workers; once every one answers a ping, traffic switches to
   * them and the previous workers finish what they hold and stop. On any failure the new workers
   * are stopped and what was serving goes on serving.
   */
  async load(request: LoadRequest, emit: (event: HostLoadEvent) => void, signal: AbortSignal): Promise<ServingModel> {
    if (this.loading) throw new Error('This endpoint is already loading a model version; wait for it or cancel it.');
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort);
    this.loading = controller;
    const step = (name: HostStepName, state: 'running' | 'succeeded' | 'failed', detail?: string) =>
      emit({ type: 'step', name, state, detail, at: Date.now() });
    const workers: ModelWorker[] = [];
    let current: HostStepName = 'start-worker';
    try {
      step('start-worker', 'running', `${request.python} (${request.workers} worker${request.workers === 1 ? '' : 's'})`);
      for (let i = 0; i < request.workers; i++) {
        workers.push(
          new ModelWorker(
            { python: request.python, script: request.script, modelDir: request.modelDir, loader: request.loader, log: (line) => this.log(`[${request.label}] ${line}`) },
            i === 0
              ? (event) => {
                  if (event.event === 'hello') {
                    const loader = event.loader === 'mlflow-pyfunc' ? `mlflow.pyfunc (mlflow ${String(event.mlflowVersion)})` : "Cairn's scikit-learn loader";
                    step('start-worker', 'succeeded', `Python ${String(event.python)} at ${String(event.executable)}, ${loader}`);
                    step((current = 'check-requirements'), 'running');
                  } else if (event.event === 'requirements') {
                    step('check-requirements', 'succeeded', describeRequirements(event));
                    step((current = 'load-model'), 'running');
                  } else if (event.event === 'loaded') {
                    step('load-model', 'succeeded', `${String(event.modelClass)} in ${Number(event.seconds).toFixed(2)} s`);
                    step((current = 'answer-ping'), 'running');
                  }
                }
              : undefined,
          ),
        );
      }
      await Promise.all(workers.map((worker) => worker.ready(controller.signal)));
      step('answer-ping', 'succeeded', workers.length > 1 ? `${workers.length} workers ready` : undefined);
      current = 'switch-traffic';
      step('switch-traffic', 'running');
      const previous = this.serving;
      const facts = workers[0]!.facts;
      const info: ServingModel = {
        label: request.label,
        modelDir: request.modelDir,
        since: Date.now(),
        python: facts.python,
        executable: facts.executable,
        loader: facts.loader,
        mlflowVersion: facts.mlflowVersion,
        modelClass: facts.modelClass,
        workers: workers.length,
        workerPids: workers.flatMap((worker) => (worker.pid ? [worker.pid] : [])),
      };
      const set: ServingSet = { request, workers, info };
      this.serving = set;
      for (const worker of workers) this.watch(set, worker);
      this.writeState();
      if (previous) void Promise.all(previous.workers.map((worker) => worker.stop()));
      step('switch-traffic', 'succeeded', previous ? `${previous.info.label} stopped; ${request.label} is serving` : `${request.label} is serving`);
      this.log(`serving ${request.label} from ${request.modelDir}`);
      return info;
    } catch (error) {
      for (const worker of workers) worker.kill();
      const failedStep = error instanceof WorkerStartError ? error.step : current;
      const message = error instanceof Error ? error.message : String(error);
      step(failedStep, 'failed', message);
      this.log(`loading ${request.label} failed at ${failedStep}: ${message}`);
      throw Object.assign(new Error(message), { step: failedStep });
    } finally {
      signal.removeEventListener('abort', abort);
      this.loading = null;
    }
  }

  /** Stops serving: both servers close, the workers stop, the state file goes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loading?.abort();
    this.publicServer.closeIdleConnections?.();
    await Promise.all([closeServer(this.publicServer), closeServer(this.controlServer)]);
    for (const worker of this.restarting) worker.kill();
    await Promise.all((this.serving?.workers ?? []).map((worker) => worker.stop(5_000)));
    removeEndpointState(this.options.stateFile, process.pid);
    this.log('stopped');
    for (const listener of this.onClosed) listener();
  }

  /** Calls `listener` once the host has closed (after a control stop, say). */
  whenClosed(listener: () => void): void {
    this.onClosed.add(listener);
  }

  // ---------------------------------------------------------------- the endpoint

  private handlePublic(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    try {
      checkHostHeader(request, isLoopbackHost(this.options.host));
    } catch (error) {
      scoringError(response, 403, 'PERMISSION_DENIED', (error as Error).message);
      return;
    }
    if (path === '/ping' || path === '/health') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(response, 'GET');
      response.writeHead(this.serving ? 200 : 404, { 'content-type': 'application/json', 'content-length': 1 });
      response.end('\n');
      return;
    }
    if (path === '/version') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(response, 'GET');
      const version = this.serving?.info.mlflowVersion ?? this.options.cairnVersion;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(version) });
      response.end(version);
      return;
    }
    if (path === '/invocations') {
      if (request.method !== 'POST') return methodNotAllowed(response, 'POST');
      void this.invoke(request, response).catch((error: unknown) => {
        if (!response.headersSent) scoringError(response, 500, 'INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
      });
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not Found: this endpoint answers POST /invocations, GET /ping, /health and /version.\n');
  }

  private async invoke(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === null) {
      scoringError(response, 413, 'BAD_REQUEST', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
      return;
    }
    const set = this.serving;
    const worker = set ? pickWorker(set.workers) : null;
    if (!set || !worker) {
      scoringError(response, 503, 'INTERNAL_ERROR', 'No model is serving on this endpoint right now; it is starting or restarting.');
      return;
    }
    const contentType = request.headers['content-type'] ?? '';
    const matrix =
      worker.fastColumnIndex && worker.facts.fastColumns && isPlainJsonContentType(contentType)
        ? parseRequestMatrix(body, worker.facts.fastColumns, worker.fastColumnIndex)
        : null;
    const pending = matrix ? worker.invokeMatrix(matrix.rows, matrix.values) : worker.invoke(contentType, body);
    const timeoutMs = set.request.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let reply: WorkerReply | 'timeout';
    try {
      reply = await Promise.race([pending, timedOut]);
    } catch (error) {
      scoringError(response, 503, 'INTERNAL_ERROR', `The model worker stopped while scoring (${(error as Error).message}); it is being restarted.`);
      return;
    } finally {
      clearTimeout(timer);
    }
    if (reply === 'timeout') {
      pending.catch(() => {});
      this.log(`a request took longer than ${set.request.timeoutSeconds} s: restarting worker ${worker.pid}`);
      worker.kill();
      scoringError(response, 503, 'INTERNAL_ERROR', `The model took longer than ${set.request.timeoutSeconds} s to answer; its worker is being restarted.`);
      return;
    }
    response.writeHead(reply.status, {
      'content-type': reply.isJson ? 'application/json' : 'text/plain; charset=utf-8',
      'content-length': reply.body.length,
    });
    response.end(reply.body);
  }

  /** Restarts a serving worker that died, with growing delays, for as long as its version serves. */
  private watch(set: ServingSet, worker: ModelWorker, attempt = 0): void {
    worker.onExit((description) => {
      if (this.closed || this.serving !== set) return;
      const index = set.workers.indexOf(worker);
      if (index === -1) return;
      set.workers.splice(index, 1);
      const delay = RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]!;
      this.log(`worker ${worker.pid} of ${set.info.label} stopped (${description}); restarting in ${delay / 1000} s${worker.stderrSummary()}`);
      setTimeout(() => {
        if (this.closed || this.serving !== set) return;
        const { request } = set;
        const replacement = new ModelWorker({
          python: request.python,
          script: request.script,
          modelDir: request.modelDir,
          loader: request.loader,
          log: (line) => this.log(`[${request.label}] ${line}`),
        });
        this.restarting.add(replacement);
        replacement.ready().then(
          () => {
            this.restarting.delete(replacement);
            if (this.closed || this.serving !== set) return void replacement.stop();
            set.workers.push(replacement);
            this.writeState();
            this.log(`worker ${replacement.pid} of ${set.info.label} restarted`);
            this.watch(set, replacement, 0);
          },
          () => {
            this.restarting.delete(replacement);
            if (this.closed || this.serving !== set) return;
            // The replacement failed too: try again later, longer.
            set.workers.push(replacement);
            this.watch(set, replacement, attempt + 1);
          },
        );
      }, delay).unref();
    });
  }

  // ---------------------------------------------------------------- the control channel

  private handleControl(request: IncomingMessage, response: ServerResponse): void {
    try {
      checkHostHeader(request, true);
    } catch (error) {
      return json(response, 403, { error: (error as Error).message });
    }
    if (request.headers.authorization !== `Bearer ${this.token}`) return json(response, 401, { error: 'A bearer token is required.' });
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/status') return json(response, 200, this.state());
    if (request.method === 'POST' && path === '/stop') {
      json(response, 200, { stopping: true });
      response.on('finish', () => void this.close());
      return;
    }
    if (request.method === 'POST' && path === '/load') {
      void readBody(request, 1024 * 1024).then((body) => this.controlLoad(body, response));
      return;
    }
    json(response, 404, { error: `No control route ${request.method} ${path}.` });
  }

  private async controlLoad(body: Buffer | null, response: ServerResponse): Promise<void> {
    let load: LoadRequest;
    try {
      load = JSON.parse(body?.toString('utf8') ?? '') as LoadRequest;
    } catch {
      return json(response, 400, { error: 'The load request is not JSON.' });
    }
    if (this.loading) return json(response, 409, { error: 'This endpoint is already loading a model version.' });
    const cancel = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) cancel.abort();
    });
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const emit = (event: HostLoadEvent) => response.write(`${JSON.stringify(event)}\n`);
    try {
      const serving = await this.load(load, emit, cancel.signal);
      emit({ type: 'result', ok: true, serving });
    } catch (error) {
      const step = ((error as { step?: HostStepName }).step ?? 'start-worker');
      emit({ type: 'result', ok: false, step, message: (error as Error).message });
    }
    response.end();
  }

  private writeState(): void {
    if (!this.closed) writeEndpointState(this.options.stateFile, this.state());
  }

  private log(line: string): void {
    this.options.log(line);
  }
}

function describeRequirements(event: Record<string, unknown>): string {
  const checked = (event.checked as string[] | undefined) ?? [];
  const skipped = (event.skipped as string[] | undefined) ?? [];
  const mismatched = (event.mismatched as Array<{ requirement: string; installed: string }> | undefined) ?? [];
  if (!event.source) return 'The model lists no requirements.';
  const parts = [`${checked.length} from ${typeof event.source === 'string' ? event.source : JSON.stringify(event.source)} present`];
  if (skipped.length) parts.push(`${skipped.join(', ')} not needed (Cairn serves the model)`);
  if (mismatched.length) parts.push(`other versions installed: ${mismatched.map((m) => `${m.requirement} (have ${m.installed})`).join(', ')}`);
  return parts.join('; ');
}

function pickWorker(workers: readonly ModelWorker[]): ModelWorker | null {
  let best: ModelWorker | null = null;
  for (const worker of workers) {
    if (worker.exited) continue;
    if (!best || worker.inFlight < best.inFlight) best = worker;
  }
  return best;
}

function methodNotAllowed(response: ServerResponse, allowed: string): void {
  response.writeHead(405, { allow: allowed, 'content-type': 'text/plain' });
  response.end('Method Not Allowed\n');
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
