// Checkpoints a SQLite database's write-ahead log from a worker thread. SQLite's own
// autocheckpoint runs inside the COMMIT that crosses the limit, on the thread that committed: on
// the main side that is the thread serving the UI and the tracking API, and under a stream of
// log-batch requests each checkpoint stalled it for 50–90 ms and took a fifth of its time.
// A PASSIVE checkpoint from a second connection copies committed frames back into the database
// without blocking the writer; the writer restarts the log once everything in it was copied.
import { Worker } from 'node:worker_threads';
import { isDiskFullError } from '../storage-health';

/**
 * How often the worker checkpoints, in milliseconds. Often, so that each checkpoint has little to
 * copy and the writer's backstop checkpoint, should it run, has little left to sync.
 */
const CHECKPOINT_INTERVAL_MS = 25;
/** The longest the worker sleeps while nothing is written. */
const IDLE_INTERVAL_MS = 200;
/** How long close() waits for the worker to let go of the database. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * The worker: its own connection to the same file and a PASSIVE checkpoint every interval in which
 * something was committed. While
 * writes go on, frames committed during a checkpoint are left for the next one, and the log is
 * only restarted once a checkpoint finishes with nothing left: so a checkpoint that did not catch
 * up is followed at once by another, which has only those few frames to copy. (Under a steady
 * stream of writes the log still rarely restarts; the writer's backstop autocheckpoint then finds
 * nearly every frame copied, and restarts it cheaply.)
 * When told to stop it closes its connection and says so through the shared flag.
 * Plain JavaScript evaluated by the worker, so it needs no build step; better-sqlite3 is loaded
 * from the path the main side resolved, whatever the working directory.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqliteModule);
const stopped = new Int32Array(workerData.stoppedFlag);
const finish = () => {
  Atomics.store(stopped, 0, 1);
  Atomics.notify(stopped, 0);
  parentPort.close();
};
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message || error) });
}
const checkpoint = () => {
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)');
      if (!result || result.busy || result.checkpointed >= result.log) break;
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error), code: error && error.code });
  }
};
if (db) {
  // data_version changes when another connection commits: checkpoint then, and look again soon;
  // while nothing is written, look less and less often.
  let seenVersion = -1;
  let delay = workerData.intervalMs;
  let timer;
  const tick = () => {
    const version = db.pragma('data_version', { simple: true });
    if (version !== seenVersion) {
      seenVersion = version;
      checkpoint();
      delay = workerData.intervalMs;
    } else {
      delay = Math.min(delay * 2, workerData.idleIntervalMs);
    }
    timer = setTimeout(tick, delay);
  };
  timer = setTimeout(tick, delay);
  parentPort.on('message', () => {
    clearTimeout(timer);
    db.close();
    finish();
  });
} else {
  finish();
}
`;

/** A running background checkpointer. */
export interface WalCheckpointer {
  /** Stops the worker, waiting (blocking) until it has closed its connection to the database. */
  stop(): void;
}

/**
 * Starts checkpointing `file` (a WAL-mode database the caller already opened) in a worker thread.
 * The caller should turn its own connection's autocheckpoint down to a backstop, and call stop()
 * before closing its own connection, so that the last connection closed is the caller's.
 */
export function startWalCheckpointer(file: string, intervalMs = CHECKPOINT_INTERVAL_MS): WalCheckpointer {
  const stoppedFlag = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs, idleIntervalMs: IDLE_INTERVAL_MS, stoppedFlag, sqliteModule: require.resolve('better-sqlite3') },
  });
  let stopping = false;
  // A checkpoint that fails (an I/O error) is reported and retried next interval; the writer's
  // backstop autocheckpoint still bounds the log. One that fails for a full disk is only retried:
  // the writes failing meanwhile report the disk (storage-health.ts), once, not every interval.
  worker.on('message', (message: { error?: string; code?: string }) => {
    if (!message.error || stopping || isDiskFullError(message)) return;
    console.error(`cairn: background WAL checkpoint of ${file} failed: ${message.error}`);
  });
  worker.on('error', (error) => {
    if (!stopping) console.error(`cairn: the WAL checkpointer of ${file} stopped:`, error);
  });
  // A worker that is gone holds no connection: stop() must not wait for it.
  worker.on('exit', () => Atomics.store(new Int32Array(stoppedFlag), 0, 1));
  // It must never keep the process alive on its own.
  worker.unref();
  return {
    stop() {
      if (stopping) return;
      stopping = true;
      worker.postMessage('stop');
      // The worker answers within one checkpoint (milliseconds), or at once if it has exited.
      Atomics.wait(new Int32Array(stoppedFlag), 0, 0, STOP_TIMEOUT_MS);
    },
  };
}
