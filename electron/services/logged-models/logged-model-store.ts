// The store of MLflow 3 logged models: models as entities of their own (id m-<hex>), with their
// files under their experiment's artifact location, params, tags and a PENDING/READY/FAILED status.
import type { LoggedModel, LoggedModelStatus, Page, Param, Tag } from '../../../shared/models';

/** What createLoggedModel needs; everything but the experiment is optional. */
export interface CreateLoggedModelInput {
  readonly experimentId: string;
  /** A random name (as run names are made) when absent. */
  readonly name?: string;
  readonly modelType?: string;
  readonly sourceRunId?: string;
  readonly params?: readonly Param[];
  readonly tags?: readonly Tag[];
}

/** A dataset that a logged model's metrics were computed on: by name, and by digest too when given. */
export interface LoggedModelDataset {
  readonly datasetName: string;
  readonly datasetDigest?: string;
}

/** One ordering of a logged-model search. */
export interface LoggedModelOrder {
  /** An attribute (name, creation_timestamp, ...), or metrics.<key>. */
  readonly fieldName: string;
  readonly ascending: boolean;
  /** For a metric: order by its values logged on this dataset only (name, and digest when given). */
  readonly datasetName?: string;
  readonly datasetDigest?: string;
}

/** A search over logged models, in MLflow's terms. */
export interface SearchLoggedModelsQuery {
  /** Experiments to search; every experiment when empty. */
  readonly experimentIds?: readonly string[];
  readonly filter?: string;
  /**
   * When given, metric comparisons of the filter test only values logged on one of these datasets,
   * and, when the filter compares no metric, only models with a metric logged on one of them match.
   */
  readonly datasets?: readonly LoggedModelDataset[];
  readonly orderBy?: readonly LoggedModelOrder[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/** What a logged-model write changed, announced after it commits. */
export interface LoggedModelChange {
  readonly entity: 'logged-model';
  readonly experimentId: string;
  readonly modelId: string;
}

/** The logged-model store. Every write resolves only after it is committed. */
export interface LoggedModelStore {
  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel>;
  /** RESOURCE_DOES_NOT_EXIST when missing, or deleted unless allowDeleted. */
  getLoggedModel(modelId: string, options?: { readonly allowDeleted?: boolean }): Promise<LoggedModel>;
  /** Marks the model's files complete (READY) or failed (FAILED). */
  finalizeLoggedModel(modelId: string, status: Exclude<LoggedModelStatus, 'PENDING'>): Promise<LoggedModel>;
  deleteLoggedModel(modelId: string): Promise<void>;
  setLoggedModelTags(modelId: string, tags: readonly Tag[]): Promise<LoggedModel>;
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  logLoggedModelParams(modelId: string, params: readonly Param[]): Promise<void>;
  searchLoggedModels(query: SearchLoggedModelsQuery): Promise<Page<LoggedModel>>;
  /** Adds {name, version} to the model's mlflow.modelVersions tag, as MLflow does on registration. */
  recordRegistration(modelId: string, name: string, version: number): Promise<void>;
  /**
   * Writes a logged model read from another store (the importer), with its own id and times. Its
   * metrics arrive as the run's metrics logged with its id, through the tracker.
   */
  importLoggedModel(model: Omit<LoggedModel, 'metrics'>): Promise<void>;

  /** Registers a listener called after each committed write; returns the unsubscribe function. */
  onChange(listener: (change: LoggedModelChange) => void): () => void;
}
