// `cairn ct`: continuous training headless, for a terminal or a CI job on a schedule: evaluate the
// automations' triggers once and do what is due, list them, read the audit trail.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { STEP_VERDICT_LABELS, type AutomationFiring, type AutomationSummary, type FiringStep } from '../../shared/automation-models';
import { shortDigest, type CheckReport } from '../../shared/data-models';
import { AutomationsFileError } from '../services/automations/automation-definition';
import { automationsFileOf, readAutomationsFile } from '../services/automations/automations-file';
import { createContinuousTraining } from '../services/automations/create-continuous-training';
import { CONVENTIONAL_CHECKS_FILE, projectDataChecks } from '../services/automations/project-data-checks';
import { createDataCapability } from '../services/data/create-data-service';
import { checkReportsJunitXml } from '../services/data/junit-report';
import { openCairnStores } from '../services/cairn-services';
import { resolveDataDir } from '../services/data-dir';
import type { CommandOutput } from './command-output';
import { prepareReportFile } from './report-file';

/** `cairn ct --help`. */
export const CT_HELP = `Usage: cairn ct <command> [NAME] [options]

Continuous training: the automations declared in the project's cairn-automations.yaml watch data
and models, retrain through the pipeline, gate the candidate against the model holding the
production alias, and promote and deploy it. Every firing is recorded with its evidence.

Commands:
  run [NAME]       Evaluate the triggers once (of every automation, or NAME's) and do what is due:
                   new data in the watched path, a schedule time passed since the last run, or
                   with --manual (or when NAME is given and has a 'manual' trigger) a run by hand
  list             The automations with their triggers, state, next scheduled time and last outcome
  check [NAME]     Run the data checks on the watched data, as a CI job does: each automation's
                   gate.checks and the project's ${CONVENTIONAL_CHECKS_FILE} (when present) on every
                   data file under its data.watch; a line says why when there is nothing to check
  history [NAME]   The audit trail, newest first: trigger, evidence, gate values, decision, steps
  approve ID       Promote a candidate that waits for approval (promote.approval: true)
  reject ID        Refuse it; production stays as it is
  cancel ID        Stop a running firing (this process's or another's): its pipeline stops and it
                   ends cancelled, naming who; refused once its promotion has begun
  recover          Mark firings whose process ended as failed, returning a half-moved endpoint

Options:
  -p, --project <dir>   The project folder holding cairn-automations.yaml (default: the current folder)
  --manual              run: fire automations with a 'manual' trigger even when nothing else is due
  --json                list, history: print JSON (history: the full records, for export)
  --markdown            history: print markdown (decision, drift, new data and the stages that ran or
                        were reused, gate rules, metrics), for a CI job summary
  --limit <n>           history: at most n firings (default 20)
  --junit <file>        check: write the results as JUnit XML (one suite per checks file and data
                        file), when something was checked
  --summary <file>      check: write the pass and fail counts as markdown, for a CI job summary
  --comment <text>      approve, reject: why, kept in the audit trail
  --python <path>       The Python that evaluates models (default: the file's python:, $CAIRN_PYTHON, python3)
  --data-dir <dir>      Data folder (default: $CAIRN_DATA_DIR, else the OS's per-user app data folder)
  -h, --help            Show this help

Exit status: check exits 1 when a rule failed; run exits 1 when an action or a gate failed or a firing was stopped (it ended failed,
rejected or cancelled), so a CI job can run it on a schedule; cancel exits 0 once the firing ended
cancelled; 2 for a usage mistake or an invalid automations file (each problem is
printed with its file and line).
`;

class UsageError extends Error {}

function seconds(start: number, end: number | null): string {
  return end === null ? 'running' : `${((end - start) / 1000).toFixed(1)} s`;
}

/** A step's mark for a terminal, with its outcome in words when the mark alone would not say it: a negative verdict, an error, a cancel. */
function stepMark(step: FiringStep): string {
  if (step.verdict) return `✗ [${STEP_VERDICT_LABELS[step.verdict]}]`;
  if (step.outcome === 'succeeded') return '✓';
  if (step.outcome === 'failed') return '✕ [Error]';
  if (step.outcome === 'cancelled') return '⊘ [Cancelled]';
  return step.outcome === 'running' ? '…' : '-';
}

/** A firing as lines for a terminal. */
export function firingText(firing: AutomationFiring): string {
  const lines = [
    `#${firing.id} ${firing.automation}: ${firing.outcome} (${seconds(firing.startedAt, firing.endedAt)}, ${new Date(firing.startedAt).toISOString()})`,
    `  trigger:  ${firing.trigger.kind}: ${firing.trigger.detail} (${firing.actor.user} via ${firing.actor.via})`,
  ];
  for (const item of firing.evidence) lines.push(`  evidence: ${item.kind} ${item.fired ? 'fired' : 'did not fire'}: ${item.summary}`);
  if (firing.gate) {
    for (const rule of firing.gate.rules) lines.push(`  gate:     ${rule.passed ? '✓' : '✗'} ${rule.rule}: ${rule.detail}${rule.runId ? ` (run ${rule.runId})` : ''}`);
  }
  if (firing.candidate) lines.push(`  candidate: ${firing.candidate.name ? `${firing.candidate.name} v${firing.candidate.version}` : firing.candidate.source}`);
  if (firing.production) lines.push(`  production: ${firing.production.name} version ${firing.production.version}`);
  if (firing.promotion) lines.push(`  promotion: ${firing.promotion.state}${firing.promotion.version ? ` (version ${firing.promotion.version})` : ''}${firing.promotion.error ? `: ${firing.promotion.error}` : ''}`);
  for (const step of firing.steps) {
    lines.push(`  ${stepMark(step)} ${step.title} (${seconds(step.startedAt, step.endedAt)})${step.detail ? `: ${step.detail}` : ''}`);
  }
  if (firing.reason) lines.push(`  why:      ${firing.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Text for a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The drifted columns of a firing's drift evidence, in a line; null when the firing compared no data for drift. */
function driftLine(firing: AutomationFiring): string | null {
  const evidence = firing.evidence.find((item) => item.kind === 'drift');
  if (!evidence) return null;
  const details = evidence.details as { readonly columns?: ReadonlyArray<{ readonly column: string; readonly drift: boolean }> } | null;
  const drifted = (details?.columns ?? []).filter((column) => column.drift).map((column) => column.column);
  return `${evidence.summary}${drifted.length ? `: ${drifted.join(', ')}` : ''}`;
}

/** What a firing changed, as list items: the new data files (by digest) it took, and the pipeline's stages that ran or were reused. */
function changeLines(firing: AutomationFiring): string[] {
  const lines: string[] = [];
  const newData = firing.newData;
  if (newData?.files.length) {
    const rows = newData.rows === null ? '' : ` (${newData.rows.toLocaleString('en')} rows)`;
    lines.push(`- New data${rows}: ${newData.files.map((file) => `${file.path} ${shortDigest(file.digest, 12)}`).join(', ')}`);
  }
  const stages = firing.pipeline?.stages ?? [];
  const named = (states: readonly string[]) => stages.filter((stage) => states.includes(stage.state)).map((stage) => stage.name);
  const ran = named(['done']);
  const reused = named(['restored', 'skipped']);
  const other = stages.filter((stage) => !['done', 'restored', 'skipped'].includes(stage.state)).map((stage) => `${stage.name} ${stage.state}`);
  if (stages.length) {
    lines.push(`- Stages ran: ${ran.join(', ') || 'none'}; reused (up to date or from the cache): ${reused.join(', ') || 'none'}${other.length ? `; ${other.join(', ')}` : ''}`);
  }
  return lines;
}

/** A firing as markdown for a CI job's summary: the decision and why, the drift, what changed, each gate rule's values, the metrics side by side. */
export function firingMarkdown(firing: AutomationFiring): string {
  const lines = [`### ${firing.automation} #${firing.id}: ${firing.outcome}`, '', `${firing.trigger.kind}: ${firing.trigger.detail} (${seconds(firing.startedAt, firing.endedAt)})`, ''];
  if (firing.reason) lines.push(`**Why:** ${firing.reason}`, '');
  const drift = driftLine(firing);
  if (drift) lines.push(`**Drift:** ${drift}`, '');
  const changes = changeLines(firing);
  if (changes.length) lines.push('**What changed:**', '', ...changes, '');
  if (firing.gate?.rules.length) {
    lines.push('| Gate rule | Passed | Detail |', '| --- | --- | --- |');
    for (const rule of firing.gate.rules) lines.push(`| ${cell(rule.rule)} | ${rule.passed ? '✅' : '❌'} | ${cell(`${rule.detail}${rule.runId ? ` (run ${rule.runId})` : ''}`)} |`);
    lines.push('');
  }
  if (firing.candidate) {
    const metrics = [...new Set([...Object.keys(firing.candidate.metrics), ...Object.keys(firing.production?.metrics ?? {})])].sort();
    const value = (found: number | null | undefined) => (found === null || found === undefined ? '—' : String(Number(found.toPrecision(4))));
    lines.push('| Metric | Candidate | Production |', '| --- | --- | --- |');
    for (const name of metrics) lines.push(`| ${cell(name)} | ${value(firing.candidate.metrics[name])} | ${value(firing.production?.metrics[name])} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** `cairn ct check`: runs the project's data checks; 1 when a rule failed. */
async function runDataChecks(projectDir: string, automation: string | undefined, options: { readonly junit?: string; readonly summary?: string; readonly dataDir?: string }, output: CommandOutput): Promise<number> {
  const file = readAutomationsFile(automationsFileOf(projectDir));
  if (automation !== undefined && !file.automations.some((spec) => spec.name === automation)) throw new UsageError(`no automation '${automation}' in ${file.file}.`);
  let junit: string | null = null;
  try {
    junit = options.junit ? prepareReportFile(options.junit, '--junit') : null;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { checks, notes } = projectDataChecks(file, automation);
  const results: Array<{ readonly suite: string; readonly report: CheckReport }> = [];
  if (checks.length) {
    const stores = openCairnStores(resolveDataDir(options.dataDir));
    const data = createDataCapability({ database: stores.database, tracker: stores.store, artifacts: stores.artifacts });
    try {
      for (const check of checks) {
        const report = await data.service.check({ data: check.dataFile, checks: check.checksFile, record: { experimentName: `Automation ${check.automation}` } });
        const suite = `${check.automation}: ${path.relative(projectDir, check.checksFile)} on ${path.relative(projectDir, check.dataFile)}`;
        results.push({ suite, report });
        output.stdout.write(`${suite}: ${report.passed} passed, ${report.failed} failed\n`);
        for (const rule of report.rules) if (!rule.passed) output.stdout.write(`  ✗ ${rule.name}: ${rule.message}\n`);
      }
    } finally {
      await data.close();
      stores.close();
    }
  }
  for (const note of notes) output.stdout.write(`${note}\n`);
  if (!results.length) output.stdout.write(`No data checks ran${junit ? `; no JUnit report was written` : ''}.\n`);
  if (junit && results.length) writeFileAtomically(junit, checkReportsJunitXml(results));
  if (options.summary) writeFileAtomically(path.resolve(options.summary), dataChecksMarkdown(results, notes));
  return results.some((result) => result.report.failed > 0) ? 1 : 0;
}

/** The data checks' pass and fail counts as markdown, for a CI job summary. */
export function dataChecksMarkdown(results: ReadonlyArray<{ readonly suite: string; readonly report: CheckReport }>, notes: readonly string[]): string {
  const passed = results.reduce((sum, result) => sum + result.report.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.report.failed, 0);
  const lines = ['## Cairn: data checks', ''];
  if (results.length) {
    lines.push(`${failed ? '❌' : '✅'} ${passed} passed, ${failed} failed`, '', '| Checks | Passed | Failed | Failing rules |', '| --- | --- | --- | --- |');
    for (const { suite, report } of results) {
      lines.push(`| ${cell(suite)} | ${report.passed} | ${report.failed} | ${cell(report.rules.filter((rule) => !rule.passed).map((rule) => rule.name).join(', ') || '—')} |`);
    }
    lines.push('');
  } else {
    lines.push('No data checks ran.', '');
  }
  for (const note of notes) lines.push(`- ${note}`);
  return `${lines.join('\n')}\n`;
}

function writeFileAtomically(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

function summaryText(summary: AutomationSummary): string {
  const next = summary.nextScheduledAt ? new Date(summary.nextScheduledAt).toISOString() : '-';
  const last = summary.lastFiring ? `#${summary.lastFiring.id} ${summary.lastFiring.outcome}` : 'never fired';
  const promotes = summary.promotes ? `${summary.promotes.model}@${summary.promotes.alias}${summary.promotes.deployment ? ` → ${summary.promotes.deployment}` : ''}${summary.promotes.approval ? ' (approval)' : ''}` : '-';
  return `${summary.name}  ${summary.state}\n  triggers: ${summary.triggers.map((trigger) => trigger.text).join('; ')}\n  next:     ${next}\n  last:     ${last}\n  promotes: ${promotes}\n`;
}

/** Runs `cairn ct ...`; resolves to the exit status. */
export async function runCtCommand(argv: string[], output: CommandOutput = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        project: { type: 'string', short: 'p' },
        manual: { type: 'boolean' },
        json: { type: 'boolean' },
        markdown: { type: 'boolean' },
        limit: { type: 'string' },
        junit: { type: 'string' },
        summary: { type: 'string' },
        comment: { type: 'string' },
        python: { type: 'string' },
        'data-dir': { type: 'string' },
      },
    });
  } catch (error) {
    output.stderr.write(`cairn ct: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const [command, name, ...extra] = parsed.positionals;
  const values = parsed.values;
  try {
    if (!command || !['run', 'list', 'check', 'history', 'approve', 'reject', 'cancel', 'recover'].includes(command)) throw new UsageError(`expected a command: run, list, check, history, approve, reject, cancel or recover${command ? `, got '${command}'` : ''}. See \`cairn ct --help\`.`);
    if (extra.length || (name && (command === 'list' || command === 'recover'))) throw new UsageError(`unexpected argument '${extra[0] ?? name}'.`);
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a whole number of at least 1, got '${values.limit}'.`);
    if ((command === 'approve' || command === 'reject' || command === 'cancel') && !/^\d+$/.test(name ?? '')) throw new UsageError(`${command} takes the firing's number (from \`cairn ct history\`).`);
    const projectDir = path.resolve(values.project ?? '.');
    if (command === 'check') return await runDataChecks(projectDir, name, { junit: values.junit, summary: values.summary, dataDir: values['data-dir'] }, output);
    const stores = openCairnStores(resolveDataDir(values['data-dir']));
    const ct = createContinuousTraining({ stores, via: 'cli', keepEndpointsRunning: true, python: values.python });
    try {
      if (command === 'list') {
        const summaries = ct.service.list(projectDir);
        output.stdout.write(values.json ? `${JSON.stringify(summaries, null, 2)}\n` : summaries.map(summaryText).join('\n'));
        return 0;
      }
      if (command === 'history') {
        const firings = ct.service.history({ projectDir, automation: name, limit });
        if (values.json) output.stdout.write(`${JSON.stringify(firings, null, 2)}\n`);
        else if (values.markdown) output.stdout.write(`## Cairn: continuous training\n\n${firings.length ? firings.map(firingMarkdown).join('\n') : 'No firings.\n'}`);
        else output.stdout.write(firings.length ? firings.map(firingText).join('\n') : `No firings yet${name ? ` of ${name}` : ''} in ${projectDir}: run \`cairn ct run\`.\n`);
        return 0;
      }
      if (command === 'approve' || command === 'reject') {
        const firing = await ct.service.decide(Number(name), command === 'approve' ? 'approved' : 'rejected', values.comment ? { comment: values.comment } : {});
        output.stdout.write(firingText(firing));
        return firing.outcome === 'failed' ? 1 : 0;
      }
      if (command === 'cancel') {
        const firing = await ct.service.cancelAndWait(Number(name));
        output.stdout.write(firingText(firing));
        return firing.outcome === 'cancelled' ? 0 : 1;
      }
      if (command === 'recover') {
        const recovered = await ct.service.recover();
        output.stdout.write(recovered.length ? recovered.map(firingText).join('\n') : 'No interrupted firings.\n');
        return 0;
      }
      await ct.service.recover();
      const results = await ct.service.runDue(projectDir, { automation: name, manual: values.manual === true || name !== undefined });
      let failed = false;
      for (const result of results) {
        if (result.firing) {
          output.stdout.write(firingText(result.firing));
          if (result.firing.outcome === 'failed' || result.firing.outcome === 'rejected' || result.firing.outcome === 'cancelled') failed = true;
        } else {
          output.stdout.write(`${result.automation}: ${result.skipped ?? 'nothing due'}\n`);
        }
      }
      return failed ? 1 : 0;
    } finally {
      await ct.close();
      stores.close();
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof AutomationsFileError) {
      output.stderr.write(`cairn ct: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
