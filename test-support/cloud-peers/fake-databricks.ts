// A fake Databricks workspace for tests, on 127.0.0.1. A workspace is one host serving MLflow
// (tracking, registry, artifact proxy) and Model Serving. The MLflow part is real: requests below
// /api/2.0/mlflow and /api/2.0/mlflow-artifacts are passed to a second Cairn tracking server
// (which speaks MLflow's REST API and checks the same bearer token). Model Serving has no
// emulator, so it is a fake following the published serving-endpoints API 2.0: create an
// endpoint with served entities and a traffic config, GET it (state.ready READY/NOT_READY,
// state.config_update NOT_UPDATING/IN_PROGRESS/UPDATE_FAILED, pending_config while updating),
// PUT its config (409 RESOURCE_CONFLICT while an update is under way), DELETE it, list them,
// and POST /serving-endpoints/{name}/invocations. Errors are `{"error_code", "message"}` with
// Databricks' statuses (401 without a token, 403 "Invalid access token", 404
// RESOURCE_DOES_NOT_EXIST, 400 RESOURCE_ALREADY_EXISTS / INVALID_PARAMETER_VALUE, 429).
//
// Served entities really serve: for each one the fake downloads the registry version's files
// from the workspace's MLflow (get-download-uri, the artifact proxy's listing and downloads) and
// starts Cairn's local endpoint host on them (the same host `cairn deploy --target local` runs,
// with Debian's Python), as Databricks builds a container for it. A version that fails to load
// ends its update UPDATE_FAILED with the host's reason in deployment_state_message; the config
// that served goes on serving. Invocations go to the entity that the traffic config routes to.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { DeployContext, TargetDeploymentRef } from '../../electron/services/deploy/deploy-target';
import type { EndpointHostLauncher } from '../../electron/services/deploy/local/endpoint-host-launcher';
import { LocalTarget } from '../../electron/services/deploy/targets/local-target';

/** How the fake runs. */
export interface FakeDatabricksOptions {
  /** The personal access token the workspace accepts. */
  readonly token: string;
  /** The second Cairn tracking server playing the workspace's MLflow (started with the same token). */
  readonly mlflowUrl: string;
  /** Starts the endpoint hosts that serve the entities. */
  readonly launcher: EndpointHostLauncher;
  /** The Python the served entities run in. */
  readonly python: string;
  /** Extra time an entity takes to become ready after its model loaded (default 100 ms). */
  readonly readyDelayMs?: number;
}

interface ServedEntityConfig {
  readonly name: string;
  readonly entity_name: string;
  readonly entity_version: string;
  readonly workload_size: string;
  readonly scale_to_zero_enabled: boolean;
}

interface Route {
  readonly served_model_name: string;
  readonly traffic_percentage: number;
}

interface EndpointConfig {
  readonly served_entities: readonly ServedEntityConfig[];
  readonly traffic_config: { readonly routes: readonly Route[] };
  readonly config_version: number;
}

/** A served entity's running copy: the local endpoint host serving its files. */
interface RunningEntity {
  readonly key: string;
  deployment: 'DEPLOYMENT_CREATING' | 'DEPLOYMENT_READY' | 'DEPLOYMENT_FAILED';
  message: string;
  ref: TargetDeploymentRef | null;
}

interface Endpoint {
  readonly name: string;
  readonly id: string;
  readonly created: number;
  config: EndpointConfig | null;
  pending: EndpointConfig | null;
  configUpdate: 'NOT_UPDATING' | 'IN_PROGRESS' | 'UPDATE_FAILED';
  readonly tags: unknown;
}

/** One request the fake received (method, path), for assertions. */
export interface FakeDatabricksCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /^[a-zA-Z0-9_-]{1,63}$/;

/** A running fake workspace. */
export class FakeDatabricks {
  readonly calls: FakeDatabricksCall[] = [];
  readonly endpoints = new Map<string, Endpoint>();
  /** Running entities by endpoint/name/model/version (an unchanged entity is kept across configs, as Databricks keeps it). */
  readonly entities = new Map<string, RunningEntity>();
  private readonly throttles: Array<{ pattern: RegExp; left: number }> = [];
  private readonly local: LocalTarget;
  private readonly dataDir: string;
  private nextId = 1;

  private constructor(
    private readonly server: http.Server,
    private readonly options: FakeDatabricksOptions,
  ) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-databricks-'));
    this.local = new LocalTarget({ dataDir: this.dataDir, launcher: options.launcher, defaultPython: options.python, keepRunningByDefault: false });
  }

  /** Starts the fake on 127.0.0.1 on a free port. */
  static async start(options: FakeDatabricksOptions): Promise<FakeDatabricks> {
    const server = http.createServer();
    const fake = new FakeDatabricks(server, options);
    server.on('request', (request, response) => void fake.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The workspace URL (the target's host setting). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as import('node:net').AddressInfo).port}`;
  }

  /** Answers the next `times` requests whose "METHOD path" matches with 429 REQUEST_LIMIT_EXCEEDED. */
  throttle(pattern: RegExp, times: number): void {
    this.throttles.push({ pattern, left: times });
  }

  /** Stops every entity's host and the server. */
  async close(): Promise<void> {
    await Promise.all([...this.entities.values()].map((entity) => this.stopEntity(entity)));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.local.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://x');
    const method = request.method ?? 'GET';
    const send = (status: number, payload: unknown) => {
      const text = JSON.stringify(payload);
      this.calls.push({ method, path: url.pathname, status });
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    };
    try {
      const authorization = request.headers.authorization;
      if (!authorization?.startsWith('Bearer ')) throw new ApiError(401, 'UNAUTHENTICATED', 'Credential was not sent or was of an unsupported type for this API.');
      if (authorization.slice('Bearer '.length) !== this.options.token) throw new ApiError(403, 'PERMISSION_DENIED', 'Invalid access token.');
      const throttle = this.throttles.find((t) => t.left > 0 && t.pattern.test(`${method} ${url.pathname}`));
      if (throttle) {
        throttle.left--;
        throw new ApiError(429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests. Please wait a moment and try again.');
      }
      if (url.pathname.startsWith('/api/2.0/mlflow/') || url.pathname.startsWith('/api/2.0/mlflow-artifacts/')) {
        await this.passToMlflow(request, url, body, response);
        this.calls.push({ method, path: url.pathname, status: response.statusCode });
        return;
      }
      const invocation = /^\/serving-endpoints\/([^/]+)\/invocations$/.exec(url.pathname);
      if (invocation && method === 'POST') {
        await this.invoke(decodeURIComponent(invocation[1]!), request, body, response);
        this.calls.push({ method, path: url.pathname, status: response.statusCode });
        return;
      }
      const json = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      const [status, answer] = await this.serving(method, url.pathname, json);
      send(status, answer);
    } catch (error) {
      if (error instanceof ApiError) send(error.status, { error_code: error.code, message: error.message });
      else if (error instanceof SyntaxError) send(400, { error_code: 'MALFORMED_REQUEST', message: `Malformed JSON: ${error.message}` });
      else send(500, { error_code: 'INTERNAL_ERROR', message: String(error) });
    }
  }

  private async passToMlflow(request: http.IncomingMessage, url: URL, body: Buffer, response: http.ServerResponse): Promise<void> {
    const headers: Record<string, string> = { authorization: String(request.headers.authorization) };
    if (request.headers['content-type']) headers['content-type'] = String(request.headers['content-type']);
    const answer = await fetch(`${this.options.mlflowUrl}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: body.length ? new Blob([new Uint8Array(body)]) : undefined,
    });
    const content = Buffer.from(await answer.arrayBuffer());
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'content-length': content.length });
    response.end(content);
  }

  private async serving(method: string, pathname: string, body: Record<string, unknown>): Promise<[number, unknown]> {
    if (pathname === '/api/2.0/serving-endpoints' && method === 'GET') return [200, { endpoints: [...this.endpoints.values()].map((e) => this.view(e)) }];
    if (pathname === '/api/2.0/serving-endpoints' && method === 'POST') {
      const name = body.name;
      if (typeof name !== 'string' || !NAME.test(name)) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid endpoint name '${String(name)}': use letters, digits, '-' and '_' (at most 63).`);
      if (this.endpoints.has(name)) throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Endpoint with name '${name}' already exists.`);
      const config = this.checkConfig(body.config as Record<string, unknown> | undefined, 1);
      const endpoint: Endpoint = { name, id: `${(this.nextId++).toString(16).padStart(32, '0')}`, created: Date.now(), config: null, pending: config, configUpdate: 'IN_PROGRESS', tags: body.tags ?? [] };
      this.endpoints.set(name, endpoint);
      void this.rollOut(endpoint, config);
      return [200, this.view(endpoint)];
    }
    const one = /^\/api\/2\.0\/serving-endpoints\/([^/]+)(\/config)?$/.exec(pathname);
    if (!one) throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No API found for '${method} ${pathname}'.`);
    const name = decodeURIComponent(one[1]!);
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Endpoint with name '${name}' does not exist.`);
    if (one[2] && method === 'PUT') {
      if (endpoint.configUpdate === 'IN_PROGRESS') throw new ApiError(409, 'RESOURCE_CONFLICT', `Endpoint '${name}' is currently being updated. Please wait until the update is complete.`);
      const config = this.checkConfig(body, (endpoint.config?.config_version ?? 0) + 1);
      endpoint.pending = config;
      endpoint.configUpdate = 'IN_PROGRESS';
      void this.rollOut(endpoint, config);
      return [200, this.view(endpoint)];
    }
    if (!one[2] && method === 'GET') return [200, this.view(endpoint)];
    if (!one[2] && method === 'DELETE') {
      this.endpoints.delete(name);
      for (const [key, entity] of this.entities) {
        if (key.startsWith(`${name}/`)) {
          this.entities.delete(key);
          await this.stopEntity(entity);
        }
      }
      return [200, {}];
    }
    throw new ApiError(405, 'BAD_REQUEST', `Method ${method} is not allowed on ${pathname}.`);
  }

  private checkConfig(config: Record<string, unknown> | undefined, version: number): EndpointConfig {
    const entities = config?.served_entities as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(entities) || entities.length === 0) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', 'The config must have at least one served entity.');
    const served = entities.map((entity): ServedEntityConfig => {
      if (typeof entity.entity_name !== 'string' || typeof entity.entity_version !== 'string') throw new ApiError(400, 'INVALID_PARAMETER_VALUE', 'A served entity needs entity_name and entity_version.');
      const workload = typeof entity.workload_size === 'string' ? entity.workload_size : 'Small';
      if (!['Small', 'Medium', 'Large'].includes(workload)) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid workload_size '${workload}'.`);
      const name = typeof entity.name === 'string' ? entity.name : `${entity.entity_name.replace(/\./g, '-')}-${entity.entity_version}`;
      return { name, entity_name: entity.entity_name, entity_version: entity.entity_version, workload_size: workload, scale_to_zero_enabled: entity.scale_to_zero_enabled !== false };
    });
    if (new Set(served.map((s) => s.name)).size !== served.length) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', 'Served entity names must be unique.');
    const routes = ((config?.traffic_config as { routes?: Route[] } | undefined)?.routes ?? (served.length === 1 ? [{ served_model_name: served[0]!.name, traffic_percentage: 100 }] : []));
    for (const route of routes) {
      if (!served.some((s) => s.name === route.served_model_name)) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', `The traffic config routes to '${route.served_model_name}', which is not a served entity.`);
    }
    if (routes.reduce((sum, r) => sum + r.traffic_percentage, 0) !== 100) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', 'The traffic percentages must add up to 100.');
    return { served_entities: served, traffic_config: { routes }, config_version: version };
  }

  private view(endpoint: Endpoint): unknown {
    const withState = (config: EndpointConfig) => ({
      ...config,
      served_entities: config.served_entities.map((entity) => {
        const running = this.entities.get(this.entityKey(endpoint.name, entity));
        return { ...entity, state: { deployment: running?.deployment ?? 'DEPLOYMENT_CREATING', deployment_state_message: running?.message ?? '' } };
      }),
    });
    return {
      name: endpoint.name,
      id: endpoint.id,
      creation_timestamp: endpoint.created,
      state: { ready: endpoint.config ? 'READY' : 'NOT_READY', config_update: endpoint.configUpdate },
      ...(endpoint.config ? { config: withState(endpoint.config) } : {}),
      ...(endpoint.pending && endpoint.configUpdate === 'IN_PROGRESS' ? { pending_config: withState(endpoint.pending) } : {}),
      ...(endpoint.configUpdate === 'UPDATE_FAILED' && endpoint.pending ? { pending_config: withState(endpoint.pending) } : {}),
      tags: endpoint.tags,
    };
  }

  private entityKey(endpointName: string, entity: ServedEntityConfig): string {
    return `${endpointName}/${entity.name}/${entity.entity_name}/${entity.entity_version}`;
  }

  /** Builds the config's new entities (download and serve); then it becomes the config, or the update fails and the old one serves on. */
  private async rollOut(endpoint: Endpoint, config: EndpointConfig): Promise<void> {
    const results = await Promise.all(config.served_entities.map((entity) => this.deploy(endpoint.name, entity)));
    await new Promise((resolve) => setTimeout(resolve, this.options.readyDelayMs ?? 100));
    if (this.endpoints.get(endpoint.name) !== endpoint || endpoint.pending !== config) return;
    if (results.every((r) => r.deployment === 'DEPLOYMENT_READY')) {
      const previous = endpoint.config;
      endpoint.config = config;
      endpoint.pending = null;
      endpoint.configUpdate = 'NOT_UPDATING';
      // Entities no longer in the config stop.
      const kept = new Set(config.served_entities.map((e) => this.entityKey(endpoint.name, e)));
      for (const entity of previous?.served_entities ?? []) {
        const key = this.entityKey(endpoint.name, entity);
        const running = this.entities.get(key);
        if (!kept.has(key) && running) {
          this.entities.delete(key);
          await this.stopEntity(running);
        }
      }
    } else {
      endpoint.configUpdate = 'UPDATE_FAILED';
    }
  }

  private async deploy(endpointName: string, entity: ServedEntityConfig): Promise<RunningEntity> {
    const key = this.entityKey(endpointName, entity);
    const existing = this.entities.get(key);
    if (existing && existing.deployment !== 'DEPLOYMENT_FAILED') return existing;
    const running: RunningEntity = { key, deployment: 'DEPLOYMENT_CREATING', message: 'Creating the container for the served entity.', ref: null };
    this.entities.set(key, running);
    const modelDir = fs.mkdtempSync(path.join(this.dataDir, 'model-'));
    try {
      await this.download(entity.entity_name, entity.entity_version, modelDir);
      const name = `${endpointName}-${entity.name}`.replace(/[^a-zA-Z0-9_-]/g, '-');
      const config = this.local.checkConfig(name, { python: this.options.python });
      const model = { name: entity.entity_name, version: entity.entity_version, uri: `models:/${entity.entity_name}/${entity.entity_version}` };
      const deployed = await this.local.create({ name, config, model, modelDir, operationId: this.nextId++ }, quietContext());
      running.ref = { name, config, endpointUrl: deployed.endpointUrl, state: deployed.state, model };
      running.deployment = 'DEPLOYMENT_READY';
      running.message = 'Served entity creation completed.';
    } catch (error) {
      running.deployment = 'DEPLOYMENT_FAILED';
      running.message = `Served entity creation failed: the container exited while loading the model: ${(error as Error).message}`;
    }
    return running;
  }

  /** The registry version's files, as Databricks' container build fetches them: get-download-uri, then the artifact proxy. */
  private async download(modelName: string, version: string, into: string): Promise<void> {
    const headers = { authorization: `Bearer ${this.options.token}` };
    const uri = new URL(`${this.options.mlflowUrl}/api/2.0/mlflow/model-versions/get-download-uri`);
    uri.searchParams.set('name', modelName);
    uri.searchParams.set('version', version);
    const located = (await (await fetch(uri, { headers })).json()) as { artifact_uri?: string; message?: string };
    if (!located.artifact_uri?.startsWith('mlflow-artifacts:/')) throw new Error(`the registry has no files for ${modelName} version ${version}: ${located.message ?? located.artifact_uri}`);
    const root = located.artifact_uri.slice('mlflow-artifacts:/'.length).replace(/^\/+/, '');
    const walk = async (folder: string, target: string): Promise<void> => {
      const list = new URL(`${this.options.mlflowUrl}/api/2.0/mlflow-artifacts/artifacts`);
      list.searchParams.set('path', folder);
      const listed = (await (await fetch(list, { headers })).json()) as { files?: Array<{ path: string; is_dir: boolean }> };
      for (const file of listed.files ?? []) {
        const name = path.posix.basename(file.path);
        if (file.is_dir) {
          fs.mkdirSync(path.join(target, name));
          await walk(`${folder}/${name}`, path.join(target, name));
        } else {
          const encoded = `${folder}/${name}`.split('/').map(encodeURIComponent).join('/');
          const answer = await fetch(`${this.options.mlflowUrl}/api/2.0/mlflow-artifacts/artifacts/${encoded}`, { headers });
          fs.writeFileSync(path.join(target, name), Buffer.from(await answer.arrayBuffer()));
        }
      }
    };
    await walk(root, into);
    if (!fs.existsSync(path.join(into, 'MLmodel'))) throw new Error(`${modelName} version ${version} has no MLmodel at ${located.artifact_uri}`);
  }

  private async stopEntity(entity: RunningEntity): Promise<void> {
    if (entity.ref) await this.local.delete(entity.ref, quietContext()).catch(() => undefined);
  }

  private async invoke(name: string, request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): Promise<void> {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Endpoint with name '${name}' does not exist.`);
    if (!endpoint.config) throw new ApiError(400, 'INVALID_STATE', `Endpoint '${name}' is not ready yet.`);
    // Traffic goes where the routes say (a weighted draw, as Databricks splits it).
    let draw = Math.random() * 100;
    const route = endpoint.config.traffic_config.routes.find((r) => (draw -= r.traffic_percentage) < 0) ?? endpoint.config.traffic_config.routes[0]!;
    const entity = endpoint.config.served_entities.find((e) => e.name === route.served_model_name)!;
    const running = this.entities.get(this.entityKey(name, entity));
    if (!running?.ref?.endpointUrl) throw new ApiError(503, 'TEMPORARILY_UNAVAILABLE', `The served entity ${entity.name} is not running.`);
    const answer = await fetch(`${running.ref.endpointUrl}/invocations`, {
      method: 'POST',
      headers: { 'content-type': String(request.headers['content-type'] ?? 'application/json') },
      body: new Blob([new Uint8Array(body)]),
    });
    const content = Buffer.from(await answer.arrayBuffer());
    response.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': content.length, 'served-model-name': entity.name });
    response.end(content);
  }
}

/** A deploy context that records nothing (the fake's own use of the local target). */
function quietContext(): DeployContext {
  const signal = new AbortController().signal;
  const handle = { detail: () => undefined, succeed: () => undefined, fail: () => undefined };
  return { signal, step: async (_name, _title, work) => work(handle), begin: () => handle, beginCleanUp: () => handle };
}
