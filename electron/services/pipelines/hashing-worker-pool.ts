// Hashing work on worker threads, so that it never blocks the thread that serves the window or
// the tracking API: listing a folder with a stat of every file in it (10,000 files is tens of
// milliseconds of system calls), and streaming files through md5. Workers start on first use (a
// run whose files are all known to the hash state and that has no folder to list starts none)
// and never keep the process alive on their own. A big file is read in large chunks with the
// next read in flight while the current chunk is hashed, so reading and hashing overlap.
import os from 'node:os';
import { Worker } from 'node:worker_threads';

/** The md5 and size of a file, or why it could not be read. */
export type Md5Outcome = { readonly md5: string; readonly size: number } | { readonly error: string };

/** A file to hash; `size` (from a stat) helps spread the work. */
export interface Md5Job {
  readonly path: string;
  readonly size: number;
}

/** A file found by listing a folder: its path relative to the folder ('/'-separated) and its stat. */
export interface ScannedFile {
  readonly relpath: string;
  readonly ino: number;
  /** Milliseconds, with the sub-millisecond part the file system keeps. */
  readonly mtimeMs: number;
  readonly size: number;
  readonly mode: number;
}

/** A folder's listing: its signature (the md5 of every file's path and stat), and its files unless the signature was the one expected. */
export interface FolderScan {
  readonly signature: string;
  readonly files: ScannedFile[] | null;
}

/** Files at least this big are read with overlapped chunks; smaller ones in one go. */
const STREAM_THRESHOLD = 8 * 1024 * 1024;
const CHUNK = 4 * 1024 * 1024;
/** A batch sent to a worker holds up to this many files or bytes. */
const BATCH_FILES = 256;
const BATCH_BYTES = 64 * 1024 * 1024;

/**
 * The worker: plain JavaScript evaluated by the thread, so it needs no build step.
 * - scan: lists a folder recursively as dvc-data walks it (os.walk without following links to
 *   folders; a link to a file counts as that file), leaving out what DVC always ignores (.git,
 *   .hg and .dvc folders, .git files), and signs the listing; when the signature is the one the
 *   caller expected (nothing changed since it hashed the folder), only the signature goes back.
 * - hash: md5 of files; small ones read synchronously into one reused buffer, big ones with two
 *   buffers, one being read while the other is hashed.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const { chunk, streamThreshold } = workerData;
const small = Buffer.allocUnsafe(chunk);
const buffers = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)];
function hashSmall(path) {
  const fd = fs.openSync(path, 'r');
  try {
    const hash = crypto.createHash('md5');
    let size = 0;
    for (;;) {
      const read = fs.readSync(fd, small, 0, small.length, size);
      if (read === 0) break;
      hash.update(small.subarray(0, read));
      size += read;
    }
    return { md5: hash.digest('hex'), size };
  } finally {
    fs.closeSync(fd);
  }
}
async function hashLarge(path) {
  const handle = await fs.promises.open(path, 'r');
  try {
    const hash = crypto.createHash('md5');
    let size = 0;
    let which = 0;
    let pending = handle.read(buffers[0], 0, chunk, 0);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = buffers[which];
      which ^= 1;
      pending = handle.read(buffers[which], 0, chunk, size + bytesRead);
      hash.update(current.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { md5: hash.digest('hex'), size };
  } finally {
    await handle.close();
  }
}
// The listing goes back as one string of NUL-separated paths (a file name cannot hold NUL) and one
// array of numbers, which cross to the main thread far cheaper than an object per file.
function scan(root) {
  const names = [];
  const numbers = [];
  const walk = (dir, rel) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const name = entry.name;
      if (name === '.git') continue;
      const full = dir + '/' + name;
      const relpath = rel ? rel + '/' + name : name;
      if (entry.isDirectory()) {
        if (name !== '.hg' && name !== '.dvc') walk(full, relpath);
        continue;
      }
      let stat;
      try {
        stat = fs.statSync(full);
      } catch (error) {
        continue;
      }
      if (!stat.isFile()) continue;
      names.push(relpath);
      numbers.push(stat.ino, stat.mtimeMs, stat.size, stat.mode);
    }
  };
  walk(root, '');
  const listing = { names: names.join('\0'), numbers: Float64Array.from(numbers) };
  const signature = crypto.createHash('md5').update(listing.names).update(Buffer.from(listing.numbers.buffer)).digest('hex');
  return { signature, listing };
}
parentPort.on('message', async (message) => {
  if (message.kind === 'scan') {
    try {
      const { signature, listing } = scan(message.dir);
      if (signature === message.expected) parentPort.postMessage({ id: message.id, signature });
      else parentPort.postMessage({ id: message.id, signature, listing }, [listing.numbers.buffer]);
    } catch (error) {
      parentPort.postMessage({ id: message.id, error: (error && (error.code || error.message)) || String(error) });
    }
    return;
  }
  const results = [];
  for (const job of message.jobs) {
    try {
      results.push(job.size >= streamThreshold ? await hashLarge(job.path) : hashSmall(job.path));
    } catch (error) {
      results.push({ error: (error && (error.code || error.message)) || String(error) });
    }
  }
  parentPort.postMessage({ id: message.id, results });
});
`;

type Task =
  | { readonly kind: 'hash'; readonly id: number; readonly jobs: readonly Md5Job[]; readonly resolve: (value: Md5Outcome[]) => void; readonly reject: (error: Error) => void }
  | {
      readonly kind: 'scan';
      readonly id: number;
      readonly dir: string;
      readonly expected: string | null;
      readonly resolve: (value: FolderScan) => void;
      readonly reject: (error: Error) => void;
    };

interface WorkerReply {
  readonly id: number;
  readonly results?: Md5Outcome[];
  readonly signature?: string;
  readonly listing?: { readonly names: string; readonly numbers: Float64Array };
  readonly error?: string;
}

function scannedFiles(listing: { readonly names: string; readonly numbers: Float64Array }): ScannedFile[] {
  if (listing.names === '') return [];
  const { numbers } = listing;
  return listing.names.split('\0').map((relpath, index) => ({
    relpath,
    ino: numbers[index * 4]!,
    mtimeMs: numbers[index * 4 + 1]!,
    size: numbers[index * 4 + 2]!,
    mode: numbers[index * 4 + 3]!,
  }));
}

interface PoolWorker {
  readonly worker: Worker;
  busy: Task | null;
}

/** A pool of hashing worker threads. */
export class HashingWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  /** `size` worker threads at most (default: the cores, up to 4). */
  constructor(private readonly size = Math.max(1, Math.min(os.availableParallelism(), 4))) {}

  /** The md5 of each file, in the order given. */
  async hash(jobs: readonly Md5Job[]): Promise<Md5Outcome[]> {
    if (jobs.length === 0) return [];
    const batches: Md5Job[][] = [];
    let current: Md5Job[] = [];
    let bytes = 0;
    for (const job of jobs) {
      if (current.length > 0 && (current.length >= BATCH_FILES || bytes + job.size > BATCH_BYTES)) {
        batches.push(current);
        current = [];
        bytes = 0;
      }
      current.push(job);
      bytes += job.size;
    }
    batches.push(current);
    const parts = await Promise.all(
      batches.map((batch) => new Promise<Md5Outcome[]>((resolve, reject) => this.enqueue({ kind: 'hash', id: this.nextId++, jobs: batch, resolve, reject }))),
    );
    return parts.flat();
  }

  /** Starts a worker ahead of the work (it boots while the caller reads files), unless one runs. */
  warm(): void {
    if (!this.closed && this.workers.length === 0) this.startWorker();
  }

  /**
   * Every file under a folder with its stat (what DVC hashes when the folder is a dep or an out),
   * and the listing's signature; only the signature when it is `expected`.
   */
  scan(dir: string, expected: string | null = null): Promise<FolderScan> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'scan', id: this.nextId++, dir, expected, resolve, reject }));
  }

  private enqueue(task: Task): void {
    if (this.closed) {
      task.reject(new Error('the hashing worker pool is closed'));
      return;
    }
    this.queue.push(task);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let idle = this.workers.find((entry) => entry.busy === null);
      if (!idle && this.workers.length < this.size) idle = this.startWorker();
      if (!idle) return;
      const task = this.queue.shift()!;
      idle.busy = task;
      idle.worker.ref();
      idle.worker.postMessage(task.kind === 'scan' ? { kind: 'scan', id: task.id, dir: task.dir, expected: task.expected } : { kind: 'hash', id: task.id, jobs: task.jobs });
    }
  }

  private startWorker(): PoolWorker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { chunk: CHUNK, streamThreshold: STREAM_THRESHOLD } });
    const entry: PoolWorker = { worker, busy: null };
    worker.on('message', (reply: WorkerReply) => {
      const task = entry.busy;
      entry.busy = null;
      worker.unref();
      if (task && task.id === reply.id) {
        if (reply.error !== undefined) task.reject(Object.assign(new Error(`cannot list ${task.kind === 'scan' ? task.dir : 'files'}: ${reply.error}`), { code: reply.error }));
        else if (task.kind === 'scan') task.resolve({ signature: reply.signature ?? '', files: reply.listing ? scannedFiles(reply.listing) : null });
        else task.resolve(reply.results ?? []);
      }
      this.dispatch();
    });
    const fail = (error: Error): void => {
      const task = entry.busy;
      entry.busy = null;
      const index = this.workers.indexOf(entry);
      if (index !== -1) this.workers.splice(index, 1);
      task?.reject(error);
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.workers.includes(entry)) fail(new Error(`a hashing worker exited with code ${code}`));
    });
    worker.unref();
    this.workers.push(entry);
    return entry;
  }

  /** Stops the workers; tasks still queued fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the hashing worker pool was closed'));
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((entry) => entry.worker.terminate()));
  }
}
