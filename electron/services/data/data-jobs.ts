// The long data calls the app is running, by the id their caller chose: each gets an AbortSignal
// (cancelDataJob aborts it) and a progress callback that publishes `data.progress`, at most one
// event per job every PROGRESS_INTERVAL_MS (the worker reports far more often while it reads).
import type { DataJobProgress } from '../../../shared/data-models';
import { CairnError } from '../../../shared/errors';
import type { DataJobOptions } from './data-service';

/** Progress events of one job are at least this many milliseconds apart. */
export const PROGRESS_INTERVAL_MS = 100;

/** Running jobs by id, and how to publish their progress. */
export class DataJobs {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly publish: (jobId: string, progress: DataJobProgress) => void) {}

  /** Runs `work` as the job `jobId` (untracked when there is none); a second job with a running job's id is refused. */
  async run<T>(jobId: string | undefined, work: (options: DataJobOptions) => Promise<T>): Promise<T> {
    if (jobId === undefined) return work({});
    if (this.running.has(jobId)) throw new CairnError('RESOURCE_ALREADY_EXISTS', `A data job with the id ${jobId} is already running.`);
    const controller = new AbortController();
    this.running.set(jobId, controller);
    let last = 0;
    let held: DataJobProgress | null = null;
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      timer = null;
      if (!held) return;
      last = Date.now();
      this.publish(jobId, held);
      held = null;
    };
    const onProgress = (progress: DataJobProgress) => {
      held = progress;
      const wait = last + PROGRESS_INTERVAL_MS - Date.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    };
    try {
      return await work({ signal: controller.signal, onProgress });
    } finally {
      if (timer) clearTimeout(timer);
      this.running.delete(jobId);
    }
  }

  /** Cancels the job `jobId`; false when none with that id is running. */
  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Cancels every running job (the app is closing). */
  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}
