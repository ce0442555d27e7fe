// Runs the gate's Python work in a child process (never on the thread serving the UI): counting and
// splitting new data, and scoring the candidate and production models on the same rows. The
// script travels inside the bundle as text and is written into the data folder once per content.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import evaluatorSource from './cairn_model_evaluator.py';

/** Metrics a model got on the gate's data; null where it could not be measured. */
export type MeasuredMetrics = Readonly<Record<string, number | null>>;

/** What one evaluation found for each model. */
export interface ModelEvaluation {
  readonly rows: number;
  readonly models: Readonly<Record<string, { readonly metrics: MeasuredMetrics; readonly error: string | null }>>;
}

/** The Python side of the gate. */
export class ModelEvaluator {
  private script: string | null = null;

  constructor(
    private readonly options: {
      /** The Python with pandas and scikit-learn. */
      readonly python: string;
      /** Where the script is written (a runtime folder under the data folder). */
      readonly runtimeDir: string;
    },
  ) {}

  /** Rows of the files read as one table. */
  async count(files: readonly string[], signal?: AbortSignal): Promise<number> {
    return (await this.call<{ rows: number }>({ command: 'count', files }, signal)).rows;
  }

  /** Splits the files into a part to train on and a seeded random holdout (none when `holdout` is null). */
  split(
    request: { readonly files: readonly string[]; readonly fraction: number; readonly seed: number; readonly train: string; readonly holdout: string | null },
    signal?: AbortSignal,
  ): Promise<{ rows: number; train_rows: number; holdout_rows: number }> {
    return this.call({ command: 'split', ...request }, signal);
  }

  /** Scores each model folder on the same data. */
  evaluate(
    request: { readonly data: string; readonly label: string; readonly task: 'classification' | 'regression'; readonly models: Readonly<Record<string, string>> },
    signal?: AbortSignal,
  ): Promise<ModelEvaluation> {
    return this.call({ command: 'evaluate', latency_repeats: 30, ...request }, signal);
  }

  private ensureScript(): string {
    if (this.script && fs.existsSync(this.script)) return this.script;
    const hash = createHash('sha256').update(evaluatorSource).digest('hex').slice(0, 12);
    const file = path.join(this.options.runtimeDir, `cairn_model_evaluator_${hash}.py`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, evaluatorSource);
      fs.renameSync(temporary, file);
    }
    this.script = file;
    return file;
  }

  private call<T>(request: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const script = this.ensureScript();
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new Error('Stopped.'));
        return;
      }
      const child = spawn(this.options.python, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const abort = () => child.kill('SIGTERM');
      signal?.addEventListener('abort', abort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (error) => {
        signal?.removeEventListener('abort', abort);
        reject(new Error(`cannot run ${this.options.python}: ${error.message}. Set python: in the automations file, or $CAIRN_PYTHON, to a Python with pandas and scikit-learn.`));
      });
      child.on('close', (code) => {
        signal?.removeEventListener('abort', abort);
        if (signal?.aborted) {
          reject(new Error('Stopped.'));
          return;
        }
        const text = Buffer.concat(out).toString('utf8');
        let answer: { error?: string } & Record<string, unknown>;
        try {
          answer = JSON.parse(text) as { error?: string } & Record<string, unknown>;
        } catch {
          const stderr = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' ');
          reject(new Error(`${this.options.python} ended with status ${code} without an answer${stderr ? `: ${stderr}` : ''}`));
          return;
        }
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer as T);
      });
      child.stdin.end(JSON.stringify(request));
    });
  }
}
