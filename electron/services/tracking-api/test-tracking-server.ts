// For tests: a real tracking server on 127.0.0.1 over a fresh temporary data folder, a small
// HTTP client that sends requests as MLflow's client does (or raw ones, to test the guards),
// and a snapshot of the tracker's tables to check that a refused request changed nothing.
//
//   const server = await startTestTrackingServer();
//   const { status, json } = await server.post('experiments/create', { name: 'e' });
//   await server.close();  // stops the server, closes the database, removes the folder
import fs from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { openCairnStores, type CairnStores } from '../cairn-services';
import type { CairnDatabase } from '../database/database';
import type { TrackerStore } from '../tracker/tracker-store';
import { startTrackingServer, type TrackingServerOptions } from './tracking-server';

/** An answer of the test server: status, headers, body text, and the body parsed as JSON (undefined if it is not JSON). */
export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** Typed loosely: tests read arbitrary fields of MLflow's answers. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary fields of MLflow's answers.
  readonly json: any;
}

/** A raw request: any method, path, headers and body (a string is sent as is). */
export interface RawRequest {
  readonly method: string;
  /** Absolute path with query string, e.g. /api/2.0/mlflow/runs/get?run_id=... */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** A running test server and its store. */
export interface TestTrackingServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly store: TrackerStore;
  /** The data folder's database, for tests that look at its tables. */
  readonly database: CairnDatabase;
  readonly context: CairnStores;
  /** POSTs a JSON body to a route below /api/2.0/mlflow/. */
  post(route: string, body: unknown): Promise<TestResponse>;
  /** GETs a route below /api/2.0/mlflow/ with query arguments; an array value repeats its key. */
  get(route: string, query?: Readonly<Record<string, string | number | readonly string[] | undefined>>): Promise<TestResponse>;
  /** Sends any request, for testing the server's guards. */
  raw(request: RawRequest): Promise<TestResponse>;
  /** Every row of the tracker's tables as one string, to compare before and after a refused request. */
  snapshot(): string;
  close(): Promise<void>;
}

const agent = new http.Agent({ keepAlive: true });

const TRACKER_TABLES = [
  'experiments',
  'experiment_tags',
  'runs',
  'params',
  'tags',
  'metric_series',
  'metric_points',
  'datasets',
  'run_inputs',
  'run_outputs',
  'run_model_inputs',
  'logged_model_metrics',
] as const;

function send(port: number, request: RawRequest): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** Starts a tracking server on 127.0.0.1 over a new temporary data folder. */
export async function startTestTrackingServer(
  options: Omit<TrackingServerOptions, 'context' | 'port'> = {},
): Promise<TestTrackingServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-tracking-test-'));
  const context = openCairnStores(dataDir);
  const { store, database } = context;
  const server = await startTrackingServer({ ...options, context, port: 0 });
  const authorization: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  return {
    url: server.url,
    port: server.port,
    dataDir,
    store,
    database,
    context,
    post: (route, body) =>
      send(server.port, {
        method: 'POST',
        path: `/api/2.0/mlflow/${route}`,
        headers: { 'content-type': 'application/json', ...authorization },
        body: JSON.stringify(body),
      }),
    get: (route, query = {}) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value === undefined) continue;
        for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
      }
      const suffix = search.size > 0 ? `?${search}` : '';
      return send(server.port, { method: 'GET', path: `/api/2.0/mlflow/${route}${suffix}`, headers: authorization });
    },
    raw: (request) => send(server.port, request),
    snapshot: () =>
      JSON.stringify(TRACKER_TABLES.map((table) => database.connection.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all())),
    async close() {
      await server.close();
      context.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
