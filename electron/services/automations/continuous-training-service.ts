// Continuous training: evaluates an automation's triggers, and when one is due runs a firing:
// the new data's required checks and the trigger conditions (drift, checks failing, metric decay),
// the pipeline on the new data, the candidate against the model holding the production alias on
// the same holdout, and the promotion (register, deploy, move the alias: the endpoint and the alias
// move together or not at all). Every firing is one record of the audit trail, written as it goes.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  AutomationActor,
  AutomationFiring,
  AutomationSummary,
  EvaluatedModel,
  FiringGate,
  FiringNewData,
  FiringPromotion,
  GateRuleResult,
  TriggerEvidence,
  TriggerKind,
} from '../../../shared/automation-models';
import type { CheckReport, DriftReport } from '../../../shared/data-models';
import { joinArtifactPath, storePathOfArtifactUri } from '../artifacts/artifact-path';
import type { ArtifactStore } from '../artifacts/artifact-store';
import type { DataService } from '../data/data-service';
import type { DeploymentService } from '../deploy/deployment-service';
import { modelVersionFolder, type ModelFileStores } from '../deploy/model-version-files';
import { isProcessAlive } from '../deploy/process-liveness';
import type { PipelineService } from '../pipelines/pipeline-service';
import type { ModelRegistryService } from '../registry/model-registry-service';
import { LOWER_IS_BETTER, type AutomationSpec, type AutomationsFile, type TriggerSpec } from './automation-definition';
import type { AutomationStore } from './automation-store';
import { automationsFileOf, readAutomationsFile } from './automations-file';
import { firedBetween, nextFiring } from './cron-schedule';
import { evaluateGateRule, formatMetric } from './gate-rule';
import { ModelEvaluator, type MeasuredMetrics } from './model-evaluator';
import { newWatchedFiles, withSeen, type SeenDigests } from './watched-data';

/** What the service works over: the audit store and the capabilities a firing drives. */
export interface ContinuousTrainingDeps {
  readonly store: AutomationStore;
  readonly dataDir: string;
  readonly files: ModelFileStores & { readonly artifacts: ArtifactStore };
  readonly modelRegistry: ModelRegistryService;
  readonly pipelines: PipelineService;
  readonly data: DataService;
  readonly deployments: DeploymentService;
  /** Through what firings are started when a call does not say: 'app', 'cli', 'scheduler'. */
  readonly via: string;
  /** The Python of the gate's evaluator when the automations file does not name one. */
  readonly python?: string;
}

/** Why an evaluation fires an automation. */
interface DueFiring {
  readonly kind: TriggerKind;
  readonly detail: string;
  readonly files: FiringNewData['files'];
}

/** How one evaluation of an automation ended. */
export interface AutomationRunResult {
  readonly automation: string;
  /** The firing it ran; null when nothing was due or another run held the automation. */
  readonly firing: AutomationFiring | null;
  /** Why no firing ran, when none did. */
  readonly skipped: string | null;
}

const LEASE_MS = 60_000;
const HEARTBEAT_MS = 10_000;
const SEEN_STATE = 'new-data';
/** The trigger state where a cancel request waits for the process running the firing (any process may write it). */
const CANCEL_STATE = 'cancel-request';
const CANCEL_POLL_MS = 250;

/** A person's request to cancel a firing. */
interface CancelRequest {
  readonly firingId: number;
  readonly actor: AutomationActor;
}
const SCHEDULE_STATE = 'schedule';

/** A firing that stops early with an outcome (not an error). */
class FiringEnd extends Error {
  constructor(
    readonly outcome: 'rejected' | 'nothing-to-do' | 'failed' | 'cancelled',
    readonly reason: string,
  ) {
    super(reason);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function driftSummary(report: DriftReport): string {
  const { driftedColumns, testedColumns, share, driftShare, drift } = report.dataset;
  return `${driftedColumns} of ${testedColumns} columns drifted (share ${share.toFixed(2)} ${drift ? '≥' : '<'} ${driftShare})`;
}

/** A check report in one line for the audit trail: each failing rule's name and message (its full stop dropped), joined by semicolons. */
export function failedChecks(report: Pick<CheckReport, 'rules'>): string {
  const failing = report.rules.filter((rule) => !rule.passed);
  const clause = (text: string) => text.trim().replace(/\.+$/, '');
  return failing.length
    ? `${failing.length} of ${report.rules.length} checks failed: ${failing.map((rule) => `${rule.name} (${clause(rule.message)})`).join('; ')}`
    : `all ${report.rules.length} checks passed`;
}

/** Why a firing whose new data failed its required checks ended: each failing checks file's summary, then what did not happen. */
export function checksRejectionReason(failing: readonly Pick<GateRuleResult, 'detail'>[]): string {
  return `the new data failed its required checks: ${failing.map((rule) => rule.detail).join('; ')} — nothing was trained, production did not change`;
}

/** The files under a folder, relative to it. */
function listFiles(folder: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(folder, relative) : entry.isFile() ? [relative] : [];
  });
}

/** Continuous training over one data folder. */
export class ContinuousTrainingService {
  private readonly holder = `${process.pid}:${randomUUID()}`;
  private readonly active = new Set<Promise<unknown>>();

  constructor(private readonly deps: ContinuousTrainingDeps) {}

  /** The automations of a project, with their state; AutomationsFileError when its file is wrong. */
  list(projectDir: string, now = Date.now()): AutomationSummary[] {
    const file = readAutomationsFile(automationsFileOf(projectDir));
    return file.automations.map((spec) => this.summary(file, spec, now));
  }

  /** The audit trail, newest first. */
  history(filter: { readonly projectDir?: string; readonly automation?: string; readonly limit?: number }): AutomationFiring[] {
    return this.deps.store.listFirings(filter);
  }

  /** One firing. */
  getFiring(id: number): AutomationFiring {
    return this.deps.store.getFiring(id);
  }

  /** Switches an automation on or off (a disabled one is listed but never fires). */
  setEnabled(projectDir: string, automation: string, enabled: boolean): void {
    this.specOf(readAutomationsFile(automationsFileOf(projectDir)), automation);
    this.deps.store.setEnabled(path.resolve(projectDir), automation, enabled);
  }

  /**
   * Evaluates the triggers of a project's automations (or of one) once and runs what is due: new
   * data in the watched path, a schedule time passed since the last look, or `manual`. One firing
   * per automation at most; one that another run holds is skipped (its holder takes the new data next).
   */
  async runDue(projectDir: string, options: { readonly automation?: string; readonly manual?: boolean; readonly actor?: AutomationActor } = {}): Promise<AutomationRunResult[]> {
    const file = readAutomationsFile(automationsFileOf(projectDir));
    const specs = options.automation ? [this.specOf(file, options.automation)] : file.automations;
    const results: AutomationRunResult[] = [];
    for (const spec of specs) {
      if (!this.deps.store.isEnabled(spec.projectDir, spec.name)) {
        results.push({ automation: spec.name, firing: null, skipped: 'disabled' });
        continue;
      }
      results.push(await this.runOne(file, spec, options.manual ?? false, options.actor ?? this.actor()));
    }
    return results;
  }

  /**
   * Ends the firings a process left running when it ended: a promotion that had moved the endpoint
   * but not the alias is rolled back, so production is as before; the firing is marked failed.
   */
  async recover(): Promise<AutomationFiring[]> {
    const recovered: AutomationFiring[] = [];
    for (const firing of this.deps.store.openFirings()) {
      if (firing.outcome !== 'running' || firing.ownerPid === process.pid || isProcessAlive(firing.ownerPid)) continue;
      this.deps.store.adoptFiring(firing.id);
      const step = this.deps.store.beginStep(firing.id, 'recover', 'Recover after the process ended');
      for (const open of firing.steps.filter((item) => item.outcome === 'running')) this.deps.store.endStep(firing.id, open.index, 'failed', 'The process running it ended.');
      let detail = `process ${firing.ownerPid} ended during the firing`;
      let promotion = firing.promotion;
      if (promotion && (promotion.state === 'alias-moved' || promotion.state === 'done')) {
        // The endpoint and the alias had both moved: the promotion is whole, only its end was not recorded.
        promotion = { ...promotion, state: 'done' };
        this.deps.store.endStep(firing.id, step, 'succeeded', `${detail} after the endpoint and the alias had moved`);
        this.deps.store.updateFiring(firing.id, { promotion }, { outcome: 'promoted', reason: `${promotion.model} version ${promotion.version} holds @${promotion.alias} (the process ended after promoting it)` });
        recovered.push(this.deps.store.getFiring(firing.id));
        continue;
      }
      if (promotion && (promotion.state === 'deploying' || promotion.state === 'deployed' || promotion.state === 'compensating')) {
        promotion = await this.compensate(promotion, firing.id);
        detail += `; ${promotion.state === 'compensated' ? 'the endpoint was returned to the version production holds' : `the endpoint could not be returned: ${promotion.error ?? ''}`}`;
      }
      this.deps.store.endStep(firing.id, step, 'succeeded', detail);
      this.deps.store.updateFiring(firing.id, { promotion }, { outcome: 'failed', reason: `${detail}; production did not change.` });
      recovered.push(this.deps.store.getFiring(firing.id));
    }
    return recovered;
  }

  /**
   * A person's decision on a candidate waiting for approval: approved, it is promoted as the
   * automation says (checked against the production alias again: a proposal made stale by a move
   * of production is superseded, not promoted); rejected, production stays.
   */
  async decide(id: number, decision: 'approved' | 'rejected', options: { readonly actor?: AutomationActor; readonly comment?: string } = {}): Promise<AutomationFiring> {
    const firing = this.deps.store.getFiring(id);
    if (firing.outcome !== 'waiting-approval' || !firing.approval) throw new Error(`firing ${id} does not wait for approval (it is ${firing.outcome})`);
    const definition = this.deps.store.firingDefinition(id) as { automation?: AutomationSpec } | null;
    const spec = definition?.automation;
    if (!spec?.promote) throw new Error(`firing ${id} has no recorded promotion to carry out`);
    const actor = options.actor ?? this.actor();
    const approval = { ...firing.approval, decision, decidedAt: Date.now(), decidedBy: actor, comment: options.comment ?? null };
    if (decision === 'rejected') {
      this.deps.store.updateFiring(id, { approval }, { outcome: 'rejected', reason: `${actor.user} rejected the candidate${options.comment ? `: ${options.comment}` : ''}; production did not change` });
      return this.deps.store.getFiring(id);
    }
    const current = await this.deps.files.registry.getModelVersionByAlias(spec.promote.model, spec.promote.alias).then(
      (found) => found.version,
      () => null,
    );
    if (current !== (firing.production?.version ?? null)) {
      this.deps.store.updateFiring(id, { approval }, { outcome: 'superseded', reason: `production moved to version ${current ?? 'none'} since the gate compared with version ${firing.production?.version ?? 'none'}: run the automation again` });
      return this.deps.store.getFiring(id);
    }
    this.deps.store.adoptFiring(id);
    this.deps.store.updateFiring(id, { approval }, { outcome: 'running', reason: null });
    const promotion = await promote(this.deps, spec, id, this.deps.store.getFiring(id));
    if (promotion.state === 'done') {
      this.deps.store.updateFiring(id, {}, { outcome: 'promoted', reason: `${actor.user} approved; ${promotion.model} version ${promotion.version} holds @${promotion.alias}` });
    } else {
      this.deps.store.updateFiring(id, {}, { outcome: 'failed', reason: `the promotion failed: ${promotion.error ?? promotion.state}; production did not change` });
    }
    return this.deps.store.getFiring(id);
  }

  /**
   * Asks the process running a firing to cancel it (this one or another: the request is recorded
   * and the owner looks for it every quarter second): its pipeline stops and it ends cancelled, naming
   * who cancelled it. Refused once its promotion has begun, which ends whole or rolled back by itself.
   */
  cancel(id: number, options: { readonly actor?: AutomationActor } = {}): AutomationFiring {
    const firing = this.deps.store.getFiring(id);
    if (firing.outcome !== 'running') throw new Error(`firing ${id} is not running (it is ${firing.outcome})`);
    if (firing.promotion) throw new Error(`firing ${id} is promoting ${firing.promotion.model}: a promotion is not cancelled halfway; it ends whole or rolled back by itself`);
    const request: CancelRequest = { firingId: id, actor: options.actor ?? this.actor() };
    this.deps.store.setTriggerState(firing.projectDir, firing.automation, CANCEL_STATE, request);
    return firing;
  }

  /**
   * Cancels a running firing and waits for the process running it to end it (for a terminal, where
   * the record should be the final one); the firing as it stands then. A firing whose process had
   * already ended is recovered instead (it ends failed, its endpoint returned if it had moved).
   */
  async cancelAndWait(id: number, options: { readonly actor?: AutomationActor; readonly timeoutMs?: number } = {}): Promise<AutomationFiring> {
    this.cancel(id, options);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const firing = this.deps.store.getFiring(id);
      if (firing.outcome !== 'running' || Date.now() > deadline) return firing;
      if (firing.ownerPid !== process.pid && !isProcessAlive(firing.ownerPid)) {
        await this.recover();
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, CANCEL_POLL_MS));
    }
  }

  /** Waits for the firings this service runs. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }

  private actor(): AutomationActor {
    let user = 'unknown';
    try {
      user = os.userInfo().username;
    } catch {
      // No user entry (a container): keep 'unknown'.
    }
    return { user, via: this.deps.via };
  }

  private specOf(file: AutomationsFile, name: string): AutomationSpec {
    const spec = file.automations.find((item) => item.name === name);
    if (!spec) throw new Error(`no automation named '${name}' in ${file.file}; it has ${file.automations.map((item) => item.name).join(', ')}`);
    return spec;
  }

  private summary(file: AutomationsFile, spec: AutomationSpec, now: number): AutomationSummary {
    const enabled = this.deps.store.isEnabled(spec.projectDir, spec.name);
    const last = this.deps.store.listFirings({ projectDir: spec.projectDir, automation: spec.name, limit: 1 })[0] ?? null;
    const schedules = spec.triggers.flatMap((trigger) => (trigger.kind === 'schedule' ? [nextFiring(trigger.schedule, now)] : []));
    const state = !enabled ? 'disabled' : last?.outcome === 'running' ? 'running' : last?.outcome === 'waiting-approval' ? 'waiting-approval' : 'idle';
    return {
      projectDir: spec.projectDir,
      name: spec.name,
      description: spec.description,
      triggers: spec.triggers.map((trigger) => ({ kind: trigger.kind, text: trigger.text })),
      enabled,
      state,
      nextScheduledAt: schedules.length ? Math.min(...schedules) : null,
      lastFiring: last ? { id: last.id, outcome: last.outcome, reason: last.reason, startedAt: last.startedAt, endedAt: last.endedAt } : null,
      promotes: spec.promote ? { model: spec.promote.model, alias: spec.promote.alias, deployment: spec.promote.deploy?.name ?? null, approval: spec.promote.approval } : null,
    };
  }

  /** What is due for an automation now, or null. */
  private due(spec: AutomationSpec, manual: boolean, now: number): DueFiring | null {
    const kinds = new Set(spec.triggers.map((trigger) => trigger.kind));
    const hasDataTrigger = ['new-data', 'drift', 'checks-failing', 'metric-decay'].some((kind) => kinds.has(kind as TriggerKind));
    if (hasDataTrigger && spec.data.watch) {
      const seen = this.deps.store.triggerState<SeenDigests>(spec.projectDir, spec.name, SEEN_STATE) ?? {};
      const files = newWatchedFiles(spec.projectDir, spec.data.watch, seen);
      if (files.length) return { kind: 'new-data', detail: `${files.length} new file${files.length === 1 ? '' : 's'}: ${files.map((file) => file.path).join(', ')}`, files };
    }
    for (const trigger of spec.triggers) {
      if (trigger.kind !== 'schedule') continue;
      const key = `${SCHEDULE_STATE}:${trigger.text}`;
      const since = this.deps.store.triggerState<number>(spec.projectDir, spec.name, key);
      this.deps.store.setTriggerState(spec.projectDir, spec.name, key, now);
      const fired = since === null ? null : firedBetween(trigger.schedule, since, now);
      if (fired !== null) return { kind: 'schedule', detail: `${trigger.text}: due at ${new Date(fired).toISOString()}`, files: [] };
    }
    if (manual && kinds.has('manual')) return { kind: 'manual', detail: 'run by hand', files: [] };
    return null;
  }

  private async runOne(file: AutomationsFile, spec: AutomationSpec, manual: boolean, actor: AutomationActor): Promise<AutomationRunResult> {
    if (!this.deps.store.acquireLease(spec.projectDir, spec.name, this.holder, LEASE_MS)) {
      const holder = this.deps.store.leaseHolder(spec.projectDir, spec.name);
      return { automation: spec.name, firing: null, skipped: `a run of it is under way (process ${holder?.pid ?? '?'}); new data waits for it` };
    }
    const heartbeat = setInterval(() => this.deps.store.renewLease(spec.projectDir, spec.name, this.holder), HEARTBEAT_MS);
    heartbeat.unref();
    try {
      const due = this.due(spec, manual, Date.now());
      if (!due) {
        const why = manual && !spec.triggers.some((trigger) => trigger.kind === 'manual') ? "nothing due, and it has no 'manual' trigger" : 'nothing due';
        return { automation: spec.name, firing: null, skipped: why };
      }
      const id = this.deps.store.beginFiring({
        projectDir: spec.projectDir,
        automation: spec.name,
        trigger: { kind: due.kind, detail: due.detail },
        actor,
        definition: { file: file.file, digest: file.digest, automation: spec },
      });
      this.deps.store.setLeaseFiring(spec.projectDir, spec.name, this.holder, id);
      const work = new Firing(this.deps, file, spec, id, due).run();
      this.active.add(work);
      try {
        await work;
      } finally {
        this.active.delete(work);
      }
      return { automation: spec.name, firing: this.deps.store.getFiring(id), skipped: null };
    } finally {
      clearInterval(heartbeat);
      this.deps.store.releaseLease(spec.projectDir, spec.name, this.holder);
    }
  }

  /** Puts the endpoint back where the alias points, after a promotion moved the endpoint only. */
  private async compensate(promotion: FiringPromotion, firingId: number): Promise<FiringPromotion> {
    return compensatePromotion(this.deps, promotion, firingId);
  }
}

/** Returns a deployment a half-done promotion moved to the version before it; the promotion as it ends. */
async function compensatePromotion(deps: ContinuousTrainingDeps, promotion: FiringPromotion, firingId: number): Promise<FiringPromotion> {
  const deployment = promotion.deployment;
  if (!deployment) return { ...promotion, state: 'compensated' };
  const step = deps.store.beginStep(firingId, 'compensate', `Return ${deployment.name} to the production version`);
  try {
    const current = deps.deployments.list().find((item) => item.name === deployment.name);
    if (!current?.model || current.model.version !== promotion.version || current.model.name !== promotion.model) {
      deps.store.endStep(firingId, step, 'succeeded', `${deployment.name} does not serve the candidate: nothing to return`);
      return { ...promotion, state: 'compensated' };
    }
    const job = deployment.kind === 'create' ? await deps.deployments.delete({ name: deployment.name }) : await deps.deployments.rollback({ name: deployment.name });
    const ended = await job.done;
    if (ended.outcome !== 'succeeded') throw new Error(ended.error ?? `${ended.kind} ${ended.outcome}`);
    deps.store.endStep(firingId, step, 'succeeded', `${ended.kind} of ${deployment.name} (operation ${ended.id})`);
    return { ...promotion, state: 'compensated', deployment: { ...deployment, compensationOperationId: ended.id } };
  } catch (error) {
    deps.store.endStep(firingId, step, 'failed', message(error));
    return { ...promotion, state: 'failed', error: `${promotion.error ?? ''} Returning the endpoint failed: ${message(error)}`.trim() };
  }
}

/** One firing, from its evidence to its decision. */
class Firing {
  private readonly workDir: string;
  private readonly evaluator: ModelEvaluator;
  private readonly evidence: TriggerEvidence[] = [];
  private readonly gateRules: GateRuleResult[] = [];
  private newData: FiringNewData | null = null;
  /** Set when the new data is too little: it stays new, to be taken with the next batch. */
  private waitForMore = false;
  /** Who cancelled the firing, once a request for it is seen. */
  private cancelledBy: AutomationActor | null = null;
  /** Stops the pipeline execution under way, while one runs. */
  private stopPipeline: (() => void) | null = null;

  constructor(
    private readonly deps: ContinuousTrainingDeps,
    private readonly file: AutomationsFile,
    private readonly spec: AutomationSpec,
    private readonly id: number,
    private readonly due: DueFiring,
  ) {
    this.workDir = path.join(deps.dataDir, 'automations', String(id));
    this.evaluator = new ModelEvaluator({
      python: file.python ?? deps.python ?? process.env.CAIRN_PYTHON ?? 'python3',
      runtimeDir: path.join(deps.dataDir, 'automations', 'runtime'),
    });
  }

  private get store(): AutomationStore {
    return this.deps.store;
  }

  async run(): Promise<void> {
    const cancelWatch = setInterval(() => this.lookForCancel(), CANCEL_POLL_MS);
    cancelWatch.unref();
    try {
      const result = await this.steps();
      this.store.updateFiring(this.id, {}, result);
    } catch (error) {
      const end = this.cancelledBy ? this.cancelEnd() : error instanceof FiringEnd ? error : new FiringEnd('failed', message(error));
      this.store.updateFiring(this.id, { evidence: this.evidence }, { outcome: end.outcome, reason: end.reason });
    } finally {
      clearInterval(cancelWatch);
      if (this.cancelledBy) this.store.setTriggerState(this.spec.projectDir, this.spec.name, CANCEL_STATE, null);
      // A cancelled firing leaves its data new, to be taken by the next run.
      else if (this.due.files.length && !this.waitForMore) this.markSeen();
    }
  }

  private lookForCancel(): void {
    if (this.cancelledBy) return;
    const request = this.store.triggerState<CancelRequest>(this.spec.projectDir, this.spec.name, CANCEL_STATE);
    if (request?.firingId !== this.id) return;
    this.cancelledBy = request.actor;
    this.stopPipeline?.();
  }

  private cancelEnd(): FiringEnd {
    const actor = this.cancelledBy!;
    return new FiringEnd('cancelled', `cancelled by ${actor.user} (${actor.via}); production did not change`);
  }

  /** Ends the firing here when it was cancelled (between steps, and before a promotion begins). */
  private stopIfCancelled(): void {
    this.lookForCancel();
    if (this.cancelledBy) throw this.cancelEnd();
  }

  private markSeen(): void {
    const seen = this.store.triggerState<SeenDigests>(this.spec.projectDir, this.spec.name, SEEN_STATE) ?? {};
    this.store.setTriggerState(this.spec.projectDir, this.spec.name, SEEN_STATE, withSeen(seen, this.due.files));
  }

  private async step<T>(name: string, title: string, work: () => Promise<{ value: T; detail: string }>): Promise<T> {
    this.stopIfCancelled();
    const index = this.store.beginStep(this.id, name, title);
    try {
      const { value, detail } = await work();
      this.store.endStep(this.id, index, 'succeeded', detail);
      return value;
    } catch (error) {
      // Stopped by a cancel (its pipeline killed, or the cancel seen at the end of the step): cancelled, not failed.
      if (this.cancelledBy) this.store.endStep(this.id, index, 'cancelled', this.cancelEnd().reason);
      else this.store.endStep(this.id, index, 'failed', message(error));
      throw error;
    }
  }

  private async steps(): Promise<{ outcome: 'promoted' | 'completed' | 'waiting-approval'; reason: string }> {
    const { spec } = this;
    const newPath = this.due.files.length ? await this.takeNewData() : null;

    if (newPath && spec.gate?.checks.length) await this.requiredChecks(newPath);
    if (newPath) await this.triggerConditions(newPath);
    if (spec.gate?.minNewRows && newPath) {
      const rows = this.newData?.rows ?? 0;
      const passed = rows >= spec.gate.minNewRows;
      this.gateRules.push({ kind: 'min-new-rows', rule: `min_new_rows: ${spec.gate.minNewRows}`, passed, values: { rows, min: spec.gate.minNewRows }, detail: `${rows} new rows ${passed ? '≥' : '<'} ${spec.gate.minNewRows}` });
      this.waitForMore = !passed;
      if (!passed) throw new FiringEnd('nothing-to-do', `${rows} new rows, fewer than min_new_rows ${spec.gate.minNewRows}: the data waits for more`);
    }

    const { trainPath, gateData } = await this.prepare(newPath);
    const pipeline = await this.runPipeline(trainPath);
    if (!spec.action.model) return { outcome: 'completed', reason: `the pipeline ran (${pipeline.status}); the automation promotes nothing` };
    const candidate = await this.candidate(pipeline);
    const { production, productionFolder } = await this.production();
    const gate = await this.gate(candidate, production, productionFolder, gateData);
    if (!gate.passed) {
      const failing = gate.rules.filter((rule) => !rule.passed).map((rule) => `${rule.rule} (${rule.detail})`);
      throw new FiringEnd('rejected', `the candidate failed the gate: ${failing.join('; ')}; production did not change`);
    }
    if (!spec.promote) return { outcome: 'completed', reason: 'the candidate passed the gate; the automation promotes nothing' };
    if (spec.promote.approval) {
      this.store.updateFiring(this.id, { approval: { requestedAt: Date.now(), decision: null, decidedAt: null, decidedBy: null, comment: null } });
      return { outcome: 'waiting-approval', reason: `the candidate passed the gate; it waits for a person to approve it as ${spec.promote.model}@${spec.promote.alias}` };
    }
    this.stopIfCancelled();
    const promotion = await promote(this.deps, this.spec, this.id, this.store.getFiring(this.id));
    if (promotion.state !== 'done') throw new FiringEnd('failed', `the promotion failed: ${promotion.error ?? promotion.state}; production did not change`);
    const previous = promotion.previousVersion ? ` (it was version ${promotion.previousVersion})` : '';
    return {
      outcome: 'promoted',
      reason: `${promotion.model} version ${promotion.version} passed the gate and holds @${promotion.alias}${previous}${promotion.deployment ? `; ${promotion.deployment.name} serves it` : ''}`,
    };
  }

  /** Counts the new files' rows and, for several files, writes them as one table. */
  private async takeNewData(): Promise<string> {
    return this.step('new-data', 'Take the new data', async () => {
      const files = this.due.files.map((file) => path.join(this.spec.projectDir, file.path));
      let newPath = files[0]!;
      let rows: number;
      if (files.length > 1) {
        newPath = path.join(this.workDir, 'new-data.csv');
        rows = (await this.evaluator.split({ files, fraction: 0, seed: 0, train: newPath, holdout: null })).rows;
      } else {
        rows = await this.evaluator.count(files);
      }
      this.newData = { files: this.due.files, rows, trainPath: null, trainRows: null, holdoutPath: null, holdoutRows: null };
      this.store.updateFiring(this.id, { newData: this.newData });
      return { value: newPath, detail: `${this.due.files.length} file${this.due.files.length === 1 ? '' : 's'}, ${rows} rows` };
    });
  }

  private async requiredChecks(newPath: string): Promise<void> {
    const gate = this.spec.gate!;
    const failing = await this.step('checks', 'Run the required data checks on the new data', async () => {
      const found: CheckReport[] = [];
      for (const checks of gate.checks) found.push(await this.deps.data.check({ data: newPath, checks, record: { experimentName: `Automation ${this.spec.name}` } }));
      const rules = found.map(
        (report, index): GateRuleResult => ({
          kind: 'checks',
          rule: `checks: ${path.relative(this.spec.projectDir, gate.checks[index]!)}`,
          passed: report.failed === 0,
          values: { failed: report.failed, rules: report.rules.length },
          detail: failedChecks(report),
          runId: report.runId,
        }),
      );
      this.gateRules.push(...rules);
      const failed = rules.filter((rule) => !rule.passed);
      // The gate's verdict is written before the step ends, so the step never shows as passed checks.
      if (failed.length) this.store.updateFiring(this.id, { gate: { data: null, rules: this.gateRules, passed: false } });
      const detail = failed.length ? found.map(failedChecks).join('; ') : `all ${found.reduce((sum, report) => sum + report.rules.length, 0)} passed`;
      return { value: failed, detail };
    });
    if (failing.length) throw new FiringEnd('rejected', checksRejectionReason(failing));
  }

  /**
   * Records the trigger that decided the firing: a condition that held on the new data (drift,
   * checks failing, metric decay; the first in the file's order) rather than the new data's arrival,
   * which woke it. A firing whose conditions did not hold keeps the trigger that woke it.
   */
  private recordDecidingTrigger(): void {
    const decided = this.evidence.find((item) => item.fired && item.kind !== 'new-data');
    if (decided) this.store.setFiringTrigger(this.id, { kind: decided.kind, detail: `${decided.summary}, in ${this.due.detail}` });
  }

  private async triggerConditions(newPath: string): Promise<void> {
    const { spec } = this;
    for (const trigger of spec.triggers) {
      if (trigger.kind === 'drift') await this.driftCondition(trigger, newPath);
      else if (trigger.kind === 'checks-failing') {
        await this.step('checks-failing', 'Check the new data (trigger)', async () => {
          const report = await this.deps.data.check({ data: newPath, checks: trigger.checksFile, record: { experimentName: `Automation ${spec.name}` } });
          this.evidence.push({ kind: 'checks-failing', fired: report.failed > 0, summary: failedChecks(report), details: report.rules, runId: report.runId });
          return { value: null, detail: failedChecks(report) };
        });
      } else if (trigger.kind === 'metric-decay') await this.decayCondition(trigger, newPath);
      else if (trigger.kind === 'new-data') this.evidence.push({ kind: 'new-data', fired: true, summary: this.due.detail, details: this.due.files, runId: null });
    }
    this.recordDecidingTrigger();
    this.store.updateFiring(this.id, { evidence: this.evidence });
    if (!this.evidence.some((item) => item.fired)) {
      throw new FiringEnd('nothing-to-do', `no trigger condition held on the new data: ${this.evidence.map((item) => `${item.kind}: ${item.summary}`).join('; ')}`);
    }
  }

  private async driftCondition(trigger: Extract<TriggerSpec, { kind: 'drift' }>, newPath: string): Promise<void> {
    await this.step('drift', 'Compare the new data with the reference', async () => {
      const report = await this.deps.data.compare(this.spec.data.reference!, newPath, {
        driftShare: trigger.driftShare,
        ...(trigger.columns ? { columns: trigger.columns } : {}),
        record: true,
      });
      const columns = report.columns.map((column) => ({ column: column.column, test: column.test, score: column.score, threshold: column.threshold, drift: column.drift }));
      this.evidence.push({
        kind: 'drift',
        fired: report.dataset.drift,
        summary: driftSummary(report),
        details: { reference: report.reference, current: report.current, dataset: report.dataset, columns },
        runId: null,
      });
      return { value: null, detail: driftSummary(report) };
    });
  }

  private async decayCondition(trigger: Extract<TriggerSpec, { kind: 'metric-decay' }>, newPath: string): Promise<void> {
    await this.step('metric-decay', `Evaluate production's ${trigger.metric} on the new data`, async () => {
      const { production, productionFolder } = await this.production();
      if (!production || !productionFolder) {
        this.evidence.push({ kind: 'metric-decay', fired: false, summary: 'no production model to evaluate', details: null, runId: null });
        return { value: null, detail: 'no production model yet' };
      }
      const evaluation = await this.evaluator.evaluate({ data: newPath, label: this.spec.data.label!, task: this.spec.gate?.task ?? 'classification', models: { production: productionFolder } });
      const measured = evaluation.models.production;
      if (!measured || measured.error) throw new Error(`production could not be evaluated: ${measured?.error ?? 'no answer'}`);
      const value = measured.metrics[trigger.metric] ?? null;
      const atPromotion = await this.metricAtPromotion(production, trigger.metric);
      const lower = LOWER_IS_BETTER.has(trigger.metric);
      const worse = (a: number, b: number) => (lower ? a > b : a < b);
      const reasons: string[] = [];
      if (value !== null && trigger.threshold !== null && worse(value, trigger.threshold)) reasons.push(`${formatMetric(value)} is ${lower ? 'above' : 'below'} ${trigger.threshold}`);
      if (value !== null && trigger.margin !== null && atPromotion !== null && worse(value, lower ? atPromotion + trigger.margin : atPromotion - trigger.margin)) {
        reasons.push(`${formatMetric(value)} is worse than ${formatMetric(atPromotion)} at promotion by more than ${trigger.margin}`);
      }
      const summary = `${trigger.metric} ${formatMetric(value)} on ${evaluation.rows} new rows${reasons.length ? `: ${reasons.join(', ')}` : ' (no decay)'}`;
      this.evidence.push({ kind: 'metric-decay', fired: reasons.length > 0, summary, details: { metric: trigger.metric, value, atPromotion, threshold: trigger.threshold, margin: trigger.margin, production }, runId: null });
      return { value: null, detail: summary };
    });
  }

  private async metricAtPromotion(production: EvaluatedModel, metric: string): Promise<number | null> {
    if (!production.name || !production.version) return null;
    const version = await this.deps.files.registry.getModelVersion(production.name, production.version);
    const tag = version.tags.find((item) => item.key === `cairn.gate.${metric}`);
    return tag ? Number(tag.value) : null;
  }

  /** Splits off the gate's holdout and passes the rest to the pipeline as the automation says. */
  private async prepare(newPath: string | null): Promise<{ trainPath: string | null; gateData: FiringGate['data'] }> {
    const gate = this.spec.gate;
    if (!newPath) {
      const file = gate?.data.kind === 'file' ? gate.data.path : (gate?.fallback ?? null);
      return { trainPath: null, gateData: file ? { path: file, rows: 0, kind: 'file' } : null };
    }
    return this.step('prepare-data', 'Split the new data into training rows and the gate holdout', async () => {
      const holdout = gate?.data.kind === 'holdout' && gate.rules.length ? gate.data : null;
      const trainPath = path.join(this.workDir, 'train.csv');
      const holdoutPath = holdout ? path.join(this.workDir, 'holdout.csv') : null;
      const split = await this.evaluator.split({
        files: [newPath],
        fraction: holdout?.fraction ?? 0,
        seed: holdout?.seed ?? 0,
        train: trainPath,
        holdout: holdoutPath,
      });
      this.newData = { ...this.newData!, trainPath, trainRows: split.train_rows, holdoutPath, holdoutRows: holdoutPath ? split.holdout_rows : null };
      this.store.updateFiring(this.id, { newData: this.newData });
      const gateData: FiringGate['data'] = holdoutPath
        ? { path: holdoutPath, rows: split.holdout_rows, kind: 'holdout' }
        : gate?.data.kind === 'file'
          ? { path: gate.data.path, rows: 0, kind: 'file' }
          : null;
      return {
        value: { trainPath, gateData },
        detail: `${split.train_rows} rows to train on${holdoutPath ? `, ${split.holdout_rows} held out for the gate` : ''}`,
      };
    });
  }

  private async runPipeline(trainPath: string | null): Promise<{ status: string; workspaceDir: string; stages: ReadonlyArray<{ name: string; runId: string | null }> }> {
    const { action } = this.spec;
    return this.step('pipeline', `Run the pipeline${action.targets.length ? ` (${action.targets.join(', ')})` : ''}`, async () => {
      const setParams = [...action.setParams];
      if (trainPath && action.newData && 'param' in action.newData) setParams.push(`${action.newData.param}=${trainPath}`);
      if (trainPath && action.newData && 'dep' in action.newData) {
        const target = path.join(action.projectDir, action.newData.dep);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(trainPath, target);
      }
      const execution = await this.deps.pipelines.start(action.projectDir, { targets: action.targets, setParams, variant: setParams.length > 0 });
      this.stopPipeline = () => execution.stop();
      if (this.cancelledBy) execution.stop();
      const result = await execution.done.finally(() => {
        this.stopPipeline = null;
      });
      const stages = result.stages.map((stage) => ({ name: stage.name, state: stage.state, runId: stage.runId }));
      this.store.updateFiring(this.id, {
        pipeline: {
          executionId: result.executionId,
          projectDir: action.projectDir,
          workspaceDir: execution.workspaceDir,
          status: result.status,
          experimentId: result.experimentId,
          parentRunId: result.parentRunId,
          setParams,
          targets: action.targets,
          stages,
        },
      });
      if (this.cancelledBy) throw this.cancelEnd();
      if (result.status !== 'succeeded') {
        const failed = result.stages.filter((stage) => stage.state === 'failed');
        const tail = failed.flatMap((stage) => stage.outputTail.slice(-2)).join(' | ');
        throw new FiringEnd('failed', `the pipeline ${result.status}${failed.length ? ` at ${failed.map((stage) => stage.name).join(', ')}` : ''}${tail ? `: ${tail}` : ''}; production did not change`);
      }
      return { value: { status: result.status, workspaceDir: execution.workspaceDir, stages }, detail: `execution ${result.executionId}: ${stages.map((stage) => `${stage.name} ${stage.state}`).join(', ')}` };
    });
  }

  /** Logs the candidate's model folder to the run of the stage that wrote it. */
  private async candidate(pipeline: { workspaceDir: string; stages: ReadonlyArray<{ name: string; runId: string | null }> }): Promise<EvaluatedModel> {
    const model = this.spec.action.model!;
    return this.step('candidate', 'Log the candidate model', async () => {
      const folder = path.join(pipeline.workspaceDir, model.path);
      if (!fs.existsSync(path.join(folder, 'MLmodel'))) throw new Error(`stage ${model.stage} wrote no MLflow model at ${model.path} (no MLmodel file in ${folder})`);
      const runId = pipeline.stages.find((stage) => stage.name === model.stage)?.runId ?? null;
      if (!runId) throw new Error(`stage ${model.stage} has no tracked run to log the candidate to: is '${model.stage}' one of the pipeline's stages, and did it run?`);
      const run = await this.deps.files.tracker.getRun(runId);
      const base = joinArtifactPath(storePathOfArtifactUri(run.info.artifactUri), 'model');
      for (const file of listFiles(folder)) {
        await this.deps.files.artifacts.write(joinArtifactPath(base, file.split(path.sep).join('/')), fs.createReadStream(path.join(folder, file)));
      }
      const candidate: EvaluatedModel = { name: null, version: null, source: `runs:/${runId}/model`, runId, metrics: {} };
      this.store.updateFiring(this.id, { candidate });
      return { value: candidate, detail: `runs:/${runId}/model` };
    });
  }

  private async production(): Promise<{ production: EvaluatedModel | null; productionFolder: string | null }> {
    const promote = this.spec.promote;
    if (!promote) return { production: null, productionFolder: null };
    let version;
    try {
      version = await this.deps.files.registry.getModelVersionByAlias(promote.model, promote.alias);
    } catch {
      return { production: null, productionFolder: null };
    }
    const folder = await modelVersionFolder(this.deps.files, version);
    return { production: { name: version.name, version: version.version, source: `models:/${promote.model}@${promote.alias}`, runId: version.runId ?? null, metrics: {} }, productionFolder: folder };
  }

  private async gate(candidate: EvaluatedModel, production: EvaluatedModel | null, productionFolder: string | null, data: FiringGate['data']): Promise<FiringGate> {
    const gate = this.spec.gate!;
    return this.step('gate', 'Evaluate the candidate and production on the same data, and decide', async () => {
      if (!data) throw new Error('the gate has no data to evaluate on: this firing brought no new data; set gate.data or gate.fallback to a labelled file');
      const run = await this.deps.files.tracker.getRun(candidate.runId!);
      const models: Record<string, string> = { candidate: await this.deps.files.artifacts.artifactFilePath(run.info.artifactUri, 'model') };
      if (productionFolder) models.production = productionFolder;
      const evaluation = await this.evaluator.evaluate({ data: data.path, label: this.spec.data.label!, task: gate.task, models });
      const measured = (key: string): MeasuredMetrics => {
        const result = evaluation.models[key];
        if (result?.error) throw new Error(`the ${key} model could not be evaluated: ${result.error}`);
        return result?.metrics ?? {};
      };
      const candidateMetrics = measured('candidate');
      const productionMetrics = productionFolder ? measured('production') : null;
      this.store.updateFiring(this.id, {
        candidate: { ...candidate, metrics: candidateMetrics },
        production: production ? { ...production, metrics: productionMetrics ?? {} } : null,
      });
      for (const rule of gate.rules) this.gateRules.push(evaluateGateRule(rule, candidateMetrics, productionMetrics));
      const result: FiringGate = { data: { ...data, rows: evaluation.rows }, rules: this.gateRules, passed: this.gateRules.every((rule) => rule.passed) };
      this.store.updateFiring(this.id, { gate: result });
      const passed = this.gateRules.filter((rule) => rule.passed).length;
      return { value: result, detail: `${result.passed ? 'passed' : 'failed'}: ${passed} of ${this.gateRules.length} rules met on ${evaluation.rows} rows (${data.kind})` };
    });
  }
}

/**
 * Registers the candidate, moves the endpoint to it, then the alias. The endpoint answers with the
 * new version before the alias moves; when the alias cannot move, the endpoint is returned, so
 * the two never disagree once the promotion has ended. Every state is recorded before the next act.
 */
async function promote(deps: ContinuousTrainingDeps, spec: AutomationSpec, firingId: number, firing: AutomationFiring): Promise<FiringPromotion> {
  const target = spec.promote!;
  const store = deps.store;
  let promotion: FiringPromotion = { state: 'pending', model: target.model, alias: target.alias, version: null, previousVersion: null, deployment: null, error: null };
  const save = (next: FiringPromotion) => {
    promotion = next;
    store.updateFiring(firingId, { promotion });
  };
  save(promotion);
  const step = async (name: string, title: string, work: () => Promise<string>) => {
    const index = store.beginStep(firingId, name, title);
    try {
      store.endStep(firingId, index, 'succeeded', await work());
    } catch (error) {
      store.endStep(firingId, index, 'failed', message(error));
      throw error;
    }
  };
  try {
    await step('register', `Register the candidate as a version of ${target.model}`, async () => {
      const tags = [
        { key: 'cairn.automation', value: spec.name },
        { key: 'cairn.automation.firing', value: String(firingId) },
        ...Object.entries(firing.candidate?.metrics ?? {}).flatMap(([key, value]) => (value === null ? [] : [{ key: `cairn.gate.${key}`, value: String(value) }])),
      ];
      const version = await deps.modelRegistry.register({ name: target.model, source: firing.candidate!.source, tags, description: firing.reason ?? undefined });
      const previous = await deps.files.registry.getModelVersionByAlias(target.model, target.alias).then(
        (found) => found.version,
        () => null,
      );
      save({ ...promotion, state: 'registered', version: version.version, previousVersion: previous });
      return `${target.model} version ${version.version}`;
    });
    if (target.deploy) {
      const deploy = target.deploy;
      const existing = deps.deployments.list().find((item) => item.name === deploy.name);
      const kind = existing ? 'update' : 'create';
      save({ ...promotion, state: 'deploying', deployment: { name: deploy.name, target: deploy.target, kind, operationId: null, outcome: null, compensationOperationId: null } });
      await step('deploy', `${kind === 'create' ? 'Deploy' : 'Move'} ${deploy.name} to version ${promotion.version}`, async () => {
        const modelUri = `models:/${target.model}/${promotion.version}`;
        const actor = { user: firing.actor.user, via: `automation ${spec.name}` };
        const job = kind === 'create'
          ? await deps.deployments.create({ name: deploy.name, target: deploy.target, modelUri, config: deploy.config, actor })
          : await deps.deployments.update({ name: deploy.name, modelUri, actor });
        save({ ...promotion, deployment: { ...promotion.deployment!, operationId: job.operation.id } });
        const ended = await job.done;
        save({ ...promotion, deployment: { ...promotion.deployment!, outcome: ended.outcome } });
        if (ended.outcome !== 'succeeded') throw new Error(`${kind} ${ended.outcome}${ended.failedStep ? ` at ${ended.failedStep}` : ''}: ${ended.error ?? ''} (the endpoint still serves what it served)`);
        save({ ...promotion, state: 'deployed' });
        return `operation ${ended.id}: ${deps.deployments.get(deploy.name).endpointUrl ?? ''} serves ${target.model} version ${promotion.version}`;
      });
    }
    try {
      await step('alias', `Move @${target.alias} to version ${promotion.version}`, async () => {
        const before = await deps.modelRegistry.setAlias(target.model, target.alias, promotion.version!);
        save({ ...promotion, state: 'alias-moved', previousVersion: before });
        return `${target.model}@${target.alias}: ${before ?? 'none'} → ${promotion.version}`;
      });
    } catch (error) {
      save({ ...promotion, state: 'compensating', error: `moving the alias failed: ${message(error)}` });
      save(await compensatePromotion(deps, promotion, firingId));
      return promotion;
    }
    save({ ...promotion, state: 'done' });
  } catch (error) {
    if (promotion.state === 'pending' || promotion.state === 'registered' || promotion.state === 'deploying') save({ ...promotion, state: 'failed', error: message(error) });
  }
  return promotion;
}
