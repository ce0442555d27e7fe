// Continuous training as the main side records it and the renderer (and the CLI) show it: the
// automations a project declares, their state, and every firing with its evidence, gate and
// promotion. Plain readonly types, no behaviour.

/** What can wake an automation. */
export type TriggerKind = 'schedule' | 'new-data' | 'drift' | 'checks-failing' | 'metric-decay' | 'manual';

/** Who or what started a firing or decided an approval. */
export interface AutomationActor {
  /** The person (the OS user when nothing better is known). */
  readonly user: string;
  /** Through what: 'app', 'cli', 'scheduler', 'ci'. */
  readonly via: string;
}

/** How a firing ended, or where it stands. */
export type FiringOutcome =
  | 'running'
  /** The gate passed and promotion waits for a person to approve it. */
  | 'waiting-approval'
  | 'promoted'
  /** The action ran; the automation promotes nothing (it has no model or no promotion). */
  | 'completed'
  /** The gate (or a person) refused the candidate, or the new data failed its required checks: production did not change. */
  | 'rejected'
  /** No trigger condition held (no drift, checks passed, no decay) or too little new data yet. */
  | 'nothing-to-do'
  /** The action or a step failed, or the process running it ended: production did not change. */
  | 'failed'
  /** A proposal that a newer one, or a move of production, made stale before anyone approved it. */
  | 'superseded'
  /** A person stopped it while it ran (its reason names who): production did not change. */
  | 'cancelled';

/** How a step of a firing stands; `cancelled`: a person cancelled the firing while this step ran. */
export type FiringStepOutcome = 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/**
 * What a step that ran to its end decided against the firing: the new data failed its required
 * checks, or the gate rejected the candidate (the step worked; its verdict was no).
 */
export type FiringStepVerdict = 'checks-failed' | 'gate-rejected';

/** A negative verdict in words, as the Automations page and `cairn ct history` show it. */
export const STEP_VERDICT_LABELS: Readonly<Record<FiringStepVerdict, string>> = {
  'checks-failed': 'Checks failed',
  'gate-rejected': 'Gate rejected',
};

/** One step of a firing, with its times. */
export interface FiringStep {
  readonly index: number;
  /** Machine name: new-data, checks, drift, checks-failing, metric-decay, min-new-rows, prepare-data, pipeline, candidate, evaluate, gate, register, deploy, alias, approval, compensate, recover. */
  readonly name: string;
  readonly title: string;
  readonly outcome: FiringStepOutcome;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** What it found or did, in words. */
  readonly detail: string | null;
  /** Set when the step succeeded as work but its verdict was negative; null otherwise (errors are `failed`). */
  readonly verdict: FiringStepVerdict | null;
}

/** One new file of the watched data, as the firing took it. */
export interface NewDataFile {
  /** Relative to the project. */
  readonly path: string;
  /** 'sha256:<hex>'. */
  readonly digest: string;
  readonly bytes: number;
}

/** The new data a firing worked on. */
export interface FiringNewData {
  readonly files: readonly NewDataFile[];
  /** Rows of the new files together, once counted. */
  readonly rows: number | null;
  /** What the pipeline was given (the new data less the gate's holdout), when it was prepared. */
  readonly trainPath: string | null;
  readonly trainRows: number | null;
  /** The gate's holdout of the new data, when it was split off. */
  readonly holdoutPath: string | null;
  readonly holdoutRows: number | null;
}

/** A trigger condition evaluated during a firing, with its evidence. */
export interface TriggerEvidence {
  readonly kind: TriggerKind;
  /** Whether the condition held (drift found, checks failed, metric decayed; always for new-data, schedule, manual). */
  readonly fired: boolean;
  /** In words: "3 of 6 columns drifted (share 0.50 ≥ 0.50)". */
  readonly summary: string;
  /** The drift report's verdicts (without distributions), the checks' results, the decayed metric. */
  readonly details: unknown;
  /** The tracked run (a data check's), or the stored drift report's versions, when there is one. */
  readonly runId: string | null;
}

/** The pipeline execution a firing ran. */
export interface FiringPipeline {
  readonly executionId: string;
  readonly projectDir: string;
  readonly workspaceDir: string;
  readonly status: string;
  readonly experimentId: string | null;
  readonly parentRunId: string | null;
  readonly setParams: readonly string[];
  readonly targets: readonly string[];
  readonly stages: ReadonlyArray<{ readonly name: string; readonly state: string; readonly runId: string | null }>;
}

/** A model the gate evaluated, with the metrics Cairn measured on the gate's data. */
export interface EvaluatedModel {
  /** For production: the registered model and version; for the candidate, its registration once registered. */
  readonly name: string | null;
  readonly version: string | null;
  /** Where it came from: runs:/<run>/model for the candidate, models:/<name>@<alias> for production. */
  readonly source: string;
  readonly runId: string | null;
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** One rule of a gate, with every value it was decided on. */
export interface GateRuleResult {
  readonly kind: 'metric' | 'checks' | 'min-new-rows';
  /** As written in the automations file. */
  readonly rule: string;
  readonly passed: boolean;
  /** Named values: candidate, production, threshold (metric rules); rows, min; failed, rules. */
  readonly values: Readonly<Record<string, number | null>>;
  /** The decision in words: "0.9312 ≥ 0.9251 (production 0.9201 + 0.005)". */
  readonly detail: string;
  /** The tracked run that holds its whole result (a data check's), when there is one. */
  readonly runId?: string | null;
}

/** The gate's data and its rules' results. */
export interface FiringGate {
  /** What the models were evaluated on. */
  readonly data: { readonly path: string; readonly rows: number; readonly kind: 'holdout' | 'file' } | null;
  readonly rules: readonly GateRuleResult[];
  readonly passed: boolean;
}

/** Where a promotion stands: a recorded state machine, so a restart resumes it or ends it without half a promotion. */
export type PromotionState =
  | 'pending'
  | 'registered'
  | 'deploying'
  | 'deployed'
  | 'alias-moved'
  | 'done'
  | 'compensating'
  | 'compensated'
  | 'failed';

/** What a firing promoted (or proposed): the version registered, the alias, the deployment. */
export interface FiringPromotion {
  readonly state: PromotionState;
  readonly model: string;
  readonly alias: string;
  /** The version registered for the candidate, once registered. */
  readonly version: string | null;
  /** The version the alias pointed at before (null: none). */
  readonly previousVersion: string | null;
  readonly deployment: {
    readonly name: string;
    readonly target: string;
    readonly kind: 'create' | 'update';
    /** The deploy operation that moved it, once begun. */
    readonly operationId: number | null;
    readonly outcome: string | null;
    /** The operation that put it back when the alias could not move. */
    readonly compensationOperationId: number | null;
  } | null;
  /** Why it stopped, when it did not reach 'done'. */
  readonly error: string | null;
}

/** A person's decision on a proposal. */
export interface FiringApproval {
  readonly requestedAt: number;
  readonly decision: 'approved' | 'rejected' | null;
  readonly decidedAt: number | null;
  readonly decidedBy: AutomationActor | null;
  readonly comment: string | null;
}

/** One firing of an automation: what woke it, its evidence, what it ran, the gate, the decision and what moved. */
export interface AutomationFiring {
  readonly id: number;
  readonly projectDir: string;
  readonly automation: string;
  /** The trigger that decided the firing: a condition that held on the new data (drift, checks failing, metric decay) rather than its mere arrival. */
  readonly trigger: { readonly kind: TriggerKind; readonly detail: string };
  readonly actor: AutomationActor;
  readonly outcome: FiringOutcome;
  /** Why it ended so, in words a person can act on. */
  readonly reason: string | null;
  readonly evidence: readonly TriggerEvidence[];
  readonly newData: FiringNewData | null;
  readonly pipeline: FiringPipeline | null;
  readonly candidate: EvaluatedModel | null;
  readonly production: EvaluatedModel | null;
  readonly gate: FiringGate | null;
  readonly promotion: FiringPromotion | null;
  readonly approval: FiringApproval | null;
  readonly steps: readonly FiringStep[];
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** The process that ran it. */
  readonly ownerPid: number;
}

/** Where an automation stands now. */
export type AutomationState = 'idle' | 'running' | 'queued' | 'waiting-approval' | 'disabled' | 'invalid';

/** An automation of a project with its state, for a list. */
export interface AutomationSummary {
  readonly projectDir: string;
  readonly name: string;
  readonly description: string | null;
  readonly triggers: ReadonlyArray<{ readonly kind: TriggerKind; readonly text: string }>;
  readonly enabled: boolean;
  readonly state: AutomationState;
  /** The next time a schedule trigger fires (milliseconds since the epoch), when it has one. */
  readonly nextScheduledAt: number | null;
  readonly lastFiring: { readonly id: number; readonly outcome: FiringOutcome; readonly reason: string | null; readonly startedAt: number; readonly endedAt: number | null } | null;
  /** The registered model and alias it promotes to, when it promotes. */
  readonly promotes: { readonly model: string; readonly alias: string; readonly deployment: string | null; readonly approval: boolean } | null;
}

/** A problem in an automations file, with where it is. */
export interface AutomationIssue {
  readonly file: string;
  readonly line: number | null;
  readonly automation: string | null;
  readonly message: string;
}

/** Something a person should learn without watching the Automations page: a promotion, a rejection, a failure, a candidate waiting for approval. */
export interface AutomationNotice {
  readonly firingId: number;
  readonly projectDir: string;
  readonly automation: string;
  readonly outcome: Extract<FiringOutcome, 'promoted' | 'rejected' | 'failed' | 'waiting-approval'>;
  /** One line: "retrain promoted churn version 2 to @champion". */
  readonly title: string;
  /** The firing's reason. */
  readonly body: string;
  readonly at: number;
}
