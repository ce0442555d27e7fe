// A second thread for the numeric columns of drift comparisons, so that both cores compare columns
// once the two sides are read (each column takes about 60 ms for a million values a side). It is
// the data engine's own worker script started again with the role below; the columns' values live
// in shared memory (engine/value-collector.ts), so handing a column over copies no values.
import { Worker, type MessagePort } from 'node:worker_threads';
import { CairnError, toErrorPayload, type ErrorPayload } from '../../../../shared/errors';
import type { ColumnDrift } from '../../../../shared/data-models';
import { DataJobCancelledError } from '../engine/duckdb-session';
import { numericColumnDrift, type ColumnPlan } from './drift-calculator';

/** The workerData.role that makes the engine's worker script serve columns instead of jobs. */
export const NUMERIC_COLUMN_ROLE = 'numeric-columns';

interface ColumnRequest {
  readonly id: number;
  readonly plan: ColumnPlan;
  readonly withoutDistributions: boolean;
  /** The job's cancel flag (shared memory; 1 when cancelled). */
  readonly cancel: SharedArrayBuffer;
}

type ColumnAnswer =
  | { readonly id: number; readonly column: ColumnDrift }
  | { readonly id: number; readonly error: ErrorPayload; readonly cancelled: boolean };

/** The engine's side of the helper thread: started on first use, one column per request. */
export class NumericColumnHelper {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (column: ColumnDrift) => void; reject: (error: Error) => void }>();

  constructor(
    /** The script to start (the engine's worker script). */
    private readonly script: string,
  ) {}

  /** Starts the thread now (while the sides are read), so that it is ready when the columns are. */
  start(): void {
    if (this.worker) return;
    const worker = new Worker(this.script, { workerData: { role: NUMERIC_COLUMN_ROLE } });
    worker.on('message', (answer: ColumnAnswer) => this.onAnswer(answer));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      this.worker = null;
      this.failAll(new Error(`The drift column thread stopped (exit code ${code}).`));
    });
    worker.unref();
    this.worker = worker;
  }

  /** Compares one numeric column on the helper thread; rejects with DataJobCancelledError once `cancel` is set. */
  compare(plan: ColumnPlan, withoutDistributions: boolean, cancel: Int32Array): Promise<ColumnDrift> {
    this.start();
    const id = this.nextId++;
    const request: ColumnRequest = { id, plan, withoutDistributions, cancel: cancel.buffer as SharedArrayBuffer };
    return new Promise<ColumnDrift>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.ref();
      this.worker!.postMessage(request);
    });
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    await this.worker?.terminate();
  }

  private onAnswer(answer: ColumnAnswer): void {
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('column' in answer) waiting.resolve(answer.column);
    else waiting.reject(answer.cancelled ? new DataJobCancelledError() : new CairnError(answer.error.code, answer.error.message));
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** The helper thread's loop: compares each column it is sent and answers. */
export function serveNumericColumns(port: MessagePort): void {
  port.on('message', (request: ColumnRequest) => {
    const cancel = new Int32Array(request.cancel);
    const throwIfCancelled = () => {
      if (Atomics.load(cancel, 0) !== 0) throw new DataJobCancelledError();
    };
    let answer: ColumnAnswer;
    try {
      throwIfCancelled();
      answer = { id: request.id, column: numericColumnDrift(request.plan, request.withoutDistributions, throwIfCancelled) };
    } catch (error) {
      answer = { id: request.id, error: toErrorPayload(error), cancelled: error instanceof DataJobCancelledError };
    }
    port.postMessage(answer);
  });
}
