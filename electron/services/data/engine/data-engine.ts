// The main side's handle on the data engine: starts the worker thread on first use, sends it
// jobs, relays their progress, and cancels them (a shared flag the worker polls, which interrupts
// DuckDB's running query). The main thread only posts messages; it never waits on DuckDB.
import { Worker } from 'node:worker_threads';
import type { DataJobProgress } from '../../../../shared/data-models';
import { CairnError, type ErrorPayload } from '../../../../shared/errors';
import { DataJobCancelledError } from './duckdb-session';
import type { EngineJob, EngineJobResults, FromWorker, ToWorker } from './engine-protocol';
import { dataWorkerScript } from './worker-script';

/** How a caller follows and stops a job. */
export interface EngineRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DataJobProgress) => void;
}

interface PendingJob {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress?: (progress: DataJobProgress) => void;
  readonly cancel: Int32Array;
  readonly detach: () => void;
}

/** Runs data jobs on a worker thread; one engine per Cairn instance. */
export class DataEngine {
  private worker: Worker | null = null;
  private nextJobId = 1;
  private readonly pending = new Map<number, PendingJob>();
  private closing: Promise<void> | null = null;

  /** Runs a job; resolves with its result, rejects with DataJobCancelledError when cancelled through `signal`. */
  run<K extends EngineJob['kind']>(job: Extract<EngineJob, { kind: K }>, options: EngineRunOptions = {}): Promise<EngineJobResults[K]> {
    if (this.closing) return Promise.reject(new CairnError('INVALID_STATE', 'The data engine is closed.'));
    if (options.signal?.aborted) return Promise.reject(new DataJobCancelledError());
    const worker = this.ensureWorker();
    const jobId = this.nextJobId++;
    const buffer = new SharedArrayBuffer(4);
    const cancel = new Int32Array(buffer);
    return new Promise<EngineJobResults[K]>((resolve, reject) => {
      const onAbort = () => Atomics.store(cancel, 0, 1);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(jobId, {
        resolve: resolve as (result: unknown) => void,
        reject,
        onProgress: options.onProgress,
        cancel,
        detach: () => options.signal?.removeEventListener('abort', onAbort),
      });
      const message: ToWorker = { type: 'run', jobId, job, cancel: buffer };
      worker.postMessage(message);
      // A busy worker keeps the process alive; an idle one does not.
      worker.ref();
    });
  }

  /** Cancels every running job and stops the worker. */
  async close(): Promise<void> {
    if (this.closing) return this.closing;
    for (const job of this.pending.values()) Atomics.store(job.cancel, 0, 1);
    const worker = this.worker;
    this.closing = (async () => {
      if (!worker) return;
      const closed = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' } satisfies ToWorker);
      const timeout = setTimeout(() => void worker.terminate(), 10_000);
      await closed;
      clearTimeout(timeout);
    })();
    return this.closing;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(dataWorkerScript());
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      this.worker = null;
      if (this.pending.size > 0) this.failAll(new Error(`The data engine's worker stopped (exit code ${code}).`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private onMessage(message: FromWorker): void {
    if (message.type === 'closed') return;
    const job = this.pending.get(message.jobId);
    if (!job) return;
    if (message.type === 'progress') {
      job.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.jobId);
    job.detach();
    if (this.pending.size === 0) this.worker?.unref();
    if (message.type === 'done') job.resolve(message.result);
    else job.reject(message.cancelled ? new DataJobCancelledError() : errorFromPayload(message.error));
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) {
      job.detach();
      job.reject(error);
    }
    this.pending.clear();
  }
}

function errorFromPayload(payload: ErrorPayload): CairnError {
  return new CairnError(payload.code, payload.message);
}
