// The UI's responsiveness while a bench loads the main thread: a UI call is made every
// UI_CALL_INTERVAL_MS (through the same handlers IPC uses), and what counts is the longest wait
// from when a call was due until its answer (a stalled main thread delays both).
import { performance } from 'node:perf_hooks';

/** How often the probe makes its call. */
export const UI_CALL_INTERVAL_MS = 10;

/** A call that waited longer than the probe's `lateMs`: when it was due (epoch ms) and how long it waited. */
export interface LateUiCall {
  readonly at: number;
  readonly ms: number;
}

/** A running probe. */
export interface UiCallProbe {
  /** The calls so far that waited longer than `lateMs` (empty without it). */
  readonly late: readonly LateUiCall[];
  /** Stops making calls; resolves with the longest wait, in ms to 0.1 ms. */
  stop(): Promise<number>;
}

/** Makes `makeCall` every UI_CALL_INTERVAL_MS until stopped, keeping the longest wait (and the calls later than `lateMs`). */
export function probeUiCalls(makeCall: () => Promise<unknown>, lateMs = Infinity): UiCallProbe {
  let running = true;
  let longest = 0;
  const late: LateUiCall[] = [];
  const done = (async () => {
    for (let due = performance.now() + UI_CALL_INTERVAL_MS; running; due += UI_CALL_INTERVAL_MS) {
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await makeCall();
      const waited = performance.now() - due;
      longest = Math.max(longest, waited);
      if (waited > lateMs) late.push({ at: Date.now() - waited, ms: Math.round(waited) });
      // A call answered late is not followed by a backlog of overdue ones.
      due = Math.max(due, performance.now() - UI_CALL_INTERVAL_MS);
    }
  })();
  return {
    late,
    stop: async () => {
      running = false;
      await done;
      return Math.round(longest * 10) / 10;
    },
  };
}
