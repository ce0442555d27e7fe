// The data engine's worker thread: one in-memory DuckDB instance, one connection per job, so that
// reading, hashing, profiling, drift and checks never run on the thread that serves the window
// and the tracking API. Jobs arrive as messages; progress and results go back the same way.
import { DuckDBInstance } from '@duckdb/node-api';
import { parentPort, workerData } from 'node:worker_threads';
import type { DataJobProgress } from '../../../../shared/data-models';
import { toErrorPayload } from '../../../../shared/errors';
import { evaluateChecks } from '../checks/check-evaluator';
import { contentDigest } from '../content-digest';
import { driftFromSummaries, type DriftSummarySide } from '../drift/drift-calculator';
import { NUMERIC_COLUMN_ROLE, NumericColumnHelper, serveNumericColumns } from '../drift/numeric-column-helper';
import { summariseTable } from '../drift/side-summary';
import { DataJobCancelledError, DuckSession, valueText } from './duckdb-session';
import type { CheckJob, DriftJob, DriftSideInput, EngineJob, FromWorker, ProfileJob, ToWorker } from './engine-protocol';
import { summariseFiles } from './file-summariser';
import { loadTable } from './table-loader';
import { ValueCollectors } from './value-collector';
import { profileTable } from './table-profiler';
import type { TableFiles } from '../table-files';

/** What a job's code gets: its DuckDB session, a way to report progress, and more connections when it reads two things at once. */
interface JobContext {
  readonly jobId: number;
  readonly session: DuckSession;
  readonly progress: (update: DataJobProgress) => void;
  readonly engine: string;
  /** The job's cancel flag (shared memory; 1 once cancelled). */
  readonly cancelFlag: Int32Array;
  /** Another connection for this job, closed with the job. */
  openSession(): Promise<DuckSession>;
}

const port = parentPort;
if (!port) throw new Error('data-engine-worker must run in a worker thread');

let instance: Promise<DuckDBInstance> | null = null;
/** Where scans hand numeric columns to this thread (cairn_collect, registered on every connection). */
const collectors = new ValueCollectors();
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

/** The second thread for numeric drift columns: this same script, started with the helper's role. */
const columnHelper = new NumericColumnHelper(__filename);

// Started as the drift column helper, this thread only compares columns; otherwise it runs jobs.
if ((workerData as { role?: string } | null)?.role === NUMERIC_COLUMN_ROLE) serveNumericColumns(port);
else port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    void Promise.allSettled([...running]).then(async () => {
      await columnHelper.close();
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
  const sessions: DuckSession[] = [];
  try {
    const database = await duckdb();
    const open = async () => {
      const opened = await DuckSession.open(database, cancelFlag, collectors);
      sessions.push(opened);
      return opened;
    };
    const context: JobContext = {
      jobId,
      session: await open(),
      progress: (progress) => send({ type: 'progress', jobId, progress }),
      engine: engineName,
      cancelFlag,
      openSession: open,
    };
    const result = await dispatch(context, job);
    send({ type: 'done', jobId, result });
  } catch (error) {
    const cancelled = error instanceof DataJobCancelledError || Atomics.load(cancelFlag, 0) !== 0;
    send({ type: 'failed', jobId, error: toErrorPayload(error), cancelled });
  } finally {
    for (const session of sessions) session.close();
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
  const loaded = await loadTable(context.session, job.files, 'profiled', { progress: context.progress, subject: job.files.root, ordered: false });
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
  // Each side is summarised in one scan of its files (or, when they do not read cleanly, loaded the
  // careful way and summarised from the table); the reference and the first current at once, on
  // two connections, the other currents (a timeline's batches) one after another.
  const other = await context.openSession();
  columnHelper.start();
  const progress = combinedReadingProgress(context.progress);
  const summarise = async (session: DuckSession, side: DriftSideInput, name: string): Promise<DriftSummarySide> => {
    const report = progress.side(name);
    const fromScan = await summariseFiles(session, collectors, side.files, report, side.label);
    if (fromScan) return { side, summary: fromScan };
    const loaded = await loadTable(session, side.files, `drift_${name}`, { progress: report, subject: side.label, ordered: false });
    return { side, summary: await summariseTable(session, loaded) };
  };
  const first = job.currents[0];
  const [reference, firstCurrent] = await Promise.all([
    summarise(context.session, job.reference, 'reference'),
    first ? summarise(other, first, 'current_0') : null,
  ]);
  const reports = [];
  try {
    for (const [index, current] of job.currents.entries()) {
      const startedAt = Date.now();
      const side = index === 0 ? firstCurrent! : await summarise(index % 2 ? other : context.session, current, `current_${index}`);
      context.progress({ stage: 'comparing', subject: current.label, fraction: index / job.currents.length, rowsRead: side.summary.rows, bytesDone: 0, bytesTotal: 0 });
      try {
        reports.push(
          await driftFromSummaries(reference, side, job.options, {
            startedAt,
            withoutDistributions: job.withoutDistributions ?? false,
            throwIfCancelled: () => context.session.throwIfCancelled(),
            compareNumeric: (plan) => columnHelper.compare(plan, job.withoutDistributions ?? false, context.cancelFlag),
          }),
        );
      } finally {
        // A batch's table (read the careful way) or collected values go once it is compared.
        await side.summary.release();
      }
    }
  } finally {
    await reference.summary.release();
  }
  return { reports };
}

/** Progress of several tables read at once, reported as one: their bytes and rows added up. */
function combinedReadingProgress(report: (update: DataJobProgress) => void) {
  const sides = new Map<string, DataJobProgress>();
  return {
    side: (name: string) => (update: DataJobProgress) => {
      sides.set(name, update);
      const all = [...sides.values()];
      const bytesTotal = all.reduce((sum, one) => sum + one.bytesTotal, 0);
      const bytesDone = all.reduce((sum, one) => sum + one.bytesDone, 0);
      const rows = all.map((one) => one.rowsRead);
      report({
        stage: 'reading',
        subject: all.length > 1 ? all.map((one) => one.subject).join(' and ') : update.subject,
        fraction: bytesTotal > 0 ? bytesDone / bytesTotal : update.fraction,
        rowsRead: rows.every((one) => one !== null) ? rows.reduce<number>((sum, one) => sum + (one ?? 0), 0) : null,
        bytesDone,
        bytesTotal,
      });
    },
  };
}

async function runCheck(context: JobContext, job: CheckJob) {
  const digest = job.digest ? await digestOf(context, job.data.files) : null;
  const loaded = await loadTable(context.session, job.data.files, 'checked', { progress: context.progress, subject: job.data.label });
  const reference = job.reference
    ? await loadTable(context.session, job.reference.files, 'reference', { progress: context.progress, subject: job.reference.label, ordered: false })
    : null;
  context.progress({ stage: 'checking', subject: job.data.label, fraction: null, rowsRead: loaded.rows, bytesDone: 0, bytesTotal: 0 });
  const rules = await evaluateChecks(context.session, loaded, job.rules, reference && job.reference ? { side: job.reference, loaded: reference } : null, job.data);
  return { digest, rows: loaded.rows, referenceRows: reference?.rows ?? null, rules, issues: loaded.issues };
}
