// The local deploy target: serves a model version on 127.0.0.1 and answers as `mlflow models
// serve` does. Each deployment is one endpoint host process (local/local-endpoint-host.ts)
// owning the port, with Python model workers behind it. Its files live in
// <dataDir>/deployments/<name>/: endpoint.json (the running host's state), endpoint.log.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CairnError } from '../../../../shared/errors';
import type { DeployTargetInfo, PredictionInput, PredictionResult } from '../../../../shared/deployments';
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
} from '../deploy-target';
import { isProcessAlive } from '../process-liveness';
import workerSource from '../local/cairn_model_worker.py';
import { controlCall, controlLoad, launchEndpointHost, stopEndpointHost, type EndpointHostCommand } from '../local/endpoint-host-process';
import { readEndpointState, type EndpointState } from '../local/endpoint-state-file';
import { HOST_STEP_TITLES, type HostStepName } from '../local/local-endpoint-host';

/** What the local target needs from where it runs. */
export interface LocalTargetOptions {
  readonly dataDir: string;
  /** How to start an endpoint host process. */
  readonly hostCommand: EndpointHostCommand;
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
  private readonly ownedHosts = new Map<string, { pid: number; pipe: NodeJS.WritableStream }>();
  private workerScript: string | null = null;

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
      settings: (Object.keys(SETTINGS) as SettingKey[]).map((key) => ({ key, description: SETTINGS[key], defaultValue: defaults[key] })),
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

  /** Stops the endpoints this process started that stop with it. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.ownedHosts.keys()].map(async (name) => {
        const state = this.runningState(name);
        if (state) await stopEndpointHost(state);
      }),
    );
    for (const { pipe } of this.ownedHosts.values()) pipe.end();
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

  private async startHost(name: string, port: number, config: Readonly<Record<string, string>>, context: DeployContext): Promise<EndpointState> {
    return context.step('start-endpoint', 'Start the endpoint on 127.0.0.1', async (step) => {
      const stopWithOwner = config.keep_running !== 'true';
      const launched = await launchEndpointHost({
        command: this.options.hostCommand,
        name,
        port,
        stateFile: this.stateFile(name),
        logFile: path.join(endpointFolder(this.options.dataDir, name), 'endpoint.log'),
        stopWithOwner,
      });
      if (launched.ownerPipe) this.ownedHosts.set(name, { pid: launched.pid, pipe: launched.ownerPipe });
      const state = readEndpointState(this.stateFile(name));
      if (!state || state.pid !== launched.pid) throw new CairnError('INTERNAL_ERROR', 'The endpoint host started but wrote no state file.');
      step.detail(`${state.url} (host pid ${state.pid}; ${stopWithOwner ? 'stops with the process that started it' : 'keeps running until deleted'})`);
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
