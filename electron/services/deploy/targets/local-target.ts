// The local deploy target: serves a model version on 127.0.0.1 and answers as `mlflow models
// serve` does. Each deployment is one endpoint host process (local/local-endpoint-host.ts)
// owning the port, with Python model workers behind it. Its files live in
// <dataDir>/deployments/<name>/: endpoint.json (the running host's state), endpoint.log.
//
// Hosts are started by the launcher the target is given (Node, or Electron's utility processes)
// as spares and adopted by a deployment. warmUp starts a spare ahead with warm Python workers
// (the Deploy dialog opened), so that a deploy adopts it and only loads the model.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CairnError } from '../../../../shared/errors';
import type { DeploymentLogs, DeployTargetInfo, PredictionInput, PredictionResult } from '../../../../shared/deployments';
import type {
  DeployContext,
  DeployTarget,
  OpenStep,
  TargetDeployment,
  TargetDeploymentRef,
  TargetDeployRequest,
  TargetListedDeployment,
  TargetStatus,
  TargetUpdateRequest,
  TargetWarmUpRequest,
} from '../deploy-target';
import { isProcessAlive } from '../process-liveness';
import workerSource from '../local/cairn_model_worker.py';
import type { EndpointHostLauncher } from '../local/endpoint-host-launcher';
import {
  adoptEndpointHost,
  controlCall,
  controlLoad,
  launchEndpointHost,
  prewarmEndpointHost,
  stopEndpointHost,
  warmWorkersOf,
  type LaunchedHost,
} from '../local/endpoint-host-process';
import { readEndpointState, type EndpointState } from '../local/endpoint-state-file';
import { HOST_STEP_TITLES, type HostStepName } from '../local/local-endpoint-host';

/** What the local target needs from where it runs. */
export interface LocalTargetOptions {
  readonly dataDir: string;
  /** How endpoint host processes are started (Node, or Electron's utility processes in the desktop app). */
  readonly launcher: EndpointHostLauncher;
  /** The Python used when a deployment names none (the setting's default). */
  readonly defaultPython: string;
  /** Whether endpoints keep running after the process that started them ends, when a deployment does not say. */
  readonly keepRunningByDefault: boolean;
}

const SETTINGS = {
  python: 'The Python that runs the model (needs the packages the model requires; mlflow is used when it has it)',
  port: 'Port on 127.0.0.1 (0 picks a free one)',
  workers: 'Python worker processes scoring requests side by side (1 to 16)',
  timeout: 'Seconds a request may take before its worker is restarted (1 to 3600)',
  loader: "How the model is loaded: auto (mlflow.pyfunc when the Python has mlflow, else Cairn's scikit-learn loader), mlflow, or cairn",
  keep_running: 'true: the endpoint keeps serving after the app or command that started it ends; false: it stops with it',
} as const;

/** What keep_running means where endpoints end with the app (the desktop app's utility processes). */
const KEEP_RUNNING_WITH_APP =
  'true: the endpoint is started again, on its port, when the app next starts (in the desktop app endpoints end with the app; `cairn deploy` keeps them serving without it); false: it stops with the app';

/** A spare host nobody adopts stops after this long (it holds a Python with the model's libraries). */
const SPARE_IDLE_SECONDS = 600;
/** How long warmUp waits for warm workers' imports. */
const WARM_TIMEOUT_MS = 120_000;

/** A spare host this process started: not yet a deployment's endpoint. */
interface SpareHost {
  readonly host: LaunchedHost;
  readonly startedAt: number;
}

type SettingKey = keyof typeof SETTINGS;

function endpointFolder(dataDir: string, name: string): string {
  return path.join(dataDir, 'deployments', name);
}

function integerSetting(config: Readonly<Record<string, string>>, key: SettingKey, min: number, max: number): number {
  const text = config[key]!;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new CairnError('INVALID_PARAMETER_VALUE', `The local target's ${key} must be a whole number from ${min} to ${max}, got '${text}'.`);
  }
  return value;
}

/** Serves model versions on this machine. */
export class LocalTarget implements DeployTarget {
  readonly info: DeployTargetInfo;
  /** Hosts this process started that stop with it, by deployment name. */
  private readonly ownedHosts = new Map<string, { pid: number; pipe: NodeJS.WritableStream | null }>();
  private workerScript: string | null = null;
  /** The spare host started ahead (or being started), if any. */
  private spare: Promise<SpareHost> | null = null;

  constructor(private readonly options: LocalTargetOptions) {
    const defaults: Record<SettingKey, string> = {
      python: options.defaultPython,
      port: '0',
      workers: '1',
      timeout: '60',
      loader: 'auto',
      keep_running: String(options.keepRunningByDefault),
    };
    this.info = {
      name: 'local',
      title: 'This machine',
      description: 'Serves the model on 127.0.0.1 as `mlflow models serve` does: POST /invocations, GET /ping, /health, /version.',
      settings: (Object.keys(SETTINGS) as SettingKey[]).map((key) => ({
        key,
        description: key === 'keep_running' && options.launcher.lifetime === 'with-owner' ? KEEP_RUNNING_WITH_APP : SETTINGS[key],
        defaultValue: defaults[key],
      })),
      secrets: [],
    };
  }

  checkConfig(_name: string, config: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const unknown = Object.keys(config).filter((key) => !(key in SETTINGS));
    if (unknown.length) {
      throw new CairnError(
        'INVALID_PARAMETER_VALUE',
        `The local target has no setting ${unknown.map((k) => `'${k}'`).join(', ')}; its settings are ${Object.keys(SETTINGS).join(', ')}.`,
      );
    }
    const complete: Record<string, string> = {};
    for (const setting of this.info.settings) complete[setting.key] = config[setting.key] ?? setting.defaultValue ?? '';
    if (!complete.python!.trim()) throw new CairnError('INVALID_PARAMETER_VALUE', "The local target's python must name a Python interpreter.");
    integerSetting(complete, 'port', 0, 65535);
    integerSetting(complete, 'workers', 1, 16);
    integerSetting(complete, 'timeout', 1, 3600);
    if (!['auto', 'mlflow', 'cairn'].includes(complete.loader!)) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `The local target's loader must be auto, mlflow or cairn, got '${complete.loader}'.`);
    }
    if (!['true', 'false'].includes(complete.keep_running!)) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `The local target's keep_running must be true or false, got '${complete.keep_running}'.`);
    }
    return complete;
  }

  async create(request: TargetDeployRequest, context: DeployContext): Promise<TargetDeployment> {
    const stale = this.runningState(request.name);
    if (stale) await stopEndpointHost(stale);
    const port = Number(request.config.port);
    const state = await this.startHost(request.name, port, request.config, context);
    try {
      await this.load(state, request, context);
      await this.checkEndpoint(state.url, context);
    } catch (error) {
      // A create that failed leaves nothing running.
      await stopEndpointHost(state);
      this.ownedHosts.delete(request.name);
      throw error;
    }
    return { endpointUrl: state.url, state: { port: state.port } };
  }

  async update(request: TargetUpdateRequest, context: DeployContext): Promise<TargetDeployment> {
    const recordedPort = Number(request.current.state.port ?? 0);
    const wantedPort = Number(request.config.port);
    if (wantedPort !== 0 && recordedPort !== 0 && wantedPort !== recordedPort) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `A local endpoint keeps its port (${recordedPort}); delete it and create it again to move it to ${wantedPort}.`);
    }
    let state = this.runningState(request.name);
    if (!state) state = await this.startHost(request.name, recordedPort || wantedPort, request.config, context);
    await this.load(state, request, context);
    await this.checkEndpoint(state.url, context);
    return { endpointUrl: state.url, state: { port: state.port } };
  }

  /** The end of the endpoint's log file (the host's lines and its workers' stderr). */
  async logs(ref: TargetDeploymentRef, maxBytes: number): Promise<DeploymentLogs> {
    const file = path.join(endpointFolder(this.options.dataDir, ref.name), 'endpoint.log');
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', truncated: false, source: file };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - maxBytes);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      let text = buffer.toString('utf8');
      // A cut line (and a cut character) is dropped: the text starts at a line's start.
      if (start > 0) text = text.slice(text.indexOf('\n') + 1);
      return { text, truncated: start > 0, source: file };
    } finally {
      await handle.close();
    }
  }

  /** Starts a spare host with warm workers for this config (or has a running endpoint start them, for an update); resolves once their imports are done. */
  async warmUp(request: TargetWarmUpRequest): Promise<void> {
    const prewarm = {
      python: request.config.python!,
      script: this.ensureWorkerScript(),
      loader: request.config.loader!,
      workers: Number(request.config.workers),
      hintModelDir: request.modelDir,
    };
    const running = request.deployment ? this.runningState(request.deployment.name) : null;
    const host = running ?? (await this.ensureSpare()).host;
    await prewarmEndpointHost(host, prewarm);
    const deadline = Date.now() + WARM_TIMEOUT_MS;
    for (;;) {
      const warm = await warmWorkersOf(host);
      if (!warm || warm.workers === 0) throw new CairnError('INTERNAL_ERROR', `The warm Python worker (${prewarm.python}) stopped; see the endpoint log.`);
      if (warm.ready) return;
      if (Date.now() > deadline) throw new CairnError('INTERNAL_ERROR', `The warm Python worker did not finish its imports within ${WARM_TIMEOUT_MS / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** A kept-running endpoint that ended with the app (Electron's utility processes end with it) is to be started again. */
  needsRestart(ref: TargetDeploymentRef): boolean {
    return this.options.launcher.lifetime === 'with-owner' && ref.config.keep_running === 'true' && this.runningState(ref.name) === null;
  }

  async status(ref: TargetDeploymentRef): Promise<TargetStatus> {
    const state = this.runningState(ref.name);
    if (!state) {
      return {
        health: 'stopped',
        endpointUrl: ref.endpointUrl,
        message: 'The endpoint is not running (it stopped with the app or command that started it, or its process ended). Update it to start it again.',
      };
    }
    try {
      const live = await controlCall<EndpointState>(state, 'GET', '/status', 5_000);
      return live.serving
        ? { health: 'serving', endpointUrl: live.url, message: `Serving ${live.serving.label} since ${new Date(live.serving.since).toISOString()}.` }
        : { health: 'starting', endpointUrl: live.url, message: 'The endpoint is up and loading its model.' };
    } catch (error) {
      return { health: 'failed', endpointUrl: state.url, message: `The endpoint host (pid ${state.pid}) does not answer: ${(error as Error).message}` };
    }
  }

  async predict(ref: TargetDeploymentRef, input: PredictionInput, signal?: AbortSignal): Promise<PredictionResult> {
    const url = this.runningState(ref.name)?.url ?? ref.endpointUrl;
    if (!url) throw new CairnError('INVALID_STATE', `Deployment '${ref.name}' has no endpoint.`);
    const body = 'csv' in input ? input.csv : JSON.stringify(input.json);
    return postInvocation(url, 'csv' in input ? 'text/csv' : 'application/json', body, signal);
  }

  async delete(ref: TargetDeploymentRef, context: DeployContext): Promise<void> {
    await context.step('stop-endpoint', 'Stop the endpoint', async (step) => {
      const state = readEndpointState(this.stateFile(ref.name));
      const outcome = state ? await stopEndpointHost(state) : 'was-not-running';
      this.ownedHosts.delete(ref.name);
      step.detail(outcome === 'stopped' ? `Stopped the host (pid ${state!.pid}) and its workers.` : 'It was not running.');
    });
  }

  async list(): Promise<TargetListedDeployment[]> {
    const root = path.join(this.options.dataDir, 'deployments');
    const names = fs.existsSync(root) ? fs.readdirSync(root) : [];
    return names
      .map((name) => this.runningState(name))
      .filter((state): state is EndpointState => state !== null)
      .map((state) => ({ name: state.name, endpointUrl: state.url, health: state.serving ? 'serving' : 'starting' }));
  }

  /** Stops the endpoints this process started that stop with it, and its spare host. */
  async close(): Promise<void> {
    const spare = this.spare;
    this.spare = null;
    await Promise.all([
      ...[...this.ownedHosts.keys()].map(async (name) => {
        const state = this.runningState(name);
        if (state) await stopEndpointHost(state);
      }),
      spare?.then(
        ({ host }) => stopEndpointHost(host),
        () => undefined,
      ),
    ]);
    for (const { pipe } of this.ownedHosts.values()) pipe?.end();
    this.ownedHosts.clear();
  }

  // ---------------------------------------------------------------- internals

  private stateFile(name: string): string {
    return path.join(endpointFolder(this.options.dataDir, name), 'endpoint.json');
  }

  /** The host's state when its process runs; null when it does not. */
  private runningState(name: string): EndpointState | null {
    const state = readEndpointState(this.stateFile(name));
    return state && isProcessAlive(state.pid) ? state : null;
  }

  /** The spare host, started now unless one runs (or is starting). */
  private ensureSpare(): Promise<SpareHost> {
    const current = this.spare;
    if (current) {
      return current.then(
        (spare) => (isProcessAlive(spare.host.pid) ? spare : this.launchSpare()),
        () => this.launchSpare(),
      );
    }
    return this.launchSpare();
  }

  /** Starts a spare host; `shared`: it becomes the one the next deploy claims (else the caller keeps it). */
  private launchSpare(shared = true): Promise<SpareHost> {
    const startedAt = Date.now();
    const launching = launchEndpointHost({
      launcher: this.options.launcher,
      logFile: path.join(this.options.dataDir, 'deployments', '.runtime', 'spare-host.log'),
      stopWithOwner: true,
      idleSeconds: SPARE_IDLE_SECONDS,
    }).then((host) => ({ host, startedAt }));
    if (!shared) return launching;
    this.spare = launching;
    launching.catch(() => {
      if (this.spare === launching) this.spare = null;
    });
    return launching;
  }

  /** Takes the spare host if one runs (it is then this deployment's alone); else starts one. */
  private async claimSpare(): Promise<{ spare: SpareHost; startedAhead: boolean }> {
    const current = this.spare;
    this.spare = null;
    const ready = current ? await current.catch(() => null) : null;
    if (ready && isProcessAlive(ready.host.pid)) return { spare: ready, startedAhead: true };
    return { spare: await this.launchSpare(false), startedAhead: false };
  }

  private async startHost(name: string, port: number, config: Readonly<Record<string, string>>, context: DeployContext): Promise<EndpointState> {
    return context.step('start-endpoint', 'Start the endpoint on 127.0.0.1', async (step) => {
      const stopWithOwner = config.keep_running !== 'true';
      const { spare, startedAhead } = await this.claimSpare();
      let state: EndpointState;
      try {
        state = await adoptEndpointHost(spare.host, {
          name,
          port,
          stateFile: this.stateFile(name),
          logFile: path.join(endpointFolder(this.options.dataDir, name), 'endpoint.log'),
          stopWithOwner,
        });
      } catch (error) {
        await stopEndpointHost(spare.host);
        throw error;
      }
      if (stopWithOwner || this.options.launcher.lifetime === 'with-owner') this.ownedHosts.set(name, { pid: state.pid, pipe: spare.host.ownerPipe });
      const lifetime = !stopWithOwner
        ? this.options.launcher.lifetime === 'with-owner'
          ? 'ends with the app, started again when it next starts'
          : 'keeps running until deleted'
        : 'stops with the process that started it';
      const ahead = startedAhead ? `, started ahead ${((Date.now() - spare.startedAt) / 1000).toFixed(1)} s ago` : '';
      step.detail(`${state.url} (host pid ${state.pid}${ahead}; ${lifetime})`);
      return state;
    });
  }

  private async load(state: EndpointState, request: TargetDeployRequest, context: DeployContext): Promise<void> {
    const open = new Map<HostStepName, OpenStep>();
    const label = `${request.model.name} v${request.model.version}`;
    const result = await controlLoad(
      state,
      {
        label,
        modelDir: request.modelDir,
        python: request.config.python!,
        script: this.ensureWorkerScript(),
        loader: request.config.loader!,
        workers: Number(request.config.workers),
        timeoutSeconds: Number(request.config.timeout),
      },
      (event) => {
        if (event.type !== 'step') return;
        if (event.state === 'running') {
          open.set(event.name, context.begin(event.name, HOST_STEP_TITLES[event.name], event.detail));
          return;
        }
        const step = open.get(event.name) ?? context.begin(event.name, HOST_STEP_TITLES[event.name]);
        open.delete(event.name);
        if (event.state === 'succeeded') step.succeed(event.detail);
        else step.fail(new Error(event.detail ?? 'failed'));
      },
      context.signal,
    ).catch((error: unknown) => {
      if (context.signal.aborted) throw new CairnError('INVALID_STATE', 'Cancelled.');
      throw error;
    });
    if (!result.ok) throw Object.assign(new CairnError('INVALID_STATE', result.message), { step: result.step });
  }

  private async checkEndpoint(url: string, context: DeployContext): Promise<void> {
    await context.step('check-endpoint', 'Check the endpoint answers /ping', async (step) => {
      const started = performance.now();
      const status = await getStatus(`${url}/ping`);
      if (status !== 200) throw new CairnError('INTERNAL_ERROR', `${url}/ping answered ${status}.`);
      step.detail(`${url}/ping answered 200 in ${(performance.now() - started).toFixed(1)} ms`);
    });
  }

  /** Writes the worker script into the data folder once per content (Python cannot read it from inside an app bundle). */
  private ensureWorkerScript(): string {
    if (this.workerScript && fs.existsSync(this.workerScript)) return this.workerScript;
    const hash = createHash('sha256').update(workerSource).digest('hex').slice(0, 12);
    const file = path.join(this.options.dataDir, 'deployments', '.runtime', `cairn_model_worker_${hash}.py`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, workerSource);
      fs.renameSync(temporary, file);
    }
    this.workerScript = file;
    return file;
  }
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { timeout: 5_000 }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('timeout', function (this: http.ClientRequest) {
        this.destroy(new Error(`${url} did not answer within 5 s`));
      })
      .on('error', reject);
  });
}

/** POSTs a scoring request to an endpoint's /invocations and reads its answer. */
export function postInvocation(url: string, contentType: string, body: string, signal?: AbortSignal): Promise<PredictionResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      `${url}/invocations`,
      { method: 'POST', headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }, signal },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          if (String(response.headers['content-type']).startsWith('application/json')) {
            try {
              json = JSON.parse(text);
            } catch {
              json = null;
            }
          }
          resolve({ status: response.statusCode ?? 0, json, text, durationMs: performance.now() - started });
        });
      },
    );
    request.on('error', (error) => reject(new CairnError('INVALID_STATE', `${url} did not answer: ${error.message}`)));
    request.end(body);
  });
}
