// The registry capability: registered models, their versions, and the models a run produced.
import { z } from 'zod';
import type { ModelVersion, RegisteredModel, RunModels } from '../models';
import { defineCall, type CapabilityCalls } from './call-spec';
import type { CapabilityCallName } from './contract-names';
import { runId } from './request-fields';

/** The name of a call of the registry capability. */
export type RegistryCallName = CapabilityCallName<'registry'>;

/** The calls of the registry capability. */
export const registryCalls = {
  /** The logged models a run produced and the registry versions made from it. */
  getRunModels: defineCall<RunModels>()(z.object({ runId }).strict()),
  /** Every registered model, most recently updated first, with its latest versions and aliases. */
  listRegisteredModels: defineCall<RegisteredModel[]>()(z.object({}).strict()),
  /** One registered model's versions, newest first. */
  listModelVersions: defineCall<ModelVersion[]>()(z.object({ name: z.string().min(1).max(500) }).strict()),
} satisfies CapabilityCalls<RegistryCallName>;
