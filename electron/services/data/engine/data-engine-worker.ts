// The data engine's worker thread: one in-memory DuckDB instance, one connection per job, so that
// reading, hashing, profiling, drift and checks never run on the thread that serves the window
// and the tracking API. Jobs arrive as messages; progress and results go back the same way.
import { DuckDBInstance } from '@duckdb/node-api';
import { parentPort } from 'node:worker_threads';
import type { DataJobProgress } from '../../../../shared/data-models';
import { toErrorPayload } from '../../../../shared/errors';
import { evaluateChecks } from '../checks/check-evaluator';
import { contentDigest } from '../content-digest';
import { computeDrift } from '../drift/drift-calculator';
import { DataJobCancelledError, DuckSession, valueText } from './duckdb-session';
import type { CheckJob, DriftJob, EngineJob, FromWorker, ProfileJob, ToWorker } from './engine-protocol';
import { loadTable } from './table-loader';
import { profileTable } from './table-profiler';
import type { TableFiles } from '../table-files';

/** What a job's code gets: its DuckDB session and a way to report progress. */
interface JobContext {
  readonly session: DuckSession;
  readonly progress: (update: DataJobProgress) => void;
  readonly engine: string;
}

const port = parentPort;
if (!port) throw new Error('data-engine-worker must run in a worker thread');

let instance: Promise<DuckDBInstance> | null = null;
let engineName = 'DuckDB';
const running = new Set<Promise<void>>();

function duckdb(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:').then(async (created) => {
    const connection = await created.connect();
    const reader = await connection.runAndReadAll('SELECT version() AS v');
    engineName = `DuckDB ${valueText(reader.getRowObjectsJS()[0]?.v ?? '')}`.trim();
    connection.closeSync();
    return created;
  });
  return instance;
}

function send(message: FromWorker): void {
  port!.postMessage(message);
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    void Promise.allSettled([...running]).then(() => {
      send({ type: 'closed' });
      port.close();
    });
    return;
  }
  const job = runJob(message.jobId, message.job, new Int32Array(message.cancel));
  running.add(job);
  void job.finally(() => running.delete(job));
});

async function runJob(jobId: number, job: EngineJob, cancelFlag: Int32Array): Promise<void> {
  let session: DuckSession | null = null;
  try {
    session = await DuckSession.open(await duckdb(), cancelFlag);
    const context: JobContext = {
      session,
      progress: (progress) => send({ type: 'progress', jobId, progress }),
      engine: engineName,
    };
    const result = await dispatch(context, job);
    send({ type: 'done', jobId, result });
  } catch (error) {
    const cancelled = error instanceof DataJobCancelledError || Atomics.load(cancelFlag, 0) !== 0;
    send({ type: 'failed', jobId, error: toErrorPayload(error), cancelled });
  } finally {
    session?.close();
  }
}

function dispatch(context: JobContext, job: EngineJob): Promise<unknown> {
  switch (job.kind) {
    case 'digest':
      return digestOf(context, job.files).then((digest) => ({ digest }));
    case 'profile':
      return runProfile(context, job);
    case 'drift':
      return runDrift(context, job);
    case 'check':
      return runCheck(context, job);
  }
}

function digestOf(context: JobContext, files: TableFiles): Promise<string> {
  const subject = files.root;
  return contentDigest(
    files,
    (bytesDone) =>
      context.progress({ stage: 'hashing', subject, fraction: files.bytes ? bytesDone / files.bytes : 1, rowsRead: null, bytesDone, bytesTotal: files.bytes }),
    () => context.session.throwIfCancelled(),
  );
}

async function runProfile(context: JobContext, job: ProfileJob) {
  const startedAt = Date.now();
  const digest = job.knownDigest ?? (await digestOf(context, job.files));
  const loaded = await loadTable(context.session, job.files, 'profiled', context.progress, job.files.root, false);
  context.progress({ stage: 'profiling', subject: job.files.root, fraction: null, rowsRead: loaded.rows, bytesDone: job.files.bytes, bytesTotal: job.files.bytes });
  const profile = await profileTable(context.session, loaded, {
    format: job.files.format,
    bytes: job.files.bytes,
    fileCount: job.files.files.length,
    engine: context.engine,
    startedAt,
  });
  return { digest, profile };
}

async function runDrift(context: JobContext, job: DriftJob) {
  const reference = await loadTable(context.session, job.reference.files, 'reference', context.progress, job.reference.label, false);
  const reports = [];
  for (const [index, current] of job.currents.entries()) {
    const startedAt = Date.now();
    const table = `current_${index}`;
    const loaded = await loadTable(context.session, current.files, table, context.progress, current.label, false);
    context.progress({ stage: 'comparing', subject: current.label, fraction: index / job.currents.length, rowsRead: loaded.rows, bytesDone: 0, bytesTotal: 0 });
    reports.push(
      await computeDrift(context.session, { side: job.reference, loaded: reference }, { side: current, loaded }, job.options, {
        startedAt,
        withoutDistributions: job.withoutDistributions ?? false,
      }),
    );
    await context.session.run(`DROP TABLE IF EXISTS ${table}`);
  }
  return { reports };
}

async function runCheck(context: JobContext, job: CheckJob) {
  const digest = job.digest ? await digestOf(context, job.data.files) : null;
  const loaded = await loadTable(context.session, job.data.files, 'checked', context.progress, job.data.label);
  const reference = job.reference ? await loadTable(context.session, job.reference.files, 'reference', context.progress, job.reference.label, false) : null;
  context.progress({ stage: 'checking', subject: job.data.label, fraction: null, rowsRead: loaded.rows, bytesDone: 0, bytesTotal: 0 });
  const rules = await evaluateChecks(context.session, loaded, job.rules, reference && job.reference ? { side: job.reference, loaded: reference } : null, job.data);
  return { digest, rows: loaded.rows, referenceRows: reference?.rows ?? null, rules, issues: loaded.issues };
}
