// The deploy capability: deployments of registered model versions to deploy targets, their
// operations (create, update, rollback, delete) with every step, scoring through an endpoint, and
// the `deploy.operation` event pushed on each step. Operations return as soon as they have begun:
// the event carries them on to their end.
import { z } from 'zod';
import type {
  ConnectionCheck,
  DeploymentLogs,
  DeploymentOperation,
  DeploymentStatus,
  DeployTargetInfo,
  DeployTargetSecretState,
  PredictionInput,
  PredictionResult,
} from '../deployments';
import { defineCall, type CapabilityCalls } from './call-spec';
import type { CapabilityCallName } from './contract-names';

/** The name of a call of the deploy capability. */
export type DeployCallName = CapabilityCallName<'deploy'>;

/** A deployment's name (the service checks its spelling and says how it must look). */
const deploymentName = z.string().min(1).max(63);
/** What to deploy: models:/<model>/<version>, models:/<model>@<alias>, models:/<model>/<stage> or models:/<model>/latest. */
const modelUri = z.string().min(9).max(1000).startsWith('models:/', 'a model URI starts with models:/');
/** A target's settings, by key (each target checks its own). */
const targetConfig = z.record(z.string().min(1).max(100), z.string().max(4000));
/** A scoring request: a JSON body in one of MLflow's formats, or CSV text. */
const predictionInput = z.union([z.object({ json: z.unknown() }).strict(), z.object({ csv: z.string().max(64 * 1024 * 1024) }).strict()]);

/** A deployment's example scoring request (for the Try it form). */
export interface DeployInputExample {
  /** The serving version's input example, else the first rows of its training data; null when there is neither. */
  readonly example: PredictionInput | null;
}

/** What `deployWarmUp` started. */
export interface DeployWarmUp {
  /** Whether the target prepares anything ahead (the local target starts its Python worker). */
  readonly warming: boolean;
}

/** The calls of the deploy capability. */
export const deployCalls = {
  /** The targets deployments can go to, with their settings. */
  deployTargets: defineCall<DeployTargetInfo[]>()(z.object({}).strict()),
  /** Every deployment with what its target says about it now (deleted ones when asked). */
  deployList: defineCall<DeploymentStatus[]>()(z.object({ includeDeleted: z.boolean().default(false) }).strict()),
  /** One deployment with what its target says about it now. */
  deployStatus: defineCall<DeploymentStatus>()(z.object({ name: deploymentName }).strict()),
  /** A deployment's operations with their steps, newest first. */
  deployHistory: defineCall<DeploymentOperation[]>()(
    z.object({ name: deploymentName, limit: z.number().int().min(1).max(500).default(50) }).strict(),
  ),
  /** Creates a deployment; answers with the operation once it has begun (`deploy.operation` events follow it). */
  deployCreate: defineCall<DeploymentOperation>()(
    z.object({ name: deploymentName, target: z.string().min(1).max(100), modelUri, config: targetConfig.default({}) }).strict(),
  ),
  /** Moves a deployment to another version (absent: what its URI names now); the current one serves until the new one answers. */
  deployUpdate: defineCall<DeploymentOperation>()(
    z.object({ name: deploymentName, modelUri: modelUri.optional(), config: targetConfig.optional() }).strict(),
  ),
  /** Returns a deployment to the version that served before the current one. */
  deployRollback: defineCall<DeploymentOperation>()(z.object({ name: deploymentName }).strict()),
  /** Stops a deployment and removes what its target made; its history stays. */
  deployDelete: defineCall<DeploymentOperation>()(z.object({ name: deploymentName }).strict()),
  /** Cancels a running operation, whichever process runs it. */
  deployCancel: defineCall<DeploymentOperation>()(z.object({ operationId: z.number().int().min(1) }).strict()),
  /** Sends a scoring request through a deployment's endpoint. */
  deployPredict: defineCall<PredictionResult>()(z.object({ name: deploymentName, input: predictionInput }).strict()),
  /** The end of a deployment's log (the local target: its endpoint host's lines and its Python workers' stderr). */
  deployLogs: defineCall<DeploymentLogs>()(
    z.object({ name: deploymentName, maxBytes: z.number().int().min(1024).max(4 * 1024 * 1024).default(64 * 1024) }).strict(),
  ),
  /** The serving version's input example (else the first rows of its training data) as a scoring request. */
  deployInputExample: defineCall<DeployInputExample>()(z.object({ name: deploymentName }).strict()),
  /**
   * Prepares a target for a deployment soon (the Deploy dialog opened): the local target starts a
   * Python worker and imports what the model needs, so that the deploy itself only loads it.
   */
  deployWarmUp: defineCall<DeployWarmUp>()(
    z
      .object({
        target: z.string().min(1).max(100),
        /** The version about to be deployed, when known: its libraries are imported ahead. */
        modelUri: modelUri.optional(),
        /** Set when an existing deployment is about to be updated: its own endpoint prepares. */
        name: deploymentName.optional(),
        config: targetConfig.default({}),
      })
      .strict(),
  ),
  /** Whether each secret a target can use is kept in the OS keychain (values never cross to the UI). */
  deployTargetSecrets: defineCall<DeployTargetSecretState[]>()(z.object({ target: z.string().min(1).max(100) }).strict()),
  /**
   * Keeps a target's secret in the OS keychain (value null: forgets it); the value is sent once
   * and never sent back. INVALID_STATE where there is no keychain (the browser mode, the CLI):
   * there the cloud SDKs' own credentials (environment, profiles) are used.
   */
  deploySetTargetSecret: defineCall<DeployTargetSecretState[]>()(
    z.object({ target: z.string().min(1).max(100), key: z.string().min(1).max(100), value: z.string().min(1).max(16 * 1024).nullable() }).strict(),
  ),
  /** "Test connection": checks settings against the target's cloud (credentials, permissions, named resources) without creating anything. */
  deployTestConnection: defineCall<ConnectionCheck>()(z.object({ target: z.string().min(1).max(100), config: targetConfig.default({}) }).strict()),
} satisfies CapabilityCalls<DeployCallName>;
