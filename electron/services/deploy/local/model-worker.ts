// One Python model worker as the endpoint host sees it: spawned on a model folder, followed
// through its startup events until it is ready (or fails, with the step and why), then sent
// requests one after another over its stdin; answers come back in order.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { invocationFrame, matrixFrame, pingFrame, WorkerFrameDecoder, type WorkerEvent, type WorkerReply } from './worker-frames';

/** How to start a worker. */
export interface ModelWorkerOptions {
  /** The Python interpreter (a path, or a command found on PATH). */
  readonly python: string;
  /** The worker module's file (cairn_model_worker_<hash>.py written out by the local target; its name must be a Python identifier). */
  readonly script: string;
  readonly modelDir: string;
  /** 'auto' (mlflow.pyfunc when the Python has mlflow), 'mlflow' or 'cairn'. */
  readonly loader?: string;
  /** Receives the worker's stderr lines (the endpoint's log). */
  readonly log: (line: string) => void;
}

/** Why a worker did not become ready: the startup step that failed and a message a person can act on. */
export class WorkerStartError extends Error {
  constructor(
    readonly step: 'start-worker' | 'check-requirements' | 'load-model' | 'answer-ping',
    message: string,
  ) {
    super(message);
    this.name = 'WorkerStartError';
  }
}

/** What the worker said about itself while starting. */
export interface WorkerFacts {
  readonly python: string | null;
  readonly executable: string | null;
  readonly loader: string | null;
  readonly mlflowVersion: string | null;
  readonly modelClass: string | null;
  /** The signature's columns when the host may send parsed matrices. */
  readonly fastColumns: readonly string[] | null;
}

const STDERR_LINES_KEPT = 40;

/** A running Python model worker. */
export class ModelWorker {
  readonly facts: { -readonly [K in keyof WorkerFacts]: WorkerFacts[K] } = {
    python: null,
    executable: null,
    loader: null,
    mlflowVersion: null,
    modelClass: null,
    fastColumns: null,
  };
  /** The signature's column positions, for the host's fast path. */
  fastColumnIndex: ReadonlyMap<string, number> | null = null;
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly waiting: Array<{ resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }> = [];
  private readonly stderrTail: string[] = [];
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null; description: string } | null = null;
  private readonly exitListeners = new Set<(description: string) => void>();

  /** Spawns the worker; `onEvent` sees each startup event as it arrives. */
  constructor(
    private readonly options: ModelWorkerOptions,
    private readonly onEvent: (event: WorkerEvent) => void = () => {},
  ) {
    // Imported rather than run as a script, so Python keeps its compiled form beside it between starts.
    const folder = path.dirname(options.script);
    const module = path.basename(options.script, '.py');
    const launcher = `import sys; sys.path.insert(0, ${JSON.stringify(folder)}); import ${module} as worker; sys.exit(worker.main(sys.argv[1]))`;
    this.child = spawn(options.python, ['-c', launcher, options.modelDir], {
      cwd: options.modelDir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, CAIRN_MODEL_LOADER: options.loader ?? 'auto', PYTHONUNBUFFERED: '1' },
      windowsHide: true,
    });
    const decoder = new WorkerFrameDecoder(
      (reply) => this.waiting.shift()?.resolve(reply),
      (event) => this.handleEvent(event),
    );
    this.child.stdout.on('data', (chunk: Buffer) => decoder.push(chunk));
    let partial = '';
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.keepStderr(line);
    });
    this.child.stdin.on('error', () => {});
    this.child.on('error', (error) => this.finish(null, null, error));
    this.child.on('exit', (code, signal) => {
      if (partial) this.keepStderr(partial);
      this.finish(code, signal);
    });
  }

  /** The worker process's id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True once the process has exited. */
  get exited(): boolean {
    return this.exitInfo !== null;
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.waiting.length;
  }

  /** Resolves when the worker is ready to score and has answered a ping; rejects with the step that failed. */
  ready(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: WorkerStartError) => {
        if (settled) return;
        settled = true;
        cleanup();
        this.kill();
        reject(error);
      };
      let failedEvent: WorkerEvent | null = null;
      let step: WorkerStartError['step'] = 'start-worker';
      const events = (event: WorkerEvent) => {
        if (event.event === 'hello') step = 'check-requirements';
        else if (event.event === 'requirements') step = 'load-model';
        else if (event.event === 'failed') failedEvent = event;
        else if (event.event === 'ready') {
          step = 'answer-ping';
          this.ping().then(
            () => {
              if (settled) return;
              settled = true;
              cleanup();
              resolve();
            },
            (error: Error) => fail(new WorkerStartError('answer-ping', error.message)),
          );
        }
      };
      const exited = (description: string) => {
        if (failedEvent) {
          const failedStep = failedEvent.step === 'requirements' ? 'check-requirements' : 'load-model';
          fail(new WorkerStartError(failedStep, String(failedEvent.message) + this.tracebackOf(failedEvent)));
        } else {
          fail(new WorkerStartError(step, `${description}${this.stderrSummary()}`));
        }
      };
      const aborted = () => fail(new WorkerStartError(step, 'Cancelled.'));
      const cleanup = () => {
        this.startupListeners.delete(events);
        this.exitListeners.delete(exited);
        signal?.removeEventListener('abort', aborted);
      };
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted);
      this.startupListeners.add(events);
      this.exitListeners.add(exited);
      for (const event of this.seenEvents) events(event);
      if (this.exitInfo) exited(this.describeExit());
    });
  }

  /** Sends an /invocations request. */
  invoke(contentType: string, body: Buffer): Promise<WorkerReply> {
    return this.send(invocationFrame(contentType, body));
  }

  /** Sends rows already parsed to float64 in signature order. */
  invokeMatrix(rows: number, values: Float64Array): Promise<WorkerReply> {
    return this.send(matrixFrame(rows, values));
  }

  /** Sends a ping; resolves when the worker answers it. */
  async ping(): Promise<void> {
    const reply = await this.send(pingFrame());
    if (reply.status !== 200) throw new Error(`the worker answered the ping with ${reply.status}`);
  }

  /** Calls `listener` once when the process exits, with a description of how. */
  onExit(listener: (description: string) => void): void {
    if (this.exitInfo) listener(this.describeExit());
    else this.exitListeners.add(listener);
  }

  /** Closes the worker's stdin (it exits once its queue is answered); kills it if still there after `graceMs`. */
  stop(graceMs = 10_000): Promise<void> {
    if (this.exitInfo) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(), graceMs);
      timer.unref();
      this.exitListeners.add(() => {
        clearTimeout(timer);
        resolve();
      });
      this.child.stdin.end();
    });
  }

  /** Kills the process at once. */
  kill(): void {
    if (!this.exitInfo) this.child.kill('SIGKILL');
  }

  /** The last lines the worker wrote to stderr. */
  stderrSummary(): string {
    const lines = this.stderrTail.filter((line) => line.trim() !== '');
    return lines.length ? `\n${lines.slice(-12).join('\n')}` : '';
  }

  // ---------------------------------------------------------------- internals

  private readonly startupListeners = new Set<(event: WorkerEvent) => void>();
  private readonly seenEvents: WorkerEvent[] = [];

  private handleEvent(event: WorkerEvent): void {
    if (event.event === 'hello') {
      this.facts.python = String(event.python);
      this.facts.executable = String(event.executable);
      this.facts.loader = String(event.loader);
      this.facts.mlflowVersion = typeof event.mlflowVersion === 'string' ? event.mlflowVersion : null;
    } else if (event.event === 'loaded') {
      this.facts.modelClass = typeof event.modelClass === 'string' ? event.modelClass : null;
    } else if (event.event === 'ready') {
      const fast = event.fastInput as { columns?: unknown } | null | undefined;
      if (fast && Array.isArray(fast.columns) && fast.columns.every((c) => typeof c === 'string')) {
        this.facts.fastColumns = fast.columns;
        this.fastColumnIndex = new Map((fast.columns).map((name, index) => [name, index]));
      }
    }
    this.seenEvents.push(event);
    this.onEvent(event);
    for (const listener of this.startupListeners) listener(event);
  }

  private tracebackOf(event: WorkerEvent): string {
    return typeof event.traceback === 'string' && event.traceback.trim() ? `\n${event.traceback.trim()}` : '';
  }

  private send(frame: Buffer): Promise<WorkerReply> {
    if (this.exitInfo) return Promise.reject(new Error(`the model worker is not running (${this.describeExit()})`));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(frame);
    });
  }

  private keepStderr(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_LINES_KEPT) this.stderrTail.shift();
    this.options.log(line);
  }

  private describeExit(): string {
    return this.exitInfo?.description ?? 'running';
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    if (this.exitInfo) return;
    const description = error
      ? `Could not start ${this.options.python}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such program' : error.message}`
      : signal
        ? `the Python worker was ended by ${signal}`
        : `the Python worker exited with code ${code}`;
    this.exitInfo = { code, signal, description };
    for (const pending of this.waiting.splice(0)) pending.reject(new Error(description));
    for (const listener of [...this.exitListeners]) listener(description);
    this.exitListeners.clear();
  }
}
