// Waiting for a cloud resource to reach a state: ask, sleep, ask again, until it is done, it
// failed, the deployment's timeout passes, or the operation is cancelled. Each answer is shown
// live as the step's detail.
import { CairnError } from '../../../../shared/errors';

/** One look at the resource: finished (with a value), or still going (with what it is doing). */
export type PollOutcome<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly detail: string };

/** How to wait. */
export interface PollOptions<T> {
  readonly signal: AbortSignal;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Looks once; throws to fail the wait. */
  readonly check: () => Promise<PollOutcome<T>>;
  /** Called with each not-yet-done answer. */
  readonly onProgress?: (detail: string) => void;
  /** The timeout's message, given the last answer (what to do included). */
  readonly timeoutMessage: (lastDetail: string, waitedSeconds: number) => string;
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error a cancelled wait throws. */
export function cancelled(): CairnError {
  return new CairnError('INVALID_STATE', 'Cancelled.');
}

/** Polls until `check` says done; INVALID_STATE with `timeoutMessage` when the timeout passes first. */
export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const started = Date.now();
  let last = 'no answer yet';
  for (;;) {
    if (options.signal.aborted) throw cancelled();
    const outcome = await options.check();
    if (outcome.done) return outcome.value;
    last = outcome.detail;
    options.onProgress?.(outcome.detail);
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) throw new CairnError('INVALID_STATE', options.timeoutMessage(last, Math.round(elapsed / 1000)));
    await sleep(Math.min(options.intervalMs, Math.max(0, options.timeoutMs - elapsed)), options.signal);
  }
}
