// The pipeline as dvc.yaml defines it once interpolated and expanded: one StageSpec per stage
// (foreach and matrix stages already named `name@key`), and the errors that make a pipeline
// invalid, each with the file, line and stage it concerns.

/** One out, metric or plot of a stage. `path` is as DVC records it: relative to the stage's wdir. */
export interface OutSpec {
  readonly path: string;
  /** The path relative to the project root, '/'-separated. */
  readonly projectPath: string;
  readonly kind: 'out' | 'metric' | 'plot';
  /** Whether it goes into the cache (`cache: false` keeps it out). */
  readonly cache: boolean;
  /** Whether it is kept (not deleted) before the command runs. */
  readonly persist: boolean;
}

/** A dep of a stage: a file or folder it reads. */
export interface DepSpec {
  /** As written in dvc.yaml and recorded in dvc.lock: relative to the stage's wdir. */
  readonly path: string;
  /** The path relative to the project root ('/'-separated); absolute for a file outside the project. */
  readonly projectPath: string;
}

/** The params a stage reads from one params file: some keys, or the whole file. */
export interface ParamsSpec {
  /** The file relative to the stage's wdir, as recorded in dvc.lock (params.yaml by default). */
  readonly file: string;
  readonly projectPath: string;
  /** Dotted keys (`train.lr`); empty when the whole file is tracked. */
  readonly keys: readonly string[];
}

/** One stage, resolved. */
export interface StageSpec {
  /** The stage's name as DVC addresses it (`train`, `train@rf`, `fit@lr0.1-sgd`). */
  readonly name: string;
  /** The foreach or matrix group it was generated from, when it was. */
  readonly group: string | null;
  /** The command as written after interpolation: one string or a list (recorded so in dvc.lock). */
  readonly cmd: string | readonly string[];
  /** The commands run one after another (a string's lines, or the list's items). */
  readonly commands: readonly string[];
  /** The stage's working folder relative to the project root ('' for the root). */
  readonly wdir: string;
  readonly deps: readonly DepSpec[];
  readonly params: readonly ParamsSpec[];
  /** Outs, metrics and plots. */
  readonly outs: readonly OutSpec[];
  readonly frozen: boolean;
  readonly alwaysChanged: boolean;
  readonly desc: string | null;
  /** The line of the stage's name in dvc.yaml. */
  readonly line: number | null;
}

/** A problem that makes a pipeline invalid. */
export interface PipelineIssue {
  readonly file: string;
  readonly line: number | null;
  /** The stage it concerns, when it concerns one. */
  readonly stage: string | null;
  readonly message: string;
}

/** Formats an issue as `dvc.yaml:12: stage 'train': message`. */
export function formatPipelineIssue(issue: PipelineIssue): string {
  const where = `${issue.file}${issue.line ? `:${issue.line}` : ''}`;
  return `${where}: ${issue.stage ? `stage '${issue.stage}': ` : ''}${issue.message}`;
}

/** Thrown when a pipeline cannot run as defined; nothing has run when it is thrown. */
export class PipelineDefinitionError extends Error {
  constructor(readonly issues: readonly PipelineIssue[]) {
    super(issues.map(formatPipelineIssue).join('\n'));
    this.name = 'PipelineDefinitionError';
  }
}
