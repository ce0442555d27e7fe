// A small client of Azure Resource Manager for the Azure ML target: tokens from the Azure SDK's
// credential (see azure-credential.ts), JSON requests with the bearer token (only over HTTPS, as
// the Azure SDK insists, or to 127.0.0.1), retries of 429 and 5xx answers honouring Retry-After,
// and ARM's long-running operations: the Azure-AsyncOperation URL polled until its status is
// Succeeded, Failed or Canceled, else the Location URL until it stops answering 202.
//
// HTTPS goes through node:https and its global agent, so certificates added to Node's trust
// (NODE_EXTRA_CA_CERTS, a corporate proxy's CA) are honoured.
import http from 'node:http';
import https from 'node:https';
import { CairnError, type ErrorCode } from '../../../../../shared/errors';
import { sleep } from '../../cloud/polling';
import type { SecretRedactor } from '../../cloud/secret-redactor';
import type { AzureSignIn } from './azure-credential';

/** An error answer of Entra ID or ARM: its HTTP status, the service's error code and message. */
export class AzureApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Which service answered: Entra ID (through the Azure SDK; status 0 when it gave none), ARM, or a long-running operation that ended Failed. */
    readonly source: 'entra' | 'arm' | 'operation',
    readonly attempts = 1,
  ) {
    super(message);
  }
}

/** An HTTP answer as read. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** What one request sends. */
interface RequestOptions {
  readonly method: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** Sends one request (https, or http to 127.0.0.1 only) and reads the whole answer. */
export async function sendRequest(url: string, options: RequestOptions): Promise<HttpAnswer> {
  try {
    return await sendOnce(url, options);
  } catch (error) {
    // A kept-alive connection the server closed while idle: Node's documented remedy is to send again on a new one.
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') return sendOnce(url, options);
    throw error;
  }
}

function sendOnce(url: string, options: RequestOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
  if (target.protocol !== 'https:' && !(target.protocol === 'http:' && loopback)) {
    return Promise.reject(new CairnError('INVALID_PARAMETER_VALUE', `${target.origin} is not an https:// address: Cairn sends Azure tokens and keys only over HTTPS.`));
  }
  const transport = target.protocol === 'https:' ? https : http;
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: options.method,
        headers: { accept: 'application/json', ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers },
        signal: options.signal,
        timeout: options.timeoutMs ?? 60_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${target.origin} did not answer within ${(options.timeoutMs ?? 60_000) / 1000} s`)));
    request.on('error', (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
    request.end(body);
  });
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Where ARM is and who Cairn is to it. */
export interface ArmClientOptions {
  /** https://management.azure.com */
  readonly armEndpoint: string;
  /** Who Cairn signs in as. */
  readonly signIn: AzureSignIn;
  /** Registers the tokens; the client secret is registered by whoever read it. */
  readonly redactor: SecretRedactor;
  /** Tries of a request answered 429 or 5xx (default 5). */
  readonly maxAttempts?: number;
}

/** How to wait for a long-running operation. */
export interface OperationWait {
  readonly signal: AbortSignal;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly onProgress?: (detail: string) => void;
  /** Names what is awaited in the timeout's message. */
  readonly what: string;
}

/** A JSON answer of ARM. */
export interface ArmAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly json: Record<string, unknown> | null;
  /** How many tries it took (more than 1: ARM throttled or failed the earlier ones). */
  readonly attempts: number;
}

/** Talks to ARM as one Entra ID identity (an app registration, or whoever DefaultAzureCredential finds). */
export class ArmClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(private readonly options: ArmClientOptions) {}

  /** A bearer token for ARM (cached until a minute before it expires); AzureApiError (source 'entra') when Entra ID or the credential refuses. */
  async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 60_000) return this.token.value;
    let answer: { token: string; expiresOnTimestamp: number } | null;
    try {
      answer = await this.options.signIn.credential.getToken('https://management.azure.com/.default', { abortSignal: signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw entraError(error);
    }
    if (!answer) throw new AzureApiError(0, 'NoToken', 'The credential gave no token.', 'entra');
    this.options.redactor.add(answer.token);
    this.token = { value: answer.token, expiresAt: answer.expiresOnTimestamp };
    return this.token.value;
  }

  /** Sends a request to ARM (`pathAndQuery` below the ARM endpoint, or a whole URL ARM gave); retries 429 and 5xx; AzureApiError for other error answers. */
  async request(method: string, pathAndQuery: string, body?: unknown, signal?: AbortSignal): Promise<ArmAnswer> {
    const url = /^https?:\/\//.test(pathAndQuery) ? pathAndQuery : `${this.options.armEndpoint.replace(/\/+$/, '')}${pathAndQuery}`;
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken(signal);
      const answer = await sendRequest(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      const json = parseJson(answer.text);
      if (answer.status < 400) return { status: answer.status, headers: answer.headers, json, attempts: attempt };
      const error = (json?.error ?? {}) as { code?: string; message?: string };
      const apiError = new AzureApiError(answer.status, error.code ?? `HTTP ${answer.status}`, error.message ?? answer.text.slice(0, 300), 'arm', attempt);
      const transient = answer.status === 429 || (answer.status >= 500 && answer.status !== 501);
      if (!transient || attempt >= maxAttempts) throw apiError;
      const retryAfter = Number(answer.headers['retry-after']);
      await sleep(Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter, 60) * 1000 : Math.min(500 * 2 ** (attempt - 1), 15_000), signal);
    }
  }

  /**
   * Waits for the long-running operation an answer started (201/202 with Azure-AsyncOperation or
   * Location), as ARM's clients do; AzureApiError (source 'operation') with the operation's error
   * when it ends Failed or Canceled. An answer that started none returns at once.
   */
  async waitForOperation(started: ArmAnswer, wait: OperationWait): Promise<void> {
    const asyncUrl = header(started.headers, 'azure-asyncoperation');
    const locationUrl = header(started.headers, 'location');
    if (!asyncUrl && !locationUrl) return;
    const begun = Date.now();
    let interval = Math.max(Number(header(started.headers, 'retry-after') ?? 0) * 1000, wait.intervalMs);
    interval = Math.min(interval, wait.intervalMs * 10);
    for (;;) {
      if (Date.now() - begun > wait.timeoutMs) {
        throw new CairnError('INVALID_STATE', `${wait.what} did not finish within ${Math.round(wait.timeoutMs / 1000)} s (timeout_seconds); ARM may still finish it: \`cairn deploy status\` shows where it stands.`);
      }
      await sleep(interval, wait.signal);
      const elapsed = `${((Date.now() - begun) / 1000).toFixed(1)} s`;
      if (asyncUrl) {
        const answer = await this.request('GET', asyncUrl, undefined, wait.signal);
        const status = stringField(answer.json?.status, 'Unknown');
        if (status === 'Succeeded') return;
        if (status === 'Failed' || status === 'Canceled') {
          const error = (answer.json?.error ?? {}) as { code?: string; message?: string };
          throw new AzureApiError(200, error.code ?? status, error.message ?? `The operation ended ${status}.`, 'operation');
        }
        wait.onProgress?.(`${status} after ${elapsed}`);
      } else {
        const answer = await this.request('GET', locationUrl!, undefined, wait.signal);
        if (answer.status !== 202) return;
        wait.onProgress?.(`InProgress after ${elapsed}`);
      }
    }
  }
}

/** A field of an ARM answer as text, or `fallback` when it is not a string. */
export function stringField(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Entra ID's refusal as the Azure SDK reports it: MSAL's "<error>: Error(s): <codes> - Timestamp: …
 * - Description: AADSTS…: … - Correlation ID: …" becomes the error and its description; the
 * credential's own errors (CredentialUnavailableError, AggregateAuthenticationError) keep their name.
 */
function entraError(error: unknown): AzureApiError {
  const message = error instanceof Error ? error.message : String(error);
  const server = /^(\w+): Error\(s\):[^]*? - Description: ([^]*?)(?: - Correlation ID:[^]*)?$/.exec(message);
  if (server) return new AzureApiError(server[1] === 'invalid_client' ? 401 : 400, server[1]!, server[2]!.trim(), 'entra');
  if (/^endpoints_resolution_error\b/.test(message)) {
    return new AzureApiError(0, 'endpoints_resolution_error', "Entra ID did not give the tenant's OpenID configuration (the tenant is unknown there, or the authority host cannot be reached).", 'entra');
  }
  return new AzureApiError(0, error instanceof Error ? error.name : 'Error', message.split('\n').slice(0, 8).join(' '), 'entra');
}

/** Whether an error is ARM's or Entra ID's 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof AzureApiError && error.status === 404;
}

/** What to tell a person about an Azure error, by its code. */
function advice(error: AzureApiError, permission: string): string {
  if (error.source === 'entra') {
    if (/AADSTS7000215|AADSTS7000222/.test(error.message)) return 'Entra ID refused the client secret: put the secret\'s value (not its ID) of an unexpired secret of the app registration in the keychain (the target\'s settings) or AZURE_CLIENT_SECRET.';
    if (/AADSTS700016/.test(error.message)) return 'No app registration with that client_id is in the tenant: check client_id (or AZURE_CLIENT_ID) and tenant_id (or AZURE_TENANT_ID).';
    if (/AADSTS90002|AADSTS900023/.test(error.message) || error.code === 'endpoints_resolution_error') return 'The tenant is not found: check tenant_id or AZURE_TENANT_ID (the directory ID of the Entra tenant), and authority_host or AZURE_AUTHORITY_HOST if set.';
    if (error.code === 'CredentialUnavailableError' || error.code === 'AggregateAuthenticationError') return 'No credential signed in: run `az login` (Azure CLI), or set tenant_id, client_id and the client secret (the keychain, or AZURE_CLIENT_SECRET).';
    return 'Entra ID refused to give Cairn a token: check tenant_id, client_id and the client secret.';
  }
  switch (error.code) {
    case 'InvalidAuthenticationToken':
    case 'InvalidAuthenticationTokenTenant':
    case 'AuthenticationFailed':
    case 'ExpiredAuthenticationToken':
      return 'ARM refused the token (HTTP 401): check that tenant_id is the tenant of the subscription, and the app registration\'s credentials.';
    case 'AuthorizationFailed':
    case 'LinkedAuthorizationFailed':
      return `The app registration lacks the permission ${permission}: assign it the AzureML Data Scientist role (or Contributor) on the workspace, and Storage Blob Data Contributor on its storage account.`;
    case 'SubscriptionNotFound':
      return 'The subscription is not found: check subscription_id.';
    case 'ResourceGroupNotFound':
      return 'The resource group is not found in the subscription: check resource_group.';
    case 'ResourceNotFound':
    case 'WorkspaceNotFound':
      return 'Check subscription_id, resource_group and workspace_name (the workspace must exist).';
    case 'OutOfQuota':
      return 'The subscription\'s quota for this VM family in this region is used up: delete unused deployments, request more quota (Azure portal, Quotas, Machine learning), or choose a smaller instance_type or instance_count.';
    case 'OutOfCapacity':
      return 'Azure ML has no capacity for this instance_type in this region now: try again later, choose another instance_type, or deploy to another location.';
    case 'InstanceTypeNotSupported':
    case 'SkuNotAvailable':
      return 'The instance_type is not offered for managed online endpoints in this region: choose another instance_type or location.';
    case 'ResourceNotReady':
      return 'The serving container did not become ready (it crashed, or its liveness probe failed): read the deployment\'s logs (`az ml online-deployment get-logs`); often the model\'s requirements cannot be installed or the model cannot be loaded.';
    case 'TooManyRequests':
    case 'RetryableError':
      return 'ARM went on throttling the requests after Cairn retried with backoff: try again in a minute.';
    case 'Conflict':
    case 'UserError':
      return 'Another change to the same resource is under way, or the name is taken: wait for it to finish, or choose another endpoint_name.';
    case 'BadArgument':
    case 'InvalidRequestContent':
    case 'ValidationError':
      return 'ARM refused the request as invalid: check the setting its message names.';
    default:
      return error.status >= 500 ? 'Azure failed on its side after Cairn retried: try again later.' : 'See the message above; Azure\'s documentation of the error code says more.';
  }
}

/** The CairnError for a failed Azure call: `<what> failed: <Code> (HTTP <status>): <message>. <what to do>` with secrets removed. */
export function azureFailure(what: string, error: unknown, redactor: SecretRedactor, permission = 'this call needs'): CairnError {
  if (error instanceof CairnError) return new CairnError(error.code, redactor.redact(error.message));
  if (!(error instanceof AzureApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new CairnError('INVALID_STATE', redactor.redact(`${what} failed: ${message}. Check the network and the endpoint settings (arm_endpoint, authority_host, blob_endpoint).`));
  }
  const cairnCode: ErrorCode =
    error.status === 401 || error.source === 'entra'
      ? 'UNAUTHENTICATED'
      : error.status === 403
        ? 'PERMISSION_DENIED'
        : error.status === 429
          ? 'REQUEST_LIMIT_EXCEEDED'
          : error.status === 404
            ? 'RESOURCE_DOES_NOT_EXIST'
            : 'INVALID_STATE';
  const where = error.source === 'operation' ? 'ended Failed' : `failed${error.attempts > 1 ? ` after ${error.attempts} attempts` : ''}`;
  const status = error.source === 'operation' || error.status === 0 ? '' : ` (HTTP ${error.status})`;
  return new CairnError(cairnCode, redactor.redact(`${what} ${where}: ${error.code}${status}: ${error.message} ${advice(error, permission)}`));
}
