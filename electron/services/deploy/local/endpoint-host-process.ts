// Starting an endpoint host process and talking to its control channel. The host outlives the
// process that started it (unreferenced, its stderr appended to the endpoint's log file); with
// stopWithOwner its stdin is a pipe from the starter, and it stops when that pipe closes.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { CairnError } from '../../../../shared/errors';
import { isProcessAlive } from '../process-liveness';
import type { EndpointState } from './endpoint-state-file';
import type { HostLoadEvent, LoadRequest } from './local-endpoint-host';

/** How to run the host: a Node (or Electron-as-Node) executable, the host script, extra environment. */
export interface EndpointHostCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** The host bundled beside the running bundle (dist/deploy/local-endpoint-host.js), run by this executable. */
export function bundledEndpointHostCommand(): EndpointHostCommand {
  // Electron's binary runs scripts as Node with ELECTRON_RUN_AS_NODE; plain Node ignores it.
  return { command: process.execPath, args: [path.join(__dirname, '..', 'deploy', 'local-endpoint-host.js')], env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** A host that has started and listens. */
export interface LaunchedHost {
  readonly pid: number;
  readonly port: number;
  readonly controlPort: number;
  readonly controlToken: string;
  /** The pipe whose closing stops the host (stopWithOwner only). */
  readonly ownerPipe: Writable | null;
}

/** What launching needs. */
export interface LaunchHostOptions {
  readonly command: EndpointHostCommand;
  readonly name: string;
  readonly port: number;
  readonly stateFile: string;
  readonly logFile: string;
  readonly stopWithOwner: boolean;
  readonly timeoutMs?: number;
}

/** Starts a host and resolves once it listens; rejects with the reason (a port in use, say) when it cannot. */
export function launchEndpointHost(options: LaunchHostOptions): Promise<LaunchedHost> {
  const [script] = options.command.args;
  if (script && !fs.existsSync(script)) {
    return Promise.reject(new CairnError('INTERNAL_ERROR', `The local endpoint host is not built (${script} is missing): run \`npm run build\`.`));
  }
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  const controlToken = randomBytes(24).toString('hex');
  const child = spawn(
    options.command.command,
    [...options.command.args, '--name', options.name, '--host', '127.0.0.1', '--port', String(options.port), '--state-file', options.stateFile,
      ...(options.stopWithOwner ? ['--stop-with-owner'] : [])],
    {
      // On Windows only a detached child escapes the job object that ends children with their
      // parent. Elsewhere the host stays in the starter's session: a process in a session of its
      // own is scheduled as a group of its own, which on a loaded machine put milliseconds on
      // every request's hand-over from host to worker. It ignores SIGHUP (see its entry).
      detached: process.platform === 'win32',
      stdio: [options.stopWithOwner ? 'pipe' : 'ignore', 'pipe', log],
      env: { ...process.env, ...options.command.env, CAIRN_CONTROL_TOKEN: controlToken },
      windowsHide: true,
    },
  );
  fs.closeSync(log);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CairnError('INTERNAL_ERROR', `The endpoint host did not start within ${(options.timeoutMs ?? 15_000) / 1000} s; see ${options.logFile}.`));
    }, options.timeoutMs ?? 15_000);
    const done = () => {
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.destroy();
      child.removeAllListeners('exit');
      child.unref();
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const newline = output.indexOf('\n');
      if (newline === -1) return;
      const line = JSON.parse(output.slice(0, newline)) as { ready: boolean; port?: number; controlPort?: number; code?: string; error?: string };
      done();
      if (!line.ready) {
        const inUse = line.code === 'EADDRINUSE';
        reject(
          new CairnError(
            inUse ? 'INVALID_PARAMETER_VALUE' : 'INTERNAL_ERROR',
            inUse ? `Port ${options.port} is in use on 127.0.0.1; choose another port (0 picks a free one).` : `The endpoint host could not start: ${line.error}`,
          ),
        );
        return;
      }
      const pipe = options.stopWithOwner ? child.stdin : null;
      // The pipe must not keep this process alive, nor crash it when the host goes first.
      (pipe as unknown as { unref?: () => void } | null)?.unref?.();
      pipe?.on('error', () => {});
      resolve({ pid: child.pid!, port: line.port!, controlPort: line.controlPort!, controlToken, ownerPipe: pipe });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new CairnError('INTERNAL_ERROR', `The endpoint host exited (code ${code}) before listening; see ${options.logFile}.`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new CairnError('INTERNAL_ERROR', `Could not start the endpoint host: ${error.message}`));
    });
  });
}

/** Calls the host's control channel and returns its JSON answer. */
export function controlCall<T>(state: Pick<EndpointState, 'controlPort' | 'controlToken'>, method: string, route: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: state.controlPort, method, path: route, headers: { authorization: `Bearer ${state.controlToken}` }, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) return reject(new Error(`control ${route} answered ${response.statusCode}: ${body}`));
          resolve(JSON.parse(body) as T);
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`control ${route} did not answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end();
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
export async function stopEndpointHost(state: EndpointState, timeoutMs = 10_000): Promise<'stopped' | 'was-not-running'> {
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

/** Whether a pid still runs an endpoint host (checked where the OS tells, /proc on Linux; assumed elsewhere). */
function looksLikeEndpointHost(pid: number): boolean {
  if (process.platform !== 'linux') return true;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--state-file');
  } catch {
    return false;
  }
}
