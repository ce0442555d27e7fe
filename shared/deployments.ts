// Deployments of registered model versions to deploy targets, as the main side records them and
// the renderer (and the CLI) show them: plain readonly types, no behaviour.

/** Who or what asked for a deployment operation, recorded with it. */
export interface DeployActor {
  /** The person (the OS user when nothing better is known). */
  readonly user: string;
  /** Through what: 'app', 'cli', 'api', or 'trigger:<name>' for continuous training. */
  readonly via: string;
}

/** A deploy target as the registry of targets lists it, with the settings it takes. */
export interface DeployTargetInfo {
  /** What --target and the UI's picker name it by, e.g. 'local'. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly settings: readonly DeployTargetSetting[];
  /** The secrets it can use (kept only in the desktop app's OS keychain; never sent back); empty for none. */
  readonly secrets: readonly DeployTargetSecret[];
}

/** One setting of a target (MLflow's deployment `config` keys). Secrets are never among them. */
export interface DeployTargetSetting {
  readonly key: string;
  readonly description: string;
  /** The value used when none is given, as text; null when there is none. */
  readonly defaultValue: string | null;
  /** Whether a deployment needs a value (and there is no default). */
  readonly required?: boolean;
}

/** A secret a target can use (an AWS secret key, an Azure client secret, a Databricks token): only whether it is set ever leaves the main side. */
export interface DeployTargetSecret {
  readonly key: string;
  readonly description: string;
  /** Where the target looks when the keychain does not hold it (the SDK's own chain: environment, profiles, CLI logins). */
  readonly fallback: string;
}

/** Whether each of a target's secrets is in the keychain (values never cross). */
export interface DeployTargetSecretState {
  readonly key: string;
  readonly inKeychain: boolean;
}

/** One finding of a target's "Test connection". */
export interface ConnectionCheckItem {
  /** What was checked, e.g. 'credentials', 'bucket', 's3:PutObject'. */
  readonly name: string;
  readonly ok: boolean;
  /** What was found; when not ok, what is wrong and what to do, in words a user can act on. */
  readonly message: string;
}

/** What a target's "Test connection" found with a set of settings. */
export interface ConnectionCheck {
  readonly target: string;
  readonly ok: boolean;
  readonly checks: readonly ConnectionCheckItem[];
}

/** The model version a deployment serves or served. */
export interface DeployedModel {
  readonly name: string;
  readonly version: string;
  /** What was asked for, e.g. models:/fraud@champion; `version` is what it resolved to then. */
  readonly uri: string;
}

/** Where a deployment stands, as recorded: it never served, it serves, or it was deleted. */
export type DeploymentState = 'creating' | 'serving' | 'failed' | 'deleted';

/** What a check of the target found just now. */
export type DeploymentHealth = 'serving' | 'starting' | 'stopped' | 'failed' | 'unknown';

/** An endpoint on a target, with what it serves and what served before (for rollback). */
export interface Deployment {
  readonly name: string;
  readonly target: string;
  /** The target's settings for it (never secrets). */
  readonly config: Readonly<Record<string, string>>;
  readonly state: DeploymentState;
  readonly endpointUrl: string | null;
  /** What serves now; null before the first successful deploy. */
  readonly model: DeployedModel | null;
  /** What served before `model`: where a rollback goes; null when there is nothing to go back to. */
  readonly previousModel: DeployedModel | null;
  /** Milliseconds since the epoch when `model` began serving. */
  readonly servingSince: number | null;
  readonly createdAt: number;
  readonly createdBy: DeployActor;
  readonly updatedAt: number;
  /** The latest operation on it (running, or how the last one ended). */
  readonly lastOperation: DeploymentOperationSummary | null;
}

/** A deployment with what its target says about it right now. */
export interface DeploymentStatus {
  readonly deployment: Deployment;
  readonly health: DeploymentHealth;
  /** What the target said, in words (why it is stopped or failing). */
  readonly message: string | null;
  /** Milliseconds since the epoch. */
  readonly checkedAt: number;
}

/** What an operation does to a deployment. */
export type DeploymentOperationKind = 'create' | 'update' | 'rollback' | 'delete';

/** How an operation or a step stands. */
export type DeploymentOutcome = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One step of an operation (resolve the model, copy its files, start, load, switch traffic, ...). */
export interface DeploymentStep {
  /** Its position in the operation, from 0. */
  readonly index: number;
  /** A stable name, e.g. 'resolve-model', 'load-model'. */
  readonly name: string;
  /** What the timeline shows. */
  readonly title: string;
  readonly outcome: DeploymentOutcome;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** What it found or did, or why it failed. */
  readonly detail: string | null;
}

/** An operation without its steps, as lists show it. */
export interface DeploymentOperationSummary {
  readonly id: number;
  readonly deploymentName: string;
  readonly kind: DeploymentOperationKind;
  readonly target: string;
  readonly outcome: DeploymentOutcome;
  /** The version it deploys (rollback: the version it returns to); null for delete. */
  readonly model: DeployedModel | null;
  /** What was serving when it began. */
  readonly fromModel: DeployedModel | null;
  readonly requestedBy: DeployActor;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** The step that failed, and why, when it failed. */
  readonly failedStep: string | null;
  readonly error: string | null;
}

/** An operation with its steps: one entry of a deployment's history. */
export interface DeploymentOperation extends DeploymentOperationSummary {
  readonly steps: readonly DeploymentStep[];
}

/** A change pushed while operations run: the operation as it now stands. */
export interface DeploymentEvent {
  readonly deploymentName: string;
  readonly operation: DeploymentOperation;
  /** The step that changed, when a step changed. */
  readonly step: DeploymentStep | null;
}

/** The end of a deployment's log, as its target keeps it. */
export interface DeploymentLogs {
  /** The last lines (at most the bytes asked for, cut at a line start). */
  readonly text: string;
  /** Whether earlier lines were left out. */
  readonly truncated: boolean;
  /** Where the log is (a file path for the local target); null when the target keeps none. */
  readonly source: string | null;
}

/** A scoring request sent through a deployment: a JSON body in one of MLflow's formats, or CSV text. */
export type PredictionInput = { readonly json: unknown } | { readonly csv: string };

/** The endpoint's answer to a scoring request. */
export interface PredictionResult {
  readonly status: number;
  /** The parsed JSON answer ({"predictions": ...} or MLflow's {"error_code", "message"}); null when not JSON. */
  readonly json: unknown;
  /** The body as text. */
  readonly text: string;
  /** Milliseconds from sending to the whole answer. */
  readonly durationMs: number;
}
