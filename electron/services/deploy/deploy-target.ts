// The deploy-target interface, as MLflow's deployments plugins have one (create a deployment of
// a model version, update it to another, its status and endpoint, predict, list, delete). A
// target is one file implementing it, registered by name in deploy-targets.ts. The deployment
// service does everything that is the same for every target (resolving the model version, its
// files, recording each step with its time and outcome, history, rollback, one operation at a
// time, cancellation): a target only talks to the place it deploys to.
//
// Long-running work (a cloud endpoint taking minutes to come up) reports its steps through the
// context, polls as it needs, and stops when the context's signal aborts. A target keeps what it
// needs to find its resources again (an endpoint config name, a port) in `state`, which the
// service records with the revision; rollback hands a target the state of the revision it
// returns to, so a target that kept the previous version running (blue/green) can just switch
// traffic back.
import type { ConnectionCheck, DeployedModel, DeploymentHealth, DeploymentLogs, DeployTargetInfo, PredictionInput, PredictionResult } from '../../../shared/deployments';

/** What a target records about a deployment for later calls (JSON-serialisable, never secrets). */
export type TargetState = Readonly<Record<string, unknown>>;

/** A deployment as a target knows it: enough to find it again. */
export interface TargetDeploymentRef {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly endpointUrl: string | null;
  /** What the target returned when it deployed the revision now serving. */
  readonly state: TargetState;
  readonly model: DeployedModel | null;
}

/** What to deploy: a model version and its MLflow model folder on this machine. */
export interface TargetDeployRequest {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  readonly model: DeployedModel;
  /** The model's files (the folder holding MLmodel), a copy owned by this deployment. */
  readonly modelDir: string;
  /** A number unique to this operation, for naming what it creates (endpoint configs, blue/green slots). */
  readonly operationId: number;
}

/** An update: the new version, the deployment as it stands, and (for a rollback) the revision returned to. */
export interface TargetUpdateRequest extends TargetDeployRequest {
  readonly current: TargetDeploymentRef;
  /** Set on rollback: the earlier revision being returned to, with the state the target recorded for it. */
  readonly restoring: TargetDeploymentRef | null;
}

/** A deployment about to be made (the Deploy dialog opened): what a target may prepare ahead. */
export interface TargetWarmUpRequest {
  /** The settings it will get, checked and completed. */
  readonly config: Readonly<Record<string, string>>;
  /** The files of the version about to be deployed, when known (their libraries can be loaded ahead). */
  readonly modelDir: string | null;
  /** The deployment about to be updated; null for a new one. */
  readonly deployment: TargetDeploymentRef | null;
}

/** What a create or update produced. */
export interface TargetDeployment {
  readonly endpointUrl: string;
  readonly state: TargetState;
}

/** What a target says about a deployment right now. */
export interface TargetStatus {
  readonly health: DeploymentHealth;
  readonly endpointUrl: string | null;
  readonly message: string | null;
}

/** A deployment the target itself knows of (listing a target, finding strays). */
export interface TargetListedDeployment {
  readonly name: string;
  readonly endpointUrl: string | null;
  readonly health: DeploymentHealth;
}

/** A step of an operation as a target runs it. */
export interface StepHandle {
  /** Sets what the step found or is doing (shown live). */
  detail(text: string): void;
}

/** A step begun by `begin`, ended by the target when the work it stands for ends. */
export interface OpenStep extends StepHandle {
  succeed(detail?: string): void;
  fail(error: unknown): void;
}

/** What a target gets to report progress and to notice cancellation. */
export interface DeployContext {
  /** Aborts when the operation is cancelled; stop, clean up what this operation made, and throw. */
  readonly signal: AbortSignal;
  /** Runs `work` as a recorded step: its start, end, outcome and detail (or error) are recorded. */
  step<T>(name: string, title: string, work: (step: StepHandle) => Promise<T>): Promise<T>;
  /** Begins a step whose end the target reports itself (progress streamed from elsewhere); throws once the operation is cancelled. */
  begin(name: string, title: string, detail?: string): OpenStep;
  /** Begins a step that undoes this operation's work (clean-up, revert): unlike `begin`, also after a cancel. */
  beginCleanUp(name: string, title: string, detail?: string): OpenStep;
}

/** One place models can be deployed to. */
export interface DeployTarget {
  readonly info: DeployTargetInfo;
  /** Checks and completes a deployment's settings (defaults filled in); INVALID_PARAMETER_VALUE for bad ones. */
  checkConfig(name: string, config: Readonly<Record<string, string>>): Readonly<Record<string, string>>;
  /**
   * "Test connection": checks completed settings against the place deployments go (credentials,
   * permissions, the resources the settings name) without creating anything; each finding says
   * what is wrong in words a user can act on. Targets with nothing to reach leave it out.
   */
  testConnection?(config: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<ConnectionCheck>;
  /** Creates the deployment serving `request.model`; resolves once the endpoint answers. */
  create(request: TargetDeployRequest, context: DeployContext): Promise<TargetDeployment>;
  /** Moves the deployment to `request.model`; the current version keeps serving until the new one answers, and keeps serving if it fails. */
  update(request: TargetUpdateRequest, context: DeployContext): Promise<TargetDeployment>;
  /** What the target says about the deployment now. */
  status(ref: TargetDeploymentRef, signal?: AbortSignal): Promise<TargetStatus>;
  /** Sends a scoring request to the deployment's endpoint. */
  predict(ref: TargetDeploymentRef, input: PredictionInput, signal?: AbortSignal): Promise<PredictionResult>;
  /** Stops the deployment and removes what the target made for it (every kept revision too). */
  delete(ref: TargetDeploymentRef, context: DeployContext): Promise<void>;
  /** The deployments the target has, whether or not Cairn's records know them. */
  list(): Promise<TargetListedDeployment[]>;
  /** The end of the deployment's log (at most `maxBytes`); a target that keeps none leaves this out. */
  logs?(ref: TargetDeploymentRef, maxBytes: number): Promise<DeploymentLogs>;
  /** Prepares for a deployment soon, so that the deploy itself is quick (the local target starts Python ahead); resolves once prepared. */
  warmUp?(request: TargetWarmUpRequest): Promise<void>;
  /** Whether a deployment recorded as serving is to be started again now (it was to keep running, but its endpoint ended with the app). */
  needsRestart?(ref: TargetDeploymentRef): boolean;
  /** Called when the app or server closes: a target stops what should not outlive it. */
  close?(): Promise<void>;
}
