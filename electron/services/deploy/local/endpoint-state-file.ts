// The state file of a running local endpoint, <dataDir>/deployments/<name>/endpoint.json: written
// by the endpoint host when it starts and whenever what it serves changes, removed when it
// stops. It is how any later process (the app, `cairn serve`, another `cairn deploy` call) finds
// an endpoint that outlived the process that started it, and how it reaches the host's control
// port (whose token it holds, so the file is readable by its owner only).
import fs from 'node:fs';
import path from 'node:path';

/** What an endpoint serves: the model version and the Python worker that scores it. */
export interface ServingModel {
  /** What was deployed, e.g. "digits-classifier v2". */
  readonly label: string;
  readonly modelDir: string;
  /** Milliseconds since the epoch when it began serving. */
  readonly since: number;
  readonly python: string | null;
  readonly executable: string | null;
  /** 'cairn-sklearn' or 'mlflow-pyfunc'. */
  readonly loader: string | null;
  readonly mlflowVersion: string | null;
  readonly modelClass: string | null;
  readonly workers: number;
  /** The process ids of the workers serving now. */
  readonly workerPids: readonly number[];
}

/** The contents of an endpoint's state file. */
export interface EndpointState {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  readonly controlPort: number;
  readonly controlToken: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** Whether the endpoint stops when the process that started it ends. */
  readonly stopWithOwner: boolean;
  readonly serving: ServingModel | null;
}

/** Writes the state file in one step (a reader never sees half of it), readable by its owner only. */
export function writeEndpointState(file: string, state: EndpointState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

/** The state file's contents, or null when there is none or it cannot be read. */
export function readEndpointState(file: string): EndpointState | null {
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as EndpointState;
    return typeof state.pid === 'number' && typeof state.controlPort === 'number' ? state : null;
  } catch {
    return null;
  }
}

/** Removes the state file if it still belongs to `pid`. */
export function removeEndpointState(file: string, pid: number): void {
  if (readEndpointState(file)?.pid === pid) fs.rmSync(file, { force: true });
}
