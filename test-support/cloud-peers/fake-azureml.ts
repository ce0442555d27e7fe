// A fake of Entra ID's token endpoint and of Azure Resource Manager's Azure ML routes for tests, on
// 127.0.0.1 over HTTPS (a self-signed certificate made for the test; the Azure SDK and Cairn send
// bearer tokens only over HTTPS), following the published REST contract:
// - Entra ID as the Azure SDK (MSAL) signs in against it: GET
//   /{tenant}/v2.0/.well-known/openid-configuration, the OpenID discovery document naming this
//   server's endpoints (an unknown tenant: 400 invalid_tenant, AADSTS90002), and
//   POST /{tenant}/oauth2/v2.0/token, the client-credentials grant; a wrong secret answers 401
//   invalid_client with AADSTS7000215, an unknown client 400 with AADSTS700016;
// - every ARM request needs `api-version` (400 MissingApiVersionParameter) and a bearer token the
//   token endpoint gave (401 InvalidAuthenticationToken with WWW-Authenticate);
// - under /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/
//   workspaces/{ws}: the workspace, datastores/{name} (+ listSecrets: the azurite account key),
//   models/{name}/versions[/{v}], onlineEndpoints[/{e}] (+ listKeys), onlineEndpoints/{e}/deployments[/{d}];
// - PUT and DELETE of endpoints and deployments are long-running: 201/202 with Azure-AsyncOperation
//   (…/mfeOperationsStatus/{id}: InProgress, then Succeeded or Failed with {error: {code, message}})
//   and Location (…/mfeOperationResults/{id}: 202 until done), provisioningState moving
//   Creating/Updating/Deleting → Succeeded/Failed; errors as {error: {code, message}}.
// A deployment really serves its model: the fake downloads the registered version's files from the
// datastore (real azurite) and deploys them with Cairn's local target (a real Python worker), so
// POST {scoringUri} (the endpoint key as bearer) answers real predictions, routed by traffic.
// Injected failures: 429 TooManyRequests for the next N requests of a kind, OutOfQuota beyond a
// number of instances, OutOfCapacity for an instance type, and a model that cannot be loaded ends
// its deployment Failed with ResourceNotReady.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { DeployContext } from '../../electron/services/deploy/deploy-target';
import type { EndpointHostLauncher } from '../../electron/services/deploy/local/endpoint-host-launcher';
import { LocalTarget, postInvocation } from '../../electron/services/deploy/targets/local-target';
import { startAzurite, type AzuritePeer } from './azurite-peer';

/** A self-signed certificate for 127.0.0.1, made with openssl in a temporary folder. */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
}

/** Makes a certificate for 127.0.0.1 valid for a day (openssl req -x509). */
export function makeTestCertificate(): TestCertificate {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', path.join(folder, 'key.pem'), '-out', path.join(folder, 'cert.pem')], { stdio: 'ignore' });
    return { cert: fs.readFileSync(path.join(folder, 'cert.pem'), 'utf8'), key: fs.readFileSync(path.join(folder, 'key.pem'), 'utf8') };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** What the fake serves and accepts. */
export interface FakeAzureMlOptions {
  readonly certificate: TestCertificate;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspace: string;
  readonly location?: string;
  /** The workspace's blob datastore (workspaceblobstore): an azurite account. */
  readonly storage: AzuritePeer;
  /** How deployments serve their model: the local target's endpoint host and Python. */
  readonly launcher: EndpointHostLauncher;
  readonly python: string;
  /** How long a long-running operation stays InProgress at least (default 200 ms). */
  readonly transitionMs?: number;
}

interface Operation {
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  error?: { code: string; message: string };
  readonly started: string;
}

interface OnlineEndpoint {
  readonly name: string;
  body: Record<string, unknown>;
  provisioningState: string;
  traffic: Record<string, number>;
  readonly keys: { primaryKey: string; secondaryKey: string };
}

interface OnlineDeployment {
  readonly name: string;
  readonly endpoint: string;
  body: Record<string, unknown>;
  provisioningState: string;
  /** The local endpoint serving it, once provisioned. */
  localUrl?: string;
  localName?: string;
}

/** One ARM request the fake answered, for assertions. */
export interface FakeAzureMlCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string | null;
}

class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CONTAINER = 'azureml-blobstore-cairn-tests';
const VM_CORES: Readonly<Record<string, number>> = { Standard_DS2_v2: 2, Standard_DS3_v2: 4, Standard_DS4_v2: 8, Standard_F4s_v2: 4, Standard_E4s_v3: 4 };

/** A running fake of Entra ID and ARM's Azure ML routes, with scoring. */
export class FakeAzureMl {
  readonly calls: FakeAzureMlCall[] = [];
  readonly endpoints = new Map<string, OnlineEndpoint>();
  readonly deployments = new Map<string, OnlineDeployment>();
  readonly modelVersions = new Map<string, Record<string, unknown>>();
  readonly operations = new Map<string, Operation>();
  private readonly tokens = new Set<string>();
  private readonly throttles = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly serving: LocalTarget;
  private readonly servingDir: string;
  private readonly location: string;
  private localCounter = 0;
  /** Cores the subscription may use for managed online deployments (OutOfQuota beyond). */
  coreQuota = 64;
  /** Instance types without capacity in the region (OutOfCapacity). */
  readonly noCapacity = new Set<string>();

  private constructor(
    private readonly server: https.Server,
    private readonly options: FakeAzureMlOptions,
  ) {
    this.location = options.location ?? 'eastus';
    this.servingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-azureml-'));
    this.serving = new LocalTarget({ dataDir: this.servingDir, launcher: options.launcher, defaultPython: options.python, keepRunningByDefault: false });
  }

  /** Starts the fake on 127.0.0.1 on a free port, and makes the datastore's container. */
  static async start(options: FakeAzureMlOptions): Promise<FakeAzureMl> {
    const server = https.createServer({ cert: options.certificate.cert, key: options.certificate.key });
    const fake = new FakeAzureMl(server, options);
    server.on('request', (request, response) => void fake.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await fake.container().createIfNotExists();
    return fake;
  }

  /** https://127.0.0.1:PORT: both arm_endpoint and authority_host. */
  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as import('node:net').AddressInfo).port}`;
  }

  /** The workspace's resource path. */
  get workspacePath(): string {
    const o = this.options;
    return `/subscriptions/${o.subscriptionId}/resourceGroups/${o.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${o.workspace}`;
  }

  /** Answers the next `times` requests of `kind` (e.g. 'PUT deployments', 'GET onlineEndpoints') with 429 TooManyRequests. */
  throttle(kind: string, times: number): void {
    this.throttles.set(kind, times);
  }

  /** The datastore's container in azurite. */
  container() {
    const storage = this.options.storage;
    return new BlobServiceClient(storage.endpoint, new StorageSharedKeyCredential(storage.accountName, storage.accountKey)).getContainerClient(CONTAINER);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.serving.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.servingDir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      const text = payload === undefined ? '' : JSON.stringify(payload);
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), 'content-length': Buffer.byteLength(text), ...headers });
      response.end(text);
    };
    if (method === 'GET' && /^\/[^/]+\/v2\.0\/\.well-known\/openid-configuration$/.test(url.pathname)) {
      this.openIdConfiguration(url.pathname.split('/')[1]!, send);
      return;
    }
    if (method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) {
      this.token(url.pathname.split('/')[1]!, new URLSearchParams(body), send);
      return;
    }
    const scoring = /^\/inference\/([^/]+)\/score$/.exec(url.pathname);
    if (scoring && method === 'POST') {
      await this.score(decodeURIComponent(scoring[1]!), request, body, response);
      return;
    }
    let status = 500;
    let code: string | null = null;
    try {
      const authorization = String(request.headers.authorization ?? '');
      if (!authorization.startsWith('Bearer ') || !this.tokens.has(authorization.slice(7))) {
        throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      }
      if (!url.searchParams.get('api-version')) throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
      const kind = `${method} ${/\/(onlineEndpoints|deployments|models|versions|datastores|workspaces|mfeOperationsStatus|mfeOperationResults)(\/[^/]+)?(\/(listKeys|listSecrets))?$/.exec(url.pathname)?.[1] ?? 'other'}`;
      const left = this.throttles.get(kind) ?? 0;
      if (left > 0) {
        this.throttles.set(kind, left - 1);
        response.setHeader('retry-after', '0');
        throw new ArmError(429, 'TooManyRequests', 'The request is being throttled as the limit has been reached for operation type - Write_ObservationWindow_00:01:00.');
      }
      const answer = await this.route(method, url.pathname, body ? (JSON.parse(body) as Record<string, unknown>) : {});
      status = answer.status;
      send(answer.status, answer.body, answer.headers);
    } catch (error) {
      const armError = error instanceof ArmError ? error : new ArmError(500, 'InternalServerError', String(error));
      status = armError.status;
      code = armError.code;
      send(armError.status, { error: { code: armError.code, message: armError.message } }, armError.status === 401 ? { 'www-authenticate': `Bearer authorization_uri="${this.url}/${this.options.tenantId}", error="invalid_token"` } : {});
    } finally {
      this.calls.push({ method, path: url.pathname, status, code });
    }
  }

  /** Entra ID's OpenID discovery document of a tenant (the fields MSAL reads, as login.microsoftonline.com publishes them). */
  private openIdConfiguration(tenant: string, send: (status: number, payload: unknown) => void): void {
    if (tenant !== this.options.tenantId) {
      send(400, {
        error: 'invalid_tenant',
        error_description: `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        error_codes: [90002],
        timestamp: new Date().toISOString(),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
        error_uri: `${this.url}/error?code=90002`,
      });
      return;
    }
    const base = `${this.url}/${tenant}`;
    send(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    });
  }

  private token(tenant: string, form: URLSearchParams, send: (status: number, payload: unknown) => void): void {
    const o = this.options;
    const trace = { timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() };
    if (tenant !== o.tenantId) {
      send(400, { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, error_codes: [90002], ...trace });
      return;
    }
    if (form.get('grant_type') !== 'client_credentials' || !form.get('scope')?.endsWith('/.default')) {
      send(400, { error: 'invalid_request', error_description: "AADSTS900144: The request body must contain the following parameter: 'grant_type' or 'scope'.", error_codes: [900144], ...trace });
      return;
    }
    if (form.get('client_id') !== o.clientId) {
      send(400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'.`, error_codes: [700016], ...trace });
      return;
    }
    if (form.get('client_secret') !== o.clientSecret) {
      send(401, { error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${o.clientId}'.`, error_codes: [7000215], ...trace });
      return;
    }
    const token = randomBytes(32).toString('base64url');
    this.tokens.add(token);
    send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  private armId(suffix: string): string {
    return `${this.workspacePath}${suffix}`;
  }

  /** Starts a long-running operation: `work` runs after transitionMs; its failure ends the operation Failed. */
  private longRunning(work: () => Promise<void>, onFailure: (error: ArmError) => void): Record<string, string> {
    const id = randomUUID();
    const operation: Operation = { status: 'InProgress', started: new Date().toISOString() };
    this.operations.set(id, operation);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().then(
        () => {
          operation.status = 'Succeeded';
        },
        (error: unknown) => {
          const armError = error instanceof ArmError ? error : new ArmError(500, 'InternalServerError', String(error));
          operation.status = 'Failed';
          operation.error = { code: armError.code, message: armError.message };
          onFailure(armError);
        },
      );
    }, this.options.transitionMs ?? 200);
    this.timers.add(timer);
    const base = `${this.url}/subscriptions/${this.options.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${this.location}`;
    return {
      'azure-asyncoperation': `${base}/mfeOperationsStatus/${id}?api-version=2024-04-01`,
      location: `${base}/mfeOperationResults/${id}?api-version=2024-04-01`,
      'retry-after': '0',
    };
  }

  private async route(method: string, pathname: string, body: Record<string, unknown>): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const o = this.options;
    const operation = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/locations\/[^/]+\/(mfeOperationsStatus|mfeOperationResults)\/([^/]+)$/.exec(pathname);
    if (operation && method === 'GET') {
      const found = this.operations.get(operation[3]!);
      if (!found) throw new ArmError(404, 'NotFound', `The operation ${operation[3]} was not found.`);
      if (operation[2] === 'mfeOperationResults') return { status: found.status === 'InProgress' ? 202 : 200, headers: found.status === 'InProgress' ? { 'retry-after': '0' } : {} };
      return { status: 200, body: { id: operation[3], name: operation[3], status: found.status, startTime: found.started, ...(found.error ? { error: found.error } : {}) } };
    }
    const prefix = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)(\/.*)?$/i.exec(pathname);
    if (!prefix) throw new ArmError(404, 'InvalidResourceType', `The resource type could not be found in the namespace for path ${pathname}.`);
    if (prefix[1] !== o.subscriptionId) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${prefix[1]}' could not be found.`);
    if (prefix[2]!.toLowerCase() !== o.resourceGroup.toLowerCase()) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${prefix[2]}' could not be found.`);
    if (prefix[3] !== o.workspace) throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.MachineLearningServices/workspaces/${prefix[3]}' under resource group '${prefix[2]}' was not found.`);
    const rest = prefix[4] ?? '';
    let match: RegExpExecArray | null;
    if (rest === '' && method === 'GET') return { status: 200, body: { id: this.workspacePath, name: o.workspace, location: this.location, properties: { provisioningState: 'Succeeded' } } };
    if ((match = /^\/datastores\/([^/]+)(\/listSecrets)?$/.exec(rest))) {
      if (match[1] !== 'workspaceblobstore') throw new ArmError(404, 'UserError', `Datastore ${match[1]} not found in workspace ${o.workspace}.`);
      if (match[2] && method === 'POST') return { status: 200, body: { secretsType: 'AccountKey', key: o.storage.accountKey } };
      if (!match[2] && method === 'GET') {
        return { status: 200, body: { id: this.armId('/datastores/workspaceblobstore'), name: 'workspaceblobstore', properties: { datastoreType: 'AzureBlob', accountName: o.storage.accountName, containerName: CONTAINER, endpoint: 'core.windows.net', protocol: 'https', credentials: { credentialsType: 'AccountKey' }, isDefault: true } } };
      }
    }
    if ((match = /^\/models\/([^/]+)\/versions(?:\/([^/]+))?$/.exec(rest))) return this.models(method, match[1]!, match[2], body);
    if ((match = /^\/onlineEndpoints(?:\/([^/]+))?(\/listKeys)?$/.exec(rest))) return this.endpoint(method, match[1], Boolean(match[2]), body);
    if ((match = /^\/onlineEndpoints\/([^/]+)\/deployments(?:\/([^/]+))?$/.exec(rest))) return this.deployment(method, match[1]!, match[2], body);
    throw new ArmError(404, 'NotFound', `No route ${method} ${rest}.`);
  }

  private models(method: string, name: string, version: string | undefined, body: Record<string, unknown>): { status: number; body?: unknown } {
    const key = `${name}:${version}`;
    if (!version) {
      if (method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', 'Method not allowed.');
      const value = [...this.modelVersions.entries()].filter(([k]) => k.startsWith(`${name}:`)).map(([, v]) => v);
      if (value.length === 0) throw new ArmError(404, 'UserError', `Could not find asset with name ${name}.`);
      return { status: 200, body: { value } };
    }
    if (method === 'PUT') {
      const properties = (body.properties ?? {}) as { modelUri?: string; modelType?: string };
      if (!properties.modelUri || !/^azureml:\/\/.+\/datastores\/[^/]+\/paths\/.+/.test(properties.modelUri)) throw new ArmError(400, 'UserError', `Invalid modelUri '${String(properties.modelUri)}': expected azureml://.../datastores/<datastore>/paths/<path>.`);
      if (this.modelVersions.has(key)) throw new ArmError(409, 'UserError', `Conflict: model ${name} version ${version} exists already and is immutable.`);
      const resource = { id: this.armId(`/models/${name}/versions/${version}`), name: version, type: 'Microsoft.MachineLearningServices/workspaces/models/versions', properties: { ...properties, provisioningState: 'Succeeded' } };
      this.modelVersions.set(key, resource);
      return { status: 201, body: resource };
    }
    const found = this.modelVersions.get(key);
    if (!found) {
      if (method === 'DELETE') return { status: 204 };
      throw new ArmError(404, 'UserError', `Could not find asset with name ${name} and version ${version}.`);
    }
    if (method === 'GET') return { status: 200, body: found };
    if (method === 'DELETE') {
      this.modelVersions.delete(key);
      return { status: 200 };
    }
    throw new ArmError(405, 'MethodNotAllowed', 'Method not allowed.');
  }

  private endpointResource(endpoint: OnlineEndpoint): unknown {
    return {
      id: this.armId(`/onlineEndpoints/${endpoint.name}`),
      name: endpoint.name,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
      location: this.location,
      identity: { type: 'SystemAssigned' },
      tags: endpoint.body.tags ?? {},
      properties: {
        ...(endpoint.body.properties as Record<string, unknown>),
        provisioningState: endpoint.provisioningState,
        traffic: endpoint.traffic,
        scoringUri: `${this.url}/inference/${endpoint.name}/score`,
        swaggerUri: `${this.url}/inference/${endpoint.name}/swagger.json`,
      },
    };
  }

  private endpoint(method: string, name: string | undefined, listKeys: boolean, body: Record<string, unknown>): { status: number; body?: unknown; headers?: Record<string, string> } {
    if (!name) {
      if (method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', 'Method not allowed.');
      return { status: 200, body: { value: [...this.endpoints.values()].map((e) => this.endpointResource(e)) } };
    }
    const endpoint = this.endpoints.get(name);
    if (listKeys) {
      if (!endpoint) throw new ArmError(404, 'UserError', `Endpoint ${name} not found.`);
      return { status: 200, body: endpoint.keys };
    }
    if (method === 'GET') {
      if (!endpoint) throw new ArmError(404, 'UserError', `Endpoint ${name} not found.`);
      return { status: 200, body: this.endpointResource(endpoint) };
    }
    if (method === 'PUT') {
      if (!/^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/.test(name)) throw new ArmError(400, 'BadArgument', `The endpoint name ${name} is invalid: 3 to 32 characters, letters, digits and '-', starting with a letter.`);
      if (body.location !== this.location) throw new ArmError(400, 'BadArgument', `The location '${String(body.location)}' is not the workspace's location '${this.location}'.`);
      const properties = (body.properties ?? {}) as { authMode?: string; traffic?: Record<string, number> };
      if (!['Key', 'AMLToken', 'AADToken'].includes(String(properties.authMode))) throw new ArmError(400, 'BadArgument', `authMode must be Key, AMLToken or AADToken, got '${String(properties.authMode)}'.`);
      const traffic = properties.traffic ?? {};
      const total = Object.values(traffic).reduce((a, b) => a + b, 0);
      if (Object.keys(traffic).length && total !== 100) throw new ArmError(400, 'BadArgument', `Traffic must add up to 100 (it adds up to ${total}).`);
      for (const deploymentName of Object.keys(traffic)) {
        const deployment = this.deployments.get(`${name}/${deploymentName}`);
        if (!deployment || deployment.provisioningState !== 'Succeeded') throw new ArmError(400, 'BadArgument', `Traffic cannot go to deployment ${deploymentName}: it does not exist or has not provisioned.`);
      }
      if (endpoint) {
        if (['Creating', 'Updating', 'Deleting'].includes(endpoint.provisioningState)) throw new ArmError(409, 'Conflict', `The endpoint ${name} is ${endpoint.provisioningState}; another operation is in progress.`);
        endpoint.provisioningState = 'Updating';
        endpoint.body = body;
        const headers = this.longRunning(
          async () => {
            endpoint.traffic = traffic;
            endpoint.provisioningState = 'Succeeded';
          },
          () => (endpoint.provisioningState = 'Succeeded'),
        );
        return { status: 200, body: this.endpointResource(endpoint), headers };
      }
      const created: OnlineEndpoint = { name, body, provisioningState: 'Creating', traffic: {}, keys: { primaryKey: randomBytes(24).toString('base64'), secondaryKey: randomBytes(24).toString('base64') } };
      this.endpoints.set(name, created);
      const headers = this.longRunning(
        async () => {
          created.traffic = traffic;
          created.provisioningState = 'Succeeded';
        },
        () => (created.provisioningState = 'Failed'),
      );
      return { status: 201, body: this.endpointResource(created), headers };
    }
    if (method === 'DELETE') {
      if (!endpoint) return { status: 204 };
      endpoint.provisioningState = 'Deleting';
      const headers = this.longRunning(async () => {
        for (const [key, deployment] of [...this.deployments.entries()].filter(([, d]) => d.endpoint === name)) {
          await this.stopServing(deployment);
          this.deployments.delete(key);
        }
        this.endpoints.delete(name);
      }, () => undefined);
      return { status: 202, headers };
    }
    throw new ArmError(405, 'MethodNotAllowed', 'Method not allowed.');
  }

  private deploymentResource(deployment: OnlineDeployment): unknown {
    return {
      id: this.armId(`/onlineEndpoints/${deployment.endpoint}/deployments/${deployment.name}`),
      name: deployment.name,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
      location: this.location,
      sku: deployment.body.sku,
      properties: { ...(deployment.body.properties as Record<string, unknown>), provisioningState: deployment.provisioningState },
    };
  }

  private deployment(method: string, endpointName: string, name: string | undefined, body: Record<string, unknown>): { status: number; body?: unknown; headers?: Record<string, string> } {
    const endpoint = this.endpoints.get(endpointName);
    if (!endpoint) throw new ArmError(404, 'UserError', `Endpoint ${endpointName} not found.`);
    if (!name) {
      if (method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', 'Method not allowed.');
      return { status: 200, body: { value: [...this.deployments.values()].filter((d) => d.endpoint === endpointName).map((d) => this.deploymentResource(d)) } };
    }
    const key = `${endpointName}/${name}`;
    const existing = this.deployments.get(key);
    if (method === 'GET') {
      if (!existing) throw new ArmError(404, 'UserError', `Deployment ${name} not found in endpoint ${endpointName}.`);
      return { status: 200, body: this.deploymentResource(existing) };
    }
    if (method === 'PUT') {
      if (existing) throw new ArmError(409, 'Conflict', `Deployment ${name} exists already; Cairn's fake takes no in-place updates.`);
      if (!/^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/.test(name)) throw new ArmError(400, 'BadArgument', `The deployment name ${name} is invalid: 3 to 32 characters, letters, digits and '-', starting with a letter.`);
      const properties = (body.properties ?? {}) as { endpointComputeType?: string; model?: string; instanceType?: string };
      const sku = (body.sku ?? {}) as { capacity?: number };
      if (properties.endpointComputeType !== 'Managed') throw new ArmError(400, 'BadArgument', 'endpointComputeType must be Managed.');
      const modelKey = /\/models\/([^/]+)\/versions\/([^/]+)$/.exec(String(properties.model));
      const model = modelKey ? this.modelVersions.get(`${modelKey[1]}:${modelKey[2]}`) : undefined;
      if (!model) throw new ArmError(400, 'BadArgument', `The model ${String(properties.model)} could not be found in the workspace.`);
      const cores = VM_CORES[String(properties.instanceType)];
      if (!cores) throw new ArmError(400, 'BadArgument', `The instance type ${String(properties.instanceType)} is not supported for managed online endpoints.`);
      const deployment: OnlineDeployment = { name, endpoint: endpointName, body, provisioningState: 'Creating' };
      this.deployments.set(key, deployment);
      const capacity = Number(sku.capacity ?? 1);
      const headers = this.longRunning(
        async () => {
          const used = [...this.deployments.values()]
            .filter((d) => d !== deployment && d.provisioningState === 'Succeeded')
            .reduce((sum, d) => sum + (VM_CORES[String((d.body.properties as { instanceType?: string }).instanceType)] ?? 0) * Number((d.body.sku as { capacity?: number }).capacity ?? 1), 0);
          if (used + cores * capacity > this.coreQuota) {
            throw new ArmError(200, 'OutOfQuota', `Not enough quota available for ${String(properties.instanceType)} in SubscriptionId ${this.options.subscriptionId}. Current usage/limit: ${used}/${this.coreQuota}. Additional needed: ${cores * capacity}. Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota`);
          }
          if (this.noCapacity.has(String(properties.instanceType))) {
            throw new ArmError(200, 'OutOfCapacity', `The specified VM Size ${String(properties.instanceType)} failed to provision due to a lack of Azure Machine Learning capacity in ${this.location}. Retry later or try deploying to a different region.`);
          }
          await this.startServing(deployment, String((model.properties as { modelUri: string }).modelUri));
          deployment.provisioningState = 'Succeeded';
        },
        () => (deployment.provisioningState = 'Failed'),
      );
      return { status: 201, body: this.deploymentResource(deployment), headers };
    }
    if (method === 'DELETE') {
      if (!existing) return { status: 204 };
      if ((endpoint.traffic[name] ?? 0) > 0) throw new ArmError(400, 'BadArgument', `Deployment ${name} takes ${endpoint.traffic[name]}% of the traffic: move the traffic away before deleting it.`);
      existing.provisioningState = 'Deleting';
      const headers = this.longRunning(async () => {
        await this.stopServing(existing);
        this.deployments.delete(key);
      }, () => undefined);
      return { status: 202, headers };
    }
    throw new ArmError(405, 'MethodNotAllowed', 'Method not allowed.');
  }

  /** What Azure ML's serving container does: download the model's files and load them (here: Cairn's local target). */
  private async startServing(deployment: OnlineDeployment, modelUri: string): Promise<void> {
    const prefix = /\/paths\/(.+)$/.exec(modelUri)![1]!;
    const folder = fs.mkdtempSync(path.join(this.servingDir, 'model-'));
    const container = this.container();
    let files = 0;
    for await (const blob of container.listBlobsFlat({ prefix: `${prefix}/` })) {
      const target = path.join(folder, blob.name.slice(prefix.length + 1));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      await container.getBlobClient(blob.name).downloadToFile(target);
      files++;
    }
    if (files === 0 || !fs.existsSync(path.join(folder, 'MLmodel'))) {
      throw new ArmError(200, 'ResourceNotReady', `User container has crashed or terminated: no MLmodel found under ${modelUri}. Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-resourcenotready`);
    }
    const localName = `${deployment.endpoint}-${deployment.name}-${++this.localCounter}`;
    const config = this.serving.checkConfig(localName, { python: this.options.python, keep_running: 'false' });
    try {
      const served = await this.serving.create({ name: localName, config, model: { name: deployment.name, version: '1', uri: modelUri }, modelDir: folder, operationId: this.localCounter }, quietContext());
      deployment.localUrl = served.endpointUrl;
      deployment.localName = localName;
    } catch (error) {
      throw new ArmError(200, 'ResourceNotReady', `User container has crashed or terminated: ${(error as Error).message.split('\n')[0]}. Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-resourcenotready`);
    }
  }

  private async stopServing(deployment: OnlineDeployment): Promise<void> {
    if (!deployment.localName) return;
    await this.serving.delete({ name: deployment.localName, config: {}, endpointUrl: deployment.localUrl ?? null, state: {}, model: null }, quietContext());
    deployment.localUrl = undefined;
  }

  private async score(endpointName: string, request: http.IncomingMessage, body: string, response: http.ServerResponse): Promise<void> {
    const reply = (status: number, text: string, contentType = 'application/json') => {
      response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
      response.end(text);
    };
    const endpoint = this.endpoints.get(endpointName);
    if (!endpoint) return reply(404, JSON.stringify({ message: `Endpoint ${endpointName} not found.` }));
    const key = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (key !== endpoint.keys.primaryKey && key !== endpoint.keys.secondaryKey) return reply(401, JSON.stringify({ message: 'Invalid key or token: the request is not authorized.' }));
    const named = request.headers['azureml-model-deployment'];
    const target = typeof named === 'string' ? named : Object.entries(endpoint.traffic).find(([, share]) => share > 0)?.[0];
    const deployment = target ? this.deployments.get(`${endpointName}/${target}`) : undefined;
    if (!deployment?.localUrl) return reply(424, JSON.stringify({ message: 'No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route.' }));
    const answer = await postInvocation(deployment.localUrl, String(request.headers['content-type'] ?? 'application/json'), body);
    response.setHeader('azureml-model-deployment', deployment.name);
    reply(answer.status, answer.text);
  }
}

/** A deploy context that records nothing (the fake's own use of the local target). */
function quietContext(): DeployContext {
  const handle = { detail: () => undefined, succeed: () => undefined, fail: () => undefined };
  return { signal: new AbortController().signal, step: (_name, _title, work) => work(handle), begin: () => handle, beginCleanUp: () => handle };
}

/** The fake with its peers, as the Azure ML tests and the benchmark use them. */
export interface AzureMlPeers {
  readonly storage: AzuritePeer;
  readonly fake: FakeAzureMl;
  /** The client secret the fake's app registration has (what AZURE_CLIENT_SECRET or the keychain holds). */
  readonly clientSecret: string;
  /** The fake's HTTPS certificate, for a process started later to trust (NODE_EXTRA_CA_CERTS). */
  readonly certificate: TestCertificate;
  /** Settings of a deployment into the fake's workspace (`extra` added). */
  settings(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts azurite and the fake (HTTPS with a certificate made now), and makes this process trust
 * that certificate (https.globalAgent, which Cairn's Azure client uses; NODE_EXTRA_CA_CERTS does
 * the same for a process started after).
 */
export async function startAzureMlPeers(launcher: EndpointHostLauncher, python: string): Promise<AzureMlPeers> {
  const storage = await startAzurite();
  const certificate = makeTestCertificate();
  const previousCa = https.globalAgent.options.ca;
  https.globalAgent.options.ca = [certificate.cert, ...tls.rootCertificates];
  const ids = { tenantId: randomUUID(), clientId: randomUUID(), subscriptionId: randomUUID() };
  const clientSecret = `cairn~${randomBytes(24).toString('base64url')}`;
  const fake = await FakeAzureMl.start({ certificate, ...ids, clientSecret, resourceGroup: 'cairn-tests', workspace: 'cairn-ws', storage, launcher, python, transitionMs: 100 });
  return {
    storage,
    fake,
    clientSecret,
    certificate,
    settings: (extra = {}) => ({
      subscription_id: ids.subscriptionId,
      resource_group: 'cairn-tests',
      workspace_name: 'cairn-ws',
      tenant_id: ids.tenantId,
      client_id: ids.clientId,
      arm_endpoint: fake.url,
      authority_host: fake.url,
      blob_endpoint: storage.endpoint,
      poll_seconds: '0.05',
      timeout_seconds: '120',
      ...extra,
    }),
    close: async () => {
      await fake.close();
      await storage.stop();
      https.globalAgent.options.ca = previousCa;
    },
  };
}
