// An automation as the automations file declares it, checked and resolved: absolute paths,
// parsed gate rules and cron schedules, defaults filled in. Parsing is in automations-file.ts.
import type { ColumnDriftChoice } from '../../../shared/data-models';
import type { AutomationIssue, TriggerKind } from '../../../shared/automation-models';
import type { CronSchedule } from './cron-schedule';
import type { GateRule } from './gate-rule';

/** The file a project keeps its automations in, beside its dvc.yaml. */
export const AUTOMATIONS_FILE = 'cairn-automations.yaml';

/** One trigger: what wakes the automation, and the condition that makes it act. */
export type TriggerSpec =
  | { readonly kind: 'schedule'; readonly text: string; readonly schedule: CronSchedule }
  | { readonly kind: 'new-data'; readonly text: string }
  | {
      readonly kind: 'drift';
      readonly text: string;
      /** The share of drifted columns at which the data drifts (Evidently's drift_share, 0.5 by default). */
      readonly driftShare: number;
      readonly columns: Readonly<Record<string, ColumnDriftChoice>> | null;
    }
  | { readonly kind: 'checks-failing'; readonly text: string; readonly checksFile: string }
  | {
      readonly kind: 'metric-decay';
      readonly text: string;
      readonly metric: string;
      /** Fires when the metric is below this (above, for a metric where lower is better). */
      readonly threshold: number | null;
      /** Fires when the metric is worse than its value at promotion by more than this. */
      readonly margin: number | null;
    }
  | { readonly kind: 'manual'; readonly text: string };

/** The data an automation watches and learns from. */
export interface DataSpec {
  /** A file or folder whose new content is the automation's new data. */
  readonly watch: string | null;
  /** What new data is compared with for drift. */
  readonly reference: string | null;
  /** The label column (for the gate's evaluation and metric decay). */
  readonly label: string | null;
}

/** Where the new data goes into the pipeline. */
export type NewDataPassing = { readonly param: string } | { readonly dep: string } | null;

/** The pipeline to run. */
export interface ActionSpec {
  /** The folder holding dvc.yaml. */
  readonly projectDir: string;
  readonly targets: readonly string[];
  /** `key=value` overrides (the pipeline then runs in its own copy of the project). */
  readonly setParams: readonly string[];
  readonly newData: NewDataPassing;
  /** Where the candidate model is: an MLflow model folder a stage writes, relative to the project. */
  readonly model: { readonly stage: string; readonly path: string } | null;
}

/** The gate: what the candidate is evaluated on and the rules it must meet. */
export interface GateSpec {
  /** 'holdout' of the new data, or a labelled file. */
  readonly data: { readonly kind: 'holdout'; readonly fraction: number; readonly seed: number } | { readonly kind: 'file'; readonly path: string };
  /** Evaluated on when a firing brings no new data (a schedule or manual firing). */
  readonly fallback: string | null;
  readonly task: 'classification' | 'regression';
  readonly checks: readonly string[];
  readonly minNewRows: number | null;
  readonly rules: readonly GateRule[];
}

/** What happens to a candidate that passes the gate. */
export interface PromoteSpec {
  /** The registered model the candidate becomes a version of. */
  readonly model: string;
  /** The alias production holds. */
  readonly alias: string;
  readonly deploy: { readonly name: string; readonly target: string; readonly config: Readonly<Record<string, string>> } | null;
  /** Propose it, for a person to approve in the app (or `cairn ct approve`), instead of promoting it. */
  readonly approval: boolean;
}

/** One automation, resolved. */
export interface AutomationSpec {
  readonly name: string;
  readonly description: string | null;
  /** The folder of the automations file; relative paths are from it. */
  readonly projectDir: string;
  readonly line: number | null;
  readonly data: DataSpec;
  readonly triggers: readonly TriggerSpec[];
  readonly action: ActionSpec;
  readonly gate: GateSpec | null;
  readonly promote: PromoteSpec | null;
}

/** A project's automations file, parsed. */
export interface AutomationsFile {
  readonly file: string;
  readonly projectDir: string;
  /** The Python that evaluates models and splits data (default: $CAIRN_PYTHON, else python3). */
  readonly python: string | null;
  readonly automations: readonly AutomationSpec[];
  /** SHA-256 of the file's text, recorded with each firing. */
  readonly digest: string;
}

/** Thrown when an automations file cannot be used; every problem has its file and line. */
export class AutomationsFileError extends Error {
  constructor(readonly issues: readonly AutomationIssue[]) {
    super(issues.map(formatAutomationIssue).join('\n'));
    this.name = 'AutomationsFileError';
  }
}

/** `cairn-automations.yaml:12: automation 'retrain': message`. */
export function formatAutomationIssue(issue: AutomationIssue): string {
  const where = `${issue.file}${issue.line ? `:${issue.line}` : ''}`;
  return `${where}: ${issue.automation ? `automation '${issue.automation}': ` : ''}${issue.message}`;
}

/** Triggers that act on new data in the watched path. */
export const DATA_TRIGGERS: ReadonlySet<TriggerKind> = new Set(['new-data', 'drift', 'checks-failing', 'metric-decay']);

/** Metrics where lower is better: decay is a rise, and `production` comparisons read the other way round in words. */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['rmse', 'mse', 'mae', 'log_loss', 'latency_ms']);
