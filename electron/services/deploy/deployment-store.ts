// The record of deployments in the tracker's SQLite database (migration 11): deployments, their
// operations and each operation's steps. Rows become the plain entities of shared/deployments.ts
// here and never leave this module. Several processes may use one data folder (the app and a
// `cairn deploy` call): one running operation per deployment is enforced by a unique index, and
// a running operation whose process has died is closed as failed when the next one begins.
import { CairnError } from '../../../shared/errors';
import type {
  DeployActor,
  DeployedModel,
  Deployment,
  DeploymentOperation,
  DeploymentOperationKind,
  DeploymentOperationSummary,
  DeploymentOutcome,
  DeploymentState,
  DeploymentStep,
} from '../../../shared/deployments';
import type { CairnDatabase, SqliteDatabase } from '../database/database';
import { isProcessAlive } from './process-liveness';
import type { TargetState } from './deploy-target';

interface DeploymentRow {
  name: string;
  target: string;
  config: string;
  state: DeploymentState;
  endpoint_url: string | null;
  serving_operation_id: number | null;
  created_at: number;
  created_by_user: string;
  created_via: string;
  updated_at: number;
}

interface OperationRow {
  operation_id: number;
  deployment_name: string;
  kind: DeploymentOperationKind;
  target: string;
  outcome: DeploymentOutcome;
  model_name: string | null;
  model_version: string | null;
  model_uri: string | null;
  package_dir: string | null;
  target_state: string | null;
  endpoint_url: string | null;
  replaced_operation_id: number | null;
  requested_by_user: string;
  requested_via: string;
  started_at: number;
  ended_at: number | null;
  failed_step: string | null;
  error: string | null;
  owner_pid: number;
  cancel_requested: number;
}

interface StepRow {
  operation_id: number;
  step_index: number;
  name: string;
  title: string;
  outcome: DeploymentOutcome;
  started_at: number;
  ended_at: number | null;
  detail: string | null;
}

/** A revision: what a succeeded create, update or rollback put in service. */
export interface DeploymentRevision {
  readonly operationId: number;
  readonly model: DeployedModel;
  readonly packageDir: string | null;
  readonly state: TargetState;
  readonly endpointUrl: string | null;
  /** The revision that served before this one. */
  readonly replacedOperationId: number | null;
}

/** What beginning an operation needs. */
export interface BeginOperationInput {
  readonly name: string;
  readonly kind: DeploymentOperationKind;
  readonly target: string;
  /** For create: the deployment's settings. */
  readonly config?: Readonly<Record<string, string>>;
  readonly model: DeployedModel | null;
  readonly actor: DeployActor;
}

/** How an operation ended, and what it produced when it succeeded. */
export interface FinishOperationInput {
  readonly outcome: Exclude<DeploymentOutcome, 'running'>;
  readonly model?: DeployedModel | null;
  readonly packageDir?: string | null;
  readonly targetState?: TargetState | null;
  readonly endpointUrl?: string | null;
  readonly failedStep?: string | null;
  readonly error?: string | null;
  /** Settings changed by a succeeded update, saved with it. */
  readonly config?: Readonly<Record<string, string>> | null;
}

function modelOf(row: Pick<OperationRow, 'model_name' | 'model_version' | 'model_uri'> | undefined): DeployedModel | null {
  if (!row || row.model_name === null || row.model_version === null) return null;
  return { name: row.model_name, version: row.model_version, uri: row.model_uri ?? `models:/${row.model_name}/${row.model_version}` };
}

/** The deployment records over the tracker's database. */
export class DeploymentStore {
  private readonly db: SqliteDatabase;

  /** Keeps its tables in `database`, which it neither opens nor closes; every write goes through database.write. */
  constructor(private readonly database: CairnDatabase) {
    this.db = database.connection;
  }

  /** The deployment, deleted ones included; RESOURCE_DOES_NOT_EXIST when there never was one. */
  getDeployment(name: string): Deployment {
    const row = this.deploymentRow(name);
    if (!row) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No deployment named '${name}'. \`cairn deploy list\` shows the deployments.`);
    return this.assemble(row);
  }

  /** Every deployment, newest first; deleted ones only when asked. */
  listDeployments(includeDeleted = false): Deployment[] {
    const rows = this.db
      .prepare(`SELECT * FROM deployments ${includeDeleted ? '' : "WHERE state != 'deleted'"} ORDER BY created_at DESC, name`)
      .all() as DeploymentRow[];
    return rows.map((row) => this.assemble(row));
  }

  /** The revision serving now, or null. */
  servingRevision(name: string): DeploymentRevision | null {
    const row = this.deploymentRow(name);
    return row?.serving_operation_id ? this.revision(row.serving_operation_id) : null;
  }

  /** A revision by its operation id. */
  revision(operationId: number): DeploymentRevision | null {
    const op = this.operationRow(operationId);
    const model = modelOf(op);
    if (!op || !model) return null;
    return {
      operationId: op.operation_id,
      model,
      packageDir: op.package_dir,
      state: op.target_state ? (JSON.parse(op.target_state) as TargetState) : {},
      endpointUrl: op.endpoint_url,
      replacedOperationId: op.replaced_operation_id,
    };
  }

  /**
   * Records a new running operation, in one transaction: refuses when another is running on the
   * same deployment (closing it first if its process has died), creates the deployment row for a
   * create, and refuses a create of a deployment that exists and an update of one that does not.
   */
  beginOperation(input: BeginOperationInput): DeploymentOperation {
    const id = this.database.write(() => {
      this.closeStaleOperation(input.name);
      const now = Date.now();
      const existing = this.deploymentRow(input.name);
      if (input.kind === 'create') {
        if (existing && existing.state !== 'deleted' && existing.serving_operation_id !== null) {
          throw new CairnError('RESOURCE_ALREADY_EXISTS', `A deployment named '${input.name}' exists already; update it, or delete it first.`);
        }
        if (existing) {
          this.db
            .prepare(
              `UPDATE deployments SET target = ?, config = ?, state = 'creating', endpoint_url = NULL, serving_operation_id = NULL,
                 created_at = ?, created_by_user = ?, created_via = ?, updated_at = ? WHERE name = ?`,
            )
            .run(input.target, JSON.stringify(input.config ?? {}), now, input.actor.user, input.actor.via, now, input.name);
        } else {
          this.db
            .prepare(
              `INSERT INTO deployments (name, target, config, state, created_at, created_by_user, created_via, updated_at)
               VALUES (?, ?, ?, 'creating', ?, ?, ?, ?)`,
            )
            .run(input.name, input.target, JSON.stringify(input.config ?? {}), now, input.actor.user, input.actor.via, now);
        }
      } else if (!existing || existing.state === 'deleted') {
        throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No deployment named '${input.name}'. \`cairn deploy list\` shows the deployments.`);
      }
      const serving = this.deploymentRow(input.name)!.serving_operation_id;
      try {
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO deployment_operations (deployment_name, kind, target, outcome, model_name, model_version, model_uri,
               replaced_operation_id, requested_by_user, requested_via, started_at, owner_pid)
             VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.name,
            input.kind,
            input.target,
            input.model?.name ?? null,
            input.model?.version ?? null,
            input.model?.uri ?? null,
            serving,
            input.actor.user,
            input.actor.via,
            now,
            process.pid,
          );
        return Number(lastInsertRowid);
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
        const running = this.runningOperationRow(input.name)!;
        throw new CairnError(
          'INVALID_STATE',
          `Deployment '${input.name}' is busy: operation ${running.operation_id} (${running.kind}, asked by ${running.requested_by_user} ` +
            `via ${running.requested_via}) is running. Wait for it, or cancel it.`,
        );
      }
    });
    return this.getOperation(id);
  }

  /** Sets the model an operation deploys once it is known (an alias resolved, a rollback's target found). */
  setOperationModel(operationId: number, model: DeployedModel): void {
    this.database.write(() =>
      this.db
        .prepare('UPDATE deployment_operations SET model_name = ?, model_version = ?, model_uri = ? WHERE operation_id = ?')
        .run(model.name, model.version, model.uri, operationId),
    );
  }

  /** Appends a running step; returns its index. */
  beginStep(operationId: number, name: string, title: string, detail: string | null): number {
    return this.database.write(() => {
      const { next } = this.db
        .prepare<[number], { next: number }>('SELECT COALESCE(MAX(step_index) + 1, 0) AS next FROM deployment_steps WHERE operation_id = ?')
        .get(operationId)!;
      this.db
        .prepare(
          `INSERT INTO deployment_steps (operation_id, step_index, name, title, outcome, started_at, detail) VALUES (?, ?, ?, ?, 'running', ?, ?)`,
        )
        .run(operationId, next, name, title, Date.now(), detail);
      return next;
    });
  }

  /** Sets a step's detail while it runs. */
  setStepDetail(operationId: number, index: number, detail: string): void {
    this.database.write(() =>
      this.db.prepare('UPDATE deployment_steps SET detail = ? WHERE operation_id = ? AND step_index = ?').run(detail, operationId, index),
    );
  }

  /** Ends a step. */
  endStep(operationId: number, index: number, outcome: Exclude<DeploymentOutcome, 'running'>, detail?: string | null): void {
    this.database.write(() =>
      this.db
        .prepare('UPDATE deployment_steps SET outcome = ?, ended_at = ?, detail = COALESCE(?, detail) WHERE operation_id = ? AND step_index = ?')
        .run(outcome, Date.now(), detail ?? null, operationId, index),
    );
  }

  /** Ends an operation and moves the deployment accordingly, in one transaction. */
  finishOperation(operationId: number, input: FinishOperationInput): DeploymentOperation {
    this.database.write(() => {
      const op = this.operationRow(operationId)!;
      const now = Date.now();
      const model = input.model === undefined ? modelOf(op) : input.model;
      this.db
        .prepare(
          `UPDATE deployment_operations SET outcome = ?, ended_at = ?, model_name = ?, model_version = ?, model_uri = ?,
             package_dir = ?, target_state = ?, endpoint_url = ?, failed_step = ?, error = ? WHERE operation_id = ?`,
        )
        .run(
          input.outcome,
          now,
          model?.name ?? null,
          model?.version ?? null,
          model?.uri ?? null,
          input.packageDir ?? null,
          input.targetState ? JSON.stringify(input.targetState) : null,
          input.endpointUrl ?? null,
          input.failedStep ?? null,
          input.error ?? null,
          operationId,
        );
      // Steps left running (a crash inside a target) end with the operation.
      this.db
        .prepare(`UPDATE deployment_steps SET outcome = ?, ended_at = ? WHERE operation_id = ? AND outcome = 'running'`)
        .run(input.outcome === 'succeeded' ? 'failed' : input.outcome, now, operationId);
      const deployment = this.deploymentRow(op.deployment_name)!;
      if (input.outcome === 'succeeded' && op.kind === 'delete') {
        this.db.prepare(`UPDATE deployments SET state = 'deleted', endpoint_url = NULL, updated_at = ? WHERE name = ?`).run(now, op.deployment_name);
      } else if (input.outcome === 'succeeded') {
        this.db
          .prepare(`UPDATE deployments SET state = 'serving', serving_operation_id = ?, endpoint_url = ?, updated_at = ? WHERE name = ?`)
          .run(operationId, input.endpointUrl ?? deployment.endpoint_url, now, op.deployment_name);
        if (input.config) this.db.prepare('UPDATE deployments SET config = ? WHERE name = ?').run(JSON.stringify(input.config), op.deployment_name);
      } else if (op.kind === 'create') {
        this.db.prepare(`UPDATE deployments SET state = 'failed', updated_at = ? WHERE name = ?`).run(now, op.deployment_name);
      } else {
        this.db.prepare('UPDATE deployments SET updated_at = ? WHERE name = ?').run(now, op.deployment_name);
      }
    });
    return this.getOperation(operationId);
  }

  /** An operation with its steps. */
  getOperation(operationId: number): DeploymentOperation {
    const row = this.operationRow(operationId);
    if (!row) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No deployment operation ${operationId}.`);
    const steps = this.db
      .prepare('SELECT * FROM deployment_steps WHERE operation_id = ? ORDER BY step_index')
      .all(operationId) as StepRow[];
    return { ...this.summary(row), steps: steps.map(stepOf) };
  }

  /** A deployment's operations with their steps, newest first. */
  history(name: string, limit = 50): DeploymentOperation[] {
    this.getDeployment(name);
    const ids = this.db
      .prepare<[string, number], { operation_id: number }>(
        'SELECT operation_id FROM deployment_operations WHERE deployment_name = ? ORDER BY operation_id DESC LIMIT ?',
      )
      .all(name, limit);
    return ids.map(({ operation_id }) => this.getOperation(operation_id));
  }

  /** Operations running now or ended at or after `since` (milliseconds since the epoch), with their steps. */
  operationsActiveSince(since: number): DeploymentOperation[] {
    const ids = this.db
      .prepare<[number], { operation_id: number }>(
        `SELECT operation_id FROM deployment_operations WHERE outcome = 'running' OR ended_at >= ? ORDER BY operation_id`,
      )
      .all(since);
    return ids.map(({ operation_id }) => this.getOperation(operation_id));
  }

  /** Asks the process running an operation to cancel it (it looks between and during steps). */
  requestCancel(operationId: number): DeploymentOperation {
    const op = this.getOperation(operationId);
    if (op.outcome !== 'running') {
      throw new CairnError('INVALID_STATE', `Operation ${operationId} is not running (it ${op.outcome === 'succeeded' ? 'succeeded' : `ended: ${op.outcome}`}).`);
    }
    this.database.write(() => this.db.prepare('UPDATE deployment_operations SET cancel_requested = 1 WHERE operation_id = ?').run(operationId));
    return op;
  }

  /** Whether cancellation of the operation was asked for. */
  isCancelRequested(operationId: number): boolean {
    return Boolean(
      this.db.prepare<[number], { c: number }>('SELECT cancel_requested AS c FROM deployment_operations WHERE operation_id = ?').get(operationId)?.c,
    );
  }

  /** The operation running on a deployment, if any. */
  runningOperation(name: string): DeploymentOperation | null {
    const row = this.runningOperationRow(name);
    return row ? this.getOperation(row.operation_id) : null;
  }

  /** The package folders still needed: those of the serving revision and the one before it. */
  packageDirsInUse(name: string): Set<string> {
    const keep = new Set<string>();
    const serving = this.servingRevision(name);
    if (serving?.packageDir) keep.add(serving.packageDir);
    const previous = serving?.replacedOperationId ? this.revision(serving.replacedOperationId) : null;
    if (previous?.packageDir) keep.add(previous.packageDir);
    return keep;
  }

  // ---------------------------------------------------------------- internals

  private deploymentRow(name: string): DeploymentRow | undefined {
    return this.db.prepare<[string], DeploymentRow>('SELECT * FROM deployments WHERE name = ?').get(name);
  }

  private operationRow(id: number): OperationRow | undefined {
    return this.db.prepare<[number], OperationRow>('SELECT * FROM deployment_operations WHERE operation_id = ?').get(id);
  }

  private runningOperationRow(name: string): OperationRow | undefined {
    return this.db
      .prepare<[string], OperationRow>(`SELECT * FROM deployment_operations WHERE deployment_name = ? AND outcome = 'running'`)
      .get(name);
  }

  private closeStaleOperation(name: string): void {
    const running = this.runningOperationRow(name);
    if (!running || running.owner_pid === process.pid || isProcessAlive(running.owner_pid)) return;
    const now = Date.now();
    this.database.write(() => {
      this.db
        .prepare(`UPDATE deployment_operations SET outcome = 'failed', ended_at = ?, error = ? WHERE operation_id = ?`)
        .run(now, `Interrupted: the process running it (pid ${running.owner_pid}) ended before it finished.`, running.operation_id);
      this.db.prepare(`UPDATE deployment_steps SET outcome = 'failed', ended_at = ? WHERE operation_id = ? AND outcome = 'running'`).run(now, running.operation_id);
      if (running.kind === 'create') this.db.prepare(`UPDATE deployments SET state = 'failed' WHERE name = ? AND serving_operation_id IS NULL`).run(name);
    });
  }

  private summary(row: OperationRow): DeploymentOperationSummary {
    const replaced = row.replaced_operation_id ? this.operationRow(row.replaced_operation_id) : undefined;
    return {
      id: row.operation_id,
      deploymentName: row.deployment_name,
      kind: row.kind,
      target: row.target,
      outcome: row.outcome,
      model: modelOf(row),
      fromModel: modelOf(replaced),
      requestedBy: { user: row.requested_by_user, via: row.requested_via },
      startedAt: row.started_at,
      endedAt: row.ended_at,
      failedStep: row.failed_step,
      error: row.error,
    };
  }

  private assemble(row: DeploymentRow): Deployment {
    const serving = row.serving_operation_id ? this.operationRow(row.serving_operation_id) : undefined;
    const previous = serving?.replaced_operation_id ? this.operationRow(serving.replaced_operation_id) : undefined;
    const last = this.db
      .prepare<[string], OperationRow>('SELECT * FROM deployment_operations WHERE deployment_name = ? ORDER BY operation_id DESC LIMIT 1')
      .get(row.name);
    return {
      name: row.name,
      target: row.target,
      config: JSON.parse(row.config) as Record<string, string>,
      state: row.state,
      endpointUrl: row.endpoint_url,
      model: row.state === 'deleted' ? null : modelOf(serving),
      previousModel: row.state === 'deleted' ? null : modelOf(previous),
      servingSince: row.state === 'deleted' ? null : (serving?.ended_at ?? null),
      createdAt: row.created_at,
      createdBy: { user: row.created_by_user, via: row.created_via },
      updatedAt: row.updated_at,
      lastOperation: last ? this.summary(last) : null,
    };
  }
}

function stepOf(row: StepRow): DeploymentStep {
  return {
    index: row.step_index,
    name: row.name,
    title: row.title,
    outcome: row.outcome,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    detail: row.detail,
  };
}
