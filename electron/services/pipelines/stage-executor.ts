// Where a stage's commands run. The runner talks to the StageExecutor interface only, so that
// stages can later run on a cluster engine without touching the rest; LocalProcessExecutor runs
// them here, as DVC's dvc/stage/run.py does: each command through `$SHELL -c` (bash and zsh
// without profile or rc files) in the stage's wdir, one after another, stopping at the first that
// fails. Each command gets its own process group, so Stop ends the whole tree it started:
// SIGTERM, then SIGKILL after a grace period.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** What a stage needs to run. */
export interface StageLaunch {
  /** The commands, run one after another. */
  readonly commands: readonly string[];
  readonly cwd: string;
  /** The whole environment of the commands. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Combined stdout and stderr as it comes: the text decoded so far, and the bytes it came from
   * (for the log file, written as they are). A character split between two chunks comes with the
   * bytes of the first and the text of the second.
   */
  readonly onOutput: (text: string, bytes: Uint8Array) => void;
}

/** How a stage's commands ended. */
export interface StageOutcome {
  /** The exit code of the last command run; null when it was ended by a signal or could not start. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether stop() ended it. */
  readonly stopped: boolean;
  /** The command that failed, if one did. */
  readonly failedCommand: string | null;
}

/** A running stage. */
export interface StageProcess {
  readonly done: Promise<StageOutcome>;
  /** Ends the stage's processes: SIGTERM to the whole tree, then SIGKILL after the grace period. */
  stop(): void;
}

/** Runs stages somewhere. */
export interface StageExecutor {
  start(launch: StageLaunch): StageProcess;
}

/** How LocalProcessExecutor runs commands. */
export interface LocalProcessExecutorOptions {
  /** The shell; $SHELL, else /bin/sh, as DVC picks it. */
  readonly shell?: string;
  /** Milliseconds between SIGTERM and SIGKILL on stop (default 3000). */
  readonly stopGraceMs?: number;
}

/** The shell's arguments before `-c`: bash and zsh are told to read no startup files (DVC's _make_cmd). */
export function shellArguments(shell: string, command: string): string[] {
  const name = path.basename(shell).toLowerCase();
  const options = name === 'bash' ? ['--noprofile', '--norc'] : name === 'zsh' ? ['--no-rcs'] : [];
  return [...options, '-c', command];
}

/** Runs stages as local processes. */
export class LocalProcessExecutor implements StageExecutor {
  private readonly shell: string;
  private readonly stopGraceMs: number;

  constructor(options: LocalProcessExecutorOptions = {}) {
    this.shell = options.shell ?? (process.env.SHELL || '/bin/sh');
    this.stopGraceMs = options.stopGraceMs ?? 3000;
  }

  start(launch: StageLaunch): StageProcess {
    let child: ChildProcess | null = null;
    let stopped = false;
    let killTimer: NodeJS.Timeout | null = null;
    let finished = false;
    // The group outlives the shell while anything it started still runs: signal the group, not the shell.
    const signalGroup = (signal: NodeJS.Signals): void => {
      if (finished || child?.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const runOne = (command: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
      new Promise((resolve) => {
        const started = spawn(this.shell, shellArguments(this.shell, command), {
          cwd: launch.cwd,
          env: launch.env,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        child = started;
        for (const stream of [started.stdout, started.stderr]) {
          const decoder = new StringDecoder('utf8');
          stream?.on('data', (chunk: Buffer) => launch.onOutput(decoder.write(chunk), chunk));
          stream?.on('end', () => {
            const rest = decoder.end();
            // The bytes of an unfinished last character came with the previous chunk; the replacement character is text only.
            if (rest) launch.onOutput(rest, new Uint8Array(0));
          });
        }
        started.once('error', (error) => {
          const message = `cairn: could not start ${this.shell}: ${error.message}\n`;
          launch.onOutput(message, Buffer.from(message));
          resolve({ code: null, signal: null });
        });
        started.once('close', (code, signal) => resolve({ code, signal }));
      });
    const done = (async (): Promise<StageOutcome> => {
      let last: { code: number | null; signal: NodeJS.Signals | null } = { code: 0, signal: null };
      try {
        for (const command of launch.commands) {
          if (stopped) break;
          last = await runOne(command);
          if (last.code !== 0) return { exitCode: last.code, signal: last.signal, stopped, failedCommand: command };
        }
        return { exitCode: stopped ? null : last.code, signal: last.signal, stopped, failedCommand: null };
      } finally {
        finished = true;
        if (killTimer) clearTimeout(killTimer);
      }
    })();
    return {
      done,
      stop: () => {
        if (stopped) return;
        stopped = true;
        signalGroup('SIGTERM');
        killTimer = setTimeout(() => signalGroup('SIGKILL'), this.stopGraceMs);
        killTimer.unref();
      },
    };
  }
}
