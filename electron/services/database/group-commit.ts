// Group commit: write transactions that arrive in the same turn of the event loop are committed
// together, in one SQLite transaction. Under a stream of log-batch requests from several writers,
// a commit (writing each changed page to the log) is paid once per group instead of once per
// request, and pages that several requests change (b-tree interiors, series rows) are written once.
// Each write still succeeds or fails on its own: when one fails, the group is rolled back and each
// of its writes is run again in a transaction of its own (a savepoint per write would copy every
// page it touches into a statement journal, which cost more than the commits it saves). Every
// promise settles only after its COMMIT, so a write is still acknowledged only once committed.
// A write must therefore touch nothing but the database: it may run twice. When the group fails
// for a reason no write of it caused (another process held the lock past the busy timeout, the
// disk is full), every write fails with that error at once instead of waiting again alone.
import { CairnError } from '../../../shared/errors';
import type { CairnDatabase } from './database';

/** A failure of the database or its disk rather than of one write's content. */
function isStorageFailure(error: unknown): boolean {
  return error instanceof CairnError && (error.code === 'TEMPORARILY_UNAVAILABLE' || error.code === 'INSUFFICIENT_STORAGE');
}

interface QueuedWrite {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Queues synchronous write transactions and commits each turn's writes together. */
export class GroupCommit {
  private queue: QueuedWrite[] = [];

  constructor(private readonly database: CairnDatabase) {}

  /** Runs `work` inside the next group's transaction; resolves with its result once the group committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate runs after the poll phase, once every request that arrived with this one was read.
      if (this.queue.length === 1) setImmediate(() => this.commit());
    });
  }

  private commit(): void {
    const writes = this.queue;
    this.queue = [];
    if (writes.length > 1) {
      const results: unknown[] = [];
      try {
        this.database.write(() => {
          for (const write of writes) results.push(write.work());
        });
      } catch (error) {
        if (isStorageFailure(error)) {
          for (const write of writes) write.reject(error);
          return;
        }
        // A write failed (or the commit did) and the whole group was rolled back: each write is
        // run again in a transaction of its own, so that each fails or succeeds by itself.
        for (const write of writes) this.commitAlone(write);
        return;
      }
      writes.forEach((write, index) => write.resolve(results[index]));
      return;
    }
    for (const write of writes) this.commitAlone(write);
  }

  private commitAlone(write: QueuedWrite): void {
    let result: unknown;
    try {
      result = this.database.write(write.work);
    } catch (error) {
      write.reject(error);
      return;
    }
    write.resolve(result);
  }
}
