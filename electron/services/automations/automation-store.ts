// What the automations capability keeps in the tracker's database, behind an interface: projects,
// enabled switches, trigger state, leases, and the audit trail of firings with their steps. The
// SQLite implementation is sqlite-automation-store.ts.
import type {
  AutomationActor,
  AutomationFiring,
  EvaluatedModel,
  FiringApproval,
  FiringGate,
  FiringNewData,
  FiringOutcome,
  FiringPipeline,
  FiringPromotion,
  FiringStepOutcome,
  TriggerEvidence,
  TriggerKind,
} from '../../../shared/automation-models';

/** The JSON sections of a firing's record, written as the firing goes. */
export interface FiringSections {
  readonly evidence?: readonly TriggerEvidence[];
  readonly newData?: FiringNewData | null;
  readonly pipeline?: FiringPipeline | null;
  readonly candidate?: EvaluatedModel | null;
  readonly production?: EvaluatedModel | null;
  readonly gate?: FiringGate | null;
  readonly promotion?: FiringPromotion | null;
  readonly approval?: FiringApproval | null;
  /** The automation as the file declared it when it fired, and the file's digest. */
  readonly definition?: unknown;
}

/** A committed change: to a firing (its id), or to the enabled switches or the projects. */
export type AutomationStoreChange = { readonly kind: 'firing'; readonly firingId: number } | { readonly kind: 'settings' };

/** A firing about to begin. */
export interface NewFiring {
  readonly projectDir: string;
  readonly automation: string;
  readonly trigger: { readonly kind: TriggerKind; readonly detail: string };
  readonly actor: AutomationActor;
  readonly definition: unknown;
}

/** Who holds an automation's lease. */
export interface LeaseHolder {
  readonly holder: string;
  readonly pid: number;
  readonly firingId: number | null;
  readonly acquiredAt: number;
  readonly heartbeatAt: number;
}

/** The automations' records. Every write resolves only after it is committed. */
export interface AutomationStore {
  addProject(projectDir: string): void;
  removeProject(projectDir: string): void;
  listProjects(): string[];

  /** Whether an automation is enabled (it is unless switched off). */
  isEnabled(projectDir: string, automation: string): boolean;
  setEnabled(projectDir: string, automation: string, enabled: boolean): void;

  /** A trigger's saved state (parsed JSON), or null before its first look. */
  triggerState<T>(projectDir: string, automation: string, trigger: string): T | null;
  setTriggerState(projectDir: string, automation: string, trigger: string, state: unknown): void;

  /** Takes the lease when it is free or its holder is gone (ended, or silent past the lease's time); false when another holds it. */
  acquireLease(projectDir: string, automation: string, holder: string, leaseMs: number): boolean;
  /** Records which firing the holder runs. */
  setLeaseFiring(projectDir: string, automation: string, holder: string, firingId: number | null): void;
  /** Renews the holder's lease; false when it lost it. */
  renewLease(projectDir: string, automation: string, holder: string): boolean;
  releaseLease(projectDir: string, automation: string, holder: string): void;
  leaseHolder(projectDir: string, automation: string): LeaseHolder | null;

  beginFiring(firing: NewFiring): number;
  /** Writes sections (each replaces its predecessor whole), and the outcome with its reason; an outcome other than running or waiting-approval ends the firing. */
  updateFiring(id: number, sections: FiringSections, outcome?: { readonly outcome: FiringOutcome; readonly reason: string | null }): void;
  /** Records the trigger that decided a firing, once its conditions are evaluated (it began with the one that woke it). */
  setFiringTrigger(id: number, trigger: { readonly kind: TriggerKind; readonly detail: string }): void;
  /** Moves a firing to this process (a recovery or an approval continuing it). */
  adoptFiring(id: number): void;
  getFiring(id: number): AutomationFiring;
  /** The definition recorded with a firing. */
  firingDefinition(id: number): unknown;
  /** Newest first; of one project or automation when given. */
  listFirings(filter: { readonly projectDir?: string; readonly automation?: string; readonly limit?: number }): AutomationFiring[];
  /** Firings marked running or waiting for approval. */
  openFirings(): AutomationFiring[];

  beginStep(firingId: number, name: string, title: string): number;
  setStepDetail(firingId: number, index: number, detail: string): void;
  endStep(firingId: number, index: number, outcome: FiringStepOutcome, detail: string | null): void;

  /** Registers a listener called after each committed change this process makes; returns the unsubscribe function. */
  onChange(listener: (change: AutomationStoreChange) => void): () => void;

  /**
   * Looks for changes other processes committed to the automations since the last look (the first
   * look sets the baseline and reports nothing): firings that began, moved or ended, and whether
   * switches or projects changed.
   */
  changesFromOtherProcesses(): { readonly firingIds: readonly number[]; readonly settings: boolean };
}
