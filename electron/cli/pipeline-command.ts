// `cairn pipeline run|status|dag`: runs a project's dvc.yaml with Cairn's pipeline service, records
// every stage as a run in the data folder's tracker (whether or not the app is open), and shows
// the stages live in a terminal or as plain lines elsewhere (CI).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../services/data-dir';
import { PipelineDefinitionError, formatPipelineIssue } from '../services/pipelines/pipeline-definition';
import { FINAL_STAGE_STATES, type PipelineEvent, type StageState } from '../services/pipelines/pipeline-events';
import { UnknownTargetError } from '../services/pipelines/pipeline-graph';
import { PipelineBusyError, PipelineService, type PipelineStatus, type PipelineView } from '../services/pipelines/pipeline-service';
import type { ExecutionResult } from '../services/pipelines/pipeline-runner';
import type { StageChange } from '../services/pipelines/stage-status';
import { openCairnStores } from '../services/cairn-services';
import { createDataCapability } from '../services/data/create-data-service';
import { recordPipelineStageData } from '../services/data/pipeline-data-recorder';
import { startTrackingServer } from '../services/tracking-api/tracking-server';
import type { CommandOutput } from './command-output';

/** `cairn pipeline --help`. */
export const PIPELINE_HELP = `Usage: cairn pipeline <run|status|dag> [options]

Runs pipelines defined in a dvc.yaml (DVC 3's format, unchanged): stages whose command, deps,
params or outs changed since dvc.lock run, independent stages at the same time; outs go into the
cache (.dvc/cache when the project has .dvc/, else Cairn's data folder) and dvc.lock is written as
DVC writes it, so \`dvc repro\` and Cairn never rerun what the other just ran. Every stage is
recorded as a run (command, params, why it ran, deps and outs with their hashes, metrics, plots,
its output) under a parent run per execution, in an experiment named after the project.

Commands:
  run [TARGET...]     Run the pipeline, or the targets (stages or foreach/matrix groups) and what they need
  status [TARGET...]  Tell which stages would run and why (as \`dvc status\` does)
  dag                 Show the stages and what each one needs

Options:
  --project <dir>       The folder holding dvc.yaml (default: the current folder)
  --data-dir <dir>      Data folder (default: $CAIRN_DATA_DIR, else the OS's per-user app data folder)
  -h, --help            Show this help

Options of run:
  --force               Run the stages even when they are up to date (nothing restored from the cache)
  --downstream          Run the targets and the stages that follow them, instead of what they need
  --jobs <n>            Stages run at the same time at most (default: the number of cores)
  --set-param <k=v>     Override a param without editing files, as \`dvc exp run -S\`: [file:]key=value,
                        the value read as YAML (repeatable). The pipeline then runs as a variant in
                        its own copy of the project under the data folder: your files and dvc.lock
                        stay as they are; its outs go into the shared cache and its runs are recorded
  --dry-run             Show what would run and why; run nothing, record nothing
  --tracking-uri <uri>  Let stages log with mlflow to this Cairn tracking server, which must serve
                        the same data folder (e.g. the app's, http://127.0.0.1:5151), instead of
                        one started on a free port for the run
  --no-track            Do not record runs or the execution (dvc.lock and the cache are still written)

Options of status:
  --json                Print the status as JSON

Options of dag:
  --dot                 Print the graph in Graphviz's dot language
  --mermaid             Print the graph as a Mermaid flowchart

Stages run through $SHELL -c (bash without profile or rc files) in their wdir, with DVC_ROOT and
DVC_STAGE set as DVC sets them, and MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_ID and MLFLOW_RUN_ID of
their own run, so mlflow.log_* calls in a stage land in its run. Ctrl-C stops the stages (their
whole process trees), removes their partial outs and leaves dvc.lock as it was for them.

Exit status: 0 when every stage succeeded, 1 when a stage failed, 2 for an invalid pipeline (the
file, line and stage are printed), 130 when stopped with Ctrl-C.
`;

const STATE_MARKS: Readonly<Record<StageState, string>> = {
  waiting: '·',
  checking: '?',
  running: '>',
  restoring: '<',
  done: '✓',
  restored: '✓',
  skipped: '=',
  frozen: '*',
  failed: '✗',
  killed: '✗',
  blocked: '-',
  cancelled: '-',
};

const TTY_REFRESH_MS = 100;

interface PipelineArgs {
  readonly project: string;
  readonly dataDir: string;
  readonly targets: string[];
  readonly values: Record<string, string | boolean | string[] | undefined>;
}

function parsePipelineArgs(args: string[]): { subcommand: string; parsed: PipelineArgs } {
  const [subcommand = '', ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      project: { type: 'string' },
      'data-dir': { type: 'string' },
      force: { type: 'boolean', default: false },
      downstream: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      'set-param': { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      'tracking-uri': { type: 'string' },
      'no-track': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      dot: { type: 'boolean', default: false },
      mermaid: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  return {
    subcommand,
    parsed: {
      project: path.resolve(values.project ?? process.cwd()),
      dataDir: resolveDataDir(values['data-dir']),
      targets: positionals,
      values,
    },
  };
}

/** Runs `cairn pipeline`; resolves to the exit status. */
export async function runPipelineCommand(args: string[], output: CommandOutput = process): Promise<number> {
  const { subcommand, parsed } = parsePipelineArgs(args);
  try {
    if (subcommand === 'run') return await runCommand(parsed, output);
    if (subcommand === 'status') return await statusCommand(parsed, output);
    if (subcommand === 'dag') return dagCommand(parsed, output);
  } catch (error) {
    if (error instanceof PipelineDefinitionError) {
      output.stderr.write(`cairn: the pipeline in ${parsed.project} is invalid; nothing ran:\n${error.issues.map((issue) => `  ${formatPipelineIssue(issue)}`).join('\n')}\n`);
      return 2;
    }
    if (error instanceof UnknownTargetError) {
      output.stderr.write(`cairn: ${error.message}. Run \`cairn pipeline dag\` for the stages.\n`);
      return 2;
    }
    if (error instanceof PipelineBusyError) {
      output.stderr.write(`cairn: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  output.stderr.write(`cairn: pipeline needs a command: run, status or dag${subcommand ? ` (got '${subcommand}')` : ''}. Run \`cairn pipeline --help\`.\n`);
  return 2;
}

function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const jobs = Number(text);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a whole number of at least 1, got '${text}'`);
  return jobs;
}

async function runCommand(args: PipelineArgs, output: CommandOutput): Promise<number> {
  const jobs = parseJobs(args.values.jobs as string | undefined);
  const setParams = (args.values['set-param'] as string[] | undefined) ?? [];
  const force = args.values.force === true;
  const downstream = args.values.downstream === true;
  if (args.values['dry-run']) {
    if (setParams.length) throw new Error('--dry-run with --set-param is not supported yet: run the variant, or check `cairn pipeline status`');
    const service = new PipelineService({ dataDir: args.dataDir });
    try {
      const status = await service.status(args.project, { targets: args.targets, downstream });
      output.stdout.write(formatDryRun(status, force));
      return 0;
    } finally {
      await service.close();
    }
  }

  const track = args.values['no-track'] !== true;
  const context = track ? openCairnStores(args.dataDir) : null;
  const store = context?.store ?? null;
  let trackingUri = (args.values['tracking-uri'] as string | undefined) ?? null;
  const server = context && !trackingUri ? await startTrackingServer({ context, host: '127.0.0.1', port: 0 }) : null;
  trackingUri ??= server?.url ?? null;
  // Tracked executions put their stages' tabular deps and outs in the data catalog.
  const data = context ? createDataCapability({ database: context.database, tracker: context.store, artifacts: context.artifacts }) : null;
  const service = new PipelineService({
    dataDir: args.dataDir,
    store,
    artifacts: context?.artifacts ?? null,
    database: context?.database ?? null,
    trackingUri: () => (store ? trackingUri : null),
    onStageSettled: data ? recordPipelineStageData(data.service) : undefined,
  });
  const display = output.stderr.isTTY ? new LiveDisplay(output) : new PlainDisplay(output);
  let interrupts = 0;
  let stop: (() => void) | null = null;
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    display.note('Stopping: ending the running stages (Ctrl-C again to quit at once)…');
    stop?.();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const execution = await service.start(args.project, { targets: args.targets, force, downstream, jobs, setParams, onEvent: (event) => display.onEvent(event) });
    stop = () => execution.stop();
    if (interrupts > 0) execution.stop();
    const result = await execution.done;
    display.finish();
    output.stdout.write(formatSummary(result, execution.workspaceDir, args.project, service));
    return result.status === 'succeeded' ? 0 : result.status === 'stopped' ? 130 : 1;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    display.finish();
    await service.close();
    await data?.close();
    await server?.close();
    context?.close();
  }
}

function formatDryRun(status: PipelineStatus, force: boolean): string {
  const lines = [`Dry run of ${path.join(status.projectDir, 'dvc.yaml')}: nothing runs, nothing is recorded.`];
  const width = Math.max(...status.stages.map((stage) => stage.name.length), 5);
  for (const stage of status.stages) {
    let what: string;
    if (stage.outlook === 'frozen') what = 'frozen: never runs';
    else if (force) what = 'would run (forced)';
    else if (stage.outlook === 'will-run') what = `would run: ${stage.reasons.join('; ')}`;
    else if (stage.outlook === 'after-upstream') what = `runs only if the outs of ${stage.needs.join(', ')} change`;
    else what = 'up to date';
    lines.push(`  ${stage.name.padEnd(width)}  ${what}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `dvc status`'s layout: each changed stage, its changed deps (params under their file), outs, command. */
export function formatStatus(status: PipelineStatus): string {
  const lines: string[] = [];
  const entry = (label: string, value: string, indent: string): string => `${indent}${`${label}:`.padEnd(20)}${value}`;
  for (const stage of status.stages) {
    if (stage.changes.length === 0) continue;
    lines.push(`${stage.name}:`);
    const deps = stage.changes.filter((change): change is Extract<StageChange, { kind: 'dep' | 'param' }> => change.kind === 'dep' || change.kind === 'param');
    if (deps.length) {
      lines.push('\tchanged deps:');
      for (const change of deps.filter((c) => c.kind === 'dep' || c.key === null)) {
        lines.push(entry(change.status, change.kind === 'dep' ? change.path : change.file, '\t\t'));
      }
      const byFile = new Map<string, Array<Extract<StageChange, { kind: 'param' }>>>();
      for (const change of deps) if (change.kind === 'param' && change.key !== null) byFile.set(change.file, [...(byFile.get(change.file) ?? []), change]);
      for (const [file, changes] of byFile) {
        lines.push(`\t\t${file}:`);
        for (const change of changes) lines.push(entry(change.status, change.key!, '\t\t\t'));
      }
    }
    const outs = stage.changes.filter((change): change is Extract<StageChange, { kind: 'out' }> => change.kind === 'out');
    if (outs.length) {
      lines.push('\tchanged outs:');
      for (const change of outs) lines.push(entry(change.status, change.path, '\t\t'));
    }
    if (stage.changes.some((change) => change.kind === 'always-changed')) lines.push('\talways changed');
    if (stage.changes.some((change) => change.kind === 'command')) lines.push('\tchanged command');
  }
  return lines.length ? `${lines.join('\n')}\n` : 'Data and pipelines are up to date.\n';
}

async function statusCommand(args: PipelineArgs, output: CommandOutput): Promise<number> {
  const service = new PipelineService({ dataDir: args.dataDir });
  try {
    const status = await service.status(args.project, { targets: args.targets, downstream: args.values.downstream === true });
    output.stdout.write(args.values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    return 0;
  } finally {
    await service.close();
  }
}

/** The stages by depth, each with what it needs; or Graphviz dot; or a Mermaid flowchart. */
export function formatDag(view: PipelineView, format: 'text' | 'dot' | 'mermaid'): string {
  const names = view.stages.map((stage) => stage.name);
  if (format === 'dot') {
    return `strict digraph {\n${names.map((name) => `"${name}";`).join('\n')}\n${view.edges.map((edge) => `"${edge.from}" -> "${edge.to}";`).join('\n')}\n}\n`;
  }
  if (format === 'mermaid') {
    const ids = new Map(names.map((name, index) => [name, `node${index + 1}`]));
    return `flowchart TD\n${names.map((name) => `\t${ids.get(name)}["${name}"]`).join('\n')}\n${view.edges.map((edge) => `\t${ids.get(edge.from)}-->${ids.get(edge.to)}`).join('\n')}\n`;
  }
  const depth = new Map<string, number>();
  for (const stage of view.stages) depth.set(stage.name, Math.max(-1, ...stage.needs.map((need) => depth.get(need)!)) + 1);
  const width = Math.max(...names.map((name) => name.length), 5);
  const lines = view.stages.map((stage) => {
    const frozen = stage.frozen ? ' (frozen)' : '';
    return `  ${String(depth.get(stage.name)).padStart(2)}  ${stage.name.padEnd(width)}${stage.needs.length ? `  <- ${stage.needs.join(', ')}` : ''}${frozen}`;
  });
  return `${names.length} stage${names.length === 1 ? '' : 's'} (depth, name, what it needs):\n${lines.join('\n')}\n`;
}

function dagCommand(args: PipelineArgs, output: CommandOutput): number {
  const service = new PipelineService({ dataDir: args.dataDir });
  const view = service.describe(args.project);
  void service.close();
  output.stdout.write(formatDag(view, args.values.dot ? 'dot' : args.values.mermaid ? 'mermaid' : 'text'));
  return 0;
}

function formatSeconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function formatSummary(result: ExecutionResult, workspaceDir: string, projectDir: string, service: PipelineService): string {
  const count = (state: StageState) => result.stages.filter((stage) => stage.state === state).length;
  const parts = [
    [count('done'), 'ran'],
    [count('restored'), 'restored from the cache'],
    [count('skipped'), 'up to date'],
    [count('frozen'), 'frozen'],
    [count('failed'), 'failed'],
    [count('killed'), 'stopped'],
    [count('blocked'), 'not run (a stage they need failed)'],
    [count('cancelled'), 'not started'],
  ].filter(([n]) => (n as number) > 0);
  const lines = [`Pipeline ${result.status}: ${parts.map(([n, what]) => `${n} ${what}`).join(', ')}.`];
  for (const stage of result.stages.filter((s) => s.state === 'failed')) {
    lines.push(`Stage '${stage.name}' failed: ${stage.reason ?? ''}`);
    if (stage.outputTail.length) lines.push(...stage.outputTail.map((line) => `  | ${line}`));
  }
  if (workspaceDir !== projectDir) lines.push(`The variant ran in its own copy of the project: ${workspaceDir}`);
  if (result.parentRunId) {
    const detail = service.getExecution(result.executionId);
    lines.push(`Recorded as run ${result.parentRunId} (experiment ${detail?.execution.experimentId ?? result.experimentId}), execution ${result.executionId}.`);
  }
  return `${lines.join('\n')}\n`;
}

/** Splits each stage's output into whole lines, keeping a line's start until its end arrives. */
class StageLines {
  private readonly partial = new Map<string, string>();

  /** The whole lines completed by a chunk of a stage's output. */
  push(stage: string, text: string): string[] {
    const lines = ((this.partial.get(stage) ?? '') + text).split('\n');
    this.partial.set(stage, lines.pop()!);
    return lines;
  }

  /** A stage's unfinished last line, once it has ended. */
  flush(stage: string): string[] {
    const rest = this.partial.get(stage) ?? '';
    this.partial.delete(stage);
    return rest ? [rest] : [];
  }
}

/** Output for terminals: stage lines redrawn in place under the stages' output. */
class LiveDisplay {
  private readonly lines = new StageLines();
  private readonly stages = new Map<string, { state: StageState; reason: string | null; since: number; lastLine: string }>();
  private drawnLines = 0;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  constructor(private readonly output: CommandOutput) {}

  onEvent(event: PipelineEvent): void {
    if (event.type === 'execution-started') {
      for (const stage of event.stages) this.stages.set(stage.name, { state: 'waiting', reason: null, since: Date.now(), lastLine: '' });
    } else if (event.type === 'stage-state') {
      const entry = this.stages.get(event.stage);
      if (entry) Object.assign(entry, { state: event.state, reason: event.reason, since: event.state === entry.state ? entry.since : event.at });
      if (FINAL_STAGE_STATES.has(event.state)) this.print(event.stage, this.lines.flush(event.stage));
    } else if (event.type === 'stage-log') {
      this.print(event.stage, this.lines.push(event.stage, event.text));
    } else if (event.type === 'warning') {
      this.note(`warning: ${event.message}`);
    }
    this.timer ??= setTimeout(() => this.draw(), TTY_REFRESH_MS);
  }

  note(text: string): void {
    this.clear();
    this.output.stderr.write(`${text}\n`);
    this.draw();
  }

  private print(stage: string, lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.clear();
    for (const line of lines) this.output.stderr.write(`[${stage}] ${line}\n`);
    const entry = this.stages.get(stage);
    if (entry) entry.lastLine = lines.at(-1)!;
  }

  private clear(): void {
    if (this.drawnLines > 0) this.output.stderr.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.finished) return;
    this.clear();
    const columns = Math.max(40, (this.output.stderr.columns || 100) - 1);
    const width = Math.min(30, Math.max(5, ...[...this.stages.keys()].map((name) => name.length)));
    const lines = [...this.stages].map(([name, entry]) => {
      const elapsed = ['running', 'restoring', 'checking'].includes(entry.state) ? ` ${formatSeconds(Date.now() - entry.since)}` : '';
      const detail = entry.state === 'running' ? entry.lastLine : (entry.reason ?? '');
      return `${STATE_MARKS[entry.state]} ${name.padEnd(width)} ${entry.state.padEnd(9)}${elapsed}  ${detail}`.slice(0, columns);
    });
    if (lines.length) this.output.stderr.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
    if ([...this.stages.values()].some((entry) => ['running', 'restoring', 'checking'].includes(entry.state))) {
      this.timer = setTimeout(() => this.draw(), 500);
      this.timer.unref();
    }
  }

  finish(): void {
    if (this.finished) return;
    this.draw();
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

/** Output for pipes and CI: one line per change and per output line. */
class PlainDisplay {
  private readonly lines = new StageLines();

  constructor(private readonly output: CommandOutput) {}

  onEvent(event: PipelineEvent): void {
    if (event.type === 'stage-state') {
      if (FINAL_STAGE_STATES.has(event.state)) for (const line of this.lines.flush(event.stage)) this.output.stderr.write(`[${event.stage}] ${line}\n`);
      if (event.state === 'waiting' || event.state === 'checking') return;
      const exit = event.exitCode !== null && event.state !== 'done' ? ` (exit code ${event.exitCode})` : '';
      this.output.stderr.write(`stage ${event.stage}: ${event.state}${exit}${event.reason ? ` - ${event.reason}` : ''}\n`);
    } else if (event.type === 'stage-log') {
      for (const line of this.lines.push(event.stage, event.text)) this.output.stderr.write(`[${event.stage}] ${line}\n`);
    } else if (event.type === 'warning') {
      this.note(`warning: ${event.message}`);
    }
  }

  note(text: string): void {
    this.output.stderr.write(`${text}\n`);
  }

  finish(): void {}
}
