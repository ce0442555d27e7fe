// The model registry store interface, in MLflow's terms: registered models with tags and
// aliases, and their numbered versions with stages and tags. The SQLite store implements it.
import type { ModelVersion, ModelVersionStage, ModelVersionStatus, Page, RegisteredModel, Tag } from '../../../shared/models';

/** What createRegisteredModel needs. */
export interface CreateRegisteredModelInput {
  readonly name: string;
  readonly tags?: readonly Tag[];
  readonly description?: string;
}

/** What createModelVersion needs; the version number is the model's next one. */
export interface CreateModelVersionInput {
  readonly name: string;
  /** runs:/, models:/ (a version, an alias, or an m-<id> logged model), or mlflow-artifacts:/ URI. */
  readonly source: string;
  readonly runId?: string;
  readonly runLink?: string;
  readonly tags?: readonly Tag[];
  readonly description?: string;
  /** The MLflow 3 logged model registered; taken from a models:/m-<id> source when absent. */
  readonly modelId?: string;
}

/** A search over registered models or model versions, in MLflow's filter and order_by grammar. */
export interface RegistrySearchQuery {
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/** A registered model as another registry holds it (the importer), written as it is. */
export interface ImportedRegisteredModel {
  readonly name: string;
  readonly description: string | null;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly tags: readonly Tag[];
}

/** A model version as another registry holds it (the importer), written with its own number. */
export interface ImportedModelVersion {
  readonly name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string | null;
  readonly userId: string | null;
  readonly currentStage: ModelVersionStage;
  readonly source: string;
  /** Where the files are when `source` does not say it directly; null to download from `source`. */
  readonly storageLocation: string | null;
  readonly runId: string | null;
  readonly runLink: string | null;
  readonly status: ModelVersionStatus;
  readonly statusMessage: string | null;
  readonly modelId: string | null;
  readonly tags: readonly Tag[];
}

/** What a registry write changed, announced after it commits. */
export interface RegistryChange {
  readonly entity: 'registered-model' | 'model-version';
  /** The registered model's name (its new name after a rename). */
  readonly name: string;
  readonly version?: string;
}

/** The model registry. Every write resolves only after it is committed. */
export interface RegistryStore {
  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>>;
  /** Sets the description; undefined leaves it as it is. */
  updateRegisteredModel(name: string, description: string | undefined): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  /** Deletes the model with its versions, tags and aliases. */
  deleteRegisteredModel(name: string): Promise<void>;
  setRegisteredModelTag(name: string, tag: Tag): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;
  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;
  /** The highest version in each of `stages` (every stage when empty). */
  getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]>;

  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  /** Sets the description; undefined leaves it as it is. */
  updateModelVersion(name: string, version: string, description: string | undefined): Promise<ModelVersion>;
  /** Moves a version to a stage; with archiveExisting, the stage's other versions go to Archived. */
  transitionModelVersionStage(name: string, version: string, stage: string, archiveExisting: boolean): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>>;
  setModelVersionTag(name: string, version: string, tag: Tag): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;
  /** Where a client downloads the version's files from. */
  getModelVersionDownloadUri(name: string, version: string): Promise<string>;

  /** Writes a registered model read from another registry; its versions follow with importModelVersion. */
  importRegisteredModel(model: ImportedRegisteredModel): Promise<void>;
  importModelVersion(version: ImportedModelVersion): Promise<void>;

  /** Registers a listener called after each committed write; returns the unsubscribe function. */
  onChange(listener: (change: RegistryChange) => void): () => void;
}
