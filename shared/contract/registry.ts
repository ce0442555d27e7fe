// The registry capability: registered models, their versions, the models a run produced, and the
// registry's work in the app (register, aliases, stages, descriptions, tags, deletion with a plan,
// lineage, two versions compared). Every change goes through the same registry store as the
// MLflow-compatible API, so `mlflow` clients see it at once (and `tracker.changed` announces theirs).
import { z } from 'zod';
import type {
  ModelVersionComparison,
  ModelVersionLineage,
  RegistryDeletionPlan,
  RunModelFolder,
} from '../model-registry';
import type { LoggedModel, ModelVersion, RegisteredModel, RunModels } from '../models';
import { defineCall, type CapabilityCalls } from './call-spec';
import type { CapabilityCallName } from './contract-names';
import { runId } from './request-fields';

/** The name of a call of the registry capability. */
export type RegistryCallName = CapabilityCallName<'registry'>;

const modelName = z.string().trim().min(1, 'a registered model needs a name').max(500);
const versionNumber = z.string().regex(/^[1-9][0-9]{0,9}$/, 'versions are numbers: 1, 2, 3 ...');
/** MLflow's alias rules: letters, digits, '_' and '-'; not "latest", nor v<digits> (which reads as a version). */
const aliasName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,255}$/, "an alias is letters, digits, '_' and '-'")
  .refine((alias) => alias.toLowerCase() !== 'latest' && !/^v\d+$/i.test(alias), 'an alias cannot be "latest" or look like a version (v1)');
const stage = z.enum(['None', 'Staging', 'Production', 'Archived']);
const versionRef = z.object({ name: modelName, version: versionNumber }).strict();

/** The calls of the registry capability. */
export const registryCalls = {
  /** The logged models a run produced and the registry versions made from it. */
  getRunModels: defineCall<RunModels>()(z.object({ runId }).strict()),
  /** The MLflow model folders among a run's artifacts, which Register offers. */
  listRunModelFolders: defineCall<RunModelFolder[]>()(z.object({ runId }).strict()),
  /** Every registered model, most recently updated first, with its latest versions and aliases. */
  listRegisteredModels: defineCall<RegisteredModel[]>()(z.object({}).strict()),
  /** One registered model with its aliases and tags. */
  getRegisteredModel: defineCall<RegisteredModel>()(z.object({ name: modelName }).strict()),
  /** One registered model's versions, newest first. */
  listModelVersions: defineCall<ModelVersion[]>()(z.object({ name: z.string().min(1).max(500) }).strict()),
  /** MLflow 3 logged models of every experiment, newest first. */
  listLoggedModels: defineCall<LoggedModel[]>()(z.object({ maxResults: z.number().int().min(1).max(1000).default(200) }).strict()),
  /** Registers a run's model folder (runs:/<run>/<path>) or a logged model (models:/m-<id>) as a new model or a new version of one. */
  registerModel: defineCall<ModelVersion>()(
    z
      .object({
        name: modelName,
        source: z.string().min(1).max(2000),
        description: z.string().max(5000).optional(),
        alias: aliasName.optional(),
      })
      .strict(),
  ),
  /** Points an alias at a version (moving it when it pointed elsewhere); answers with the version it pointed at before. */
  setModelAlias: defineCall<{ readonly previousVersion: string | null }>()(
    z.object({ name: modelName, alias: aliasName, version: versionNumber }).strict(),
  ),
  /** Removes an alias. */
  deleteModelAlias: defineCall<Record<string, never>>()(z.object({ name: modelName, alias: aliasName }).strict()),
  /** Moves a version to a stage; with archiveExisting the stage's other versions go to Archived. */
  transitionModelVersionStage: defineCall<ModelVersion>()(
    z.object({ name: modelName, version: versionNumber, stage, archiveExisting: z.boolean().default(false) }).strict(),
  ),
  /** Archives a version (its stage becomes Archived). */
  archiveModelVersion: defineCall<ModelVersion>()(versionRef),
  /** Sets the description of a registered model (no version) or of one version. */
  setModelDescription: defineCall<Record<string, never>>()(
    z.object({ name: modelName, version: versionNumber.optional(), description: z.string().max(5000) }).strict(),
  ),
  /** Sets (value given) or removes (null) a tag of a registered model (no version) or of one version. */
  setModelTag: defineCall<Record<string, never>>()(
    z
      .object({
        name: modelName,
        version: versionNumber.optional(),
        key: z.string().trim().min(1, 'a tag needs a key').max(250),
        value: z.string().max(5000).nullable(),
      })
      .strict(),
  ),
  /** What deleting a registered model (no version) or one version would remove, in data and in words. */
  planModelDeletion: defineCall<RegistryDeletionPlan>()(z.object({ name: modelName, version: versionNumber.optional() }).strict()),
  /** Deletes a registered model (no version) or one version; answers with the plan carried out. */
  deleteModel: defineCall<RegistryDeletionPlan>()(z.object({ name: modelName, version: versionNumber.optional() }).strict()),
  /** Where a version came from: logged model, run, datasets, pipeline stage. */
  getModelVersionLineage: defineCall<ModelVersionLineage>()(versionRef),
  /** Two versions side by side: their runs' params, latest metrics and datasets. */
  compareModelVersions: defineCall<ModelVersionComparison>()(z.object({ a: versionRef, b: versionRef }).strict()),
} satisfies CapabilityCalls<RegistryCallName>;
