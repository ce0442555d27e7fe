// The automations' records in SQLite (migrations 15 and 16, in the tracker's database), every write in a
// BEGIN IMMEDIATE transaction: the lease is taken by one statement that another process's
// transaction cannot interleave with, so two processes never both hold it.
import type { AutomationFiring, FiringOutcome, FiringStep, FiringStepOutcome, TriggerKind } from '../../../shared/automation-models';
import { CairnError } from '../../../shared/errors';
import type { CairnDatabase, SqliteDatabase } from '../database/database';
import { isProcessAlive } from '../deploy/process-liveness';
import type { AutomationStore, AutomationStoreChange, FiringSections, LeaseHolder, NewFiring } from './automation-store';
import { stepVerdict } from './step-verdict';

interface FiringRow {
  firing_id: number;
  project_dir: string;
  automation: string;
  trigger_kind: TriggerKind;
  trigger_detail: string;
  actor_user: string;
  actor_via: string;
  outcome: FiringOutcome;
  reason: string | null;
  record: string;
  owner_pid: number;
  started_at: number;
  ended_at: number | null;
}

interface StepRow {
  step_index: number;
  name: string;
  title: string;
  outcome: FiringStepOutcome;
  started_at: number;
  ended_at: number | null;
  detail: string | null;
}

interface LeaseRow {
  holder: string;
  pid: number;
  firing_id: number | null;
  acquired_at: number;
  heartbeat_at: number;
}

const OPEN_OUTCOMES: ReadonlySet<FiringOutcome> = new Set(['running', 'waiting-approval']);

/** The automations store over an open database. */
export class SqliteAutomationStore implements AutomationStore {
  private readonly db: SqliteDatabase;
  private readonly listeners = new Set<(change: AutomationStoreChange) => void>();
  /** What the last look for other processes' changes saw (null before the first look). */
  private seen: { dataVersion: number; since: number; fingerprints: Map<number, string>; settings: string } | null = null;

  constructor(private readonly database: CairnDatabase) {
    this.db = database.connection;
  }

  addProject(projectDir: string): void {
    this.database.write(() => {
      this.db.prepare('INSERT OR IGNORE INTO automation_projects (project_dir, added_at) VALUES (?, ?)').run(projectDir, Date.now());
    });
    this.notify({ kind: 'settings' });
  }

  removeProject(projectDir: string): void {
    this.database.write(() => {
      this.db.prepare('DELETE FROM automation_projects WHERE project_dir = ?').run(projectDir);
    });
    this.notify({ kind: 'settings' });
  }

  listProjects(): string[] {
    return this.db.prepare('SELECT project_dir FROM automation_projects ORDER BY added_at').pluck().all() as string[];
  }

  isEnabled(projectDir: string, automation: string): boolean {
    const enabled = this.db.prepare('SELECT enabled FROM automation_settings WHERE project_dir = ? AND automation = ?').pluck().get(projectDir, automation) as number | undefined;
    return enabled === undefined || enabled === 1;
  }

  setEnabled(projectDir: string, automation: string, enabled: boolean): void {
    this.database.write(() => {
      this.db
        .prepare(
          `INSERT INTO automation_settings (project_dir, automation, enabled, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (project_dir, automation) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`,
        )
        .run(projectDir, automation, enabled ? 1 : 0, Date.now());
    });
    this.notify({ kind: 'settings' });
  }

  triggerState<T>(projectDir: string, automation: string, trigger: string): T | null {
    const text = this.db
      .prepare('SELECT state FROM automation_trigger_state WHERE project_dir = ? AND automation = ? AND trigger = ?')
      .pluck()
      .get(projectDir, automation, trigger) as string | undefined;
    return text === undefined ? null : (JSON.parse(text) as T);
  }

  setTriggerState(projectDir: string, automation: string, trigger: string, state: unknown): void {
    this.database.write(() => {
      this.db
        .prepare(
          `INSERT INTO automation_trigger_state (project_dir, automation, trigger, state, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (project_dir, automation, trigger) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
        )
        .run(projectDir, automation, trigger, JSON.stringify(state), Date.now());
    });
  }

  acquireLease(projectDir: string, automation: string, holder: string, leaseMs: number): boolean {
    return this.database.write(() => {
      const now = Date.now();
      const current = this.leaseRow(projectDir, automation);
      if (current && current.holder !== holder) {
        const gone = (current.pid !== process.pid && !isProcessAlive(current.pid)) || now - current.heartbeat_at > leaseMs;
        if (!gone) return false;
      }
      this.db
        .prepare(
          `INSERT INTO automation_leases (project_dir, automation, holder, pid, firing_id, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, NULL, ?, ?)
           ON CONFLICT (project_dir, automation) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, firing_id = NULL,
             acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
        )
        .run(projectDir, automation, holder, process.pid, now, now);
      return true;
    });
  }

  setLeaseFiring(projectDir: string, automation: string, holder: string, firingId: number | null): void {
    this.database.write(() => {
      this.db.prepare('UPDATE automation_leases SET firing_id = ? WHERE project_dir = ? AND automation = ? AND holder = ?').run(firingId, projectDir, automation, holder);
    });
  }

  renewLease(projectDir: string, automation: string, holder: string): boolean {
    return this.database.write(
      () => this.db.prepare('UPDATE automation_leases SET heartbeat_at = ? WHERE project_dir = ? AND automation = ? AND holder = ?').run(Date.now(), projectDir, automation, holder).changes === 1,
    );
  }

  releaseLease(projectDir: string, automation: string, holder: string): void {
    this.database.write(() => {
      this.db.prepare('DELETE FROM automation_leases WHERE project_dir = ? AND automation = ? AND holder = ?').run(projectDir, automation, holder);
    });
  }

  leaseHolder(projectDir: string, automation: string): LeaseHolder | null {
    const row = this.leaseRow(projectDir, automation);
    return row ? { holder: row.holder, pid: row.pid, firingId: row.firing_id, acquiredAt: row.acquired_at, heartbeatAt: row.heartbeat_at } : null;
  }

  beginFiring(firing: NewFiring): number {
    const id = this.database.write(
      () =>
        Number(
          this.db
            .prepare(
              `INSERT INTO automation_firings (project_dir, automation, trigger_kind, trigger_detail, actor_user, actor_via, outcome, record, owner_pid, started_at)
               VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
            )
            .run(
              firing.projectDir,
              firing.automation,
              firing.trigger.kind,
              firing.trigger.detail,
              firing.actor.user,
              firing.actor.via,
              JSON.stringify({ definition: firing.definition }),
              process.pid,
              Date.now(),
            ).lastInsertRowid,
        ),
    );
    this.changed(id);
    return id;
  }

  updateFiring(id: number, sections: FiringSections, outcome?: { readonly outcome: FiringOutcome; readonly reason: string | null }): void {
    this.database.write(() => {
      const row = this.firingRow(id);
      const record = { ...(JSON.parse(row.record) as Record<string, unknown>), ...sections };
      const next = outcome?.outcome ?? row.outcome;
      const endedAt = OPEN_OUTCOMES.has(next) ? null : (row.ended_at ?? Date.now());
      this.db
        .prepare('UPDATE automation_firings SET record = ?, outcome = ?, reason = ?, ended_at = ? WHERE firing_id = ?')
        .run(JSON.stringify(record), next, outcome ? outcome.reason : row.reason, endedAt, id);
    });
    this.changed(id);
  }

  setFiringTrigger(id: number, trigger: { readonly kind: TriggerKind; readonly detail: string }): void {
    this.database.write(() => {
      this.db.prepare('UPDATE automation_firings SET trigger_kind = ?, trigger_detail = ? WHERE firing_id = ?').run(trigger.kind, trigger.detail, id);
    });
    this.changed(id);
  }

  adoptFiring(id: number): void {
    this.database.write(() => {
      this.db.prepare('UPDATE automation_firings SET owner_pid = ? WHERE firing_id = ?').run(process.pid, id);
    });
  }

  getFiring(id: number): AutomationFiring {
    return this.toFiring(this.firingRow(id));
  }

  firingDefinition(id: number): unknown {
    return (JSON.parse(this.firingRow(id).record) as { definition?: unknown }).definition ?? null;
  }

  listFirings(filter: { readonly projectDir?: string; readonly automation?: string; readonly limit?: number }): AutomationFiring[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.projectDir) {
      where.push('project_dir = ?');
      args.push(filter.projectDir);
    }
    if (filter.automation) {
      where.push('automation = ?');
      args.push(filter.automation);
    }
    const limit = Math.max(1, Math.min(filter.limit ?? 1000, 100_000));
    const rows = this.db
      .prepare(`SELECT * FROM automation_firings ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY firing_id DESC LIMIT ${limit}`)
      .all(...args) as FiringRow[];
    return rows.map((row) => this.toFiring(row));
  }

  openFirings(): AutomationFiring[] {
    const rows = this.db.prepare(`SELECT * FROM automation_firings WHERE outcome IN ('running', 'waiting-approval') ORDER BY firing_id`).all() as FiringRow[];
    return rows.map((row) => this.toFiring(row));
  }

  beginStep(firingId: number, name: string, title: string): number {
    const index = this.database.write(() => {
      const next = (this.db.prepare('SELECT COALESCE(MAX(step_index) + 1, 0) FROM automation_firing_steps WHERE firing_id = ?').pluck().get(firingId) as number) ?? 0;
      this.db
        .prepare(`INSERT INTO automation_firing_steps (firing_id, step_index, name, title, outcome, started_at) VALUES (?, ?, ?, ?, 'running', ?)`)
        .run(firingId, next, name, title, Date.now());
      return next;
    });
    this.changed(firingId);
    return index;
  }

  setStepDetail(firingId: number, index: number, detail: string): void {
    this.database.write(() => {
      this.db.prepare('UPDATE automation_firing_steps SET detail = ? WHERE firing_id = ? AND step_index = ?').run(detail, firingId, index);
    });
    this.changed(firingId);
  }

  endStep(firingId: number, index: number, outcome: FiringStepOutcome, detail: string | null): void {
    this.database.write(() => {
      this.db
        .prepare('UPDATE automation_firing_steps SET outcome = ?, ended_at = ?, detail = COALESCE(?, detail) WHERE firing_id = ? AND step_index = ?')
        .run(outcome, Date.now(), detail, firingId, index);
    });
    this.changed(firingId);
  }

  onChange(listener: (change: AutomationStoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changesFromOtherProcesses(): { readonly firingIds: readonly number[]; readonly settings: boolean } {
    // data_version moves only when another connection commits: most looks end here.
    const dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    if (this.seen && this.seen.dataVersion === dataVersion) return { firingIds: [], settings: false };
    const now = Date.now();
    const settings = this.db
      .prepare(
        `SELECT (SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), 0) FROM automation_settings) || '/' ||
                (SELECT COUNT(*) || ':' || COALESCE(MAX(added_at), 0) FROM automation_projects)`,
      )
      .pluck()
      .get() as string;
    // Firings open now or ended since the last look, each with what shows its progress.
    const since = this.seen ? this.seen.since - 1000 : now;
    const rows = this.db
      .prepare(
        `SELECT f.firing_id AS id, f.outcome || ':' || f.trigger_kind || ':' || COALESCE(f.ended_at, 0) || ':' || LENGTH(f.record) || ':' ||
                (SELECT COUNT(*) || ':' || COALESCE(SUM(s.outcome = 'running'), 0) || ':' || COALESCE(SUM(LENGTH(s.detail)), 0) FROM automation_firing_steps s WHERE s.firing_id = f.firing_id) AS fingerprint
         FROM automation_firings f WHERE f.ended_at IS NULL OR f.ended_at >= ? OR f.started_at >= ?`,
      )
      .all(since, since) as Array<{ id: number; fingerprint: string }>;
    const previous = this.seen;
    const fingerprints = new Map(rows.map((row) => [row.id, row.fingerprint]));
    this.seen = { dataVersion, since: now, fingerprints, settings };
    if (!previous) return { firingIds: [], settings: false };
    const firingIds = rows.filter((row) => previous.fingerprints.get(row.id) !== row.fingerprint).map((row) => row.id);
    return { firingIds, settings: settings !== previous.settings };
  }

  private changed(firingId: number): void {
    this.notify({ kind: 'firing', firingId });
  }

  private notify(change: AutomationStoreChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private leaseRow(projectDir: string, automation: string): LeaseRow | undefined {
    return this.db.prepare('SELECT holder, pid, firing_id, acquired_at, heartbeat_at FROM automation_leases WHERE project_dir = ? AND automation = ?').get(projectDir, automation) as
      | LeaseRow
      | undefined;
  }

  private firingRow(id: number): FiringRow {
    const row = this.db.prepare('SELECT * FROM automation_firings WHERE firing_id = ?').get(id) as FiringRow | undefined;
    if (!row) throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No automation firing with id ${id}.`);
    return row;
  }

  private toFiring(row: FiringRow): AutomationFiring {
    const record = JSON.parse(row.record) as FiringSections;
    const gate = record.gate ?? null;
    const steps = (this.db.prepare('SELECT * FROM automation_firing_steps WHERE firing_id = ? ORDER BY step_index').all(row.firing_id) as StepRow[]).map(
      (step): FiringStep => ({
        index: step.step_index,
        name: step.name,
        title: step.title,
        outcome: step.outcome,
        startedAt: step.started_at,
        endedAt: step.ended_at,
        detail: step.detail,
        verdict: stepVerdict({ name: step.name, outcome: step.outcome }, gate),
      }),
    );
    return {
      id: row.firing_id,
      projectDir: row.project_dir,
      automation: row.automation,
      trigger: { kind: row.trigger_kind, detail: row.trigger_detail },
      actor: { user: row.actor_user, via: row.actor_via },
      outcome: row.outcome,
      reason: row.reason,
      evidence: record.evidence ?? [],
      newData: record.newData ?? null,
      pipeline: record.pipeline ?? null,
      candidate: record.candidate ?? null,
      production: record.production ?? null,
      gate,
      promotion: record.promotion ?? null,
      approval: record.approval ?? null,
      steps,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      ownerPid: row.owner_pid,
    };
  }
}
