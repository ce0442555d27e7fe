// A small client of a Databricks workspace's REST API (`/api/2.0/...`): JSON in and out, a
// personal access token as `Authorization: Bearer`, the host's own scheme and port kept, GET
// arguments sent as a query string (the official @databricks/sdk-experimental 0.14 loses both),
// throttling (429) and unavailability (503, 502, 504) retried with backoff as Databricks asks
// (Retry-After), and errors turned into sentences a user can act on. The token and everything
// the redactor knows never reach a message.
import { CairnError, type ErrorCode } from '../../../../../shared/errors';
import { sleep } from '../../cloud/polling';
import type { SecretRedactor } from '../../cloud/secret-redactor';

/** An error answer of the workspace: its HTTP status and Databricks' own error_code and message. */
export class DatabricksApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'DatabricksApiError';
  }
}

/** What a request may carry. */
export interface DatabricksRequest {
  /** GET and DELETE arguments (sent as a query string). */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** A JSON body (POST, PUT, PATCH). */
  readonly body?: unknown;
  /** A raw body instead (artifact uploads), with its content type. */
  readonly raw?: { readonly data: Buffer; readonly contentType: string };
  readonly signal?: AbortSignal;
}

/** How many times a throttled or unavailable request is sent before its error is reported. */
const MAX_ATTEMPTS = 6;
const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

/** A client of one workspace with one token. */
export class DatabricksRestClient {
  /** How many requests were retried (throttling, unavailability), for progress details. */
  retries = 0;

  constructor(
    readonly host: string,
    private readonly token: string,
    /** Keeps the token (and any other secret it is given) out of messages. */
    readonly redactor: SecretRedactor,
    private readonly backoffMs = 500,
  ) {
    redactor.add(token);
  }

  /** Sends one request below the host (e.g. '/api/2.0/serving-endpoints'); the parsed JSON answer. */
  async call<T>(method: string, path: string, request: DatabricksRequest = {}): Promise<T> {
    const url = new URL(this.host.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json', 'user-agent': 'cairn-deploy' };
    let body: Blob | string | undefined;
    if (request.raw) {
      headers['content-type'] = request.raw.contentType;
      body = new Blob([new Uint8Array(request.raw.data)]);
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { method, headers, body, signal: request.signal });
      } catch (error) {
        if (request.signal?.aborted) throw new CairnError('INVALID_STATE', 'Cancelled.');
        if (attempt < MAX_ATTEMPTS) {
          this.retries++;
          await sleep(this.backoffMs * 2 ** (attempt - 1), request.signal);
          continue;
        }
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new CairnError(
          'TEMPORARILY_UNAVAILABLE',
          this.redactor.redact(`The Databricks workspace ${this.host} cannot be reached (${cause?.code ?? cause?.message ?? (error as Error).message}): check the host setting and your network.`),
        );
      }
      const text = await response.text();
      if (response.ok) return (text ? JSON.parse(text) : {}) as T;
      if (RETRIED_STATUSES.has(response.status) && attempt < MAX_ATTEMPTS) {
        this.retries++;
        const retryAfter = Number(response.headers.get('retry-after'));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 30_000) : this.backoffMs * 2 ** (attempt - 1), request.signal);
        continue;
      }
      let parsed: { error_code?: string; message?: string } = {};
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        parsed = { message: text.slice(0, 500) };
      }
      throw new DatabricksApiError(response.status, parsed.error_code ?? `HTTP_${response.status}`, this.redactor.redact(parsed.message ?? response.statusText));
    }
  }
}

/** Whether the workspace said the thing asked for does not exist. */
export function isDoesNotExist(error: unknown): boolean {
  return error instanceof DatabricksApiError && (error.status === 404 || error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.errorCode === 'NOT_FOUND');
}

/** Whether the workspace said it exists already. */
export function isAlreadyExists(error: unknown): boolean {
  return error instanceof DatabricksApiError && (error.errorCode === 'RESOURCE_ALREADY_EXISTS' || error.errorCode === 'ALREADY_EXISTS');
}

const CAIRN_CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'INVALID_PARAMETER_VALUE',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'RESOURCE_DOES_NOT_EXIST',
  409: 'INVALID_STATE',
  429: 'REQUEST_LIMIT_EXCEEDED',
  503: 'TEMPORARILY_UNAVAILABLE',
};

/**
 * A Databricks error as a person reads it: what failed, the workspace's error code and message,
 * and what to do. `permission` names what the token's user needs for the call.
 */
export function databricksFailure(what: string, error: unknown, redactor: SecretRedactor, permission = 'the permission this call needs'): CairnError {
  if (error instanceof CairnError) return new CairnError(error.code, redactor.redact(error.message));
  if (!(error instanceof DatabricksApiError)) return new CairnError('INTERNAL_ERROR', redactor.redact(`${what} failed: ${error instanceof Error ? error.message : String(error)}`));
  const said = `${what} failed: ${error.errorCode} (HTTP ${error.status}): ${error.message.replace(/\.+$/, '')}`;
  let advice: string;
  if (error.status === 401) {
    advice = 'The workspace did not accept the token: create a personal access token (User settings → Developer → Access tokens) and keep it in the target\'s settings, or set DATABRICKS_TOKEN.';
  } else if (error.status === 403) {
    advice = /token/i.test(error.message)
      ? 'The token is invalid or expired: create a new personal access token (User settings → Developer → Access tokens) and keep it in the target\'s settings, or set DATABRICKS_TOKEN.'
      : `The token's user lacks ${permission}: ask a workspace admin to grant it.`;
  } else if (error.status === 409 || error.errorCode === 'RESOURCE_CONFLICT') {
    advice = 'Another change to it is under way: wait until it ends (`cairn deploy status` shows it), then try again.';
  } else if (error.status === 429) {
    advice = 'The workspace kept throttling after retries with backoff: try again in a minute.';
  } else if (isDoesNotExist(error)) {
    advice = 'It does not exist in this workspace (deleted outside Cairn, or another host): check the host and names in the settings.';
  } else if (error.status >= 500) {
    advice = 'The workspace failed on its side: try again; if it keeps failing, look at the workspace\'s status page.';
  } else {
    advice = 'Fix what the message names in the target\'s settings, then try again.';
  }
  return new CairnError(CAIRN_CODE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'TEMPORARILY_UNAVAILABLE' : 'INVALID_PARAMETER_VALUE'), redactor.redact(`${said}. ${advice}`));
}
