// Starting an endpoint host process (through the launcher its assembler chose) and talking to its
// control channel. A host starts as a spare; the local target adopts it for a deployment. A Node
// host outlives the process that started it (its stderr appended to a log file) unless it is to
// stop with its owner, when its stdin is a pipe from the starter and it stops when that closes.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { Writable } from 'node:stream';
import { CairnError } from '../../../../shared/errors';
import { isProcessAlive } from '../process-liveness';
import { ENDPOINT_HOST_MARKER, type EndpointHostLauncher } from './endpoint-host-launcher';
import type { EndpointState } from './endpoint-state-file';
import type { AdoptRequest, HostLoadEvent, LoadRequest, PrewarmRequest, WarmWorkersStatus } from './local-endpoint-host';

/** A host that has started and whose control channel listens. */
export interface LaunchedHost {
  readonly pid: number;
  readonly controlPort: number;
  readonly controlToken: string;
  /** The pipe whose closing stops the host (a Node host tied to its owner only). */
  readonly ownerPipe: Writable | null;
}

/** What launching needs. */
export interface LaunchHostOptions {
  readonly launcher: EndpointHostLauncher;
  readonly logFile: string;
  readonly stopWithOwner: boolean;
  /** A spare not adopted within this many seconds stops by itself. */
  readonly idleSeconds?: number;
  readonly timeoutMs?: number;
}

/** Starts a spare host and resolves once its control channel listens; rejects with the reason when it cannot. */
export function launchEndpointHost(options: LaunchHostOptions): Promise<LaunchedHost> {
  const controlToken = randomBytes(24).toString('hex');
  let child;
  try {
    child = options.launcher.launch({
      args: ['--host', '127.0.0.1', ...(options.idleSeconds ? ['--idle-seconds', String(options.idleSeconds)] : [])],
      env: { CAIRN_CONTROL_TOKEN: controlToken, [ENDPOINT_HOST_MARKER]: '1' },
      logFile: options.logFile,
      stopWithOwner: options.stopWithOwner,
    });
  } catch (error) {
    return Promise.reject(new CairnError('INTERNAL_ERROR', `Could not start the endpoint host: ${(error as Error).message}`));
  }
  const launched = child;
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      launched.kill();
      settle(() => reject(new CairnError('INTERNAL_ERROR', `The endpoint host did not start within ${timeoutMs / 1000} s; see ${options.logFile}.`)));
    }, timeoutMs);
    launched.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const newline = output.indexOf('\n');
      if (newline === -1) return;
      let line: { ready: boolean; pid?: number; controlPort?: number; error?: string };
      try {
        line = JSON.parse(output.slice(0, newline)) as typeof line;
      } catch {
        line = { ready: false, error: `it printed ${JSON.stringify(output.slice(0, 200))}` };
      }
      launched.release();
      if (!line.ready) {
        settle(() => reject(new CairnError('INTERNAL_ERROR', `The endpoint host could not start: ${line.error}`)));
        return;
      }
      settle(() => resolve({ pid: line.pid!, controlPort: line.controlPort!, controlToken, ownerPipe: launched.ownerPipe }));
    });
    launched.onExit((code) =>
      settle(() => reject(new CairnError('INTERNAL_ERROR', `The endpoint host exited (code ${code}) before listening; see ${options.logFile}.`))),
    );
    launched.onError((error) => settle(() => reject(new CairnError('INTERNAL_ERROR', `Could not start the endpoint host: ${error.message}`))));
  });
}

/** Makes a spare host a deployment's endpoint; INVALID_PARAMETER_VALUE when its port is taken. */
export async function adoptEndpointHost(host: Pick<LaunchedHost, 'controlPort' | 'controlToken'>, request: AdoptRequest): Promise<EndpointState> {
  try {
    return await controlCall<EndpointState>(host, 'POST', '/adopt', 10_000, request);
  } catch (error) {
    const { status, body } = error as { status?: number; body?: { code?: string; error?: string } };
    if (status === 409 && body?.code === 'EADDRINUSE') {
      throw new CairnError('INVALID_PARAMETER_VALUE', `Port ${request.port} is in use on 127.0.0.1; choose another port (0 picks a free one).`);
    }
    throw new CairnError('INTERNAL_ERROR', `The endpoint host could not open the endpoint: ${body?.error ?? (error as Error).message}`);
  }
}

/** Asks a host to start warm workers for a load soon. */
export async function prewarmEndpointHost(host: Pick<LaunchedHost, 'controlPort' | 'controlToken'>, request: PrewarmRequest): Promise<void> {
  await controlCall(host, 'POST', '/prewarm', 5_000, request);
}

/** The host's warm workers, and whether their imports are done. */
export async function warmWorkersOf(host: Pick<LaunchedHost, 'controlPort' | 'controlToken'>): Promise<WarmWorkersStatus> {
  return (await controlCall<{ warm: WarmWorkersStatus }>(host, 'GET', '/warm', 5_000)).warm;
}

/** Calls the host's control channel (with a JSON body when given) and returns its JSON answer; a refusal rejects with its status and body. */
export function controlCall<T>(
  state: Pick<EndpointState, 'controlPort' | 'controlToken'>,
  method: string,
  route: string,
  timeoutMs = 5_000,
  body?: unknown,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { authorization: `Bearer ${state.controlToken}` };
    if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    const request = http.request({ host: '127.0.0.1', port: state.controlPort, method, path: route, headers, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200) {
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = null;
          }
          return reject(Object.assign(new Error(`control ${route} answered ${response.statusCode}: ${text}`), { status: response.statusCode, body: parsed }));
        }
        resolve(JSON.parse(text) as T);
      });
    });
    request.on('timeout', () => request.destroy(new Error(`control ${route} did not answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** Asks the host to load a model version, passing each progress line to `onEvent`; aborting `signal` cancels the load. */
export function controlLoad(
  state: Pick<EndpointState, 'controlPort' | 'controlToken'>,
  load: LoadRequest,
  onEvent: (event: HostLoadEvent) => void,
  signal: AbortSignal,
): Promise<Extract<HostLoadEvent, { type: 'result' }>> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(load);
    const request = http.request(
      {
        host: '127.0.0.1',
        port: state.controlPort,
        method: 'POST',
        path: '/load',
        headers: { authorization: `Bearer ${state.controlToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal,
      },
      (response) => {
        let pending = '';
        let result: Extract<HostLoadEvent, { type: 'result' }> | null = null;
        response.setEncoding('utf8');
        response.on('data', (text: string) => {
          pending += text;
          let newline: number;
          while ((newline = pending.indexOf('\n')) !== -1) {
            const line = pending.slice(0, newline);
            pending = pending.slice(newline + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line) as HostLoadEvent;
            if (event.type === 'result') result = event;
            else onEvent(event);
          }
        });
        response.on('end', () => {
          if (response.statusCode !== 200) return reject(new Error(`the endpoint host refused the load (${response.statusCode}): ${pending}`));
          if (result) resolve(result);
          else reject(new Error('the endpoint host stopped answering while loading the model'));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Stops a host: asks it over the control channel, then signals it; resolves once its process is gone. */
export async function stopEndpointHost(state: Pick<EndpointState, 'pid' | 'controlPort' | 'controlToken'>, timeoutMs = 10_000): Promise<'stopped' | 'was-not-running'> {
  if (!isProcessAlive(state.pid)) return 'was-not-running';
  try {
    await controlCall(state, 'POST', '/stop', 2_000);
  } catch {
    // Not answering: signal it instead (it stops its workers on SIGTERM), unless the pid now names another program.
    if (!looksLikeEndpointHost(state.pid)) return 'was-not-running';
    try {
      process.kill(state.pid, 'SIGTERM');
    } catch {
      return 'was-not-running';
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(state.pid)) {
    if (Date.now() > deadline) {
      try {
        if (looksLikeEndpointHost(state.pid)) process.kill(state.pid, 'SIGKILL');
      } catch {
        // Gone between the check and the signal.
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'stopped';
}

/** Whether a pid still runs an endpoint host (its environment carries the launchers' marker; checked where the OS tells, /proc on Linux; assumed elsewhere). */
export function looksLikeEndpointHost(pid: number): boolean {
  if (process.platform !== 'linux') return true;
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${ENDPOINT_HOST_MARKER}=1`);
  } catch {
    return false;
  }
}
